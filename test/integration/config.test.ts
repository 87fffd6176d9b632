import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

describe('configuration', () => {
  it('has embedded defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, NODE_ENV: 'development', SEED_DEMO: true, DATA_DIR: '.data' });
    expect(c.MONGODB_URI).toBeUndefined();
    expect(c.REDIS_URL).toBeUndefined();
  });

  it('reads and coerces environment variables', () => {
    const c = loadConfig({ PORT: '8080', PUBLIC_URL: 'https://console.example.com', SEED_DEMO: 'false', MONGODB_URI: 'mongodb://db:27017/x', REDIS_URL: 'redis://r:6379' });
    expect(c).toMatchObject({ PORT: 8080, PUBLIC_URL: 'https://console.example.com', SEED_DEMO: false, MONGODB_URI: 'mongodb://db:27017/x', REDIS_URL: 'redis://r:6379' });
  });

  it.each([
    ['PORT', 'eighty', /PORT/],
    ['PORT', '70000', /PORT/],
    ['PUBLIC_URL', 'not a url', /PUBLIC_URL/],
    ['PUBLIC_URL', 'ftp://x.example', /PUBLIC_URL/],
    ['MONGODB_URI', 'postgres://x', /MONGODB_URI: must start with mongodb/],
    ['REDIS_URL', 'http://x', /REDIS_URL: must start with redis/],
    ['NODE_ENV', 'staging', /NODE_ENV/],
    ['SEED_DEMO', 'maybe', /SEED_DEMO/],
  ])('stops on a bad %s with a message naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});

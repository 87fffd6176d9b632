// Text-to-speech off the main thread: espeak-ng (Emscripten WASM, npm), one
// instance per request (its main runs once per instance). Plain JavaScript
// so the worker starts without a TypeScript loader.
// workerData: { voice: string, wordsPerMinute: number }
// Request { id, text, ssml: boolean } → reply { id, wav: Uint8Array } or { id, error: string }.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const entry = require.resolve('espeak-ng');
const { default: ESpeakNg } = await import(entry);
// Compiled once per worker, instantiated per request.
const wasm = await WebAssembly.compile(readFileSync(entry.replace(/\.js$/, '.wasm')));
const { voice, wordsPerMinute } = workerData;

async function speak(text, ssml) {
  let status = 0;
  const errors = [];
  const espeak = await ESpeakNg({
    // The text is read from a file, so nothing in it is ever taken for an option.
    arguments: [...(ssml ? ['-m'] : []), '-v', voice, '-s', String(wordsPerMinute), '-b', '1', '-f', 'in.txt', '-w', 'out.wav'],
    preRun: [(m) => m.FS.writeFile('in.txt', text)],
    instantiateWasm(imports, receive) {
      WebAssembly.instantiate(wasm, imports).then((instance) => receive(instance, wasm));
      return {};
    },
    // espeak's exit must not become this process's exit code.
    quit: (code, toThrow) => {
      status = code;
      throw toThrow;
    },
    print: () => {},
    printErr: (line) => errors.push(line),
  });
  if (status !== 0 || !espeak.FS.analyzePath('out.wav').exists) throw new Error(`espeak-ng failed (${status}): ${errors.join(' ').slice(0, 300)}`);
  return espeak.FS.readFile('out.wav');
}

parentPort.on('message', async ({ id, text, ssml }) => {
  try {
    const wav = await speak(text, ssml);
    parentPort.postMessage({ id, wav }, [wav.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.message ?? err) });
  }
});
parentPort.postMessage({ ready: true });

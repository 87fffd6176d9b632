import mongoose, { Schema } from 'mongoose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { connectDatabase } from '../../server/db/connect.js';
import { createModels, syncIndexes } from '../../server/db/models.js';
import { freshDatabase, mongoUriFor } from '../support/server.js';

// Runs against the suite's embedded default; on the SQLite backend (EMBEDDED_DB=sqlite) nothing is indexed and this file is skipped.
const postgresUrl = inject('postgresUrl');
const suite = postgresUrl ? describe : describe.skip;

let sql: pg.Client;
let conn: mongoose.Connection;
const database = freshDatabase();

beforeAll(async () => {
  if (!postgresUrl) return;
  sql = new pg.Client({ connectionString: postgresUrl });
  await sql.connect();
  conn = await connectDatabase(mongoUriFor(database));
});
afterAll(async () => {
  await conn?.close();
  await sql?.end();
});

/** The PostgreSQL table FerretDB keeps a collection in, from its metadata table. */
async function tableOf(collection: string): Promise<string> {
  const { rows } = await sql.query<{ t: string }>(
    `SELECT _jsonb->>'table' AS t FROM ${pg.escapeIdentifier(database)}._ferretdb_database_metadata WHERE _jsonb->>'_id' = $1`,
    [collection],
  );
  expect(rows, `collection ${collection} has a table`).toHaveLength(1);
  return rows[0]!.t;
}

/** The fields that have a GIN mirror on a table. */
async function ginFields(table: string): Promise<string[]> {
  const { rows } = await sql.query<{ def: string }>(
    `SELECT indexdef AS def FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 AND indexdef LIKE '%USING gin%'`,
    [database, table],
  );
  return rows.map((r) => /\(_jsonb -> '([^']+)'::text\)/.exec(r.def)![1]!).sort();
}

/** The PostgreSQL plan of a find, as FerretDB's explain reports it: every node's type and index, flattened. */
async function planOf(collection: string, filter: Record<string, unknown>): Promise<string[]> {
  const res = await conn.db!.command({ explain: { find: collection, filter }, verbosity: 'queryPlanner' });
  const nodes: string[] = [];
  const walk = (node: Record<string, unknown>) => {
    nodes.push(`${node['Node Type']}${node['Index Name'] ? ` ${node['Index Name']}` : ''}`);
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk((res.queryPlanner as { Plan: Record<string, unknown> }).Plan);
  expect(res.filterPushdown).toBe(true);
  return nodes;
}

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeLookups(run: (i: number) => Promise<unknown>, n = 40) {
  for (let i = 0; i < 5; i++) await run(i); // warm
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run(i);
    times.push(performance.now() - t);
  }
  return p50(times);
}

suite('the embedded default (FerretDB on PostgreSQL) reads through indexes', () => {
  it('gives every index every model declares, and _id, a GIN mirror on the backing table', async () => {
    const models = createModels(conn);
    await syncIndexes(models);
    for (const model of Object.values(models)) {
      const declared = new Set(['_id']);
      for (const [keys] of model.schema.indexes()) {
        for (const field of Object.keys(keys)) if (!field.includes('.')) declared.add(field);
      }
      const table = await tableOf(model.collection.collectionName);
      expect(await ginFields(table), `${model.modelName} (${model.collection.collectionName})`).toEqual([...declared].sort());
    }
  });

  it('mirrors an index created later, on a collection created later, at once', async () => {
    const Late = conn.model('Late', new Schema({ colour: String, size: Number }), 'late_things');
    await Late.createCollection();
    const table = await tableOf('late_things');
    expect(await ginFields(table)).toEqual(['_id']);
    await Late.collection.createIndex({ colour: 1, size: -1 });
    expect(await ginFields(table)).toEqual(['_id', 'colour', 'size']);
  });

  it('answers _id and indexed-field lookups through the index: the same time at 1k and 100k rows', async () => {
    const Probe = conn.model('Probe', new Schema({ _id: String, tenant: { type: String, index: true }, n: Number }), 'probes');
    await Probe.init();
    const fill = async (from: number, to: number) => {
      for (let start = from; start < to; start += 5000) {
        const docs = [];
        for (let i = start; i < Math.min(to, start + 5000); i++) docs.push({ _id: `p${i}`, tenant: `t${i % 500}`, n: i });
        await Probe.collection.insertMany(docs as never[], { ordered: false });
      }
      await sql.query(`ANALYZE ${pg.escapeIdentifier(database)}.${pg.escapeIdentifier(await tableOf('probes'))}`);
    };
    const byId = (i: number) => Probe.findById(`p${(i * 7919) % 1000}`).lean();
    const byTenant = (i: number) => Probe.find({ tenant: `t${i % 500}` }).limit(20).lean();

    await fill(0, 1000);
    const small = { id: await timeLookups(byId), tenant: await timeLookups(byTenant) };
    await fill(1000, 100_000);
    expect(await Probe.estimatedDocumentCount()).toBe(100_000);
    const large = { id: await timeLookups(byId), tenant: await timeLookups(byTenant) };

    const idPlan = await planOf('probes', { _id: 'p123' });
    expect(idPlan.join(' | ')).toMatch(/Bitmap Index Scan wsc_gin_/);
    expect(idPlan.join(' | ')).not.toMatch(/Seq Scan/);
    const tenantPlan = await planOf('probes', { tenant: 't42' });
    expect(tenantPlan.join(' | ')).toMatch(/Bitmap Index Scan wsc_gin_/);
    expect(tenantPlan.join(' | ')).not.toMatch(/Seq Scan/);

    console.log(`[embedded-indexes] p50 at 1k rows: _id ${small.id.toFixed(1)} ms, tenant ${small.tenant.toFixed(1)} ms; at 100k: _id ${large.id.toFixed(1)} ms, tenant ${large.tenant.toFixed(1)} ms`);
    // A scan of 100x the rows would take tens of times longer; an index lookup stays flat (loose bound for a loaded machine).
    expect(large.id).toBeLessThan(Math.max(small.id * 3, small.id + 5));
    expect(large.tenant).toBeLessThan(Math.max(small.tenant * 3, small.tenant + 5));
  }, 240_000);
});

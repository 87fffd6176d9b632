import type pg from 'pg';

/**
 * FerretDB on PostgreSQL filters top-level equalities in SQL as
 * `(_jsonb -> 'field') @> '<value>'`, but the indexes it creates for
 * `createIndexes` are btree indexes, which `@>` cannot use: every read
 * scans the whole table. This mirror gives each field of every btree index
 * FerretDB creates (so every index a model declares, and `_id`) a GIN
 * expression index on the same path, which `@>` does use.
 *
 * It lives in the database itself: an event trigger mirrors each index the
 * moment FerretDB creates it (a new collection, a new index, whoever creates
 * it), and `wsc_mirror_all()` brings existing tables up to date at start,
 * dropping mirrors whose btree index is gone. Both are idempotent.
 * Dotted paths are left alone: FerretDB 1.24 does not push them down.
 * `fastupdate` is off so that every lookup reads the index itself, not a
 * pending list of recent entries that each search scans in full.
 */
const MIRROR_SQL = String.raw`
CREATE OR REPLACE FUNCTION wsc_mirror_index(idx oid) RETURNS int LANGUAGE plpgsql AS $fn$
DECLARE
  r record;
  k int;
  field text;
  made int := 0;
BEGIN
  SELECT i.indnatts, c.relname AS tbl, n.nspname AS sch, am.amname
    INTO r
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ic.relam
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE i.indexrelid = idx;
  IF NOT FOUND OR r.amname <> 'btree' OR r.tbl LIKE '\_ferretdb\_%' OR r.sch IN ('pg_catalog', 'information_schema') THEN
    RETURN 0;
  END IF;
  FOR k IN 1..r.indnatts LOOP
    field := substring(pg_get_indexdef(idx, k, false) FROM '^\(+_jsonb -> ''((?:[^'']|'''')*)''::text\)+$');
    CONTINUE WHEN field IS NULL;
    field := replace(field, '''''', '''');
    IF NOT EXISTS (
      SELECT 1 FROM pg_indexes
       WHERE schemaname = r.sch AND tablename = r.tbl AND indexname = wsc_mirror_name(r.sch, r.tbl, field)
    ) THEN
      EXECUTE format('CREATE INDEX %I ON %I.%I USING gin ((_jsonb -> %L) jsonb_path_ops) WITH (fastupdate = off)',
                     wsc_mirror_name(r.sch, r.tbl, field), r.sch, r.tbl, field);
      made := made + 1;
    END IF;
  END LOOP;
  RETURN made;
END
$fn$;

CREATE OR REPLACE FUNCTION wsc_mirror_name(sch text, tbl text, field text) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
  SELECT 'wsc_gin_' || left(md5(sch || '.' || tbl || '.' || field), 24)
$fn$;

CREATE OR REPLACE FUNCTION wsc_mirror_all() RETURNS int LANGUAGE plpgsql AS $fn$
DECLARE
  i record;
  made int := 0;
BEGIN
  -- Mirrors whose btree index is gone (a dropped index) go too.
  FOR i IN
    SELECT g.schemaname AS sch, g.tablename AS tbl, g.indexname AS name
      FROM pg_indexes g
     WHERE g.indexname LIKE 'wsc\_gin\_%'
       AND NOT EXISTS (
         SELECT 1
           FROM pg_index b
           JOIN pg_class bc ON bc.oid = b.indexrelid
           JOIN pg_am am ON am.oid = bc.relam AND am.amname = 'btree'
           JOIN pg_class t ON t.oid = b.indrelid
           JOIN pg_namespace n ON n.oid = t.relnamespace
           CROSS JOIN LATERAL generate_series(1, b.indnatts) AS k
          WHERE n.nspname = g.schemaname AND t.relname = g.tablename
            AND wsc_mirror_name(n.nspname, t.relname,
                  replace(substring(pg_get_indexdef(b.indexrelid, k, false) FROM '^\(+_jsonb -> ''((?:[^'']|'''')*)''::text\)+$'), '''''', '''')
                ) = g.indexname)
  LOOP
    EXECUTE format('DROP INDEX %I.%I', i.sch, i.name);
  END LOOP;
  FOR i IN
    SELECT b.indexrelid AS idx
      FROM pg_index b
      JOIN pg_class t ON t.oid = b.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
  LOOP
    made := made + wsc_mirror_index(i.idx);
  END LOOP;
  RETURN made;
END
$fn$;

CREATE OR REPLACE FUNCTION wsc_mirror_on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $fn$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' AND object_type = 'index' LOOP
    PERFORM wsc_mirror_index(c.objid);
  END LOOP;
END
$fn$;

DROP EVENT TRIGGER IF EXISTS wsc_mirror;
CREATE EVENT TRIGGER wsc_mirror ON ddl_command_end WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION wsc_mirror_on_ddl();
`;

/** Installs the mirror in the PostgreSQL database FerretDB uses and mirrors what exists; returns how many GIN indexes it created. */
export async function installIndexMirror(client: pg.Client): Promise<number> {
  await client.query(MIRROR_SQL);
  const { rows } = await client.query<{ made: number }>('SELECT wsc_mirror_all() AS made');
  return rows[0]!.made;
}

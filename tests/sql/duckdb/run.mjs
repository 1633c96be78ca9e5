// Runs SQL printed by `streamscope sql --dialect duckdb` on DuckDB (npm @duckdb/node-api), for tst_sqlduckdb.
//
//   node run.mjs exec SCRIPT.sql   runs every statement in order; prints one JSON line per SELECT:
//                                  {"statement": n, "rows": [{column: value, ...}, ...]}
//   node run.mjs parse LIST.json   parses each SQL text of a JSON array (no execution, no binding); prints
//                                  {"parsed": n, "errors": [{"index": i, "error": "..."}]}
// Exit 0 when everything ran (or parsed), 1 with the error on stderr otherwise.
import { readFileSync } from 'node:fs';
import { DuckDBInstance, StatementType } from '@duckdb/node-api';

const [mode, file] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();

if (mode === 'exec') {
  const extracted = await connection.extractStatements(readFileSync(file, 'utf8'));
  for (let i = 0; i < extracted.count; ++i) {
    const prepared = await extracted.prepare(i);
    const reader = await prepared.runAndReadAll();
    if (prepared.statementType === StatementType.SELECT)
      process.stdout.write(JSON.stringify({ statement: i, rows: reader.getRowObjectsJson() }) + '\n');
  }
} else if (mode === 'parse') {
  const texts = JSON.parse(readFileSync(file, 'utf8'));
  const errors = [];
  for (let i = 0; i < texts.length; ++i) {
    try {
      const extracted = await connection.extractStatements(texts[i]);
      if (extracted.count !== 1)
        errors.push({ index: i, error: `${extracted.count} statements` });
    } catch (e) {
      errors.push({ index: i, error: String(e.message ?? e) });
    }
  }
  process.stdout.write(JSON.stringify({ parsed: texts.length, errors }) + '\n');
  if (errors.length)
    process.exitCode = 1;
} else {
  process.stderr.write('usage: node run.mjs exec SCRIPT.sql | parse LIST.json\n');
  process.exitCode = 2;
}

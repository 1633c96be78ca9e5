// Validates every record of exported Lambda batch files (batch-*.json in the folder given) against the
// Powertools for AWS Lambda (TypeScript) parser's DynamoDBStreamSchema, one record at a time, and prints one JSON
// line per record: {"file","index","sequenceNumber","eventSourceARN","ok","error"}. Exit 0 when it could check
// every file (rejections are data, not errors), 2 on usage or I/O errors.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBStreamSchema } from '@aws-lambda-powertools/parser/schemas/dynamodb';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node validate.mjs EXPORT_FOLDER');
  process.exit(2);
}
const files = readdirSync(dir).filter((f) => /^batch-\d+\.json$/.test(f)).sort();
let records = 0;
let rejected = 0;
for (const file of files) {
  const event = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const whole = DynamoDBStreamSchema.safeParse(event);
  event.Records.forEach((record, index) => {
    const result = DynamoDBStreamSchema.safeParse({ Records: [record] });
    records++;
    let error = null;
    if (!result.success) {
      rejected++;
      error = result.error.issues.map((i) => i.message).join('; ');
    }
    process.stdout.write(JSON.stringify({
      file, index, sequenceNumber: record.dynamodb?.SequenceNumber, eventSourceARN: record.eventSourceARN,
      ok: result.success, error, fileOk: whole.success,
    }) + '\n');
  });
}
console.error(`checked ${records} records in ${files.length} files: ${rejected} rejected`);

// Validates every record of exported Lambda batch files (batch-*.json in each folder given) against the
// Powertools for AWS Lambda (TypeScript) parser's DynamoDBStreamSchema, one record at a time, and prints one JSON
// line per record: {"dir","file","index","sequenceNumber","eventSourceARN","ok","error","fileOk"}. Exit 0 when it
// could check every file (rejections are data, not errors), 2 on usage or I/O errors.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBStreamSchema } from '@aws-lambda-powertools/parser/schemas/dynamodb';

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: node validate.mjs EXPORT_FOLDER...');
  process.exit(2);
}
let records = 0;
let rejected = 0;
let fileCount = 0;
for (const dir of dirs) {
  const files = readdirSync(dir).filter((f) => /^batch-\d+\.json$/.test(f)).sort();
  fileCount += files.length;
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
        dir, file, index, sequenceNumber: record.dynamodb?.SequenceNumber, eventSourceARN: record.eventSourceARN,
        ok: result.success, error, fileOk: whole.success,
      }) + '\n');
    });
  }
}
console.error(`checked ${records} records in ${fileCount} files: ${rejected} rejected`);

// Node.js log fixtures for tst_logimport: every Lambda event of a generated capture logged as the Node.js runtime
// logs it. The message is made by util.format (as console.log does); on the stdout path a multi-line message becomes
// one log event whose newlines are '\r'. Usage: node logfixtures.js CAPTURE_DIR OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const util = require('util');

const [captureDir, out] = process.argv.slice(2);
const START = 1700000000;
const STREAM = '2023/11/14/[$LATEST]0123456789abcdef0123456789abcdef';
const names = fs.readdirSync(captureDir).filter((n) => n.endsWith('.json')).sort();
const events = names.map((n) => JSON.parse(fs.readFileSync(path.join(captureDir, n), 'utf8')));
const requestId = (i) => `${i.toString(16).padStart(8, '0')}-4444-5555-6666-${i.toString(16).padStart(12, '0')}`;
const iso = (s) => new Date(s * 1000).toISOString();

// Runtime text format: <time>\t<request id>\t<LEVEL>\t<message>, newlines of the message as '\r'.
const runtimeLine = (i, level, message) =>
  `${iso(START + i)}\t${requestId(i)}\t${level}\t${message}`.replace(/\n/g, '\r');

const text = [];
const detailed = [];
events.forEach((event, i) => {
  const lines = [
    `START RequestId: ${requestId(i)} Version: $LATEST`,
    runtimeLine(i, 'INFO', util.format('EVENT %s', JSON.stringify(event, null, 2))),
    runtimeLine(i, 'INFO', util.format('%d records processed', event.Records.length)),
    `END RequestId: ${requestId(i)}`,
  ];
  if (i === 1) // logged twice (a retried invocation): the same records, stored once
    lines.splice(2, 0, runtimeLine(i, 'INFO', util.format('%s', JSON.stringify(event))));
  text.push(...lines);
  // `aws logs tail --format detailed`: <time isoformat> <log stream> <message>
  lines.forEach((l) => detailed.push(`${new Date((START + i) * 1000).toISOString().replace('Z', '000+00:00')} ${STREAM} ${l}`));
});
fs.writeFileSync(path.join(out, 'node-text.log'), text.join('\n') + '\n');
fs.writeFileSync(path.join(out, 'tail-detailed.log'), detailed.join('\n') + '\n');

// Runtime JSON format (AWS_LAMBDA_LOG_FORMAT=JSON): message is the event object, or a string holding its JSON.
const json = events.map((event, i) => JSON.stringify({
  timestamp: iso(START + i), level: 'INFO', requestId: requestId(i),
  message: i % 2 === 0 ? event : JSON.stringify(event),
}));
fs.writeFileSync(path.join(out, 'node-json.log'), json.join('\n') + '\n');

// Powertools for AWS Lambda (TypeScript), logEvent: true (the logger's output shape written here; the real logger
// from npm runs in tst_logimport powertoolsTypeScriptLogger, powertools-logger/log.mjs):
// {"level","message":"Lambda invocation event","timestamp",…,"function_request_id","event":{…}}
const powertools = events.map((event, i) => JSON.stringify({
  level: 'INFO', message: 'Lambda invocation event', timestamp: iso(START + i), service: 'orders',
  cold_start: i === 0, function_arn: 'arn:aws:lambda:eu-central-1:123456789012:function:orders',
  function_memory_size: '128', function_name: 'orders', function_request_id: requestId(i),
  sampling_rate: 0, xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793', event,
}));
fs.writeFileSync(path.join(out, 'powertools-typescript.log'), powertools.join('\n') + '\n');

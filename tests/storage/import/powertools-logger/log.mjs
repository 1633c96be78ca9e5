// Real Powertools for AWS Lambda (TypeScript) Logger output for tst_logimport: every Lambda event of a generated
// capture handed to a handler wrapped by the logger's own injectLambdaContext({ logEvent: true }) (as the
// @logger.injectLambdaContext decorator wraps it), which logs "Lambda invocation event" with the event; the handler
// also logs the event (or its records) itself on invocations 1 to 6, each time another way a handler does (the same records logged
// twice), and a line without an event on each. The logger writes its JSON lines to stdout, which the test reads.
// Usage: node log.mjs CAPTURE_DIR
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';

const captureDir = process.argv[2];
if (!captureDir) {
  console.error('usage: node log.mjs CAPTURE_DIR');
  process.exit(2);
}
const logger = new Logger({ serviceName: 'orders' });

class Lambda {
  async handler(event, context) {
    const invocation = Number.parseInt(context.awsRequestId.slice(-12), 16);
    if (invocation === 1)
      logger.info('Received event', { event }); // as its own member
    else if (invocation === 2)
      logger.info('Received event', event); // its members merged into the entry
    else if (invocation === 3)
      logger.info('Received event', JSON.stringify(event)); // a string: the entry's "extra"
    else if (invocation === 4)
      logger.info(JSON.stringify(event)); // the message
    else if (invocation === 5)
      logger.info('Records', { records: event.Records }); // the records array
    else if (invocation === 6)
      for (const record of event.Records) logger.info('Record', { record }); // each record on its own
    logger.info(`processing ${event.Records.length} records`);
    return { batchItemFailures: [] };
  }
}
const descriptor = Object.getOwnPropertyDescriptor(Lambda.prototype, 'handler');
logger.injectLambdaContext({ logEvent: true })(Lambda.prototype, 'handler', descriptor);
Object.defineProperty(Lambda.prototype, 'handler', descriptor);
const lambda = new Lambda();

const requestId = (i) => `${i.toString(16).padStart(8, '0')}-7777-8888-9999-${i.toString(16).padStart(12, '0')}`;
const names = readdirSync(captureDir).filter((n) => n.endsWith('.json')).sort();
for (const [i, name] of names.entries()) {
  const event = JSON.parse(readFileSync(join(captureDir, name), 'utf8'));
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'orders-handler',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:orders-handler',
    memoryLimitInMB: '128',
    awsRequestId: requestId(i),
    logGroupName: '/aws/lambda/orders-handler',
    logStreamName: '2023/11/14/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 30000,
  };
  await lambda.handler(event, context);
}

// Node handlers as a user writes them (ES module, async, export const handler). `handler` reports every record of
// key Id=101 in batchItemFailures; `throws` throws, which the Invoke API answers with 200 + X-Amz-Function-Error.
const failing = (record) => JSON.stringify(record.dynamodb.Keys).includes('"N":"101"');

export const handler = async (event, context) => {
  console.log(`request ${context.awsRequestId}: ${event.Records.length} records`);
  const failed = event.Records.filter(failing).map((r) => ({ itemIdentifier: r.dynamodb.SequenceNumber }));
  return { batchItemFailures: failed };
};

export const throws = async () => {
  throw new TypeError("cannot process this batch");
};

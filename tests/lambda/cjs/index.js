// CommonJS (no package.json "type": "module"), async: fails the first record of every batch once.
const failed = new Set();

exports.handler = async (event, context) => {
    console.log(`cjs ${process.pid} ${context.functionName} ${context.awsRequestId} ${context.memoryLimitInMB}`);
    const first = event.Records[0].dynamodb.SequenceNumber;
    if (!failed.has(first)) {
        failed.add(first);
        return { batchItemFailures: [{ itemIdentifier: first }] };
    }
    return { batchItemFailures: [] };
};

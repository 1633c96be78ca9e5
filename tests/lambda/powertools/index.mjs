// A DynamoDB Streams handler as the Powertools for AWS Lambda (TypeScript) batch docs write it: BatchProcessor +
// processPartialResponse, exported as `handler`. Records whose Id is in FAIL_IDS fail the first time they are
// delivered to this (warm) environment and succeed after; every processed record is logged.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';

const processor = new BatchProcessor(EventType.DynamoDBStreams);
const failIds = new Set((process.env.FAIL_IDS ?? '').split(',').filter(Boolean));
const seen = new Set();

const recordHandler = async (record) => {
  const sequenceNumber = record.dynamodb.SequenceNumber;
  const id = record.dynamodb.Keys?.Id?.N ?? record.dynamodb.Keys?.Id?.S;
  if (failIds.has(id) && !seen.has(sequenceNumber)) {
    seen.add(sequenceNumber);
    console.log(`failed ${sequenceNumber}`);
    throw new Error(`record ${sequenceNumber} (Id ${id}) failed once`);
  }
  console.log(`processed ${sequenceNumber}`);
};

export const handler = async (event, context) => {
  console.log(`pid ${process.pid} request ${context.awsRequestId} remaining ${context.getRemainingTimeInMillis()}`);
  return processPartialResponse(event, recordHandler, processor, { context });
};

# A DynamoDB Streams handler in the shape Lambda's Python docs (and the seed's Powertools example) use: it returns
# {"batchItemFailures": [...]} for the records whose key Id is in FAIL_IDS, and logs what it sees.
import os
import time

FAIL_IDS = set(filter(None, os.environ.get("FAIL_IDS", "").split(",")))
print("init pid {0}".format(os.getpid()))


def lambda_handler(event, context):
    print("pid {0} request {1} remaining {2} records {3}".format(
        os.getpid(), context.aws_request_id, context.get_remaining_time_in_millis(), len(event["Records"])))
    hang_once = os.environ.get("HANG_ONCE_FILE")
    if hang_once and not os.path.exists(hang_once):
        open(hang_once, "w").close()
        time.sleep(60)  # this invocation times out; the next one runs in a fresh runtime
    if os.environ.get("RAISE_ON_KEY"):
        for record in event["Records"]:
            if record["dynamodb"]["Keys"]["Id"].get("N") == os.environ["RAISE_ON_KEY"]:
                raise ValueError("cannot process Id " + os.environ["RAISE_ON_KEY"])
    failures = []
    for record in event["Records"]:
        if record["dynamodb"]["Keys"]["Id"].get("N") in FAIL_IDS:
            failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
    return {"batchItemFailures": failures}

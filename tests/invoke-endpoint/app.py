"""A Python handler in the seed's shape: lambda_handler(event, context) returning batchItemFailures (Id=101 fails)."""

import json


def lambda_handler(event, context):
    print("request", context.aws_request_id, "remaining ms", context.get_remaining_time_in_millis())
    failed = []
    for record in event["Records"]:
        if json.dumps(record["dynamodb"]["Keys"], separators=(",", ":")).find('"N":"101"') >= 0:
            failed.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
    return {"batchItemFailures": failed}

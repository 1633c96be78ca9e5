#!/usr/bin/env python3
"""Log fixtures for tst_logimport: every Lambda event of a generated capture (gen_capture.py --layout
lambda-batches) logged the way each log shape of issue 20 holds it. Python's own `logging` makes the runtime's text
lines; the `aws logs` outputs, CloudWatch exports and subscription payloads are written as those tools write them.

Usage: logfixtures.py CAPTURE_DIR OUT_DIR
"""

import base64
import datetime
import gzip
import io
import json
import logging
import os
import random
import sys
import time

START = 1700000000  # log time of the first event (epoch seconds)
STREAM = "2023/11/14/[$LATEST]0123456789abcdef0123456789abcdef"
GROUP = "/aws/lambda/orders-handler"


def events(capture_dir):
    names = sorted(n for n in os.listdir(capture_dir) if n.endswith(".json"))
    return [open(os.path.join(capture_dir, n), encoding="utf-8").read().strip() for n in names]


def request_id(i):
    return "%08x-1111-2222-3333-%012x" % (i, i)


def iso_z(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class RequestFilter(logging.Filter):
    request = ""

    def filter(self, record):
        record.aws_request_id = RequestFilter.request
        return True


def python_runtime_lines(evs):
    """Lines as the Lambda Python runtime writes them: its format string, Python's logging."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    formatter = logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
                                  "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(RequestFilter())
    logger = logging.getLogger("fixtures")
    logger.handlers = [handler]
    logger.setLevel(logging.INFO)
    lines = []
    for i, e in enumerate(evs):
        RequestFilter.request = request_id(i)
        rid = request_id(i)
        lines.append("START RequestId: %s Version: $LATEST" % rid)
        out.seek(0)
        out.truncate()
        logger.info("Received event: %s", json.dumps(json.loads(e)))
        logger.info("processed %d records", len(json.loads(e)["Records"]))
        lines.extend(out.getvalue().rstrip("\n").split("\n"))
        lines.append("END RequestId: %s" % rid)
        lines.append("REPORT RequestId: %s\tDuration: 12.34 ms\tBilled Duration: 13 ms" % rid)
    return lines


def write(path, text, binary=False):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(text if binary else text.encode("utf-8"))


def main():
    capture_dir, out = sys.argv[1], sys.argv[2]
    evs = events(capture_dir)
    lines = python_runtime_lines(evs)

    # Python runtime, text format; one event also print()ed (the same records twice: one record each).
    printed = lines[:3] + [evs[0]] + lines[3:]
    write(os.path.join(out, "python-text.log"), "\n".join(printed) + "\n")

    # A terminal capture of a handler that did print(event): Python's repr of each event, other output around it.
    rows = []
    for i, e in enumerate(evs):
        rows.append("invocation %d" % i)
        rows.append(repr(json.loads(e)))
        rows.append("done: %d records" % len(json.loads(e)["Records"]))
    write(os.path.join(out, "python-repr.log"), "\n".join(rows) + "\n")

    # Python runtime, JSON format: message is a string (the handler logged json.dumps(event)).
    rows = []
    for i, e in enumerate(evs):
        rows.append(json.dumps({"timestamp": iso_z(START + i), "level": "INFO", "message": e,
                                "logger": "root", "requestId": request_id(i)}))
    write(os.path.join(out, "python-json.log"), "\n".join(rows) + "\n")

    # Powertools for AWS Lambda (Python), log_event=True: message is the event object. Written in the logger's
    # documented shape: Debian 12 has no package of aws-lambda-powertools (and the tests do not use pip), unlike the
    # TypeScript logger, which tst_logimport runs from npm.
    rows = []
    for i, e in enumerate(evs):
        rows.append(json.dumps({"level": "INFO", "location": "decorate:440", "message": json.loads(e),
                                "timestamp": "2023-11-14 22:13:%02d,650+0000" % i, "service": "orders",
                                "cold_start": i == 0, "function_name": "orders-handler",
                                "function_memory_size": "128",
                                "function_arn": "arn:aws:lambda:eu-central-1:123456789012:function:orders-handler",
                                "function_request_id": request_id(i), "xray_trace_id": "1-5759e988-bd862e3fe1be46a994272793"}))
        rows.append(json.dumps({"level": "INFO", "location": "handler:12", "message": "done",
                                "timestamp": "2023-11-14 22:13:%02d,651+0000" % i, "service": "orders",
                                "function_request_id": request_id(i)}))
    write(os.path.join(out, "powertools-python.log"), "\n".join(rows) + "\n")

    # `aws logs tail --format short`: "<time> <message>".
    short = ["%s %s" % (datetime.datetime.utcfromtimestamp(START + n).strftime("%Y-%m-%dT%H:%M:%S"), line)
             for n, line in enumerate(lines)]
    write(os.path.join(out, "tail-short.log"), "\n".join(short) + "\n")

    # `aws logs tail --format none`: each message as it is, nothing before it (the runtime's own prefix stays).
    write(os.path.join(out, "tail-none.log"), "\n".join(lines) + "\n")

    # `aws logs tail --format json`: a JSON message pretty-printed, other messages as they are.
    rows = []
    for i, e in enumerate(evs):
        rows.append("START RequestId: %s Version: $LATEST" % request_id(i))
        rows.append(json.dumps(json.loads(e), indent=4, ensure_ascii=False))
        rows.append("END RequestId: %s" % request_id(i))
    write(os.path.join(out, "tail-json.log"), "\n".join(rows) + "\n")

    # `aws logs filter-log-events`: two pages of output concatenated.
    page_events = [{"logStreamName": STREAM, "timestamp": (START + n) * 1000, "message": line + "\n",
                    "ingestionTime": (START + n) * 1000 + 250, "eventId": "%056d" % n}
                   for n, line in enumerate(lines)]
    half = len(page_events) // 2
    pages = [{"events": page_events[:half], "searchedLogStreams": [], "nextToken": "token-1"},
             {"events": page_events[half:], "searchedLogStreams": []}]
    write(os.path.join(out, "filter-log-events.json"), "\n".join(json.dumps(p, indent=4) for p in pages) + "\n")

    # `aws logs get-log-events --log-group-name … --log-stream-name …`, called again with --next-token until the
    # token repeats: its events carry no log stream name; the last page is empty and repeats the forward token.
    stream_events = [{"timestamp": (START + n) * 1000, "message": line + "\n", "ingestionTime": (START + n) * 1000 + 250}
                     for n, line in enumerate(lines)]
    third = len(stream_events) // 3
    tokens = ["f/%056d" % n for n in (third, 2 * third, len(stream_events))]
    pages = [{"events": stream_events[:third], "nextForwardToken": tokens[0], "nextBackwardToken": "b/%056d" % 0},
             {"events": stream_events[third:2 * third], "nextForwardToken": tokens[1],
              "nextBackwardToken": "b/%056d" % third},
             {"events": stream_events[2 * third:], "nextForwardToken": tokens[2],
              "nextBackwardToken": "b/%056d" % (2 * third)},
             {"events": [], "nextForwardToken": tokens[2], "nextBackwardToken": "b/%056d" % len(stream_events)}]
    write(os.path.join(out, "get-log-events.json"), "\n".join(json.dumps(p, indent=4) for p in pages) + "\n")

    # CloudWatch Logs export to S3: <prefix>/<task id>/<log stream>/000000.gz, lines not in time order.
    exported = ["%s %s" % (iso_z(START + n), line) for n, line in enumerate(lines)]
    random.Random(7).shuffle(exported)
    task = os.path.join(out, "export", "exportedlogs", "0f0e0d0c-aaaa-bbbb-cccc-123456789abc")
    write(os.path.join(task, "orders-stream-a", "000000.gz"),
          gzip.compress(("\n".join(exported) + "\n").encode("utf-8"), mtime=0), binary=True)
    write(os.path.join(out, "export", "exportedlogs", "aws-logs-write-test"), "Permission Check Successful")

    # Subscription filter: a DATA_MESSAGE as the subscribed function receives it ({"awslogs":{"data":…}}), and
    # as Firehose delivers it to S3 (gzip members concatenated, a CONTROL_MESSAGE among them).
    def data_message(part):
        return {"messageType": "DATA_MESSAGE", "owner": "123456789012", "logGroup": GROUP, "logStream": STREAM,
                "subscriptionFilters": ["to-firehose"],
                "logEvents": [{"id": "%056d" % n, "timestamp": (START + n) * 1000, "message": line}
                              for n, line in part]}
    numbered = list(enumerate(lines))
    payload = gzip.compress(json.dumps(data_message(numbered)).encode("utf-8"), mtime=0)
    write(os.path.join(out, "subscription-event.json"),
          json.dumps({"awslogs": {"data": base64.b64encode(payload).decode("ascii")}}) + "\n")
    control = {"messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs", "logGroup": "", "logStream": "",
               "subscriptionFilters": [], "logEvents": [{"id": "", "timestamp": START * 1000,
                                                          "message": "CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}
    half = len(numbered) // 2
    members = [control, data_message(numbered[:half]), data_message(numbered[half:])]
    write(os.path.join(out, "firehose-object"),
          b"".join(gzip.compress(json.dumps(m).encode("utf-8"), mtime=0) for m in members), binary=True)


if __name__ == "__main__":
    main()

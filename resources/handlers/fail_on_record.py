#!/usr/bin/env python3
"""Tiny example handler for `streamscope replay` (Python 3 stdlib only).

Reads a Lambda DynamoDB stream event ({"Records":[...]}) on stdin, "processes" each record, and answers like a
Lambda function with ReportBatchItemFailures: {"batchItemFailures":[{"itemIdentifier":"<SequenceNumber>"}]}
on stdout. Log lines go to stderr.

A record fails when its SequenceNumber is given with --fail-seq, or its Keys (as DynamoDB JSON text) contain
the --fail-key text. What a failure does is chosen with --mode:
  report      (default) list failing records in batchItemFailures
  exit        exit with status 1 (function error: the whole batch fails)
  crash       die from SIGABRT
  hang        never answer (use with replay --timeout)
  null-id     answer {"batchItemFailures":[{"itemIdentifier":null}]}
  empty-id    answer {"batchItemFailures":[{"itemIdentifier":""}]}
  bad-key     answer {"batchItemFailures":[{"itemId":"<seq>"}]}
  unknown-id  answer with an identifier that is not in the batch
--fail-times N fails each failing record only on its first N deliveries (state kept in --state FILE), so a retry
can succeed. --log FILE appends one line per invocation: the delivered sequence numbers, space-separated.

Example:
  streamscope replay --store my.streamscope --table Orders \\
      --handler python3 resources/handlers/fail_on_record.py --fail-key '"Id":{"N":"101"}'
"""

import argparse
import json
import os
import signal
import sys
import time


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--fail-seq", action="append", default=[], help="SequenceNumber that fails (repeatable)")
    p.add_argument("--fail-key", action="append", default=[], help="text contained in a failing record's Keys JSON")
    p.add_argument("--mode", default="report",
                   choices=["report", "exit", "crash", "hang", "null-id", "empty-id", "bad-key", "unknown-id"])
    p.add_argument("--fail-times", type=int, default=0, help="fail a record only on its first N deliveries (0 = always)")
    p.add_argument("--state", help="file keeping delivery counts for --fail-times")
    p.add_argument("--log", help="append the delivered sequence numbers of each invocation to this file")
    args = p.parse_args()

    event = json.load(sys.stdin)
    records = event.get("Records") or []
    seqs = [r["dynamodb"]["SequenceNumber"] for r in records]
    if args.log:
        with open(args.log, "a", encoding="utf-8") as f:
            f.write(" ".join(seqs) + "\n")

    counts = {}
    if args.state and os.path.exists(args.state):
        with open(args.state, encoding="utf-8") as f:
            counts = json.load(f)

    failing = []
    for record, seq in zip(records, seqs):
        keys_text = json.dumps(record["dynamodb"].get("Keys", {}), separators=(",", ":"), ensure_ascii=False)
        wants_fail = seq in args.fail_seq or any(k in keys_text for k in args.fail_key)
        if wants_fail and args.fail_times > 0:
            counts[seq] = counts.get(seq, 0) + 1
            wants_fail = counts[seq] <= args.fail_times
        if wants_fail:
            failing.append(seq)
            print(f"record {seq} failed", file=sys.stderr)
        else:
            print(f"record {seq} processed", file=sys.stderr)

    if args.state:
        with open(args.state, "w", encoding="utf-8") as f:
            json.dump(counts, f)

    if failing:
        if args.mode == "exit":
            print("handler error: giving up on the batch", file=sys.stderr)
            return 1
        if args.mode == "crash":
            sys.stderr.flush()
            os.kill(os.getpid(), signal.SIGABRT)
        if args.mode == "hang":
            time.sleep(3600)
        if args.mode == "null-id":
            print(json.dumps({"batchItemFailures": [{"itemIdentifier": None}]}))
            return 0
        if args.mode == "empty-id":
            print(json.dumps({"batchItemFailures": [{"itemIdentifier": ""}]}))
            return 0
        if args.mode == "bad-key":
            print(json.dumps({"batchItemFailures": [{"itemId": failing[0]}]}))
            return 0
        if args.mode == "unknown-id":
            print(json.dumps({"batchItemFailures": [{"itemIdentifier": "999999999999999999999999"}]}))
            return 0
    print(json.dumps({"batchItemFailures": [{"itemIdentifier": s} for s in failing]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

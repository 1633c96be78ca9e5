#!/usr/bin/env python3
"""A loopback stand-in for a Lambda Invoke API endpoint (tst_invoketarget): POST
/2015-03-31/functions/<name>/invocations answers as the function <name> says:

  ok           200, {"batchItemFailures":[]}, X-Amz-Log-Result = base64 of the log lines
  partial      200, the second record of the event in batchItemFailures
  thrown       200 + X-Amz-Function-Error: Unhandled, Lambda's error object (a real endpoint's function error)
  rie-error    200 without the header, body {"errorType","errorMessage"} (Runtime Interface Emulator)
  rie-timeout  200, text "Task timed out after 1.00 seconds" (Runtime Interface Emulator)
  rie-crash    200, empty body (Runtime Interface Emulator after the runtime died)
  throttled    429 + x-amzn-ErrorType: TooManyRequestsException
  slow         answers after 30 s
  anything else: 404 + x-amzn-ErrorType: ResourceNotFoundException
A request without X-Amz-Invocation-Type: RequestResponse gets 400. Prints the port on stdout, then serves until killed.
"""

import base64
import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        event = json.loads(self.rfile.read(length) or b"{}")
        m = re.fullmatch(r"/2015-03-31/functions/([^/]+)/invocations", self.path)
        if not m:
            return self.answer(404, "no such path", {"x-amzn-ErrorType": "UnknownOperationException"})
        if self.headers.get("X-Amz-Invocation-Type") != "RequestResponse":
            return self.answer(400, "missing X-Amz-Invocation-Type")
        name = m.group(1)
        seqs = [r["dynamodb"]["SequenceNumber"] for r in event.get("Records", [])]
        log = base64.b64encode(("START " + self.headers.get("X-Amz-Client-Request-Id", "") + "\nhandled "
                                + " ".join(seqs) + "\n").encode()).decode()
        if name == "ok":
            return self.answer(200, '{"batchItemFailures":[]}', {"X-Amz-Log-Result": log})
        if name == "partial":
            failed = [{"itemIdentifier": s} for s in seqs[1:2]]
            return self.answer(200, json.dumps({"batchItemFailures": failed}), {"X-Amz-Log-Result": log})
        if name == "thrown":
            return self.answer(200, '{"errorType":"Error","errorMessage":"boom","trace":[]}',
                               {"X-Amz-Function-Error": "Unhandled"})
        if name == "rie-error":
            return self.answer(200, '{"errorMessage": "bad record", "errorType": "ValueError"}')
        if name == "rie-timeout":
            return self.answer(200, "Task timed out after 1.00 seconds")
        if name == "rie-crash":
            return self.answer(200, "")
        if name == "throttled":
            return self.answer(429, '{"message":"Rate exceeded"}', {"x-amzn-ErrorType": "TooManyRequestsException"})
        if name == "slow":
            time.sleep(30)
            return self.answer(200, "null")
        return self.answer(404, '{"Type":"User","message":"Function not found: ' + name + '"}',
                           {"x-amzn-ErrorType": "ResourceNotFoundException"})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()

"""Streamscope's Python runner: a warm AWS Lambda Python environment for one replay.

Started once per replay by `streamscope replay --lambda-handler HANDLER` (storage/replay/lambdaruntime.cpp) with the
code directory as its working directory and Lambda's environment variables set. It imports the handler's module once,
then calls the handler once per request. Python 3 standard library only.

Protocol (never the handler's stdout/stderr, which are its log):
  fd 3, Streamscope -> runner: per invocation a header line {"requestId": "...", "deadlineMs": <epoch ms>,
        "length": N} followed by N bytes, the event JSON.
  fd 4, runner -> Streamscope: a header line {"type": T, "requestId": "...", "length": N} followed by N bytes of JSON, where T is
        "ready" (module loaded, no body), "init-error" (Lambda's error object), "result" (the handler's return value)
        or "error" (Lambda's {"errorType", "errorMessage", "stackTrace"} for an exception).
"""

import importlib
import json
import os
import sys
import time
import traceback

REQUEST_FD = 3
RESPONSE_FD = 4
RUNNER_FILE = os.path.abspath(__file__)
ACCOUNT_ID = "000000000000"  # a replay has no AWS account; the ARN keeps Lambda's shape


class LambdaContext:
    """What Lambda's Python runtime passes as `context`."""

    def __init__(self, request_id, deadline_ms):
        env = os.environ
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.invoked_function_arn = "arn:aws:lambda:{0}:{1}:function:{2}".format(
            env.get("AWS_REGION", ""), ACCOUNT_ID, self.function_name)
        self.aws_request_id = request_id
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(int(self._deadline_ms - time.time() * 1000), 0)

    def log(self, message):
        sys.stdout.write(message)
        sys.stdout.flush()

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id={0},log_group_name={1},log_stream_name={2},function_name={3},"
            "memory_limit_in_mb={4},function_version={5},invoked_function_arn={6}])".format(
                self.aws_request_id,
                self.log_group_name,
                self.log_stream_name,
                self.function_name,
                self.memory_limit_in_mb,
                self.function_version,
                self.invoked_function_arn,
            )
        )


def send(kind, body=b"", request_id=""):
    header = json.dumps({"type": kind, "requestId": request_id, "length": len(body)}).encode() + b"\n"
    data = header + body
    while data:
        written = os.write(RESPONSE_FD, data)
        data = data[written:]


def error_object(error_type, message, stack=None):
    return {"errorType": error_type, "errorMessage": message, "stackTrace": stack or []}


def user_stack(tb):
    """The traceback without this runner's own frames, formatted as Lambda's stackTrace."""
    frames = [frame for frame in traceback.extract_tb(tb) if os.path.abspath(frame.filename) != RUNNER_FILE]
    return traceback.format_list(frames)


def flush_logs():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # a handler may have closed or replaced them
            pass


def load_handler(handler):
    """The handler function, or Lambda's init error object (same wording as Lambda's runtime)."""
    try:
        module_path, function_name = handler.rsplit(".", 1)
    except ValueError:
        return None, error_object("Runtime.MalformedHandlerName", "Bad handler '{0}': not enough values to unpack "
                                  "(expected 2, got 1)".format(handler))
    if module_path.startswith("/"):
        return None, error_object("Runtime.ImportModuleError", "Unable to import module '{0}': No module named '{0}'"
                                  .format(module_path))
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        return None, error_object("Runtime.ImportModuleError",
                                  "Unable to import module '{0}': {1}".format(module_name, e))
    except SyntaxError as e:
        stack = traceback.format_exception_only(type(e), e)
        return None, error_object("Runtime.UserCodeSyntaxError", "Syntax error in module '{0}': {1}"
                                  .format(module_name, e), [line.rstrip("\n") for line in stack])
    except Exception as e:  # any error while the module initialises
        stack = user_stack(e.__traceback__)
        return None, error_object(type(e).__name__, str(e), stack)
    function = getattr(module, function_name, None)
    if function is None:
        return None, error_object("Runtime.HandlerNotFound", "Handler '{0}' missing on module '{1}'"
                                  .format(function_name, module_name))
    return function, None


def read_exactly(stream, size):
    data = stream.read(size)
    if data is None or len(data) != size:
        return None
    return data


def invoke(function, request, event_bytes):
    request_id = str(request.get("requestId", ""))
    context = LambdaContext(request_id, request.get("deadlineMs", 0))
    try:
        event = json.loads(event_bytes)
        result = function(event, context)
    except Exception as e:
        # Lambda logs "[ERROR] Type: message" and the traceback, and answers with the error object.
        stack = user_stack(e.__traceback__)
        error = error_object(type(e).__name__, str(e), stack)
        sys.stderr.write("[ERROR] {0}: {1}\nTraceback (most recent call last):\n{2}".format(
            error["errorType"], error["errorMessage"], "".join(stack)))
        flush_logs()
        send("error", json.dumps(error).encode(), request_id)
        return
    try:
        body = json.dumps(result).encode()
        kind = "result"
    except Exception as e:  # Lambda's wording for a result that is not JSON
        body = json.dumps(error_object("Runtime.MarshalError", "Unable to marshal response: {0}".format(e))).encode()
        kind = "error"
    flush_logs()
    send(kind, body, request_id)


def main():
    for fd in (REQUEST_FD, RESPONSE_FD):
        os.set_inheritable(fd, False)  # the handler's own child processes do not get the protocol pipes
    os.environ.setdefault("AWS_EXECUTION_ENV", "AWS_Lambda_python{0}.{1}".format(*sys.version_info[:2]))
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    sys.path.insert(0, task_root)
    function, init_error = load_handler(os.environ.get("_HANDLER", ""))
    flush_logs()
    if init_error is not None:
        sys.stderr.write("[ERROR] {0}: {1}\n".format(init_error["errorType"], init_error["errorMessage"]))
        flush_logs()
        send("init-error", json.dumps(init_error).encode())
        return 1
    send("ready")
    requests = os.fdopen(REQUEST_FD, "rb")
    while True:
        line = requests.readline()
        if not line:
            return 0  # Streamscope closed the pipe: the replay is over
        request = json.loads(line)
        event_bytes = read_exactly(requests, int(request["length"]))
        if event_bytes is None:
            return 0
        invoke(function, request, event_bytes)


if __name__ == "__main__":
    sys.exit(main())

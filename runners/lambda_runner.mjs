// Streamscope's Node.js runner: a warm AWS Lambda Node.js environment for one replay.
//
// Started once per replay by `streamscope replay --lambda-handler HANDLER` (storage/replay/lambdaruntime.cpp) with
// the code directory as its working directory and Lambda's environment variables set. It loads the handler's module
// once (.mjs as ES module, .cjs as CommonJS, .js by the nearest package.json "type", as Lambda does), then calls the
// handler once per request, async or callback style. No dependencies.
//
// Protocol (never the handler's stdout/stderr, which are its log):
//   fd 3, Streamscope -> runner: per invocation a header line {"requestId": "...", "deadlineMs": <epoch ms>,
//         "length": N} followed by N bytes, the event JSON.
//   fd 4, runner -> Streamscope: a header line {"type": T, "requestId": "...", "length": N} followed by N bytes of JSON, where T is
//         "ready" (module loaded, no body), "init-error" (Lambda's error object), "result" (the handler's result) or
//         "error" (Lambda's {"errorType", "errorMessage", "stackTrace"} for a thrown error or callback(error));
//         "fatal": true when the runner exits right after (an uncaught error), so Streamscope starts a fresh one.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const REQUEST_FD = 3;
const RESPONSE_FD = 4;
const ACCOUNT_ID = '000000000000'; // a replay has no AWS account; the ARN keeps Lambda's shape

function send(type, body = '', requestId = '', fatal = false) {
    const payload = Buffer.from(body, 'utf8');
    const header = Buffer.from(JSON.stringify({ type, requestId, fatal, length: payload.length }) + '\n', 'utf8');
    let data = Buffer.concat([header, payload]);
    while (data.length > 0) {
        const written = fs.writeSync(RESPONSE_FD, data);
        data = data.subarray(written);
    }
}

function errorObject(error) {
    if (error instanceof Error) {
        return {
            errorType: error.name || 'Error',
            errorMessage: error.message,
            stackTrace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
        };
    }
    let message;
    try {
        message = typeof error === 'string' ? error : JSON.stringify(error);
    } catch {
        message = String(error);
    }
    return { errorType: 'string', errorMessage: message, stackTrace: [] };
}

// The nearest package.json "type" above `file` (Lambda loads a .js file as an ES module when it is "module").
function packageType(file) {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
        const manifest = path.join(dir, 'package.json');
        if (fs.existsSync(manifest)) {
            try {
                return JSON.parse(fs.readFileSync(manifest, 'utf8')).type || 'commonjs';
            } catch {
                return 'commonjs';
            }
        }
        if (path.dirname(dir) === dir)
            return 'commonjs';
    }
}

class InitError extends Error {
    constructor(errorType, message, stack = []) {
        super(message);
        this.errorType = errorType;
        this.stackLines = stack;
    }
}

async function loadModule(root, modulePath) {
    const base = path.resolve(root, modulePath);
    const file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((f) => fs.existsSync(f));
    if (!file)
        throw new InitError('Runtime.ImportModuleError', `Error: Cannot find module '${modulePath}'`);
    try {
        if (file.endsWith('.mjs') || (file.endsWith('.js') && packageType(file) === 'module'))
            return await import(pathToFileURL(file).href);
        return createRequire(path.join(root, 'index.js'))(file);
    } catch (error) {
        const stack = typeof error?.stack === 'string' ? error.stack.split('\n') : [];
        if (error instanceof SyntaxError)
            throw new InitError('Runtime.UserCodeSyntaxError', `${error.name}: ${error.message}`, stack);
        if (error?.code === 'MODULE_NOT_FOUND' || error?.code === 'ERR_MODULE_NOT_FOUND')
            throw new InitError('Runtime.ImportModuleError', `Error: ${error.message}`, stack);
        throw error; // an error thrown by the module's own initialisation
    }
}

async function loadHandler(root, handler) {
    // "src/index.handler": module "src/index", function "handler" (a dotted path below the module is allowed)
    const slash = handler.lastIndexOf('/');
    const dot = handler.indexOf('.', slash + 1);
    if (dot < 0)
        throw new InitError('Runtime.MalformedHandlerName', 'Bad handler');
    const modulePath = handler.slice(0, dot);
    const names = handler.slice(dot + 1).split('.');
    let value = await loadModule(root, modulePath);
    for (const name of names)
        value = value?.[name];
    if (value === undefined)
        throw new InitError('Runtime.HandlerNotFound', `${handler} is undefined or not exported`);
    if (typeof value !== 'function')
        throw new InitError('Runtime.HandlerNotFound', `${handler} is not a function`);
    return value;
}

function makeContext(request) {
    const env = process.env;
    const deadline = Number(request.deadlineMs) || 0;
    const functionName = env.AWS_LAMBDA_FUNCTION_NAME || '';
    return {
        callbackWaitsForEmptyEventLoop: true,
        functionName,
        functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION || '$LATEST',
        invokedFunctionArn: `arn:aws:lambda:${env.AWS_REGION || ''}:${ACCOUNT_ID}:function:${functionName}`,
        memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE || '128',
        awsRequestId: request.requestId || '',
        logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME || '',
        logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME || '',
        getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
        // The legacy completion methods of Lambda's context.
        done: undefined,
        succeed: undefined,
        fail: undefined,
    };
}

// One invocation: settles once, with the first of the returned promise, the callback or context.done/succeed/fail.
function invoke(handler, event, context) {
    return new Promise((resolve) => {
        let settled = false;
        const finish = (error, result) => {
            if (settled)
                return;
            settled = true;
            resolve({ error, result });
        };
        const callback = (error, result) => finish(error ?? undefined, result);
        context.done = callback;
        context.succeed = (result) => finish(undefined, result);
        context.fail = (error) => finish(error ?? 'handled', undefined);
        try {
            const returned = handler(event, context, callback);
            if (returned && typeof returned.then === 'function')
                returned.then((result) => finish(undefined, result), (error) => finish(error ?? 'rejected', undefined));
            else if (handler.length < 3)
                setImmediate(() => finish(undefined, undefined)); // neither async nor taking a callback: null
        } catch (error) {
            finish(error, undefined);
        }
    });
}

function respond(requestId, outcome) {
    if (outcome.error !== undefined) {
        const error = errorObject(outcome.error);
        console.error(`ERROR\tInvoke Error \t${JSON.stringify(error)}`);
        send('error', JSON.stringify(error), requestId);
        return;
    }
    let body;
    try {
        body = outcome.result === undefined ? 'null' : JSON.stringify(outcome.result);
    } catch (error) {
        send('error', JSON.stringify(errorObject(error)), requestId); // e.g. a circular result
        return;
    }
    send('result', body === undefined ? 'null' : body, requestId);
}

// Reads requests from fd 3: a header line, then `length` bytes of event JSON.
async function* requests() {
    const stream = new net.Socket({ fd: REQUEST_FD, readable: true, writable: false });
    let buffer = Buffer.alloc(0);
    let header = null;
    for await (const chunk of stream) {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
            if (header === null) {
                const nl = buffer.indexOf(10);
                if (nl < 0)
                    break;
                header = JSON.parse(buffer.subarray(0, nl).toString('utf8'));
                buffer = buffer.subarray(nl + 1);
            }
            if (buffer.length < header.length)
                break;
            const event = buffer.subarray(0, header.length).toString('utf8');
            buffer = buffer.subarray(header.length);
            yield { request: header, event };
            header = null;
        }
    }
}

async function main() {
    process.env.AWS_EXECUTION_ENV ??= `AWS_Lambda_nodejs${process.versions.node.split('.')[0]}.x`;
    const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
    let handler;
    try {
        handler = await loadHandler(root, process.env._HANDLER || '');
    } catch (error) {
        const object = error instanceof InitError
            ? { errorType: error.errorType, errorMessage: error.message, stackTrace: error.stackLines }
            : errorObject(error);
        console.error(`ERROR\t${JSON.stringify(object)}`);
        send('init-error', JSON.stringify(object));
        process.exit(1);
    }
    // An error escaping the handler's promise chain ends the runtime, as in Lambda: the pending invocation gets it
    // as its function error and Streamscope starts a fresh runtime.
    let current = null; // the request id being handled
    const crash = (error) => {
        const object = errorObject(error);
        console.error(`ERROR\tUncaught Exception \t${JSON.stringify(object)}`);
        if (current !== null)
            send('error', JSON.stringify(object), current, true);
        process.exit(129);
    };
    process.on('uncaughtException', crash);
    process.on('unhandledRejection', crash);
    send('ready');
    for await (const { request, event } of requests()) {
        let outcome;
        current = String(request.requestId || '');
        try {
            outcome = await invoke(handler, JSON.parse(event), makeContext(request));
        } catch (error) {
            outcome = { error, result: undefined };
        }
        respond(current, outcome);
        current = null;
    }
    process.exit(0);
}

main();

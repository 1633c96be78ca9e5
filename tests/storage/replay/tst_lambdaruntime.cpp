// LambdaRuntimeTarget (storage/replay/lambdaruntime.h) against small handlers written by the test: Lambda's
// environment and context, a big event and a chatty handler through the pipes, a crash and an uncaught error giving
// a fresh runtime, stop() from another thread ending the whole process group, ES modules by package.json "type",
// handlers in a subfolder, runtime inference and --env-file parsing.

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <chrono>
#include <csignal>
#include <thread>

#include "storage/replay/lambdaruntime.h"
#include "testsupport.h"

using storage::HandlerOutcome;
using storage::LambdaRuntime;
using storage::LambdaRuntimeOptions;
using storage::LambdaRuntimeTarget;
using namespace std::chrono_literals;

namespace {

bool write(const QString& path, const QByteArray& text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
}

std::unique_ptr<LambdaRuntimeTarget> makeTarget(const QString& dir, const char* handler,
                                                std::vector<std::pair<std::string, std::string>> env = {})
{
    LambdaRuntimeOptions options;
    options.handler = handler;
    options.codeDir = dir.toStdString();
    options.environment = std::move(env);
    auto target = LambdaRuntimeTarget::create(options);
    if (!target) {
        qWarning("%s", target.error().message.c_str());
        return nullptr;
    }
    return std::move(*target);
}

bool processGone(int pid)
{
    return ::kill(pid, 0) != 0 || !QFileInfo::exists(QStringLiteral("/proc/%1").arg(pid))
        || QFile(QStringLiteral("/proc/%1/stat").arg(pid)).open(QIODevice::ReadOnly) == false || [&] {
               QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
               stat.open(QIODevice::ReadOnly);
               return stat.readAll().contains(") Z "); // a zombie no longer runs
           }();
}

int firstNumber(const std::string& text, const QString& label)
{
    const auto match = QRegularExpression(label + QStringLiteral(" (\\d+)")).match(QString::fromStdString(text));
    return match.hasMatch() ? match.captured(1).toInt() : -1;
}

const char* kPythonEnv = R"(import json, os
def handler(event, context):
    names = ["AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
             "AWS_REGION", "AWS_DEFAULT_REGION", "_HANDLER", "LAMBDA_TASK_ROOT", "AWS_LAMBDA_LOG_GROUP_NAME",
             "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_EXECUTION_ENV", "MY_SETTING", "TZ"]
    return {"env": {n: os.environ.get(n) for n in names}, "cwd": os.getcwd(),
            "context": {"function_name": context.function_name, "function_version": context.function_version,
                        "invoked_function_arn": context.invoked_function_arn,
                        "memory_limit_in_mb": context.memory_limit_in_mb, "aws_request_id": context.aws_request_id,
                        "log_group_name": context.log_group_name, "log_stream_name": context.log_stream_name,
                        "remaining": context.get_remaining_time_in_millis()},
            "size": len(json.dumps(event))}
)";

} // namespace

class TestLambdaRuntime : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString dir(const QString& name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void environmentAndContext()
    {
        QVERIFY(write(dir(QStringLiteral("env/handlers/env.py")), kPythonEnv));
        auto target = makeTarget(dir(QStringLiteral("env")), "handlers/env.handler",
                                 {{"MY_SETTING", "from --env"}, {"AWS_LAMBDA_FUNCTION_NAME", "orders-consumer"}});
        QVERIFY(target);
        QCOMPARE(target->runtime(), LambdaRuntime::Python);
        const HandlerOutcome outcome = target->invoke(R"({"Records":[]})", "req-1", 5000ms);
        QVERIFY2(outcome.ok(), outcome.stderrText.c_str());
        const QJsonObject answer = QJsonDocument::fromJson(QByteArray::fromStdString(outcome.stdoutText)).object();
        const QJsonObject env = answer.value(QStringLiteral("env")).toObject();
        const QString root = QFileInfo(dir(QStringLiteral("env"))).canonicalFilePath();
        QCOMPARE(env.value(QStringLiteral("AWS_LAMBDA_FUNCTION_NAME")).toString(), QStringLiteral("orders-consumer"));
        QCOMPARE(env.value(QStringLiteral("AWS_LAMBDA_FUNCTION_VERSION")).toString(), QStringLiteral("$LATEST"));
        QCOMPARE(env.value(QStringLiteral("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")).toString(), QStringLiteral("128"));
        QVERIFY(!env.value(QStringLiteral("AWS_REGION")).toString().isEmpty());
        QCOMPARE(env.value(QStringLiteral("AWS_DEFAULT_REGION")), env.value(QStringLiteral("AWS_REGION")));
        QCOMPARE(env.value(QStringLiteral("_HANDLER")).toString(), QStringLiteral("handlers/env.handler"));
        QCOMPARE(QFileInfo(env.value(QStringLiteral("LAMBDA_TASK_ROOT")).toString()).canonicalFilePath(), root);
        QCOMPARE(QFileInfo(answer.value(QStringLiteral("cwd")).toString()).canonicalFilePath(), root);
        QCOMPARE(env.value(QStringLiteral("AWS_LAMBDA_LOG_GROUP_NAME")).toString(),
                 QStringLiteral("/aws/lambda/orders-consumer"));
        QVERIFY(QRegularExpression(QStringLiteral("^\\d{4}/\\d\\d/\\d\\d/\\[\\$LATEST\\][0-9a-f]{32}$"))
                    .match(env.value(QStringLiteral("AWS_LAMBDA_LOG_STREAM_NAME")).toString())
                    .hasMatch());
        QVERIFY(
            env.value(QStringLiteral("AWS_EXECUTION_ENV")).toString().startsWith(QStringLiteral("AWS_Lambda_python3")));
        QCOMPARE(env.value(QStringLiteral("MY_SETTING")).toString(), QStringLiteral("from --env"));
        const QJsonObject context = answer.value(QStringLiteral("context")).toObject();
        QCOMPARE(context.value(QStringLiteral("function_name")).toString(), QStringLiteral("orders-consumer"));
        QCOMPARE(context.value(QStringLiteral("aws_request_id")).toString(), QStringLiteral("req-1"));
        QCOMPARE(context.value(QStringLiteral("memory_limit_in_mb")).toString(), QStringLiteral("128"));
        QVERIFY(context.value(QStringLiteral("invoked_function_arn"))
                    .toString()
                    .endsWith(QStringLiteral(":function:orders-consumer")));
        QCOMPARE(context.value(QStringLiteral("log_group_name")),
                 env.value(QStringLiteral("AWS_LAMBDA_LOG_GROUP_NAME")));
        QCOMPARE(context.value(QStringLiteral("log_stream_name")),
                 env.value(QStringLiteral("AWS_LAMBDA_LOG_STREAM_NAME")));
        const int remaining = context.value(QStringLiteral("remaining")).toInt();
        QVERIFY2(remaining > 3000 && remaining <= 5000, qPrintable(QString::number(remaining)));
    }

    // A 3 MB event (far beyond a pipe's buffer) in, 200 KB of log out, while the handler is still reading / writing.
    void bigEventAndChattyHandler()
    {
        QVERIFY(write(dir(QStringLiteral("big/app.py")), R"(import sys
def handler(event, context):
    for i in range(2000):
        print("line %04d " % i + "x" * 90)
        sys.stderr.write("err %04d\n" % i)
    return {"received": len(event["blob"])}
)"));
        auto target = makeTarget(dir(QStringLiteral("big")), "app.handler");
        QVERIFY(target);
        const std::string event = "{\"blob\":\"" + std::string(3 * 1024 * 1024, 'a') + "\"}";
        const HandlerOutcome outcome = target->invoke(event, "big-1", 20000ms);
        QVERIFY2(outcome.ok(), outcome.describe().c_str());
        QCOMPARE(QByteArray::fromStdString(outcome.stdoutText), QByteArray(R"({"received": 3145728})"));
        QVERIFY(outcome.stderrText.find("line 1999 ") != std::string::npos);
        QVERIFY(outcome.stderrText.find("err 1999") != std::string::npos);
        QVERIFY(outcome.stderrText.size() > 200000);
        QVERIFY(!outcome.stderrTruncated);
    }

    // The runtime ending without an answer (os._exit, process.exit, a signal) is reported as such, never as success,
    // and the next invocation gets a fresh runtime.
    void crashGivesFreshRuntime()
    {
        QVERIFY(write(dir(QStringLiteral("crash/app.py")), R"(import os, signal
print("init pid %d" % os.getpid())
def handler(event, context):
    print("pid %d" % os.getpid())
    if event.get("exit") is not None:
        os._exit(event["exit"])
    if event.get("kill"):
        os.kill(os.getpid(), signal.SIGSEGV)
    return {"ok": True}
)"));
        auto target = makeTarget(dir(QStringLiteral("crash")), "app.handler");
        QVERIFY(target);
        HandlerOutcome outcome = target->invoke(R"({"exit":0})", "c1", 5000ms);
        QCOMPARE(outcome.end, HandlerOutcome::End::FunctionError); // exit 0 without an answer is no success
        QVERIFY(outcome.stdoutText.find("Runtime.ExitError") != std::string::npos);
        const int first = firstNumber(outcome.stderrText, QStringLiteral("init pid"));
        QVERIFY(first > 0);
        outcome = target->invoke(R"({"exit":3})", "c2", 5000ms);
        QCOMPARE(outcome.end, HandlerOutcome::End::Exited);
        QCOMPARE(outcome.exitCode, 3);
        outcome = target->invoke(R"({"kill":true})", "c3", 5000ms);
        QCOMPARE(outcome.end, HandlerOutcome::End::Signaled);
        QCOMPARE(outcome.signal, SIGSEGV);
        outcome = target->invoke("{}", "c4", 5000ms);
        QVERIFY(outcome.ok());
        QCOMPARE(target->startCount(), 4);
        QVERIFY(processGone(first));
    }

    // A result that is not JSON is Lambda's Runtime.MarshalError, a function error.
    void unmarshallableResult()
    {
        QVERIFY(write(dir(QStringLiteral("marshal/app.py")), "def handler(event, context):\n    return {1, 2}\n"));
        auto target = makeTarget(dir(QStringLiteral("marshal")), "app.handler");
        QVERIFY(target);
        const HandlerOutcome outcome = target->invoke("{}", "m1", 5000ms);
        QCOMPARE(outcome.end, HandlerOutcome::End::FunctionError);
        QVERIFY2(outcome.stdoutText.find("Runtime.MarshalError") != std::string::npos, outcome.stdoutText.c_str());
    }

    // stop() from another thread while the handler hangs: invoke() returns promptly and nothing the handler started
    // (its own child process included) outlives it.
    void stopEndsProcessGroup()
    {
        QVERIFY(write(dir(QStringLiteral("hang/app.py")), R"(import os, subprocess, sys, time
def handler(event, context):
    child = subprocess.Popen(["sleep", "300"])
    print("runtime %d child %d" % (os.getpid(), child.pid), flush=True)
    with open(os.environ["PIDS_FILE"], "w") as f:
        f.write("started")
    time.sleep(300)
)"));
        const QString pidsFile = dir(QStringLiteral("hang.pids"));
        auto target = makeTarget(dir(QStringLiteral("hang")), "app.handler", {{"PIDS_FILE", pidsFile.toStdString()}});
        QVERIFY(target);
        QVERIFY(!target->start());
        HandlerOutcome outcome;
        std::thread invoking([&] { outcome = target->invoke("{}", "h1", 120000ms); });
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(pidsFile).size() > 0, 60000); // the handler and its child are running
        const auto stopped = std::chrono::steady_clock::now();
        target->stop();
        invoking.join();
        QVERIFY(std::chrono::steady_clock::now() - stopped < 5s);
        QCOMPARE(outcome.end, HandlerOutcome::End::Signaled);
        const int runtime = firstNumber(outcome.stderrText, QStringLiteral("runtime"));
        const int child = firstNumber(outcome.stderrText, QStringLiteral("child"));
        QVERIFY2(runtime > 0 && child > 0, outcome.stderrText.c_str());
        QTRY_VERIFY_WITH_TIMEOUT(processGone(child), 5000);
        QVERIFY(processGone(runtime));
        // A stopped target starts nothing again.
        QCOMPARE(target->invoke("{}", "h2", 1000ms).end, HandlerOutcome::End::StartFailed);
    }

    // Node.js: a .js ES module by package.json "type": "module"; an uncaught error in a timer is the invocation's
    // function error and ends that runtime; the next invocation gets a fresh one; a thrown error keeps it.
    void nodeModuleAndUncaughtError()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty())
            QSKIP("node is not installed");
        QVERIFY(write(dir(QStringLiteral("esm/package.json")), R"({"type": "module"})"));
        QVERIFY(write(dir(QStringLiteral("esm/src/index.js")), R"(
const started = import.meta.url ? process.pid : 0;
export const handler = async (event, context) => {
    console.log(`pid ${started} ${context.functionVersion} ${context.logGroupName}`);
    if (event.uncaught)
        setTimeout(() => { throw new SyntaxError('late'); }, 1);
    if (event.uncaught)
        return new Promise(() => {});
    if (event.throw)
        throw new TypeError('thrown');
    return { batchItemFailures: [] };
};
)"));
        auto target = makeTarget(dir(QStringLiteral("esm")), "src/index.handler");
        QVERIFY(target);
        QCOMPARE(target->runtime(), LambdaRuntime::Node);
        HandlerOutcome outcome = target->invoke("{}", "n1", 5000ms);
        QVERIFY2(outcome.ok(), outcome.stderrText.c_str());
        QCOMPARE(QByteArray::fromStdString(outcome.stdoutText), QByteArray(R"({"batchItemFailures":[]})"));
        QVERIFY(outcome.stderrText.find("$LATEST /aws/lambda/esm") != std::string::npos);
        outcome = target->invoke(R"({"throw":true})", "n2", 5000ms);
        QCOMPARE(outcome.end, HandlerOutcome::End::FunctionError);
        QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(outcome.stdoutText))
                     .object()
                     .value(QStringLiteral("errorType"))
                     .toString(),
                 QStringLiteral("TypeError"));
        QCOMPARE(target->startCount(), 1);
        outcome = target->invoke(R"({"uncaught":true})", "n3", 5000ms);
        QCOMPARE(outcome.end, HandlerOutcome::End::FunctionError);
        QVERIFY(outcome.stdoutText.find("late") != std::string::npos);
        outcome = target->invoke("{}", "n4", 5000ms);
        QVERIFY(outcome.ok());
        QCOMPARE(target->startCount(), 2);
    }

    void nodeImportErrors()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty())
            QSKIP("node is not installed");
        QVERIFY(write(dir(QStringLiteral("nodebad/index.mjs")), "export const other = () => 1;\n"));
        QVERIFY(write(dir(QStringLiteral("nodebad/broken.mjs")), "import nothing from './nowhere.mjs';\n"));
        auto target = makeTarget(dir(QStringLiteral("nodebad")), "index.handler");
        QVERIFY(target);
        auto failed = target->start();
        QVERIFY(failed);
        QCOMPARE(QString::fromStdString(failed->startError),
                 QStringLiteral("Runtime.HandlerNotFound: index.handler is undefined or not exported"));
        target = makeTarget(dir(QStringLiteral("nodebad")), "broken.handler");
        QVERIFY(target);
        failed = target->start();
        QVERIFY(failed);
        QVERIFY2(failed->startError.rfind("Runtime.ImportModuleError: ", 0) == 0, failed->startError.c_str());
    }

    void inferRuntime()
    {
        QVERIFY(write(dir(QStringLiteral("both/app.py")), "def h(e, c): pass\n"));
        QVERIFY(write(dir(QStringLiteral("both/app.mjs")), "export const h = async () => null;\n"));
        QVERIFY(write(dir(QStringLiteral("pkg/lib/app.py")), "def h(e, c): pass\n"));
        QVERIFY(write(dir(QStringLiteral("cjs/index.cjs")), "exports.h = async () => null;\n"));
        QVERIFY(!storage::inferLambdaRuntime(dir(QStringLiteral("both")).toStdString(), "app.h"));
        QCOMPARE(*storage::inferLambdaRuntime(dir(QStringLiteral("pkg")).toStdString(), "lib.app.h"),
                 LambdaRuntime::Python);
        QCOMPARE(*storage::inferLambdaRuntime(dir(QStringLiteral("pkg")).toStdString(), "lib/app.h"),
                 LambdaRuntime::Python);
        QCOMPARE(*storage::inferLambdaRuntime(dir(QStringLiteral("cjs")).toStdString(), "index.h"),
                 LambdaRuntime::Node);
        QVERIFY(!storage::inferLambdaRuntime(dir(QStringLiteral("cjs")).toStdString(), "main.h"));
    }

    void environmentFile()
    {
        QVERIFY(write(dir(QStringLiteral("vars.env")),
                      "# settings\n\nA=1\n  B = spaced\nexport C=\"quoted value\"\nD='x=y'\nE=\n"));
        auto entries = storage::readEnvironmentFile(dir(QStringLiteral("vars.env")).toStdString());
        QVERIFY2(entries, entries ? "" : entries.error().message.c_str());
        const std::vector<std::pair<std::string, std::string>> expected{
            {"A", "1"}, {"B", "spaced"}, {"C", "quoted value"}, {"D", "x=y"}, {"E", ""}};
        QVERIFY(*entries == expected);
        QVERIFY(!storage::parseEnvironmentAssignment("B C=x")); // --env: the text is taken as it is
        QCOMPARE(storage::parseEnvironmentAssignment("K= v ")->second, std::string(" v "));
        QVERIFY(write(dir(QStringLiteral("bad.env")), "A=1\nnot an assignment\n"));
        auto bad = storage::readEnvironmentFile(dir(QStringLiteral("bad.env")).toStdString());
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.find("bad.env:2: ") != std::string::npos, bad.error().message.c_str());
        QVERIFY(!storage::readEnvironmentFile(dir(QStringLiteral("missing.env")).toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestLambdaRuntime)
#include "tst_lambdaruntime.moc"

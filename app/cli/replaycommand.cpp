// streamscope replay: selected records, batched as Lambda would, through a local handler with Lambda's
// ReportBatchItemFailures semantics; every run is recorded in the store (--list, --show RUN).

#include <cmath>

#include "app/cli/cli.h"
#include "app/cli/clicommon.h"
#include "app/cli/commands.h"
#include "app/cli/interrupt.h"
#include "app/cli/selectionoptions.h"
#include "storage/replay/lambdaruntime.h"
#include "storage/replay/replayer.h"
#include "storage/replay/runtables.h"
#include "storage/replay/targetspec.h"

namespace cli {

namespace {

QString firstLine(const std::string& text, int max = 100)
{
    QString s = qtext(text).trimmed();
    const qsizetype nl = s.indexOf(QLatin1Char('\n'));
    const bool more = nl >= 0;
    if (more)
        s = s.left(nl);
    if (s.size() > max)
        s = s.left(max) + QStringLiteral("…");
    return shown(s.toStdString()) + (more ? QStringLiteral(" …") : QString());
}

/// The handler's log of one invocation, a line at a time, each escaped for the terminal; at most `maxLines` lines
/// unless verbose (--json has all of it).
void printLog(std::string_view log, bool verbose)
{
    constexpr std::size_t maxLines = 20;
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start < log.size();) {
        const std::size_t end = std::min(log.find('\n', start), log.size());
        std::string_view line = log.substr(start, end - start);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        lines.push_back(line);
        start = end + 1;
    }
    while (!lines.empty() && lines.back().find_first_not_of(" \t") == std::string_view::npos)
        lines.pop_back();
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (!verbose && i == maxLines) {
            out() << "    | … " << (lines.size() - maxLines) << " more lines (--verbose or --json shows them)\n";
            break;
        }
        out() << "    | " << shown(lines[i]) << "\n";
    }
}

void printRun(const storage::ReplayRunInfo& run, bool verbose, bool withLogs = false)
{
    QStringList handler;
    for (const auto& a : run.handler)
        handler << shown(a);
    out() << "Replay run " << run.id << " (" << shown(run.status) << "): " << run.recordCount << " records in "
          << run.batchCount << (run.batchCount == 1 ? " batch" : " batches") << ", " << run.attemptCount
          << " invocations of " << handler.join(QLatin1Char(' ')) << "\n";
    out() << "  " << run.succeeded << " succeeded, " << run.discarded << " discarded after " << run.maxRetries
          << (run.maxRetries == 1 ? " retry" : " retries") << (run.bisect ? " with bisect" : "") << ", timeout "
          << run.timeoutMs << " ms";
    if (!run.oversize.empty())
        out() << ", " << run.oversize.size() << " not sent (over 6 MB alone)";
    if (const auto pending = run.recordCount - run.succeeded - run.discarded; pending > 0 && run.status != "running")
        out() << ", " << pending << " not settled when it stopped";
    out() << "\n";
    for (const auto& b : run.batches) {
        out() << "batch " << b.number << "  " << shown(b.table) << "  " << b.records.size() << " records  seq "
              << shown(b.firstSequenceNumber) << ".." << shown(b.lastSequenceNumber) << "  " << b.succeeded
              << " succeeded, " << b.discarded << " discarded\n";
        for (const auto& a : b.attempts) {
            out() << "  attempt " << a.number << "  records " << a.begin + 1 << "-" << a.end << " (seq "
                  << shown(a.firstSequenceNumber) << ".." << shown(a.lastSequenceNumber) << ")";
            if (a.retry > 0)
                out() << "  retry " << a.retry;
            if (a.afterBisect)
                out() << "  bisected";
            out() << "  " << shown(a.verdict);
            if (!a.checkpoint.empty())
                out() << " (checkpoint " << shown(a.checkpoint) << ")";
            if (!a.reason.empty())
                out() << ": " << shown(a.reason);
            out() << "  [" << shown(a.handlerEnd) << ", " << a.durationMs << " ms]\n";
            if (verbose && !a.stdoutText.empty())
                out() << "    response: " << firstLine(a.stdoutText, 300) << "\n";
            if ((verbose || withLogs) && !a.stderrText.empty()) {
                out() << "    log:\n";
                printLog(a.stderrText, verbose);
            }
        }
        for (const auto& r : b.records) {
            if (r.status != storage::RecordStatus::Discarded && !verbose)
                continue; // succeeded, or not settled when the run stopped (the summary counts them)
            out() << "    " << shown(storage::recordStatusName(r.status)) << "  record " << r.recordId << "  "
                  << shown(r.keyText) << "  seq " << shown(r.sequenceNumber) << "  delivered " << r.deliveries << "x";
            if (r.reportedFailures > 0)
                out() << ", reported failed " << r.reportedFailures << "x";
            if (!r.lastError.empty() && r.status != storage::RecordStatus::Succeeded)
                out() << "  (" << firstLine(r.lastError) << ")";
            out() << "\n";
        }
    }
    for (const auto& o : run.oversize)
        out() << "not sent: record " << o.recordId << "  " << shown(o.keyText) << "  seq " << shown(o.sequenceNumber)
              << "  " << o.payloadBytes << " bytes alone\n";
}

void addLambdaOptions(QCommandLineParser& parser)
{
    parser.addOption(QCommandLineOption(
        QStringLiteral("lambda-handler"),
        QStringLiteral("Replay into a Lambda handler, loaded once in a Python 3 or Node.js runtime: Lambda's Handler "
                       "string (app.lambda_handler, src/index.handler). Not with --handler."),
        QStringLiteral("HANDLER")));
    parser.addOption(QCommandLineOption(QStringLiteral("code-dir"),
                                        QStringLiteral("The handler's folder (LAMBDA_TASK_ROOT; default: the current "
                                                       "folder)."),
                                        QStringLiteral("DIR")));
    parser.addOption(QCommandLineOption(QStringLiteral("runtime"),
                                        QStringLiteral("python or node (default: from the handler's file)."),
                                        QStringLiteral("RUNTIME")));
    parser.addOption(QCommandLineOption(QStringLiteral("env"),
                                        QStringLiteral("An environment variable for the handler (repeatable)."),
                                        QStringLiteral("KEY=VALUE")));
    parser.addOption(QCommandLineOption(QStringLiteral("env-file"),
                                        QStringLiteral("Environment variables for the handler: KEY=VALUE lines, # "
                                                       "comments."),
                                        QStringLiteral("FILE")));
}

/// The --lambda-handler target from the options, or nullptr with `code` set (usage error, no python3/node, ...).
std::shared_ptr<storage::ReplayTarget> lambdaTarget(const QCommandLineParser& parser, const QString& command,
                                                    std::chrono::milliseconds timeout, int& code)
{
    storage::ReplayTargetSpec spec;
    spec.kind = storage::ReplayTargetKind::LambdaHandler;
    storage::LambdaRuntimeOptions& options = spec.lambda;
    options.handler = parser.value(QStringLiteral("lambda-handler")).toStdString();
    if (parser.isSet(QStringLiteral("code-dir")))
        options.codeDir = parser.value(QStringLiteral("code-dir")).toStdString();
    const QString runtime = parser.value(QStringLiteral("runtime"));
    if (runtime == QStringLiteral("python"))
        options.runtime = storage::LambdaRuntime::Python;
    else if (runtime == QStringLiteral("node"))
        options.runtime = storage::LambdaRuntime::Node;
    else if (!runtime.isEmpty()) {
        code = usageError(command, QStringLiteral("--runtime takes python or node"));
        return nullptr;
    }
    if (parser.isSet(QStringLiteral("env-file"))) {
        auto entries = storage::readEnvironmentFile(parser.value(QStringLiteral("env-file")).toStdString());
        if (!entries) {
            code = usageError(command, QStringLiteral("--env-file: ") + shown(entries.error().message));
            return nullptr;
        }
        options.environment = std::move(*entries);
    }
    for (const QString& assignment : parser.values(QStringLiteral("env"))) {
        auto entry = storage::parseEnvironmentAssignment(assignment.toStdString());
        if (!entry) {
            code = usageError(command, QStringLiteral("--env: ") + shown(entry.error().message));
            return nullptr;
        }
        options.environment.push_back(std::move(*entry));
    }
    auto target = storage::makeReplayTarget(spec, timeout); // the same construction as the GUI's
    if (!target) {
        code = reportStorageError(command, target.error());
        return nullptr;
    }
    return *target;
}

/// Starts the runtime before the run: a module that does not load fails the replay here, with Lambda's reason and
/// the runtime's output, and no run is recorded. ExitOk when it is ready.
int startLambdaRuntime(storage::ReplayTarget& target, const QString& command)
{
    const auto failed = storage::startReplayTarget(target);
    if (!failed)
        return ExitOk;
    out().flush();
    err() << "streamscope " << command << ": the handler could not start: " << shown(failed->startError) << "\n";
    const QString log = qtext(failed->stderrText).trimmed();
    for (const QString& line : log.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        err() << "  " << shown(line.toStdString()) << "\n";
    err().flush();
    return ExitInputFailed;
}

/// --list / --show RUN.
int showRecorded(QCommandLineParser& parser, const QString& command, bool json, bool verbose)
{
    int code = ExitOk;
    auto store = openSelectedStore(parser, command, storage::Database::OpenMode::ReadOnly, code);
    if (!store)
        return code;
    if (parser.isSet(QStringLiteral("show"))) {
        bool ok = false;
        const qlonglong id = parser.value(QStringLiteral("show")).toLongLong(&ok);
        if (!ok)
            return usageError(command, QStringLiteral("--show takes a run id"));
        auto run = storage::loadReplayRun(store->database(), id);
        if (!run)
            return reportStorageError(command, run.error());
        if (!run->has_value())
            return reportStorageError(
                command,
                {storage::Error::Kind::InvalidArgument, 0, "no replay run " + std::to_string(id) + " in the store"});
        if (json)
            writeOut(storage::replayRunToJson(**run) + "\n");
        else
            printRun(**run, verbose, true);
        return (*run)->discarded > 0 ? ExitPartial : ExitOk;
    }
    auto runs = storage::listReplayRuns(store->database());
    if (!runs)
        return reportStorageError(command, runs.error());
    if (json) {
        std::string text = "[";
        for (std::size_t i = 0; i < runs->size(); ++i)
            text += (i ? "," : "") + storage::replayRunToJson((*runs)[i], false);
        writeOut(text + "]\n");
    } else {
        if (runs->empty())
            out() << "no replay runs recorded\n";
        for (const auto& r : *runs)
            printRun(r, false);
    }
    return ExitOk;
}

/// The target the options name: --handler CMD... or --invoke-url URL [--function-name NAME] [--allow-remote].
std::shared_ptr<storage::ReplayTarget> targetFromOptions(const QCommandLineParser& parser, const QStringList& handler,
                                                         bool haveHandler, const QString& command, int& code)
{
    const bool invoke = parser.isSet(QStringLiteral("invoke-url"));
    if (invoke == haveHandler) {
        code = usageError(command,
                          invoke ? QStringLiteral("give either --invoke-url or --handler, not both")
                                 : QStringLiteral("--handler CMD [ARGS...] (put it last), --lambda-handler HANDLER "
                                                  "or --invoke-url URL is required"));
        return nullptr;
    }
    storage::ReplayTargetSpec spec;
    if (!invoke) {
        if (handler.isEmpty()) {
            code = usageError(command, QStringLiteral("--handler CMD [ARGS...] is required (put it last)"));
            return nullptr;
        }
        for (const QString& a : handler)
            spec.command.argv.push_back(a.toStdString());
    } else {
        spec.kind = storage::ReplayTargetKind::InvokeApi;
        spec.endpoint.url = parser.value(QStringLiteral("invoke-url")).toStdString();
        spec.endpoint.functionName = parser.value(QStringLiteral("function-name")).toStdString();
        spec.endpoint.allowRemote = parser.isSet(QStringLiteral("allow-remote"));
    }
    auto target = storage::makeReplayTarget(spec, {}); // the same construction as the GUI's
    if (!target) {
        code = usageError(command, shown(target.error().message));
        return nullptr;
    }
    return *target;
}

} // namespace

/// The replay command's description and options.
static void setupReplayParser(QCommandLineParser& parser, const QString& command)
{
    setupParser(
        parser, command,
        QStringLiteral("Replay records through a local handler as AWS Lambda would: for each batch (one stream, "
                       "sequence order, --batch-size records, at most 6 MB) run CMD with the event JSON on stdin (no "
                       "shell), read its stdout as the response with ReportBatchItemFailures: "
                       "{\"batchItemFailures\":[{\"itemIdentifier\":\"<SequenceNumber>\"}]}. Or call a local "
                       "Lambda endpoint's Invoke API (--invoke-url). An empty or null list or "
                       "response is success; a null/empty/unknown identifier, a non-zero exit, a function error, a "
                       "crash or a timeout fails the whole batch. On a partial failure the batch is checkpointed at "
                       "the lowest failed sequence number and retried from there, up to --max-retries; --bisect "
                       "splits failing batches in two (BisectBatchOnFunctionError). A handler that cannot start or "
                       "an endpoint that is not there fails the replay at once. Each run is recorded in the store; "
                       "Ctrl+C stops it (the handler's processes ended, the run recorded as interrupted).\n\n"
                       "Usage: streamscope replay --store S [selection] [options] --handler CMD [ARGS...]\n"
                       "       streamscope replay --store S [selection] [options] --invoke-url URL --function-name F\n"
                       "       streamscope replay --store S [selection] [options] --lambda-handler HANDLER "
                       "[--code-dir DIR]\n"
                       "Example: streamscope replay --store my.streamscope --table Orders --handler python3 "
                       "handler.py\n"
                       "Example: streamscope replay --store my.streamscope --lambda-handler app.lambda_handler "
                       "--code-dir orders (your unchanged Lambda handler, loaded once in a Python or Node.js runtime "
                       "with Lambda's context and environment)"));
    addSelectionOptions(parser);
    addFilterCriteriaOptions(parser);
    parser.addOption(QCommandLineOption(QStringLiteral("handler"),
                                        QStringLiteral("The handler command and its arguments: everything after it.")));
    parser.addOption(QCommandLineOption(
        QStringLiteral("invoke-url"),
        QStringLiteral("Call the Lambda Invoke API at URL (e.g. http://127.0.0.1:3001 for sam local start-lambda, "
                       "http://127.0.0.1:9000 for the Runtime Interface Emulator, http://127.0.0.1:3002 for "
                       "serverless-offline). Loopback only unless --allow-remote."),
        QStringLiteral("URL")));
    parser.addOption(QCommandLineOption(QStringLiteral("function-name"),
                                        QStringLiteral("The function to invoke at --invoke-url (not needed when the "
                                                       "URL ends in /2015-03-31/functions/NAME/invocations)."),
                                        QStringLiteral("NAME")));
    parser.addOption(QCommandLineOption(QStringLiteral("allow-remote"),
                                        QStringLiteral("Let --invoke-url send the records to a host that is not "
                                                       "this machine (localhost, 127.0.0.0/8, ::1).")));
    addLambdaOptions(parser);
    parser.addOption(QCommandLineOption(QStringLiteral("timeout"),
                                        QStringLiteral("Seconds per invocation before the handler is killed "
                                                       "(default 30; decimals allowed)."),
                                        QStringLiteral("SECONDS")));
    parser.addOption(QCommandLineOption(QStringLiteral("max-retries"),
                                        QStringLiteral("Retries of a failing batch before its records are discarded, "
                                                       "0..10000 (default 2)."),
                                        QStringLiteral("N")));
    parser.addOption(QCommandLineOption(QStringLiteral("bisect"),
                                        QStringLiteral("Split a failing batch in two and retry each half.")));
    parser.addOption(
        QCommandLineOption(QStringLiteral("no-record"), QStringLiteral("Do not record the run in the store.")));
    parser.addOption(QCommandLineOption(QStringLiteral("list"), QStringLiteral("List the recorded runs.")));
    parser.addOption(QCommandLineOption(QStringLiteral("show"),
                                        QStringLiteral("Show a recorded run with the handler's log of every "
                                                       "invocation."),
                                        QStringLiteral("RUN")));
    parser.addOption(QCommandLineOption(QStringLiteral("verbose"),
                                        QStringLiteral("Show every record, the responses and the whole logs.")));
    parser.addOption(QCommandLineOption(QStringLiteral("json"), QStringLiteral("Print JSON (with handler output).")));
}

int runReplay(const QStringList& arguments)
{
    const QString command = QStringLiteral("replay");
    // Everything after --handler belongs to the handler (its own options included).
    QStringList own = arguments;
    QStringList handler;
    const qsizetype at = arguments.indexOf(QStringLiteral("--handler"));
    if (at >= 0) {
        own = arguments.mid(0, at);
        handler = arguments.mid(at + 1);
    }
    QCommandLineParser parser;
    setupReplayParser(parser, command);
    int code = ExitOk;
    if (!parseOrExit(parser, own, command, code))
        return code;
    if (parser.positionalArguments().size() > 1)
        return usageError(command,
                          QStringLiteral("unexpected argument '%1' (the handler goes after --handler)")
                              .arg(parser.positionalArguments().at(1)));
    const bool json = parser.isSet(QStringLiteral("json"));
    const bool verbose = parser.isSet(QStringLiteral("verbose"));

    if (parser.isSet(QStringLiteral("list")) || parser.isSet(QStringLiteral("show")))
        return showRecorded(parser, command, json, verbose);

    const bool lambda = parser.isSet(QStringLiteral("lambda-handler"));
    for (const char* name : {"code-dir", "runtime", "env", "env-file"}) {
        if (!lambda && parser.isSet(QString::fromLatin1(name)))
            return usageError(command, QStringLiteral("--%1 goes with --lambda-handler").arg(QLatin1String(name)));
    }
    storage::ReplayOptions options;
    if (lambda) {
        if (at >= 0 || parser.isSet(QStringLiteral("invoke-url")))
            return usageError(command,
                              QStringLiteral("--lambda-handler cannot be used with --handler or --invoke-url"));
    } else {
        options.target = targetFromOptions(parser, handler, at >= 0, command, code);
        if (!options.target)
            return code;
    }
    auto selection = selectionFromOptions(parser, command, code);
    if (!selection || !applyFilterCriteriaOptions(parser, command, *selection, code))
        return code;
    auto limits = limitsFromOptions(parser, command, code);
    if (!limits)
        return code;
    options.limits = *limits;
    if (parser.isSet(QStringLiteral("timeout"))) {
        bool ok = false;
        const double seconds = parser.value(QStringLiteral("timeout")).toDouble(&ok);
        if (!ok || !(seconds > 0) || seconds > 86400)
            return usageError(command, QStringLiteral("--timeout takes seconds (> 0)"));
        options.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000)));
    }
    if (parser.isSet(QStringLiteral("max-retries"))) {
        bool ok = false;
        const int n = parser.value(QStringLiteral("max-retries")).toInt(&ok);
        if (!ok || n < 0 || n > 10000)
            return usageError(command, QStringLiteral("--max-retries must be 0..10000"));
        options.policy.maxRetries = n;
    }
    options.policy.bisect = parser.isSet(QStringLiteral("bisect"));
    options.record = !parser.isSet(QStringLiteral("no-record"));
    std::shared_ptr<storage::ReplayTarget> runtime;
    if (lambda) {
        if (!(runtime = lambdaTarget(parser, command, options.timeout, code)))
            return code;
        options.target = runtime;
    }
    auto store = openSelectedStore(
        parser, command,
        options.record ? storage::Database::OpenMode::ReadWriteExisting : storage::Database::OpenMode::ReadOnly, code);
    if (!store)
        return code;
    if (runtime && (code = startLambdaRuntime(*runtime, command)) != ExitOk)
        return code;
    auto observer = [&](const storage::ReplayBatchInfo& batch, const storage::ReplayAttemptInfo& attempt) {
        if (!json) {
            err() << "batch " << batch.number << " attempt " << attempt.number << ": " << shown(attempt.verdict)
                  << (attempt.reason.empty() ? QString() : QStringLiteral(" (%1)").arg(shown(attempt.reason))) << "\n";
            err().flush();
        }
        return true;
    };
    // Ctrl+C / SIGTERM: the running invocation is ended (the handler's whole process group), the run recorded as
    // interrupted with what was done, the summary printed, exit 130/143.
    const InterruptScope interrupts;
    options.stopRequested = [] { return interruptSignal() != 0; };
    options.stoppedStatus = "interrupted";
    auto run = storage::runReplay(*store, *selection, options, observer);
    if (!run && run.error().message.starts_with(storage::kUnusableTargetError)) {
        err() << "streamscope replay: " << shown(run.error().message) << "\n";
        return ExitInputFailed; // the handler cannot start / the endpoint is not there: nothing was replayed
    }
    if (!run)
        return reportStorageError(command, run.error());
    if (json)
        writeOut(storage::replayRunToJson(*run) + "\n");
    else {
        printRun(*run, verbose);
        if (selection->lambdaFilter)
            out() << "filter criteria " << shown(selection->lambdaFilter->source) << ": " << run->droppedByCriteria
                  << " records dropped (Lambda would not deliver them)\n";
        if (options.record)
            out() << "recorded as run " << run->id << " (streamscope replay --store "
                  << shown(parser.value(QStringLiteral("store")).toStdString()) << " --show " << run->id << ")\n";
    }
    if (const int signal = interruptSignal(); signal != 0 && run->status == "interrupted") {
        out().flush();
        err() << "streamscope replay: interrupted by " << interruptSignalName(signal)
              << ": the handler was stopped; the batches shown were replayed"
              << (options.record ? ", the run is recorded as interrupted" : "") << "\n";
        err().flush();
        return interruptedExitCode(signal);
    }
    return run->discarded > 0 || !run->oversize.empty() ? ExitPartial : ExitOk;
}

} // namespace cli

// streamscope import --store FILE PATH...: every capture shape, files and folders, with a progress bar on a TTY.

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <unistd.h>

#include "app/cli/cli.h"
#include "app/cli/clicommon.h"
#include "app/cli/commands.h"
#include "app/cli/interrupt.h"
#include "app/cli/selectionoptions.h"
#include "storage/history/findingstore.h"
#include "storage/import/captureimporter.h"
#include "storage/store/store.h"

namespace cli {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QString megabytes(std::uint64_t bytes)
{
    return QString::number(static_cast<double>(bytes) / 1e6, 'f', 1) + QStringLiteral(" MB");
}

/// One-line progress bar on stderr, at most ten updates a second.
class ProgressBar
{
public:
    explicit ProgressBar(bool enabled)
        : m_enabled(enabled)
    {
    }
    bool update(const storage::ImportProgress& p)
    {
        if (!m_enabled)
            return true;
        const auto now = std::chrono::steady_clock::now();
        if (m_shown && now - m_last < std::chrono::milliseconds(100))
            return true;
        m_last = now;
        m_shown = true;
        const double fraction =
            p.bytesTotal ? std::min(1.0, static_cast<double>(p.bytesRead) / static_cast<double>(p.bytesTotal)) : 0.0;
        constexpr int width = 30;
        const int filled = static_cast<int>(fraction * width);
        std::string bar(static_cast<std::size_t>(filled), '#');
        bar.append(static_cast<std::size_t>(width - filled), '.');
        std::fprintf(stderr, "\r[%s] %3d%%  %lld records  file %lld/%lld ", bar.c_str(),
                     static_cast<int>(fraction * 100), static_cast<long long>(p.recordsRead),
                     static_cast<long long>(std::min(p.filesDone + 1, p.filesTotal)),
                     static_cast<long long>(p.filesTotal));
        std::fflush(stderr);
        return true;
    }
    void finish()
    {
        if (m_enabled && m_shown) {
            std::fprintf(stderr, "\r%*s\r", 80, "");
            std::fflush(stderr);
        }
    }

private:
    bool m_enabled;
    bool m_shown = false;
    std::chrono::steady_clock::time_point m_last;
};

// Records counted from 1 (as in every message); line and column from 1, null when unknown.
template<typename Issue>
QJsonObject issueJson(const Issue& issue)
{
    auto orNull = [](std::uint64_t n) { return n > 0 ? QJsonValue(static_cast<double>(n)) : QJsonValue(); };
    return QJsonObject{{QStringLiteral("record"), static_cast<double>(issue.recordIndex + 1)},
                       {QStringLiteral("byte"), static_cast<double>(issue.byteOffset)},
                       {QStringLiteral("line"), orNull(issue.line)},
                       {QStringLiteral("column"), orNull(issue.column)},
                       {QStringLiteral("reason"), qs(issue.reason)}};
}

QJsonObject summaryJson(const storage::ImportSummary& s)
{
    QJsonArray files;
    for (const auto& f : s.files) {
        QJsonObject o{{QStringLiteral("path"), qs(f.path)},
                      {QStringLiteral("status"), qs(std::string(storage::fileStatusText(f.status)))},
                      {QStringLiteral("format"), qs(f.format)},
                      {QStringLiteral("sizeBytes"), static_cast<double>(f.sizeBytes)},
                      {QStringLiteral("records"), static_cast<double>(f.records)},
                      {QStringLiteral("inserted"), static_cast<double>(f.inserted)},
                      {QStringLiteral("duplicates"), static_cast<double>(f.duplicates)},
                      {QStringLiteral("conflicts"), static_cast<double>(f.conflicts)},
                      {QStringLiteral("skipped"), static_cast<double>(f.skipped)},
                      {QStringLiteral("seconds"), f.seconds}};
        addPathBytes(o, f.path);
        QJsonArray skipped;
        for (const auto& i : f.skippedRecords)
            skipped.append(issueJson(i));
        o.insert(QStringLiteral("skippedRecords"), skipped);
        QJsonArray notes;
        for (const auto& n : f.notes)
            notes.append(qs(n));
        o.insert(QStringLiteral("notes"), notes);
        if (f.failure)
            o.insert(QStringLiteral("failure"), issueJson(*f.failure));
        if (!f.notCaptureReason.empty())
            o.insert(f.status == storage::FileImportResult::Status::Sidecar ? QStringLiteral("sidecar")
                                                                            : QStringLiteral("notCaptureReason"),
                     qs(f.notCaptureReason));
        if (f.log) {
            // A log (issue 20): its shape(s) and what became of the events logged in it.
            o.insert(QStringLiteral("log"),
                     QJsonObject{{QStringLiteral("shape"), qs(f.log->shapeText())},
                                 {QStringLiteral("logEvents"), static_cast<double>(f.log->logEvents)},
                                 {QStringLiteral("eventsFound"), static_cast<double>(f.log->events)},
                                 {QStringLiteral("recordsImported"), static_cast<double>(f.inserted)},
                                 {QStringLiteral("reconstructed"), static_cast<double>(f.log->reconstructed)},
                                 {QStringLiteral("truncated"), static_cast<double>(f.log->truncated)},
                                 {QStringLiteral("unrecoverable"), static_cast<double>(f.log->unrecoverable)},
                                 {QStringLiteral("controlMessages"), static_cast<double>(f.log->controlMessages)}});
        }
        if (!f.notImportedReason.empty())
            o.insert(QStringLiteral("notImportedReason"), qs(f.notImportedReason));
        if (f.exportIndex >= 0)
            o.insert(QStringLiteral("export"), f.exportIndex);
        if (f.sourceId)
            o.insert(QStringLiteral("sourceId"), static_cast<double>(f.sourceId));
        if (f.existing)
            o.insert(QStringLiteral("existingSourceId"), static_cast<double>(f.existing->id));
        files.append(o);
    }
    QJsonArray inputErrors;
    for (const auto& e : s.inputErrors)
        inputErrors.append(qs(e));
    QJsonArray exports;
    for (const auto& e : s.exports) {
        QJsonArray problems;
        for (const auto& p : e.problems)
            problems.append(qs(p));
        QJsonArray keyAttributes;
        for (const auto& k : e.keyAttributes)
            keyAttributes.append(qs(k));
        QJsonArray dataFiles;
        for (const auto& d : e.dataFiles) {
            QJsonObject o{{QStringLiteral("dataFileS3Key"), qs(d.s3Key)},
                          {QStringLiteral("path"), d.path.empty() ? QJsonValue() : QJsonValue(qs(d.path))},
                          {QStringLiteral("md5Checksum"), qs(d.md5Base64)}};
            o.insert(QStringLiteral("itemCount"), d.itemCount ? QJsonValue(qint64(*d.itemCount)) : QJsonValue());
            dataFiles.append(o);
        }
        QJsonObject o{{QStringLiteral("exportArn"), qs(e.exportArn)},
                      {QStringLiteral("tableArn"), qs(e.tableArn)},
                      {QStringLiteral("table"), qs(e.table)},
                      {QStringLiteral("exportType"), qs(e.exportType)},
                      {QStringLiteral("manifest"), qs(e.manifestPath)},
                      {QStringLiteral("keyAttributes"), keyAttributes},
                      {QStringLiteral("keyAttributesFrom"), qs(e.keyAttributesFrom)},
                      {QStringLiteral("dataFiles"), dataFiles},
                      {QStringLiteral("problems"), problems}};
        o.insert(QStringLiteral("itemCount"), e.itemCount ? QJsonValue(qint64(*e.itemCount)) : QJsonValue());
        if (e.incremental()) {
            o.insert(QStringLiteral("exportFromTime"), qs(e.fromText));
            o.insert(QStringLiteral("exportToTime"), qs(e.toText));
        } else {
            o.insert(QStringLiteral("exportTime"), qs(e.exportTimeText));
        }
        exports.append(o);
    }
    using F = storage::FileImportResult;
    QJsonObject totals{{QStringLiteral("files"), static_cast<double>(s.files.size())},
                       {QStringLiteral("records"), static_cast<double>(s.total(&F::records))},
                       {QStringLiteral("inserted"), static_cast<double>(s.total(&F::inserted))},
                       {QStringLiteral("duplicates"), static_cast<double>(s.total(&F::duplicates))},
                       {QStringLiteral("conflicts"), static_cast<double>(s.total(&F::conflicts))},
                       {QStringLiteral("skipped"), static_cast<double>(s.total(&F::skipped))},
                       {QStringLiteral("bytes"), static_cast<double>(s.bytes)}};
    QJsonObject root{{QStringLiteral("files"), files},          {QStringLiteral("inputErrors"), inputErrors},
                     {QStringLiteral("exports"), exports},      {QStringLiteral("cancelled"), s.cancelled},
                     {QStringLiteral("totals"), totals},        {QStringLiteral("seconds"), s.seconds},
                     {QStringLiteral("exitCode"), s.exitCode()}};
    root.insert(QStringLiteral("storeError"), s.storeError ? QJsonValue(qs(s.storeError->message)) : QJsonValue());
    QJsonArray skippedInputs;
    for (const auto& skipped : s.skippedInputs)
        skippedInputs.append(qs(skipped));
    root.insert(QStringLiteral("skippedInputs"), skippedInputs);
    return root;
}

/// A store failure (disk full, I/O error), said once for the whole import: the capture files are not at fault.
void printStoreError(const storage::ImportSummary& s, const QString& storePath)
{
    using Status = storage::FileImportResult::Status;
    std::size_t notImported = 0;
    std::size_t notStarted = 0;
    for (const auto& f : s.files) {
        notImported += f.status == Status::StoreFailed ? 1 : 0;
        notStarted += f.status == Status::NotStarted ? 1 : 0;
    }
    err() << "streamscope import: the store " << shown(argumentBytes(storePath))
          << " failed: " << shown(s.storeError->message) << "\n";
    if (notImported + notStarted == 0)
        return;
    err() << "  " << notImported << " file(s) not imported and " << notStarted
          << " not started because of it (listed above; the files listed as imported are in the store). The "
             "capture files are not at fault: make room for the store (or fix its disk) and import them again\n";
}

void printText(const storage::ImportSummary& s, const QString& storePath)
{
    using Status = storage::FileImportResult::Status;
    for (const auto& e : s.inputErrors)
        err() << "streamscope import: " << shown(e) << "\n";
    for (const auto& skipped : s.skippedInputs)
        err() << "streamscope import: skipped " << shown(skipped) << "\n";
    for (const auto& f : s.files) {
        const QString path = shown(f.path);
        // Lines go to stdout (results) and stderr (problems): flush both per file so a terminal shows them in order.
        out().flush();
        err().flush();
        switch (f.status) {
        case Status::Imported:
            out() << "imported " << path << " (" << shown(f.format) << "): " << f.records << " records, " << f.inserted
                  << " new, " << f.duplicates << " duplicates, " << f.conflicts << " conflicts, " << f.skipped
                  << " skipped\n";
            break;
        case Status::AlreadyImported:
            out() << "already imported " << path;
            if (f.existing)
                out() << " (source #" << f.existing->id << ", " << shown(f.existing->path) << ")";
            out() << ": nothing added\n";
            break;
        case Status::NotCapture:
            err() << "not a capture: " << path << ": " << shown(f.notCaptureReason) << "\n";
            break;
        case Status::Failed:
            // Problems go to stderr (the summary lines stay on stdout).
            err() << "FAILED " << path;
            if (f.failure && f.exportIndex >= 0 && f.failure->recordIndex == 0 && f.failure->byteOffset == 0
                && f.failure->line == 0)
                err() << ": " << shown(f.failure->reason); // the export as a whole, no place in this file
            else if (f.failure)
                err() << ": " << qs(storage::recordPositionText(*f.failure)) << ": " << shown(f.failure->reason);
            err() << " (nothing imported from this file)\n";
            break;
        case Status::Cancelled:
            out() << "cancelled " << path << " (nothing imported from this file)\n";
            break;
        case Status::StoreFailed: // the store's error is said once, below
            out() << "not imported " << path << ": " << shown(f.notImportedReason) << "\n";
            break;
        case Status::NotStarted:
            out() << "not started " << path << " (the import stopped when the store failed)\n";
            break;
        case Status::Sidecar:
            out() << "sidecar " << path << ": " << shown(f.notCaptureReason) << "\n";
            break;
        }
        for (const auto& n : f.notes)
            out() << "  note: " << shown(n) << "\n";
        std::size_t shown = 0;
        for (const auto& i : f.skippedRecords) {
            if (++shown > 20)
                break;
            err() << "  skipped " << path << " " << qs(storage::recordPositionText(i)) << ": " << cli::shown(i.reason)
                  << "\n"; // `shown` here is the counter above
        }
        if (f.skipped > static_cast<std::int64_t>(std::min<std::size_t>(20, f.skippedRecords.size())))
            err() << "  … "
                  << (f.skipped - static_cast<std::int64_t>(std::min<std::size_t>(20, f.skippedRecords.size())))
                  << " more skipped records\n";
    }
    for (const auto& e : s.exports) {
        out().flush();
        err().flush();
        if (e.problems.empty()) {
            out() << "export " << shown(e.manifestPath) << ": " << shown(e.description()) << "\n";
            if (!e.incremental() && e.keyAttributesFrom.empty() && !e.dataFiles.empty())
                out() << "  note: key attributes not given (--key-attributes, --describe-table): guessed from the "
                         "items' attribute names\n";
            continue;
        }
        err() << "export " << shown(e.manifestPath) << " NOT imported (" << e.problems.size()
              << " problem(s)): " << shown(e.description()) << "\n";
        for (const auto& p : e.problems)
            err() << "  " << shown(p) << "\n";
    }
    using F = storage::FileImportResult;
    std::size_t sidecars = 0;
    for (const auto& f : s.files)
        sidecars += f.status == storage::FileImportResult::Status::Sidecar ? 1 : 0;
    const double seconds = s.seconds > 0 ? s.seconds : 1e-9;
    out() << "total: " << (s.files.size() - sidecars) << " file(s)"
          << (sidecars ? QStringLiteral(" (+%1 sidecar(s))").arg(sidecars) : QString()) << ", " << s.total(&F::records)
          << " records, " << s.total(&F::inserted) << " new, " << s.total(&F::duplicates) << " duplicates, "
          << s.total(&F::conflicts) << " conflicts, " << s.total(&F::skipped) << " skipped in "
          << QString::number(s.seconds, 'f', 2) << " s ("
          << QString::number(static_cast<double>(s.total(&F::records)) / seconds, 'f', 0) << " records/s, "
          << megabytes(s.bytes) << ")\n";
    if (s.cancelled)
        out() << "import cancelled\n";
    if (s.storeError)
        printStoreError(s, storePath);
}

/// STREAMSCOPE_WRITER_STATS: where the import's time went, on stderr.
void printStatistics(const storage::ImportSummary& s)
{
    if (!s.statistics || !std::getenv("STREAMSCOPE_WRITER_STATS"))
        return;
    const storage::ImportStatistics& t = *s.statistics;
    err() << QString::asprintf("importCaptures: %.3f s, writer waited %.3f s for the reader, final checkpoint %.3f s "
                               "(background checkpoints: %s)\n",
                               t.seconds, t.writerWaitedSeconds, t.finalCheckpointSeconds,
                               t.backgroundCheckpoints ? "yes" : "no")
          << QString::asprintf(
                 "ImportWriter: %lld group commit(s), %.3f s in stats flush + COMMIT (stats flush %.3f s)\n",
                 static_cast<long long>(t.writer.groupsCommitted), t.writer.commitSeconds, t.writer.statsFlushSeconds)
          << QString::asprintf("WAL: largest %.1f MB after a commit, emptied %lld time(s)\n",
                               static_cast<double>(t.walPeakBytes) / 1e6, static_cast<long long>(t.walTruncations));
    err().flush();
}

/// After an import: the findings kept in the store brought up to date (only the keys with new records audited
/// again); nothing when the store holds nothing new for them.
std::optional<storage::Result<storage::FindingsUpdate>> keepFindings(storage::Store& store)
{
    auto status = storage::findingsStatus(store);
    if (!status || !status->supported || status->current)
        return std::nullopt;
    return storage::updateStoredFindings(store, [](std::int64_t) { return interruptSignal() == 0; });
}

QJsonObject findingsJson(const storage::Result<storage::FindingsUpdate>& update)
{
    QJsonObject o;
    if (!update) {
        o.insert(QStringLiteral("stored"), false);
        o.insert(QStringLiteral("error"), qs(update.error().message));
        return o;
    }
    o.insert(QStringLiteral("stored"), update->written);
    o.insert(QStringLiteral("full"), update->full);
    o.insert(QStringLiteral("keysAudited"), static_cast<qint64>(update->keysAudited));
    o.insert(QStringLiteral("recordsAudited"), static_cast<qint64>(update->recordsAudited));
    return o;
}

void printFindings(const storage::Result<storage::FindingsUpdate>& update)
{
    if (!update) {
        err() << "streamscope import: the findings kept in the store were not brought up to date ("
              << qs(update.error().message) << "); `streamscope audit` audits the store instead\n";
        return;
    }
    if (!update->written) {
        err() << "streamscope import: the findings kept in the store were not brought up to date (stopped); "
                 "`streamscope audit --update` does it\n";
        return;
    }
    out() << "Audit kept in the store: " << (update->full ? "audited in full, " : "") << update->keysAudited
          << (update->keysAudited == 1 ? " key" : " keys") << " (" << update->recordsAudited << " records) audited\n";
}

} // namespace

int runImport(const QStringList& arguments)
{
    const QString command = QStringLiteral("import");
    QCommandLineParser parser;
    setupParser(parser, command,
                QStringLiteral("Imports capture files or folders (recursive; .gz read directly) into a store. Every "
                               "shape is detected per file: Lambda DynamoDB events, GetRecords output, Kinesis "
                               "(KDS) events, EventBridge Pipes batches and events, S3 incremental and full "
                               "export lines, JSON Lines and arrays of these, on-failure destination objects. A "
                               "DynamoDB export folder (AWSDynamoDB/<id>/ or its manifest-summary.json) is imported "
                               "as one export of one table, its data files checked against manifest-files.json.\n"
                               "Exit codes: 0 all imported (sidecar files such as manifests and checksums are "
                               "listed), 1 records were skipped (the summary says how many), 2 usage error, "
                               "3 an input file failed or an export is incomplete, 4 the store failed (could not "
                               "be opened or written, e.g. disk full: said once, the files not imported and not "
                               "started because of it listed)."));
    const QCommandLineOption storeOpt(QStringLiteral("store"), QStringLiteral("The store file (created if missing)."),
                                      QStringLiteral("FILE"));
    const QCommandLineOption arnOpt(QStringLiteral("stream-arn"),
                                    QStringLiteral("Stream ARN for records that carry none (GetRecords output)."),
                                    QStringLiteral("ARN"));
    const QCommandLineOption tableOpt(QStringLiteral("table"),
                                      QStringLiteral("Table for records that name none (default: the file name)."),
                                      QStringLiteral("TABLE"));
    const QCommandLineOption keyAttrOpt(QStringLiteral("key-attributes"),
                                        QStringLiteral("Key attribute names for S3 full-export items, e.g. pk,sk."),
                                        QStringLiteral("NAMES"));
    const QCommandLineOption describeOpt(
        QStringLiteral("describe-table"),
        QStringLiteral("An 'aws dynamodb describe-table' output: the key schema of S3 full-export items "
                       "(--key-attributes wins; without either, a DescribeTable output found beside the export "
                       "folder, else guessed and said so)."),
        QStringLiteral("FILE"));
    const QCommandLineOption strictOpt(QStringLiteral("strict"),
                                       QStringLiteral("Fail a file (import nothing of it) if any record is invalid."));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print the summary as JSON."));
    const QCommandLineOption quietOpt(QStringLiteral("no-progress"), QStringLiteral("No progress bar."));
    const QCommandLineOption noAuditOpt(
        QStringLiteral("no-audit"),
        QStringLiteral("Do not bring the findings kept in the store up to date after the import (by default only "
                       "the keys the import added records to are audited again; `audit --update` does it later)."));
    parser.addOptions({storeOpt, arnOpt, tableOpt, keyAttrOpt, describeOpt, strictOpt, jsonOpt, quietOpt, noAuditOpt});
    parser.addPositionalArgument(QStringLiteral("paths"), QStringLiteral("Capture files or folders."),
                                 QStringLiteral("PATH..."));
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    if (!parser.isSet(storeOpt))
        return usageError(command, QStringLiteral("--store FILE is required"));
    QStringList paths = parser.positionalArguments();
    if (!paths.isEmpty())
        paths.removeFirst(); // the command name
    if (paths.isEmpty())
        return usageError(command, QStringLiteral("no capture file or folder given"));
    if (parser.isSet(arnOpt) && !parser.value(arnOpt).contains(QStringLiteral(":table/")))
        return usageError(command,
                          QStringLiteral("--stream-arn must look like arn:aws:dynamodb:REGION:ACCOUNT:"
                                         "table/NAME/stream/LABEL"));

    storage::ImportOptions options;
    options.read.streamArn = parser.value(arnOpt).toStdString();
    options.read.table = parser.value(tableOpt).toStdString();
    for (const QString& name : parser.value(keyAttrOpt).split(QLatin1Char(','), Qt::SkipEmptyParts))
        options.read.keyAttributes.push_back(name.trimmed().toStdString());
    options.strict = parser.isSet(strictOpt);
    options.describeTablePath = argumentBytes(parser.value(describeOpt));

    auto store = storage::Store::open(argumentBytes(parser.value(storeOpt)), storage::Database::OpenMode::ReadWrite);
    if (!store)
        return reportStorageError(command, store.error()); // names the file; ExitUsage for an empty --store
    std::vector<std::string> inputs;
    for (const QString& p : paths)
        inputs.push_back(argumentBytes(p)); // the bytes as given: a file name need not be UTF-8

    ProgressBar bar(!parser.isSet(quietOpt) && isatty(fileno(stderr)) == 1);
    const InterruptScope interrupts; // Ctrl+C / SIGTERM: cancel at the next batch, roll back the current file
    const auto summary =
        storage::importCaptures(store->database(), inputs, options, [&bar](const storage::ImportProgress& p) {
            return interruptSignal() == 0 && bar.update(p);
        });
    bar.finish();
    printStatistics(summary);
    const bool audit = !parser.isSet(noAuditOpt) && !summary.cancelled && !summary.storeError && interruptSignal() == 0;
    const auto findings = audit ? keepFindings(*store) : std::optional<storage::Result<storage::FindingsUpdate>>();
    if (parser.isSet(jsonOpt)) {
        QJsonObject json = summaryJson(summary);
        if (findings)
            json.insert(QStringLiteral("audit"), findingsJson(*findings));
        out() << QJsonDocument(json).toJson(QJsonDocument::Indented);
    } else {
        printText(summary, parser.value(storeOpt));
        if (findings)
            printFindings(*findings);
    }
    if (const int signal = interruptSignal(); signal != 0 && summary.cancelled) {
        err() << "streamscope import: interrupted by " << interruptSignalName(signal)
              << ": the file being read was rolled back; the files listed as imported are in the store\n";
        out().flush();
        err().flush();
        return interruptedExitCode(signal);
    }
    out().flush();
    err().flush();
    return summary.exitCode();
}

} // namespace cli

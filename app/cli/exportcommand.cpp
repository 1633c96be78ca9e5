// streamscope export: selected records as Lambda DynamoDB batches (default), JSON Lines or a CSV of changes.

#include "app/cli/cli.h"
#include "app/cli/clicommon.h"
#include "app/cli/commands.h"
#include "app/cli/interrupt.h"
#include "app/cli/selectionoptions.h"
#include "storage/export/exporter.h"
#include "storage/sql/changelog.h"

namespace cli {

namespace {

/// export --format changelog: the changes view as JSON Lines (storage/sql/changelog.h).
int exportChangelog(const QCommandLineParser& parser, const storage::RecordSelection& selection)
{
    const QString command = QStringLiteral("export");
    for (const char* option : {"force", "batch-size", "json"}) {
        if (parser.isSet(QString::fromLatin1(option)))
            return usageError(command,
                              QStringLiteral("--%1 does not apply to --format changelog (it writes into a "
                                             "new or empty folder only)")
                                  .arg(QString::fromLatin1(option)));
    }
    int code = ExitOk;
    auto store = openSelectedStore(parser, command, storage::Database::OpenMode::ReadOnly, code);
    if (!store)
        return code;
    storage::ChangelogOptions options;
    options.folder = argumentBytes(parser.value(QStringLiteral("out")));
    options.gzip = parser.isSet(QStringLiteral("gzip"));
    const InterruptScope interrupts;
    auto report = storage::exportChangelog(*store, selection, options,
                                           [](std::int64_t, std::int64_t) { return interruptSignal() == 0; });
    if (const int signal = interruptSignal(); signal != 0 && !report) {
        err() << "streamscope export: interrupted by " << interruptSignalName(signal) << ": nothing was written\n";
        err().flush();
        return interruptedExitCode(signal);
    }
    if (!report)
        return reportStorageError(command, report.error());
    out() << "Exported " << report->records << " records and " << report->copies
          << " later deliveries as a changelog of " << report->files << (report->files == 1 ? " file" : " files")
          << " in " << report->partitions << (report->partitions == 1 ? " partition" : " partitions") << " in "
          << shown(report->folder) << " (with _schema.json)\n";
    return ExitOk;
}

} // namespace

int runExport(const QStringList& arguments)
{
    const QString command = QStringLiteral("export");
    QCommandLineParser parser;
    setupParser(parser, command,
                QStringLiteral(
                    "Export records as the batches AWS Lambda would deliver: one stream per batch, sequence order, "
                    "--batch-size records (default 100, at most 10,000) and at most 6,291,456 bytes per file. Writes "
                    "numbered files and manifest.json into --out; refuses to replace an earlier export unless "
                    "--force, and never replaces export-shaped files (batch-*.json, changes.csv, manifest.json) that "
                    "no earlier export's manifest.json vouches for. Records are written exactly as delivered; records "
                    "that arrived in another envelope "
                    "(Kinesis, S3 export) are converted to the Lambda DynamoDB record shape (the manifest says so).\n\n"
                    "Example: streamscope export --store my.streamscope --table Orders --out batches/"));
    addSelectionOptions(parser);
    addFilterCriteriaOptions(parser);
    parser.addOption(QCommandLineOption(
        QStringLiteral("out"), QStringLiteral("The output folder (created if missing)."), QStringLiteral("DIR")));
    parser.addOption(QCommandLineOption(QStringLiteral("format"),
                                        QStringLiteral("lambda ({\"Records\":[...]} files, default), jsonl (one record "
                                                       "per line, same batches), csv (time,table,key,event,path,op,"
                                                       "old,new) or changelog (the changes view as JSON Lines "
                                                       "partitioned by table and hour, with _schema.json: what "
                                                       "'streamscope sql --source changelog' reads)."),
                                        QStringLiteral("FORMAT")));
    parser.addOption(QCommandLineOption(
        QStringLiteral("force"),
        QStringLiteral("Replace an earlier export in --out (only the files its manifest.json lists with "
                       "their sizes and hashes; the new export is swapped in once complete).")));
    parser.addOption(QCommandLineOption(QStringLiteral("gzip"),
                                        QStringLiteral("With --format changelog: write part-NNNNN.jsonl.gz files.")));
    parser.addOption(QCommandLineOption(QStringLiteral("json"), QStringLiteral("Print the manifest as JSON.")));
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    if (parser.positionalArguments().size() > 1)
        return usageError(command, QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().at(1)));
    if (!parser.isSet(QStringLiteral("out")))
        return usageError(command, QStringLiteral("--out DIR is required"));
    auto selection = selectionFromOptions(parser, command, code);
    if (!selection || !applyFilterCriteriaOptions(parser, command, *selection, code))
        return code;
    if (parser.value(QStringLiteral("format")) == QLatin1String("changelog"))
        return exportChangelog(parser, *selection);
    if (parser.isSet(QStringLiteral("gzip")))
        return usageError(command, QStringLiteral("--gzip is for --format changelog"));
    auto limits = limitsFromOptions(parser, command, code);
    if (!limits)
        return code;
    storage::ExportOptions options;
    options.folder = argumentBytes(parser.value(QStringLiteral("out")));
    options.limits = *limits;
    options.force = parser.isSet(QStringLiteral("force"));
    if (parser.isSet(QStringLiteral("format"))) {
        const auto format = storage::parseExportFormat(parser.value(QStringLiteral("format")).toStdString());
        if (!format)
            return usageError(command, QStringLiteral("--format takes lambda, jsonl, csv or changelog"));
        options.format = *format;
    }
    auto store = openSelectedStore(parser, command, storage::Database::OpenMode::ReadOnly, code);
    if (!store)
        return code;
    options.storeLabel = store->path();
    const InterruptScope interrupts; // Ctrl+C / SIGTERM: stop, remove what this export wrote, keep an earlier one
    auto report = storage::exportRecords(*store, *selection, options,
                                         [](std::int64_t, std::int64_t) { return interruptSignal() == 0; });
    if (const int signal = interruptSignal(); signal != 0 && !report) {
        err() << "streamscope export: interrupted by " << interruptSignalName(signal)
              << ": the files this export wrote were removed; an earlier export in " << shown(options.folder)
              << " is as it was\n";
        err().flush();
        return interruptedExitCode(signal);
    }
    if (!report)
        return reportStorageError(command, report.error());
    if (parser.isSet(QStringLiteral("json"))) {
        writeOut(storage::manifestJson(*report, *selection, options) + "\n");
    } else {
        out() << "Exported " << report->recordsWritten << " of " << report->build.selected << " selected records into "
              << report->files.size() << (report->files.size() == 1 ? " file" : " files") << " in "
              << shown(report->folder) << "\n";
        for (const auto& f : report->files) {
            out() << "  " << shown(f.name) << "  " << f.records << " records  " << f.bytes << " bytes";
            if (!f.stream.empty())
                out() << "  " << shown(f.table) << "  seq " << shown(f.firstSequenceNumber) << ".."
                      << shown(f.lastSequenceNumber);
            out() << "\n";
        }
        if (report->build.converted > 0)
            out() << report->build.converted
                  << " records were converted from another envelope to the Lambda DynamoDB record shape "
                     "(see manifest.json)\n";
        if (report->recordsWithSynthesizedFields > 0 && options.format != storage::ExportFormat::ChangesCsv) {
            out() << report->recordsWithSynthesizedFields
                  << " records got fields Lambda always sends that they lacked or carried differently; written:";
            const char* separator = " ";
            for (const auto& [field, n] : report->build.synthesizedFields) {
                out() << separator << shown(field) << " (" << n << ")";
                separator = ", ";
            }
            out() << " (see manifest.json synthesizedFields)\n";
        }
        if (selection->lambdaFilter)
            out() << "filter criteria " << shown(selection->lambdaFilter->source) << ": "
                  << report->build.droppedByCriteria << " records dropped (Lambda would not deliver them)\n";
        if (report->build.excludedByJsOption > 0)
            out() << report->build.excludedByJsOption << " records left out by --js-unsafe\n";
        if (report->build.jsUnsafe > 0 && options.format != storage::ExportFormat::ChangesCsv
            && selection->jsUnsafe == storage::RecordSelection::JsUnsafe::Include)
            out() << report->build.jsUnsafe
                  << " exported records hold numbers a JavaScript handler cannot hold (js-unsafe-number); "
                     "--js-unsafe exclude|only selects them\n";
        if (!report->replacedFiles.empty())
            out() << "replaced an earlier export (" << report->replacedFiles.size() << " files)\n";
    }
    if (!report->build.oversize.empty()) {
        out().flush();
        for (const auto& o : report->build.oversize)
            err() << "streamscope export: record " << o.recordId << " (" << shown(o.table) << " " << shown(o.keyText)
                  << ", seq " << shown(o.sequenceNumber) << ") not exported: an event with only this record is "
                  << o.payloadBytes << " bytes, over Lambda's 6,291,456-byte payload limit\n";
        err().flush();
        return ExitPartial;
    }
    return ExitOk;
}

} // namespace cli

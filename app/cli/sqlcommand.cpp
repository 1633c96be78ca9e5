// streamscope sql: the table definitions, changes view, audit and state at a time as SQL for other engines.

#include <optional>
#include <string_view>
#include <vector>

#include "app/cli/cli.h"
#include "app/cli/clicommon.h"
#include "app/cli/commands.h"
#include "app/cli/selectionoptions.h"
#include "storage/sql/seentypes.h"
#include "storage/sql/sqlgen.h"

namespace cli {

namespace {

void addSqlOptions(QCommandLineParser& parser)
{
    parser.addOption(QCommandLineOption(QStringLiteral("dialect"),
                                        QStringLiteral("duckdb (read_json views), athena (Glue DDL with JsonSerDe, "
                                                       "Trino SQL), trino (Hive connector) or spark (Spark SQL)."),
                                        QStringLiteral("DIALECT")));
    parser.addOption(QCommandLineOption(QStringLiteral("source"),
                                        QStringLiteral("The data layout: changelog (written by 'streamscope export "
                                                       "--format changelog'; the default: definitions, changes view, "
                                                       "audit, state), s3-incremental or s3-full (the data/ folder of "
                                                       "a DynamoDB export to S3) or kinesis-archive (Kinesis Data "
                                                       "Streams for DynamoDB records archived to S3 by Firehose): "
                                                       "their table definition; for s3-incremental with --table, and "
                                                       "for s3-full with --table, --key-attributes and --export-time, "
                                                       "and for kinesis-archive (all without --from-store), also the "
                                                       "changes view, audit and state over the files."),
                                        QStringLiteral("SOURCE")));
    parser.addOption(QCommandLineOption(QStringLiteral("location"),
                                        QStringLiteral("Where the data is: a folder for DuckDB, s3://bucket/prefix/ "
                                                       "for Athena, Trino and Spark."),
                                        QStringLiteral("URI")));
    parser.addOption(QCommandLineOption(QStringLiteral("table"),
                                        QStringLiteral("Only this table's records in the changes view (and so in the "
                                                       "audit and state); for s3-incremental the exported table's "
                                                       "name (the export's lines do not carry it)."),
                                        QStringLiteral("T")));
    parser.addOption(QCommandLineOption(
        QStringLiteral("from-store"),
        QStringLiteral("Type images from the attributes and DynamoDB types this store has seen: nested struct<...> "
                       "columns for S3 exports and Kinesis archives, a typed versions view per table for the changelog "
                       "(without it: JSON "
                       "text)."),
        QStringLiteral("S")));
    parser.addOption(QCommandLineOption(
        QStringLiteral("at"),
        QStringLiteral("The time of the state query (2023-11-14T22:15:00Z or epoch seconds; default: the latest time "
                       "in the data)."),
        QStringLiteral("TIME")));
    parser.addOption(QCommandLineOption(
        QStringLiteral("key-attributes"),
        QStringLiteral("s3-full: the table's key attribute names (partition key, sort key), e.g. pk,sk: a full "
                       "export's items carry no Keys."),
        QStringLiteral("NAMES")));
    parser.addOption(QCommandLineOption(
        QStringLiteral("export-time"),
        QStringLiteral("s3-full: the export's exportTime (its manifest-summary.json), the time of its items."),
        QStringLiteral("TIME")));
    parser.addOption(QCommandLineOption(
        QStringLiteral("incremental-location"),
        QStringLiteral("s3-full (or s3-incremental): the data/ folder of an incremental export after the full "
                       "export (or after --location's export): its lines continue the items' histories. Repeat it for "
                       "each incremental export, each followed by its --window-from."),
        QStringLiteral("URI")));
    parser.addOption(QCommandLineOption(
        QStringLiteral("window-from"),
        QStringLiteral("s3-incremental (or s3-full with --incremental-location): the incremental export's "
                       "exportFromTime (its manifest-summary.json), the start of the window its lines compact; "
                       "without it a line is compared with any record before it. With --incremental-location: one "
                       "--window-from per export, in the same order (s3-incremental: --location's first)."),
        QStringLiteral("TIME")));
}

/// Pairs the --incremental-location values with the --window-from values in `request` (s3-full: one window per
/// incremental export; s3-incremental: --location's first, then one per incremental export; otherwise at most one
/// window). The usage error, if any.
std::optional<QString> pairIncrementalExports(const QStringList& incrementals,
                                              const std::vector<std::optional<std::int64_t>>& windows,
                                              storage::SqlRequest& request)
{
    const bool full = request.source == storage::SqlSource::S3Full;
    const bool incremental = request.source == storage::SqlSource::S3Incremental;
    if ((full || incremental) && !incrementals.isEmpty()) {
        // Paired in order: s3-full's n-th --window-from is the n-th incremental export's window start; s3-incremental's
        // first is --location's export's, then one per --incremental-location.
        const std::size_t first = incremental ? 1 : 0;
        const std::size_t exports = static_cast<std::size_t>(incrementals.size()) + first;
        if (!windows.empty() && windows.size() != exports)
            return full ? QStringLiteral("%1 --incremental-location but %2 --window-from: give one --window-from "
                                         "per incremental export (its exportFromTime), in the same order")
                              .arg(incrementals.size())
                              .arg(windows.size())
                        : QStringLiteral("%1 exports (--location and %2 --incremental-location) but %3 "
                                         "--window-from: give one --window-from per export (its exportFromTime), "
                                         "--location's first, then in the order of --incremental-location")
                              .arg(exports)
                              .arg(incrementals.size())
                              .arg(windows.size());
        if (incremental && !windows.empty())
            request.windowFromMicros = windows.front();
        for (qsizetype i = 0; i < incrementals.size(); ++i)
            request.incrementalExports.push_back(
                {incrementals[i].toStdString(),
                 windows.empty() ? std::nullopt : windows[static_cast<std::size_t>(i) + first]});
    } else {
        for (const QString& location : incrementals) // refused by generateSql with the reason
            request.incrementalExports.push_back({location.toStdString(), std::nullopt});
        if (windows.size() > 1)
            return QStringLiteral("%1 --window-from: one export's lines have one window start (several "
                                  "incremental exports: one --incremental-location and one --window-from "
                                  "each)")
                .arg(windows.size());
        if (!windows.empty())
            request.windowFromMicros = windows.front();
    }
    return std::nullopt;
}

} // namespace

int runSql(const QStringList& arguments)
{
    const QString command = QStringLiteral("sql");
    QCommandLineParser parser;
    setupParser(
        parser, command,
        QStringLiteral(
            "Print SQL that runs the history and audit where the data lives: the table definition of the data "
            "layout, the normalised changes view (one row per record, N values kept as text), the audit as SQL "
            "(window functions per key in stream order: the kinds, names and severities of 'streamscope audit' "
            "except invalid-value, js-unsafe-number, key-mismatch and reused-event-id: see README) and "
            "the state at a time. Only DuckDB's SQL is executed by Streamscope's tests; the Athena, Trino and Spark "
            "texts are checked against golden files and parsed by DuckDB where the dialects agree.\n\n"
            "Example: streamscope export --store my.streamscope --format changelog --out cl/ && "
            "streamscope sql --dialect duckdb --source changelog --location cl/ | duckdb"));
    addSqlOptions(parser);
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    if (parser.positionalArguments().size() > 1)
        return usageError(command, QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().at(1)));
    storage::SqlRequest request;
    if (!parser.isSet(QStringLiteral("dialect")))
        return usageError(command, QStringLiteral("--dialect duckdb|athena|trino|spark is required"));
    const auto dialect = storage::parseSqlDialect(parser.value(QStringLiteral("dialect")).toStdString());
    if (!dialect)
        return usageError(command,
                          QStringLiteral("--dialect takes duckdb, athena, trino or spark (not '%1')")
                              .arg(parser.value(QStringLiteral("dialect"))));
    request.dialect = *dialect;
    if (parser.isSet(QStringLiteral("source"))) {
        const auto source = storage::parseSqlSource(parser.value(QStringLiteral("source")).toStdString());
        if (!source)
            return usageError(
                command,
                QStringLiteral("--source takes changelog, s3-incremental, s3-full or kinesis-archive (not '%1')")
                    .arg(parser.value(QStringLiteral("source"))));
        request.source = *source;
    }
    if (!parser.isSet(QStringLiteral("location")) || parser.value(QStringLiteral("location")).isEmpty())
        return usageError(command, QStringLiteral("--location URI is required"));
    request.location = parser.value(QStringLiteral("location")).toStdString();
    request.table = parser.value(QStringLiteral("table")).toStdString();
    if (parser.isSet(QStringLiteral("table")) && request.table.empty())
        return usageError(command, QStringLiteral("--table needs a table name"));
    if (parser.isSet(QStringLiteral("at"))) {
        request.atMicros = parseTimeOption(parser.value(QStringLiteral("at")));
        if (!request.atMicros)
            return usageError(command,
                              QStringLiteral("--at takes a UTC time like 2023-11-14T22:15:00Z or epoch "
                                             "seconds (not '%1')")
                                  .arg(parser.value(QStringLiteral("at"))));
    }
    for (const QString& name :
         parser.value(QStringLiteral("key-attributes")).split(QLatin1Char(','), Qt::SkipEmptyParts))
        request.keyAttributes.push_back(name.trimmed().toStdString());
    if (parser.isSet(QStringLiteral("key-attributes")) && request.keyAttributes.empty())
        return usageError(command, QStringLiteral("--key-attributes needs attribute names, e.g. pk,sk"));
    std::vector<std::optional<std::int64_t>> windows; // every --window-from, in order
    for (const char* name : {"export-time", "window-from"}) {
        const QString option = QString::fromLatin1(name);
        for (const QString& value : parser.values(option)) {
            const auto micros = parseTimeOption(value);
            if (!micros)
                return usageError(command,
                                  QStringLiteral("--%1 takes a UTC time like 2023-11-14T22:15:00Z or epoch "
                                                 "seconds (not '%2')")
                                      .arg(option, value));
            if (std::string_view(name) == "export-time")
                request.exportTimeMicros = micros;
            else
                windows.push_back(micros);
        }
    }
    const QStringList incrementals = parser.values(QStringLiteral("incremental-location"));
    for (const QString& location : incrementals) {
        if (location.isEmpty())
            return usageError(command, QStringLiteral("--incremental-location needs a folder or URI"));
    }
    if (auto error = pairIncrementalExports(incrementals, windows, request))
        return usageError(command, *error);
    if (parser.isSet(QStringLiteral("from-store"))) {
        auto store = openSelectedStore(parser, command, storage::Database::OpenMode::ReadOnly, code,
                                       QStringLiteral("from-store"));
        if (!store)
            return code;
        auto seen = storage::seenTypes(*store, request.table);
        if (!seen)
            return reportStorageError(command, seen.error());
        request.seen = std::move(*seen);
    }
    std::string error;
    auto script = storage::generateSql(request, &error);
    if (!script)
        return usageError(command, qtext(error));
    writeOut(script->text());
    return ExitOk;
}

} // namespace cli

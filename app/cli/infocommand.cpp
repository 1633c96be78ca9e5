// streamscope info --store FILE [--json]: a store's sources, tables (streams, view types, counts) and totals.

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include "app/cli/cli.h"
#include "app/cli/clicommon.h"
#include "app/cli/commands.h"
#include "app/cli/selectionoptions.h"
#include "storage/store/schema.h"
#include "storage/store/store.h"

namespace cli {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

/// ISO-8601 UTC with microseconds: 2023-11-14T22:13:20.123456Z.
QString isoMicros(std::int64_t micros)
{
    std::int64_t seconds = micros / 1'000'000;
    std::int64_t fraction = micros % 1'000'000;
    if (fraction < 0) {
        fraction += 1'000'000;
        --seconds;
    }
    const QDateTime time = QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC);
    return time.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) + QLatin1Char('.')
        + QStringLiteral("%1").arg(fraction, 6, 10, QLatin1Char('0')) + QLatin1Char('Z');
}

QJsonValue timeJson(const std::optional<std::int64_t>& micros)
{
    return micros ? QJsonValue(isoMicros(*micros)) : QJsonValue(QJsonValue::Null);
}

QString timeText(const std::optional<std::int64_t>& micros)
{
    return micros ? isoMicros(*micros) : QStringLiteral("-");
}

QString viewTypeName(model::ViewType v)
{
    const std::string_view text = model::viewTypeText(v);
    return text.empty() ? QStringLiteral("unknown")
                        : QString::fromLatin1(text.data(), static_cast<qsizetype>(text.size()));
}

// "NEW_IMAGE", or "mixed (NEW_IMAGE, KEYS_ONLY)" when the stream's records carry several view types.
QString streamViewText(const storage::StreamInfo& s)
{
    if (s.mixedViewTypes.empty())
        return viewTypeName(s.viewType);
    QStringList names;
    for (model::ViewType v : s.mixedViewTypes)
        names << viewTypeName(v);
    return QStringLiteral("mixed (") + names.join(QStringLiteral(", ")) + QLatin1Char(')');
}

int storeError(const QString& path, const storage::Error& error)
{
    err() << "streamscope info: cannot read store " << shown(path.toStdString()) << ": " << shown(error.message)
          << "\n";
    return ExitStoreError;
}

// "created_by" -> "created by".
QString writerLabel(const std::string& name)
{
    return QString::fromStdString(name).replace(QLatin1Char('_'), QLatin1Char(' '));
}

// {"createdBy": "...", "lastWrittenBy": "..."}: the builds that wrote the store (absent names are left out).
QJsonObject writtenByJson(const std::vector<std::pair<std::string, std::string>>& writers)
{
    QJsonObject object;
    for (const auto& [name, identity] : writers) {
        QString key;
        bool upper = false;
        for (const char c : name) {
            if (c == '_') {
                upper = true;
                continue;
            }
            key += upper ? QChar::fromLatin1(c).toUpper() : QChar::fromLatin1(c);
            upper = false;
        }
        object.insert(key, QString::fromStdString(identity));
    }
    return object;
}

} // namespace

namespace {

/// What `info` reports, read from the store in one place.
struct InfoData
{
    std::optional<int> version;
    std::vector<storage::SourceInfo> sources;
    std::vector<storage::TableInfo> tables;
    storage::StoreTotals totals;
    std::vector<std::pair<std::string, std::string>> writers;
};

void printInfoJson(const QString& path, const InfoData& d)
{
    QJsonArray sourceArray;
    for (const storage::SourceInfo& s : d.sources) {
        QJsonObject source{
            {QStringLiteral("id"), qint64(s.id)},
            {QStringLiteral("path"), qs(s.path)},
            {QStringLiteral("format"), qs(s.format)},
            {QStringLiteral("sizeBytes"), qint64(s.sizeBytes)},
            {QStringLiteral("contentHash"), qs(s.contentHash)},
            {QStringLiteral("importedAt"), isoMicros(s.importedAtMicros)},
            {QStringLiteral("status"), qs(std::string(storage::sourceStatusText(s.status)))},
            {QStringLiteral("inserted"), qint64(s.inserted)},
            {QStringLiteral("duplicates"), qint64(s.duplicates)},
            {QStringLiteral("conflicts"), qint64(s.conflicts)},
            {QStringLiteral("skipped"), qint64(s.skipped)},
            {QStringLiteral("messages"), qs(s.messages)},
        };
        addPathBytes(source, s.path);
        sourceArray.append(source);
    }
    QJsonArray tableArray;
    for (const storage::TableInfo& t : d.tables) {
        QJsonArray streams;
        for (const storage::StreamInfo& s : t.streams) {
            streams.append(QJsonObject{
                {QStringLiteral("arn"), s.arn.empty() ? QJsonValue(QJsonValue::Null) : QJsonValue(qs(s.arn))},
                {QStringLiteral("region"), qs(s.region)},
                {QStringLiteral("viewType"),
                 !s.mixedViewTypes.empty()                    ? QJsonValue(QStringLiteral("mixed"))
                     : s.viewType == model::ViewType::Unknown ? QJsonValue(QJsonValue::Null)
                                                              : QJsonValue(viewTypeName(s.viewType))},
                {QStringLiteral("records"), qint64(s.recordCount)},
            });
            if (!s.mixedViewTypes.empty()) {
                QJsonArray views;
                for (model::ViewType v : s.mixedViewTypes)
                    views.append(viewTypeName(v));
                QJsonObject o = streams.last().toObject();
                o.insert(QStringLiteral("viewTypes"), views);
                streams.replace(streams.size() - 1, o);
            }
        }
        tableArray.append(QJsonObject{
            {QStringLiteral("name"), qs(t.name)},
            {QStringLiteral("records"), qint64(t.recordCount)},
            {QStringLiteral("keys"), qint64(t.keyCount)},
            {QStringLiteral("firstTime"), timeJson(t.firstTimeMicros)},
            {QStringLiteral("lastTime"), timeJson(t.lastTimeMicros)},
            {QStringLiteral("streams"), streams},
        });
    }
    const storage::StoreTotals& n = d.totals;
    const QJsonObject root{
        {QStringLiteral("store"), path},
        {QStringLiteral("schemaVersion"), d.version ? QJsonValue(*d.version) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("writtenBy"), writtenByJson(d.writers)},
        {QStringLiteral("sources"), sourceArray},
        {QStringLiteral("tables"), tableArray},
        {QStringLiteral("totals"),
         QJsonObject{
             {QStringLiteral("records"), qint64(n.records)},
             {QStringLiteral("keys"), qint64(n.keys)},
             {QStringLiteral("tables"), qint64(n.tables)},
             {QStringLiteral("streams"), qint64(n.streams)},
             {QStringLiteral("sources"), qint64(n.sources)},
             {QStringLiteral("duplicates"), qint64(n.duplicates)},
             {QStringLiteral("conflicts"), qint64(n.conflicts)},
             {QStringLiteral("skipped"), qint64(n.skipped)},
             {QStringLiteral("firstTime"), timeJson(n.firstTimeMicros)},
             {QStringLiteral("lastTime"), timeJson(n.lastTimeMicros)},
         }},
    };
    out() << QString::fromUtf8(QJsonDocument(root).toJson(QJsonDocument::Indented));
}

void printInfoText(const QString& path, const InfoData& d)
{
    QTextStream& o = out();
    const QString safePath = shown(argumentBytes(path));
    o << "Store   " << safePath << " (store version " << (d.version ? *d.version : 0) << ")\n";
    for (const auto& [name, identity] : d.writers)
        o << "        " << writerLabel(name) << " " << shown(identity) << "\n";
    o << "\n";
    o << "Sources (" << d.sources.size() << ")\n";
    if (d.sources.empty())
        o << "  none: import captures with 'streamscope import --store " << safePath << " PATH...'\n";
    for (const storage::SourceInfo& s : d.sources) {
        o << "  #" << s.id << "  " << shown(s.path) << "\n"
          << "      " << shown(s.format) << ", " << QString::number(static_cast<double>(s.sizeBytes) / 1e6, 'f', 1)
          << " MB, imported " << isoMicros(s.importedAtMicros) << "\n"
          << "      " << s.inserted << " inserted, " << s.duplicates << " duplicates, " << s.conflicts << " conflicts, "
          << s.skipped << " skipped\n";
        if (s.format == "dynamodb-export") // the export's ARN, type, window and item count
            for (const QString& line : qs(s.messages).split(QLatin1Char('\n'), Qt::SkipEmptyParts))
                o << "      " << shown(line.toStdString()) << "\n";
    }
    o << "\nTables (" << d.tables.size() << ")\n";
    for (const storage::TableInfo& t : d.tables) {
        o << "  " << shown(t.name) << "  " << t.recordCount << " records, " << t.keyCount << " keys, "
          << timeText(t.firstTimeMicros) << " .. " << timeText(t.lastTimeMicros) << "\n";
        for (const storage::StreamInfo& s : t.streams) {
            o << "      stream " << (s.arn.empty() ? QStringLiteral("(no stream ARN)") : shown(s.arn)) << "\n"
              << "        " << streamViewText(s)
              << (s.region.empty() ? QString() : QStringLiteral(", ") + shown(s.region)) << ", " << s.recordCount
              << " records\n";
        }
    }
    const storage::StoreTotals& n = d.totals;
    o << "\nTotals  " << n.records << " records, " << n.keys << " keys, " << n.tables << " tables, " << n.streams
      << " streams, " << n.sources << " sources\n"
      << "        " << n.duplicates << " duplicates, " << n.conflicts << " conflicts, " << n.skipped
      << " skipped records\n"
      << "        " << timeText(n.firstTimeMicros) << " .. " << timeText(n.lastTimeMicros) << "\n";
}

} // namespace

int runInfo(const QStringList& arguments)
{
    const QString command = QStringLiteral("info");
    QCommandLineParser parser;
    setupParser(parser, command,
                QStringLiteral("Show a store's sources, tables (stream ARN, view type, counts) and totals."));
    const QCommandLineOption storeOption(QStringLiteral("store"), QStringLiteral("The store to read."),
                                         QStringLiteral("FILE"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print JSON instead of text."));
    parser.addOption(storeOption);
    parser.addOption(jsonOption);
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    if (!parser.isSet(storeOption))
        return usageError(command, QStringLiteral("--store FILE is required"));
    if (parser.positionalArguments().size() > 1)
        return usageError(command, QStringLiteral("unexpected argument: %1").arg(parser.positionalArguments().at(1)));
    const QString path = parser.value(storeOption);

    auto store = storage::Store::open(argumentBytes(path), storage::Database::OpenMode::ReadOnly);
    if (!store)
        return reportStorageError(command, store.error()); // names the file; ExitUsage for an empty path
    auto version = storage::schemaVersion(store->database());
    auto sources = store->sources();
    if (!sources)
        return storeError(path, sources.error());
    auto tables = store->tables();
    if (!tables)
        return storeError(path, tables.error());
    auto totals = store->totals();
    if (!totals)
        return storeError(path, totals.error());
    auto writers = storage::storeWriters(store->database());
    if (!writers)
        return storeError(path, writers.error());

    InfoData data{version ? std::optional<int>(*version) : std::nullopt, std::move(*sources), std::move(*tables),
                  *totals, std::move(*writers)};
    if (parser.isSet(jsonOption))
        printInfoJson(path, data);
    else
        printInfoText(path, data);
    return ExitOk;
}

} // namespace cli

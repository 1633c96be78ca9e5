// streamscope keys | history | diff | state: read-only queries over a store, with --json output.
// JSON is written by hand (model helpers) so DynamoDB JSON values and images stay exactly as delivered.

#include <QDateTime>
#include <QTimeZone>
#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <map>

#include "app/cli/cli.h"
#include "app/cli/clicommon.h"
#include "app/cli/commands.h"
#include "app/cli/selectionoptions.h"
#include "model/dynamodbjson.h"
#include "model/jsontext.h"
#include "storage/history/keyhistory.h"
#include "storage/history/keytext.h"
#include "storage/history/tablestate.h"

namespace cli {

namespace {

QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

/// ISO-8601 UTC: seconds when whole, else milliseconds or microseconds.
std::string isoTime(std::int64_t micros)
{
    std::int64_t secs = micros / 1'000'000;
    std::int64_t frac = micros % 1'000'000;
    if (frac < 0) {
        frac += 1'000'000;
        --secs;
    }
    const std::time_t t = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out = buf;
    if (frac != 0) {
        char f[16];
        if (frac % 1000 == 0)
            std::snprintf(f, sizeof f, ".%03" PRId64, frac / 1000);
        else
            std::snprintf(f, sizeof f, ".%06" PRId64, frac);
        out += f;
    }
    return out + "Z";
}

std::string jsonTime(const std::optional<std::int64_t>& micros)
{
    return micros ? model::jsontext::quoted(isoTime(*micros)) : std::string("null");
}

std::string jsonStringOrNull(const std::string& s)
{
    return s.empty() ? std::string("null") : model::jsontext::quoted(s);
}

void write(const std::string& text)
{
    out() << qs(text);
}

const QCommandLineOption& storeOption()
{
    static const QCommandLineOption o(QStringLiteral("store"), QStringLiteral("The store file to read."),
                                      QStringLiteral("FILE"));
    return o;
}
const QCommandLineOption& tableOption()
{
    static const QCommandLineOption o(QStringLiteral("table"), QStringLiteral("Table name (from the stream ARN)."),
                                      QStringLiteral("TABLE"));
    return o;
}
const QCommandLineOption& keyOption()
{
    static const QCommandLineOption o(
        QStringLiteral("key"),
        QStringLiteral("The item's Keys as DynamoDB JSON, e.g. '{\"Id\":{\"N\":\"101\"}}', or Name=value "
                       "(Name=value,Name2=value2) when the table's key types are unambiguous."),
        QStringLiteral("KEYS"));
    return o;
}
const QCommandLineOption& jsonOption()
{
    static const QCommandLineOption o(QStringLiteral("json"), QStringLiteral("Print JSON instead of text."));
    return o;
}

int storeError(const QString& command, const storage::Error& e)
{
    if (e.kind == storage::Error::Kind::InvalidArgument)
        return usageError(command, shown(e.message));
    err() << "streamscope " << command << ": " << shown(e.message) << "\n";
    return ExitStoreError;
}

/// --table (required) resolved to the table; 0 and exitCode on failure.
std::optional<storage::TableInfo> requireTable(storage::Store& store, const QCommandLineParser& parser,
                                               const QString& command, int& exitCode)
{
    if (!parser.isSet(tableOption())) {
        exitCode = usageError(command, QStringLiteral("--table TABLE is required"));
        return std::nullopt;
    }
    auto table = storage::resolveTable(store, parser.value(tableOption()).toStdString());
    if (!table) {
        exitCode = storeError(command, table.error());
        return std::nullopt;
    }
    return std::move(*table);
}

std::optional<storage::LoadedHistory> requireHistory(storage::Store& store, const QCommandLineParser& parser,
                                                     const QString& command, int& exitCode)
{
    auto table = requireTable(store, parser, command, exitCode);
    if (!table)
        return std::nullopt;
    if (!parser.isSet(keyOption())) {
        exitCode = usageError(command, QStringLiteral("--key KEYS is required"));
        return std::nullopt;
    }
    auto key = storage::resolveKey(store, table->id, parser.value(keyOption()).toStdString());
    if (!key) {
        exitCode = storeError(command, key.error());
        return std::nullopt;
    }
    auto loaded = storage::loadHistory(store, key->id);
    if (!loaded) {
        exitCode = storeError(command, loaded.error());
        return std::nullopt;
    }
    return std::move(*loaded);
}

std::string stateText(model::StateKind s)
{
    switch (s) {
    case model::StateKind::Present:
        return "present";
    case model::StateKind::Absent:
        return "absent";
    case model::StateKind::Unknown:
        return "unknown";
    }
    return "unknown";
}

std::string versionLabel(const model::Version& v)
{
    std::string s(model::eventNameText(v.record.eventName));
    if (v.record.ttl && v.record.eventName == model::EventName::Remove)
        s += " (TTL)";
    if (!v.record.sequenceNumber.empty())
        s += "  seq " + terminalSafe(v.record.sequenceNumber);
    if (v.record.creationTimeMicros)
        s += "  " + isoTime(*v.record.creationTimeMicros);
    if (!v.record.eventId.empty())
        s += "  eventID " + terminalSafe(v.record.eventId);
    if (v.record.compacted)
        s += "  (compacted export window: net change, writes in between not exported)";
    return s;
}

} // namespace

int runKeys(const QStringList& arguments)
{
    const QString command = QStringLiteral("keys");
    QCommandLineParser parser;
    setupParser(parser, command,
                QStringLiteral("List the item keys of a store with record counts and first/last times."));
    const QCommandLineOption filter(QStringLiteral("filter"), QStringLiteral("Only keys whose text contains TEXT."),
                                    QStringLiteral("TEXT"));
    parser.addOptions({storeOption(), tableOption(), filter, jsonOption()});
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    auto store = openSelectedStore(parser, command, storage::Database::OpenMode::ReadOnly, code);
    if (!store)
        return code;
    auto tables = store->tables();
    if (!tables)
        return storeError(command, tables.error());
    std::map<std::int64_t, std::string> tableNames;
    for (const auto& t : *tables)
        tableNames[t.id] = t.name;
    storage::KeyQuery query;
    if (parser.isSet(tableOption())) {
        auto table = requireTable(*store, parser, command, code);
        if (!table)
            return code;
        query.tableId = table->id;
    }
    query.filter = parser.value(filter).toStdString();
    query.limit = 2000;
    const bool json = parser.isSet(jsonOption());
    if (json)
        write("{\"keys\":[");
    std::int64_t count = 0;
    for (;;) {
        auto page = store->keys(query);
        if (!page)
            return storeError(command, page.error());
        for (const auto& k : page->keys) {
            const std::string& table = tableNames[k.tableId];
            if (json) {
                std::string line = count ? ",\n" : "\n";
                line += "{\"table\":" + model::jsontext::quoted(table) + ",\"key\":" + k.canonicalKeys
                    + ",\"keyText\":" + model::jsontext::quoted(k.displayText)
                    + ",\"records\":" + std::to_string(k.recordCount) + ",\"firstTime\":" + jsonTime(k.firstTimeMicros)
                    + ",\"lastTime\":" + jsonTime(k.lastTimeMicros) + "}";
                write(line);
            } else {
                write(terminalSafe(table) + "  " + terminalSafe(k.displayText) + "  " + std::to_string(k.recordCount)
                      + " record" + (k.recordCount == 1 ? "" : "s")
                      + (k.firstTimeMicros ? "  " + isoTime(*k.firstTimeMicros) : std::string())
                      + (k.lastTimeMicros && k.lastTimeMicros != k.firstTimeMicros ? " .. " + isoTime(*k.lastTimeMicros)
                                                                                   : std::string())
                      + "\n");
            }
            ++count;
        }
        if (!page->next)
            break;
        query.after = page->next;
    }
    if (json)
        write("\n],\"count\":" + std::to_string(count) + "}\n");
    else
        write(std::to_string(count) + " key" + (count == 1 ? "" : "s") + "\n");
    return ExitOk;
}

int runHistory(const QStringList& arguments)
{
    const QString command = QStringLiteral("history");
    QCommandLineParser parser;
    setupParser(parser, command,
                QStringLiteral("Show every version of one item with its changes against the previous known state."));
    parser.addOptions({storeOption(), tableOption(), keyOption(), jsonOption()});
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    auto store = openSelectedStore(parser, command, storage::Database::OpenMode::ReadOnly, code);
    if (!store)
        return code;
    auto loaded = requireHistory(*store, parser, command, code);
    if (!loaded)
        return code;
    const model::ItemHistory& h = loaded->history;
    if (parser.isSet(jsonOption())) {
        std::string s = "{\"table\":" + model::jsontext::quoted(loaded->tableName)
            + ",\"key\":" + loaded->key.canonicalKeys + ",\"ordering\":\""
            + std::string(model::orderingText(h.ordering())) + "\",\"versions\":[";
        write(s);
        for (std::size_t i = 0; i < h.size(); ++i) {
            const model::Version& v = h.version(i);
            const auto changes = h.changes(i);
            std::string line = i ? ",\n" : "\n";
            line += "{\"recordId\":" + std::to_string(v.record.id) + ",\"sequenceNumber\":"
                + jsonStringOrNull(v.record.sequenceNumber) + ",\"eventID\":" + jsonStringOrNull(v.record.eventId)
                + ",\"eventName\":\"" + std::string(model::eventNameText(v.record.eventName))
                + "\",\"approximateCreationDateTime\":" + jsonTime(v.record.creationTimeMicros) + ",\"ttl\":"
                + (v.record.ttl ? "true" : "false") + ",\"compacted\":" + (v.record.compacted ? "true" : "false")
                + ",\"state\":\"" + stateText(v.state) + "\",\"imageKnown\":" + (v.stateKnown() ? "true" : "false")
                + ",\"image\":" + (v.state == model::StateKind::Present ? v.image.json() : std::string("null"));
            line += ",\"changesKnown\":" + std::string(changes ? "true" : "false");
            if (changes && changes->baseVersion)
                line += ",\"changesSince\":" + jsonStringOrNull(h.version(*changes->baseVersion).record.sequenceNumber);
            line += ",\"changes\":" + (changes ? model::changesToJson(changes->changes) : std::string("[]")) + "}";
            write(line);
        }
        write("\n]}\n");
        return ExitOk;
    }
    write(terminalSafe(loaded->tableName) + "  " + terminalSafe(loaded->key.displayText) + "  ("
          + std::to_string(h.size()) + " version" + (h.size() == 1 ? "" : "s") + ", ordered by "
          + std::string(model::orderingText(h.ordering())) + ")\n");
    for (std::size_t i = 0; i < h.size(); ++i) {
        const model::Version& v = h.version(i);
        write("#" + std::to_string(i + 1) + "  " + versionLabel(v) + "\n");
        const auto changes = h.changes(i);
        if (!changes) {
            write(std::string("    state ")
                  + (v.stateKnown() ? stateText(v.state) : "unknown (no image in this view type)") + "\n");
            continue;
        }
        if (changes->changes.empty())
            write("    no attribute changes\n");
        for (const auto& c : changes->changes)
            write("    " + terminalSafe(model::changeToText(c)) + "\n");
    }
    return ExitOk;
}

int runDiff(const QStringList& arguments)
{
    const QString command = QStringLiteral("diff");
    QCommandLineParser parser;
    setupParser(parser, command,
                QStringLiteral("Show the changes between two versions of an item (by sequence number or event ID)."));
    const QCommandLineOption from(QStringLiteral("from"), QStringLiteral("The earlier version's sequence number."),
                                  QStringLiteral("SEQ"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("The later version's sequence number."),
                                QStringLiteral("SEQ"));
    parser.addOptions({storeOption(), tableOption(), keyOption(), from, to, jsonOption()});
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    if (!parser.isSet(from) || !parser.isSet(to))
        return usageError(command, QStringLiteral("--from SEQ and --to SEQ are required"));
    auto store = openSelectedStore(parser, command, storage::Database::OpenMode::ReadOnly, code);
    if (!store)
        return code;
    auto loaded = requireHistory(*store, parser, command, code);
    if (!loaded)
        return code;
    const model::ItemHistory& h = loaded->history;
    const auto a = h.find(parser.value(from).toStdString());
    const auto b = h.find(parser.value(to).toStdString());
    if (!a || !b)
        return usageError(command,
                          QStringLiteral("this item has no version with sequence number or event ID %1")
                              .arg(!a ? parser.value(from) : parser.value(to)));
    const model::Version& va = h.version(*a);
    const model::Version& vb = h.version(*b);
    const auto changes = model::diffVersions(va, vb);
    if (!changes)
        return usageError(command,
                          QStringLiteral("the item's state after %1 is unknown (the stream's view type carries no "
                                         "image for it), so it cannot be compared")
                              .arg(shown(!va.stateKnown() ? va.record.sequenceNumber : vb.record.sequenceNumber)));
    if (parser.isSet(jsonOption())) {
        const auto side = [](const model::Version& v) {
            return "{\"sequenceNumber\":" + jsonStringOrNull(v.record.sequenceNumber)
                + ",\"eventID\":" + jsonStringOrNull(v.record.eventId) + ",\"eventName\":\""
                + std::string(model::eventNameText(v.record.eventName)) + "\",\"state\":\"" + stateText(v.state)
                + "\"}";
        };
        write("{\"table\":" + model::jsontext::quoted(loaded->tableName) + ",\"key\":" + loaded->key.canonicalKeys
              + ",\"from\":" + side(va) + ",\"to\":" + side(vb) + ",\"changes\":" + model::changesToJson(*changes)
              + "}\n");
        return ExitOk;
    }
    write(terminalSafe(loaded->tableName) + "  " + terminalSafe(loaded->key.displayText) + "\nfrom " + versionLabel(va)
          + "\nto   " + versionLabel(vb) + "\n");
    if (changes->empty())
        write("no changes\n");
    for (const auto& c : *changes)
        write("  " + terminalSafe(model::changeToText(c)) + "\n");
    return ExitOk;
}

int runState(const QStringList& arguments)
{
    const QString command = QStringLiteral("state");
    QCommandLineParser parser;
    setupParser(parser, command,
                QStringLiteral("Show every item of a table as it was at a point in time (its last known state at or "
                               "before that time)."));
    const QCommandLineOption at(QStringLiteral("at"),
                                QStringLiteral("The time: ISO-8601 (UTC unless an offset is given), e.g. "
                                               "2023-11-14T22:15:00Z, or epoch seconds."),
                                QStringLiteral("ISO-TIME"));
    parser.addOptions({storeOption(), tableOption(), at, jsonOption()});
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    if (!parser.isSet(at))
        return usageError(command, QStringLiteral("--at ISO-TIME is required"));
    const QString atText = parser.value(at).trimmed();
    std::int64_t micros = 0;
    bool isNumber = false;
    const double seconds = atText.toDouble(&isNumber);
    if (isNumber) {
        micros = static_cast<std::int64_t>(seconds * 1e6);
    } else {
        QDateTime dt = QDateTime::fromString(atText, Qt::ISODateWithMs);
        if (!dt.isValid())
            return usageError(command,
                              QStringLiteral("cannot read the time '%1' (use ISO-8601 such as "
                                             "2023-11-14T22:15:00Z, or epoch seconds)")
                                  .arg(atText));
        if (dt.timeSpec() == Qt::LocalTime)
            dt.setTimeZone(QTimeZone::utc());
        micros = dt.toMSecsSinceEpoch() * 1000;
    }
    auto store = openSelectedStore(parser, command, storage::Database::OpenMode::ReadOnly, code);
    if (!store)
        return code;
    auto table = requireTable(*store, parser, command, code);
    if (!table)
        return code;
    auto state = storage::stateAt(*store, table->id, micros);
    if (!state)
        return storeError(command, state.error());
    if (parser.isSet(jsonOption())) {
        const auto entry = [](const storage::ItemAtTime& item, bool withImage) {
            const model::Version& v = item.version;
            return "{\"key\":" + item.key.canonicalKeys + ",\"sequenceNumber\":"
                + jsonStringOrNull(v.record.sequenceNumber) + ",\"eventID\":" + jsonStringOrNull(v.record.eventId)
                + ",\"eventName\":\"" + std::string(model::eventNameText(v.record.eventName))
                + "\",\"approximateCreationDateTime\":" + jsonTime(v.record.creationTimeMicros)
                + (withImage ? ",\"image\":" + v.image.json() : std::string()) + "}";
        };
        write("{\"table\":" + model::jsontext::quoted(table->name) + ",\"at\":\"" + isoTime(micros) + "\",\"items\":[");
        for (std::size_t i = 0; i < state->items.size(); ++i)
            write((i ? ",\n" : "\n") + entry(state->items[i], true));
        write("\n],\"unknown\":[");
        for (std::size_t i = 0; i < state->unknown.size(); ++i)
            write((i ? ",\n" : "\n") + entry(state->unknown[i], false));
        write("\n],\"counts\":{\"items\":" + std::to_string(state->items.size())
              + ",\"unknown\":" + std::to_string(state->unknown.size()) + ",\"absent\":" + std::to_string(state->absent)
              + ",\"notYetSeen\":" + std::to_string(state->notYetSeen) + "}}\n");
        return ExitOk;
    }
    write(terminalSafe(table->name) + " at " + isoTime(micros) + ": " + std::to_string(state->items.size()) + " item"
          + (state->items.size() == 1 ? "" : "s") + ", " + std::to_string(state->unknown.size())
          + " with unknown image, " + std::to_string(state->absent) + " removed, " + std::to_string(state->notYetSeen)
          + " not seen yet\n");
    for (const auto& item : state->items)
        write(terminalSafe(item.key.displayText) + "  (" + versionLabel(item.version) + ")\n    "
              + terminalSafe(model::toPlainJson(item.version.image.item())) + "\n");
    for (const auto& item : state->unknown)
        write(terminalSafe(item.key.displayText) + "  (" + versionLabel(item.version) + ")  image unknown\n");
    return ExitOk;
}

} // namespace cli

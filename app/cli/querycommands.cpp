// streamscope keys | history | diff | state: read-only queries over a store, with --json output.
// JSON is written by hand (model helpers) so DynamoDB JSON values and images stay exactly as delivered.

#include <QDateTime>
#include <QTimeZone>
#include <algorithm>
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
#include "model/sequencenumber.h"
#include "storage/delivery/deliveryreader.h"
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
    if (v.record.compacted && v.record.windowFromMicros)
        s += "  (compacted export window from " + isoTime(*v.record.windowFromMicros)
            + ": net change, writes in between not exported)";
    else if (v.record.compacted)
        s += "  (compacted export window: net change, writes in between not exported)";
    return s;
}

const QCommandLineOption& whereOption()
{
    static const QCommandLineOption o(QStringLiteral("where"),
                                      QStringLiteral("Only records matching this display filter, e.g. "
                                                     "'NewImage.status == \"SHIPPED\"' (README: Display filters)."),
                                      QStringLiteral("EXPR"));
    return o;
}

/// Records of `filter` (a table, a key, or everything) the display filter `where` holds for, counted per key id;
/// their ids in `recordIds` when given. Reads the records one page at a time.
storage::Result<std::map<std::int64_t, std::int64_t>> matchingRecords(storage::Store& store,
                                                                      const storage::RecordFilter& filter,
                                                                      const std::string& where,
                                                                      std::vector<std::int64_t>* recordIds = nullptr)
{
    storage::RecordSelection selection;
    selection.filter = filter;
    selection.where = where;
    auto reader = storage::DeliveryReader::open(store, selection);
    if (!reader)
        return reader.error();
    std::map<std::int64_t, std::int64_t> perKey;
    for (;;) {
        auto next = reader->next();
        if (!next)
            return next.error();
        if (!*next)
            break;
        ++perKey[(*next)->row.keyId];
        if (recordIds)
            recordIds->push_back((*next)->row.id);
    }
    return perKey;
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
    parser.addOptions({storeOption(), tableOption(), filter, whereOption(), jsonOption()});
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    std::string where;
    if (!whereFromOption(parser, command, where, code))
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
    // With --where: only keys with a matching record, and how many of their records match.
    std::optional<std::map<std::int64_t, std::int64_t>> matching;
    if (!where.empty()) {
        storage::RecordFilter scope;
        scope.tableId = query.tableId;
        auto counted = matchingRecords(*store, scope, where);
        if (!counted)
            return storeError(command, counted.error());
        matching = std::move(*counted);
    }
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
            std::int64_t matched = 0;
            if (matching) {
                const auto m = matching->find(k.id);
                if (m == matching->end())
                    continue;
                matched = m->second;
            }
            if (json) {
                std::string line = count ? ",\n" : "\n";
                line += "{\"table\":" + model::jsontext::quoted(table) + ",\"key\":" + k.canonicalKeys + ",\"keyText\":"
                    + model::jsontext::quoted(k.displayText) + ",\"records\":" + std::to_string(k.recordCount)
                    + (matching ? ",\"matchingRecords\":" + std::to_string(matched) : std::string()) + ",\"firstTime\":"
                    + jsonTime(k.firstTimeMicros) + ",\"lastTime\":" + jsonTime(k.lastTimeMicros) + "}";
                write(line);
            } else {
                write(terminalSafe(table) + "  " + terminalSafe(k.displayText) + "  " + std::to_string(k.recordCount)
                      + " record" + (k.recordCount == 1 ? "" : "s")
                      + (matching ? " (" + std::to_string(matched) + " matching)" : std::string())
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

namespace {

std::string versionJson(const storage::StreamedVersion& s, std::optional<std::size_t> number,
                        const std::string& provenanceJson)
{
    const model::Version& v = s.version;
    const auto& changes = s.changes;
    std::string line = (number ? "{\"version\":" + std::to_string(*number) + "," : std::string("{")) + "\"recordId\":"
        + std::to_string(v.record.id) + ",\"sequenceNumber\":" + jsonStringOrNull(v.record.sequenceNumber)
        + ",\"eventID\":" + jsonStringOrNull(v.record.eventId) + ",\"eventName\":\""
        + std::string(model::eventNameText(v.record.eventName)) + "\",\"approximateCreationDateTime\":"
        + jsonTime(v.record.creationTimeMicros) + ",\"ttl\":" + (v.record.ttl ? "true" : "false") + ",\"compacted\":"
        + (v.record.compacted ? "true" : "false") + ",\"compactedWindowFrom\":" + jsonTime(v.record.windowFromMicros)
        + ",\"state\":\"" + stateText(v.state) + "\",\"imageKnown\":" + (v.stateKnown() ? "true" : "false")
        + ",\"image\":" + (v.state == model::StateKind::Present ? v.image.json() : std::string("null"));
    line += ",\"provenance\":" + provenanceJson;
    line += ",\"changesKnown\":" + std::string(changes ? "true" : "false");
    if (changes && s.base)
        line += ",\"changesSince\":" + jsonStringOrNull(s.base->record.sequenceNumber);
    line += ",\"changes\":" + (changes ? model::changesToJson(changes->changes) : std::string("[]")) + "}";
    return line;
}

std::string versionText(const storage::StreamedVersion& s)
{
    const model::Version& v = s.version;
    std::string text = "#" + std::to_string(s.index + 1) + "  " + versionLabel(v) + "\n";
    if (!s.changes)
        return text + "    state " + (v.stateKnown() ? stateText(v.state) : "unknown (no image in this view type)")
            + "\n";
    if (s.changes->changes.empty())
        text += "    no attribute changes\n";
    for (const auto& c : s.changes->changes)
        text += "    " + terminalSafe(model::changeToText(c)) + "\n";
    return text;
}

} // namespace

int runHistory(const QStringList& arguments)
{
    const QString command = QStringLiteral("history");
    QCommandLineParser parser;
    setupParser(parser, command,
                QStringLiteral("Show every version of one item with its changes against the previous known state."));
    parser.addOptions({storeOption(), tableOption(), keyOption(), whereOption(), jsonOption()});
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    std::string where;
    if (!whereFromOption(parser, command, where, code))
        return code;
    auto store = openSelectedStore(parser, command, storage::Database::OpenMode::ReadOnly, code);
    if (!store)
        return code;
    auto table = requireTable(*store, parser, command, code);
    if (!table)
        return code;
    if (!parser.isSet(keyOption()))
        return usageError(command, QStringLiteral("--key KEYS is required"));
    auto key = storage::resolveKey(*store, table->id, parser.value(keyOption()).toStdString());
    if (!key)
        return storeError(command, key.error());
    // With --where: only the versions whose record matches (numbered and diffed as in the whole history).
    std::vector<std::int64_t> shownIds;
    if (!where.empty()) {
        storage::RecordFilter scope;
        scope.tableId = table->id;
        scope.keyId = key->id;
        auto counted = matchingRecords(*store, scope, where, &shownIds);
        if (!counted)
            return storeError(command, counted.error());
        std::sort(shownIds.begin(), shownIds.end());
    }
    const auto shown = [&](const model::Version& v) {
        return where.empty() || std::binary_search(shownIds.begin(), shownIds.end(), v.record.id);
    };
    // Versions are printed as they are read (storage::forEachVersion): one huge key never sits in memory whole.
    const bool json = parser.isSet(jsonOption());
    bool started = false;
    bool firstShown = true;
    std::optional<storage::Error> provenanceError;
    auto error = storage::forEachVersion(
        *store, key->id,
        [&](const storage::VersionWalk& walk) {
            started = true;
            if (json) {
                std::string head = "{\"table\":" + model::jsontext::quoted(walk.tableName)
                    + ",\"key\":" + walk.key.canonicalKeys + ",\"ordering\":\""
                    + std::string(model::orderingText(walk.ordering)) + "\"";
                if (!where.empty())
                    head += ",\"where\":" + model::jsontext::quoted(where)
                        + ",\"totalVersions\":" + std::to_string(walk.versions);
                write(head + ",\"versions\":[");
            } else {
                write(terminalSafe(walk.tableName) + "  " + terminalSafe(walk.key.displayText) + "  ("
                      + std::to_string(walk.versions) + " version" + (walk.versions == 1 ? "" : "s") + ", ordered by "
                      + std::string(model::orderingText(walk.ordering))
                      + (where.empty() ? std::string()
                                       : "; " + std::to_string(shownIds.size()) + " matching " + terminalSafe(where))
                      + ")\n");
            }
            return true;
        },
        [&](const storage::StreamedVersion& v) {
            if (!shown(v.version))
                return true;
            if (json) {
                // Where a record read from a log was logged (issue 20); null for records from capture files.
                auto provenance = store->recordProvenance(v.version.record.id);
                if (!provenance) { // said as the store's error, never printed as "not from a log"
                    provenanceError = provenance.error();
                    return false;
                }
                write((firstShown ? "\n" : ",\n")
                      + versionJson(v, where.empty() ? std::nullopt : std::optional<std::size_t>(v.index + 1),
                                    provenance->empty() ? std::string("null") : *provenance));
            } else {
                write(versionText(v));
            }
            firstShown = false;
            return true;
        });
    if (!error && provenanceError)
        error = std::move(provenanceError);
    if (error) {
        if (started)
            write("\n"); // end the partial output's line; the error goes to stderr
        return storeError(command, *error);
    }
    if (json)
        write("\n]}\n");
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
    auto table = requireTable(*store, parser, command, code);
    if (!table)
        return code;
    if (!parser.isSet(keyOption()))
        return usageError(command, QStringLiteral("--key KEYS is required"));
    auto key = storage::resolveKey(*store, table->id, parser.value(keyOption()).toStdString());
    if (!key)
        return storeError(command, key.error());
    // One streamed walk keeps the candidates only (ItemHistory::find's rule: the first version with that sequence
    // number, else the first with that event ID), never the whole history.
    const std::string texts[2] = {parser.value(from).toStdString(), parser.value(to).toStdString()};
    std::optional<model::Version> bySequence[2];
    std::optional<model::Version> byEventId[2];
    storage::VersionWalk walk;
    auto error = storage::forEachVersion(
        *store, key->id,
        [&](const storage::VersionWalk& w) {
            walk = w;
            return true;
        },
        [&](const storage::StreamedVersion& s) {
            const auto& r = s.version.record;
            for (int i = 0; i < 2; ++i) {
                if (!bySequence[i] && !r.sequenceNumber.empty() && model::isSequenceNumber(texts[i])
                    && model::isSequenceNumber(r.sequenceNumber)
                    && model::compareSequenceNumbers(r.sequenceNumber, texts[i]) == 0)
                    bySequence[i] = s.version;
                if (!byEventId[i] && !r.eventId.empty() && r.eventId == texts[i])
                    byEventId[i] = s.version;
            }
            return true;
        });
    if (error)
        return storeError(command, *error);
    const auto& a = bySequence[0] ? bySequence[0] : byEventId[0];
    const auto& b = bySequence[1] ? bySequence[1] : byEventId[1];
    if (!a || !b)
        return usageError(command,
                          QStringLiteral("this item has no version with sequence number or event ID %1")
                              .arg(!a ? parser.value(from) : parser.value(to)));
    const model::Version& va = *a;
    const model::Version& vb = *b;
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
        write("{\"table\":" + model::jsontext::quoted(walk.tableName) + ",\"key\":" + walk.key.canonicalKeys
              + ",\"from\":" + side(va) + ",\"to\":" + side(vb) + ",\"changes\":" + model::changesToJson(*changes)
              + "}\n");
        return ExitOk;
    }
    write(terminalSafe(walk.tableName) + "  " + terminalSafe(walk.key.displayText) + "\nfrom " + versionLabel(va)
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
    // Items are printed as they are read (storage::forEachItemAt, key order), the counts at the end.
    const std::string atIso = isoTime(micros);
    if (parser.isSet(jsonOption())) {
        const auto entry = [](const storage::ItemAtTime& item, bool withImage) {
            const model::Version& v = item.version;
            return "{\"key\":" + item.key.canonicalKeys + ",\"sequenceNumber\":"
                + jsonStringOrNull(v.record.sequenceNumber) + ",\"eventID\":" + jsonStringOrNull(v.record.eventId)
                + ",\"eventName\":\"" + std::string(model::eventNameText(v.record.eventName))
                + "\",\"approximateCreationDateTime\":" + jsonTime(v.record.creationTimeMicros)
                + (withImage ? ",\"image\":" + v.image.json() : std::string()) + "}";
        };
        write("{\"table\":" + model::jsontext::quoted(table->name) + ",\"at\":\"" + atIso + "\",\"items\":[");
        std::int64_t n = 0;
        auto counts = storage::forEachItemAt(
            *store, table->id, micros,
            [&](const storage::ItemAtTime& item) {
                write((n++ ? ",\n" : "\n") + entry(item, true));
                return true;
            },
            storage::StateItems::Present);
        if (!counts) {
            write("\n");
            return storeError(command, counts.error());
        }
        write("\n],\"unknown\":[");
        if (counts->unknown > 0) {
            // A second walk (keys only, images not read twice) keeps the arrays streamed: none is held.
            n = 0;
            auto second = storage::forEachItemAt(
                *store, table->id, micros,
                [&](const storage::ItemAtTime& item) {
                    write((n++ ? ",\n" : "\n") + entry(item, false));
                    return true;
                },
                storage::StateItems::Unknown);
            if (!second) {
                write("\n");
                return storeError(command, second.error());
            }
        }
        write("\n],\"counts\":{\"items\":" + std::to_string(counts->items)
              + ",\"unknown\":" + std::to_string(counts->unknown) + ",\"absent\":" + std::to_string(counts->absent)
              + ",\"notYetSeen\":" + std::to_string(counts->notYetSeen) + "}}\n");
        return ExitOk;
    }
    write(terminalSafe(table->name) + " at " + atIso + ":\n");
    auto counts = storage::forEachItemAt(*store, table->id, micros, [&](const storage::ItemAtTime& item) {
        if (item.version.state == model::StateKind::Present)
            write(terminalSafe(item.key.displayText) + "  (" + versionLabel(item.version) + ")\n    "
                  + terminalSafe(model::toPlainJson(item.version.image.item())) + "\n");
        else
            write(terminalSafe(item.key.displayText) + "  (" + versionLabel(item.version) + ")  image unknown\n");
        return true;
    });
    if (!counts)
        return storeError(command, counts.error());
    write(std::to_string(counts->items) + " item" + (counts->items == 1 ? "" : "s") + ", "
          + std::to_string(counts->unknown) + " with unknown image, " + std::to_string(counts->absent) + " removed, "
          + std::to_string(counts->notYetSeen) + " not seen yet\n");
    return ExitOk;
}

} // namespace cli

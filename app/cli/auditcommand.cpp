// streamscope audit: the store's findings, streamed as they are found (bounded memory whatever the store), the
// kinds that fire on most records grouped by cause (model::FindingGrouper) unless --records lists them one by one.

#include <algorithm>
#include <map>

#include "app/cli/clicommon.h"
#include "app/cli/commands.h"
#include "app/cli/exitcodes.h"
#include "app/cli/interrupt.h"
#include "app/cli/selectionoptions.h"
#include "model/dynamodbjson.h"
#include "model/jsontext.h"
#include "storage/history/auditscan.h"
#include "storage/history/findingstore.h"
#include "storage/history/keytext.h"

namespace cli {

namespace {

enum class Output { Text, Json, JsonLines };

struct AuditFilter
{
    model::Severity minimum = model::Severity::Info;
    std::vector<model::FindingKind> kinds; ///< empty = every kind
    std::string path;                      ///< "" = any
    std::optional<model::JsNumberRisk> risk;

    /// The path itself or anything under it (a group's path is the top-level attribute).
    bool pathMatches(const std::string& p) const
    {
        return path.empty() || p == path || (p.starts_with(path) && p.size() > path.size() && p[path.size()] == '/');
    }

    bool pathAndRiskMatch(const model::Finding& f) const
    {
        if (!f.jsNumbers.empty()) {
            for (const auto& n : f.jsNumbers) {
                if (pathMatches(n.path) && (!risk || n.risk == *risk))
                    return true;
            }
            return false;
        }
        return pathMatches(f.path) && (!risk || (f.jsRisk && *f.jsRisk == *risk));
    }

    bool keeps(const model::Finding& f) const
    {
        if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), f.kind) == kinds.end())
            return false;
        return pathAndRiskMatch(f);
    }

    /// Severity is judged after grouping: a group's severity is its risk's (a record's is its worst number's).
    bool severe(const model::Finding& f) const { return static_cast<int>(f.severity) <= static_cast<int>(minimum); }
};

/// Writes findings as they come and counts them per kind.
class FindingPrinter
{
public:
    explicit FindingPrinter(Output output)
        : m_output(output)
    {
        if (m_output == Output::Json)
            writeOut("{\"findings\":[");
    }

    void print(const model::Finding& f)
    {
        ++m_counts[std::string(model::findingKindText(f.kind))];
        m_records[std::string(model::findingKindText(f.kind))] += f.grouped ? f.affectedRecords : 1;
        ++m_shown;
        if (m_output != Output::Text) {
            // One line per finding: Keys as delivered may be pretty-printed; write them compact (values exact).
            std::string json;
            if (f.keyJson.find_first_of("\n\r") != std::string::npos) {
                if (auto keys = model::parseItem(f.keyJson)) {
                    model::Finding compact = f;
                    compact.keyJson = model::canonicalJson(*keys.value);
                    json = model::findingToJson(compact);
                }
            }
            if (json.empty())
                json = model::findingToJson(f);
            writeOut(m_output == Output::Json ? (m_shown > 1 ? ",\n" : "\n") + json : json + "\n");
            return;
        }
        std::string key = f.keyJson;
        if (auto decoded = model::parseItem(f.keyJson))
            key = model::keyDisplayText(*decoded.value);
        std::string where;
        if (f.grouped)
            where = "  " + std::to_string(f.affectedRecords) + (f.affectedRecords == 1 ? " record" : " records")
                + (f.path.empty() ? std::string() : "  path " + terminalSafe(f.path))
                + (f.jsRisk ? "  " + std::string(model::jsRiskText(*f.jsRisk)) : std::string());
        else if (!f.sequenceNumber.empty())
            where = "  " + terminalSafe(key) + "  seq " + terminalSafe(f.sequenceNumber);
        else
            where = key.empty() ? std::string() : "  " + terminalSafe(key);
        writeOut(std::string(model::severityText(f.severity)) + "  " + std::string(model::findingKindText(f.kind))
                 + "  " + terminalSafe(f.table) + where + "\n    " + terminalSafe(f.message) + "\n");
    }

    /// `from`: "store" (the stored findings) or "audit" (computed now); `how` says it for people.
    void finish(const storage::AuditReport& report, std::string_view from, const std::string& how)
    {
        if (m_output == Output::JsonLines)
            return;
        if (m_output == Output::Json) {
            std::string c = "\n],\"counts\":" + countsJson(m_counts) + ",\"recordCounts\":" + countsJson(m_records)
                + ",\"keys\":" + std::to_string(report.keys) + ",\"records\":" + std::to_string(report.records)
                + ",\"findingsFrom\":" + model::jsontext::quoted(from) + "}\n";
            writeOut(c);
            return;
        }
        writeOut("Audited " + std::to_string(report.records) + " records of " + std::to_string(report.keys)
                 + " keys: " + std::to_string(m_shown) + " finding" + (m_shown == 1 ? "" : "s") + " (" + how + ")\n");
        for (const auto& [kind, n] : m_counts) {
            const std::int64_t records = m_records[kind];
            writeOut("  " + kind + ": " + std::to_string(n)
                     + (records != n ? " (" + std::to_string(records) + " records)" : std::string()) + "\n");
        }
    }

private:
    static std::string countsJson(const std::map<std::string, std::int64_t>& counts)
    {
        std::string c = "{";
        for (const auto& [kind, n] : counts)
            c += (c.size() > 1 ? "," : "") + model::jsontext::quoted(kind) + ":" + std::to_string(n);
        return c + "}";
    }

    Output m_output;
    std::int64_t m_shown = 0;
    std::map<std::string, std::int64_t> m_counts;
    std::map<std::string, std::int64_t> m_records;
};

QCommandLineOption option(const char* name, const char* description, const char* value = nullptr)
{
    return value
        ? QCommandLineOption(QString::fromLatin1(name), QString::fromUtf8(description), QString::fromLatin1(value))
        : QCommandLineOption(QString::fromLatin1(name), QString::fromUtf8(description));
}

/// --severity, --kind, --path, --risk into `filter`; false after printing a usage error.
bool readFilter(const QCommandLineParser& parser, const QString& command, AuditFilter& filter, int& code)
{
    if (parser.isSet(QStringLiteral("severity"))) {
        auto s = model::parseSeverity(parser.value(QStringLiteral("severity")).toLower().toStdString());
        if (!s) {
            code = usageError(command, QStringLiteral("--severity must be error, warning or info"));
            return false;
        }
        filter.minimum = *s;
    }
    for (const QString& list : parser.values(QStringLiteral("kind"))) {
        for (const QString& k : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            auto kind = model::parseFindingKind(k.trimmed().toStdString());
            if (!kind) {
                code = usageError(command,
                                  QStringLiteral("unknown finding kind '%1' (README: Audit kinds)")
                                      .arg(shown(k.trimmed().toStdString())));
                return false;
            }
            filter.kinds.push_back(*kind);
        }
    }
    filter.path = parser.value(QStringLiteral("path")).toStdString();
    if (parser.isSet(QStringLiteral("risk"))) {
        const std::string risk = parser.value(QStringLiteral("risk")).toStdString();
        for (auto r : {model::JsNumberRisk::BigInt, model::JsNumberRisk::ThrowsNonInteger,
                       model::JsNumberRisk::ThrowsInfinity, model::JsNumberRisk::RoundsSilently}) {
            if (model::jsRiskText(r) == risk)
                filter.risk = r;
        }
        if (!filter.risk) {
            code = usageError(command,
                              QStringLiteral("--risk must be bigint, throws-non-integer, throws-infinity or "
                                             "rounds-silently"));
            return false;
        }
    }
    return true;
}

void addAuditOptions(QCommandLineParser& parser)
{
    parser.addOptions({
        option("store", "The store file to read.", "FILE"),
        option("table", "Only this table.", "TABLE"),
        option("key",
               "Only this item (needs --table): its Keys as DynamoDB JSON or Name=value. Reads that key's records "
               "only; reused-event-id then compares the key's own records.",
               "KEYS"),
        option("severity", "Only findings at least this severe: error, warning or info (default info = all).", "LEVEL"),
        option("kind", "Only these kinds (repeatable or comma-separated, e.g. gap,duplicate; README: Audit kinds).",
               "KIND"),
        option("path", "Only findings about this attribute path or anything under it (JSON Pointer, e.g. /price).",
               "PATH"),
        option("risk",
               "js-unsafe-number: only this risk (bigint, throws-non-integer, throws-infinity, "
               "rounds-silently).",
               "RISK"),
        option("records",
               "One finding per record instead of one per group (lists the records of a group: combine "
               "with --kind, --table, --path, --risk)."),
        option("no-value-checks",
               "Skip invalid-value / js-unsafe-number / key-mismatch checks (recomputes; the stored findings have "
               "them)."),
        option("fresh",
               "Audit the store now instead of reading the findings kept in it (they are read when current: "
               "nothing imported since `import` or --update wrote them). Nothing is written."),
        option("update",
               "Bring the findings kept in the store up to date first when they are not (only the keys of records "
               "imported since are audited again; a store without them is audited in full), then print them. "
               "Writes the store."),
        option("json", "Print JSON: {\"findings\":[…],\"counts\":…}, the array written as findings are found."),
        option("jsonl", "Print JSON Lines: one finding per line, as found."),
    });
}

/// How the findings were come by, for people ("stored findings, …") and for --json ("store" / "audit").
struct Provenance
{
    std::string from = "audit";
    std::string how = "computed now";
};

/// The findings kept in the store to `sink` when they are current, or when `update` brings them up to date (only the
/// keys of records imported since are audited again; this writes the store). nullopt, with the reason in
/// `provenance.how`, when they are not used; a failure to read them is `failure`.
std::optional<storage::AuditReport> storedFindings(storage::Store& store, const storage::StoredFindingFilter& filter,
                                                   bool update, const model::FindingSink& sink, Provenance& provenance,
                                                   std::optional<storage::Error>& failure)
{
    auto status = storage::findingsStatus(store);
    if (!status) {
        failure = status.error();
        return std::nullopt;
    }
    if (!status->supported) {
        provenance.how = "computed now: this store's version keeps no findings; open it once read-write (e.g. "
                         "import into it) to upgrade it";
        return std::nullopt;
    }
    storage::FindingsCoverage coverage;
    std::string how = "the findings kept in the store";
    if (status->current) {
        coverage = *status->stored;
    } else if (!update) {
        provenance.how = status->stored ? "computed now: the findings kept in the store are older than the last "
                                          "import; --update brings them up to date"
                                        : "computed now: the store keeps no findings yet; --update stores them";
        return std::nullopt;
    } else {
        auto updated = storage::updateStoredFindings(store, [](std::int64_t) { return interruptSignal() == 0; });
        if (!updated) {
            failure = updated.error();
            return std::nullopt;
        }
        if (!updated->complete) {
            failure = storage::Error{storage::Error::Kind::Interrupted, 0,
                                     "interrupted: the findings kept in the store were left as they were"};
            return std::nullopt;
        }
        coverage = updated->coverage;
        how = updated->full ? "audited in full and kept in the store"
                            : "the findings kept in the store, brought up to date: "
                + std::to_string(updated->keysAudited) + " keys with new records audited again";
    }
    if (auto error = storage::forEachStoredFinding(store, filter, sink)) {
        failure = *error;
        return std::nullopt;
    }
    provenance.from = "store";
    provenance.how = how + "; --fresh recomputes";
    storage::AuditReport report;
    report.keys = coverage.keys;
    report.records = coverage.records;
    return report;
}

} // namespace

int runAudit(const QStringList& arguments)
{
    const QString command = QStringLiteral("audit");
    QCommandLineParser parser;
    setupParser(parser, command,
                QStringLiteral("Check a capture for gaps, duplicates, conflicts, out-of-order delivery, TTL deletes "
                               "and risky values. Findings are printed as they are found; kinds that fire on most "
                               "records (js-unsafe-number, invalid-value, ttl-remove, orphan-start, duplicate) are "
                               "printed once per cause with a record count at the end. Exit code 0 even with "
                               "findings."));
    addAuditOptions(parser);
    int code = ExitOk;
    if (!parseOrExit(parser, arguments, command, code))
        return code;
    AuditFilter filter;
    if (!readFilter(parser, command, filter, code))
        return code;
    if (parser.isSet(QStringLiteral("json")) && parser.isSet(QStringLiteral("jsonl")))
        return usageError(command, QStringLiteral("--json and --jsonl exclude each other"));
    if (parser.isSet(QStringLiteral("key")) && !parser.isSet(QStringLiteral("table")))
        return usageError(command, QStringLiteral("--key needs --table"));
    if (parser.isSet(QStringLiteral("fresh")) && parser.isSet(QStringLiteral("update")))
        return usageError(command, QStringLiteral("--fresh and --update exclude each other"));
    auto store = openSelectedStore(parser, command, storage::Database::OpenMode::ReadOnly, code);
    if (!store)
        return code;
    storage::AuditRequest request;
    std::string tableName;
    if (parser.isSet(QStringLiteral("table"))) {
        auto table = storage::resolveTable(*store, parser.value(QStringLiteral("table")).toStdString());
        if (!table)
            return reportStorageError(command, table.error());
        request.tableId = table->id;
        tableName = table->name;
    }
    std::optional<std::int64_t> keyId;
    std::int64_t keyRecords = 0;
    if (parser.isSet(QStringLiteral("key"))) {
        auto key = storage::resolveKey(*store, *request.tableId, parser.value(QStringLiteral("key")).toStdString());
        if (!key)
            return reportStorageError(command, key.error());
        keyId = key->id;
        keyRecords = key->recordCount;
    }
    request.options.valueChecks = !parser.isSet(QStringLiteral("no-value-checks"));
    const Output output = parser.isSet(QStringLiteral("json")) ? Output::Json
        : parser.isSet(QStringLiteral("jsonl"))                ? Output::JsonLines
                                                               : Output::Text;

    FindingPrinter printer(output);
    const model::FindingSink print = [&](model::Finding&& f) {
        if (filter.severe(f))
            printer.print(f);
    };
    model::FindingGrouper grouper(print);
    const bool grouping = !parser.isSet(QStringLiteral("records"));
    request.onFinding = [&](model::Finding&& f) {
        if (!filter.keeps(f))
            return;
        if (grouping)
            grouper.add(std::move(f));
        else
            print(std::move(f));
    };
    storage::AuditReport report;
    Provenance provenance;
    const bool canUseStored = !keyId && request.options.valueChecks && !parser.isSet(QStringLiteral("fresh"));
    std::optional<storage::AuditReport> stored;
    std::optional<InterruptScope> interrupts; // --update: Ctrl+C stops it, the kept findings left as they were
    if (canUseStored && parser.isSet(QStringLiteral("update")))
        interrupts.emplace();
    if (canUseStored) {
        storage::StoredFindingFilter storedFilter;
        if (request.tableId)
            storedFilter.table = tableName;
        storedFilter.kinds = filter.kinds;
        std::optional<storage::Error> failure;
        stored = storedFindings(*store, storedFilter, parser.isSet(QStringLiteral("update")), request.onFinding,
                                provenance, failure);
        if (failure)
            return reportStorageError(command, *failure);
    } else if (parser.isSet(QStringLiteral("fresh"))) {
        provenance.how = "computed now (--fresh)";
    }
    if (stored) {
        report = *stored;
    } else if (keyId) {
        auto findings = storage::auditKey(*store, *keyId, request.options);
        if (!findings)
            return reportStorageError(command, findings.error());
        for (auto& f : *findings)
            request.onFinding(std::move(f));
        report.keys = 1;
        report.records = keyRecords;
    } else {
        auto done = storage::runAudit(*store, request);
        if (!done)
            return reportStorageError(command, done.error());
        report = std::move(*done);
    }
    grouper.finish();
    printer.finish(report, provenance.from, provenance.how);
    return ExitOk;
}

} // namespace cli

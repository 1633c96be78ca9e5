#pragma once

// Stream audit ("Expert Info" for DynamoDB stream captures): per-key continuity, delivery and value checks.
//
// Feed it one key's records in history order (model::orderRecords / the store's key history), plus the store's
// duplicate and conflict lists; it collects Findings:
//
//   model::Auditor auditor;
//   store.forEachKeyHistory(..., [&](auto& h) { auditor.addKey(records(h), ordering(h)); return true; });
//   for (d : store.duplicates()) auditor.addDuplicate(...);
//   std::vector<model::Finding> findings = auditor.takeFindings();
//
// Continuity checks use what each view type carries (see docs in auditKey()):
// - existence (from event names, every view type): INSERT while the item exists -> insert-over-existing;
//   MODIFY / REMOVE while it is absent -> modify-after-remove / remove-of-absent (records are missing);
// - images (NEW_AND_OLD_IMAGES, or any record with an OldImage after a record with a NewImage): an OldImage that
//   differs from the state the previous record left -> gap, with the diff.
// A key's first record being a MODIFY/REMOVE is orphan-start (info): the capture began mid-history.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/attributediff.h"
#include "model/decimal.h"
#include "model/itemhistory.h"

namespace model {

enum class FindingKind : std::uint8_t {
    Gap,
    Duplicate,
    Conflict,
    OrphanStart,
    InsertOverExisting,
    ModifyAfterRemove,
    RemoveOfAbsent,
    TtlRemove,
    OutOfOrderArrival,
    TimeRegression,
    KeyMismatch,
    InvalidValue,
    JsUnsafeNumber,
    ReusedEventId,
    MixedViewTypes, ///< one stream whose records carry several StreamViewTypes (no key: the stream)
};
inline constexpr int kFindingKindCount = 15;

/// "gap", "duplicate", "conflict", "orphan-start", "insert-over-existing", "modify-after-remove",
/// "remove-of-absent", "ttl-remove", "out-of-order-arrival", "time-regression", "key-mismatch", "invalid-value",
/// "js-unsafe-number", "reused-event-id", "mixed-view-types".
std::string_view findingKindText(FindingKind kind);
std::optional<FindingKind> parseFindingKind(std::string_view text);

enum class Severity : std::uint8_t { Error = 0, Warning = 1, Info = 2 };
std::string_view severityText(Severity severity); // "error", "warning", "info"
std::optional<Severity> parseSeverity(std::string_view text);
/// The severity each kind is reported with (js-unsafe-number: see findingSeverity).
Severity defaultSeverity(FindingKind kind);
/// What a JavaScript risk breaks: throws-non-integer / throws-infinity make a JavaScript handler throw on the record
/// (Lambda retries the batch until the record expires: the shard is blocked) -> error; rounds-silently changes the
/// value the handler sees -> warning; bigint is exact but JSON.stringify rejects it -> info.
Severity jsRiskSeverity(JsNumberRisk risk);

struct Finding
{
    FindingKind kind = FindingKind::Gap;
    Severity severity = Severity::Error;
    std::string table;
    std::string keyJson;        ///< DynamoDB JSON of the Keys
    std::int64_t keyId = 0;     ///< store key id (0 when not from a store)
    std::int64_t recordId = 0;  ///< the record it points at (store id; 0 when not stored)
    std::string sequenceNumber; ///< of that record ("" when none)
    std::string eventId;
    std::string message; ///< for people
    /// gap: changes from the state the previous record left to this record's OldImage (what the missing records
    /// did). Empty for other kinds.
    std::vector<AttributeChange> diff;
    std::string path;                          ///< invalid-value / js-unsafe-number / key-mismatch: JSON Pointer
    std::optional<JsNumberRisk> jsRisk;        ///< js-unsafe-number: which risk applies
    std::optional<std::int64_t> otherRecordId; ///< the record it relates to (earlier delivery, other version, ...)
    std::string otherSequenceNumber;
    /// out-of-order-arrival (one finding per key): how many of the key's records arrived late; the finding points
    /// at the first of them in history order, other* at the record it arrived after. 0 for other kinds.
    std::int64_t affectedRecords = 0;
    /// out-of-order-arrival: the ids of all those late records, in history order (for selecting them, e.g. an
    /// export of flagged records); not in findingToJson. Empty for other kinds.
    std::vector<std::int64_t> affectedRecordIds;
    /// js-unsafe-number: every number of the record with a risk ("Keys" / "NewImage" / "OldImage" / "Item", JSON
    /// Pointer, risk). Not in findingToJson (the message lists the first three).
    struct JsNumber
    {
        std::string where;
        std::string path;
        JsNumberRisk risk = JsNumberRisk::None;
        std::string reason;
    };
    std::vector<JsNumber> jsNumbers;
    /// duplicate: the file the copy was found in (for grouping; "" when unknown).
    std::string source;
    /// A FindingGrouper group (one cause, many records): affectedRecords records; recordId, sequenceNumber, key and
    /// eventId are those of the first record of the group.
    bool grouped = false;
};

/// `{"kind","severity","table","key":{…},"sequenceNumber","eventID","message", "recordId", "path"?, "risk"?,
/// "affectedRecords"?, "relatedSequenceNumber"?, "diff"?: [changes]}` (JSON text; "key" is DynamoDB JSON, null
/// values omitted).
std::string findingToJson(const Finding& finding);
/// `{…, "grouped":true, "affectedRecords":N}` for a group (see Finding::grouped).
/// "invalid" | "bigint" | "throws-non-integer" | "throws-infinity" | "rounds-silently" | "none".
std::string_view jsRiskText(JsNumberRisk risk);

struct AuditOptions
{
    bool valueChecks = true; ///< invalid-value / js-unsafe-number / key-mismatch (decodes changed attributes)
    /// reused-event-id: keeps every event ID seen (memory grows with the records). The store's audit turns this
    /// off in its Auditor and asks the store instead (storage/history/auditscan.cpp, bounded memory).
    bool checkEventIds = true;
};

/// Receives each finding as soon as it is known (instead of collecting them).
using FindingSink = std::function<void(Finding&&)>;

/// A delivery the store saw more than once (see storage DuplicateRow), or a conflicting copy (ConflictRow).
struct DeliveryInfo
{
    std::string table;
    std::string keyJson;
    std::int64_t keyId = 0;
    std::int64_t recordId = 0; ///< the stored record
    std::string sequenceNumber;
    std::string eventId;
    std::string where;  ///< where the copy was found, for the message ("batch-000012.json record 3")
    std::string source; ///< the file of `where` ("batch-000012.json"), for grouping
};

class Auditor
{
public:
    explicit Auditor(AuditOptions options = {});
    ~Auditor();
    Auditor(Auditor&&) noexcept;
    Auditor& operator=(Auditor&&) noexcept;

    /// One key's records in history order (all of the same table and Keys). `keyId` is the store's key id.
    /// `valueFindingsDone`: the result of valueFindings(records) computed elsewhere (e.g. by another Auditor on
    /// another thread); its findings are taken (moved) instead of running the value checks here.
    void addKey(std::span<const HistoryRecord> records, Ordering ordering, std::int64_t keyId = 0,
                std::vector<std::vector<Finding>>* valueFindingsDone = nullptr);
    /// The value checks of one key's records (invalid-value, key-mismatch, js-unsafe-number — the expensive part of
    /// addKey), per record, exactly as addKey reports them (key id still 0; addKey sets it). Independent of any
    /// other state of this Auditor, so a second Auditor with the same options may run it on another thread.
    std::vector<std::vector<Finding>> valueFindings(std::span<const HistoryRecord> records);
    /// A redelivery of a stored record (one finding per redelivery).
    void addDuplicate(const DeliveryInfo& duplicate);
    /// A copy with the same stream + sequence number but different content. `conflictKeyJson` is the key of the
    /// conflicting copy (may differ from the stored one's).
    void addConflict(const DeliveryInfo& conflict, std::string_view conflictEventId, std::string_view difference);

    /// From now on every finding goes to `sink` as soon as it is known instead of into findings() (the audit then
    /// holds no findings: bounded memory whatever the capture). An empty sink collects again.
    void setSink(FindingSink sink) { m_sink = std::move(sink); }

    const std::vector<Finding>& findings() const { return m_findings; }
    std::vector<Finding> takeFindings();

private:
    void add(Finding finding);
    void beginValueChecks(std::span<const HistoryRecord> records);
    void valueChecks(const HistoryRecord& r, Image& lastChecked);
    void checkValues(const HistoryRecord& r, const Image& image, const char* which, const Image* previous);
    void checkKeys(const HistoryRecord& r, const Image& image, const char* which);
    void checkEventId(const HistoryRecord& r);
    /// js-unsafe-number: one finding per record whose Keys, NewImage or OldImage hold any number with a JavaScript
    /// risk (every value, changed or not: a consumer unmarshalls whole images).
    void checkJsNumbers(const HistoryRecord& r);

    AuditOptions m_options;
    FindingSink m_sink;
    std::int64_t m_keyId = 0; ///< the key addKey() is auditing (0 outside addKey)
    std::vector<Finding> m_findings;
    std::vector<Finding>* m_out = nullptr; ///< where add() puts findings (nullptr: m_findings)
    struct EventIds; ///< every event ID seen so far, with its first record (flat hash table + text arena; audit.cpp)
    std::unique_ptr<EventIds> m_eventIds;
    std::vector<std::pair<std::string, std::string>> m_keyTexts; ///< current key: name -> DynamoDB JSON text
    struct JsState; ///< the current key's risky key numbers and a per-image-text cache (audit.cpp)
    std::unique_ptr<JsState> m_js;
};

/// In-memory audit of whole captures (no store): `records` in arrival order, any tables and keys, duplicates and
/// conflicts included (same stream ARN + sequence number: identical content = duplicate, else conflict; without
/// a sequence number: same event ID and content = duplicate). Used by tests and for small captures.
std::vector<Finding> auditRecords(std::vector<HistoryRecord> records, AuditOptions options = {});

/// Groups the kinds that fire on most records, so the problems stay visible: findings go in one by one (e.g. from
/// Auditor::setSink); kinds that are not grouped are passed on at once, grouped ones are counted per cause and
/// passed on by finish() as one finding each (Finding::grouped, affectedRecords = records, first record as the
/// example). Memory: one finding per group, whatever the number of records.
///
///   js-unsafe-number   per table x top-level attribute x risk (a record with numbers under two attributes counts
///                      in both; nested map keys and list indexes differ per item, the first record's full path is
///                      in the message)
///   invalid-value      per table x top-level attribute
///   ttl-remove         per table
///   orphan-start       per table
///   duplicate          per table x file the copies were found in
class FindingGrouper
{
public:
    explicit FindingGrouper(FindingSink next);
    ~FindingGrouper();
    FindingGrouper(const FindingGrouper&) = delete;
    FindingGrouper& operator=(const FindingGrouper&) = delete;

    static bool groupedKind(FindingKind kind);
    void add(Finding&& finding);
    /// Passes on one finding per group (in the order the groups were first seen) and forgets them.
    void finish();
    std::size_t groupCount() const;

private:
    struct Groups;
    FindingSink m_next;
    std::unique_ptr<Groups> m_groups;
};

/// Counts per kind text.
std::map<std::string, std::int64_t> countFindings(const std::vector<Finding>& findings);

/// Short text of how two records with the same identity differ ("eventName INSERT vs REMOVE; NewImage differs: ...").
std::string describeContentDifference(const HistoryRecord& a, const HistoryRecord& b);

/// True when two records carry the same content (event name, Keys, images by value; eventID and ttl flag too).
bool sameContent(const HistoryRecord& a, const HistoryRecord& b);

} // namespace model

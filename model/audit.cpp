#include "model/audit.h"

#include <algorithm>
#include <array>

#include "model/base64.h"
#include "model/dynamodbjson.h"
#include "model/jsontext.h"

namespace model {

namespace {

constexpr std::array<std::string_view, kFindingKindCount> kKindNames{
    "gap",
    "duplicate",
    "conflict",
    "orphan-start",
    "insert-over-existing",
    "modify-after-remove",
    "remove-of-absent",
    "ttl-remove",
    "out-of-order-arrival",
    "time-regression",
    "key-mismatch",
    "invalid-value",
    "js-unsafe-number",
    "reused-event-id",
    "mixed-view-types",
};

std::string seqText(const HistoryRecord& r)
{
    if (!r.sequenceNumber.empty())
        return "sequence " + r.sequenceNumber;
    if (!r.eventId.empty())
        return "event " + r.eventId;
    return "record #" + std::to_string(r.arrival);
}

std::string describeRecord(const HistoryRecord& r)
{
    return std::string(eventNameText(r.eventName)) + " (" + seqText(r) + ")";
}

std::string summariseChanges(const std::vector<AttributeChange>& changes, std::size_t max = 3)
{
    std::string out;
    for (std::size_t i = 0; i < changes.size() && i < max; ++i) {
        if (i)
            out += "; ";
        out += changeToText(changes[i], 40);
    }
    if (changes.size() > max)
        out += "; … (" + std::to_string(changes.size() - max) + " more)";
    return out;
}

/// Fast checks of one top-level member's text: true when it certainly has no value issue (plain S, BOOL,
/// NULL true). N values are handled by the caller.
bool certainlyClean(std::string_view text)
{
    return text.starts_with("{\"S\":") || text == "{\"BOOL\":true}" || text == "{\"BOOL\":false}"
        || text == "{\"NULL\":true}";
}

/// `{"N":"123.5"}` -> "123.5" (no escapes inside); nullopt for anything else.
std::optional<std::string_view> plainNumberText(std::string_view text)
{
    constexpr std::string_view prefix = "{\"N\":\"";
    if (!text.starts_with(prefix) || !text.ends_with("\"}"))
        return std::nullopt;
    std::string_view n = text.substr(prefix.size(), text.size() - prefix.size() - 2);
    if (n.find_first_of("\"\\") != std::string_view::npos)
        return std::nullopt;
    return n;
}

/// Both images have text and it is the same.
bool sameText(const Image& a, const Image& b)
{
    return !a.isNull() && !b.isNull() && a.hasText() && b.hasText() && a.json() == b.json();
}

} // namespace

std::string_view findingKindText(FindingKind kind)
{
    return kKindNames[static_cast<std::size_t>(kind)];
}

std::optional<FindingKind> parseFindingKind(std::string_view text)
{
    for (std::size_t i = 0; i < kKindNames.size(); ++i) {
        if (kKindNames[i] == text)
            return static_cast<FindingKind>(i);
    }
    return std::nullopt;
}

std::string_view severityText(Severity severity)
{
    switch (severity) {
    case Severity::Error:
        return "error";
    case Severity::Warning:
        return "warning";
    case Severity::Info:
        return "info";
    }
    return "info";
}

std::optional<Severity> parseSeverity(std::string_view text)
{
    if (text == "error")
        return Severity::Error;
    if (text == "warning")
        return Severity::Warning;
    if (text == "info")
        return Severity::Info;
    return std::nullopt;
}

Severity defaultSeverity(FindingKind kind)
{
    switch (kind) {
    case FindingKind::Gap:
    case FindingKind::Conflict:
    case FindingKind::InsertOverExisting:
    case FindingKind::ModifyAfterRemove:
    case FindingKind::RemoveOfAbsent:
    case FindingKind::KeyMismatch:
        return Severity::Error;
    case FindingKind::Duplicate:
    case FindingKind::OutOfOrderArrival:
    case FindingKind::TimeRegression:
    case FindingKind::InvalidValue:
    case FindingKind::JsUnsafeNumber:
    case FindingKind::ReusedEventId:
    case FindingKind::MixedViewTypes:
        return Severity::Warning;
    case FindingKind::OrphanStart:
    case FindingKind::TtlRemove:
        return Severity::Info;
    }
    return Severity::Warning;
}

Severity jsRiskSeverity(JsNumberRisk risk)
{
    switch (risk) {
    case JsNumberRisk::ThrowsNonInteger:
    case JsNumberRisk::ThrowsInfinity:
        return Severity::Error;
    case JsNumberRisk::RoundsSilently:
        return Severity::Warning;
    case JsNumberRisk::BigInt:
    case JsNumberRisk::None:
        break;
    }
    return Severity::Info;
}

std::string_view jsRiskText(JsNumberRisk risk)
{
    switch (risk) {
    case JsNumberRisk::None:
        return "none";
    case JsNumberRisk::BigInt:
        return "bigint";
    case JsNumberRisk::ThrowsNonInteger:
        return "throws-non-integer";
    case JsNumberRisk::ThrowsInfinity:
        return "throws-infinity";
    case JsNumberRisk::RoundsSilently:
        return "rounds-silently";
    }
    return "none";
}

std::string findingToJson(const Finding& f)
{
    std::string out = "{\"kind\":\"";
    out += findingKindText(f.kind);
    out += "\",\"severity\":\"";
    out += severityText(f.severity);
    out += "\",\"table\":";
    jsontext::appendQuoted(out, f.table);
    out += ",\"key\":";
    out += f.keyJson.empty() ? std::string("null") : f.keyJson;
    out += ",\"sequenceNumber\":";
    out += f.sequenceNumber.empty() ? std::string("null") : jsontext::quoted(f.sequenceNumber);
    out += ",\"eventID\":";
    out += f.eventId.empty() ? std::string("null") : jsontext::quoted(f.eventId);
    out += ",\"message\":";
    jsontext::appendQuoted(out, f.message);
    if (f.recordId) {
        out += ",\"recordId\":";
        out += std::to_string(f.recordId);
    }
    if (!f.path.empty() || f.kind == FindingKind::InvalidValue || f.kind == FindingKind::JsUnsafeNumber) {
        out += ",\"path\":";
        jsontext::appendQuoted(out, f.path);
    }
    if (f.jsRisk) {
        out += ",\"risk\":\"";
        out += jsRiskText(*f.jsRisk);
        out += "\"";
    }
    if (f.grouped)
        out += ",\"grouped\":true";
    if (f.affectedRecords > 0) {
        out += ",\"affectedRecords\":";
        out += std::to_string(f.affectedRecords);
    }
    if (!f.otherSequenceNumber.empty()) {
        out += ",\"relatedSequenceNumber\":";
        jsontext::appendQuoted(out, f.otherSequenceNumber);
    }
    if (f.kind == FindingKind::Gap) {
        out += ",\"diff\":";
        out += changesToJson(f.diff);
    }
    out += "}";
    return out;
}

Auditor::Auditor(AuditOptions options)
    : m_options(options)
{
}

std::vector<Finding> Auditor::takeFindings()
{
    std::vector<Finding> out = std::move(m_findings);
    m_findings.clear();
    return out;
}

void Auditor::add(Finding finding)
{
    finding.severity = finding.kind == FindingKind::JsUnsafeNumber && finding.jsRisk ? jsRiskSeverity(*finding.jsRisk)
                                                                                     : defaultSeverity(finding.kind);
    if (m_out) {
        m_out->push_back(std::move(finding));
        return;
    }
    if (finding.keyId == 0)
        finding.keyId = m_keyId;
    if (m_sink)
        m_sink(std::move(finding));
    else
        m_findings.push_back(std::move(finding));
}

namespace {

Finding findingFor(FindingKind kind, const HistoryRecord& r, std::int64_t keyId, std::string message)
{
    Finding f;
    f.kind = kind;
    f.table = r.table;
    f.keyJson = r.keysJson;
    f.keyId = keyId;
    f.recordId = r.id;
    f.sequenceNumber = r.sequenceNumber;
    f.eventId = r.eventId;
    f.message = std::move(message);
    return f;
}

} // namespace

namespace audit_detail {
struct ValueProblem
{
    FindingKind kind;
    std::string path;
    std::string reason;
    std::optional<JsNumberRisk> risk;
};
} // namespace audit_detail

namespace {

using audit_detail::ValueProblem;

/// invalid-value problems of one number (JavaScript risks are reported per record by checkJsNumbers()).
void numberProblems(std::string_view text, const std::string& path, std::vector<ValueProblem>& out)
{
    const NumberProblem p = checkNumber(text);
    if (p != NumberProblem::None)
        out.push_back({FindingKind::InvalidValue, path, describe(p, text), std::nullopt});
}

void jsRisks(const AttributeValue& v, const std::string& path, std::vector<ValueProblem>& out)
{
    switch (v.type()) {
    case AttributeType::N: {
        const JsNumberRisk risk = jsNumberRisk(v.text());
        if (risk != JsNumberRisk::None)
            out.push_back({FindingKind::JsUnsafeNumber, path, describe(risk, v.text()), risk});
        break;
    }
    case AttributeType::NS:
        for (const auto& m : v.members()) {
            const JsNumberRisk risk = jsNumberRisk(m);
            if (risk != JsNumberRisk::None)
                out.push_back({FindingKind::JsUnsafeNumber, path, "set member " + m + ": " + describe(risk, m), risk});
        }
        break;
    case AttributeType::M:
        for (const auto& [name, child] : v.map())
            jsRisks(child, path + "/" + escapePointerToken(name), out);
        break;
    case AttributeType::L:
        for (std::size_t i = 0; i < v.list().size(); ++i)
            jsRisks(v.list()[i], path + "/" + std::to_string(i), out);
        break;
    default:
        break;
    }
}

/// invalid-value problems of a decoded value (JavaScript risks are reported per record by checkJsNumbers()).
void valueProblems(const AttributeValue& v, const std::string& path, std::vector<ValueProblem>& out)
{
    for (auto& issue : validate(v, path, 1)) {
        if (issue.kind == ValueIssue::Kind::JsUnsafeNumber)
            continue;
        out.push_back({FindingKind::InvalidValue, issue.path,
                       std::string(issueKindName(issue.kind)) + ": " + issue.reason, std::nullopt});
    }
}

/// Text-only pre-check of a nested value (M/L) without decoding: true when it certainly has no invalid value, i.e.
/// it holds no binary, set or NULL false, is not deeply nested, and every `{"N":"…"}` inside is a valid number
/// (JavaScript risks are checkJsNumbers()' business). These patterns cannot occur inside JSON strings, where quotes
/// are escaped, so a plain substring search is exact. Anything else is decoded and validated in full.
/// True when the JSON text has no whitespace outside strings, so every type tag is written `{"TAG":` and the text
/// checks below see all of them (pretty-printed images are decoded instead).
bool compactJson(std::string_view text)
{
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            return false;
        }
    }
    return true;
}

bool onlyCleanNumbers(std::string_view text)
{
    if (text.size() > 4096 || !compactJson(text))
        return false;
    // One pass over every `{"` (a type tag, or a map member's name, which at worst makes this answer "not
    // certain"): no binary or set, no NULL false, fewer than 30 M/L, every number plain and valid.
    int depth = 0;
    for (std::size_t i = text.find("{\""); i != std::string_view::npos; i = text.find("{\"", i + 2)) {
        const std::size_t tagStart = i + 2;
        const std::size_t tagEnd = text.find('"', tagStart);
        if (tagEnd == std::string_view::npos || tagEnd + 1 >= text.size() || text[tagEnd + 1] != ':')
            continue; // not `{"name":` (cannot happen in well-formed text; the decoder would judge)
        const std::string_view tag = text.substr(tagStart, tagEnd - tagStart);
        if (tag == "B" || tag == "SS" || tag == "NS" || tag == "BS")
            return false;
        if (tag == "NULL") {
            if (text.substr(tagEnd + 2, 5) == "false")
                return false;
        } else if (tag == "M" || tag == "L") {
            if (++depth >= 30)
                return false;
        } else if (tag == "N") {
            const std::size_t start = tagEnd + 2;
            if (start >= text.size() || text[start] != '"')
                return false; // {"N":1} style: let the decoder handle it
            const std::size_t end = text.find('"', start + 1);
            if (end == std::string_view::npos)
                return false;
            const std::string_view number = text.substr(start + 1, end - start - 1);
            if (number.find('\\') != std::string_view::npos || checkNumber(number) != NumberProblem::None)
                return false;
        }
    }
    return true;
}

/// `{"B":"…"}` with valid base64 (text only): true when certainly valid.
bool cleanBinary(std::string_view text)
{
    constexpr std::string_view prefix = "{\"B\":\"";
    if (!text.starts_with(prefix) || !text.ends_with("\"}"))
        return false;
    const std::string_view b64 = text.substr(prefix.size(), text.size() - prefix.size() - 2);
    return b64.find_first_of("\"\\") == std::string_view::npos && base64Decode(b64).has_value();
}

/// The members of a set `{"NS":[…]}` / `{"BS":[…]}` given as plain strings (no escapes); nullopt otherwise.
std::optional<std::vector<std::string_view>> plainSetMembers(std::string_view text, std::string_view tag)
{
    const std::string prefix = "{\"" + std::string(tag) + "\":[";
    if (!text.starts_with(prefix) || !text.ends_with("]}"))
        return std::nullopt;
    const std::string_view body = text.substr(prefix.size(), text.size() - prefix.size() - 2);
    std::vector<std::string_view> members;
    std::size_t i = 0;
    while (i < body.size()) {
        if (body[i] != '"')
            return std::nullopt;
        const std::size_t end = body.find('"', i + 1);
        if (end == std::string_view::npos)
            return std::nullopt;
        const std::string_view member = body.substr(i + 1, end - i - 1);
        if (member.find('\\') != std::string_view::npos)
            return std::nullopt;
        members.push_back(member);
        i = end + 1;
        if (i == body.size())
            break;
        if (body[i] != ',' || i + 1 == body.size())
            return std::nullopt;
        ++i;
    }
    return members;
}

/// A number or binary set whose members are all valid and distinct (numerically / by decoded bytes), text only.
bool cleanNumberOrBinarySet(std::string_view text)
{
    const bool numbers = text.starts_with("{\"NS\":");
    if (!numbers && !text.starts_with("{\"BS\":"))
        return false;
    const auto members = plainSetMembers(text, numbers ? "NS" : "BS");
    if (!members || members->empty() || members->size() > 1000)
        return false;
    std::vector<std::string> normalised;
    normalised.reserve(members->size());
    for (const std::string_view m : *members) {
        if (numbers) {
            if (checkNumber(m) != NumberProblem::None)
                return false;
            const std::optional<Decimal> d = Decimal::parse(m);
            if (!d)
                return false;
            normalised.push_back(d->canonical());
        } else {
            auto bytes = base64Decode(m);
            if (!bytes)
                return false;
            normalised.push_back(std::move(*bytes));
        }
    }
    std::sort(normalised.begin(), normalised.end());
    return std::adjacent_find(normalised.begin(), normalised.end()) == normalised.end();
}

/// Text-only check of a string set `{"SS":["a","b"]}` whose members need no unescaping (no backslash, only
/// printable ASCII, so the text is the value): true when it is certainly valid — not empty, no duplicates.
bool cleanStringSet(std::string_view text)
{
    constexpr std::string_view prefix = "{\"SS\":[";
    if (!text.starts_with(prefix) || !text.ends_with("]}") || text.size() > 4096)
        return false;
    std::string_view body = text.substr(prefix.size(), text.size() - prefix.size() - 2);
    std::vector<std::string_view> members;
    std::size_t i = 0;
    while (i < body.size()) {
        if (body[i] != '"')
            return false;
        const std::size_t end = body.find('"', i + 1);
        if (end == std::string_view::npos)
            return false;
        const std::string_view member = body.substr(i + 1, end - i - 1);
        for (const char c : member) {
            if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
                return false;
        }
        members.push_back(member);
        i = end + 1;
        if (i == body.size())
            break;
        if (body[i] != ',')
            return false;
        ++i;
        if (i == body.size())
            return false; // trailing comma
    }
    if (members.empty())
        return false;
    std::sort(members.begin(), members.end());
    return std::adjacent_find(members.begin(), members.end()) == members.end();
}

void memberProblems(std::string_view name, std::string_view text, std::vector<ValueProblem>& out)
{
    if (certainlyClean(text) || cleanStringSet(text) || cleanBinary(text) || cleanNumberOrBinarySet(text))
        return;
    const std::string path = "/" + escapePointerToken(name);
    if (auto n = plainNumberText(text)) {
        numberProblems(*n, path, out);
        return;
    }
    if (onlyCleanNumbers(text))
        return;
    auto decoded = parseAttributeValue(text);
    if (!decoded) {
        out.push_back({FindingKind::InvalidValue, path, "undecodable: " + decoded.error.message, std::nullopt});
        return;
    }
    valueProblems(*decoded.value, path, out);
}

/// Rank of a risk for picking the finding's headline risk: what makes a consumer throw first.
int riskRank(JsNumberRisk risk)
{
    switch (risk) {
    case JsNumberRisk::ThrowsInfinity:
        return 4;
    case JsNumberRisk::ThrowsNonInteger:
        return 3;
    case JsNumberRisk::BigInt:
        return 2;
    case JsNumberRisk::RoundsSilently:
        return 1;
    case JsNumberRisk::None:
        break;
    }
    return 0;
}

/// Text-only: true when a nested member's text certainly holds no number with a JavaScript risk (every
/// `{"N":"…"}` is a plain, risk-free number and there is no number set). Else it is decoded.
bool noRiskyNumbers(std::string_view text)
{
    if (text.find("\"NS\":") != std::string_view::npos || !compactJson(text))
        return false;
    constexpr std::string_view n = "{\"N\":";
    for (std::size_t i = text.find(n); i != std::string_view::npos; i = text.find(n, i + 1)) {
        const std::size_t start = i + n.size();
        if (start >= text.size() || text[start] != '"')
            return false;
        const std::size_t end = text.find('"', start + 1);
        if (end == std::string_view::npos)
            return false;
        const std::string_view number = text.substr(start + 1, end - start - 1);
        if (number.find('\\') != std::string_view::npos || jsNumberRisk(number) != JsNumberRisk::None)
            return false;
    }
    return true;
}

void memberJsRisks(std::string_view name, std::string_view text, std::vector<ValueProblem>& out)
{
    if (certainlyClean(text))
        return;
    if (auto n = plainNumberText(text)) {
        const JsNumberRisk risk = jsNumberRisk(*n);
        if (risk != JsNumberRisk::None)
            out.push_back({FindingKind::JsUnsafeNumber, "/" + escapePointerToken(name), describe(risk, *n), risk});
        return;
    }
    if (noRiskyNumbers(text))
        return;
    auto decoded = parseAttributeValue(text);
    if (decoded)
        jsRisks(*decoded.value, "/" + escapePointerToken(name), out);
    // undecodable members are reported as invalid-value by checkValues()
}

/// Every number with a JavaScript risk in an image without top-level members (made from an Item, or text that
/// could not be split).
std::vector<ValueProblem> decodedImageJsRisks(const Image& image)
{
    std::vector<ValueProblem> out;
    if (!image.decodeError()) {
        for (const auto& [name, value] : image.item())
            jsRisks(value, "/" + escapePointerToken(name), out);
    }
    return out;
}

} // namespace

struct Auditor::JsState
{
    std::vector<ValueProblem> keyRisks; ///< the current key's numbers with a risk (same value in every record)

    struct MemberRisks
    {
        std::string_view name; ///< views into Entry::image's members
        std::string_view text;
        std::vector<ValueProblem> risks;
    };
    struct Entry
    {
        Image image; ///< shares the record's image (no copy of its text); keeps the member views valid
        std::vector<ValueProblem> risks;
        std::vector<MemberRisks> members; ///< per top-level member (sorted by name); empty if not split
    };
    std::array<Entry, 2> entries; ///< the last image texts checked (round robin)
    std::size_t next = 0;
    std::size_t latest = 0; ///< the entry written last

    /// The risky numbers of an image, in member (name) order. Images repeat (an OldImage is usually the previous
    /// record's NewImage): the result for an identical text is reused. A new image is scanned member by member, and
    /// a member with the same name and text as in the image scanned last reuses that member's result, so only the
    /// attributes that changed are scanned.
    std::vector<ValueProblem> lookup(const Image& image)
    {
        if (!image.hasText())
            return decodedImageJsRisks(image);
        const std::string& text = image.json();
        for (auto& e : entries) {
            if (e.image.isNull())
                continue;
            const std::string& cached = e.image.json();
            if (&cached == &text || (cached.size() == text.size() && cached == text))
                return e.risks;
        }
        const auto* members = image.members(); // split only when the text is new
        if (!members)
            return decodedImageJsRisks(image);
        Entry scanned;
        scanned.image = image;
        scanned.members.reserve(members->size());
        const std::vector<MemberRisks>& base = entries[latest].members;
        auto ib = base.begin();
        for (const auto& m : *members) {
            MemberRisks mr{m.name, m.text, {}};
            while (ib != base.end() && ib->name < mr.name)
                ++ib;
            if (ib != base.end() && ib->name == mr.name && ib->text == mr.text)
                mr.risks = ib->risks;
            else
                memberJsRisks(m.name, m.text, mr.risks);
            scanned.risks.insert(scanned.risks.end(), mr.risks.begin(), mr.risks.end());
            scanned.members.push_back(std::move(mr));
        }
        latest = next;
        next = (next + 1) % entries.size();
        entries[latest] = std::move(scanned);
        return entries[latest].risks;
    }
};

Auditor::~Auditor() = default;
Auditor::Auditor(Auditor&&) noexcept = default;
Auditor& Auditor::operator=(Auditor&&) noexcept = default;

void Auditor::checkJsNumbers(const HistoryRecord& r)
{
    const std::vector<ValueProblem>& keyRisks = m_js->keyRisks;
    struct Hit
    {
        const char* where;
        const ValueProblem* problem;
    };
    std::vector<Hit> hits;
    hits.reserve(keyRisks.size());
    for (const auto& p : keyRisks)
        hits.push_back({"Keys", &p});
    const char* newName = r.eventName == EventName::Snapshot ? "Item" : "NewImage";
    std::vector<ValueProblem> newRisks, oldRisks;
    if (!r.newImage.isNull())
        newRisks = m_js->lookup(r.newImage);
    if (!r.oldImage.isNull())
        oldRisks = m_js->lookup(r.oldImage);
    for (const auto& p : newRisks)
        hits.push_back({newName, &p});
    for (const auto& p : oldRisks)
        hits.push_back({"OldImage", &p});
    if (hits.empty())
        return;
    const ValueProblem* worst = hits.front().problem;
    for (const auto& h : hits) {
        if (riskRank(*h.problem->risk) > riskRank(*worst->risk))
            worst = h.problem;
    }
    constexpr std::size_t kListed = 3;
    std::string message = std::to_string(hits.size()) + (hits.size() == 1 ? " number" : " numbers")
        + " a JavaScript handler cannot hold exactly: ";
    for (std::size_t i = 0; i < hits.size() && i < kListed; ++i) {
        if (i)
            message += "; ";
        message += std::string(hits[i].where) + " " + hits[i].problem->path + " ("
            + std::string(jsRiskText(*hits[i].problem->risk)) + "): " + hits[i].problem->reason;
    }
    if (hits.size() > kListed)
        message += "; and " + std::to_string(hits.size() - kListed) + " more";
    Finding f = findingFor(FindingKind::JsUnsafeNumber, r, 0, std::move(message));
    f.path = hits.front().problem->path;
    f.jsRisk = worst->risk;
    f.jsNumbers.reserve(hits.size());
    for (const auto& h : hits)
        f.jsNumbers.push_back({h.where, h.problem->path, *h.problem->risk, h.problem->reason});
    add(std::move(f));
}

void Auditor::checkKeys(const HistoryRecord& r, const Image& image, const char* which)
{
    const Item& item = image.item();
    if (image.decodeError())
        return;
    for (const auto& [name, value] : r.keys) {
        auto it = item.find(name);
        if (it == item.end()) {
            Finding f = findingFor(FindingKind::KeyMismatch, r, 0,
                                   std::string(which) + " lacks the key attribute " + name + " that Keys has ("
                                       + toDynamoJson(value) + ")");
            f.path = "/" + escapePointerToken(name);
            add(std::move(f));
        } else if (it->second != value) {
            Finding f = findingFor(FindingKind::KeyMismatch, r, 0,
                                   std::string(which) + " has " + name + " = " + toDynamoJson(it->second)
                                       + " but Keys has " + toDynamoJson(value));
            f.path = "/" + escapePointerToken(name);
            add(std::move(f));
        }
    }
}

void Auditor::checkValues(const HistoryRecord& r, const Image& image, const char* which, const Image* previous)
{
    // The same text as the image checked just before (e.g. an OldImage equal to the previous NewImage): nothing new.
    if (previous && !previous->isNull() && previous->hasText() && image.hasText() && previous->json() == image.json())
        return;
    std::vector<ValueProblem> problems;
    bool keysChecked = false;
    if (const auto* members = image.members()) {
        const std::vector<ImageMember>* before = previous && !previous->isNull() ? previous->members() : nullptr;
        auto ib = before ? before->begin() : std::vector<ImageMember>::const_iterator();
        for (const auto& m : *members) {
            if (before) {
                while (ib != before->end() && ib->name < m.name)
                    ++ib;
                if (ib != before->end() && ib->name == m.name && ib->text == m.text)
                    continue; // unchanged since the previous image: already checked there
            }
            memberProblems(m.name, m.text, problems);
        }
        // Keys: compare the members' text with the Keys' DynamoDB JSON first; decode only when it differs.
        bool allSame = true;
        for (const auto& [name, text] : m_keyTexts) {
            auto it = std::lower_bound(members->begin(), members->end(), name,
                                       [](const ImageMember& x, const std::string& n) { return x.name < n; });
            if (it == members->end() || it->name != name) {
                allSame = false;
                break;
            }
            if (it->text == text)
                continue;
            auto v = parseAttributeValue(it->text);
            auto k = r.keys.find(name);
            if (!v || k == r.keys.end() || *v.value != k->second) {
                allSame = false;
                break;
            }
        }
        keysChecked = allSame;
    } else {
        const Item& item = image.item();
        if (auto error = image.decodeError()) {
            problems.push_back(
                {FindingKind::InvalidValue, "", std::string(which) + " undecodable: " + *error, std::nullopt});
            keysChecked = true;
        } else {
            for (const auto& [name, value] : item)
                valueProblems(value, "/" + escapePointerToken(name), problems);
        }
    }
    if (!keysChecked)
        checkKeys(r, image, which);
    for (auto& p : problems) {
        if (p.kind == FindingKind::JsUnsafeNumber)
            continue; // reported once per record, for every value, by checkJsNumbers()
        std::string message =
            std::string(which) + " " + (p.path.empty() ? std::string("(item)") : p.path) + ": " + p.reason;
        Finding f = findingFor(p.kind, r, 0, std::move(message));
        f.path = std::move(p.path);
        f.jsRisk = p.risk;
        add(std::move(f));
    }
}

/// Event IDs seen so far (one per stored record: hundreds of thousands in a big audit): an open-addressing table of
/// indexes into `entries`, the texts in one arena — no allocation per record.
struct Auditor::EventIds
{
    struct Entry
    {
        std::size_t hash = 0;
        std::size_t idOffset = 0;
        std::size_t idLength = 0;
        std::size_t seqOffset = 0;
        std::size_t seqLength = 0;
        std::int64_t recordId = 0;
    };
    std::string arena;
    std::vector<Entry> entries;
    std::vector<std::uint32_t> slots; ///< entry index + 1; 0 = empty; size is a power of two

    std::string_view text(std::size_t offset, std::size_t length) const
    {
        return std::string_view(arena).substr(offset, length);
    }

    void grow()
    {
        std::vector<std::uint32_t> bigger(slots.empty() ? 1024 : slots.size() * 2, 0);
        const std::size_t mask = bigger.size() - 1;
        for (std::size_t e = 0; e < entries.size(); ++e) {
            std::size_t i = entries[e].hash & mask;
            while (bigger[i] != 0)
                i = (i + 1) & mask;
            bigger[i] = static_cast<std::uint32_t>(e + 1);
        }
        slots = std::move(bigger);
    }

    /// The first use of `eventId`, or nullptr after recording this one as the first.
    const Entry* findOrAdd(std::string_view eventId, std::int64_t recordId, std::string_view sequenceNumber)
    {
        if ((entries.size() + 1) * 2 > slots.size())
            grow();
        const std::size_t hash = std::hash<std::string_view>{}(eventId);
        const std::size_t mask = slots.size() - 1;
        std::size_t i = hash & mask;
        while (slots[i] != 0) {
            const Entry& e = entries[slots[i] - 1];
            if (e.hash == hash && text(e.idOffset, e.idLength) == eventId)
                return &e;
            i = (i + 1) & mask;
        }
        Entry e;
        e.hash = hash;
        e.idOffset = arena.size();
        e.idLength = eventId.size();
        arena.append(eventId);
        e.seqOffset = arena.size();
        e.seqLength = sequenceNumber.size();
        arena.append(sequenceNumber);
        e.recordId = recordId;
        entries.push_back(e);
        slots[i] = static_cast<std::uint32_t>(entries.size());
        return nullptr;
    }
};

void Auditor::checkEventId(const HistoryRecord& r)
{
    if (r.eventId.empty() || !m_options.checkEventIds)
        return;
    if (!m_eventIds)
        m_eventIds = std::make_unique<EventIds>();
    const EventIds::Entry* first = m_eventIds->findOrAdd(r.eventId, r.id, r.sequenceNumber);
    if (!first || first->recordId == r.id)
        return;
    const std::string firstSequence(m_eventIds->text(first->seqOffset, first->seqLength));
    Finding f =
        findingFor(FindingKind::ReusedEventId, r, 0,
                   "eventID " + r.eventId + " is also used by a different record ("
                       + (firstSequence.empty() ? std::string("no sequence number") : "sequence " + firstSequence)
                       + "); eventIDs should be unique");
    f.otherRecordId = first->recordId;
    f.otherSequenceNumber = firstSequence;
    add(std::move(f));
}

void Auditor::beginValueChecks(std::span<const HistoryRecord> records)
{
    m_keyTexts.clear();
    if (!m_js)
        m_js = std::make_unique<JsState>();
    m_js->keyRisks.clear();
    if (records.empty())
        return;
    for (const auto& [name, value] : records.front().keys) {
        m_keyTexts.emplace_back(name, toDynamoJson(value));
        jsRisks(value, "/" + escapePointerToken(name), m_js->keyRisks);
    }
}

void Auditor::valueChecks(const HistoryRecord& r, Image& lastChecked)
{
    checkJsNumbers(r);
    if (!r.oldImage.isNull()) {
        checkValues(r, r.oldImage, "OldImage", lastChecked.isNull() ? nullptr : &lastChecked);
        // An OldImage with the text of the image checked last (the previous NewImage, usually) changes nothing:
        // keep the one already split into members as the base for the NewImage's check.
        if (!sameText(lastChecked, r.oldImage))
            lastChecked = r.oldImage;
    }
    if (!r.newImage.isNull()) {
        checkValues(r, r.newImage, r.eventName == EventName::Snapshot ? "Item" : "NewImage",
                    lastChecked.isNull() ? nullptr : &lastChecked);
        lastChecked = r.newImage;
    }
}

std::vector<std::vector<Finding>> Auditor::valueFindings(std::span<const HistoryRecord> records)
{
    std::vector<std::vector<Finding>> out(records.size());
    if (!m_options.valueChecks)
        return out;
    beginValueChecks(records);
    Image lastChecked;
    for (std::size_t i = 0; i < records.size(); ++i) {
        m_out = &out[i];
        valueChecks(records[i], lastChecked);
    }
    m_out = nullptr;
    return out;
}

namespace {

/// A compacted export line whose window began before `prev` was written, prev coming from elsewhere (a full
/// export's snapshot, a stream record, an earlier export): prev lies inside the window the line folds, so the line's
/// OldImage is older than prev. A prev that is a line of the same window (an export written with one line per change)
/// is compared as any record is.
/// The line's OldImage is the item at the window start, its NewImage the item at the window end, the writes in between
/// are folded away, so prev is not "the state just before" the line and comparing them says nothing:
/// - gap: OldImage vs the previous state — not a missing record, the previous state lies inside the window;
/// - modify-after-remove / remove-of-absent: the item existed at the window start and was removed inside it (the
///   previous REMOVE), then re-inserted (MODIFY) or stays removed (REMOVE) — all inside the window;
/// - insert-over-existing: the item was absent at the window start and inserted inside it.
/// Not detectable here: whether the OldImage matches the state before the window (the record before the window
/// start is not at hand), and anything inside one window (an insert and a delete there leave no line at all). Still
/// checked: a compacted line whose window starts at or after the previous record (consecutive windows, a full export
/// at the window start) is compared as any record is.
bool windowSpansPrevious(const HistoryRecord& r, const HistoryRecord& prev)
{
    const bool sameWindow = prev.compacted && prev.windowFromMicros == r.windowFromMicros;
    return r.compacted && r.windowFromMicros && prev.creationTimeMicros && !sameWindow
        && *r.windowFromMicros < *prev.creationTimeMicros;
}

} // namespace

void Auditor::addKey(std::span<const HistoryRecord> records, Ordering ordering, std::int64_t keyId,
                     std::vector<std::vector<Finding>>* valueFindingsDone)
{
    m_keyId = keyId;
    if (valueFindingsDone && valueFindingsDone->size() != records.size())
        valueFindingsDone = nullptr; // not for these records: do them here
    enum class Exists { Unknown, Absent, Present } exists = Exists::Unknown;
    StateKind known = StateKind::Unknown;
    Image knownImage;
    const HistoryRecord* prev = nullptr;
    Image lastChecked; // last image whose values were checked (value checks skip unchanged attributes)
    if (m_options.valueChecks && !valueFindingsDone)
        beginValueChecks(records);

    for (const HistoryRecord& r : records) {
        const bool modifyOrRemove = r.eventName == EventName::Modify || r.eventName == EventName::Remove;
        // A compacted line whose window began before the previous record: nothing to compare (windowSpansPrevious).
        const bool folded = prev && windowSpansPrevious(r, *prev);
        if (!prev) {
            if (modifyOrRemove)
                add(findingFor(FindingKind::OrphanStart, r, keyId,
                               "The key's first captured record is a " + std::string(eventNameText(r.eventName))
                                   + ": the capture begins in the middle of this item's history"));
        } else if (folded) {
            // nothing to compare (above)
        } else if (r.eventName == EventName::Insert && exists == Exists::Present && !r.compacted) {
            // (A compacted export line with a NewImage and no OldImage, as a NEW_IMAGE incremental export writes
            // every change, is the item's net state after its window: an insert or the modifications folded into
            // one line, nothing is missing.)
            Finding f = findingFor(FindingKind::InsertOverExisting, r, keyId,
                                   "INSERT while the item exists (after " + describeRecord(*prev)
                                       + "): a REMOVE of this item is missing from the capture before it");
            f.otherRecordId = prev->id;
            f.otherSequenceNumber = prev->sequenceNumber;
            add(std::move(f));
        } else if (modifyOrRemove && exists == Exists::Absent) {
            const bool isModify = r.eventName == EventName::Modify;
            Finding f = findingFor(isModify ? FindingKind::ModifyAfterRemove : FindingKind::RemoveOfAbsent, r, keyId,
                                   std::string(isModify ? "MODIFY" : "REMOVE")
                                       + " of an item that does not exist (after " + describeRecord(*prev)
                                       + "): an INSERT of this item is missing from the capture before it");
            f.otherRecordId = prev->id;
            f.otherSequenceNumber = prev->sequenceNumber;
            add(std::move(f));
        } else if (r.eventName != EventName::Snapshot && !r.oldImage.isNull() && known == StateKind::Present
                   && !knownImage.sameAs(r.oldImage)) {
            Finding f = findingFor(FindingKind::Gap, r, keyId, {});
            f.diff = diffImages(knownImage, r.oldImage);
            f.message = "OldImage differs from the state " + describeRecord(*prev) + " left: records are missing "
                + "between them (" + std::to_string(f.diff.size()) + " change" + (f.diff.size() == 1 ? "" : "s")
                + " unaccounted for: " + summariseChanges(f.diff) + ")";
            f.otherRecordId = prev->id;
            f.otherSequenceNumber = prev->sequenceNumber;
            add(std::move(f));
        }

        if (r.eventName == EventName::Remove && r.ttl)
            add(findingFor(FindingKind::TtlRemove, r, keyId,
                           "Deleted by Time to Live (userIdentity dynamodb.amazonaws.com), not by a user"));

        if (prev && ordering == Ordering::Sequence && prev->creationTimeMicros && r.creationTimeMicros
            && *r.creationTimeMicros < *prev->creationTimeMicros) {
            Finding f = findingFor(FindingKind::TimeRegression, r, keyId,
                                   "Creation time goes back by "
                                       + std::to_string((*prev->creationTimeMicros - *r.creationTimeMicros) / 1000)
                                       + " ms although the sequence number increases (previous: "
                                       + describeRecord(*prev) + ")");
            f.otherRecordId = prev->id;
            f.otherSequenceNumber = prev->sequenceNumber;
            add(std::move(f));
        }

        if (m_options.valueChecks) {
            if (valueFindingsDone) {
                for (auto& f : (*valueFindingsDone)[static_cast<std::size_t>(&r - records.data())])
                    add(std::move(f));
            } else {
                valueChecks(r, lastChecked);
            }
        }
        checkEventId(r);

        if (r.eventName == EventName::Remove) {
            exists = Exists::Absent;
            known = StateKind::Absent;
            knownImage = Image();
        } else {
            exists = Exists::Present;
            if (!r.newImage.isNull()) {
                known = StateKind::Present;
                knownImage = r.newImage;
            } else {
                known = StateKind::Unknown;
                knownImage = Image();
            }
        }
        prev = &r;
    }

    // Late arrivals: records that arrived after a record that follows them in the history. One finding per key
    // (a shuffled delivery makes many records late): how many, pointing at the first late record in history order
    // and the record it arrived after.
    if (records.size() > 1) {
        std::vector<bool> late(records.size(), false);
        std::size_t lateCount = 0;
        std::size_t firstLate = records.size();
        std::size_t firstLateAfter = 0;
        std::size_t minIndex = records.size() - 1; // the earliest-arriving record after i
        for (std::size_t i = records.size() - 1; i-- > 0;) {
            if (records[i].arrival > records[minIndex].arrival) {
                late[i] = true;
                ++lateCount;
                firstLate = i;
                firstLateAfter = minIndex;
            } else {
                minIndex = i;
            }
        }
        if (lateCount > 0) {
            const HistoryRecord& r = records[firstLate];
            const HistoryRecord& later = records[firstLateAfter];
            const char* order = ordering == Ordering::Sequence ? "stream" : "history";
            std::string message = std::to_string(lateCount) + " of this key's " + std::to_string(records.size())
                + " records arrived after a record that follows them in the " + order + "; the first is "
                + describeRecord(r) + ", which arrived after " + describeRecord(later) + " (arrival #"
                + std::to_string(r.arrival) + " vs #" + std::to_string(later.arrival) + ")";
            constexpr std::size_t kListed = 3;
            std::size_t listed = 0;
            for (std::size_t i = firstLate + 1; i < records.size() && listed < kListed; ++i) {
                if (late[i])
                    message += (listed++ ? ", " : "; also late: ") + seqText(records[i]);
            }
            if (lateCount - 1 > listed)
                message += ", … (" + std::to_string(lateCount - 1 - listed) + " more)";
            Finding f = findingFor(FindingKind::OutOfOrderArrival, r, keyId, std::move(message));
            f.otherRecordId = later.id;
            f.otherSequenceNumber = later.sequenceNumber;
            f.affectedRecords = static_cast<std::int64_t>(lateCount);
            f.affectedRecordIds.reserve(lateCount);
            for (std::size_t i = firstLate; i < records.size(); ++i) {
                if (late[i])
                    f.affectedRecordIds.push_back(records[i].id);
            }
            add(std::move(f));
        }
    }
    m_keyId = 0;
}

void Auditor::addDuplicate(const DeliveryInfo& d)
{
    Finding f;
    f.kind = FindingKind::Duplicate;
    f.table = d.table;
    f.keyJson = d.keyJson;
    f.keyId = d.keyId;
    f.recordId = d.recordId;
    f.sequenceNumber = d.sequenceNumber;
    f.eventId = d.eventId;
    f.source = d.source;
    f.message =
        "Delivered again" + (d.where.empty() ? std::string() : " at " + d.where) + " (identical content; stored once)";
    add(std::move(f));
}

void Auditor::addConflict(const DeliveryInfo& d, std::string_view conflictEventId, std::string_view difference)
{
    Finding f;
    f.kind = FindingKind::Conflict;
    f.table = d.table;
    f.keyJson = d.keyJson;
    f.keyId = d.keyId;
    f.recordId = d.recordId;
    f.sequenceNumber = d.sequenceNumber;
    f.eventId = std::string(conflictEventId);
    f.message = "Another record has the same stream and sequence number but different content"
        + (d.where.empty() ? std::string() : " (at " + d.where + ")")
        + (difference.empty() ? std::string() : ": " + std::string(difference))
        + "; the first one is kept in the history";
    add(std::move(f));
}

bool sameContent(const HistoryRecord& a, const HistoryRecord& b)
{
    if (a.eventName != b.eventName || a.eventId != b.eventId || a.ttl != b.ttl || !itemsEqual(a.keys, b.keys))
        return false;
    if (a.newImage.isNull() != b.newImage.isNull() || a.oldImage.isNull() != b.oldImage.isNull())
        return false;
    if (!a.newImage.isNull() && !a.newImage.sameAs(b.newImage))
        return false;
    if (!a.oldImage.isNull() && !a.oldImage.sameAs(b.oldImage))
        return false;
    return true;
}

std::string describeContentDifference(const HistoryRecord& a, const HistoryRecord& b)
{
    std::vector<std::string> parts;
    if (a.eventName != b.eventName)
        parts.push_back("eventName " + std::string(eventNameText(a.eventName)) + " vs "
                        + std::string(eventNameText(b.eventName)));
    if (a.eventId != b.eventId)
        parts.push_back("eventID " + a.eventId + " vs " + b.eventId);
    if (!itemsEqual(a.keys, b.keys))
        parts.push_back("Keys " + toDynamoJson(a.keys) + " vs " + toDynamoJson(b.keys)); // compact, one line
    if (a.ttl != b.ttl)
        parts.push_back(std::string("TTL identity ") + (a.ttl ? "yes" : "no") + " vs " + (b.ttl ? "yes" : "no"));
    const auto images = [&](const Image& x, const Image& y, const char* which) {
        if (x.isNull() != y.isNull())
            parts.push_back(std::string(which) + (x.isNull() ? " only in the copy" : " only in the first"));
        else if (!x.isNull() && !x.sameAs(y))
            parts.push_back(std::string(which) + " differs: " + summariseChanges(diffImages(x, y), 2));
    };
    images(a.newImage, b.newImage, "NewImage");
    images(a.oldImage, b.oldImage, "OldImage");
    std::string out;
    for (const auto& p : parts)
        out += (out.empty() ? "" : "; ") + p;
    return out;
}

std::vector<Finding> auditRecords(std::vector<HistoryRecord> records, AuditOptions options)
{
    std::stable_sort(records.begin(), records.end(),
                     [](const HistoryRecord& a, const HistoryRecord& b) { return a.arrival < b.arrival; });
    Auditor auditor(options);
    // Deduplicate like the store: (table, stream ARN, sequence number), or (table, event ID) without one.
    std::map<std::string, std::size_t> firstByIdentity;
    std::map<std::pair<std::string, std::string>, std::vector<HistoryRecord>> byKey; // (table, canonical Keys)
    std::vector<std::pair<std::string, std::string>> keyOrder;
    for (std::size_t i = 0; i < records.size(); ++i) {
        HistoryRecord& r = records[i];
        std::string identity;
        if (!r.sequenceNumber.empty())
            identity = r.table + '\x1f' + r.streamArn + "\x1fseq\x1f" + canonicalNumber(r.sequenceNumber);
        else if (!r.eventId.empty())
            identity = r.table + "\x1f" + "id\x1f" + r.eventId;
        if (!identity.empty()) {
            auto [it, inserted] = firstByIdentity.try_emplace(identity, i);
            if (!inserted) {
                const HistoryRecord& first = records[it->second];
                DeliveryInfo d{first.table,
                               first.keysJson,
                               0,
                               first.id,
                               first.sequenceNumber,
                               first.eventId,
                               "arrival #" + std::to_string(r.arrival),
                               {}};
                if (sameContent(first, r)) {
                    auditor.addDuplicate(d);
                    continue;
                }
                if (!r.sequenceNumber.empty()) {
                    auditor.addConflict(d, r.eventId, describeContentDifference(first, r));
                    continue;
                }
                // same event ID, different content, no sequence number: a different record
            }
        }
        auto key = std::make_pair(r.table, canonicalJson(r.keys));
        auto [it, inserted] = byKey.try_emplace(key);
        if (inserted)
            keyOrder.push_back(key);
        it->second.push_back(r);
    }
    for (const auto& key : keyOrder) {
        auto& list = byKey[key];
        const Ordering ordering = orderRecords(list);
        auditor.addKey(list, ordering);
    }
    return auditor.takeFindings();
}

std::map<std::string, std::int64_t> countFindings(const std::vector<Finding>& findings)
{
    std::map<std::string, std::int64_t> counts;
    for (const auto& f : findings)
        ++counts[std::string(findingKindText(f.kind))];
    return counts;
}

namespace {

/// The top-level attribute of a JSON Pointer ("/metadata/0/in_1" -> "/metadata"): nested map keys and list indexes
/// differ from item to item, so grouping by the whole path would make a group per record again.
std::string topLevelPath(const std::string& path)
{
    const std::size_t slash = path.find('/', 1);
    return slash == std::string::npos ? path : path.substr(0, slash);
}

} // namespace

bool FindingGrouper::groupedKind(FindingKind kind)
{
    switch (kind) {
    case FindingKind::JsUnsafeNumber:
    case FindingKind::InvalidValue:
    case FindingKind::TtlRemove:
    case FindingKind::OrphanStart:
    case FindingKind::Duplicate:
        return true;
    default:
        return false;
    }
}

struct FindingGrouper::Groups
{
    struct Group
    {
        Finding first;      ///< the first finding of the group (its record is the example)
        std::string detail; ///< js-unsafe-number: the reason of the first number at the group's path
        std::int64_t records = 0;
        std::int64_t lastRecordId = -1; ///< a record counts once per group
    };
    std::map<std::string, std::size_t> index; ///< cause -> position in `groups`
    std::vector<Group> groups;

    Group& group(const std::string& cause, const Finding& f)
    {
        auto [it, inserted] = index.try_emplace(cause, groups.size());
        if (inserted) {
            groups.push_back({});
            groups.back().first = f;
            groups.back().first.diff.clear();
            groups.back().first.jsNumbers.clear();
            groups.back().first.affectedRecordIds.clear();
        }
        return groups[it->second];
    }

    static void count(Group& g, const Finding& f)
    {
        if (f.recordId != 0 && f.recordId == g.lastRecordId)
            return;
        g.lastRecordId = f.recordId;
        ++g.records;
    }
};

FindingGrouper::FindingGrouper(FindingSink next)
    : m_next(std::move(next))
    , m_groups(std::make_unique<Groups>())
{
}

FindingGrouper::~FindingGrouper() = default;

std::size_t FindingGrouper::groupCount() const
{
    return m_groups->groups.size();
}

void FindingGrouper::add(Finding&& f)
{
    if (!groupedKind(f.kind)) {
        m_next(std::move(f));
        return;
    }
    const std::string base = std::string(findingKindText(f.kind)) + '\x1f' + f.table + '\x1f';
    if (f.kind == FindingKind::JsUnsafeNumber && !f.jsNumbers.empty()) {
        for (const auto& n : f.jsNumbers) {
            const std::string attribute = topLevelPath(n.path);
            auto& g = m_groups->group(base + attribute + '\x1f' + std::string(jsRiskText(n.risk)), f);
            if (g.records == 0) {
                g.first.path = attribute;
                g.first.jsRisk = n.risk;
                g.first.severity = jsRiskSeverity(n.risk);
                g.detail = n.where + " " + n.path + ": " + n.reason;
            }
            Groups::count(g, f);
        }
        return;
    }
    std::string cause = base;
    const bool byPath = f.kind == FindingKind::InvalidValue || f.kind == FindingKind::JsUnsafeNumber;
    if (byPath)
        cause += topLevelPath(f.path);
    else if (f.kind == FindingKind::Duplicate)
        cause += f.source;
    auto& g = m_groups->group(cause, f);
    if (byPath && g.records == 0)
        g.first.path = topLevelPath(f.path);
    Groups::count(g, f);
}

namespace {

std::string plural(std::int64_t n, const char* one, const char* many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string groupMessage(const Finding& first, const std::string& detail, std::int64_t records)
{
    const std::string where = first.sequenceNumber.empty()
        ? (first.eventId.empty() ? std::string() : " (event " + first.eventId + ")")
        : " (sequence " + first.sequenceNumber + ")";
    switch (first.kind) {
    case FindingKind::JsUnsafeNumber:
        return plural(records, "record holds", "records hold") + " a number at or under " + first.path
            + " that a JavaScript handler cannot hold exactly (" + std::string(jsRiskText(*first.jsRisk))
            + "); the first" + where + ": " + detail;
    case FindingKind::InvalidValue:
        return plural(records, "record has", "records have") + " an invalid value at or under "
            + (first.path.empty() ? std::string("(item)") : first.path) + "; the first" + where + ": " + first.message;
    case FindingKind::TtlRemove:
        return plural(records, "REMOVE was", "REMOVEs were")
            + " made by Time to Live (userIdentity dynamodb.amazonaws.com), not by a user; the first" + where;
    case FindingKind::OrphanStart:
        return plural(records, "key begins", "keys begin")
            + " with a MODIFY or REMOVE: the capture starts in the middle of their history; the first" + where + ": "
            + first.message;
    case FindingKind::Duplicate:
        return plural(records, "record was", "records were") + " delivered again"
            + (first.source.empty() ? std::string() : " in " + first.source)
            + " (identical content; stored once); the first" + where + ": " + first.message;
    default:
        return plural(records, "record", "records") + ": " + first.message;
    }
}

} // namespace

void FindingGrouper::finish()
{
    for (auto& g : m_groups->groups) {
        Finding f = std::move(g.first);
        f.message = groupMessage(f, g.detail, g.records);
        f.grouped = true;
        f.affectedRecords = g.records;
        m_next(std::move(f));
    }
    m_groups->groups.clear();
    m_groups->index.clear();
}

} // namespace model

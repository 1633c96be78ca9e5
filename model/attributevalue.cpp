#include "model/attributevalue.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "model/base64.h"
#include "model/decimal.h"

namespace model {

namespace {

/// DynamoDB's limit on nested M/L levels.
constexpr int kDynamoMaxDepth = 32;

/// Normalised set members: NS by canonical number, BS by decoded bytes. The leading byte keeps members that
/// could not be normalised (non-numbers, undecodable base64) apart from normalised ones.
std::string normalisedMember(AttributeType type, const std::string& member)
{
    if (type == AttributeType::NS) {
        if (const std::optional<Decimal> d = Decimal::parse(member))
            return '\0' + d->canonical();
        return '\1' + member;
    }
    if (type == AttributeType::BS) {
        if (std::optional<std::string> bytes = base64Decode(member))
            return '\0' + *bytes;
        return '\1' + member;
    }
    return member;
}

std::vector<std::string> normalisedSet(AttributeType type, const std::vector<std::string>& members)
{
    std::vector<std::string> out;
    out.reserve(members.size());
    for (const std::string& m : members)
        out.push_back(normalisedMember(type, m));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

bool setsEqual(AttributeType type, const std::vector<std::string>& a, const std::vector<std::string>& b)
{
    if (type == AttributeType::SS && a.size() == b.size() && a == b)
        return true;
    return normalisedSet(type, a) == normalisedSet(type, b);
}

bool binariesEqual(const std::string& a, const std::string& b)
{
    if (a == b)
        return true;
    const std::optional<std::string> x = base64Decode(a);
    if (!x)
        return false;
    const std::optional<std::string> y = base64Decode(b);
    if (!y)
        return false;
    return *x == *y;
}

std::string shortQuoted(std::string_view text)
{
    std::string out = "\"";
    out.append(text.substr(0, 80));
    if (text.size() > 80)
        out.append("...");
    out.push_back('"');
    return out;
}

/// Path of a set member, built only when an issue is reported.
std::string memberPath(const std::string& path, std::size_t index)
{
    return path + '/' + std::to_string(index);
}

constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);

void validateNumber(const std::string& text, const std::string& path, std::size_t index,
                    std::vector<ValueIssue>& issues)
{
    const std::optional<Decimal> d = Decimal::parse(text);
    const NumberProblem problem = d ? checkNumber(*d) : NumberProblem::NotANumber;
    if (problem != NumberProblem::None) {
        issues.push_back({ValueIssue::Kind::InvalidNumber, index == kNoIndex ? path : memberPath(path, index),
                          describe(problem, text)});
    }
    if (!d)
        return;
    const JsNumberRisk risk = jsNumberRisk(*d, text);
    if (risk != JsNumberRisk::None) {
        issues.push_back({ValueIssue::Kind::JsUnsafeNumber, index == kNoIndex ? path : memberPath(path, index),
                          describe(risk, text)});
    }
}

void validateInto(const AttributeValue& value, const std::string& path, int depth, bool depthReported,
                  std::vector<ValueIssue>& issues)
{
    switch (value.type()) {
    case AttributeType::S:
    case AttributeType::Bool:
        return;
    case AttributeType::N:
        validateNumber(value.text(), path, kNoIndex, issues);
        return;
    case AttributeType::B:
        if (!base64Decode(value.text()))
            issues.push_back(
                {ValueIssue::Kind::InvalidBase64, path, shortQuoted(value.text()) + " is not valid base64"});
        return;
    case AttributeType::Null:
        if (!value.flag())
            issues.push_back({ValueIssue::Kind::NullNotTrue, path, "NULL is false (DynamoDB only allows true)"});
        return;
    case AttributeType::SS:
    case AttributeType::NS:
    case AttributeType::BS: {
        const std::vector<std::string>& members = value.members();
        if (members.empty()) {
            issues.push_back(
                {ValueIssue::Kind::EmptySet, path,
                 std::string("empty ") + std::string(typeTag(value.type())) + " (DynamoDB does not allow empty sets)"});
            return;
        }
        // first index of each normalised member, to report later occurrences as duplicates
        std::vector<std::pair<std::string, std::size_t>> seen;
        seen.reserve(members.size());
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (value.type() == AttributeType::NS) {
                validateNumber(members[i], path, i, issues);
            } else if (value.type() == AttributeType::BS && !base64Decode(members[i])) {
                issues.push_back({ValueIssue::Kind::InvalidBase64, memberPath(path, i),
                                  shortQuoted(members[i]) + " is not valid base64"});
            }
            seen.emplace_back(normalisedMember(value.type(), members[i]), i);
        }
        std::stable_sort(seen.begin(), seen.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<std::pair<std::size_t, std::size_t>> duplicates; // (index, first index)
        std::size_t groupStart = 0;
        for (std::size_t k = 1; k < seen.size(); ++k) {
            if (seen[k].first == seen[groupStart].first)
                duplicates.emplace_back(seen[k].second, seen[groupStart].second);
            else
                groupStart = k;
        }
        std::sort(duplicates.begin(), duplicates.end());
        for (const auto& [index, first] : duplicates) {
            std::string reason = std::string(typeTag(value.type())) + " member " + shortQuoted(members[index]);
            reason += " duplicates member " + std::to_string(first);
            if (members[index] != members[first])
                reason += " (" + shortQuoted(members[first]) + ")";
            reason += value.type() == AttributeType::NS ? " numerically"
                : value.type() == AttributeType::BS     ? " by decoded bytes"
                                                        : "";
            issues.push_back({ValueIssue::Kind::DuplicateSetMember, memberPath(path, index), reason});
        }
        return;
    }
    case AttributeType::M:
    case AttributeType::L: {
        if (depth > kDynamoMaxDepth && !depthReported) {
            issues.push_back({ValueIssue::Kind::TooDeep, path,
                              std::string(typeTag(value.type())) + " at nesting level " + std::to_string(depth)
                                  + " (DynamoDB allows 32 levels)"});
            depthReported = true;
        }
        if (value.type() == AttributeType::M) {
            for (const auto& [name, member] : value.map())
                validateInto(member, path + '/' + escapePointerToken(name), depth + 1, depthReported, issues);
        } else {
            const AttributeValue::List& list = value.list();
            for (std::size_t i = 0; i < list.size(); ++i)
                validateInto(list[i], path + '/' + std::to_string(i), depth + 1, depthReported, issues);
        }
        return;
    }
    }
}

} // namespace

std::string_view typeTag(AttributeType type)
{
    switch (type) {
    case AttributeType::S:
        return "S";
    case AttributeType::N:
        return "N";
    case AttributeType::B:
        return "B";
    case AttributeType::SS:
        return "SS";
    case AttributeType::NS:
        return "NS";
    case AttributeType::BS:
        return "BS";
    case AttributeType::M:
        return "M";
    case AttributeType::L:
        return "L";
    case AttributeType::Null:
        return "NULL";
    case AttributeType::Bool:
        return "BOOL";
    }
    return {};
}

AttributeValue AttributeValue::makeString(std::string text)
{
    AttributeValue v;
    v.m_type = AttributeType::S;
    v.m_text = std::move(text);
    return v;
}

AttributeValue AttributeValue::makeNumber(std::string text)
{
    AttributeValue v;
    v.m_type = AttributeType::N;
    v.m_text = std::move(text);
    return v;
}

AttributeValue AttributeValue::makeBinary(std::string base64Text)
{
    AttributeValue v;
    v.m_type = AttributeType::B;
    v.m_text = std::move(base64Text);
    return v;
}

AttributeValue AttributeValue::makeStringSet(std::vector<std::string> members)
{
    AttributeValue v;
    v.m_type = AttributeType::SS;
    v.m_members = std::move(members);
    return v;
}

AttributeValue AttributeValue::makeNumberSet(std::vector<std::string> members)
{
    AttributeValue v;
    v.m_type = AttributeType::NS;
    v.m_members = std::move(members);
    return v;
}

AttributeValue AttributeValue::makeBinarySet(std::vector<std::string> base64Members)
{
    AttributeValue v;
    v.m_type = AttributeType::BS;
    v.m_members = std::move(base64Members);
    return v;
}

AttributeValue AttributeValue::makeMap(Map members)
{
    AttributeValue v;
    v.m_type = AttributeType::M;
    v.m_map = std::move(members);
    return v;
}

AttributeValue AttributeValue::makeList(List elements)
{
    AttributeValue v;
    v.m_type = AttributeType::L;
    v.m_list = std::move(elements);
    return v;
}

AttributeValue AttributeValue::makeNull(bool flag)
{
    AttributeValue v;
    v.m_type = AttributeType::Null;
    v.m_flag = flag;
    return v;
}

AttributeValue AttributeValue::makeBool(bool value)
{
    AttributeValue v;
    v.m_type = AttributeType::Bool;
    v.m_flag = value;
    return v;
}

bool AttributeValue::isSet() const
{
    return m_type == AttributeType::SS || m_type == AttributeType::NS || m_type == AttributeType::BS;
}

bool AttributeValue::operator==(const AttributeValue& other) const
{
    if (m_type != other.m_type)
        return false;
    switch (m_type) {
    case AttributeType::S:
        return m_text == other.m_text;
    case AttributeType::N:
        return numbersEqual(m_text, other.m_text);
    case AttributeType::B:
        return binariesEqual(m_text, other.m_text);
    case AttributeType::SS:
    case AttributeType::NS:
    case AttributeType::BS:
        return setsEqual(m_type, m_members, other.m_members);
    case AttributeType::M:
        return itemsEqual(m_map, other.m_map);
    case AttributeType::L:
        return m_list == other.m_list;
    case AttributeType::Null:
    case AttributeType::Bool:
        return m_flag == other.m_flag;
    }
    return false;
}

bool itemsEqual(const Item& a, const Item& b)
{
    if (a.size() != b.size())
        return false;
    auto i = a.begin();
    auto j = b.begin();
    for (; i != a.end(); ++i, ++j) {
        if (i->first != j->first || !(i->second == j->second))
            return false;
    }
    return true;
}

std::string escapePointerToken(std::string_view token)
{
    std::string out;
    out.reserve(token.size());
    for (const char c : token) {
        if (c == '~')
            out.append("~0");
        else if (c == '/')
            out.append("~1");
        else
            out.push_back(c);
    }
    return out;
}

std::string_view issueKindName(ValueIssue::Kind kind)
{
    switch (kind) {
    case ValueIssue::Kind::InvalidNumber:
        return "invalid-number";
    case ValueIssue::Kind::InvalidBase64:
        return "invalid-base64";
    case ValueIssue::Kind::EmptySet:
        return "empty-set";
    case ValueIssue::Kind::DuplicateSetMember:
        return "duplicate-set-member";
    case ValueIssue::Kind::TooDeep:
        return "too-deep";
    case ValueIssue::Kind::NullNotTrue:
        return "null-not-true";
    case ValueIssue::Kind::JsUnsafeNumber:
        return "js-unsafe-number";
    }
    return {};
}

std::vector<ValueIssue> validate(const Item& item)
{
    std::vector<ValueIssue> issues;
    for (const auto& [name, value] : item)
        validateInto(value, '/' + escapePointerToken(name), 1, false, issues);
    return issues;
}

std::vector<ValueIssue> validate(const AttributeValue& value, const std::string& path, int depth)
{
    std::vector<ValueIssue> issues;
    validateInto(value, path, depth, false, issues);
    return issues;
}

} // namespace model

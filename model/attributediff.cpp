#include "model/attributediff.h"

#include <unordered_set>

#include "model/base64.h"
#include "model/decimal.h"
#include "model/dynamodbjson.h"
#include "model/jsontext.h"

namespace model {

std::string_view opText(AttributeChange::Op op)
{
    switch (op) {
    case AttributeChange::Op::Add:
        return "add";
    case AttributeChange::Op::Remove:
        return "remove";
    case AttributeChange::Op::Replace:
        return "replace";
    }
    return "replace";
}

namespace {

/// The identity of a set member under DynamoDB set semantics.
std::string memberIdentity(AttributeType type, const std::string& member)
{
    switch (type) {
    case AttributeType::NS:
        return canonicalNumber(member);
    case AttributeType::BS:
        if (auto bytes = base64Decode(member))
            return "b:" + *bytes;
        return "t:" + member;
    default:
        return member;
    }
}

std::string childPath(const std::string& path, std::string_view token)
{
    std::string p;
    p.reserve(path.size() + token.size() + 1);
    p += path;
    p.push_back('/');
    p += escapePointerToken(token);
    return p;
}

AttributeChange makeChange(AttributeChange::Op op, std::string path, const AttributeValue* before,
                           const AttributeValue* after)
{
    AttributeChange c;
    c.op = op;
    c.path = std::move(path);
    if (before)
        c.oldValue = *before;
    if (after)
        c.newValue = *after;
    return c;
}

} // namespace

std::vector<std::string> setMembersMissingFrom(const AttributeValue& a, const AttributeValue& b)
{
    std::unordered_set<std::string> inB;
    inB.reserve(b.members().size());
    for (const auto& m : b.members())
        inB.insert(memberIdentity(b.type(), m));
    std::unordered_set<std::string> seen;
    std::vector<std::string> out;
    for (const auto& m : a.members()) {
        std::string id = memberIdentity(a.type(), m);
        if (inB.count(id) || !seen.insert(std::move(id)).second)
            continue;
        out.push_back(m);
    }
    return out;
}

void diffValues(const AttributeValue& before, const AttributeValue& after, const std::string& path,
                std::vector<AttributeChange>& out)
{
    if (before.type() != after.type()) {
        out.push_back(makeChange(AttributeChange::Op::Replace, path, &before, &after));
        return;
    }
    switch (before.type()) {
    case AttributeType::M: {
        const auto& a = before.map();
        const auto& b = after.map();
        auto ia = a.begin();
        auto ib = b.begin();
        while (ia != a.end() || ib != b.end()) {
            if (ib == b.end() || (ia != a.end() && ia->first < ib->first)) {
                out.push_back(
                    makeChange(AttributeChange::Op::Remove, childPath(path, ia->first), &ia->second, nullptr));
                ++ia;
            } else if (ia == a.end() || ib->first < ia->first) {
                out.push_back(makeChange(AttributeChange::Op::Add, childPath(path, ib->first), nullptr, &ib->second));
                ++ib;
            } else {
                diffValues(ia->second, ib->second, childPath(path, ia->first), out);
                ++ia;
                ++ib;
            }
        }
        return;
    }
    case AttributeType::L: {
        const auto& a = before.list();
        const auto& b = after.list();
        const std::size_t common = std::min(a.size(), b.size());
        for (std::size_t i = 0; i < common; ++i)
            diffValues(a[i], b[i], childPath(path, std::to_string(i)), out);
        for (std::size_t i = a.size(); i > common; --i)
            out.push_back(
                makeChange(AttributeChange::Op::Remove, childPath(path, std::to_string(i - 1)), &a[i - 1], nullptr));
        for (std::size_t i = common; i < b.size(); ++i)
            out.push_back(makeChange(AttributeChange::Op::Add, childPath(path, std::to_string(i)), nullptr, &b[i]));
        return;
    }
    case AttributeType::SS:
    case AttributeType::NS:
    case AttributeType::BS: {
        if (before == after)
            return;
        AttributeChange c = makeChange(AttributeChange::Op::Replace, path, &before, &after);
        c.added = setMembersMissingFrom(after, before);
        c.removed = setMembersMissingFrom(before, after);
        out.push_back(std::move(c));
        return;
    }
    default:
        if (before != after)
            out.push_back(makeChange(AttributeChange::Op::Replace, path, &before, &after));
        return;
    }
}

std::vector<AttributeChange> diffItems(const Item& before, const Item& after)
{
    std::vector<AttributeChange> out;
    auto ia = before.begin();
    auto ib = after.begin();
    const std::string root;
    while (ia != before.end() || ib != after.end()) {
        if (ib == after.end() || (ia != before.end() && ia->first < ib->first)) {
            out.push_back(makeChange(AttributeChange::Op::Remove, childPath(root, ia->first), &ia->second, nullptr));
            ++ia;
        } else if (ia == before.end() || ib->first < ia->first) {
            out.push_back(makeChange(AttributeChange::Op::Add, childPath(root, ib->first), nullptr, &ib->second));
            ++ib;
        } else {
            diffValues(ia->second, ib->second, childPath(root, ia->first), out);
            ++ia;
            ++ib;
        }
    }
    return out;
}

namespace {

void appendMembers(std::string& out, const std::vector<std::string>& members)
{
    out.push_back('[');
    for (std::size_t i = 0; i < members.size(); ++i) {
        if (i)
            out.push_back(',');
        jsontext::appendQuoted(out, members[i]);
    }
    out.push_back(']');
}

std::string shorten(std::string text, std::size_t maxChars)
{
    if (text.size() <= maxChars)
        return text;
    std::size_t cut = maxChars;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut; // keep UTF-8 sequences whole
    text.resize(cut);
    text += "…";
    return text;
}

} // namespace

std::string changeToJson(const AttributeChange& change)
{
    std::string out = "{\"op\":\"";
    out += opText(change.op);
    out += "\",\"path\":";
    jsontext::appendQuoted(out, change.path);
    if (change.oldValue) {
        out += ",\"old\":";
        out += toDynamoJson(*change.oldValue);
    }
    if (change.newValue) {
        out += ",\"new\":";
        out += toDynamoJson(*change.newValue);
    }
    if (!change.added.empty() || !change.removed.empty()) {
        out += ",\"added\":";
        appendMembers(out, change.added);
        out += ",\"removed\":";
        appendMembers(out, change.removed);
    }
    out.push_back('}');
    return out;
}

std::string changesToJson(const std::vector<AttributeChange>& changes)
{
    std::string out = "[";
    for (std::size_t i = 0; i < changes.size(); ++i) {
        if (i)
            out.push_back(',');
        out += changeToJson(changes[i]);
    }
    out.push_back(']');
    return out;
}

std::string changeToText(const AttributeChange& change, std::size_t maxValueChars)
{
    std::string out(opText(change.op));
    out.push_back(' ');
    out += change.path.empty() ? std::string("(item)") : change.path;
    out += ": ";
    if (!change.added.empty() || !change.removed.empty()) {
        std::string members;
        if (!change.added.empty()) {
            members += "+";
            appendMembers(members, change.added);
        }
        if (!change.removed.empty()) {
            if (!members.empty())
                members.push_back(' ');
            members += "-";
            appendMembers(members, change.removed);
        }
        return out + shorten(std::move(members), maxValueChars * 2);
    }
    const auto show = [&](const AttributeValue& v) {
        std::string t = toPlainJson(v);
        if (v.type() != AttributeType::S && v.type() != AttributeType::M && v.type() != AttributeType::L)
            t += std::string(" (") + std::string(typeTag(v.type())) + ")";
        return shorten(std::move(t), maxValueChars);
    };
    if (change.oldValue && change.newValue)
        return out + show(*change.oldValue) + " -> " + show(*change.newValue);
    if (change.newValue)
        return out + show(*change.newValue);
    if (change.oldValue)
        return out + "was " + show(*change.oldValue);
    return out;
}

} // namespace model

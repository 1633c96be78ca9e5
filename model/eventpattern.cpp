#include "model/eventpattern.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "model/decimal.h"
#include "model/ipaddress.h"

namespace model {

// ---------------------------------------------------------------------------------------------------------------
// Compiled form

namespace {

enum class Op : std::uint8_t { Exact, Prefix, Suffix, EqualsIgnoreCase, Wildcard, AnythingBut, Numeric, Exists, Cidr };

/// A wildcard pattern split at its unescaped '*': parts.size() - 1 stars.
struct Wildcard
{
    std::vector<std::string> parts;
    bool matches(std::string_view s) const;
};

struct NumericRange
{
    std::optional<Decimal> lower;
    bool lowerInclusive = false;
    std::optional<Decimal> upper;
    bool upperInclusive = false;
    bool contains(const Decimal& d) const;
};

/// One match value of a field's list. anything-but keeps its operand as `inner` (Exact with `values`, Prefix,
/// Suffix, EqualsIgnoreCase or Wildcard) and matches a present value the inner test rejects.
struct Matcher
{
    Op op = Op::Exact;
    Op inner = Op::Exact;
    bool ignoreCase = false;          ///< prefix/suffix with {"equals-ignore-case": …}
    bool exists = false;              ///< Exists
    std::vector<JsonTree> values;     ///< Exact (one) / anything-but values
    std::vector<Decimal> numbers;     ///< the numbers among `values`, parsed once (same order, numbers only)
    std::vector<std::string> strings; ///< prefix/suffix/equals-ignore-case operands (lower case if ignoreCase)
    std::vector<Wildcard> wildcards;  ///< Wildcard / anything-but wildcard
    NumericRange range;               ///< Numeric
    std::optional<CidrBlock> cidr;    ///< Cidr
};

struct Node;

struct Field
{
    std::vector<std::string> segments;            ///< the pattern key split at '.'
    std::vector<std::vector<std::string>> joined; ///< joined[i][k]: segments i..i+k joined with '.'
    std::string path;                             ///< dotted pattern path, for reasons
    std::vector<Matcher> leaf;                    ///< a list of match values (OR-ed) ...
    std::string leafText;                         ///< ... and its JSON text
    std::unique_ptr<Node> child;                  ///< ... or a nested pattern object
    bool existsFalse = false;                     ///< the leaf has {"exists": false}
};

struct OrGroup
{
    std::string path;
    std::vector<Node> alternatives;
};

struct Node
{
    std::vector<Field> fields;
    std::vector<OrGroup> ors;
};

} // namespace

struct EventPattern::Compiled
{
    Node root;
    PatternSemantics semantics = PatternSemantics::LambdaEsm;
};

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

namespace {

std::string asciiLower(std::string_view s)
{
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

bool startsWith(std::string_view s, std::string_view p)
{
    return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

bool endsWith(std::string_view s, std::string_view p)
{
    return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

std::string joinPath(const std::string& parent, std::string_view key)
{
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

bool Wildcard::matches(std::string_view s) const
{
    if (parts.size() == 1)
        return s == parts.front();
    const std::string& first = parts.front();
    const std::string& last = parts.back();
    if (s.size() < first.size() + last.size() || !startsWith(s, first) || !endsWith(s, last))
        return false;
    std::size_t pos = first.size();
    const std::size_t end = s.size() - last.size();
    for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
        const std::size_t found = s.substr(0, end).find(parts[i], pos);
        if (found == std::string_view::npos)
            return false;
        pos = found + parts[i].size();
    }
    return true;
}

bool NumericRange::contains(const Decimal& d) const
{
    if (lower) {
        const int c = d.compare(*lower);
        if (c < 0 || (c == 0 && !lowerInclusive))
            return false;
    }
    if (upper) {
        const int c = d.compare(*upper);
        if (c > 0 || (c == 0 && !upperInclusive))
            return false;
    }
    return true;
}

/// Exact equality of a pattern value and an event value: same JSON type; numbers as exact decimals (AWS's
/// Ruler matches a pattern number both by its text and numerically; an exact decimal comparison covers both).
bool exactEqual(const JsonTree& pattern, const std::optional<Decimal>& patternNumber, const JsonTree& value)
{
    if (pattern.kind != value.kind)
        return false;
    if (pattern.kind == JsonTree::Kind::String)
        return pattern.text == value.text;
    if (pattern.kind == JsonTree::Kind::Number) {
        if (pattern.text == value.text)
            return true;
        const std::optional<Decimal> d = Decimal::parse(value.text);
        return d && patternNumber && d->compare(*patternNumber) == 0;
    }
    return true; // null, true, false
}

/// The test anything-but negates (and that prefix/suffix/equals-ignore-case/wildcard use directly).
bool innerMatches(const Matcher& m, Op op, const JsonTree& value)
{
    if (op == Op::Exact) {
        std::size_t numberIndex = 0;
        for (const JsonTree& v : m.values) {
            std::optional<Decimal> n;
            if (v.isNumber())
                n = m.numbers[numberIndex++];
            if (exactEqual(v, n, value))
                return true;
        }
        return false;
    }
    if (!value.isString())
        return false;
    switch (op) {
    case Op::Prefix:
    case Op::Suffix:
    case Op::EqualsIgnoreCase: {
        const bool lower = m.ignoreCase || op == Op::EqualsIgnoreCase;
        const std::string folded = lower ? asciiLower(value.text) : std::string();
        const std::string_view s = lower ? std::string_view(folded) : std::string_view(value.text);
        return std::any_of(m.strings.begin(), m.strings.end(), [&](const std::string& p) {
            return op == Op::Prefix ? startsWith(s, p) : op == Op::Suffix ? endsWith(s, p) : s == p;
        });
    }
    case Op::Wildcard:
        return std::any_of(m.wildcards.begin(), m.wildcards.end(),
                           [&](const Wildcard& w) { return w.matches(value.text); });
    default:
        return false;
    }
}

/// Does one present leaf value satisfy the matcher?
bool matcherMatches(const Matcher& m, const JsonTree& value)
{
    switch (m.op) {
    case Op::Exists:
        return m.exists;
    case Op::AnythingBut:
        return !innerMatches(m, m.inner, value);
    case Op::Numeric: {
        if (!value.isNumber())
            return false;
        const std::optional<Decimal> d = Decimal::parse(value.text);
        return d && m.range.contains(*d);
    }
    case Op::Cidr:
        return value.isString() && m.cidr->contains(value.text);
    default:
        return innerMatches(m, m.op, value);
    }
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

namespace {

struct Failure
{
    std::string path;
    std::string reason;
};

/// Calls fn(x) for every x that v is or (through arrays, nested too) holds that is an object (Objects) or a scalar
/// (!Objects); stops when fn returns true.
template<bool Objects, typename Fn>
bool forEachThrough(const JsonTree& v, const Fn& fn)
{
    if (v.isArray()) {
        for (const JsonTree& item : v.items) {
            if (forEachThrough<Objects>(item, fn))
                return true;
        }
        return false;
    }
    return v.isObject() == Objects ? fn(v) : false;
}

template<typename Fn>
bool forEachLeaf(const JsonTree& v, const Fn& fn)
{
    return forEachThrough<false>(v, fn);
}

template<typename Fn>
bool forEachObject(const JsonTree& v, const Fn& fn)
{
    return forEachThrough<true>(v, fn);
}

/// Calls fn(value) for every event value at the field's key below `object`. The key's segments may be spread
/// over nested objects or sit in one event key with dots ("a.b" in the pattern finds a→b and "a.b").
template<typename Fn>
bool forEachAt(const Field& f, const JsonTree& object, std::size_t first, const Fn& fn)
{
    const std::size_t n = f.segments.size();
    for (std::size_t last = first; last < n; ++last) {
        const JsonTree* v = object.member(f.joined[first][last - first]);
        if (!v)
            continue;
        if (last + 1 == n) {
            if (fn(*v))
                return true;
        } else if (forEachObject(*v, [&](const JsonTree& o) { return forEachAt(f, o, last + 1, fn); })) {
            return true;
        }
    }
    return false;
}

bool matchNode(const Node& node, const JsonTree* object, Failure* why);

bool matchLeaf(const Field& f, const JsonTree* object, Failure* why)
{
    bool present = false;
    bool sawObject = false;
    const JsonTree* firstValue = nullptr;
    const bool matched = object && forEachAt(f, *object, 0, [&](const JsonTree& v) {
                             if (v.isObject())
                                 sawObject = true;
                             return forEachLeaf(v, [&](const JsonTree& leaf) {
                                 present = true;
                                 if (!firstValue)
                                     firstValue = &leaf;
                                 return std::any_of(f.leaf.begin(), f.leaf.end(),
                                                    [&](const Matcher& m) { return matcherMatches(m, leaf); });
                             });
                         });
    if (matched || (!present && f.existsFalse))
        return true;
    if (why) {
        why->path = f.path;
        if (present)
            why->reason = firstValue->compact(120) + " does not match " + f.leafText;
        else if (sawObject)
            why->reason = "the value is an object, and patterns compare only leaf values (a DynamoDB attribute needs "
                          "its type key, e.g. `"
                + f.path + ".S`); " + f.leafText + " needs a value";
        else
            why->reason = "the field is missing; " + f.leafText + " needs a value";
    }
    return false;
}

bool matchChild(const Field& f, const JsonTree* object, Failure* why)
{
    bool sawObject = false;
    const JsonTree* firstObject = nullptr;
    const bool matched = object && forEachAt(f, *object, 0, [&](const JsonTree& v) {
                             return forEachObject(v, [&](const JsonTree& o) {
                                 sawObject = true;
                                 if (!firstObject)
                                     firstObject = &o;
                                 return matchNode(*f.child, &o, nullptr);
                             });
                         });
    if (matched)
        return true;
    if (!sawObject) // absent (or not an object): only exists:false below can match
        return matchNode(*f.child, nullptr, why);
    if (why)
        matchNode(*f.child, firstObject, why);
    return false;
}

bool matchNode(const Node& node, const JsonTree* object, Failure* why)
{
    for (const Field& f : node.fields) {
        if (!(f.child ? matchChild(f, object, why) : matchLeaf(f, object, why)))
            return false;
    }
    for (const OrGroup& group : node.ors) {
        const bool any = std::any_of(group.alternatives.begin(), group.alternatives.end(),
                                     [&](const Node& alt) { return matchNode(alt, object, nullptr); });
        if (any)
            continue;
        if (why) {
            Failure first;
            matchNode(group.alternatives.front(), object, &first);
            why->path = group.path;
            why->reason = "none of the " + std::to_string(group.alternatives.size())
                + " $or alternatives matches; the first fails at `" + first.path + "`: " + first.reason;
        }
        return false;
    }
    return true;
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------
// Compilation

namespace {

constexpr std::string_view kAnythingButScalar = "Value of anything-but must be an array or single string/number value.";
constexpr std::string_view kPrefixSuffixString = "prefix/suffix match pattern must be a string";

class Compiler
{
public:
    explicit Compiler(PatternSemantics semantics)
        : m_semantics(semantics)
    {
    }

    std::optional<PatternProblem> problem;

    bool compileNode(const JsonTree& object, const std::string& path, Node& out);

private:
    bool fail(std::string_view reason, const std::string& path)
    {
        problem = PatternProblem{PatternProblem::Kind::Invalid, std::string(reason), path};
        return false;
    }
    bool unsupported(std::string_view op, const std::string& path)
    {
        problem = PatternProblem{PatternProblem::Kind::Unsupported,
                                 std::string(op)
                                     + " is not supported by Lambda event source mapping filters (EventBridge "
                                       "event buses only; see the Pipes column of the comparison operator table)",
                                 path};
        return false;
    }
    bool compileField(const std::string& key, const JsonTree& value, const std::string& path, Field& out);
    bool compileOr(const JsonTree& value, const std::string& parentPath, Node& out);
    bool compileValue(const JsonTree& value, const std::string& path, Matcher& out);
    bool compileOperator(const std::string& op, const JsonTree& operand, const std::string& path, Matcher& out);
    bool compileAffix(Op op, const JsonTree& operand, const std::string& path, Matcher& out);
    bool compileAnythingBut(const JsonTree& operand, const std::string& path, Matcher& out);
    bool compileAnythingButObject(const JsonTree& operand, const std::string& path, Matcher& out);
    bool compileNumeric(const JsonTree& operand, const std::string& path, Matcher& out);
    bool compileWildcard(const std::string& text, const std::string& path, Wildcard& out);

    PatternSemantics m_semantics;
};

bool Compiler::compileNode(const JsonTree& object, const std::string& path, Node& out)
{
    for (std::size_t i = 0; i < object.keys.size(); ++i) {
        const std::string& key = object.keys[i];
        const JsonTree& value = object.items[i];
        const std::string fieldPath = joinPath(path, key);
        if (key == "$or") {
            if (!compileOr(value, path, out))
                return false;
            continue;
        }
        Field field;
        if (!compileField(key, value, fieldPath, field))
            return false;
        out.fields.push_back(std::move(field));
    }
    return true;
}

bool Compiler::compileOr(const JsonTree& value, const std::string& parentPath, Node& out)
{
    const std::string path = joinPath(parentPath, "$or");
    if (!value.isArray() || value.items.size() < 2)
        return fail("Or relationship must be an array of at least two objects", path);
    OrGroup group;
    group.path = path;
    for (std::size_t i = 0; i < value.items.size(); ++i) {
        const JsonTree& alt = value.items[i];
        const std::string altPath = path + "[" + std::to_string(i) + "]";
        if (!alt.isObject() || alt.keys.empty())
            return fail("Or relationship must be an array of at least two objects", altPath);
        Node node;
        if (!compileNode(alt, parentPath, node))
            return false;
        group.alternatives.push_back(std::move(node));
    }
    out.ors.push_back(std::move(group));
    return true;
}

bool Compiler::compileField(const std::string& key, const JsonTree& value, const std::string& path, Field& out)
{
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = key.find('.', start);
        out.segments.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos)
            break;
        start = dot + 1;
    }
    out.joined.resize(out.segments.size());
    for (std::size_t i = 0; i < out.segments.size(); ++i) {
        std::string text;
        for (std::size_t j = i; j < out.segments.size(); ++j) {
            text += (j == i ? "" : ".") + out.segments[j];
            out.joined[i].push_back(text);
        }
    }
    out.path = path;
    if (value.isObject()) {
        out.child = std::make_unique<Node>();
        return compileNode(value, path, *out.child);
    }
    if (!value.isArray())
        return fail("\"" + key + "\" must be an object or an array", path);
    if (value.items.empty())
        return fail("Empty arrays are not allowed", path);
    out.leafText = value.compact(160);
    for (const JsonTree& item : value.items) {
        Matcher m;
        if (!compileValue(item, path, m))
            return false;
        if (m.op == Op::Exists && !m.exists)
            out.existsFalse = true;
        out.leaf.push_back(std::move(m));
    }
    return true;
}

bool Compiler::compileValue(const JsonTree& value, const std::string& path, Matcher& out)
{
    if (value.isScalar()) {
        out.op = Op::Exact;
        out.values.push_back(value);
        if (value.isNumber()) {
            const std::optional<Decimal> d = Decimal::parse(value.text);
            if (!d)
                return fail("number " + value.text + " cannot be compared", path);
            out.numbers.push_back(*d);
        }
        return true;
    }
    if (value.isArray())
        return fail("Match value must be String, number, true, false, or null", path);
    if (value.keys.size() != 1)
        return fail(value.keys.empty() ? "Empty objects are not allowed" : "Only one key allowed in match expression",
                    path);
    return compileOperator(value.keys.front(), value.items.front(), path, out);
}

bool Compiler::compileOperator(const std::string& op, const JsonTree& operand, const std::string& path, Matcher& out)
{
    if (op == "prefix")
        return compileAffix(Op::Prefix, operand, path, out);
    if (op == "suffix")
        return compileAffix(Op::Suffix, operand, path, out);
    if (op == "equals-ignore-case") {
        if (!operand.isString())
            return fail("equals-ignore-case match pattern must be a string", path);
        out.op = Op::EqualsIgnoreCase;
        out.strings.push_back(asciiLower(operand.text));
        return true;
    }
    if (op == "wildcard") {
        if (m_semantics == PatternSemantics::LambdaEsm)
            return unsupported("wildcard", path);
        if (!operand.isString())
            return fail("wildcard match pattern must be a string", path);
        out.op = Op::Wildcard;
        out.wildcards.emplace_back();
        return compileWildcard(operand.text, path, out.wildcards.back());
    }
    if (op == "anything-but")
        return compileAnythingBut(operand, path, out);
    if (op == "numeric")
        return compileNumeric(operand, path, out);
    if (op == "exists") {
        if (!operand.isBool())
            return fail("exists match pattern must be either true or false.", path);
        out.op = Op::Exists;
        out.exists = operand.kind == JsonTree::Kind::True;
        return true;
    }
    if (op == "cidr") {
        if (!operand.isString()) // AWS's own message names prefix here (content_ip_address_type_EXC)
            return fail("prefix match pattern must be a string", path);
        std::string error;
        out.op = Op::Cidr;
        out.cidr = CidrBlock::parse(operand.text, error);
        return out.cidr ? true : fail(error, path);
    }
    return fail("Unrecognized match type " + op, path);
}

bool Compiler::compileAffix(Op op, const JsonTree& operand, const std::string& path, Matcher& out)
{
    const char* name = op == Op::Prefix ? "prefix" : "suffix";
    out.op = op;
    const JsonTree* text = &operand;
    if (operand.isObject() && operand.keys.size() == 1 && operand.keys.front() == "equals-ignore-case") {
        out.ignoreCase = true;
        text = &operand.items.front();
    }
    if (!text->isString())
        return fail(std::string(name) + " match pattern must be a string", path);
    out.strings.push_back(out.ignoreCase ? asciiLower(text->text) : text->text);
    return true;
}

bool Compiler::compileAnythingBut(const JsonTree& operand, const std::string& path, Matcher& out)
{
    out.op = Op::AnythingBut;
    out.inner = Op::Exact;
    if (operand.isObject())
        return compileAnythingButObject(operand, path, out);
    if (operand.isArray()) {
        if (operand.items.empty())
            return fail("Empty arrays are not allowed", path);
        for (const JsonTree& v : operand.items) {
            if (!v.isString() && !v.isNumber())
                return fail("Inside anything but list, start|null|boolean is not supported.", path);
        }
        out.values = operand.items;
    } else if (operand.isString() || operand.isNumber()) {
        out.values.push_back(operand);
    } else {
        return fail(kAnythingButScalar, path);
    }
    for (const JsonTree& v : out.values) {
        if (!v.isNumber())
            continue;
        const std::optional<Decimal> d = Decimal::parse(v.text);
        if (!d)
            return fail("number " + v.text + " cannot be compared", path);
        out.numbers.push_back(*d);
    }
    return true;
}

bool Compiler::compileAnythingButObject(const JsonTree& operand, const std::string& path, Matcher& out)
{
    if (operand.keys.size() != 1)
        return fail("Only one key allowed in match expression", path);
    const std::string& op = operand.keys.front();
    const JsonTree& value = operand.items.front();
    if (op != "prefix" && op != "suffix" && op != "equals-ignore-case" && op != "wildcard")
        return fail("Unsupported anything-but pattern: " + op, path);
    if (m_semantics == PatternSemantics::LambdaEsm)
        return unsupported("anything-but/" + op, path);
    std::vector<const JsonTree*> texts;
    if (value.isArray()) {
        for (const JsonTree& v : value.items)
            texts.push_back(&v);
    } else if (value.isObject()) {
        return fail(kAnythingButScalar, path);
    } else {
        texts.push_back(&value);
    }
    for (const JsonTree* t : texts) {
        if (t->isString())
            continue;
        if (op == "equals-ignore-case")
            return fail("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.",
                        path);
        return fail(
            op == "wildcard" ? std::string_view("wildcard match pattern must be a string") : kPrefixSuffixString, path);
    }
    out.inner = op == "prefix" ? Op::Prefix
        : op == "suffix"       ? Op::Suffix
        : op == "wildcard"     ? Op::Wildcard
                               : Op::EqualsIgnoreCase;
    for (const JsonTree* t : texts) {
        if (out.inner == Op::Wildcard) {
            out.wildcards.emplace_back();
            if (!compileWildcard(t->text, path, out.wildcards.back()))
                return false;
        } else if (t->text.empty() && out.inner != Op::EqualsIgnoreCase) {
            return fail("Null prefix/suffix not allowed", path);
        } else {
            out.strings.push_back(out.inner == Op::EqualsIgnoreCase ? asciiLower(t->text) : t->text);
        }
    }
    return true;
}

bool Compiler::compileNumeric(const JsonTree& operand, const std::string& path, Matcher& out)
{
    if (!operand.isArray() || operand.items.empty())
        return fail("Value of numeric must be an array.", path);
    out.op = Op::Numeric;
    NumericRange& r = out.range;
    bool equals = false;
    const std::vector<JsonTree>& items = operand.items;
    for (std::size_t i = 0; i < items.size(); i += 2) {
        const std::string op = items[i].isString() ? items[i].text : items[i].compact(40);
        if (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=")
            return fail("Unrecognized numeric range operator: " + op, path);
        if (i + 1 >= items.size() || !items[i + 1].isNumber())
            return fail("Value of " + op + " must be numeric", path);
        const std::optional<Decimal> d = Decimal::parse(items[i + 1].text);
        if (!d)
            return fail("Value of " + op + " must be numeric", path);
        const bool lower = op[0] == '>' || op == "=";
        const bool upper = op[0] == '<' || op == "=";
        if (equals || (lower && r.lower) || (upper && r.upper) || (op == "=" && i > 0))
            return fail("Bad numeric range operator: " + op, path);
        equals = op == "=";
        if (lower) {
            r.lower = d;
            r.lowerInclusive = op != ">";
        }
        if (upper) {
            r.upper = d;
            r.upperInclusive = op != "<";
        }
    }
    if (!equals && r.lower && r.upper && r.lower->compare(*r.upper) >= 0)
        return fail("Bottom must be less than top", path);
    return true;
}

bool Compiler::compileWildcard(const std::string& text, const std::string& path, Wildcard& out)
{
    out.parts.emplace_back();
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\') {
            if (i + 1 >= text.size() || (text[i + 1] != '*' && text[i + 1] != '\\'))
                return fail("Invalid escape character at pos " + std::to_string(i), path);
            out.parts.back() += text[++i];
        } else if (c == '*') {
            if (i > 0 && text[i - 1] == '*')
                return fail("Consecutive wildcard characters at pos " + std::to_string(i), path);
            out.parts.emplace_back();
        } else {
            out.parts.back() += c;
        }
    }
    return true;
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------
// Public API

std::string_view semanticsName(PatternSemantics semantics)
{
    return semantics == PatternSemantics::EventBridge ? "eventbridge" : "lambda-esm";
}

std::optional<PatternSemantics> parseSemantics(std::string_view name)
{
    if (name == "eventbridge")
        return PatternSemantics::EventBridge;
    if (name == "lambda-esm")
        return PatternSemantics::LambdaEsm;
    return std::nullopt;
}

std::string PatternProblem::message() const
{
    std::string text = reason;
    if (!text.empty() && text.back() == '.')
        text.pop_back();
    if (!path.empty())
        text += " at `" + path + "`";
    return text;
}

std::string MatchResult::message() const
{
    if (matched)
        return "match";
    return path.empty() ? reason : path + ": " + reason;
}

EventPattern::EventPattern(std::shared_ptr<const Compiled> compiled)
    : m_compiled(std::move(compiled))
{
}

EventPattern::CompileResult EventPattern::compile(std::string_view patternText, PatternSemantics semantics)
{
    std::string error;
    const std::optional<JsonTree> tree = JsonTree::parse(patternText, &error);
    if (!tree)
        return {std::nullopt, PatternProblem{PatternProblem::Kind::Invalid, "the pattern is not JSON: " + error, {}}};
    return compile(*tree, semantics);
}

EventPattern::CompileResult EventPattern::compile(const JsonTree& pattern, PatternSemantics semantics)
{
    if (!pattern.isObject())
        return {std::nullopt, PatternProblem{PatternProblem::Kind::Invalid, "the pattern must be a JSON object", {}}};
    auto compiled = std::make_shared<Compiled>();
    compiled->semantics = semantics;
    Compiler compiler(semantics);
    if (!compiler.compileNode(pattern, {}, compiled->root))
        return {std::nullopt, compiler.problem};
    return {EventPattern(std::move(compiled)), std::nullopt};
}

bool EventPattern::matches(const JsonTree& event) const
{
    return matchNode(m_compiled->root, event.isObject() ? &event : nullptr, nullptr);
}

MatchResult EventPattern::match(const JsonTree& event) const
{
    MatchResult result;
    const JsonTree* root = event.isObject() ? &event : nullptr;
    result.matched = matchNode(m_compiled->root, root, nullptr);
    if (!result.matched) {
        Failure why;
        matchNode(m_compiled->root, root, &why);
        result.path = std::move(why.path);
        result.reason = std::move(why.reason);
    }
    return result;
}

namespace {

void addNodePaths(const Node& node, EventPaths& paths);

/// The names a field's segments `first`… can have at this level: each join of the next segments ("a", "a.b", …);
/// below each, the rest of the segments, then the field's value (a leaf: kept whole) or its nested pattern.
void addFieldPaths(const Field& f, std::size_t first, EventPaths& paths)
{
    const std::size_t n = f.segments.size();
    for (std::size_t last = first; last < n; ++last) {
        EventPaths& member = paths.members[f.joined[first][last - first]];
        if (last + 1 < n)
            addFieldPaths(f, last + 1, member);
        else if (f.child)
            addNodePaths(*f.child, member);
        else
            member.whole = true;
    }
}

void addNodePaths(const Node& node, EventPaths& paths)
{
    for (const Field& f : node.fields)
        addFieldPaths(f, 0, paths);
    for (const OrGroup& group : node.ors) {
        for (const Node& alternative : group.alternatives)
            addNodePaths(alternative, paths);
    }
}

} // namespace

void EventPattern::addPaths(EventPaths& paths) const
{
    addNodePaths(m_compiled->root, paths);
}

PatternSemantics EventPattern::semantics() const
{
    return m_compiled->semantics;
}

PatternTestResult testEventPattern(std::string_view patternText, std::string_view eventText, PatternSemantics semantics)
{
    PatternTestResult r;
    EventPattern::CompileResult compiled = EventPattern::compile(patternText, semantics);
    if (!compiled.pattern) {
        r.outcome = compiled.problem->kind == PatternProblem::Kind::Unsupported
            ? PatternTestResult::Outcome::Unsupported
            : PatternTestResult::Outcome::Invalid;
        r.path = compiled.problem->path;
        r.reason = compiled.problem->reason;
        return r;
    }
    std::string error;
    const std::optional<JsonTree> event = JsonTree::parse(eventText, &error);
    if (!event || !event->isObject()) {
        r.outcome = PatternTestResult::Outcome::BadEvent;
        r.reason = event ? "the event must be a JSON object" : "the event is not JSON: " + error;
        return r;
    }
    MatchResult m = compiled.pattern->match(*event);
    r.outcome = m.matched ? PatternTestResult::Outcome::Match : PatternTestResult::Outcome::NoMatch;
    r.path = std::move(m.path);
    r.reason = std::move(m.reason);
    return r;
}

} // namespace model

#include "model/displayfilter.h"

#include <cctype>
#include <vector>

#include "model/attributevalue.h"
#include "model/decimal.h"

namespace model {

std::string DisplayFilterError::message() const
{
    return "column " + std::to_string(column) + ": " + reason;
}

namespace {

enum class Op : std::uint8_t { Eq, Ne, Lt, Le, Gt, Ge, Contains, StartsWith };

/// One step of an attribute path: a map member by name, or a list element by index.
struct Step
{
    std::string name;
    std::int64_t index = -1; ///< >= 0: a list index
};

enum class Root : std::uint8_t { NewImage, OldImage, Keys, EventName, EventId, Table, SequenceNumber, ViewType, Ttl };

struct FieldRef
{
    Root root = Root::NewImage;
    std::vector<Step> steps;
};

struct Operand
{
    bool isField = false;
    FieldRef field;
    AttributeValue literal;
};

} // namespace

struct DisplayFilter::Node
{
    enum class Kind : std::uint8_t { And, Or, Not, Compare, In, Exists, ExistsImage, Changed };
    Kind kind = Kind::Compare;
    std::unique_ptr<Node> a;
    std::unique_ptr<Node> b;
    Op op = Op::Eq;
    Operand left;
    Operand right;
    std::vector<AttributeValue> set; ///< In
    std::vector<Step> path;          ///< Changed
};

namespace {

using Node = DisplayFilter::Node;

// ---- tokens ----

enum class Tok : std::uint8_t {
    End,
    Ident,
    Quoted, ///< `name`
    String,
    Number,
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Not, ///< !
    AndAnd,
    OrOr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
};

struct Token
{
    Tok kind = Tok::End;
    std::size_t offset = 0; ///< byte offset in the expression
    std::string text;       ///< Ident/Quoted/String (unescaped)/Number, or the operator's spelling
};

struct Failure
{
    std::size_t offset;
    std::string reason;
};

bool identStart(unsigned char c)
{
    return std::isalpha(c) || c == '_' || c == '#' || c == '$' || c >= 0x80;
}

bool identChar(unsigned char c)
{
    return identStart(c) || std::isdigit(c) || c == '-';
}

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::vector<Token> tokenize(std::string_view s)
{
    std::vector<Token> tokens;
    std::size_t i = 0;
    while (true) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
            ++i;
        Token t;
        t.offset = i;
        if (i >= s.size()) {
            tokens.push_back(t);
            return tokens;
        }
        const char c = s[i];
        const char n = i + 1 < s.size() ? s[i + 1] : '\0';
        auto two = [&](Tok kind, const char* spelling) {
            t.kind = kind;
            t.text = spelling;
            i += t.text.size();
        };
        if (c == '"') {
            std::string text;
            std::size_t j = i + 1;
            bool closed = false;
            while (j < s.size()) {
                if (s[j] == '\\') {
                    if (j + 1 >= s.size())
                        break;
                    const char e = s[j + 1];
                    if (e == '"' || e == '\\')
                        text += e;
                    else if (e == 'n')
                        text += '\n';
                    else if (e == 't')
                        text += '\t';
                    else
                        throw Failure{j, std::string("unknown escape '\\") + e + "' (use \\\" \\\\ \\n \\t)"};
                    j += 2;
                    continue;
                }
                if (s[j] == '"') {
                    closed = true;
                    break;
                }
                text += s[j++];
            }
            if (!closed)
                throw Failure{i, "unterminated string (a '\"' without its closing '\"')"};
            t.kind = Tok::String;
            t.text = std::move(text);
            i = j + 1;
        } else if (c == '`') {
            const std::size_t close = s.find('`', i + 1);
            if (close == std::string_view::npos)
                throw Failure{i, "unterminated name (a '`' without its closing '`')"};
            t.kind = Tok::Quoted;
            t.text = std::string(s.substr(i + 1, close - i - 1));
            i = close + 1;
        } else if (std::isdigit(static_cast<unsigned char>(c))
                   || ((c == '-' || c == '+') && std::isdigit(static_cast<unsigned char>(n)))) {
            std::size_t j = i + 1;
            while (j < s.size()
                   && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.'
                       || ((s[j] == '-' || s[j] == '+') && (s[j - 1] == 'e' || s[j - 1] == 'E'))))
                ++j;
            t.kind = Tok::Number;
            t.text = std::string(s.substr(i, j - i));
            if (!Decimal::parse(t.text))
                throw Failure{i, "'" + t.text + "' is not a number"};
            i = j;
        } else if (identStart(static_cast<unsigned char>(c))) {
            std::size_t j = i + 1;
            while (j < s.size() && identChar(static_cast<unsigned char>(s[j])))
                ++j;
            t.kind = Tok::Ident;
            t.text = std::string(s.substr(i, j - i));
            i = j;
        } else if (c == '=' && n == '=') {
            two(Tok::Eq, "==");
        } else if (c == '!' && n == '=') {
            two(Tok::Ne, "!=");
        } else if (c == '<' && n == '=') {
            two(Tok::Le, "<=");
        } else if (c == '>' && n == '=') {
            two(Tok::Ge, ">=");
        } else if (c == '&' && n == '&') {
            two(Tok::AndAnd, "&&");
        } else if (c == '|' && n == '|') {
            two(Tok::OrOr, "||");
        } else if (c == '=') {
            throw Failure{i, "'=' is not an operator (use ==)"};
        } else {
            static constexpr std::pair<char, Tok> singles[] = {
                {'(', Tok::LParen},   {')', Tok::RParen},   {'{', Tok::LBrace}, {'}', Tok::RBrace},
                {'[', Tok::LBracket}, {']', Tok::RBracket}, {',', Tok::Comma},  {'.', Tok::Dot},
                {'!', Tok::Not},      {'<', Tok::Lt},       {'>', Tok::Gt},
            };
            bool found = false;
            for (const auto& [ch, kind] : singles) {
                if (c == ch) {
                    t.kind = kind;
                    t.text = std::string(1, c);
                    ++i;
                    found = true;
                    break;
                }
            }
            if (!found)
                throw Failure{i, std::string("unexpected character '") + c + "'"};
        }
        tokens.push_back(std::move(t));
    }
}

// ---- parser ----

class Parser
{
public:
    explicit Parser(std::vector<Token> tokens)
        : m_tokens(std::move(tokens))
    {
    }

    std::unique_ptr<Node> parseAll()
    {
        if (peek().kind == Tok::End)
            throw Failure{peek().offset, "empty expression"};
        auto node = parseOr();
        if (peek().kind != Tok::End)
            throw Failure{peek().offset, "unexpected " + describe(peek()) + " (expected and, or or the end)"};
        return node;
    }

private:
    const Token& peek(std::size_t ahead = 0) const { return m_tokens[std::min(m_pos + ahead, m_tokens.size() - 1)]; }
    Token take() { return m_tokens[std::min(m_pos++, m_tokens.size() - 1)]; }

    bool keyword(const char* word, std::size_t ahead = 0) const
    {
        return peek(ahead).kind == Tok::Ident && lower(peek(ahead).text) == word;
    }

    static std::string describe(const Token& t)
    {
        switch (t.kind) {
        case Tok::End:
            return "end of the expression";
        case Tok::String:
            return "string \"" + t.text + "\"";
        case Tok::Quoted:
            return "`" + t.text + "`";
        default:
            return "'" + t.text + "'";
        }
    }

    void expect(Tok kind, const char* what)
    {
        if (peek().kind != kind)
            throw Failure{peek().offset, std::string("expected ") + what + ", found " + describe(peek())};
        ++m_pos;
    }

    std::unique_ptr<Node> binary(Node::Kind kind, std::unique_ptr<Node> a, std::unique_ptr<Node> b)
    {
        auto n = std::make_unique<Node>();
        n->kind = kind;
        n->a = std::move(a);
        n->b = std::move(b);
        return n;
    }

    std::unique_ptr<Node> parseOr()
    {
        auto left = parseAnd();
        while (keyword("or") || peek().kind == Tok::OrOr) {
            ++m_pos;
            left = binary(Node::Kind::Or, std::move(left), parseAnd());
        }
        return left;
    }

    std::unique_ptr<Node> parseAnd()
    {
        auto left = parseUnary();
        while (keyword("and") || peek().kind == Tok::AndAnd) {
            ++m_pos;
            left = binary(Node::Kind::And, std::move(left), parseUnary());
        }
        return left;
    }

    std::unique_ptr<Node> parseUnary()
    {
        if (keyword("not") || peek().kind == Tok::Not) {
            ++m_pos;
            auto n = std::make_unique<Node>();
            n->kind = Node::Kind::Not;
            n->a = parseUnary();
            return n;
        }
        if (peek().kind == Tok::LParen) {
            const std::size_t open = take().offset;
            if (peek().kind == Tok::RParen)
                throw Failure{peek().offset, "empty parentheses"};
            auto inner = parseOr();
            if (peek().kind != Tok::RParen)
                throw Failure{peek().offset,
                              "expected ')' to close the '(' at column " + std::to_string(open + 1) + ", found "
                                  + describe(peek())};
            ++m_pos;
            return inner;
        }
        if ((keyword("exists") || keyword("changed")) && peek(1).kind == Tok::LParen)
            return parseCall();
        return parseComparison();
    }

    std::unique_ptr<Node> parseCall()
    {
        const bool exists = keyword("exists");
        m_pos += 2;
        auto n = std::make_unique<Node>();
        if (exists) {
            const Token start = peek();
            FieldRef f = parseField(true);
            const bool image = f.root == Root::NewImage || f.root == Root::OldImage || f.root == Root::Keys;
            n->kind = image && f.steps.empty() ? Node::Kind::ExistsImage : Node::Kind::Exists;
            n->left.isField = true;
            n->left.field = std::move(f);
            (void)start;
        } else {
            n->kind = Node::Kind::Changed;
            const Token start = peek();
            if (start.kind == Tok::Ident
                && (start.text == "NewImage" || start.text == "OldImage" || start.text == "Keys")
                && peek(1).kind == Tok::Dot)
                throw Failure{start.offset,
                              "changed() takes an attribute path inside the images, without "
                              "NewImage/OldImage/Keys: changed(status)"};
            n->path = parsePath(true);
        }
        expect(Tok::RParen, "')'");
        return n;
    }

    /// name ('.' name | '[' index ']')*; `first`: a name must come first.
    std::vector<Step> parsePath(bool first)
    {
        std::vector<Step> steps;
        if (first) {
            const Token t = peek();
            if (t.kind != Tok::Ident && t.kind != Tok::Quoted)
                throw Failure{t.offset, "expected an attribute name, found " + describe(t)};
            ++m_pos;
            steps.push_back({t.text, -1});
        }
        for (;;) {
            if (peek().kind == Tok::Dot) {
                ++m_pos;
                const Token t = peek();
                if (t.kind != Tok::Ident && t.kind != Tok::Quoted)
                    throw Failure{t.offset, "expected an attribute name after '.', found " + describe(t)};
                ++m_pos;
                steps.push_back({t.text, -1});
            } else if (peek().kind == Tok::LBracket) {
                ++m_pos;
                const Token t = peek();
                bool ok = t.kind == Tok::Number && !t.text.empty() && t.text.size() <= 9;
                for (char c : t.text)
                    ok = ok && std::isdigit(static_cast<unsigned char>(c));
                if (!ok)
                    throw Failure{t.offset, "expected a list index (0, 1, ...) in '[...]', found " + describe(t)};
                ++m_pos;
                steps.push_back({{}, std::stoll(t.text)});
                expect(Tok::RBracket, "']'");
            } else {
                return steps;
            }
        }
    }

    /// A field; `allowBareImage`: NewImage/OldImage/Keys without an attribute (exists(NewImage)).
    FieldRef parseField(bool allowBareImage)
    {
        const Token t = peek();
        if (t.kind != Tok::Ident)
            throw Failure{t.offset,
                          "expected a field (NewImage.<attribute>, OldImage.…, Keys.…, eventName, eventID, "
                          "table, sequenceNumber, streamViewType, ttl), found "
                              + describe(t)};
        ++m_pos;
        FieldRef f;
        static const std::pair<const char*, Root> images[] = {
            {"NewImage", Root::NewImage}, {"OldImage", Root::OldImage}, {"Keys", Root::Keys}};
        for (const auto& [name, root] : images) {
            if (t.text == name) {
                f.root = root;
                f.steps = parsePath(false);
                if (f.steps.empty() && !allowBareImage)
                    throw Failure{t.offset + t.text.size(), t.text + " needs an attribute: " + t.text + ".status"};
                if (!f.steps.empty() && f.steps.front().index >= 0)
                    throw Failure{t.offset + t.text.size(), t.text + " is a map: name an attribute, not an index"};
                return f;
            }
        }
        static const std::pair<const char*, Root> fields[] = {
            {"eventName", Root::EventName},
            {"eventID", Root::EventId},
            {"eventId", Root::EventId},
            {"table", Root::Table},
            {"tableName", Root::Table},
            {"sequenceNumber", Root::SequenceNumber},
            {"SequenceNumber", Root::SequenceNumber},
            {"streamViewType", Root::ViewType},
            {"StreamViewType", Root::ViewType},
            {"ttl", Root::Ttl},
        };
        for (const auto& [name, root] : fields) {
            if (t.text == name) {
                f.root = root;
                if (peek().kind == Tok::Dot || peek().kind == Tok::LBracket)
                    throw Failure{peek().offset, t.text + " has no members"};
                return f;
            }
        }
        throw Failure{t.offset,
                      "unknown field '" + t.text
                          + "' (fields: NewImage.<attribute>, OldImage.<attribute>, Keys.<attribute>, "
                            "eventName, eventID, table, sequenceNumber, streamViewType, ttl)"};
    }

    /// A literal value, or nullopt when the next token is none. `bareWords`: an identifier is a string.
    std::optional<AttributeValue> parseLiteral(bool bareWords)
    {
        const Token t = peek();
        if (t.kind == Tok::String) {
            ++m_pos;
            return AttributeValue::makeString(t.text);
        }
        if (t.kind == Tok::Number) {
            ++m_pos;
            return AttributeValue::makeNumber(t.text);
        }
        if (t.kind == Tok::Ident) {
            const std::string word = lower(t.text);
            if (word == "true" || word == "false") {
                ++m_pos;
                return AttributeValue::makeBool(word == "true");
            }
            if (word == "null") {
                ++m_pos;
                return AttributeValue::makeNull(true);
            }
            if (bareWords) {
                ++m_pos;
                return AttributeValue::makeString(t.text);
            }
        }
        return std::nullopt;
    }

    std::vector<AttributeValue> parseSetBody()
    {
        const std::size_t open = take().offset; // '{'
        std::vector<AttributeValue> values;
        if (peek().kind == Tok::RBrace)
            throw Failure{peek().offset, "empty set '{}'"};
        for (;;) {
            auto v = parseLiteral(true);
            if (!v)
                throw Failure{peek().offset, "expected a value in the set, found " + describe(peek())};
            values.push_back(std::move(*v));
            if (peek().kind == Tok::Comma) {
                ++m_pos;
                continue;
            }
            if (peek().kind == Tok::RBrace) {
                ++m_pos;
                return values;
            }
            throw Failure{peek().offset,
                          "expected ',' or '}' to close the '{' at column " + std::to_string(open + 1) + ", found "
                              + describe(peek())};
        }
    }

    Operand parseOperand(const char* after)
    {
        Operand o;
        const Token t = peek();
        if (t.kind == Tok::LBrace) {
            // A set literal: SS or NS (compared with a set attribute as a set).
            auto values = parseSetBody();
            const AttributeType type = values.front().type();
            std::vector<std::string> members;
            for (const auto& v : values) {
                if ((v.type() != AttributeType::S && v.type() != AttributeType::N) || v.type() != type)
                    throw Failure{t.offset, "a set holds only strings or only numbers"};
                members.push_back(v.text());
            }
            o.literal = type == AttributeType::S ? AttributeValue::makeStringSet(std::move(members))
                                                 : AttributeValue::makeNumberSet(std::move(members));
            return o;
        }
        if (auto v = parseLiteral(false)) {
            o.literal = std::move(*v);
            return o;
        }
        if (t.kind == Tok::End)
            throw Failure{t.offset, std::string("expected a value ") + after + ", found the end of the expression"};
        if (t.kind != Tok::Ident)
            throw Failure{t.offset, std::string("expected a field or a value ") + after + ", found " + describe(t)};
        o.isField = true;
        o.field = parseField(false);
        return o;
    }

    std::optional<Op> parseOp()
    {
        const Token& t = peek();
        std::optional<Op> op;
        switch (t.kind) {
        case Tok::Eq:
            op = Op::Eq;
            break;
        case Tok::Ne:
            op = Op::Ne;
            break;
        case Tok::Lt:
            op = Op::Lt;
            break;
        case Tok::Le:
            op = Op::Le;
            break;
        case Tok::Gt:
            op = Op::Gt;
            break;
        case Tok::Ge:
            op = Op::Ge;
            break;
        default:
            if (keyword("contains"))
                op = Op::Contains;
            else if (keyword("startswith"))
                op = Op::StartsWith;
        }
        if (op)
            ++m_pos;
        return op;
    }

    std::unique_ptr<Node> parseComparison()
    {
        auto n = std::make_unique<Node>();
        n->left = parseOperand("at the start of a comparison");
        if (keyword("in")) {
            ++m_pos;
            if (peek().kind != Tok::LBrace)
                throw Failure{peek().offset, "expected '{' after in, found " + describe(peek())};
            n->kind = Node::Kind::In;
            n->set = parseSetBody();
            return n;
        }
        const Token opToken = peek();
        const auto op = parseOp();
        if (!op)
            throw Failure{opToken.offset,
                          "expected an operator (==, !=, <, <=, >, >=, contains, startswith, in) "
                          "after the "
                              + std::string(n->left.isField ? "field" : "value") + ", found " + describe(opToken)};
        n->kind = Node::Kind::Compare;
        n->op = *op;
        n->right = parseOperand(("after '" + opToken.text + "'").c_str());
        if (!n->left.isField && !n->right.isField)
            throw Failure{opToken.offset, "a comparison needs a field on one side"};
        return n;
    }

    std::vector<Token> m_tokens;
    std::size_t m_pos = 0;
};

// ---- evaluation ----

const AttributeValue* walk(const Item& item, const std::vector<Step>& steps)
{
    if (steps.empty())
        return nullptr;
    auto it = item.find(steps.front().name);
    if (it == item.end())
        return nullptr;
    const AttributeValue* v = &it->second;
    for (std::size_t i = 1; i < steps.size(); ++i) {
        const Step& s = steps[i];
        if (s.index >= 0) {
            if (v->type() != AttributeType::L || static_cast<std::size_t>(s.index) >= v->list().size())
                return nullptr;
            v = &v->list()[static_cast<std::size_t>(s.index)];
        } else {
            if (v->type() != AttributeType::M)
                return nullptr;
            auto m = v->map().find(s.name);
            if (m == v->map().end())
                return nullptr;
            v = &m->second;
        }
    }
    return v;
}

const AttributeValue* resolve(const FieldRef& f, const StreamRecord& r, AttributeValue& scratch)
{
    switch (f.root) {
    case Root::NewImage:
        return r.newImage ? walk(*r.newImage, f.steps) : nullptr;
    case Root::OldImage:
        return r.oldImage ? walk(*r.oldImage, f.steps) : nullptr;
    case Root::Keys:
        return walk(r.keys, f.steps);
    case Root::EventName:
        scratch = AttributeValue::makeString(std::string(eventNameText(r.eventName)));
        return &scratch;
    case Root::EventId:
        if (r.eventId.empty())
            return nullptr;
        scratch = AttributeValue::makeString(r.eventId);
        return &scratch;
    case Root::Table:
        scratch = AttributeValue::makeString(r.table);
        return &scratch;
    case Root::SequenceNumber:
        if (r.sequenceNumber.empty())
            return nullptr;
        scratch = AttributeValue::makeNumber(r.sequenceNumber);
        return &scratch;
    case Root::ViewType:
        if (r.viewType == ViewType::Unknown)
            return nullptr;
        scratch = AttributeValue::makeString(std::string(viewTypeText(r.viewType)));
        return &scratch;
    case Root::Ttl:
        scratch = AttributeValue::makeBool(r.ttl);
        return &scratch;
    }
    return nullptr;
}

/// Ordering of two values: N numerically, S by bytes; nullopt when they do not compare.
std::optional<int> order(const AttributeValue& a, const AttributeValue& b)
{
    if (a.type() == AttributeType::N && b.type() == AttributeType::N)
        return compareNumbers(a.text(), b.text());
    if (a.type() == AttributeType::S && b.type() == AttributeType::S)
        return a.text().compare(b.text()) < 0 ? -1 : (a.text() == b.text() ? 0 : 1);
    return std::nullopt;
}

bool containsValue(const AttributeValue& container, const AttributeValue& v)
{
    switch (container.type()) {
    case AttributeType::S:
        return v.type() == AttributeType::S && container.text().find(v.text()) != std::string::npos;
    case AttributeType::SS:
        if (v.type() != AttributeType::S)
            return false;
        for (const auto& m : container.members())
            if (m == v.text())
                return true;
        return false;
    case AttributeType::NS:
        if (v.type() != AttributeType::N)
            return false;
        for (const auto& m : container.members())
            if (numbersEqual(m, v.text()))
                return true;
        return false;
    case AttributeType::BS:
        if (v.type() != AttributeType::B)
            return false;
        for (const auto& m : container.members())
            if (AttributeValue::makeBinary(m) == v)
                return true;
        return false;
    case AttributeType::L:
        for (const auto& e : container.list())
            if (e == v)
                return true;
        return false;
    default:
        return false;
    }
}

bool compare(Op op, const AttributeValue& a, const AttributeValue& b)
{
    switch (op) {
    case Op::Eq:
        return a == b;
    case Op::Ne:
        return a != b;
    case Op::Contains:
        return containsValue(a, b);
    case Op::StartsWith:
        return a.type() == AttributeType::S && b.type() == AttributeType::S && a.text().starts_with(b.text());
    default:
        break;
    }
    const auto o = order(a, b);
    if (!o)
        return false;
    switch (op) {
    case Op::Lt:
        return *o < 0;
    case Op::Le:
        return *o <= 0;
    case Op::Gt:
        return *o > 0;
    default:
        return *o >= 0;
    }
}

const AttributeValue* operandValue(const Operand& o, const StreamRecord& r, AttributeValue& scratch)
{
    return o.isField ? resolve(o.field, r, scratch) : &o.literal;
}

bool evaluate(const Node& n, const StreamRecord& r)
{
    switch (n.kind) {
    case Node::Kind::And:
        return evaluate(*n.a, r) && evaluate(*n.b, r);
    case Node::Kind::Or:
        return evaluate(*n.a, r) || evaluate(*n.b, r);
    case Node::Kind::Not:
        return !evaluate(*n.a, r);
    case Node::Kind::Compare: {
        AttributeValue s1;
        AttributeValue s2;
        const AttributeValue* a = operandValue(n.left, r, s1);
        const AttributeValue* b = operandValue(n.right, r, s2);
        return a && b && compare(n.op, *a, *b);
    }
    case Node::Kind::In: {
        AttributeValue s;
        const AttributeValue* a = operandValue(n.left, r, s);
        if (!a)
            return false;
        for (const auto& v : n.set)
            if (*a == v)
                return true;
        return false;
    }
    case Node::Kind::Exists: {
        AttributeValue s;
        return resolve(n.left.field, r, s) != nullptr;
    }
    case Node::Kind::ExistsImage:
        switch (n.left.field.root) {
        case Root::NewImage:
            return r.newImage.has_value();
        case Root::OldImage:
            return r.oldImage.has_value();
        default:
            return true; // Keys
        }
    case Node::Kind::Changed: {
        const AttributeValue* before = r.oldImage ? walk(*r.oldImage, n.path) : nullptr;
        const AttributeValue* after = r.newImage ? walk(*r.newImage, n.path) : nullptr;
        if (r.oldImage && r.newImage)
            return (before == nullptr) != (after == nullptr) || (before && *before != *after);
        if (r.eventName == EventName::Insert && r.newImage)
            return after != nullptr;
        if (r.eventName == EventName::Remove && r.oldImage)
            return before != nullptr;
        return false;
    }
    }
    return false;
}

/// Column (1-based, in code points) of a byte offset.
int columnOf(std::string_view text, std::size_t offset)
{
    int column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
            ++column;
    }
    return column;
}

} // namespace

DisplayFilter::DisplayFilter(std::shared_ptr<const Node> root, std::string text)
    : m_root(std::move(root))
    , m_text(std::move(text))
{
}

DisplayFilterCompileResult DisplayFilter::compile(std::string_view expression)
{
    DisplayFilterCompileResult result;
    try {
        Parser parser(tokenize(expression));
        std::shared_ptr<const Node> root = parser.parseAll();
        result.filter = DisplayFilter(std::move(root), std::string(expression));
    } catch (const Failure& f) {
        result.error = DisplayFilterError{columnOf(expression, f.offset), f.reason};
    }
    return result;
}

bool DisplayFilter::matches(const StreamRecord& record) const
{
    return evaluate(*m_root, record);
}

} // namespace model

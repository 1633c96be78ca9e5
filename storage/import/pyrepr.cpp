#include "storage/import/pyrepr.h"

#include <array>
#include <cstdio>
#include <memory>
#include <vector>

#include "model/base64.h"
#include "model/jsontext.h"

namespace storage {

namespace {

constexpr int kMaxDepth = 64;

/// One parsed Python value.
struct Py
{
    enum class Kind { Dict, List, Set, Str, Bytes, Int, Float, Decimal, Bool, None, DateTime };
    Kind kind = Kind::None;
    std::string text;        // Str: UTF-8 contents; Bytes: the bytes; numbers: their text; DateTime: as given
    bool flag = false;       // Bool: the value; DateTime: zone known
    std::int64_t micros = 0; // DateTime with a known zone: µs since the epoch, UTC
    std::vector<Py> items;   // List/Set: elements; Dict: key, value, key, value, …
};

struct ParseError
{
    std::size_t offset;
    std::string message;
};

std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void appendUtf8(std::string& out, std::uint32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

class Parser
{
public:
    explicit Parser(std::string_view text)
        : m_text(text)
    {
    }

    Py document()
    {
        skip();
        Py v = value(0);
        skip();
        if (m_pos != m_text.size())
            fail("unexpected text after the value");
        return v;
    }

    std::int64_t localTimes = 0;

private:
    [[noreturn]] void fail(std::string message) const { throw ParseError{m_pos, std::move(message)}; }

    void skip()
    {
        while (m_pos < m_text.size()
               && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r'))
            ++m_pos;
    }
    bool peek(std::string_view s) const { return m_text.substr(m_pos, s.size()) == s; }
    void expect(char c)
    {
        skip();
        if (m_pos >= m_text.size() || m_text[m_pos] != c)
            fail(std::string("expected '") + c + "'");
        ++m_pos;
    }
    bool accept(char c)
    {
        skip();
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }

    Py value(int depth)
    {
        if (depth > kMaxDepth)
            fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
        skip();
        if (m_pos >= m_text.size())
            fail("the text ends where a value should be");
        const char c = m_text[m_pos];
        if (c == '{')
            return braces(depth);
        if (c == '[' || c == '(')
            return sequence(depth, c == '[' ? ']' : ')');
        if (c == '\'' || c == '"')
            return Py{Py::Kind::Str, string(), false, 0, {}};
        if (c == 'b' && m_pos + 1 < m_text.size() && (m_text[m_pos + 1] == '\'' || m_text[m_pos + 1] == '"')) {
            ++m_pos;
            return Py{Py::Kind::Bytes, string(true), false, 0, {}};
        }
        if (c == '-' || (c >= '0' && c <= '9'))
            return number();
        return name(depth);
    }

    Py braces(int depth)
    {
        ++m_pos; // '{'
        Py v{Py::Kind::Dict, {}, false, 0, {}};
        if (accept('}'))
            return v;
        bool first = true;
        do {
            skip();
            if (!first && m_pos < m_text.size() && m_text[m_pos] == '}')
                break; // trailing comma
            Py key = value(depth + 1);
            skip();
            if (first)
                v.kind = m_pos < m_text.size() && m_text[m_pos] == ':' ? Py::Kind::Dict : Py::Kind::Set;
            first = false;
            v.items.push_back(std::move(key));
            if (v.kind == Py::Kind::Dict) {
                expect(':');
                v.items.push_back(value(depth + 1));
            }
        } while (accept(','));
        expect('}');
        return v;
    }

    Py sequence(int depth, char close)
    {
        ++m_pos;
        Py v{Py::Kind::List, {}, false, 0, {}};
        if (accept(close))
            return v;
        do {
            skip();
            if (!v.items.empty() && m_pos < m_text.size() && m_text[m_pos] == close)
                break;
            v.items.push_back(value(depth + 1));
        } while (accept(','));
        expect(close);
        return v;
    }

    std::uint32_t hex(std::size_t digits)
    {
        std::uint32_t cp = 0;
        for (std::size_t i = 0; i < digits; ++i) {
            if (m_pos >= m_text.size())
                fail("the text ends inside an escape");
            const char h = m_text[m_pos++];
            cp <<= 4;
            if (h >= '0' && h <= '9')
                cp |= static_cast<std::uint32_t>(h - '0');
            else if (h >= 'a' && h <= 'f')
                cp |= static_cast<std::uint32_t>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
                cp |= static_cast<std::uint32_t>(h - 'A' + 10);
            else
                fail("not a hex digit in an escape");
        }
        return cp;
    }

    /// A quoted string (after any b prefix); its contents (bytes for b'…').
    std::string string(bool bytes = false)
    {
        const char quote = m_text[m_pos++];
        std::string out;
        for (;;) {
            if (m_pos >= m_text.size())
                fail("the text ends inside a string");
            const char c = m_text[m_pos++];
            if (c == quote)
                return out;
            if (c == '\n')
                fail("a line break inside a string");
            if (c != '\\') {
                if (bytes && static_cast<unsigned char>(c) >= 0x80)
                    fail("a non-ASCII byte in a bytes literal");
                out += c;
                continue;
            }
            if (m_pos >= m_text.size())
                fail("the text ends inside an escape");
            const char e = m_text[m_pos++];
            switch (e) {
            case '\\':
            case '\'':
            case '"':
                out += e;
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'a':
                out += '\a';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'v':
                out += '\v';
                break;
            case 'x': {
                const std::uint32_t v = hex(2);
                if (bytes)
                    out += static_cast<char>(v);
                else
                    appendUtf8(out, v);
                break;
            }
            case 'u':
            case 'U': {
                if (bytes)
                    fail("\\u in a bytes literal");
                const std::uint32_t cp = hex(e == 'u' ? 4 : 8);
                if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                    fail("not a Unicode scalar value in an escape");
                appendUtf8(out, cp);
                break;
            }
            default:
                fail(std::string("unknown escape \\") + e);
            }
        }
    }

    Py number()
    {
        const std::size_t start = m_pos;
        if (m_text[m_pos] == '-')
            ++m_pos;
        const std::size_t digits = m_pos;
        while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
            ++m_pos;
        if (m_pos == digits)
            fail("a '-' without digits");
        bool isFloat = false;
        if (m_pos < m_text.size() && m_text[m_pos] == '.') {
            isFloat = true;
            ++m_pos;
            const std::size_t fraction = m_pos;
            while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
                ++m_pos;
            if (m_pos == fraction)
                fail("a number ends with '.'");
        }
        if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            isFloat = true;
            ++m_pos;
            if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-'))
                ++m_pos;
            const std::size_t exponent = m_pos;
            while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
                ++m_pos;
            if (m_pos == exponent)
                fail("an exponent without digits");
        }
        std::string text(m_text.substr(start, m_pos - start));
        if (text.size() > 1 + (text[0] == '-' ? 1 : 0) && text[text[0] == '-' ? 1 : 0] == '0'
            && text[(text[0] == '-' ? 1 : 0) + 1] >= '0' && text[(text[0] == '-' ? 1 : 0) + 1] <= '9')
            fail("a number with a leading zero");
        return Py{isFloat ? Py::Kind::Float : Py::Kind::Int, std::move(text), false, 0, {}};
    }

    std::string identifier()
    {
        const std::size_t start = m_pos;
        while (m_pos < m_text.size()
               && ((m_text[m_pos] >= 'a' && m_text[m_pos] <= 'z') || (m_text[m_pos] >= 'A' && m_text[m_pos] <= 'Z')
                   || (m_text[m_pos] >= '0' && m_text[m_pos] <= '9') || m_text[m_pos] == '_' || m_text[m_pos] == '.'))
            ++m_pos;
        return std::string(m_text.substr(start, m_pos - start));
    }

    /// True/False/None, Decimal('…'), Binary(b'…'), set(), datetime.datetime(…).
    Py name(int depth)
    {
        const std::size_t start = m_pos;
        const std::string id = identifier();
        if (id == "True" || id == "False")
            return Py{Py::Kind::Bool, {}, id == "True", 0, {}};
        if (id == "None")
            return Py{Py::Kind::None, {}, false, 0, {}};
        if (id.empty())
            fail(std::string("unexpected '") + m_text[m_pos] + "'");
        expect('(');
        if (id == "Decimal") {
            skip();
            if (m_pos >= m_text.size() || (m_text[m_pos] != '\'' && m_text[m_pos] != '"'))
                fail("Decimal( without a quoted number");
            Py n = number_in(string());
            expect(')');
            return n;
        }
        if (id == "Binary") {
            Py b = value(depth + 1);
            if (b.kind != Py::Kind::Bytes)
                fail("Binary( without a bytes literal");
            expect(')');
            return b;
        }
        if (id == "set" || id == "frozenset") {
            expect(')');
            return Py{Py::Kind::Set, {}, false, 0, {}};
        }
        if (id == "datetime.datetime" || id == "datetime")
            return dateTime(start);
        m_pos = start;
        fail("unknown name '" + id + "' (only True, False, None, Decimal, Binary, set and datetime.datetime are read)");
    }

    Py number_in(const std::string& text)
    {
        if (text.empty())
            fail("Decimal('') is not a number");
        Parser inner(text);
        Py n;
        try {
            n = inner.number();
        } catch (const ParseError&) {
            fail("Decimal('" + text + "') is not a finite decimal number");
        }
        if (inner.m_pos != text.size())
            fail("Decimal('" + text + "') is not a finite decimal number");
        n.kind = Py::Kind::Decimal;
        return n;
    }

    std::int64_t integer()
    {
        skip();
        Py n = number();
        if (n.kind != Py::Kind::Int || n.text.size() > 9)
            fail("expected a small integer");
        return std::stoll(n.text);
    }

    Py dateTime(std::size_t start)
    {
        std::array<std::int64_t, 7> f{0, 1, 1, 0, 0, 0, 0};
        std::size_t n = 0;
        std::string zone;
        for (;;) {
            skip();
            if (peek("tzinfo=")) {
                m_pos += 7;
                skip();
                zone = identifier();
                expect('(');
                expect(')');
                accept(',');
                expect(')');
                break;
            }
            if (accept(')'))
                break;
            if (n == f.size())
                fail("datetime.datetime( with too many fields");
            f[n++] = integer();
            if (!accept(',')) {
                expect(')');
                break;
            }
        }
        if (n < 3)
            fail("datetime.datetime( needs year, month and day");
        if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 59 || f[6] > 999999)
            fail("datetime.datetime( with a field out of range");
        Py v{Py::Kind::DateTime, std::string(m_text.substr(start, m_pos - start)), false, 0, {}};
        if (zone == "tzutc" || zone == "datetime.timezone.utc" || zone == "timezone.utc") {
            v.flag = true;
            const std::int64_t days = daysFromCivil(f[0], static_cast<unsigned>(f[1]), static_cast<unsigned>(f[2]));
            v.micros = ((days * 24 + f[3]) * 60 + f[4]) * 60 * 1000000 + f[5] * 1000000 + f[6];
        } else if (zone.empty() || zone == "tzlocal") {
            ++localTimes; // the printing machine's zone: unknown here
        } else {
            fail("tzinfo " + zone + "() is not read (tzutc(), tzlocal() and datetime.timezone.utc are)");
        }
        return v;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

struct WriteError
{
    std::string message;
};

bool isTypedValue(const Py& v)
{
    static constexpr std::array<std::string_view, 10> tags{"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"};
    if (v.kind != Py::Kind::Dict || v.items.size() != 2 || v.items[0].kind != Py::Kind::Str)
        return false;
    for (const auto tag : tags)
        if (v.items[0].text == tag)
            return true;
    return false;
}

void writeJson(std::string& out, const Py& v, bool imageMember);

/// A value boto3's TypeDeserializer made from an attribute value, typed back into DynamoDB JSON.
void writeAttribute(std::string& out, const Py& v)
{
    switch (v.kind) {
    case Py::Kind::Str:
        out += "{\"S\":";
        model::jsontext::appendQuoted(out, v.text);
        out += '}';
        return;
    case Py::Kind::Int:
    case Py::Kind::Decimal:
    case Py::Kind::Float:
        out += "{\"N\":";
        model::jsontext::appendQuoted(out, v.text);
        out += '}';
        return;
    case Py::Kind::Bytes:
        out += "{\"B\":";
        model::jsontext::appendQuoted(out, model::base64Encode(v.text));
        out += '}';
        return;
    case Py::Kind::Bool:
        out += v.flag ? "{\"BOOL\":true}" : "{\"BOOL\":false}";
        return;
    case Py::Kind::None:
        out += "{\"NULL\":true}";
        return;
    case Py::Kind::List:
        out += "{\"L\":[";
        for (std::size_t i = 0; i < v.items.size(); ++i) {
            if (i > 0)
                out += ',';
            writeAttribute(out, v.items[i]);
        }
        out += "]}";
        return;
    case Py::Kind::Dict:
        out += "{\"M\":";
        writeJson(out, v, true);
        out += '}';
        return;
    case Py::Kind::Set: {
        if (v.items.empty())
            throw WriteError{"an empty set() has no DynamoDB type (SS, NS or BS)"};
        const Py::Kind k = v.items.front().kind;
        const bool number = k == Py::Kind::Int || k == Py::Kind::Decimal;
        const char* tag = k == Py::Kind::Str ? "SS" : number ? "NS" : k == Py::Kind::Bytes ? "BS" : nullptr;
        if (!tag)
            throw WriteError{"a set of values that are not strings, numbers or binaries"};
        out += std::string("{\"") + tag + "\":[";
        for (std::size_t i = 0; i < v.items.size(); ++i) {
            const Py& m = v.items[i];
            const bool same = number ? (m.kind == Py::Kind::Int || m.kind == Py::Kind::Decimal) : m.kind == k;
            if (!same)
                throw WriteError{"a set mixing value types"};
            if (i > 0)
                out += ',';
            model::jsontext::appendQuoted(out, k == Py::Kind::Bytes ? model::base64Encode(m.text) : m.text);
        }
        out += "]}";
        return;
    }
    case Py::Kind::DateTime:
        throw WriteError{"a datetime inside an item (DynamoDB has no such type)"};
    }
}

/// `imageMember`: v is an item map (Keys, NewImage, OldImage or an M): its values are attribute values.
void writeJson(std::string& out, const Py& v, bool imageMember)
{
    switch (v.kind) {
    case Py::Kind::Dict: {
        out += '{';
        for (std::size_t i = 0; i + 1 < v.items.size(); i += 2) {
            const Py& key = v.items[i];
            if (key.kind != Py::Kind::Str)
                throw WriteError{"a dict key that is not a string"};
            if (i > 0)
                out += ',';
            model::jsontext::appendQuoted(out, key.text);
            out += ':';
            const Py& value = v.items[i + 1];
            const bool image = key.text == "Keys" || key.text == "NewImage" || key.text == "OldImage";
            if (imageMember && !isTypedValue(value))
                writeAttribute(out, value);
            else
                writeJson(out, value, image && value.kind == Py::Kind::Dict);
        }
        out += '}';
        return;
    }
    case Py::Kind::List:
        out += '[';
        for (std::size_t i = 0; i < v.items.size(); ++i) {
            if (i > 0)
                out += ',';
            writeJson(out, v.items[i], false);
        }
        out += ']';
        return;
    case Py::Kind::Set:
        throw WriteError{"a set outside an item"};
    case Py::Kind::Str:
        model::jsontext::appendQuoted(out, v.text);
        return;
    case Py::Kind::Bytes:
        model::jsontext::appendQuoted(out, model::base64Encode(v.text)); // {'B': b'…'} of a low-level response
        return;
    case Py::Kind::Int:
    case Py::Kind::Float:
    case Py::Kind::Decimal:
        out += v.text;
        return;
    case Py::Kind::Bool:
        out += v.flag ? "true" : "false";
        return;
    case Py::Kind::None:
        out += "null";
        return;
    case Py::Kind::DateTime:
        if (v.flag) {
            // Seconds since the epoch, exact to the microsecond.
            const std::int64_t seconds = v.micros >= 0 ? v.micros / 1000000 : -((-v.micros + 999999) / 1000000);
            const std::int64_t fraction = v.micros - seconds * 1000000;
            char text[48];
            std::snprintf(text, sizeof text, "%lld.%06lld", static_cast<long long>(seconds),
                          static_cast<long long>(fraction));
            out += text;
        } else {
            model::jsontext::appendQuoted(out, v.text); // zone unknown: kept as given (no time is made of it)
        }
        return;
    }
}

} // namespace

PyReprResult pythonReprToJson(std::string_view text)
{
    PyReprResult result;
    Parser parser(text);
    Py root;
    try {
        root = parser.document();
    } catch (const ParseError& e) {
        result.error = "Python literal syntax error: " + e.message;
        result.errorOffset = e.offset;
        return result;
    }
    try {
        writeJson(result.json, root, false);
    } catch (const WriteError& e) {
        result.json.clear();
        result.error = "cannot type the printed value: " + e.message;
        return result;
    }
    result.localTimes = parser.localTimes;
    return result;
}

} // namespace storage

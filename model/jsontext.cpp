#include "model/jsontext.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace model::jsontext {

void appendQuoted(std::string& out, std::string_view text)
{
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 0xF]);
            } else if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80
                       && (static_cast<unsigned char>(text[i + 2]) == 0xA8
                           || static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
                out += static_cast<unsigned char>(text[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
                i += 2;
            } else {
                out.push_back(static_cast<char>(c));
            }
        }
    }
    out.push_back('"');
}

std::string quoted(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + 2);
    appendQuoted(out, text);
    return out;
}

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void skipSpace(std::string_view s, std::size_t& i)
{
    while (i < s.size() && isSpace(s[i]))
        ++i;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool readHex4(std::string_view s, std::size_t i, std::uint32_t& v)
{
    if (i + 4 > s.size())
        return false;
    v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
        const int h = hexValue(s[i + k]);
        if (h < 0)
            return false;
        v = (v << 4) | static_cast<std::uint32_t>(h);
    }
    return true;
}

void appendUtf8(std::string& out, std::uint32_t cp)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

/// s[i] == '"'; on success i is just past the closing quote and `out` holds the unescaped text. Runs of plain
/// characters are copied at once.
bool readString(std::string_view s, std::size_t& i, std::string* out)
{
    ++i;
    const char* data = s.data();
    const std::size_t n = s.size();
    // The next quote at or after i (n: none), looked for again only once an escape took i past it: each byte is
    // looked at a bounded number of times (memchr), however many escapes the string has.
    std::size_t quote = 0;
    bool quoteKnown = false;
    while (i < n) {
        if (!quoteKnown || quote < i) {
            const void* q = std::memchr(data + i, '"', n - i);
            quote = q ? static_cast<std::size_t>(static_cast<const char*>(q) - data) : n;
            quoteKnown = true;
        }
        const void* b = std::memchr(data + i, '\\', quote - i);
        const std::size_t j = b ? static_cast<std::size_t>(static_cast<const char*>(b) - data) : quote;
        if (j == n)
            return false;
        if (out)
            out->append(data + i, j - i);
        i = j;
        if (data[j] == '"') {
            ++i;
            return true;
        }
        if (i + 1 >= s.size())
            return false;
        const char e = s[i + 1];
        i += 2;
        if (!out) {
            if (e == 'u')
                i += 4;
            continue;
        }
        switch (e) {
        case '"':
        case '\\':
        case '/':
            out->push_back(e);
            break;
        case 'n':
            out->push_back('\n');
            break;
        case 'r':
            out->push_back('\r');
            break;
        case 't':
            out->push_back('\t');
            break;
        case 'b':
            out->push_back('\b');
            break;
        case 'f':
            out->push_back('\f');
            break;
        case 'u': {
            std::uint32_t cp = 0;
            if (!readHex4(s, i, cp))
                return false;
            i += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < s.size() && s[i] == '\\' && s[i + 1] == 'u') {
                std::uint32_t lo = 0;
                if (readHex4(s, i + 2, lo) && lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                }
            }
            appendUtf8(*out, cp);
            break;
        }
        default:
            return false;
        }
    }
    return false;
}

/// Bytes skipValue must look at inside an object or array: quotes and brackets.
constexpr std::array<bool, 256> kStructural = [] {
    std::array<bool, 256> t{};
    t['"'] = t['{'] = t['}'] = t['['] = t[']'] = true;
    return t;
}();

/// Skips one JSON value starting at s[i] (no surrounding whitespace); i ends just past it.
bool skipValue(std::string_view s, std::size_t& i)
{
    if (i >= s.size())
        return false;
    const char c = s[i];
    if (c == '"')
        return readString(s, i, nullptr);
    if (c == '{' || c == '[') {
        int depth = 0;
        while (i < s.size()) {
            const char d = s[i];
            if (!kStructural[static_cast<unsigned char>(d)]) {
                ++i;
                continue;
            }
            if (d == '"') {
                if (!readString(s, i, nullptr))
                    return false;
                continue;
            }
            if (d == '{' || d == '[') {
                ++depth;
            } else if (d == '}' || d == ']') {
                if (--depth == 0) {
                    ++i;
                    return true;
                }
            }
            ++i;
        }
        return false;
    }
    const std::size_t start = i;
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && !isSpace(s[i]))
        ++i;
    return i > start;
}

} // namespace

bool splitObject(std::string_view json, std::vector<RawMember>& out)
{
    out.clear();
    std::size_t i = 0;
    skipSpace(json, i);
    if (i >= json.size() || json[i] != '{')
        return false;
    ++i;
    skipSpace(json, i);
    if (i < json.size() && json[i] == '}') {
        ++i;
        skipSpace(json, i);
        return i == json.size();
    }
    while (i < json.size()) {
        skipSpace(json, i);
        if (i >= json.size() || json[i] != '"')
            return false;
        RawMember m;
        if (!readString(json, i, &m.name))
            return false;
        skipSpace(json, i);
        if (i >= json.size() || json[i] != ':')
            return false;
        ++i;
        skipSpace(json, i);
        const std::size_t start = i;
        if (!skipValue(json, i))
            return false;
        m.value = json.substr(start, i - start);
        out.push_back(std::move(m));
        skipSpace(json, i);
        if (i >= json.size())
            return false;
        if (json[i] == ',') {
            ++i;
            continue;
        }
        if (json[i] == '}') {
            ++i;
            skipSpace(json, i);
            return i == json.size();
        }
        return false;
    }
    return false;
}

} // namespace model::jsontext

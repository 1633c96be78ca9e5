#pragma once

// Shared by the libFuzzer targets: a check that reports the broken invariant with the input and aborts (libFuzzer
// then saves the input as crash-<sha1>; copy it to regressions/<target>/ so ctest replays it forever).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace fuzzsupport {

[[noreturn]] inline void fail(const char* what, const char* file, int line, std::string_view detail = {})
{
    std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
    if (!detail.empty())
        std::fprintf(stderr, "  detail: %.*s\n", static_cast<int>(detail.size() > 2000 ? 2000 : detail.size()),
                     detail.data());
    std::abort();
}

inline std::string_view asText(const std::uint8_t* data, std::size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

/// Strict RFC 8259 grammar check (numbers by grammar only, any magnitude; strings must be valid UTF-8 without raw
/// control characters). nlohmann::json::accept would also reject numbers beyond double range, which are valid
/// JSON text.
class JsonGrammar
{
public:
    static bool accept(std::string_view text)
    {
        JsonGrammar g(text);
        g.ws();
        if (!g.value(0))
            return false;
        g.ws();
        return g.m_pos == text.size();
    }

private:
    explicit JsonGrammar(std::string_view text)
        : m_text(text)
    {
    }
    bool more() const { return m_pos < m_text.size(); }
    char peek() const { return more() ? m_text[m_pos] : '\0'; }
    void ws()
    {
        while (more() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
            ++m_pos;
    }
    bool literal(std::string_view word)
    {
        if (m_text.substr(m_pos, word.size()) != word)
            return false;
        m_pos += word.size();
        return true;
    }
    bool digits()
    {
        const std::size_t start = m_pos;
        while (more() && peek() >= '0' && peek() <= '9')
            ++m_pos;
        return m_pos > start;
    }
    bool number()
    {
        if (peek() == '-')
            ++m_pos;
        if (peek() == '0')
            ++m_pos;
        else if (!digits())
            return false;
        if (peek() == '.') {
            ++m_pos;
            if (!digits())
                return false;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++m_pos;
            if (peek() == '+' || peek() == '-')
                ++m_pos;
            if (!digits())
                return false;
        }
        return true;
    }
    bool string()
    {
        ++m_pos; // opening quote
        while (more()) {
            const auto c = static_cast<unsigned char>(m_text[m_pos]);
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (c < 0x20)
                return false;
            if (c == '\\') {
                ++m_pos;
                const char e = peek();
                if (e == 'u') {
                    for (int i = 1; i <= 4; ++i) {
                        const char h = m_pos + static_cast<std::size_t>(i) < m_text.size()
                            ? m_text[m_pos + static_cast<std::size_t>(i)]
                            : '\0';
                        if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
                            return false;
                    }
                    m_pos += 5;
                } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r'
                           || e == 't') {
                    ++m_pos;
                } else {
                    return false;
                }
                continue;
            }
            if (c < 0x80) {
                ++m_pos;
                continue;
            }
            // UTF-8: reject overlongs, surrogates and code points above U+10FFFF.
            int length = 0;
            std::uint32_t cp = 0;
            if (c >= 0xC2 && c <= 0xDF) {
                length = 2;
                cp = c & 0x1Fu;
            } else if (c >= 0xE0 && c <= 0xEF) {
                length = 3;
                cp = c & 0x0Fu;
            } else if (c >= 0xF0 && c <= 0xF4) {
                length = 4;
                cp = c & 0x07u;
            } else {
                return false;
            }
            if (m_pos + static_cast<std::size_t>(length) > m_text.size())
                return false;
            for (int i = 1; i < length; ++i) {
                const auto cc = static_cast<unsigned char>(m_text[m_pos + static_cast<std::size_t>(i)]);
                if ((cc & 0xC0u) != 0x80u)
                    return false;
                cp = (cp << 6) | (cc & 0x3Fu);
            }
            if ((length == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
                || (length == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
                return false;
            m_pos += static_cast<std::size_t>(length);
        }
        return false;
    }
    bool value(int depth)
    {
        if (depth > 100000)
            return false;
        ws();
        switch (peek()) {
        case '{': {
            ++m_pos;
            ws();
            if (peek() == '}') {
                ++m_pos;
                return true;
            }
            while (true) {
                ws();
                if (peek() != '"' || !string())
                    return false;
                ws();
                if (peek() != ':')
                    return false;
                ++m_pos;
                if (!value(depth + 1))
                    return false;
                ws();
                if (peek() == ',') {
                    ++m_pos;
                    continue;
                }
                if (peek() != '}')
                    return false;
                ++m_pos;
                return true;
            }
        }
        case '[': {
            ++m_pos;
            ws();
            if (peek() == ']') {
                ++m_pos;
                return true;
            }
            while (true) {
                if (!value(depth + 1))
                    return false;
                ws();
                if (peek() == ',') {
                    ++m_pos;
                    continue;
                }
                if (peek() != ']')
                    return false;
                ++m_pos;
                return true;
            }
        }
        case '"':
            return string();
        case 't':
            return literal("true");
        case 'f':
            return literal("false");
        case 'n':
            return literal("null");
        default:
            return number();
        }
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

} // namespace fuzzsupport

#define FUZZ_CHECK(condition)                                                                                          \
    do {                                                                                                               \
        if (!(condition))                                                                                              \
            fuzzsupport::fail(#condition, __FILE__, __LINE__);                                                         \
    } while (false)

#define FUZZ_CHECK_MSG(condition, detail)                                                                              \
    do {                                                                                                               \
        if (!(condition))                                                                                              \
            fuzzsupport::fail(#condition, __FILE__, __LINE__, (detail));                                               \
    } while (false)

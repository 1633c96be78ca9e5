#include "storage/import/syntaxlocator.h"

#include <nlohmann/json.hpp>

namespace storage {

namespace {

// Accepts everything and remembers the first parse error.
struct ErrorSax : nlohmann::json_sax<nlohmann::json>
{
    std::string_view text;
    std::optional<SyntaxProblem> problem;

    // The '"' opening the string whose closing '"' is at `close`.
    std::size_t openingQuote(std::size_t close) const
    {
        for (std::size_t i = close; i-- > 0;) {
            if (text[i] != '"')
                continue;
            std::size_t backslashes = 0;
            while (backslashes < i && text[i - 1 - backslashes] == '\\')
                ++backslashes;
            if (backslashes % 2 == 0)
                return i;
        }
        return close;
    }

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t position, const std::string& lastToken, const nlohmann::json::exception& ex) override
    {
        SyntaxProblem p;
        // nlohmann counts the bytes read up to the end of the offending token: point at the token's first byte (a
        // string with a bad byte inside: at that byte; the end of the input: just past the last byte).
        p.offset = position > 0 ? position - 1 : 0;
        // "[json.exception.parse_error.101] parse error at line L, column C: syntax error while parsing X - what;
        // last read: '…'; expected Y": keep "what" and "expected Y" (the position is reported by the caller).
        std::string what = ex.what();
        const std::string marker = "syntax error while parsing ";
        auto at = what.find(marker);
        std::string detail = at == std::string::npos ? what : what.substr(at + marker.size());
        const auto dash = detail.find(" - ");
        std::string context = dash == std::string::npos ? std::string() : detail.substr(0, dash);
        if (dash != std::string::npos)
            detail = detail.substr(dash + 3);
        std::string message;
        std::size_t start = 0;
        while (start <= detail.size()) {
            auto end = detail.find("; ", start);
            std::string part = detail.substr(start, end == std::string::npos ? std::string::npos : end - start);
            if (part.rfind("last read:", 0) != 0 && !part.empty())
                message += (message.empty() ? "" : "; ") + part;
            if (end == std::string::npos)
                break;
            start = end + 2;
        }
        if (!context.empty())
            message += " (while reading " + context + ")";
        p.atEnd = lastToken.empty() || what.find("unexpected end of input") != std::string::npos;
        if (p.atEnd)
            p.offset = position;
        else if (what.find("unexpected string literal") != std::string::npos && position >= 2)
            p.offset = openingQuote(position - 1);
        p.message = std::move(message);
        problem = std::move(p);
        return false;
    }
};

} // namespace

std::optional<SyntaxProblem> locateSyntaxError(std::string_view text)
{
    ErrorSax sax;
    sax.text = text;
    try {
        nlohmann::json::sax_parse(text.begin(), text.end(), &sax);
    } catch (const std::exception& e) {
        return SyntaxProblem{0, e.what(), false};
    }
    if (sax.problem && sax.problem->offset > text.size())
        sax.problem->offset = text.size();
    return sax.problem;
}

} // namespace storage

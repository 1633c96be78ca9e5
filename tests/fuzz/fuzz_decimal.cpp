// libFuzzer target: the exact-value helpers under the AttributeValue (model/decimal.h, base64.h,
// sequencenumber.h). The input is split at its first '\n' into two texts a and b.
// Invariants: canonical text is a fixed point and equal in value; comparison is antisymmetric and agrees with
// numbersEqual and with canonical text equality; base64 round-trips; sequenceSortKey orders like
// compareSequenceNumbers.

#include <string>

#include "fuzzsupport.h"
#include "model/base64.h"
#include "model/decimal.h"
#include "model/sequencenumber.h"

namespace {

int sign(int v)
{
    return (v > 0) - (v < 0);
}

void checkNumberText(std::string_view text)
{
    const model::NumberProblem problem = model::checkNumber(text);
    (void)model::describe(problem, text);
    const model::JsNumberRisk risk = model::jsNumberRisk(text);
    (void)model::describe(risk, text);
    const std::string canonical = model::canonicalNumber(text);

    const auto decimal = model::Decimal::parse(text);
    if (!decimal)
        return;
    FUZZ_CHECK_MSG(problem != model::NumberProblem::NotANumber, std::string(text));
    FUZZ_CHECK_MSG(decimal->canonical() == canonical, std::string(text));
    const auto reparsed = model::Decimal::parse(canonical);
    FUZZ_CHECK_MSG(reparsed, std::string(text) + " -> " + canonical);
    FUZZ_CHECK_MSG(reparsed->compare(*decimal) == 0, std::string(text) + " -> " + canonical);
    FUZZ_CHECK_MSG(reparsed->canonical() == canonical, std::string(text) + " -> " + canonical);
    FUZZ_CHECK_MSG(model::numbersEqual(text, canonical), std::string(text) + " -> " + canonical);
}

void checkBase64(std::string_view text)
{
    const std::string encoded = model::base64Encode(text);
    const auto decoded = model::base64Decode(encoded);
    FUZZ_CHECK(decoded && *decoded == text);
    if (const auto bytes = model::base64Decode(text)) {
        const auto back = model::base64Decode(model::base64Encode(*bytes));
        FUZZ_CHECK(back && *back == *bytes);
    }
}

std::size_t significantLength(std::string_view digits)
{
    const auto first = digits.find_first_not_of('0');
    return first == std::string_view::npos ? 0 : digits.size() - first;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input = fuzzsupport::asText(data, size);
    const auto newline = input.find('\n');
    const std::string_view a = input.substr(0, newline);
    const std::string_view b = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);

    checkNumberText(a);
    checkNumberText(b);
    checkBase64(a);

    const int ab = model::compareNumbers(a, b);
    const int ba = model::compareNumbers(b, a);
    FUZZ_CHECK_MSG(sign(ab) == -sign(ba), std::string(input));
    FUZZ_CHECK_MSG(model::numbersEqual(a, b) == (ab == 0), std::string(input));
    const auto da = model::Decimal::parse(a);
    const auto db = model::Decimal::parse(b);
    if (da && db) {
        FUZZ_CHECK_MSG(sign(da->compare(*db)) == sign(ab), std::string(input));
        FUZZ_CHECK_MSG((da->canonical() == db->canonical()) == (ab == 0), std::string(input));
    }

    if (model::isSequenceNumber(a) && model::isSequenceNumber(b) && significantLength(a) <= 999
        && significantLength(b) <= 999) {
        const int bySort = model::sequenceSortKey(a).compare(model::sequenceSortKey(b));
        FUZZ_CHECK_MSG(sign(bySort) == sign(model::compareSequenceNumbers(a, b)), std::string(input));
    }
    return 0;
}

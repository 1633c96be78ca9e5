// libFuzzer target: arbitrary bytes as DynamoDB JSON -> model::AttributeValue / model::Item.
// Whatever decodes must validate without crashing, print as DynamoDB JSON that decodes back to an equal value
// (and prints identically), have a canonical form that is a fixed point, and print as valid plain JSON.

#include <string>

#include "fuzzsupport.h"
#include "model/attributevalue.h"
#include "model/dynamodbjson.h"

namespace {

void checkValue(const model::AttributeValue& value)
{
    (void)model::validate(value);

    const std::string text = model::toDynamoJson(value);
    const auto again = model::parseAttributeValue(text);
    FUZZ_CHECK_MSG(again, text + " -> " + again.error.message);
    FUZZ_CHECK_MSG(*again.value == value, text);
    FUZZ_CHECK_MSG(model::toDynamoJson(*again.value) == text, text);

    const std::string canonical = model::canonicalJson(value);
    const auto fromCanonical = model::parseAttributeValue(canonical);
    FUZZ_CHECK_MSG(fromCanonical, canonical + " -> " + fromCanonical.error.message);
    FUZZ_CHECK_MSG(*fromCanonical.value == value, canonical);
    FUZZ_CHECK_MSG(model::canonicalJson(*fromCanonical.value) == canonical, canonical);

    const std::string plain = model::toPlainJson(value);
    FUZZ_CHECK_MSG(fuzzsupport::JsonGrammar::accept(plain), plain);
    const std::string indented = model::toPlainJson(value, 2);
    FUZZ_CHECK_MSG(fuzzsupport::JsonGrammar::accept(indented), indented);
}

void checkItem(const model::Item& item)
{
    (void)model::validate(item);
    (void)model::keyDisplayText(item);

    const std::string text = model::toDynamoJson(item);
    const auto again = model::parseItem(text);
    FUZZ_CHECK_MSG(again, text + " -> " + again.error.message);
    FUZZ_CHECK_MSG(model::itemsEqual(*again.value, item), text);
    FUZZ_CHECK_MSG(model::toDynamoJson(*again.value) == text, text);

    const std::string canonical = model::canonicalJson(item);
    const auto fromCanonical = model::parseItem(canonical);
    FUZZ_CHECK_MSG(fromCanonical, canonical + " -> " + fromCanonical.error.message);
    FUZZ_CHECK_MSG(model::itemsEqual(*fromCanonical.value, item), canonical);
    FUZZ_CHECK_MSG(model::canonicalJson(*fromCanonical.value) == canonical, canonical);

    FUZZ_CHECK_MSG(fuzzsupport::JsonGrammar::accept(model::toPlainJson(item)), model::toPlainJson(item));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input = fuzzsupport::asText(data, size);

    const auto value = model::parseAttributeValue(input);
    if (value)
        checkValue(*value.value);
    else
        FUZZ_CHECK_MSG(value.error.byteOffset <= size, value.error.message);

    const auto item = model::parseItem(input);
    if (item)
        checkItem(*item.value);
    else
        FUZZ_CHECK_MSG(item.error.byteOffset <= size, item.error.message);
    return 0;
}

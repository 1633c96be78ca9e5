#include "storage/history/keytext.h"

#include <algorithm>
#include <map>
#include <set>

#include "model/base64.h"
#include "model/decimal.h"
#include "model/dynamodbjson.h"
#include "storage/history/keyhistory.h"

namespace storage {

namespace {

std::string trim(std::string_view s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos)
        return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

} // namespace

Result<TableInfo> resolveTable(Store& store, std::string_view name)
{
    auto found = store.findTable(name);
    if (!found)
        return found.error();
    if (*found)
        return std::move(**found);
    auto all = store.tables();
    if (!all)
        return all.error();
    std::string names;
    for (const auto& t : *all)
        names += (names.empty() ? "" : ", ") + t.name;
    return invalidArgument("no table named '" + std::string(name) + "' in the store"
                           + (names.empty() ? std::string(" (it has no tables)") : " (tables: " + names + ")"));
}

Result<model::Item> parseKeyText(Store& store, std::int64_t tableId, std::string_view text)
{
    const std::string t = trim(text);
    if (t.empty())
        return invalidArgument(
            "empty key: give the DynamoDB JSON of Keys, e.g. '{\"Id\":{\"N\":\"101\"}}', or Name=value");
    // The table's key attributes and the types their values have, from up to 500 of its keys read from the keys
    // table's unique (table_id, canonical) index alone: the first 500 by their text (Store::keys) sorted every key of
    // the table to find them (100,000 on the 1M bench store, most of a small key's export).
    auto sample = store.database().prepare("SELECT canonical FROM keys WHERE table_id = ?1 LIMIT 500");
    if (!sample)
        return sample.error();
    sample->bind(1, tableId);
    std::map<std::string, std::set<model::AttributeType>> types;
    if (auto error = sample->forEachRow([&](Statement& row) {
            for (const auto& [name, value] : decodeKeys(row.textCopy(0)))
                types[name].insert(value.type());
        }))
        return *error;
    std::string attrNames;
    for (const auto& [name, _] : types)
        attrNames += (attrNames.empty() ? "" : ", ") + name;

    if (t.front() == '{') {
        auto decoded = model::parseItem(t);
        if (!decoded)
            return invalidArgument("the key is not valid DynamoDB JSON: " + decoded.error.message
                                   + (decoded.error.path.empty() ? std::string() : " at " + decoded.error.path)
                                   + " (expected e.g. {\"Id\":{\"N\":\"101\"}})");
        if (decoded.value->empty())
            return invalidArgument("the key has no attributes");
        return std::move(*decoded.value);
    }

    // Name=value[,Name=value]: a piece without '=' continues the previous value (values may contain commas).
    std::vector<std::pair<std::string, std::string>> pairs;
    std::size_t start = 0;
    while (start <= t.size()) {
        std::size_t comma = t.find(',', start);
        if (comma == std::string::npos)
            comma = t.size();
        const std::string piece = t.substr(start, comma - start);
        const auto eq = piece.find('=');
        if (eq == std::string::npos || types.find(trim(piece.substr(0, eq))) == types.end()) {
            if (pairs.empty() && eq == std::string::npos)
                return invalidArgument("cannot read the key '" + t
                                       + "': give DynamoDB JSON such as {\"Id\":{\"N\":\"101\"}} or Name=value");
            if (!pairs.empty()) {
                pairs.back().second += "," + piece;
            } else {
                pairs.emplace_back(trim(piece.substr(0, eq)), piece.substr(eq + 1));
            }
        } else {
            pairs.emplace_back(trim(piece.substr(0, eq)), piece.substr(eq + 1));
        }
        start = comma + 1;
    }
    model::Item item;
    for (auto& [name, rawValue] : pairs) {
        const std::string value = trim(rawValue);
        const auto it = types.find(name);
        if (it == types.end())
            return invalidArgument("table has no key attribute '" + name + "'"
                                   + (attrNames.empty() ? std::string(" (the table has no keys)")
                                                        : " (its key attributes: " + attrNames + ")"));
        if (it->second.size() != 1) {
            std::string list;
            for (auto type : it->second)
                list += (list.empty() ? "" : ", ") + std::string(model::typeTag(type));
            return invalidArgument("the type of key attribute '" + name + "' is ambiguous in this table (" + list
                                   + "): give the key as DynamoDB JSON, e.g. {\"" + name + "\":{\"S\":\"" + value
                                   + "\"}}");
        }
        const model::AttributeType type = *it->second.begin();
        switch (type) {
        case model::AttributeType::N:
            if (model::checkNumber(value) == model::NumberProblem::NotANumber)
                return invalidArgument("key attribute '" + name + "' is a number (N) in this table, but '" + value
                                       + "' is not a number");
            item[name] = model::AttributeValue::makeNumber(value);
            break;
        case model::AttributeType::B:
            if (!model::base64Decode(value))
                return invalidArgument("key attribute '" + name
                                       + "' is binary (B) in this table: give its base64 text ('" + value
                                       + "' is not base64)");
            item[name] = model::AttributeValue::makeBinary(value);
            break;
        default:
            item[name] = model::AttributeValue::makeString(value);
            break;
        }
    }
    for (const auto& [name, _] : types) {
        if (!item.count(name) && types.size() <= 2)
            return invalidArgument("the key needs every key attribute of the table (" + attrNames + "); '" + name
                                   + "' is missing");
    }
    return item;
}

Result<KeyInfo> resolveKey(Store& store, std::int64_t tableId, std::string_view text)
{
    auto item = parseKeyText(store, tableId, text);
    if (!item)
        return item.error();
    const std::string canonical = model::canonicalJson(*item);
    auto found = store.findKey(tableId, canonical);
    if (!found)
        return found.error();
    if (!*found)
        return invalidArgument("no item with key " + model::keyDisplayText(*item) + " (" + canonical
                               + ") in this table");
    return std::move(**found);
}

} // namespace storage

#include "model/filtercriteria.h"

#include "model/jsontree.h"

namespace model {

namespace {

bool readFilters(const JsonTree& filters, const std::string& where, FilterCriteria& out)
{
    if (!filters.isArray()) {
        out.error = where + ".Filters must be an array";
        return false;
    }
    for (std::size_t i = 0; i < filters.items.size(); ++i) {
        const JsonTree* pattern = filters.items[i].member("Pattern");
        const std::string at = where + ".Filters[" + std::to_string(i) + "]";
        if (!pattern || !(pattern->isString() || pattern->isObject())) {
            out.error = at + " has no Pattern (a JSON string)";
            return false;
        }
        out.patterns.push_back(pattern->isString() ? pattern->text : pattern->compact(std::string::npos - 1));
    }
    return true;
}

} // namespace

FilterCriteria parseFilterCriteria(std::string_view json)
{
    FilterCriteria out;
    std::string error;
    const std::optional<JsonTree> tree = JsonTree::parse(json, &error);
    if (!tree) {
        out.error = "not JSON: " + error;
        return out;
    }
    if (const JsonTree* criteria = tree->member("FilterCriteria")) {
        out.shape = "event-source-mapping";
        const JsonTree* filters = criteria->member("Filters");
        if (!filters) {
            out.error = "FilterCriteria has no Filters";
            return out;
        }
        readFilters(*filters, "FilterCriteria", out);
        return out;
    }
    if (const JsonTree* filters = tree->member("Filters")) {
        out.shape = "lambda-api";
        readFilters(*filters, "criteria", out);
        return out;
    }
    if (!tree->isObject()) {
        out.error = "neither FilterCriteria nor a pattern (a JSON object)";
        return out;
    }
    out.shape = "pattern";
    out.patterns.emplace_back(json);
    return out;
}

} // namespace model

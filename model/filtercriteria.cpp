#include "model/filtercriteria.h"

#include <utility>

#include "model/jsontree.h"
#include "model/yamltree.h"

namespace model {

namespace {

// {"Fn::Sub": …} or {"Ref": …}: a CloudFormation intrinsic function, which only CloudFormation can resolve.
bool isIntrinsic(const JsonTree& value)
{
    return value.isObject() && value.keys.size() == 1
        && (value.keys[0] == "Ref" || value.keys[0].rfind("Fn::", 0) == 0);
}

bool readFilters(const JsonTree& filters, const std::string& where, FilterCriteria& out)
{
    if (!filters.isArray()) {
        out.error = where + ".Filters must be an array";
        return false;
    }
    for (std::size_t i = 0; i < filters.items.size(); ++i) {
        const JsonTree* pattern = filters.items[i].member("Pattern");
        const std::string at = where + ".Filters[" + std::to_string(i) + "]";
        if (pattern && isIntrinsic(*pattern)) {
            out.error = at + ".Pattern uses " + pattern->keys[0]
                + ", which only CloudFormation can resolve: give the pattern as it is deployed";
            return false;
        }
        if (!pattern || !(pattern->isString() || pattern->isObject())) {
            out.error = at + " has no Pattern (a JSON string)";
            return false;
        }
        out.patterns.push_back(pattern->isString() ? pattern->text : pattern->compact(std::string::npos - 1));
    }
    return true;
}

// One filter set found in a template or a Serverless service.
struct Candidate
{
    std::string name;            ///< what `select` matches: "OrdersMapping", "Fn.Stream", "fn"
    std::string origin;          ///< "Resources.OrdersMapping.Properties.FilterCriteria"
    const JsonTree* criteria;    ///< {"Filters": […]} (templates) or
    const JsonTree* patternList; ///< [pattern, …] (Serverless filterPatterns)
};

void templateCandidates(const JsonTree& resources, std::vector<Candidate>& out)
{
    for (std::size_t i = 0; i < resources.keys.size(); ++i) {
        const std::string& id = resources.keys[i];
        const JsonTree& resource = resources.items[i];
        const JsonTree* type = resource.member("Type");
        const JsonTree* properties = resource.member("Properties");
        if (!type || !type->isString() || !properties)
            continue;
        const std::string at = "Resources." + id + ".Properties";
        if (type->text == "AWS::Lambda::EventSourceMapping") {
            if (const JsonTree* criteria = properties->member("FilterCriteria"))
                out.push_back({id, at + ".FilterCriteria", criteria, nullptr});
        } else if (type->text == "AWS::Serverless::Function") {
            const JsonTree* events = properties->member("Events");
            for (std::size_t e = 0; events && e < events->keys.size(); ++e) {
                const JsonTree* eventProperties = events->items[e].member("Properties");
                if (const JsonTree* criteria = eventProperties ? eventProperties->member("FilterCriteria") : nullptr)
                    out.push_back({id + "." + events->keys[e],
                                   at + ".Events." + events->keys[e] + ".Properties.FilterCriteria", criteria,
                                   nullptr});
            }
        }
    }
}

void serverlessCandidates(const JsonTree& functions, std::vector<Candidate>& out)
{
    for (std::size_t f = 0; f < functions.keys.size(); ++f) {
        const JsonTree* events = functions.items[f].member("events");
        for (std::size_t e = 0; events && events->isArray() && e < events->items.size(); ++e) {
            const JsonTree* stream = events->items[e].member("stream");
            if (const JsonTree* patterns = stream ? stream->member("filterPatterns") : nullptr) {
                out.push_back(
                    {functions.keys[f],
                     "functions." + functions.keys[f] + ".events[" + std::to_string(e) + "].stream.filterPatterns",
                     nullptr, patterns});
            }
        }
    }
}

void readPatternList(const JsonTree& list, const std::string& where, FilterCriteria& out)
{
    if (!list.isArray()) {
        out.error = where + " must be a list of patterns";
        return;
    }
    for (std::size_t i = 0; i < list.items.size(); ++i) {
        if (!list.items[i].isObject()) {
            out.error = where + "[" + std::to_string(i) + "] is not a pattern (a mapping)";
            return;
        }
        out.patterns.push_back(list.items[i].compact(std::string::npos - 1));
    }
}

// The one candidate `select` names (or the only one), else an error listing them.
void readCandidates(const std::vector<Candidate>& candidates, std::string_view select, FilterCriteria& out)
{
    std::vector<const Candidate*> chosen;
    for (const Candidate& candidate : candidates) {
        const bool sameFunction = candidate.name.size() > select.size() && candidate.name[select.size()] == '.'
            && std::string_view(candidate.name).substr(0, select.size()) == select;
        if (select.empty() || candidate.name == select || sameFunction)
            chosen.push_back(&candidate);
    }
    if (chosen.size() != 1) {
        std::string names;
        for (const Candidate& candidate : candidates)
            names += (names.empty() ? "" : ", ") + candidate.name;
        if (candidates.empty())
            out.error = "the " + out.shape + " file holds no filter criteria";
        else if (chosen.empty())
            out.error = "no filter criteria named '" + std::string(select) + "' (the file has: " + names + ")";
        else
            out.error = "the file holds " + std::to_string(chosen.size()) + " sets of filter criteria (" + names
                + "): choose one by name";
        return;
    }
    const Candidate& candidate = *chosen.front();
    out.origin = candidate.origin;
    if (candidate.patternList) {
        readPatternList(*candidate.patternList, candidate.origin, out);
        return;
    }
    const JsonTree* filters = candidate.criteria->member("Filters");
    if (!filters) {
        out.error = candidate.origin + " has no Filters";
        return;
    }
    readFilters(*filters, candidate.origin, out);
}

FilterCriteria fromTree(const JsonTree& tree, std::string_view select, std::string_view jsonText)
{
    FilterCriteria out;
    if (const JsonTree* criteria = tree.member("FilterCriteria")) {
        out.shape = "event-source-mapping";
        const JsonTree* filters = criteria->member("Filters");
        if (!filters) {
            out.error = "FilterCriteria has no Filters";
            return out;
        }
        readFilters(*filters, "FilterCriteria", out);
        return out;
    }
    if (const JsonTree* filters = tree.member("Filters")) {
        out.shape = "lambda-api";
        readFilters(*filters, "criteria", out);
        return out;
    }
    std::vector<Candidate> candidates;
    if (const JsonTree* resources = tree.member("Resources"); resources && resources->isObject()) {
        out.shape = "cloudformation";
        templateCandidates(*resources, candidates);
        readCandidates(candidates, select, out);
        return out;
    }
    if (const JsonTree* functions = tree.member("functions"); functions && functions->isObject()) {
        out.shape = "serverless";
        serverlessCandidates(*functions, candidates);
        readCandidates(candidates, select, out);
        return out;
    }
    if (const JsonTree* list = tree.member("filterPatterns")) {
        out.shape = "serverless";
        out.origin = "filterPatterns";
        readPatternList(*list, "filterPatterns", out);
        return out;
    }
    if (!tree.isObject()) {
        out.error = "neither filter criteria nor a pattern (a JSON object)";
        return out;
    }
    out.shape = "pattern";
    out.patterns.emplace_back(jsonText.empty() ? tree.compact(std::string::npos - 1) : std::string(jsonText));
    return out;
}

} // namespace

FilterCriteria parseFilterCriteria(std::string_view text, std::string_view select)
{
    std::string jsonError;
    if (const std::optional<JsonTree> tree = JsonTree::parse(text, &jsonError))
        return fromTree(*tree, select, text);
    std::string yamlError;
    const std::optional<JsonTree> tree = parseYamlTree(text, &yamlError);
    if (!tree || tree->isScalar()) {
        FilterCriteria out;
        out.error = "neither JSON (" + jsonError + ") nor a YAML document of filter criteria"
            + (yamlError.empty() ? std::string{} : " (" + yamlError + ")");
        return out;
    }
    FilterCriteria out = fromTree(*tree, select, {});
    if (out.shape == "pattern" || out.shape == "lambda-api" || out.shape == "event-source-mapping")
        out.shape += " (yaml)";
    return out;
}

} // namespace model

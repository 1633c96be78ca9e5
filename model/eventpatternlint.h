#pragma once

// Lints for Lambda DynamoDB event source mapping filters: patterns that are valid but cannot do what their author
// most likely wants (the matcher in eventpattern.h says what AWS does; these say why that surprises).

#include <string>
#include <string_view>
#include <vector>

#include "model/jsontree.h"

namespace model {

struct PatternLint
{
    std::string code;    ///< stable id: "missing-type-descriptor", "numeric-on-n", "cdk-isequal-number", ...
    std::string path;    ///< dotted pattern path ("" = the whole pattern or filter set)
    std::string message; ///< one or two sentences: what happens and what to write instead
    int filter = -1;     ///< index of the filter in a criteria set (lintCriteria), -1 for the set itself
};

/// Lambda allows at most 5 filters per event source mapping (more on request) and 4,096 characters per pattern.
inline constexpr std::size_t kMaxFiltersPerMapping = 5;
inline constexpr std::size_t kMaxPatternLength = 4096;

/// Lints one parsed pattern for a DynamoDB stream record: missing type descriptor below an image attribute,
/// numeric on `N` (never matches: N values are strings) and its CDK `FilterRule.isEqual(number)` form
/// (`numeric: ["=", n]`), a number literal compared with an `N` string, `exists` on a non-leaf (a map attribute,
/// an image, `dynamodb`), fields Lambda adds after filtering (eventSource, eventSourceARN, awsRegion), a `body` or
/// `data` key copied from an SQS/Kinesis example, unknown record fields.
std::vector<PatternLint> lintPattern(const JsonTree& pattern);

/// Lints a filter set (pattern texts as in FilterCriteria.Filters[].Pattern): more than 5 filters, a pattern over
/// 4,096 characters, and lintPattern for every pattern that parses (filter = its index).
std::vector<PatternLint> lintCriteria(const std::vector<std::string>& patternTexts);

} // namespace model

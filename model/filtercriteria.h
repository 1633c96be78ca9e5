#pragma once

// Reads the filter patterns out of the JSON shapes users have them in: the Lambda API `FilterCriteria`
// ({"Filters":[{"Pattern":"<json string>"}]}), an `aws lambda get-event-source-mapping` / CreateEventSourceMapping
// document ({"FilterCriteria":{"Filters":[…]}}), or a bare pattern. YAML shapes are not read here.

#include <string>
#include <string_view>
#include <vector>

namespace model {

struct FilterCriteria
{
    std::vector<std::string> patterns; ///< pattern texts, in filter order (a Pattern given as an object is written)
    std::string shape;                 ///< "lambda-api", "event-source-mapping", "pattern"
    std::string error;                 ///< why nothing could be read ("" when patterns were read)
};

FilterCriteria parseFilterCriteria(std::string_view json);

} // namespace model

#pragma once

// Reads the filter patterns out of the shapes users have them in, JSON or YAML:
//  - the Lambda API `FilterCriteria` ({"Filters":[{"Pattern":"<json string>"}]});
//  - an `aws lambda get-event-source-mapping` / CreateEventSourceMapping document ({"FilterCriteria":{…}});
//  - a CloudFormation or SAM template (JSON or YAML) holding FilterCriteria in an AWS::Lambda::EventSourceMapping's
//    Properties or in an AWS::Serverless::Function's Events.<name>.Properties;
//  - a Serverless Framework service (`functions.<fn>.events[].stream.filterPatterns`, each pattern a YAML mapping)
//    or a bare `filterPatterns:` list;
//  - a bare pattern (a JSON object, or the same as YAML).
// A file holding several sets (a template with two mappings) needs `select`: the logical resource ID, the SAM
// function or `Function.Event`, or the Serverless function name.

#include <string>
#include <string_view>
#include <vector>

namespace model {

struct FilterCriteria
{
    std::vector<std::string>
        patterns;       ///< pattern texts (JSON), in filter order (a Pattern given as an object is written)
    std::string shape;  ///< "lambda-api", "event-source-mapping", "cloudformation", "serverless", "pattern"
    std::string origin; ///< where the set was found, e.g. "Resources.OrdersMapping" ("" for the plain shapes)
    std::string error;  ///< why nothing could be read ("" when patterns were read)
};

FilterCriteria parseFilterCriteria(std::string_view text, std::string_view select = {});

} // namespace model

#pragma once

// Reads a YAML document (yaml-cpp, Debian's libyaml-cpp-dev) into the JSON tree the event pattern matcher uses, with
// the meaning YAML 1.2's core schema gives plain scalars (as js-yaml, which the Serverless Framework uses, and
// CloudFormation do): `100` and `-1.5e3` are numbers (their text kept exactly), `true`/`false` booleans, `null`/`~`
// and an empty value null, anything quoted a string. CloudFormation's short-form tags become their long form
// (`!Sub x` -> {"Fn::Sub": x}, `!Ref x` -> {"Ref": x}), as CloudFormation itself reads them.

#include <optional>
#include <string>
#include <string_view>

#include "model/jsontree.h"

namespace model {

/// nullopt and `error` ("YAML syntax error at line 3, column 7: ...") when the text is not one YAML document, is
/// nested deeper than 512 levels or expands (through aliases) to more than a million nodes.
std::optional<JsonTree> parseYamlTree(std::string_view yaml, std::string* error = nullptr);

} // namespace model

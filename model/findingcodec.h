#pragma once

// A model::Finding as one text and back, every field kept (unlike findingToJson, which is for people and tools and
// leaves out the per-record lists): the form the store keeps findings in (storage/history/findingstore.h).

#include <optional>
#include <string>
#include <string_view>

#include "model/audit.h"

namespace model {

/// Compact JSON of every field of `finding` (attribute values as DynamoDB JSON text, numbers exact).
std::string encodeFinding(const Finding& finding);
/// The finding encodeFinding() wrote; nullopt for text it did not write (not JSON, a field of the wrong type, an
/// unknown kind, severity, risk or operation, an attribute value that does not decode).
std::optional<Finding> decodeFinding(std::string_view text);

} // namespace model

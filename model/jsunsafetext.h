#pragma once

// Whether DynamoDB JSON text (Keys or an image, as stored) holds a number a JavaScript unmarshall cannot hold
// exactly (ValueIssue::Kind::JsUnsafeNumber), read from the text without decoding it: every `"N": "…"` and every
// member of an `"NS": […]` is classified with jsNumberRisk, as validate() does on the decoded item. For the filter
// path, which must count js-unsafe records it drops without decoding them.

#include <optional>
#include <string_view>

namespace model {

/// true / false as validate(parseItem(text)) would say; nullopt when the text cannot be judged without decoding
/// (a number set or number text with an escape). `text` must be valid DynamoDB JSON (stored records are).
std::optional<bool> jsUnsafeInDynamoJson(std::string_view text);

} // namespace model

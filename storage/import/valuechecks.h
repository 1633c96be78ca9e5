#pragma once

// Allocation-free checks of single DynamoDB values for the import's hot path (storage/import/imagevalidator.h), giving
// the same answers as the model's (tests/storage/tst_capturereader.cpp compares them). No simdjson here, so
// tests can include it.

#include <string_view>

#include "model/decimal.h"

namespace storage {

/// DynamoDB's nesting limit for M and L (a top-level attribute is level 1), as model::validate uses it.
inline constexpr int kMaxAttributeNesting = 32;

/// model::checkNumber(text) without allocating.
model::NumberProblem checkNumberText(std::string_view text);
/// True exactly when model::base64Decode(text) succeeds, without allocating.
bool isValidBase64(std::string_view text);

} // namespace storage

#pragma once

#include <string>
#include <string_view>

namespace model {

/// True if text is a non-empty string of ASCII digits.
bool isSequenceNumber(std::string_view text);

/// Numeric comparison of two digit strings of any length: strip leading zeros, shorter is smaller, then
/// lexicographic. Returns -1, 0, 1. Precondition: both are digit strings (use isSequenceNumber).
int compareSequenceNumbers(std::string_view a, std::string_view b);

/// A text whose byte order equals the numeric order of digit strings up to 999 digits: three-digit length of
/// the number without leading zeros, then those digits ("111" -> "003111", "000" -> "000").
/// Used as the sortable column in SQLite. Precondition: isSequenceNumber(text).
std::string sequenceSortKey(std::string_view text);

} // namespace model

#pragma once

// Where JSON text is wrong, for error messages only: simdjson (the hot path) says that a piece is invalid but not
// precisely where. This asks nlohmann/json's parser (a real parser, not one of ours) for the byte and its reason.
// Called only after a piece failed, so its cost never touches valid input.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace storage {

struct SyntaxProblem
{
    std::size_t offset = 0; ///< byte of `text` where the error was found (0-based)
    std::string message;    ///< e.g. "unexpected ','; expected '}'"
    bool atEnd = false;     ///< the text ended early (a truncated value), rather than being wrong somewhere
};

/// nullopt: `text` is one valid JSON value (surrounding whitespace allowed).
std::optional<SyntaxProblem> locateSyntaxError(std::string_view text);

} // namespace storage

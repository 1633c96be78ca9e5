#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace model {

/// Standard base64 (RFC 4648 §4) with '=' padding. Decoding accepts missing padding only when the
/// length is otherwise valid and rejects any other character (whitespace included). nullopt = invalid.
/// Non-zero pad bits ("QR==") are accepted (RFC 4648 §3.5 allows either): B values compare by decoded bytes.
/// Encoding always pads.
std::optional<std::string> base64Decode(std::string_view text);
/// True exactly when base64Decode(text) succeeds; allocation-free (the import validates every B value with it).
bool isBase64(std::string_view text);
std::string base64Encode(std::string_view bytes);

} // namespace model

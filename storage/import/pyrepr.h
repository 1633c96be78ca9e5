#pragma once

// Python-printed events (issue 20): `print(event)` writes a Python literal (single quotes, True/False/None), and
// records that went through boto3 add datetime.datetime(…, tzinfo=tzlocal()), Decimal('1.5'), Binary(b'…'), sets.
// A strict parser of exactly that literal grammar (never eval) turns one into the JSON of a stream event: images
// that boto3 deserialised into Python values are typed back into DynamoDB JSON. No SQLite, no Qt.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace storage {

struct PyReprResult
{
    std::string json;            ///< the event as JSON (when error is empty)
    std::string error;           ///< why the text is not a literal this parser reads
    std::size_t errorOffset = 0; ///< byte of the text where (error set)
    std::int64_t localTimes = 0; ///< datetimes with tzinfo=tzlocal() or none: zone unknown, kept as given
};

/// Reads one Python literal (a dict of a Lambda event or of a GetRecords response) from `text` (surrounding
/// whitespace allowed) and writes it as JSON.
PyReprResult pythonReprToJson(std::string_view text);

} // namespace storage

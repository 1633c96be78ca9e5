#pragma once

// A stored record's image as text to copy (context menus: "Copy Image as DynamoDB JSON / as Plain JSON").

#include <QString>

#include "storage/store/storedrows.h"

namespace recordjson {

struct ImageText
{
    QString which; ///< "NewImage", "OldImage" (a REMOVE has no new image) or "Keys" (no image at all)
    QString json;  ///< "" when error is set
    QString error; ///< why the image could not be converted
};

/// The record's new image (its old image when it has none; its Keys when it has neither), indented: DynamoDB JSON
/// re-indented exactly as delivered (plain = false), or plain JSON (numbers exact, binary as base64).
ImageText image(const storage::RecordRow& row, bool plain);

} // namespace recordjson

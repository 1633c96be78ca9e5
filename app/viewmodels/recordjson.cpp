#include "app/viewmodels/recordjson.h"

#include "app/viewmodels/formatting.h"
#include "model/dynamodbjson.h"

namespace recordjson {

ImageText image(const storage::RecordRow& row, bool plain)
{
    ImageText out;
    const std::string* json = &row.keysJson;
    out.which = QStringLiteral("Keys");
    if (row.newImageJson) {
        json = &*row.newImageJson;
        out.which = QStringLiteral("NewImage");
    } else if (row.oldImageJson) {
        json = &*row.oldImageJson;
        out.which = QStringLiteral("OldImage");
    }
    if (!plain) {
        out.json = formatting::indentJson(formatting::fromStd(*json));
        return out;
    }
    auto item = model::parseItem(*json);
    if (!item) {
        out.error = formatting::fromStd(item.error.message);
        return out;
    }
    out.json = formatting::fromStd(model::toPlainJson(*item.value, 2));
    return out;
}

} // namespace recordjson

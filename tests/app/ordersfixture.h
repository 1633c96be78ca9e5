#pragma once

// A small store for the app tests: `count` Orders records (Id 0..count-1, sequence numbers 100..), one source.

#include <QString>

#include "storage/exporttestsupport.h"

namespace appfixture {

/// Creates the store at `path` with the records; "" or the error.
inline QString writeOrdersStore(const QString& path, int count)
{
    auto store = storage::Store::open(path.toStdString());
    if (!store)
        return QString::fromStdString(store.error().message);
    std::vector<exporttest::Rec> records;
    for (int i = 0; i < count; ++i) {
        exporttest::Rec r;
        r.table = "Orders";
        r.arn = "arn:aws:dynamodb:eu-central-1:1:table/Orders/stream/x";
        r.keysJson = "{\"Id\":{\"N\":\"" + std::to_string(i) + "\"}}";
        r.seq = std::to_string(100 + i);
        r.newImage = r.keysJson;
        records.push_back(r);
    }
    return QString::fromStdString(exporttest::load(*store, records, "fixture"));
}

} // namespace appfixture

#include "storage/sql/seentypes.h"

#include "model/dynamodbjson.h"

namespace storage {

void TypeNode::add(const model::AttributeValue& value, int depth)
{
    tags.insert(std::string(model::typeTag(value.type())));
    if (value.type() == model::AttributeType::M) {
        if (depth >= kMaxDepth)
            opaque = true;
        if (opaque)
            return;
        for (const auto& [name, child] : value.map()) {
            auto it = members.find(name);
            if (it == members.end()) {
                if (members.size() >= kMaxMembers) {
                    opaque = true;
                    members.clear();
                    return;
                }
                it = members.emplace(name, TypeNode{}).first;
            }
            it->second.add(child, depth + 1);
        }
    } else if (value.type() == model::AttributeType::L) {
        for (const auto& child : value.list()) {
            if (element.empty())
                element.emplace_back();
            element.front().add(child, depth + 1);
        }
    }
}

Result<SeenTypes> seenTypes(Store& store, const std::string& table)
{
    SeenTypes seen;
    ScanOptions scan;
    if (!table.empty()) {
        auto tables = store.tables();
        if (!tables)
            return tables.error();
        for (const auto& t : *tables) {
            if (t.name == table)
                scan.tableId = t.id;
        }
        if (!scan.tableId)
            return invalidArgument("no table " + table + " in the store");
    }
    const auto addItem = [&](TypeNode& node, const std::string& json) {
        auto item = model::parseItem(json);
        if (!item)
            return; // the import validated it; an undecodable image adds nothing
        node.add(model::AttributeValue::makeMap(std::move(*item.value)));
    };
    auto error = store.forEachKeyHistory(scan, [&](KeyHistory& h) {
        TypeNode& node = seen.tables[h.tableName];
        for (const RecordRow& r : h.records) {
            addItem(node, r.keysJson);
            if (r.newImageJson)
                addItem(node, *r.newImageJson);
            if (r.oldImageJson)
                addItem(node, *r.oldImageJson);
        }
        return true;
    });
    if (error)
        return *error;
    return seen;
}

} // namespace storage

#pragma once

// A JSON text as a tree for display (the record tree): scalars keep their text exactly as delivered (numbers are
// never converted), DynamoDB attribute values ({"S": "x"}, {"M": {...}}) can be shown typed.

#include <QString>
#include <vector>

namespace jsontree {

struct Node
{
    enum Kind { Object, Array, String, Number, Bool, Null };
    Kind kind = Null;
    QString name;       ///< member name, or "[i]" in an array, "" for the root
    QString text;       ///< scalars: the value (strings unescaped, numbers as written)
    QString dynamoType; ///< set when this object is a DynamoDB attribute value ("S", "N", "M", "L", "SS", …)
    std::vector<Node> children;
};

/// Parses `json`; false (and `error` with the character offset) when it is not valid JSON. Nesting deeper than 256
/// levels is refused.
bool parse(const QString& json, Node& root, QString* error = nullptr);

/// Marks DynamoDB attribute values below members named Keys, NewImage, OldImage (an object whose only member is a
/// type tag): their dynamoType is set, and the tag's value becomes the node's value/children.
void markDynamoAttributes(Node& root);

} // namespace jsontree

#include "model/yamltree.h"

#include <regex>

#include <yaml-cpp/yaml.h>

namespace model {

namespace {

constexpr int kMaxDepth = 512;
constexpr std::size_t kMaxNodes = 1000000; // aliases can make a small file expand without bound

struct Converter
{
    std::size_t nodes = 0;
    std::string error;

    static std::string position(const YAML::Node& node)
    {
        const YAML::Mark mark = node.Mark();
        if (mark.line < 0)
            return {};
        return " at line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
    }

    // A plain (untagged, unquoted) scalar under YAML 1.2's core schema.
    static JsonTree plainScalar(const std::string& text)
    {
        static const std::regex number(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?)");
        JsonTree tree;
        if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
            tree.kind = JsonTree::Kind::Null;
        } else if (text == "true" || text == "True" || text == "TRUE") {
            tree.kind = JsonTree::Kind::True;
        } else if (text == "false" || text == "False" || text == "FALSE") {
            tree.kind = JsonTree::Kind::False;
        } else if (std::regex_match(text, number)) {
            tree.kind = JsonTree::Kind::Number;
            tree.text = text;
        } else {
            tree.kind = JsonTree::Kind::String;
            tree.text = text;
        }
        return tree;
    }

    // `!Sub x` -> {"Fn::Sub": x}; `!Ref x` -> {"Ref": x}; `!!str 100` -> "100"; other `!Name` -> {"Fn::Name": x}.
    static std::optional<std::string> longFormOf(const std::string& tag)
    {
        if (tag.empty() || tag == "?" || tag == "!" || tag.rfind("tag:yaml.org,2002:", 0) == 0)
            return std::nullopt;
        const std::string name = tag.substr(tag.find_first_not_of('!'));
        return name == "Ref" || name == "Condition" ? name : "Fn::" + name;
    }

    std::optional<JsonTree> convert(const YAML::Node& node, int depth)
    {
        if (++nodes > kMaxNodes) {
            error = "the YAML document expands to more than " + std::to_string(kMaxNodes) + " nodes (aliases?)";
            return std::nullopt;
        }
        if (depth > kMaxDepth) {
            error = "the YAML document is nested deeper than " + std::to_string(kMaxDepth) + " levels" + position(node);
            return std::nullopt;
        }
        std::optional<JsonTree> value = convertUntagged(node, depth);
        if (!value)
            return std::nullopt;
        if (const auto longForm = longFormOf(node.Tag())) {
            JsonTree wrapped;
            wrapped.kind = JsonTree::Kind::Object;
            wrapped.keys.push_back(*longForm);
            wrapped.items.push_back(std::move(*value));
            return wrapped;
        }
        return value;
    }

    std::optional<JsonTree> convertUntagged(const YAML::Node& node, int depth)
    {
        JsonTree tree;
        switch (node.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null:
            return tree;
        case YAML::NodeType::Scalar:
            if (node.Tag() == "?")
                return plainScalar(node.Scalar());
            tree.kind = JsonTree::Kind::String; // quoted, or explicitly tagged
            tree.text = node.Scalar();
            return tree;
        case YAML::NodeType::Sequence:
            tree.kind = JsonTree::Kind::Array;
            for (const YAML::Node& item : node) {
                auto converted = convert(item, depth + 1);
                if (!converted)
                    return std::nullopt;
                tree.items.push_back(std::move(*converted));
            }
            return tree;
        case YAML::NodeType::Map:
            tree.kind = JsonTree::Kind::Object;
            for (const auto& member : node) {
                if (member.first.IsNull()) {
                    // YAML reads an unquoted NULL/null/~ key as null, and js-yaml (Serverless) then names it "null".
                    error = "a YAML mapping key reads as null" + position(member.first)
                        + " (quote it: 'NULL' for DynamoDB's NULL type)";
                    return std::nullopt;
                }
                if (!member.first.IsScalar()) {
                    error = "a YAML mapping key that is not text" + position(member.first);
                    return std::nullopt;
                }
                auto converted = convert(member.second, depth + 1);
                if (!converted)
                    return std::nullopt;
                tree.keys.push_back(member.first.Scalar());
                tree.items.push_back(std::move(*converted));
            }
            return tree;
        }
        return tree;
    }
};

} // namespace

std::optional<JsonTree> parseYamlTree(std::string_view yaml, std::string* error)
{
    try {
        const YAML::Node root = YAML::Load(std::string(yaml));
        Converter converter;
        auto tree = converter.convert(root, 0);
        if (!tree && error)
            *error = converter.error;
        return tree;
    } catch (const YAML::Exception& exception) {
        if (error) {
            *error = "YAML syntax error";
            if (exception.mark.line >= 0)
                *error += " at line " + std::to_string(exception.mark.line + 1) + ", column "
                    + std::to_string(exception.mark.column + 1);
            *error += ": " + exception.msg;
        }
        return std::nullopt;
    }
}

} // namespace model

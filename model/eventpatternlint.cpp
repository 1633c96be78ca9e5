#include "model/eventpatternlint.h"

#include <algorithm>
#include <array>
#include <optional>

namespace model {

namespace {

/// Where in a Lambda DynamoDB stream record a pattern key lands.
enum class Level : std::uint8_t {
    Top,       ///< the record: eventName, dynamodb, ...
    Dynamodb,  ///< the dynamodb member: Keys, NewImage, ...
    Image,     ///< Keys/NewImage/OldImage or an M value: attribute names
    Attribute, ///< one attribute value: a type descriptor is expected
    TypedN,    ///< the text of an N or NS value
    TypedLeaf, ///< the value of another scalar type (S, B, BOOL, NULL, SS, BS)
    Other,     ///< anything else (scalar record fields, unknown places)
};

bool isObjectLevel(Level level)
{
    return level == Level::Dynamodb || level == Level::Image || level == Level::Attribute;
}

constexpr std::array<std::string_view, 8> kRecordFields{"eventID",   "eventName", "eventVersion", "eventSource",
                                                        "awsRegion", "dynamodb",  "userIdentity", "eventSourceARN"};
constexpr std::array<std::string_view, 7> kDynamodbFields{
    "ApproximateCreationDateTime", "Keys", "NewImage", "OldImage", "SequenceNumber", "SizeBytes", "StreamViewType"};
constexpr std::array<std::string_view, 10> kTypes{"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"};

template<std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view s)
{
    return std::find(list.begin(), list.end(), s) != list.end();
}

class Linter
{
public:
    std::vector<PatternLint> lints;

    void visit(const JsonTree& object, const std::string& path, Level level)
    {
        for (std::size_t i = 0; i < object.keys.size(); ++i) {
            const std::string& key = object.keys[i];
            const JsonTree& value = object.items[i];
            if (key == "$or") {
                for (const JsonTree& alt : value.items) {
                    if (alt.isObject())
                        visit(alt, path, level);
                }
                continue;
            }
            const std::string fieldPath = path.empty() ? key : path + "." + key;
            const Level next = descend(key, fieldPath, level);
            if (value.isObject())
                visit(value, fieldPath, next);
            else if (value.isArray())
                leaf(value, fieldPath, next);
        }
    }

private:
    void add(std::string code, const std::string& path, std::string message)
    {
        lints.push_back(PatternLint{std::move(code), path, std::move(message), -1});
    }

    Level descend(const std::string& key, const std::string& path, Level level)
    {
        std::size_t start = 0;
        for (;;) {
            const std::size_t dot = key.find('.', start);
            level = step(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start), path, level);
            if (dot == std::string::npos)
                return level;
            start = dot + 1;
        }
    }

    Level step(const std::string& segment, const std::string& path, Level level)
    {
        switch (level) {
        case Level::Top:
            return stepTop(segment, path);
        case Level::Dynamodb:
            if (segment == "Keys" || segment == "NewImage" || segment == "OldImage")
                return Level::Image;
            if (!contains(kDynamodbFields, segment))
                add("unknown-field", path,
                    "`dynamodb." + segment
                        + "` is not a field of a DynamoDB stream record (it has "
                          "ApproximateCreationDateTime, Keys, NewImage, OldImage, SequenceNumber, SizeBytes, "
                          "StreamViewType): this condition never matches.");
            return Level::Other;
        case Level::Image:
            return Level::Attribute;
        case Level::Attribute:
            if (segment == "M")
                return Level::Image;
            if (segment == "L")
                return Level::Attribute;
            if (segment == "N" || segment == "NS")
                return Level::TypedN;
            if (contains(kTypes, segment))
                return Level::TypedLeaf;
            add("missing-type-descriptor", path,
                "`" + segment
                    + "` sits where a DynamoDB type descriptor (S, N, B, BOOL, NULL, M, L, SS, NS, BS) "
                      "belongs: attribute values in the record look like {\"S\": \"…\"}, so this never matches.");
            return Level::Other;
        default:
            return Level::Other;
        }
    }

    Level stepTop(const std::string& segment, const std::string& path)
    {
        if (segment == "dynamodb")
            return Level::Dynamodb;
        if (segment == "eventSource" || segment == "eventSourceARN" || segment == "awsRegion")
            add("field-added-after-filtering", path,
                "`" + segment
                    + "` is added to the record by Lambda after filtering according to AWS's "
                      "documentation, so a filter on it may never match (AWS delivered a record filtered on "
                      "eventSource in an upstream test in 2024; Streamscope evaluates the record's value). Filter on "
                      "`dynamodb` or `eventName` instead.");
        else if (segment == "body" || segment == "data")
            add("sqs-kinesis-key", path,
                "`" + segment + "` is the payload key of " + (segment == "body" ? "SQS" : "Kinesis")
                    + " filter examples; a DynamoDB stream record has no such field, so this never matches. Put the "
                      "conditions under `dynamodb` (e.g. dynamodb.NewImage.<attribute>.S).");
        else if (!contains(kRecordFields, segment))
            add("unknown-field", path,
                "`" + segment
                    + "` is not a field of a Lambda DynamoDB stream record (eventID, eventName, "
                      "eventVersion, eventSource, awsRegion, dynamodb, userIdentity, eventSourceARN): this condition "
                      "never matches.");
        return Level::Other;
    }

    static std::optional<std::string> operatorOf(const JsonTree& v)
    {
        if (v.isObject() && v.keys.size() == 1)
            return v.keys.front();
        return std::nullopt;
    }

    void leaf(const JsonTree& list, const std::string& path, Level level)
    {
        const bool hasExists = std::any_of(list.items.begin(), list.items.end(),
                                           [](const JsonTree& v) { return operatorOf(v) == "exists"; });
        if (isObjectLevel(level) && hasExists) {
            add("exists-on-non-leaf", path,
                "`exists` looks at leaf values only and `" + path
                    + "` is an object in the record: exists:true never matches and exists:false always does. Test a "
                      "typed leaf such as `"
                    + path + ".S`.");
        } else if (level == Level::Attribute) {
            add("missing-type-descriptor", path,
                "`" + path
                    + "` is a DynamoDB attribute value like {\"S\": \"…\"}, not a leaf: without the type "
                      "descriptor this never matches. Write `"
                    + path + ".S` (or .N, .BOOL, …).");
        } else if (isObjectLevel(level)) {
            add("not-a-leaf", path,
                "`" + path + "` is an object in the record, so a list of values there never matches.");
        }
        if (level == Level::TypedN)
            lintN(list, path);
    }

    void lintN(const JsonTree& list, const std::string& path)
    {
        for (const JsonTree& v : list.items) {
            if (v.isNumber()) {
                add("number-literal-on-n", path,
                    "N values are JSON strings in the record and the match is on their exact text: the number " + v.text
                        + " never matches; write \"" + v.text + "\" (and note \"1.0\" is not \"1\").");
            } else if (operatorOf(v) == "numeric") {
                const JsonTree& operand = v.items.front();
                const bool equalsOnly = operand.isArray() && operand.items.size() == 2 && operand.items[0].isString()
                    && operand.items[0].text == "=";
                if (equalsOnly)
                    add("cdk-isequal-number", path,
                        "numeric [\"=\", " + operand.items[1].compact(40)
                            + "] (what CDK's FilterRule.isEqual(number) "
                              "writes) never matches an N value: N values are strings. Write [\""
                            + operand.items[1].text + "\"] (exact text).");
                else
                    add("numeric-on-n", path,
                        "numeric never matches an N value: N values are JSON strings in the record (only "
                        "dynamodb.ApproximateCreationDateTime and SizeBytes are numbers). Lambda cannot compare N "
                        "attributes numerically.");
            }
        }
    }
};

} // namespace

std::vector<PatternLint> lintPattern(const JsonTree& pattern)
{
    Linter linter;
    if (pattern.isObject())
        linter.visit(pattern, {}, Level::Top);
    return std::move(linter.lints);
}

std::vector<PatternLint> lintCriteria(const std::vector<std::string>& patternTexts)
{
    std::vector<PatternLint> lints;
    if (patternTexts.size() > kMaxFiltersPerMapping)
        lints.push_back(PatternLint{"too-many-filters",
                                    {},
                                    std::to_string(patternTexts.size())
                                        + " filters: Lambda allows 5 per event source mapping unless the quota was "
                                          "raised; CreateEventSourceMapping fails otherwise.",
                                    -1});
    for (std::size_t i = 0; i < patternTexts.size(); ++i) {
        const int index = static_cast<int>(i);
        if (patternTexts[i].size() > kMaxPatternLength)
            lints.push_back(PatternLint{"pattern-too-long",
                                        {},
                                        "the pattern has " + std::to_string(patternTexts[i].size())
                                            + " characters; Lambda allows at most 4,096.",
                                        index});
        if (const std::optional<JsonTree> tree = JsonTree::parse(patternTexts[i])) {
            for (PatternLint& lint : lintPattern(*tree)) {
                lint.filter = index;
                lints.push_back(std::move(lint));
            }
        }
    }
    return lints;
}

} // namespace model

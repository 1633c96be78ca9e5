#pragma once

// AWS event patterns (EventBridge rules, Lambda event source mapping FilterCriteria) evaluated offline.
//
// A pattern is compiled once (EventPattern::compile) and then matched against many parsed events (JsonTree).
// The rules, as AWS applies them (and as ../shared/filter-patterns shows with AWS-validated cases):
// - a pattern is a JSON object; a member is either a nested object (a level of the event) or an array of
//   match values OR-ed together; a dotted key ("state.status") addresses nested event fields;
// - match values: a string, number, true, false or null (exact; numbers compare as exact decimals, a string
//   never equals a number, so the DynamoDB N text "1.0" is not "1" and a pattern number never matches it), or
//   an object with one operator: prefix, suffix (each with an optional {"equals-ignore-case": …}),
//   equals-ignore-case, wildcard, anything-but (a value, a list, or {prefix|suffix|equals-ignore-case|
//   wildcard: …}), numeric (ranges and "="), exists, cidr; "$or": [{…}, {…}] alternates sub-patterns;
// - only leaves are values: an event object or an empty array is not a value (so exists:true on an object never
//   matches, exists:false on one always does); an event array matches if any element matches; a nested pattern
//   matches an array of objects if one element matches all of it;
// - anything-but matches a present value that is none of the listed ones (also null, also a number for the
//   string forms), never a missing field.
// Under PatternSemantics::LambdaEsm, the operators that EventBridge Pipes / Lambda filtering does not support
// (anything-but with prefix, suffix, equals-ignore-case or wildcard; wildcard) make the pattern Unsupported.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "model/jsontree.h"

namespace model {

enum class PatternSemantics : std::uint8_t {
    EventBridge, ///< an EventBridge event bus rule (TestEventPattern)
    LambdaEsm,   ///< a Lambda event source mapping filter (the default)
};

/// "eventbridge" / "lambda-esm"; parseSemantics returns nullopt for anything else.
std::string_view semanticsName(PatternSemantics semantics);
std::optional<PatternSemantics> parseSemantics(std::string_view name);

/// Why a pattern cannot be used.
struct PatternProblem
{
    enum class Kind : std::uint8_t {
        Invalid,     ///< AWS would reject it (InvalidEventPatternException / "Invalid filter pattern definition.")
        Unsupported, ///< valid EventBridge syntax that Lambda ESM filtering does not support
    };
    Kind kind = Kind::Invalid;
    std::string reason; ///< AWS's wording where known, e.g. "prefix match pattern must be a string"
    std::string path;   ///< pattern path, dotted: "dynamodb.Keys.pk.S" ("" = the pattern itself)
    /// "prefix match pattern must be a string at `dynamodb.Keys.pk.S`".
    std::string message() const;
};

/// The outcome of matching one event.
struct MatchResult
{
    bool matched = false;
    std::string path;   ///< when not matched: the first pattern path that failed ("" = the whole pattern)
    std::string reason; ///< when not matched: why, e.g. "\"PENDING\" is not \"SHIPPED\"", "the field is missing"
    /// "dynamodb.NewImage.status.S: \"PENDING\" is not \"SHIPPED\"".
    std::string message() const;
};

/// The event members a pattern can look at, as a tree of member names (model/criteriaevaluator.h reads only
/// these out of an event). A dotted pattern key ("a.b") adds both "a"→"b" and "a.b". Arrays are looked through: the
/// members of an object apply to the objects inside arrays at that place too.
struct EventPaths
{
    bool whole = false; ///< the value itself is compared: keep it with everything below it
    std::map<std::string, EventPaths, std::less<>> members;
};

struct PatternCompileResult;

class EventPattern
{
public:
    struct Compiled;

    /// Compiles pattern text. Exactly one of pattern and problem is set.
    using CompileResult = PatternCompileResult;
    static CompileResult compile(std::string_view patternText, PatternSemantics semantics);
    static CompileResult compile(const JsonTree& pattern, PatternSemantics semantics);

    /// Fast check, no explanation.
    bool matches(const JsonTree& event) const;
    /// Match with the first failing path and why.
    MatchResult match(const JsonTree& event) const;

    PatternSemantics semantics() const;

    /// Adds the event members this pattern can look at to `paths`.
    void addPaths(EventPaths& paths) const;

private:
    explicit EventPattern(std::shared_ptr<const Compiled> compiled);
    std::shared_ptr<const Compiled> m_compiled; // immutable once compiled: copies share it, threads may too
};

struct PatternCompileResult
{
    std::optional<EventPattern> pattern;
    std::optional<PatternProblem> problem;
};

/// One pattern against one event, both JSON texts: the `filter test` command's answer.
struct PatternTestResult
{
    enum class Outcome : std::uint8_t { Match, NoMatch, Invalid, Unsupported, BadEvent };
    Outcome outcome = Outcome::Invalid;
    std::string path;   ///< NoMatch: first failing path; Invalid/Unsupported: where in the pattern
    std::string reason; ///< NoMatch/Invalid/Unsupported/BadEvent: why
};
PatternTestResult testEventPattern(std::string_view patternText, std::string_view eventText,
                                   PatternSemantics semantics);

} // namespace model

#pragma once

// A Lambda filter criteria set (up to N event patterns, OR-ed: a record is delivered when one filter matches)
// evaluated over many events given as JSON text, fast: each event is read with simdjson On-Demand and only the members
// the patterns can look at (EventPaths) are turned into a JsonTree for the matcher; everything else (the images'
// other attributes, Keys, SizeBytes, …) is skipped without being copied. The verdicts and the reasons are those of
// EventPattern on the whole event (tst_criteriaevaluator checks both on the shared AWS cases and public samples).
//
//   auto compiled = model::CriteriaEvaluator::compile(patterns);          // problem: which filter, why
//   model::CriteriaEvaluator& filters = *compiled.evaluator;
//   int filter = filters.firstMatch(lambdaRecordJson);                   // -1: dropped
//   model::CriteriaVerdict v = filters.evaluate(lambdaRecordJson, true); // with filter 1's failing path
//
// One evaluator per thread: it keeps a simdjson parser and a buffer between calls. Text is checked as JSON where the
// patterns look (and its structure everywhere); a malformed value in a member no pattern addresses goes unnoticed
// (simdjson On-Demand skips it unread), and so does text after the object: the events come from records validated
// when they were imported.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/eventpattern.h"
#include "model/jsontree.h"

namespace model {

/// One event's verdict under a filter set.
struct CriteriaVerdict
{
    int filter = -1;       ///< index of the first filter that matches; -1 when the event is dropped
    bool badEvent = false; ///< the text is not a JSON object (dropped)
    /// When dropped and explained: why the first filter does not match (the MatchResult of EventPattern::match).
    MatchResult failure;
};

struct CriteriaCompileResult;

class CriteriaEvaluator
{
public:
    /// Compiles every pattern (`semantics`); the first pattern that does not compile is the problem.
    static CriteriaCompileResult compile(const std::vector<std::string>& patterns,
                                         PatternSemantics semantics = PatternSemantics::LambdaEsm);

    CriteriaEvaluator(CriteriaEvaluator&&) noexcept;
    CriteriaEvaluator& operator=(CriteriaEvaluator&&) noexcept;
    ~CriteriaEvaluator();

    /// Index of the first filter matching the event (a JSON object), -1 when none does or it is not JSON.
    int firstMatch(std::string_view eventJson);
    /// The verdict; with `explain`, a dropped event says why the first filter does not match.
    CriteriaVerdict evaluate(std::string_view eventJson, bool explain);

    /// The part of the event the patterns can look at (members not addressed left out), as the matcher sees it;
    /// nullopt when the text is not a JSON object (`error` says why).
    std::optional<JsonTree> relevantTree(std::string_view eventJson, std::string* error = nullptr);

    const std::vector<EventPattern>& patterns() const;
    const EventPaths& paths() const;

private:
    struct Impl;
    explicit CriteriaEvaluator(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

struct CriteriaCompileResult
{
    std::optional<CriteriaEvaluator> evaluator;
    std::optional<PatternProblem> problem;
    int problemFilter = -1; ///< index of the pattern with the problem
};

} // namespace model

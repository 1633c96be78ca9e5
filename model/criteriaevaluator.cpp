#include "model/criteriaevaluator.h"

#include <utility>

#include <simdjson.h>

namespace model {

namespace {

namespace od = simdjson::ondemand;

constexpr int kMaxDepth = 512; // as JsonTree::parse

/// Builds the part of an event the patterns can look at. `want` == nullptr keeps the value whole.
class RelevantBuilder
{
public:
    simdjson::error_code object(od::object object, const EventPaths* want, JsonTree& out, int depth)
    {
        if (depth > kMaxDepth)
            return simdjson::DEPTH_ERROR;
        out.kind = JsonTree::Kind::Object;
        for (auto member : object) {
            od::field field;
            if (auto error = std::move(member).get(field))
                return error;
            std::string_view key;
            if (auto error = field.unescaped_key().get(key))
                return error;
            const EventPaths* below = nullptr;
            if (want) {
                const auto found = want->members.find(key);
                if (found == want->members.end())
                    continue; // skipped by simdjson without being read
                below = found->second.whole ? nullptr : &found->second;
            }
            // A member named twice keeps its first position and the last value (as JsonTree::parse).
            std::size_t at = 0;
            while (at < out.keys.size() && out.keys[at] != key)
                ++at;
            if (at == out.keys.size()) {
                out.keys.emplace_back(key);
                out.items.emplace_back();
            } else {
                out.items[at] = JsonTree{};
            }
            od::value v = field.value();
            if (auto error = value(v, below, out.items[at], depth + 1))
                return error;
        }
        return simdjson::SUCCESS;
    }

    simdjson::error_code value(od::value& v, const EventPaths* want, JsonTree& out, int depth)
    {
        od::json_type type;
        if (auto error = v.type().get(type))
            return error;
        switch (type) {
        case od::json_type::object: {
            od::object o;
            if (auto error = v.get_object().get(o))
                return error;
            return object(o, want, out, depth);
        }
        case od::json_type::array: {
            if (depth > kMaxDepth)
                return simdjson::DEPTH_ERROR;
            od::array a;
            if (auto error = v.get_array().get(a))
                return error;
            out.kind = JsonTree::Kind::Array;
            for (auto element : a) {
                if (auto error = element.error())
                    return error;
                od::value e = element.value_unsafe();
                out.items.emplace_back();
                // Arrays are looked through: objects inside get the same members.
                if (auto error = value(e, want, out.items.back(), depth + 1))
                    return error;
            }
            return simdjson::SUCCESS;
        }
        case od::json_type::string: {
            std::string_view text;
            if (auto error = v.get_string().get(text))
                return error;
            out.kind = JsonTree::Kind::String;
            out.text.assign(text);
            return simdjson::SUCCESS;
        }
        case od::json_type::number: {
            std::string_view token = v.raw_json_token(); // the number as written (trailing whitespace cut below)
            while (!token.empty()
                   && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' || token.back() == '\t'))
                token.remove_suffix(1);
            double ignored = 0;
            if (auto error = v.get_double().get(ignored); error && error != simdjson::NUMBER_OUT_OF_RANGE)
                return error; // not a number (big numbers are fine: the matcher reads the text exactly)
            out.kind = JsonTree::Kind::Number;
            out.text.assign(token);
            return simdjson::SUCCESS;
        }
        case od::json_type::boolean: {
            bool b = false;
            if (auto error = v.get_bool().get(b))
                return error;
            out.kind = b ? JsonTree::Kind::True : JsonTree::Kind::False;
            return simdjson::SUCCESS;
        }
        case od::json_type::null: {
            bool isNull = false;
            if (auto error = v.is_null().get(isNull))
                return error;
            if (!isNull)
                return simdjson::N_ATOM_ERROR;
            out.kind = JsonTree::Kind::Null;
            return simdjson::SUCCESS;
        }
        }
        return simdjson::INCORRECT_TYPE;
    }
};

} // namespace

struct CriteriaEvaluator::Impl
{
    std::vector<EventPattern> patterns;
    EventPaths paths;
    od::parser parser;
    std::string buffer; // the event text with simdjson's padding behind it

    std::optional<JsonTree> relevant(std::string_view json, std::string* error)
    {
        buffer.assign(json);
        buffer.reserve(json.size() + simdjson::SIMDJSON_PADDING);
        const auto fail = [&](simdjson::error_code code) -> std::optional<JsonTree> {
            if (error)
                *error = simdjson::error_message(code);
            return std::nullopt;
        };
        od::document doc;
        if (auto e =
                parser.iterate(simdjson::padded_string_view(buffer.data(), json.size(), buffer.capacity())).get(doc))
            return fail(e);
        od::json_type type;
        if (auto e = doc.type().get(type))
            return fail(e);
        if (type != od::json_type::object) {
            // Not an object (no filter looks inside): read it whole, as the matcher's own parser does.
            std::string why;
            auto whole = JsonTree::parse(json, &why);
            if (!whole && error)
                *error = why;
            return whole;
        }
        od::object root;
        if (auto e = doc.get_object().get(root))
            return fail(e);
        JsonTree tree;
        if (auto e = RelevantBuilder{}.object(root, &paths, tree, 1))
            return fail(e);
        return tree;
    }
};

CriteriaEvaluator::CriteriaEvaluator(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{
}
CriteriaEvaluator::CriteriaEvaluator(CriteriaEvaluator&&) noexcept = default;
CriteriaEvaluator& CriteriaEvaluator::operator=(CriteriaEvaluator&&) noexcept = default;
CriteriaEvaluator::~CriteriaEvaluator() = default;

CriteriaCompileResult CriteriaEvaluator::compile(const std::vector<std::string>& patterns, PatternSemantics semantics)
{
    auto impl = std::make_unique<Impl>();
    CriteriaCompileResult result;
    for (std::size_t i = 0; i < patterns.size(); ++i) {
        PatternCompileResult compiled = EventPattern::compile(patterns[i], semantics);
        if (!compiled.pattern) {
            result.problem = std::move(compiled.problem);
            result.problemFilter = static_cast<int>(i);
            return result;
        }
        compiled.pattern->addPaths(impl->paths);
        impl->patterns.push_back(std::move(*compiled.pattern));
    }
    result.evaluator = CriteriaEvaluator(std::move(impl));
    return result;
}

std::optional<JsonTree> CriteriaEvaluator::relevantTree(std::string_view eventJson, std::string* error)
{
    return m_impl->relevant(eventJson, error);
}

int CriteriaEvaluator::firstMatch(std::string_view eventJson)
{
    const std::optional<JsonTree> event = m_impl->relevant(eventJson, nullptr);
    if (!event)
        return -1;
    for (std::size_t i = 0; i < m_impl->patterns.size(); ++i) {
        if (m_impl->patterns[i].matches(*event))
            return static_cast<int>(i);
    }
    return -1;
}

CriteriaVerdict CriteriaEvaluator::evaluate(std::string_view eventJson, bool explain)
{
    CriteriaVerdict verdict;
    std::string error;
    const std::optional<JsonTree> event = m_impl->relevant(eventJson, &error);
    if (!event) {
        verdict.badEvent = true;
        verdict.failure.reason = "the record is not JSON (" + error + ")";
        return verdict;
    }
    for (std::size_t i = 0; i < m_impl->patterns.size(); ++i) {
        if (m_impl->patterns[i].matches(*event)) {
            verdict.filter = static_cast<int>(i);
            return verdict;
        }
    }
    if (explain && !m_impl->patterns.empty())
        verdict.failure = m_impl->patterns.front().match(*event);
    return verdict;
}

const std::vector<EventPattern>& CriteriaEvaluator::patterns() const
{
    return m_impl->patterns;
}

const EventPaths& CriteriaEvaluator::paths() const
{
    return m_impl->paths;
}

} // namespace model

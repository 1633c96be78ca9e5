#pragma once

// Internal helpers of the Store (not part of the public API): dynamic SQL with positional parameters, a
// statement cache, and key-range paging split into "phases" so every page is an index range scan (no OFFSET,
// no row-value tricks with NULLs).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "storage/store/database.h"

namespace storage::detail {

using Param = std::variant<std::int64_t, std::string, std::monostate>;

/// Conditions joined with AND, and their parameters in order of appearance (anonymous `?`).
struct Conditions
{
    std::vector<std::string> terms;
    std::vector<Param> params;

    void add(std::string term) { terms.push_back(std::move(term)); }
    void add(std::string term, Param p)
    {
        terms.push_back(std::move(term));
        params.push_back(std::move(p));
    }
    std::string whereClause() const; ///< " WHERE a AND b" or ""
};

/// One page phase: extra conditions and the ORDER BY that an index serves for them.
struct Phase
{
    Conditions conditions;
    std::string orderBy;
};

/// `%text%` for LIKE ... ESCAPE '\'.
std::string likePattern(std::string_view text);

/// Prepared statements by SQL text for the dynamic queries of one connection.
class StatementCache
{
public:
    explicit StatementCache(Database& db)
        : m_db(&db)
    {
    }
    /// A reset statement with no bindings, or the prepare error.
    Result<Statement*> get(const std::string& sql);
    void clear() { m_statements.clear(); }

private:
    Database* m_db;
    std::unordered_map<std::string, std::unique_ptr<Statement>> m_statements;
};

void bindAll(Statement& statement, const std::vector<Param>& params, int first = 1);

/// Runs `select + where(base + phase) + order by + limit` for each phase until `limit` rows were read; `onRow` is
/// called per row. Returns the number of rows read or the error.
Result<int> runPhases(StatementCache& cache, const std::string& select, const Conditions& base,
                      const std::vector<Phase>& phases, int limit, const std::function<void(Statement&)>& onRow);

/// Phases for paging after (value, id) on a column ordered ascending or descending, then id in the same
/// direction. `nullable`: NULLs sort first ascending / last descending (SQLite's order); `value` nullopt means
/// the cursor row had NULL. `started` false: first page.
std::vector<Phase> pagePhases(const std::string& column, bool nullable, bool descending, bool started,
                              const std::optional<Param>& value, std::int64_t id, const std::string& idColumn);

} // namespace storage::detail

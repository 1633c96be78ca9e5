#include "storage/store/sqlbuilder.h"

namespace storage::detail {

std::string Conditions::whereClause() const
{
    std::string out;
    for (std::size_t i = 0; i < terms.size(); ++i) {
        out += i == 0 ? " WHERE " : " AND ";
        out += '(';
        out += terms[i];
        out += ')';
    }
    return out;
}

std::string likePattern(std::string_view text)
{
    std::string out = "%";
    for (const char c : text) {
        if (c == '%' || c == '_' || c == '\\')
            out += '\\';
        out += c;
    }
    out += '%';
    return out;
}

Result<Statement*> StatementCache::get(const std::string& sql)
{
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        if (m_statements.size() > 200)
            m_statements.clear();
        auto statement = m_db->prepare(sql, /*persistent=*/true);
        if (!statement)
            return statement.error();
        it = m_statements.emplace(sql, std::make_unique<Statement>(std::move(*statement))).first;
    }
    Statement* statement = it->second.get();
    statement->reset();
    statement->clearBindings();
    return statement;
}

void bindAll(Statement& statement, const std::vector<Param>& params, int first)
{
    int index = first;
    for (const Param& p : params) {
        if (const auto* i = std::get_if<std::int64_t>(&p))
            statement.bind(index, *i);
        else if (const auto* s = std::get_if<std::string>(&p))
            statement.bind(index, std::string_view(*s), /*copy=*/true);
        else
            statement.bindNull(index);
        ++index;
    }
}

Result<int> runPhases(StatementCache& cache, const std::string& select, const Conditions& base,
                      const std::vector<Phase>& phases, int limit, const std::function<void(Statement&)>& onRow)
{
    int count = 0;
    for (const Phase& phase : phases) {
        if (count >= limit)
            break;
        Conditions all = base;
        all.terms.insert(all.terms.end(), phase.conditions.terms.begin(), phase.conditions.terms.end());
        all.params.insert(all.params.end(), phase.conditions.params.begin(), phase.conditions.params.end());
        const std::string sql = select + all.whereClause() + " ORDER BY " + phase.orderBy + " LIMIT ?";
        auto statement = cache.get(sql);
        if (!statement)
            return statement.error();
        Statement& st = **statement;
        bindAll(st, all.params);
        st.bind(static_cast<int>(all.params.size()) + 1, static_cast<std::int64_t>(limit - count));
        if (auto e = st.forEachRow([&](Statement& row) {
                onRow(row);
                ++count;
            }))
            return *e;
    }
    return count;
}

std::vector<Phase> pagePhases(const std::string& column, bool nullable, bool descending, bool started,
                              const std::optional<Param>& value, std::int64_t id, const std::string& idColumn)
{
    const std::string dir = descending ? " DESC" : "";
    const std::string byColumn = column + dir + ", " + idColumn + dir;
    const std::string byId = idColumn + dir;
    const std::string idAfter = idColumn + (descending ? " < ?" : " > ?");
    std::vector<Phase> phases;
    if (!started) {
        phases.push_back({{}, byColumn});
        return phases;
    }
    if (!value) {
        // The cursor row had NULL: finish the NULLs, then (ascending) every non-NULL value.
        Phase rest;
        rest.conditions.add(column + " IS NULL");
        rest.conditions.add(idAfter, id);
        rest.orderBy = byId;
        phases.push_back(std::move(rest));
        if (!descending) {
            Phase nonNull;
            nonNull.conditions.add(column + " IS NOT NULL");
            nonNull.orderBy = byColumn;
            phases.push_back(std::move(nonNull));
        }
        return phases;
    }
    Phase same;
    same.conditions.add(column + " = ?", *value);
    same.conditions.add(idAfter, id);
    same.orderBy = byId;
    phases.push_back(std::move(same));
    Phase beyond;
    beyond.conditions.add(column + (descending ? " < ?" : " > ?"), *value);
    beyond.orderBy = byColumn;
    phases.push_back(std::move(beyond));
    if (nullable && descending) {
        Phase nulls;
        nulls.conditions.add(column + " IS NULL");
        nulls.orderBy = byId;
        phases.push_back(std::move(nulls));
    }
    return phases;
}

} // namespace storage::detail

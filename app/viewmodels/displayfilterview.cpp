#include "app/viewmodels/displayfilterview.h"

#include <algorithm>
#include <span>

#include "model/displayfilter.h"

DisplayFilterCheck checkDisplayFilter(const QString& text)
{
    DisplayFilterCheck check;
    const QByteArray utf8 = text.toUtf8();
    const auto compiled =
        model::DisplayFilter::compile(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())));
    if (compiled.filter)
        return check;
    check.valid = false;
    check.column = compiled.error->column;
    check.message = QString::fromStdString(compiled.error->message());
    // The column counts characters (code points): step over surrogate pairs to find the UTF-16 index.
    int index = 0;
    for (int c = 1; c < check.column && index < text.size(); ++c)
        index += text.at(index).isHighSurrogate() && index + 1 < text.size() ? 2 : 1;
    check.position = std::min<int>(index, static_cast<int>(text.size()));
    return check;
}

storage::Result<std::vector<std::int64_t>> recordsMatching(storage::Store& store, const std::vector<std::int64_t>& ids,
                                                           const std::string& where, const std::function<bool()>& stale)
{
    auto compiled = model::DisplayFilter::compile(where);
    if (!compiled.filter)
        return storage::invalidArgument("display filter: " + compiled.error->message());
    std::vector<std::int64_t> kept;
    constexpr std::size_t kPage = 256;
    for (std::size_t first = 0; first < ids.size(); first += kPage) {
        if (stale && stale())
            return storage::Error{storage::Error::Kind::Interrupted, 0, "superseded"};
        const std::size_t n = std::min(kPage, ids.size() - first);
        auto rows = store.recordsByIds(std::span<const std::int64_t>(ids.data() + first, n), false);
        if (!rows)
            return rows.error();
        // recordsByIds returns the rows in id order: keep the caller's order by testing each id's row.
        std::vector<std::int64_t> matching;
        for (const auto& row : *rows) {
            auto record = storage::toStreamRecord(row);
            if (!record)
                return record.error();
            if (compiled.filter->matches(*record))
                matching.push_back(row.id);
        }
        std::sort(matching.begin(), matching.end());
        for (std::size_t i = first; i < first + n; ++i) {
            if (std::binary_search(matching.begin(), matching.end(), ids[i]))
                kept.push_back(ids[i]);
        }
    }
    return kept;
}

#pragma once

// Bounded LRU of fixed-size pages over a RowSource (STYLE 6.3): row r lives in page r / PageSize.

#include <QCache>

#include "app/viewmodels/rowtypes.h"

template<typename Row>
class PageCache
{
public:
    static constexpr int PageSize = 256;

    explicit PageCache(int maxPages = 64)
        : m_pages(maxPages)
    {
    }

    void reset(RowSource<Row> source)
    {
        m_source = std::move(source);
        m_pages.clear();
        m_count = m_source.count ? m_source.count() : 0;
    }
    void clear()
    {
        m_source = {};
        m_pages.clear();
        m_count = 0;
    }
    std::int64_t count() const { return m_count; }
    /// RowSource::find, or -1 when the source cannot look ids up.
    std::int64_t find(std::int64_t id) const { return m_source.find ? m_source.find(id) : -1; }
    int pageLoads() const { return m_loads; }
    int cachedPages() const { return static_cast<int>(m_pages.size()); }
    int maxPages() const { return static_cast<int>(m_pages.maxCost()); }

    /// nullptr when out of range or the page could not be read.
    const Row* at(std::int64_t row)
    {
        if (row < 0 || row >= m_count || !m_source.page)
            return nullptr;
        const std::int64_t page = row / PageSize;
        auto* rows = m_pages.object(page);
        if (!rows) {
            rows = new std::vector<Row>(m_source.page(page * PageSize, PageSize));
            ++m_loads;
            m_pages.insert(page, rows);
        }
        const auto offset = static_cast<std::size_t>(row % PageSize);
        return offset < rows->size() ? &(*rows)[offset] : nullptr;
    }

private:
    RowSource<Row> m_source;
    std::int64_t m_count = 0;
    int m_loads = 0;
    QCache<std::int64_t, std::vector<Row>> m_pages;
};

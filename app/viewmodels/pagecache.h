#pragma once

// Bounded LRU of fixed-size pages over a RowSource (STYLE 6.3): row r lives in page r / PageSize.

#include <QCache>
#include <functional>
#include <string>

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
        m_error.clear();
        m_count = m_source.count ? m_source.count() : 0;
    }
    void clear() { reset({}); }
    /// Called (on the reading thread, from at()) once for every page read that failed.
    void setErrorHandler(std::function<void(const std::string&)> handler) { m_onError = std::move(handler); }
    /// The error of the last page read that failed since the last reset, "" if none.
    const std::string& error() const { return m_error; }
    std::int64_t count() const { return m_count; }
    /// RowSource::find, or -1 when the source cannot look ids up.
    std::int64_t find(std::int64_t id) const { return m_source.find ? m_source.find(id) : -1; }
    int pageLoads() const { return m_loads; }
    int cachedPages() const { return static_cast<int>(m_pages.size()); }
    int maxPages() const { return static_cast<int>(m_pages.maxCost()); }

    /// nullptr when out of range or the page could not be read (then the error handler was told why). A failed page
    /// stays cached empty, so a view repainting it does not query again and again; the next reset reads it again.
    const Row* at(std::int64_t row)
    {
        if (row < 0 || row >= m_count || !m_source.page)
            return nullptr;
        const std::int64_t page = row / PageSize;
        auto* rows = m_pages.object(page);
        if (!rows) {
            PageRead<Row> read = m_source.page(page * PageSize, PageSize);
            ++m_loads;
            rows = new std::vector<Row>(std::move(read.rows));
            m_pages.insert(page, rows);
            if (!read.error.empty()) {
                m_error = read.error;
                if (m_onError)
                    m_onError(m_error);
            }
        }
        const auto offset = static_cast<std::size_t>(row % PageSize);
        return offset < rows->size() ? &(*rows)[offset] : nullptr;
    }

private:
    RowSource<Row> m_source;
    std::int64_t m_count = 0;
    int m_loads = 0;
    std::string m_error;
    std::function<void(const std::string&)> m_onError;
    QCache<std::int64_t, std::vector<Row>> m_pages;
};

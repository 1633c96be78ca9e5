#pragma once

// What the lazy, paged tables (events, keys) share: rows from a RowSource through a bounded PageCache, exact row
// count from the source, and a failed page read reported (pageReadFailed) instead of shown as empty rows.

#include <QAbstractTableModel>
#include <limits>

#include "app/viewmodels/pagecache.h"

/// The signals of PagedTableModel (a class template cannot declare signals).
class PagedTableModelBase : public QAbstractTableModel
{
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;

Q_SIGNALS:
    /// A page of rows could not be read (its rows show empty): `message` says why.
    void pageReadFailed(const QString& message);
};

template<typename Row>
class PagedTableModel : public PagedTableModelBase
{
public:
    explicit PagedTableModel(QObject* parent = nullptr)
        : PagedTableModelBase(parent)
    {
        m_cache.setErrorHandler(
            [this](const std::string& error) { Q_EMIT pageReadFailed(QString::fromStdString(error)); });
    }

    /// Replaces the rows (model reset). The source's count() is called once here.
    void setSource(RowSource<Row> source)
    {
        beginResetModel();
        m_cache.reset(std::move(source));
        endResetModel();
    }
    void clear() { setSource({}); }

    int rowCount(const QModelIndex& parent = {}) const override
    {
        if (parent.isValid())
            return 0;
        // Views address rows with int; a view beyond 2^31 rows shows the first 2^31 - 1.
        return static_cast<int>(std::min<std::int64_t>(m_cache.count(), std::numeric_limits<int>::max()));
    }
    /// nullptr if out of range or its page could not be read. Loads the page if needed.
    const Row* rowAt(int row) const { return m_cache.at(row); }
    int pageLoads() const { return m_cache.pageLoads(); }
    int cachedPages() const { return m_cache.cachedPages(); }
    /// Why the last page that could not be read failed ("" if none since the last setSource/clear).
    QString pageError() const { return QString::fromStdString(m_cache.error()); }

protected:
    mutable PageCache<Row> m_cache;
};

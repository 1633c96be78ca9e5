#pragma once

#include <QAbstractTableModel>
#include <QCache>
#include <deque>
#include <functional>
#include <memory>
#include <unordered_map>

#include "app/viewmodels/rowtypes.h"

/// Where the timeline's rows come from: every version's head (the key's history index: small whatever the images),
/// pages of full rows, and one version's images, both read when they are needed. The store session reads pages and
/// images on the GUI thread's connection (indexed reads by record id); tests give vectors.
struct TimelineSource
{
    std::vector<VersionHead> heads;
    /// Rows [first, first + limit) of `heads`, in that order (the Changed count needs the images of those versions
    /// and of the one before: read for the page, then dropped).
    std::function<PageRead<VersionRow>(std::int64_t first, int limit)> page;
    /// The images of the version in `row`; nullopt with `error` set when they could not be read.
    std::function<std::optional<VersionImages>(int row, std::string& error)> images;
    /// The findings about each version (by record id); versions without findings are not listed.
    std::unordered_map<std::int64_t, VersionAudit> audit;
};

/// The selected key's versions in history order, paged: the model holds every version's head (time, event,
/// sequence number: the time strip and the Time / Event / Sequence columns), at most MaxPages pages of PageSize
/// full rows (the Changed column) and the images of the last MaxImages versions a diff asked for. A key of 5,000
/// versions of 100 KB opens with its heads alone and reads a page when its rows are shown.
class TimelineModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { IndexColumn, TimeColumn, EventColumn, SequenceColumn, ChangedColumn, AuditColumn, ColumnCount };
    static constexpr int PageSize = 32;
    static constexpr int MaxPages = 8;
    static constexpr int MaxImages = 4;

    explicit TimelineModel(QObject* parent = nullptr);

    /// Replaces the versions (model reset).
    void setSource(TimelineSource source);
    /// In-memory rows (tests, small histories): their auditMarkers / worstSeverity become the Audit cells; `images`
    /// (optional, same order) what images() returns.
    void setVersions(std::vector<VersionRow> versions, std::vector<VersionImages> images = {});
    void clear() { setSource({}); }
    /// The findings about each version changed (the Audit cells and severity marks are updated, no reset).
    void setAudit(std::unordered_map<std::int64_t, VersionAudit> audit);

    const std::vector<VersionHead>& heads() const { return m_source.heads; }
    /// The full row (reads its page when it is not cached); nullptr if out of range or its page could not be read.
    const VersionRow* versionAt(int row) const;
    /// The version's images, read when they are not among the last MaxImages asked for; nullptr (and
    /// pageReadFailed) when they could not be read.
    std::shared_ptr<const VersionImages> images(int row) const;
    /// The findings about the version in `row`, nullptr when none.
    const VersionAudit* auditAt(int row) const;
    /// Row of the version with this record id, -1 if none.
    int rowOfRecord(std::int64_t recordId) const;

    int pageLoads() const { return m_pageLoads; }
    int cachedPages() const { return static_cast<int>(m_pages.size()); }
    /// Full rows held (cached pages).
    int residentRows() const;
    int imageLoads() const { return m_imageLoads; }
    int cachedImages() const { return static_cast<int>(m_images.size()); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    /// A page of rows or a version's images could not be read: `message` says why.
    void pageReadFailed(const QString& message);

private:
    TimelineSource m_source;
    mutable QCache<int, std::vector<VersionRow>> m_pages{MaxPages};
    mutable std::deque<std::shared_ptr<const VersionImages>> m_images; // most recent first
    mutable int m_pageLoads = 0;
    mutable int m_imageLoads = 0;
};

/// Counts top-level attributes that differ between two images (absent image = empty).
int changedAttributeCount(const std::optional<model::Item>& before, const std::optional<model::Item>& after);

#pragma once

#include <QAbstractTableModel>

#include "app/viewmodels/rowtypes.h"

/// The selected key's versions in sequence order (a key's history is small: held in memory, loaded by a
/// background job in the store session).
class TimelineModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { IndexColumn, TimeColumn, EventColumn, SequenceColumn, ChangedColumn, AuditColumn, ColumnCount };

    explicit TimelineModel(QObject* parent = nullptr);

    void setVersions(std::vector<VersionRow> versions);
    void clear() { setVersions({}); }
    const std::vector<VersionRow>& versions() const { return m_versions; }
    const VersionRow* versionAt(int row) const;
    /// Row of the version with this record id, -1 if none.
    int rowOfRecord(std::int64_t recordId) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<VersionRow> m_versions;
};

/// Counts top-level attributes that differ between two images (absent image = empty).
int changedAttributeCount(const std::optional<model::Item>& before, const std::optional<model::Item>& after);

#include "app/viewmodels/timelinemodel.h"

#include <set>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/modelroles.h"

using formatting::fromStd;

int changedAttributeCount(const std::optional<model::Item>& before, const std::optional<model::Item>& after)
{
    static const model::Item empty;
    const model::Item& b = before ? *before : empty;
    const model::Item& a = after ? *after : empty;
    int changed = 0;
    for (const auto& [name, value] : b) {
        auto it = a.find(name);
        if (it == a.end() || it->second != value)
            ++changed;
    }
    for (const auto& [name, value] : a)
        if (b.find(name) == b.end())
            ++changed;
    return changed;
}

TimelineModel::TimelineModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void TimelineModel::setVersions(std::vector<VersionRow> versions)
{
    beginResetModel();
    m_versions = std::move(versions);
    endResetModel();
}

const VersionRow* TimelineModel::versionAt(int row) const
{
    if (row < 0 || row >= static_cast<int>(m_versions.size()))
        return nullptr;
    return &m_versions[static_cast<std::size_t>(row)];
}

int TimelineModel::rowOfRecord(std::int64_t recordId) const
{
    for (std::size_t i = 0; i < m_versions.size(); ++i)
        if (m_versions[i].recordId == recordId)
            return static_cast<int>(i);
    return -1;
}

int TimelineModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_versions.size());
}

int TimelineModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TimelineModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const VersionRow& v = m_versions[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case IndexColumn:
            return index.row() + 1;
        case TimeColumn:
            return formatting::timeText(v.timeMicros);
        case EventColumn:
            return formatting::eventText(v.eventName, v.ttl);
        case SequenceColumn:
            return fromStd(v.sequenceNumber);
        case ChangedColumn:
            return v.changedAttributes;
        case AuditColumn: {
            QStringList parts;
            for (const auto& m : v.auditMarkers)
                parts << fromStd(m);
            return parts.join(QStringLiteral("; "));
        }
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == AuditColumn && !v.auditMarkers.empty())
            return data(index, Qt::DisplayRole);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == IndexColumn || index.column() == ChangedColumn || index.column() == SequenceColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case ModelRoles::EventKindRole:
        return int(v.eventName);
    case ModelRoles::TtlRole:
        return v.ttl;
    case ModelRoles::RecordIdRole:
        return qlonglong(v.recordId);
    case ModelRoles::SeverityRole:
        return v.worstSeverity;
    case ModelRoles::TimeMicrosRole:
        return v.timeMicros ? QVariant(qlonglong(*v.timeMicros)) : QVariant();
    default:
        return {};
    }
}

QVariant TimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IndexColumn:
        return tr("#");
    case TimeColumn:
        return tr("Time (UTC)");
    case EventColumn:
        return tr("Event");
    case SequenceColumn:
        return tr("Sequence number");
    case ChangedColumn:
        return tr("Changed");
    case AuditColumn:
        return tr("Audit");
    default:
        return {};
    }
}

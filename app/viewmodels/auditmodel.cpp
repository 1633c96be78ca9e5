#include "app/viewmodels/auditmodel.h"

#include <algorithm>
#include <map>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/modelroles.h"

using formatting::fromStd;

AuditModel::AuditModel(QObject* parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Node>())
{
}

AuditModel::~AuditModel() = default;

QString AuditModel::severityText(AuditSeverity severity)
{
    switch (severity) {
    case AuditSeverity::Error:
        return tr("Error");
    case AuditSeverity::Warning:
        return tr("Warning");
    case AuditSeverity::Note:
        return tr("Note");
    }
    return {};
}

void AuditModel::setFindings(std::vector<AuditRow> findings)
{
    beginResetModel();
    m_findings = std::move(findings);
    m_root = std::make_unique<Node>();
    // severity (worst first) -> kind -> finding indexes
    std::map<int, std::map<std::string, std::vector<int>>, std::greater<>> groups;
    for (std::size_t i = 0; i < m_findings.size(); ++i)
        groups[int(m_findings[i].severity)][m_findings[i].kind].push_back(static_cast<int>(i));
    for (const auto& [severity, kinds] : groups) {
        auto sev = std::make_unique<Node>();
        sev->level = 1;
        sev->severity = AuditSeverity(severity);
        sev->parent = m_root.get();
        sev->row = static_cast<int>(m_root->children.size());
        for (const auto& [kind, indexes] : kinds) {
            auto k = std::make_unique<Node>();
            k->level = 2;
            k->severity = sev->severity;
            k->kind = kind;
            k->count = static_cast<int>(indexes.size());
            k->parent = sev.get();
            k->row = static_cast<int>(sev->children.size());
            sev->count += k->count;
            for (int idx : indexes) {
                auto f = std::make_unique<Node>();
                f->level = 3;
                f->severity = sev->severity;
                f->kind = kind;
                f->finding = idx;
                f->count = 1;
                f->parent = k.get();
                f->row = static_cast<int>(k->children.size());
                k->children.push_back(std::move(f));
            }
            sev->children.push_back(std::move(k));
        }
        m_root->children.push_back(std::move(sev));
    }
    endResetModel();
}

const AuditModel::Node* AuditModel::nodeAt(const QModelIndex& index) const
{
    return index.isValid() ? static_cast<const Node*>(index.internalPointer()) : m_root.get();
}

const AuditRow* AuditModel::findingAt(const QModelIndex& index) const
{
    const Node* node = nodeAt(index);
    return node->finding >= 0 ? &m_findings[static_cast<std::size_t>(node->finding)] : nullptr;
}

QModelIndex AuditModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column, nodeAt(parent)->children[static_cast<std::size_t>(row)].get());
}

QModelIndex AuditModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    const Node* node = nodeAt(child);
    if (!node->parent || node->parent == m_root.get())
        return {};
    return createIndex(node->parent->row, 0, node->parent);
}

int AuditModel::rowCount(const QModelIndex& parent) const
{
    if (parent.column() > 0)
        return 0;
    return static_cast<int>(nodeAt(parent)->children.size());
}

int AuditModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant AuditModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node* node = nodeAt(index);
    const AuditRow* f = findingAt(index);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SummaryColumn:
            if (node->level == 1)
                return severityText(node->severity);
            if (node->level == 2)
                return fromStd(node->kind);
            return f ? fromStd(f->message) : QVariant();
        case KeyColumn:
            return f ? fromStd(f->table) + QStringLiteral(" · ") + fromStd(f->keyText) : QVariant();
        case CountColumn:
            return node->level < 3 ? QVariant(node->count) : QVariant();
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return f ? fromStd(f->message) : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() == CountColumn ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    case ModelRoles::SeverityRole:
        return int(node->severity);
    case ModelRoles::KeyIdRole:
        return f ? QVariant(qlonglong(f->keyId)) : QVariant();
    case ModelRoles::RecordIdRole:
        return f ? QVariant(qlonglong(f->recordId)) : QVariant();
    default:
        return {};
    }
}

QVariant AuditModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (section) {
    case SummaryColumn:
        return tr("Finding");
    case KeyColumn:
        return tr("Key");
    case CountColumn:
        return tr("Count");
    default:
        return {};
    }
}

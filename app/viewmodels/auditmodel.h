#pragma once

#include <QAbstractItemModel>
#include <memory>

#include "app/viewmodels/rowtypes.h"

/// Audit findings grouped like Wireshark's Expert Info: severity -> kind -> finding, with counts.
class AuditModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { SummaryColumn, KeyColumn, CountColumn, ColumnCount };

    explicit AuditModel(QObject* parent = nullptr);
    ~AuditModel() override;

    void setFindings(std::vector<AuditRow> findings);
    int findingCount() const { return static_cast<int>(m_findings.size()); }
    /// The finding at `index`, nullptr for group rows.
    const AuditRow* findingAt(const QModelIndex& index) const;
    static QString severityText(AuditSeverity severity);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Node
    {
        int level = 0; // 0 root, 1 severity, 2 kind, 3 finding
        AuditSeverity severity = AuditSeverity::Note;
        std::string kind;
        int finding = -1;
        int count = 0;
        Node* parent = nullptr;
        int row = 0;
        std::vector<std::unique_ptr<Node>> children;
    };
    const Node* nodeAt(const QModelIndex& index) const;
    std::vector<AuditRow> m_findings;
    std::unique_ptr<Node> m_root;
};

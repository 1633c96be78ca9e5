#pragma once

// The record as delivered as a collapsible tree (Wireshark's packet details): name, type, value; attributes of
// Keys / NewImage / OldImage typed (S, N, M, L, …), values exactly as delivered and coloured by kind.

#include <QTreeWidget>

class RecordTree : public QTreeWidget
{
    Q_OBJECT
public:
    enum Column { NameColumn, TypeColumn, ValueColumn };
    explicit RecordTree(QWidget* parent = nullptr);
    /// Shows `json` (a record as delivered); a text that is not JSON is shown as one row saying why.
    void showJson(const QString& json);
    /// The top-level item with this name (nullptr when none).
    QTreeWidgetItem* topLevelItemNamed(const QString& name) const;
};

#pragma once

// Colours shared by the views. Tints are translucent so they read on light and dark system palettes alike.

#include <QColor>
#include <QStyledItemDelegate>

namespace eventstyle {

/// Strong colour of an event kind (int(model::EventName)); ttl removes use a distinct purple.
QColor eventColor(int eventKind, bool ttl = false);
/// Row tint for an event kind.
QColor eventTint(int eventKind, bool ttl = false);
/// Row tint for a diff change (int(DiffNode::Change)); invalid colour for unchanged.
QColor changeTint(int change);
/// Colour of an audit severity (int(AuditSeverity)).
QColor severityColor(int severity);

} // namespace eventstyle

/// Tints the cells of `column` (or the whole row when column < 0) by ModelRoles::EventKindRole.
class EventKindDelegate : public QStyledItemDelegate
{
public:
    explicit EventKindDelegate(int column, QObject* parent = nullptr)
        : QStyledItemDelegate(parent)
        , m_column(column)
    {
    }

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;

private:
    int m_column;
};

/// Tints diff rows by ModelRoles::ChangeKindRole.
class ChangeDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;
};

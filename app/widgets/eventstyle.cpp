#include "app/widgets/eventstyle.h"

#include "app/viewmodels/modelroles.h"

namespace eventstyle {

QColor eventColor(int eventKind, bool ttl)
{
    if (ttl)
        return QColor(0x9c, 0x4d, 0xcc);
    switch (eventKind) {
    case 0: // INSERT
        return QColor(0x2e, 0xa0, 0x43);
    case 1: // MODIFY
        return QColor(0x2f, 0x81, 0xf7);
    case 2: // REMOVE
        return QColor(0xe5, 0x48, 0x4d);
    case 3: // SNAPSHOT
        return QColor(0x8b, 0x94, 0x9e);
    default:
        return {};
    }
}

QColor eventTint(int eventKind, bool ttl)
{
    QColor c = eventColor(eventKind, ttl);
    if (c.isValid())
        c.setAlpha(60);
    return c;
}

QColor changeTint(int change)
{
    switch (change) {
    case 1: // added
        return QColor(0x2e, 0xa0, 0x43, 70);
    case 2: // removed
        return QColor(0xe5, 0x48, 0x4d, 70);
    case 3: // changed
        return QColor(0xe3, 0xa0, 0x08, 80);
    default:
        return {};
    }
}

QColor severityColor(int severity)
{
    switch (severity) {
    case 2:
        return QColor(0xe5, 0x48, 0x4d);
    case 1:
        return QColor(0xe3, 0xa0, 0x08);
    case 0:
        return QColor(0x2f, 0x81, 0xf7);
    default:
        return {};
    }
}

} // namespace eventstyle

void EventKindDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (m_column >= 0 && index.column() != m_column)
        return;
    const QVariant kind = index.data(ModelRoles::EventKindRole);
    if (!kind.isValid())
        return;
    const QColor tint = eventstyle::eventTint(kind.toInt(), index.data(ModelRoles::TtlRole).toBool());
    if (tint.isValid())
        option->backgroundBrush = tint;
    option->font.setBold(true);
}

void ChangeDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QColor tint = eventstyle::changeTint(index.data(ModelRoles::ChangeKindRole).toInt());
    if (tint.isValid()) {
        option->backgroundBrush = tint;
        if (index.column() == 0)
            option->font.setBold(true);
    }
}

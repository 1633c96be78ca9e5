#pragma once

// Colours shared by the views. Identity colours (bars, dots) are fixed; text colours and row tints are derived
// from the palette they are shown on, so they stay readable on light and dark palettes alike
// (tests/app/tstw_palette.cpp checks the contrast under both).

#include <QColor>
#include <QPalette>
#include <QStyledItemDelegate>

namespace eventstyle {

/// Identity colour of an event kind (int(model::EventName)); ttl removes use a distinct purple.
QColor eventColor(int eventKind, bool ttl = false);
/// Colour of an audit severity (int(AuditSeverity)).
QColor severityColor(int severity);
/// Identity colour of a diff change (int(DiffNode::Change)); invalid for unchanged.
QColor changeColor(int change);

/// `color` made lighter or darker (same hue) until its contrast with `background` reaches `minContrast`.
QColor readableOn(const QColor& color, const QColor& background, double minContrast = 4.5);
/// WCAG 2 contrast ratio (1 … 21) of two opaque colours.
double contrast(const QColor& a, const QColor& b);
/// `over` (translucent) composited onto the opaque `base`.
QColor composite(const QColor& over, const QColor& base);
/// True when the palette's base is dark (dark theme).
bool isDark(const QPalette& palette);

/// Text colour for an event kind, readable on the palette's base.
QColor eventTextColor(int eventKind, bool ttl, const QPalette& palette);
/// Text colour for a diff change, readable on the palette's base.
QColor changeTextColor(int change, const QPalette& palette);
/// Text colour for a severity, readable on the palette's base.
QColor severityTextColor(int severity, const QPalette& palette);
/// Row tint for an event kind (translucent; the palette's Text stays readable on it).
QColor eventTint(int eventKind, bool ttl, const QPalette& palette);
/// Row tint for a diff change; invalid colour for unchanged.
QColor changeTint(int change, const QPalette& palette);
/// Row tint for a severity group.
QColor severityTint(int severity, const QPalette& palette);

/// Fusion style's dark palette used by `streamscope --palette dark` and the dark screenshots.
QPalette darkPalette();

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

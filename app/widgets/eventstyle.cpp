#include "app/widgets/eventstyle.h"

#include <cmath>

#include "app/viewmodels/modelroles.h"

namespace eventstyle {

namespace {

double channel(double c)
{
    c /= 255.0;
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(const QColor& c)
{
    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue());
}

/// Alpha of a tint: enough to see on the base, little enough that the palette's Text stays readable.
QColor tint(const QColor& identity, const QPalette& palette)
{
    if (!identity.isValid())
        return {};
    QColor c = identity;
    c.setAlpha(isDark(palette) ? 90 : 60);
    return c;
}

} // namespace

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

QColor changeColor(int change)
{
    switch (change) {
    case 1: // added
        return QColor(0x2e, 0xa0, 0x43);
    case 2: // removed
        return QColor(0xe5, 0x48, 0x4d);
    case 3: // changed
        return QColor(0xe3, 0xa0, 0x08);
    default:
        return {};
    }
}

double contrast(const QColor& a, const QColor& b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor composite(const QColor& over, const QColor& base)
{
    const double a = over.alphaF();
    const auto mix = [a](int o, int b) { return static_cast<int>(std::lround(o * a + b * (1 - a))); };
    return QColor(mix(over.red(), base.red()), mix(over.green(), base.green()), mix(over.blue(), base.blue()));
}

bool isDark(const QPalette& palette)
{
    return luminance(palette.color(QPalette::Base)) < 0.2;
}

QColor readableOn(const QColor& color, const QColor& background, double minContrast)
{
    if (!color.isValid())
        return color;
    QColor c = color;
    c.setAlpha(255);
    const bool lighten = luminance(background) < 0.2;
    for (int step = 0; step < 40 && contrast(c, background) < minContrast; ++step) {
        float h = 0;
        float s = 0;
        float l = 0;
        c.getHslF(&h, &s, &l);
        l = lighten ? std::min(1.0f, l + 0.03f) : std::max(0.0f, l - 0.03f);
        c = QColor::fromHslF(h, s, l);
    }
    return c;
}

QColor eventTextColor(int eventKind, bool ttl, const QPalette& palette)
{
    return readableOn(eventColor(eventKind, ttl), palette.color(QPalette::Base));
}

QColor changeTextColor(int change, const QPalette& palette)
{
    return readableOn(changeColor(change), palette.color(QPalette::Base));
}

QColor severityTextColor(int severity, const QPalette& palette)
{
    return readableOn(severityColor(severity), palette.color(QPalette::Base));
}

QColor eventTint(int eventKind, bool ttl, const QPalette& palette)
{
    return tint(eventColor(eventKind, ttl), palette);
}

QColor changeTint(int change, const QPalette& palette)
{
    return tint(changeColor(change), palette);
}

QColor severityTint(int severity, const QPalette& palette)
{
    return tint(severityColor(severity), palette);
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor base(0x1e, 0x1f, 0x22);
    const QColor text(0xe6, 0xe6, 0xe6);
    const QColor disabled(0x80, 0x80, 0x80);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2b));
    p.setColor(QPalette::ToolTipBase, QColor(0x3c, 0x3f, 0x41));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x4a, 0x4d, 0x52));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3d, 0x41));
    p.setColor(QPalette::Mid, QColor(0x5a, 0x5d, 0x62));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, QColor(0x0b, 0x0b, 0x0c));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xc4));
    p.setColor(QPalette::HighlightedText, QColor(0xff, 0xff, 0xff));
    p.setColor(QPalette::Link, QColor(0x6c, 0xb6, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb0, 0x8c, 0xff));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
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
    const QColor tint = eventstyle::eventTint(kind.toInt(), index.data(ModelRoles::TtlRole).toBool(), option->palette);
    if (tint.isValid())
        option->backgroundBrush = tint;
    option->font.setBold(true);
}

void ChangeDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QColor tint = eventstyle::changeTint(index.data(ModelRoles::ChangeKindRole).toInt(), option->palette);
    if (tint.isValid()) {
        option->backgroundBrush = tint;
        if (index.column() == 0)
            option->font.setBold(true);
    }
}

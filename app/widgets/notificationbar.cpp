#include "app/widgets/notificationbar.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

#include "app/widgets/eventstyle.h"

NotificationBar::NotificationBar(QWidget* parent)
    : QFrame(parent)
    , m_label(new QLabel(this))
    , m_close(new QToolButton(this))
{
    setObjectName(QStringLiteral("notificationBar"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_label->setWordWrap(true);
    m_label->setTextFormat(Qt::RichText);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse
                                     | Qt::LinksAccessibleByKeyboard);
    m_label->setOpenExternalLinks(false);
    m_close->setText(QStringLiteral("✕"));
    m_close->setAutoRaise(true);
    m_close->setToolTip(tr("Dismiss"));
    m_close->setAccessibleName(tr("Dismiss"));
    // As tall as a line of its text: its room comes from the views under it (at 1024x700 the Audit's details lost
    // their third line to it). The button's own height made the bar 31 px high for a 14 px line.
    m_close->setMaximumHeight(m_close->fontMetrics().height() + 4);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 2, 4, 2);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_close, 0, Qt::AlignTop);
    connect(m_label, &QLabel::linkActivated, this, [this](const QString&) { Q_EMIT detailsRequested(); });
    connect(m_close, &QToolButton::clicked, this, &NotificationBar::dismiss);
    hide();
}

void NotificationBar::showMessage(const QString& text, Kind kind, bool withDetails)
{
    m_text = text;
    m_kind = kind;
    m_details = withDetails;
    QString html = text.toHtmlEscaped();
    if (withDetails)
        html += QStringLiteral(" &nbsp;<a href=\"details\">%1</a>").arg(tr("Details…"));
    m_label->setText(html);
    updateLook();
    show();
}

void NotificationBar::dismiss()
{
    if (isHidden())
        return;
    hide();
    Q_EMIT dismissed();
}

void NotificationBar::changeEvent(QEvent* event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateLook();
}

void NotificationBar::updateLook()
{
    // The severity colour blended into the window colour (opaque, readable in light and dark themes): blue for
    // information, yellow for warnings, red for errors.
    const QPalette base = parentWidget() ? parentWidget()->palette() : palette();
    const QColor window = base.color(QPalette::Window);
    const QColor tint = eventstyle::severityTint(m_kind == Error ? 2 : m_kind == Warning ? 1 : 0, base);
    const double a = tint.alphaF();
    const auto mix = [a](int over, int under) { return static_cast<int>(over * a + under * (1.0 - a)); };
    QPalette pal = palette();
    pal.setColor(
        QPalette::Window,
        QColor(mix(tint.red(), window.red()), mix(tint.green(), window.green()), mix(tint.blue(), window.blue())));
    setPalette(pal);
}

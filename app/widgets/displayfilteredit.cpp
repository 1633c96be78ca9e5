#include "app/widgets/displayfilteredit.h"

#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

#include "app/viewmodels/displayfilterview.h"

DisplayFilterEdit::DisplayFilterEdit(QWidget* parent)
    : QWidget(parent)
    , m_edit(new QLineEdit(this))
    , m_error(new QLabel(this))
{
    m_edit->setObjectName(QStringLiteral("displayFilter"));
    m_edit->setPlaceholderText(tr("Display filter, e.g. NewImage.status == \"SHIPPED\" and changed(total)…"));
    m_edit->setClearButtonEnabled(true);
    m_edit->setToolTip(
        tr("Only events the expression holds for (our syntax, numbers exact; README: Display filters).\n"
           "Fields: NewImage.<attr>, OldImage.<attr>, Keys.<attr>, eventName, eventID, table, sequenceNumber, "
           "streamViewType, ttl.\nOperators: == != < <= > >= contains startswith in {…} exists(f) changed(attr) "
           "and or not ( ).\nExport and replay use it too."));
    m_error->setObjectName(QStringLiteral("displayFilterError"));
    m_error->setTextFormat(Qt::PlainText);
    m_error->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setWordWrap(false);
    m_error->hide();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(1);
    layout->addWidget(m_edit);
    layout->addWidget(m_error);
    connect(m_edit, &QLineEdit::textChanged, this, [this]() {
        check();
        Q_EMIT edited();
    });
    // Enter on a mistake puts the cursor where it is.
    connect(m_edit, &QLineEdit::returnPressed, this, [this]() {
        if (m_errorPosition >= 0)
            m_edit->setCursorPosition(m_errorPosition);
    });
}

QString DisplayFilterEdit::appliedText() const
{
    return m_invalid ? QString() : m_edit->text().trimmed();
}

void DisplayFilterEdit::clear()
{
    m_edit->clear();
    check();
}

void DisplayFilterEdit::check()
{
    const QString text = m_edit->text();
    const DisplayFilterCheck result = text.trimmed().isEmpty() ? DisplayFilterCheck{} : checkDisplayFilter(text);
    m_invalid = !result.valid;
    m_errorPosition = result.valid ? -1 : result.position;
    QPalette pal = m_edit->palette();
    pal.setColor(QPalette::Text, m_invalid ? QColor(0xd0, 0x30, 0x30) : QPalette().color(QPalette::Text));
    m_edit->setPalette(pal);
    if (!m_invalid) {
        m_error->clear();
        m_error->hide();
        return;
    }
    // The expression's line with a caret under the column, then the reason: as `--where` prints it.
    const QString caret = QString(result.position, QLatin1Char(' ')) + QLatin1Char('^');
    m_error->setText(tr("Not applied: %1\n%2\n%3").arg(result.message, text, caret));
    QPalette errorPalette = m_error->palette();
    errorPalette.setColor(QPalette::WindowText, QColor(0xd0, 0x30, 0x30));
    m_error->setPalette(errorPalette);
    m_error->show();
}

#include "app/widgets/gotodialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "app/viewmodels/isotime.h"
#include "app/viewmodels/storesession.h"

namespace {
constexpr int kKeyIdRole = Qt::UserRole + 1;
constexpr int kRecordIdRole = Qt::UserRole + 2;
} // namespace

GoToDialog::GoToDialog(StoreSession* session, QWidget* parent)
    : QDialog(parent)
    , m_session(session)
    , m_job(new GoToJob(this))
    , m_edit(new QLineEdit(this))
    , m_status(new QLabel(this))
    , m_results(new QTreeWidget(this))
    , m_find(new QPushButton(tr("&Find"), this))
    , m_open(new QPushButton(tr("&Open"), this))
{
    setObjectName(QStringLiteral("goToDialog"));
    setWindowTitle(tr("Go to Sequence Number / Event ID"));
    m_edit->setObjectName(QStringLiteral("goToEdit"));
    m_edit->setPlaceholderText(tr("Sequence number or event ID (pasted quotes are ignored)"));
    m_edit->setClearButtonEnabled(true);
    m_status->setObjectName(QStringLiteral("goToStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_results->setObjectName(QStringLiteral("goToResults"));
    m_results->setHeaderLabels(
        {tr("Record"), tr("Table"), tr("Key"), tr("Event"), tr("Time (UTC)"), tr("Sequence number"), tr("Event ID")});
    m_results->setRootIsDecorated(false);
    m_results->setUniformRowHeights(true);
    m_results->setAllColumnsShowFocus(true);
    m_results->hide();

    auto* buttons = new QDialogButtonBox(this);
    buttons->addButton(m_find, QDialogButtonBox::ActionRole);
    buttons->addButton(m_open, QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Close);
    m_find->setDefault(true);
    m_open->setEnabled(false);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_find, &QPushButton::clicked, this, &GoToDialog::search);
    connect(m_open, &QPushButton::clicked, this, &GoToDialog::openCurrent);
    connect(m_edit, &QLineEdit::returnPressed, this, &GoToDialog::search);
    connect(m_results, &QTreeWidget::itemActivated, this, &GoToDialog::openCurrent);
    connect(m_results, &QTreeWidget::currentItemChanged, this,
            [this](QTreeWidgetItem* item) { m_open->setEnabled(item != nullptr); });
    connect(m_job, &GoToJob::finished, this, &GoToDialog::showResult);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Find the record with this sequence number or event ID:"), this));
    layout->addWidget(m_edit);
    layout->addWidget(m_status);
    layout->addWidget(m_results, 1);
    layout->addWidget(buttons);
    resize(640, 160);
}

void GoToDialog::search()
{
    if (!m_session->isOpen()) {
        m_status->setText(tr("No store is open."));
        return;
    }
    const QString text = GoToJob::normalize(m_edit->text());
    if (text.isEmpty()) {
        m_status->setText(tr("Type a sequence number or an event ID"));
        return;
    }
    m_status->setText(tr("Searching for %1…").arg(text));
    m_results->clear();
    m_open->setEnabled(false);
    m_job->find(m_session->path(), text);
}

void GoToDialog::showResult(const GoToResult& result)
{
    m_status->setText(result.summary());
    m_results->clear();
    if (result.matches.size() == 1) {
        Q_EMIT recordChosen(result.matches.front().keyId, result.matches.front().recordId);
        accept();
        return;
    }
    for (const GoToMatch& m : result.matches) {
        auto* item = new QTreeWidgetItem(m_results,
                                         {QString::number(m.recordId), m.table, m.keyText, m.eventName,
                                          m.timeMicros ? isotime::format(*m.timeMicros) : QString(), m.sequenceNumber,
                                          m.eventId});
        item->setData(0, kKeyIdRole, m.keyId);
        item->setData(0, kRecordIdRole, m.recordId);
    }
    m_results->setVisible(!result.matches.empty());
    if (!result.matches.empty()) {
        for (int c = 0; c < m_results->columnCount(); ++c)
            m_results->resizeColumnToContents(c);
        m_results->setCurrentItem(m_results->topLevelItem(0));
        m_results->setFocus();
        resize(std::max(width(), 900), std::max(height(), 360));
    }
}

void GoToDialog::openCurrent()
{
    QTreeWidgetItem* item = m_results->currentItem();
    if (!item)
        return;
    Q_EMIT recordChosen(item->data(0, kKeyIdRole).toLongLong(), item->data(0, kRecordIdRole).toLongLong());
    accept();
}

#include "app/widgets/statedialog.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include "app/viewmodels/isotime.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/timefield.h"
#include "app/widgets/timelinepanel.h"

StateDialog::StateDialog(StoreSession* session, QWidget* parent)
    : QDialog(parent)
    , m_session(session)
    , m_job(new StateJob(this))
    , m_model(new StateTableModel(this))
    , m_table(new QComboBox(this))
    , m_time(new TimeField(this))
    , m_status(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_view(new QTableView(this))
    , m_item(new QPlainTextEdit(this))
    , m_show(new QPushButton(tr("&Show"), this))
    , m_cancel(new QPushButton(tr("C&ancel"), this))
    , m_open(new QPushButton(tr("&Open in Timeline"), this))
{
    setObjectName(QStringLiteral("stateDialog"));
    setWindowTitle(tr("State at a Time"));
    m_table->setObjectName(QStringLiteral("stateTable"));
    m_table->setToolTip(tr("The table whose items are listed"));
    m_time->setObjectName(QStringLiteral("stateTime"));
    m_time->setBaseToolTip(tr("The time (UTC unless an offset is given): each item as left by its last record at or "
                              "before it. Enter lists the items."));
    m_status->setObjectName(QStringLiteral("stateStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress->setObjectName(QStringLiteral("stateProgress"));
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(8);
    m_progress->hide();
    m_view->setObjectName(QStringLiteral("stateView"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setTabKeyNavigation(false);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setTextElideMode(Qt::ElideRight);
    m_item->setObjectName(QStringLiteral("stateItem"));
    m_item->setReadOnly(true);
    m_item->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_item->setPlaceholderText(tr("The selected item as stored (DynamoDB JSON, numbers exactly as delivered)"));
    m_show->setObjectName(QStringLiteral("stateShow"));
    m_cancel->setObjectName(QStringLiteral("stateCancel"));
    m_open->setObjectName(QStringLiteral("stateOpen"));
    m_show->setDefault(true);
    m_show->setAutoDefault(false);
    m_cancel->setAutoDefault(false);
    m_open->setAutoDefault(false);
    m_cancel->setEnabled(false);
    m_open->setEnabled(false);

    auto* pick = new QHBoxLayout;
    pick->addWidget(new QLabel(tr("&Table:"), this));
    static_cast<QLabel*>(pick->itemAt(0)->widget())->setBuddy(m_table);
    pick->addWidget(m_table, 1);
    auto* atLabel = new QLabel(tr("&At:"), this);
    atLabel->setBuddy(m_time);
    pick->addWidget(atLabel);
    pick->addWidget(m_time, 1);
    pick->addWidget(m_show);
    pick->addWidget(m_cancel);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("stateSplit"));
    split->addWidget(m_view);
    split->addWidget(m_item);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto* buttons = new QDialogButtonBox(this);
    buttons->addButton(m_open, QDialogButtonBox::ActionRole);
    buttons->addButton(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(pick);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);
    layout->addWidget(buttons);

    connect(m_show, &QPushButton::clicked, this, &StateDialog::showState);
    connect(m_time, &QLineEdit::returnPressed, this, &StateDialog::showState);
    connect(m_cancel, &QPushButton::clicked, m_job, &StateJob::cancel);
    connect(m_open, &QPushButton::clicked, this, &StateDialog::openCurrent);
    connect(m_view, &QTableView::activated, this, &StateDialog::openCurrent);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &StateDialog::showCurrentItem);
    connect(m_job, &StateJob::finished, this, &StateDialog::showResult);
    connect(m_job, &StateJob::runningChanged, this, &StateDialog::setRunning);
    connect(m_job, &StateJob::progressChanged, this, [this](qint64 done, qint64 total) {
        m_progress->setRange(0, total > 0 ? 1000 : 0);
        m_progress->setValue(total > 0 ? static_cast<int>(std::min<qint64>(1000, done * 1000 / total)) : 0);
        m_status->setText(tr("Reading the state… %1 items so far").arg(done));
    });
    connect(session, &StoreSession::overviewReady, this, &StateDialog::reload);
    resize(900, 560);
    fitColumns();
}

void StateDialog::fitColumns()
{
    // Each column as wide as its header text and its content (resizeColumnsToContents weighs both; with no rows it
    // is the header text alone), a long key capped at a third of the dialog but never below its header.
    QHeaderView* header = m_view->horizontalHeader();
    m_view->resizeColumnsToContents();
    const int key = StateTableModel::KeyColumn;
    m_view->setColumnWidth(key,
                           std::max(header->sectionSizeHint(key), std::min(m_view->columnWidth(key), width() / 3)));
}

void StateDialog::reload()
{
    if (!m_session->isOpen()) {
        m_status->setText(tr("No store is open."));
        return;
    }
    const bool sameStore = m_storePath == m_session->path();
    const QString current = m_table->currentText();
    m_table->clear();
    TableListModel* tables = m_session->tableModel();
    for (int row = 1; row < tables->rowCount(); ++row) // row 0 is "All tables"
        m_table->addItem(tables->tableAt(row));
    if (sameStore && m_table->findText(current) >= 0)
        m_table->setCurrentIndex(m_table->findText(current));
    if (!sameStore || !m_time->micros()) {
        if (const auto last = m_session->totals().lastTimeMicros)
            m_time->setMicros(*last);
        m_model->setRows({});
        m_item->clear();
        m_status->setText(m_table->count() > 0 ? tr("Pick a table and a time, then press Enter.")
                                               : tr("The store has no tables yet."));
    }
    m_storePath = m_session->path();
}

bool StateDialog::showState()
{
    if (!m_session->isOpen()) {
        m_status->setText(tr("No store is open."));
        return false;
    }
    if (m_table->currentText().isEmpty()) {
        m_status->setText(tr("The store has no tables yet."));
        return false;
    }
    QString why;
    const auto at = isotime::parse(m_time->text(), &why);
    if (!at) {
        m_status->setText(tr("Cannot read the time '%1': %2").arg(m_time->text(), why));
        m_time->setFocus(Qt::OtherFocusReason);
        return false;
    }
    StateRequest request;
    request.storePath = m_session->path();
    request.table = m_table->currentText();
    request.atMicros = *at;
    m_status->setText(tr("Reading the state of %1 at %2…").arg(request.table, isotime::format(*at)));
    m_job->start(request);
    return true;
}

void StateDialog::setRunning(bool running)
{
    m_progress->setVisible(running);
    if (running)
        m_progress->setRange(0, 0);
    m_cancel->setEnabled(running);
}

void StateDialog::showResult(const StateResult& result)
{
    m_status->setText(result.summary());
    if (!result.error.isEmpty() || result.cancelled) {
        m_model->setRows({});
        m_item->clear();
        m_open->setEnabled(false);
        return;
    }
    m_model->setRows(result.rows);
    fitColumns();
    if (m_model->rowCount() > 0) {
        m_view->setCurrentIndex(m_model->index(0, 0));
        m_view->setFocus(Qt::OtherFocusReason);
    } else {
        m_item->clear();
        m_open->setEnabled(false);
    }
}

void StateDialog::showCurrentItem()
{
    const QModelIndex current = m_view->currentIndex();
    m_open->setEnabled(current.isValid());
    if (!current.isValid()) {
        m_item->clear();
        return;
    }
    const StateRow& row = m_model->rows()[static_cast<std::size_t>(current.row())];
    m_item->setPlainText(row.imageKnown
                             ? row.itemJson
                             : tr("The item existed, but its image is unknown: the stream's view type carries no "
                                  "image for record %1 (%2).")
                                   .arg(row.recordId)
                                   .arg(row.eventName));
}

void StateDialog::openCurrent()
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid())
        return;
    const StateRow& row = m_model->rows()[static_cast<std::size_t>(current.row())];
    Q_EMIT keyChosen(row.keyId, row.recordId);
}

QAction* StateDialog::createAction(MainWindow* window)
{
    StoreSession* session = window->session();
    auto* action = new QAction(tr("S&tate at a Time…"), window);
    action->setObjectName(QStringLiteral("stateAtTimeAction"));
    action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    action->setToolTip(tr("Every item of a table as it was at a time (Ctrl+T)"));
    action->setEnabled(session->isOpen());
    connect(session, &StoreSession::opened, action, [action]() { action->setEnabled(true); });
    connect(session, &StoreSession::closed, action, [action]() { action->setEnabled(false); });
    connect(action, &QAction::triggered, window, [session, window]() {
        auto* dialog = window->findChild<StateDialog*>();
        if (!dialog) {
            dialog = new StateDialog(session, window);
            connect(dialog, &StateDialog::keyChosen, window, [window](qint64 keyId, qint64 recordId) {
                window->centerTabs()->setCurrentWidget(window->timelinePanel());
                window->openKeyAt(keyId, recordId);
                window->statusBar()->showMessage(tr("Opened the key at record %1").arg(recordId), 5000);
            });
            connect(session, &StoreSession::closed, dialog, [dialog]() {
                dialog->job()->cancel();
                dialog->hide();
            });
        }
        dialog->reload();
        dialog->show();
        dialog->raise();
        dialog->activateWindow();
        dialog->timeField()->setFocus(Qt::OtherFocusReason);
    });
    window->addAction(action);
    return action;
}

#include "app/widgets/mainwindowextras.h"

#include <QAction>
#include <QBoxLayout>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTextDocument>
#include <QToolButton>

#include "app/viewmodels/storesession.h"
#include "app/widgets/contextmenus.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/gotodialog.h"
#include "app/widgets/helppages.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/notificationbar.h"
#include "app/widgets/recordtree.h"
#include "app/widgets/replaypanel.h"
#include "app/widgets/startpage.h"
#include "app/widgets/timelinepanel.h"

namespace {
const QString kRecent = QStringLiteral("stores/recent"); // MainWindow's keys
const QString kLast = QStringLiteral("stores/last");
} // namespace

MainWindowExtras::MainWindowExtras(MainWindow* window)
    : QObject(window)
    , m_window(window)
{
    setObjectName(QStringLiteral("mainWindowExtras"));
    installStartPage();
    addFileActions();
    addGoTo();
    m_menus = new ContextMenus(window);
    addHelpPages();
    addRecordTree();
    showPageForSession();
}

QMenu* MainWindowExtras::menu(const char* objectName) const
{
    return m_window->menuBar()->findChild<QMenu*>(QLatin1String(objectName));
}

QAction* MainWindowExtras::windowAction(const char* objectName) const
{
    return m_window->findChild<QAction*>(QLatin1String(objectName));
}

/// The central widget becomes a stack: the start page while no store is open, the views (as they were) otherwise.
void MainWindowExtras::installStartPage()
{
    QWidget* views = m_window->takeCentralWidget();
    m_stack = new QStackedWidget(m_window);
    m_stack->setObjectName(QStringLiteral("centerStack"));
    m_start = new StartPage(m_stack);
    m_stack->addWidget(m_start);
    m_stack->addWidget(views);
    m_window->setCentralWidget(m_stack);

    connect(m_start, &StartPage::sampleRequested, this, &MainWindowExtras::openSample);
    connect(m_start, &StartPage::storeRequested, m_window, [this](const QString& path) { m_window->openStore(path); });
    connect(m_start, &StartPage::openDialogRequested, this, [this]() {
        if (QAction* open = windowAction("openStoreAction"))
            open->trigger();
    });
    connect(m_start, &StartPage::importDialogRequested, this, [this]() {
        if (QAction* import = windowAction("importAction"))
            import->trigger();
    });
    connect(m_start, &StartPage::pathsDropped, m_window, [this](const QStringList& paths) {
        if (paths.size() == 1 && QFileInfo(paths.front()).isFile() && MainWindow::isStoreFile(paths.front()))
            m_window->openStore(paths.front());
        else
            m_window->importPaths(paths);
    });
    StoreSession* session = m_window->session();
    connect(session, &StoreSession::opened, this, &MainWindowExtras::showPageForSession);
    connect(session, &StoreSession::closed, this, &MainWindowExtras::showPageForSession);
}

void MainWindowExtras::showPageForSession()
{
    const bool open = m_window->session()->isOpen();
    if (!open)
        m_start->setRecentStores(QSettings().value(kRecent).toStringList());
    QWidget* page = open ? m_stack->widget(1) : m_start;
    if (m_stack->currentWidget() == page)
        return;
    m_stack->setCurrentWidget(page);
    if (!open)
        (m_start->recentList()->count() > 0 ? static_cast<QWidget*>(m_start->recentList()) : m_start->sampleButton())
            ->setFocus(Qt::OtherFocusReason);
}

/// File ▸ Close Store (Ctrl+W), after Open Recent.
void MainWindowExtras::addFileActions()
{
    m_close = new QAction(tr("&Close Store"), this);
    m_close->setObjectName(QStringLiteral("closeStoreAction"));
    m_close->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_W));
    m_close->setToolTip(tr("Close the open store and return to the start page (Ctrl+W)"));
    connect(m_close, &QAction::triggered, this, &MainWindowExtras::closeStore);
    if (QMenu* file = menu("fileMenu")) {
        // Before the first separator (after New, Open and Open Recent).
        QAction* before = nullptr;
        for (QAction* action : file->actions())
            if (action->isSeparator()) {
                before = action;
                break;
            }
        file->insertAction(before, m_close);
    }
    m_window->addAction(m_close);
    const auto update = [this]() { m_close->setEnabled(m_window->session()->isOpen()); };
    connect(m_window->session(), &StoreSession::opened, this, update);
    connect(m_window->session(), &StoreSession::closed, this, update);
    update();
}

bool MainWindowExtras::closeStore()
{
    StoreSession* session = m_window->session();
    if (!session->isOpen())
        return false;
    QString busy;
    if (m_window->importJob()->isRunning())
        busy = tr("an import is running");
    else if (m_window->replayPanel() && m_window->replayPanel()->isRunning())
        busy = tr("a replay is running");
    if (!busy.isEmpty()) {
        m_window->statusBar()->showMessage(
            tr("The store stays open: %1 (cancel it first, then close the store)").arg(busy), 10000);
        return false;
    }
    const QString path = session->path();
    session->close();
    m_window->notificationBar()->dismiss(); // the last import's outcome belonged to that store
    QSettings().remove(kLast);              // closed on purpose: the next start shows the start page
    m_window->statusBar()->showMessage(tr("Closed %1").arg(QDir::toNativeSeparators(path)), 5000);
    return true;
}

QString MainWindowExtras::sampleStorePath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("sample.streamscope"));
}

void MainWindowExtras::openSample(const QString& capture)
{
    if (!m_window->openStore(sampleStorePath(), /*create=*/true))
        return;
    // Imported only into an empty sample store (once its totals are read): opening it again shows what is there.
    StoreSession* session = m_window->session();
    connect(
        session, &StoreSession::overviewReady, m_window,
        [this, session, capture, path = session->path()]() {
            if (session->path() == path && session->totals().records == 0)
                m_window->importPaths({capture});
        },
        Qt::SingleShotConnection);
}

/// Edit ▸ Go to Sequence Number / Event ID (Ctrl+G): the record opens in the timeline.
void MainWindowExtras::addGoTo()
{
    m_goTo = new QAction(tr("&Go to Sequence Number / Event ID…"), this);
    m_goTo->setObjectName(QStringLiteral("goToAction"));
    m_goTo->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
    m_goTo->setToolTip(tr("Open the record with a sequence number or event ID (Ctrl+G)"));
    connect(m_goTo, &QAction::triggered, this, &MainWindowExtras::showGoTo);
    if (QMenu* edit = menu("editMenu"))
        edit->addAction(m_goTo);
    m_window->addAction(m_goTo);
    const auto update = [this]() { m_goTo->setEnabled(m_window->session()->isOpen()); };
    connect(m_window->session(), &StoreSession::opened, this, update);
    connect(m_window->session(), &StoreSession::closed, this, update);
    update();
}

GoToDialog* MainWindowExtras::showGoTo()
{
    if (!m_window->session()->isOpen()) {
        m_window->statusBar()->showMessage(tr("Open a store first."), 5000);
        return nullptr;
    }
    auto* dialog = new GoToDialog(m_window->session(), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &GoToDialog::recordChosen, m_window, [this](qint64 keyId, qint64 recordId) {
        m_window->centerTabs()->setCurrentWidget(m_window->timelinePanel());
        m_window->openKeyAt(keyId, recordId);
        m_window->statusBar()->showMessage(tr("Went to record %1").arg(recordId), 5000);
    });
    connect(m_window->session(), &StoreSession::closed, dialog, &QDialog::reject); // it searched that store
    dialog->open();
    dialog->edit()->setFocus(Qt::OtherFocusReason);
    return dialog;
}

/// Help ▸ Formats Streamscope Reads and Help ▸ README, before About.
void MainWindowExtras::addHelpPages()
{
    m_formats = new QAction(tr("&Formats Streamscope Reads"), this);
    m_formats->setObjectName(QStringLiteral("formatsAction"));
    connect(m_formats, &QAction::triggered, this, [this]() { helppages::showFormats(m_window); });
    m_readme = new QAction(tr("&README"), this);
    m_readme->setObjectName(QStringLiteral("readmeAction"));
    m_readme->setToolTip(helppages::readmeUrl().toString());
    connect(m_readme, &QAction::triggered, this, []() { QDesktopServices::openUrl(helppages::readmeUrl()); });
    if (QMenu* help = menu("helpMenu")) {
        QAction* about = help->actions().isEmpty() ? nullptr : help->actions().last();
        help->insertAction(about, m_formats);
        help->insertAction(about, m_readme);
        help->insertSeparator(about);
    }
}

/// The raw record pane of the Events tab becomes two pages: Text (as delivered) and Tree (collapsible, typed), switched
/// by two buttons on the record's origin line.
void MainWindowExtras::addRecordTree()
{
    QPlainTextEdit* raw = m_window->eventsPanel()->rawView();
    QLayout* layout = raw->parentWidget() ? raw->parentWidget()->layout() : nullptr;
    if (!layout)
        return;
    m_recordTabs = new QTabWidget(raw->parentWidget());
    m_recordTabs->setObjectName(QStringLiteral("recordTabs"));
    m_recordTabs->setDocumentMode(true);
    m_recordTabs->setTabPosition(QTabWidget::South);
    m_recordTree = new RecordTree(m_recordTabs);
    // No taller than the text pane alone (the events table keeps its rows at 1024x700).
    m_recordTree->setMinimumHeight(1);
    raw->setMinimumHeight(1);
    delete layout->replaceWidget(raw, m_recordTabs);
    m_recordTabs->addTab(raw, tr("Text"));
    m_recordTabs->addTab(m_recordTree, tr("Tree"));
    // No tab bar under the record: the switch sits at the end of the origin line above it (at 1024x700 the bar cost
    // the record a line and a half: three and a half shown while the import's notification was).
    m_recordTabs->tabBar()->hide();
    if (QWidget* info = layout->count() > 0 ? layout->itemAt(0)->widget() : nullptr; info && info != m_recordTabs) {
        auto* row = new QWidget(raw->parentWidget());
        auto* rowLayout = new QHBoxLayout(row);
        rowLayout->setContentsMargins(0, 0, 0, 0);
        rowLayout->setSpacing(2);
        delete layout->replaceWidget(info, row);
        rowLayout->addWidget(info, 1);
        const int height = info->fontMetrics().height() + 4; // the line no taller than its text
        const QString tips[] = {tr("The record as delivered (text)"), tr("The record as a tree of typed values")};
        for (int page = 0; page < 2; ++page) {
            auto* button = new QToolButton(row);
            button->setObjectName(page == 0 ? QStringLiteral("recordTextButton") : QStringLiteral("recordTreeButton"));
            button->setText(m_recordTabs->tabText(page));
            button->setToolTip(tips[page]);
            button->setCheckable(true);
            button->setAutoExclusive(true);
            button->setAutoRaise(true);
            button->setChecked(page == 0);
            button->setMaximumHeight(height);
            rowLayout->addWidget(button, 0, Qt::AlignTop);
            connect(button, &QToolButton::clicked, m_recordTabs,
                    [this, page]() { m_recordTabs->setCurrentIndex(page); });
            connect(m_recordTabs, &QTabWidget::currentChanged, button,
                    [button, page](int current) { button->setChecked(current == page); });
        }
    }
    // A line of the record at least (the minimum size hint of the text pane, a frame of scroll bars taller, cost the
    // events table its fourth row at 1024x700 beside a five-row Audit dock).
    // (the text's document margin is above and below that line: without it a "line" showed a half)
    m_recordTabs->setMinimumHeight(raw->fontMetrics().lineSpacing() + 2 * raw->frameWidth()
                                   + 2 * static_cast<int>(raw->document()->documentMargin()));
    // The tree follows the text pane (it shows the selected record, or nothing); built only while it is visible.
    const auto update = [this, raw]() {
        if (m_recordTabs->currentWidget() != m_recordTree)
            return;
        const qint64 id = m_window->eventsPanel()->shownRecord();
        const auto row = id > 0 && !raw->toPlainText().isEmpty() ? m_window->session()->record(id) : std::nullopt;
        m_recordTree->showJson(row ? QString::fromStdString(row->raw) : QString());
    };
    connect(raw, &QPlainTextEdit::textChanged, this, update);
    connect(m_recordTabs, &QTabWidget::currentChanged, this, update);
}

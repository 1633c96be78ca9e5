// The main window's genre features (issue 19, "Expected of a tool in this genre"), offscreen: the start page and
// File ▸ Close Store.

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QDockWidget>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

#include "app/viewmodels/auditmodel.h"
#include "app/viewmodels/findingsmodel.h"
#include "app/viewmodels/keyexpression.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/contextmenus.h"
#include "app/widgets/displayfilteredit.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/exportdialog.h"
#include "app/widgets/findingspanel.h"
#include "app/widgets/gotodialog.h"
#include "app/widgets/helppages.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/mainwindowextras.h"
#include "app/widgets/recordtree.h"
#include "app/widgets/startpage.h"
#include "app/widgets/timelinepanel.h"
#include "samplewindow.h"
#include "testsupport.h"

namespace {
using samplewindow::openSample;
using samplewindow::sampleCapture;
using samplewindow::waitForKeys;
/// The action of `menu` with this object name (nullptr when it has none).
QAction* menuAction(QMenu* menu, const char* name)
{
    for (QAction* action : menu->actions())
        if (action->objectName() == QLatin1String(name))
            return action;
    return nullptr;
}

QStringList actionTexts(QMenu* menu)
{
    QStringList texts;
    for (QAction* action : menu->actions())
        if (!action->isSeparator())
            texts << action->text().remove(QLatin1Char('&'));
    return texts;
}

void dropOn(QWidget* target, const QList<QUrl>& urls)
{
    QMimeData mime;
    mime.setUrls(urls);
    const QPoint at = target->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent dropEvent(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &dropEvent);
}
} // namespace

class TestMainWindowExtras : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        for (const QString& store : {MainWindowExtras::sampleStorePath(), MainWindow::defaultStorePath()})
            for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
                QFile::remove(store + suffix);
    }
    void init() { QSettings().clear(); }

    void startPageUntilAStoreOpens();
    void closeStoreReturnsToStartPage();
    void recentStoresAndDropZone();
    void goToSequenceNumberAndEventId();
    void contextMenuOnKey();
    void contextMenuOnEventAndFinding();
    void helpMenuPages();
    void recordTreeBesideText();
    void recordTreeKeepsValuesExact();
};

void TestMainWindowExtras::startPageUntilAStoreOpens()
{
    MainWindow window;
    window.setShowImportSummary(false);
    window.resize(1024, 700);
    window.show();
    auto* extras = window.extras();
    QVERIFY(extras);
    StartPage* start = extras->startPage();
    QCOMPARE(extras->centerStack()->currentWidget(), start);
    QVERIFY(start->isVisible());
    QVERIFY(start->findChild<QLabel*>(QStringLiteral("startPageWhat"))->text().contains(QStringLiteral("DynamoDB")));
    QVERIFY(start->recentList()->isHidden()); // no recent stores yet: says so instead
    QVERIFY(!extras->closeStoreAction()->isEnabled());

    // The bundled sample: its own store, created and imported on first use.
    start->setSamplePath(sampleCapture());
    QVERIFY(start->sampleButton()->isEnabled());
    QSignalSpy imported(&window, &MainWindow::importFinished);
    QTest::mouseClick(start->sampleButton(), Qt::LeftButton);
    QVERIFY(window.session()->isOpen());
    QCOMPARE(window.session()->path(), MainWindowExtras::sampleStorePath());
    QVERIFY(imported.wait(60'000));
    QVERIFY(waitForKeys(window, 10));
    QVERIFY(extras->centerStack()->currentWidget() != start);
    QVERIFY(!start->isVisible());
    QVERIFY(extras->closeStoreAction()->isEnabled());

    // Opened again it is not imported again (nothing to add).
    QVERIFY(extras->closeStore());
    imported.clear();
    QTest::mouseClick(start->sampleButton(), Qt::LeftButton);
    QVERIFY(waitForKeys(window, 10));
    QVERIFY(!imported.wait(1000));

    // Without a sample the button says why it is disabled.
    start->setSamplePath(QString());
    QVERIFY(!start->sampleButton()->isEnabled());
    QVERIFY(start->sampleButton()->toolTip().contains(QStringLiteral("not found")));
}

void TestMainWindowExtras::closeStoreReturnsToStartPage()
{
    QTemporaryDir dir;
    MainWindow window;
    window.show();
    QVERIFY(openSample(window, dir));
    auto* extras = window.extras();
    QVERIFY(extras->centerStack()->currentWidget() != extras->startPage());
    QVERIFY(!QSettings().value(QStringLiteral("stores/last")).toString().isEmpty());

    // File ▸ Close Store is in the File menu, with Ctrl+W.
    auto* file = window.menuBar()->findChild<QMenu*>(QStringLiteral("fileMenu"));
    QVERIFY(file);
    QVERIFY(file->actions().contains(extras->closeStoreAction()));
    QCOMPARE(extras->closeStoreAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_W));
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QSignalSpy closed(window.session(), &StoreSession::closed);
    QTest::keyClick(&window, Qt::Key_W, Qt::ControlModifier);
    QCOMPARE(closed.count(), 1);
    QVERIFY(!window.session()->isOpen());
    QCOMPARE(extras->centerStack()->currentWidget(), extras->startPage());
    QCOMPARE(window.keysPanel()->keyView()->model()->rowCount(), 0);
    // Closed on purpose: the next start shows the start page, not this store.
    QVERIFY(QSettings().value(QStringLiteral("stores/last")).toString().isEmpty());
    QVERIFY(!extras->closeStoreAction()->isEnabled());
    QVERIFY(!extras->closeStore()); // nothing open: nothing to close
}

void TestMainWindowExtras::recentStoresAndDropZone()
{
    QTemporaryDir dir;
    MainWindow window;
    window.show();
    QVERIFY(openSample(window, dir));
    const QString store = window.session()->path();
    // File ▸ Open Recent: the entries carry their digit as mnemonic (&1 first), the path as it is.
    QMenu* recentMenu = nullptr;
    for (QMenu* menu : window.menuBar()->findChildren<QMenu*>())
        if (menu->title() == QStringLiteral("Open &Recent"))
            recentMenu = menu;
    QVERIFY(recentMenu);
    QVERIFY(!recentMenu->actions().isEmpty());
    QCOMPARE(recentMenu->actions().first()->text(), QStringLiteral("&1 ") + QDir::toNativeSeparators(store));
    QVERIFY(window.extras()->closeStore());
    StartPage* start = window.extras()->startPage();

    // The recent store is listed first; Enter opens it.
    QVERIFY(start->recentList()->isVisible());
    QVERIFY(start->recentList()->count() >= 1);
    QCOMPARE(start->recentList()->item(0)->text(), QDir::toNativeSeparators(store));
    start->recentList()->setFocus();
    QTest::keyClick(start->recentList(), Qt::Key_Return);
    QVERIFY(window.session()->isOpen());
    QCOMPARE(window.session()->path(), store);
    QVERIFY(waitForKeys(window, 10));

    // A store that no longer exists is listed as missing and cannot be opened.
    QVERIFY(window.extras()->closeStore());
    start->setRecentStores({dir.filePath(QStringLiteral("gone.streamscope")), store});
    QVERIFY(start->recentList()->item(0)->text().contains(QStringLiteral("missing")));
    QVERIFY(!(start->recentList()->item(0)->flags() & Qt::ItemIsEnabled));

    // Dropping a capture on the drop zone imports it (into the default store: none is open).
    QVERIFY(QFile::copy(sampleCapture(), dir.filePath(QStringLiteral("drop.json"))));
    QSignalSpy imported(&window, &MainWindow::importFinished);
    dropOn(start->dropZone(), {QUrl::fromLocalFile(dir.filePath(QStringLiteral("drop.json")))});
    QVERIFY(imported.wait(60'000));
    QCOMPARE(window.session()->path(), MainWindow::defaultStorePath());
    QVERIFY(window.extras()->centerStack()->currentWidget() != start);

    // Dropping a store opens it.
    QVERIFY(window.extras()->closeStore());
    dropOn(start->dropZone(), {QUrl::fromLocalFile(store)});
    QCOMPARE(window.session()->path(), store);
}

void TestMainWindowExtras::goToSequenceNumberAndEventId()
{
    QTemporaryDir dir;
    MainWindow window;
    window.show();
    auto* extras = window.extras();
    QVERIFY(!extras->goToAction()->isEnabled()); // no store open
    QVERIFY(!extras->showGoTo());
    QVERIFY(openSample(window, dir));
    QVERIFY(extras->goToAction()->isEnabled());
    QCOMPARE(extras->goToAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_G));
    auto* session = window.session();
    // Two records of different keys, neither the last version of its key.
    const auto first = session->record(7);
    const auto second = session->record(3);
    QVERIFY(first && second);
    QVERIFY(first->keyId != second->keyId);

    // Ctrl+G, the sequence number pasted with its quotes, Enter: the record opens in the timeline.
    QVERIFY(QTest::qWaitForWindowActive(&window));
    window.centerTabs()->setCurrentWidget(window.eventsPanel());
    QTest::keyClick(&window, Qt::Key_G, Qt::ControlModifier);
    QPointer<GoToDialog> dialog = window.findChild<GoToDialog*>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    dialog->edit()->setText(QStringLiteral("\"%1\"").arg(QString::fromStdString(first->sequenceNumber)));
    QTest::keyClick(dialog->edit(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog || !dialog->isVisible(), 20'000);
    QCOMPARE(window.centerTabs()->currentWidget(), window.timelinePanel());
    QTRY_COMPARE_WITH_TIMEOUT(session->currentKeyId(), first->keyId, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(
        window.timelinePanel()->view()->currentIndex().data(ModelRoles::RecordIdRole).toLongLong(), qint64(7), 10'000);

    // By event ID.
    dialog = extras->showGoTo();
    QVERIFY(dialog);
    dialog->edit()->setText(QString::fromStdString(second->eventId));
    dialog->search();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog || !dialog->isVisible(), 20'000);
    QTRY_COMPARE_WITH_TIMEOUT(session->currentKeyId(), second->keyId, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(
        window.timelinePanel()->view()->currentIndex().data(ModelRoles::RecordIdRole).toLongLong(), qint64(3), 10'000);

    // Nothing found: the dialog stays and says so.
    dialog = extras->showGoTo();
    dialog->edit()->setText(QStringLiteral("999"));
    dialog->search();
    QTRY_VERIFY_WITH_TIMEOUT(dialog->statusLabel()->text().startsWith(QStringLiteral("No record has")), 20'000);
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->results()->isHidden());
    QCOMPARE(session->currentKeyId(), second->keyId);
    // Closing the store closes the dialog (it searched that store).
    QVERIFY(extras->closeStore());
    QTRY_VERIFY(!dialog);
}

void TestMainWindowExtras::contextMenuOnKey()
{
    QTemporaryDir dir;
    MainWindow window;
    window.show();
    QVERIFY(openSample(window, dir));
    ContextMenus* menus = window.extras()->contextMenus();
    QTableView* keys = window.keysPanel()->keyView();
    const KeyRow* row = window.session()->keyModel()->rowAt(1);
    QVERIFY(row);
    const QString keyText = QString::fromStdString(row->keyText);
    const QString table = QString::fromStdString(row->table);

    // Right click on a key: its menu; the key becomes the current one.
    const QPoint at = keys->visualRect(keys->model()->index(1, 0)).center();
    QContextMenuEvent click(QContextMenuEvent::Mouse, at, keys->viewport()->mapToGlobal(at));
    QCoreApplication::sendEvent(keys->viewport(), &click);
    QTRY_VERIFY(menus->shownMenu() && menus->shownMenu()->isVisible());
    QMenu* menu = menus->shownMenu();
    QCOMPARE(menu->objectName(), QStringLiteral("keyContextMenu"));
    QCOMPARE(keys->currentIndex().row(), 1);
    QCOMPARE(actionTexts(menu),
             (QStringList{QStringLiteral("Show History\tEnter"), QStringLiteral("Filter Events on This Key"),
                          QStringLiteral("Export This Key…"), QStringLiteral("Copy Key as JSON"),
                          QStringLiteral("Copy Key as name=value")}));
    // Copy key (the key the menu was opened on).
    menu->actions().at(menu->actions().size() - 1)->trigger();
    QCOMPARE(QApplication::clipboard()->text(), keyText);
    menu->close();
    QTRY_VERIFY(!menus->shownMenu());

    // The Menu key and Shift+F10 open it from the keyboard, on the current key.
    keys->setFocus();
    QTest::keyClick(keys, Qt::Key_Menu);
    QTRY_VERIFY(menus->shownMenu() && menus->shownMenu()->isVisible());
    QCOMPARE(menus->shownMenu()->objectName(), QStringLiteral("keyContextMenu"));
    menus->shownMenu()->close();
    QTRY_VERIFY(!menus->shownMenu());
    QTest::keyClick(keys, Qt::Key_F10, Qt::ShiftModifier);
    QTRY_VERIFY(menus->shownMenu() && menus->shownMenu()->isVisible());
    menu = menus->shownMenu();

    // Filter events on this key: the Events tab, its table and exactly this key (a display filter on its Keys, not
    // the key text filter's substring).
    window.eventsPanel()->textEdit()->setText(QStringLiteral("left over"));
    menuAction(menu, "filterEventsOnKey")->trigger();
    menu->close();
    QCOMPARE(window.centerTabs()->currentWidget(), window.eventsPanel());
    QVERIFY(window.eventsPanel()->textEdit()->text().isEmpty());
    const QString where = window.eventsPanel()->displayFilterEdit()->lineEdit()->text();
    QCOMPARE(where, QString::fromStdString(*keyexpression::exactKey(row->keyJson)));
    QVERIFY2(where.startsWith(QStringLiteral("Keys.")) && where.contains(QStringLiteral(" == ")), qPrintable(where));
    QCOMPARE(window.eventsPanel()->tableBox()->currentData().toString(), table);
    QTRY_COMPARE_WITH_TIMEOUT(QString::fromStdString(window.session()->eventFilter().where), where, 10'000);
    auto* events = window.session()->eventModel();
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isBusy() && events->rowCount() == int(row->recordCount), 10'000);
    for (int r = 0; r < events->rowCount(); ++r)
        QCOMPARE(events->rowAt(r)->keyId, row->keyId);

    // Show history: the key's timeline.
    std::unique_ptr<QMenu> again(menus->menuFor(keys, keys->model()->index(1, 0)));
    menuAction(again.get(), "showHistory")->trigger();
    QCOMPARE(window.centerTabs()->currentWidget(), window.timelinePanel());
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->currentKeyId(), row->keyId, 10'000);

    // Export this key: the export dialog, set to exactly this key.
    const KeyRow* other = window.session()->keyModel()->rowAt(2);
    std::unique_ptr<QMenu> exportMenu(menus->menuFor(keys, keys->model()->index(2, 0)));
    menuAction(exportMenu.get(), "exportKey")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(window.findChild<ExportDialog*>(), 10'000);
    auto* exportDialog = window.findChild<ExportDialog*>();
    QCOMPARE(window.session()->currentKeyId(), other->keyId);
    QVERIFY(exportDialog->onlyKeyBox()->isEnabled());
    QVERIFY(exportDialog->onlyKeyBox()->isChecked());
    QVERIFY(exportDialog->filterScopeText().contains(QString::fromStdString(other->keyText)));
    exportDialog->close();

    // No menu off the items.
    QVERIFY(!menus->menuFor(keys, QModelIndex()));
}

void TestMainWindowExtras::contextMenuOnEventAndFinding()
{
    QTemporaryDir dir;
    MainWindow window;
    window.show();
    QVERIFY(openSample(window, dir));
    auto* session = window.session();
    QTRY_VERIFY_WITH_TIMEOUT(session->auditModel()->findingCount() > 0, 20'000);
    ContextMenus* menus = window.extras()->contextMenus();
    QTableView* view = window.eventsPanel()->view();
    window.centerTabs()->setCurrentWidget(window.eventsPanel());
    auto* events = session->eventModel();
    QTRY_VERIFY_WITH_TIMEOUT(events->rowCount() > 20, 10'000);
    for (int r = 0; r < events->rowCount(); ++r) {
        events->index(r, 0).data(); // loads the row's page
        QTRY_VERIFY(events->rowAt(r));
    }

    // An event with an audit finding and one without.
    int withFinding = -1;
    int without = -1;
    for (int r = 0; r < events->rowCount(); ++r)
        (menus->findingOf(events->rowAt(r)->recordId).isValid() ? withFinding : without) = r;
    QVERIFY2(withFinding >= 0, "the sample has a finding tied to one event");
    QVERIFY(without >= 0);

    std::unique_ptr<QMenu> menu(menus->menuFor(view, events->index(without, 0)));
    QCOMPARE(menu->objectName(), QStringLiteral("eventContextMenu"));
    QVERIFY(!menuAction(menu.get(), "showInAudit")->isEnabled());
    QVERIFY(actionTexts(menu.get()).contains(QStringLiteral("Copy Row")));
    QVERIFY(actionTexts(menu.get()).contains(QStringLiteral("Copy Record as JSON")));

    // Copy the image as DynamoDB JSON (typed) and as plain JSON (values only); both parse.
    const qint64 recordId = events->rowAt(without)->recordId;
    const auto record = session->record(recordId);
    QVERIFY(record && record->newImageJson);
    menuAction(menu.get(), "copyImageDynamo")->trigger();
    const QString dynamo = QApplication::clipboard()->text();
    QJsonParseError error{};
    const QJsonObject typed = QJsonDocument::fromJson(dynamo.toUtf8(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(typed, QJsonDocument::fromJson(QByteArray::fromStdString(*record->newImageJson)).object());
    QVERIFY(dynamo.contains(QLatin1Char('\n'))); // indented like the plain copy
    menuAction(menu.get(), "copyImagePlain")->trigger();
    const QJsonObject plain = QJsonDocument::fromJson(QApplication::clipboard()->text().toUtf8(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(plain.keys(), typed.keys());
    for (const QString& name : plain.keys())
        QVERIFY2(!plain.value(name).isObject() || typed.value(name).toObject().contains(QStringLiteral("M")),
                 qPrintable(name)); // typed wrappers gone: only maps stay objects

    // Open the version in the timeline.
    menuAction(menu.get(), "openVersion")->trigger();
    QCOMPARE(window.centerTabs()->currentWidget(), window.timelinePanel());
    QTRY_COMPARE_WITH_TIMEOUT(
        window.timelinePanel()->view()->currentIndex().data(ModelRoles::RecordIdRole).toLongLong(), recordId, 10'000);

    // Show in audit selects the event's finding.
    const qint64 flagged = events->rowAt(withFinding)->recordId;
    menu.reset(menus->menuFor(view, events->index(withFinding, 0)));
    QAction* audit = menuAction(menu.get(), "showInAudit");
    QVERIFY(audit->isEnabled());
    audit->trigger();
    QTableView* auditView = window.auditPanel()->view();
    const FindingRow* finding = window.auditPanel()->filterModel()->rowAt(auditView->currentIndex().row());
    QVERIFY(finding);
    QCOMPARE(finding->recordId, flagged);
    QVERIFY(window.auditDock()->isVisible());

    // The finding's menu: open, copy, filter; none without a row.
    menu.reset(menus->menuFor(auditView, auditView->currentIndex()));
    QCOMPARE(menu->objectName(), QStringLiteral("findingContextMenu"));
    menuAction(menu.get(), "copyFinding")->trigger();
    QVERIFY(QApplication::clipboard()->text().contains(QString::fromStdString(finding->message)));
    QVERIFY(!menus->menuFor(auditView, QModelIndex()));
    auditView->setFocus();
    QTest::keyClick(auditView, Qt::Key_Menu);
    QTRY_VERIFY(menus->shownMenu() && menus->shownMenu()->isVisible());
    QCOMPARE(menus->shownMenu()->objectName(), QStringLiteral("findingContextMenu"));
    menus->shownMenu()->close();
    menuAction(menu.get(), "openFinding")->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(
        window.timelinePanel()->view()->currentIndex().data(ModelRoles::RecordIdRole).toLongLong(), flagged, 10'000);

    // Filter events on the finding's key, then on an event's key: exactly that key (the display filter made from the
    // record's stored Keys), every event listed is of that key.
    const auto keyed = session->record(flagged);
    QVERIFY(keyed);
    menu.reset(menus->menuFor(auditView, auditView->currentIndex()));
    menuAction(menu.get(), "filterEventsOnKey")->trigger();
    QCOMPARE(window.centerTabs()->currentWidget(), window.eventsPanel());
    const auto onlyKey = [&](const storage::RecordRow& of) {
        const QString where = window.eventsPanel()->displayFilterEdit()->lineEdit()->text();
        QCOMPARE(where, QString::fromStdString(*keyexpression::exactKey(of.keysJson)));
        QTRY_VERIFY_WITH_TIMEOUT(QString::fromStdString(session->eventFilter().where) == where && !session->isBusy(),
                                 10'000);
        QVERIFY(events->rowCount() > 0);
        for (int r = 0; r < events->rowCount(); ++r) {
            events->index(r, 0).data();
            QTRY_VERIFY(events->rowAt(r));
            QCOMPARE(events->rowAt(r)->keyId, of.keyId);
        }
    };
    onlyKey(*keyed);
    window.eventsPanel()->displayFilterEdit()->clear();
    QTRY_VERIFY_WITH_TIMEOUT(session->eventFilter().where.empty() && !session->isBusy(), 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(events->rowCount() > 20, 10'000);
    events->index(20, 0).data();
    QTRY_VERIFY(events->rowAt(20));
    const auto other = session->record(events->rowAt(20)->recordId);
    QVERIFY(other);
    menu.reset(menus->menuFor(view, events->index(20, 0)));
    menuAction(menu.get(), "filterEventsOnKey")->trigger();
    onlyKey(*other);
}

void TestMainWindowExtras::helpMenuPages()
{
    MainWindow window;
    window.show();
    auto* help = window.menuBar()->findChild<QMenu*>(QStringLiteral("helpMenu"));
    QVERIFY(help);
    QStringList texts = actionTexts(help);
    // Keyboard Shortcuts (F1, from the GUI work before), the formats page, the README, About.
    QCOMPARE(texts,
             (QStringList{QStringLiteral("Keyboard Shortcuts"), QStringLiteral("Formats Streamscope Reads"),
                          QStringLiteral("README"), QStringLiteral("About Streamscope")}));
    window.extras()->formatsAction()->trigger();
    auto* dialog = window.findChild<QDialog*>(QStringLiteral("formatsDialog"));
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    auto* table = dialog->findChild<QTableWidget*>(QStringLiteral("formatsTable"));
    QCOMPARE(table->rowCount(), int(helppages::captureFormats().size()));
    QStringList shapes;
    for (int r = 0; r < table->rowCount(); ++r)
        shapes << table->item(r, 0)->text();
    for (const char* shape : {"Lambda DynamoDB event", "GetRecords", "Kinesis", "EventBridge Pipes",
                              "S3 incremental export", "DynamoDB export folder", "JSON Lines", ".gz"})
        QVERIFY2(shapes.join(QLatin1Char('\n')).contains(QLatin1String(shape)), shape);
    // The README link: the source tree's copy beside this build.
    const QUrl readme = helppages::readmeUrl();
    QVERIFY2(readme.isLocalFile(), qPrintable(readme.toString()));
    QCOMPARE(QFileInfo(readme.toLocalFile()).canonicalFilePath(),
             QFileInfo(testsupport::sourceDir() + QStringLiteral("/README.md")).canonicalFilePath());
    QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("formatsReadmeLink"))->text().contains(readme.toString()));
    dialog->close();
}

void TestMainWindowExtras::recordTreeBesideText()
{
    QTemporaryDir dir;
    MainWindow window;
    window.show();
    QVERIFY(openSample(window, dir));
    auto* extras = window.extras();
    QTabWidget* tabs = extras->recordTabs();
    QVERIFY(tabs);
    QCOMPARE(tabs->count(), 2);
    QCOMPARE(tabs->widget(0), static_cast<QWidget*>(window.eventsPanel()->rawView()));
    QCOMPARE(tabs->widget(1), static_cast<QWidget*>(extras->recordTree()));
    window.centerTabs()->setCurrentWidget(window.eventsPanel());
    tabs->setCurrentWidget(extras->recordTree());
    QTableView* view = window.eventsPanel()->view();
    QTRY_VERIFY(view->model()->rowCount() > 0);
    view->setCurrentIndex(view->model()->index(0, 0)); // the first record: INSERT of customerId CUST-17
    QTRY_COMPARE(window.eventsPanel()->shownRecord(), qint64(1));
    RecordTree* tree = extras->recordTree();
    QTRY_VERIFY(tree->topLevelItemNamed(QStringLiteral("dynamodb")));
    QCOMPARE(tree->topLevelItemNamed(QStringLiteral("eventName"))->text(RecordTree::ValueColumn),
             QStringLiteral("INSERT"));
    QTreeWidgetItem* dynamodb = tree->topLevelItemNamed(QStringLiteral("dynamodb"));
    QVERIFY(dynamodb->isExpanded());
    QTreeWidgetItem* newImage = nullptr;
    for (int i = 0; i < dynamodb->childCount(); ++i)
        if (dynamodb->child(i)->text(RecordTree::NameColumn) == QLatin1String("NewImage"))
            newImage = dynamodb->child(i);
    QVERIFY(newImage);
    QVERIFY(newImage->isExpanded());
    QMap<QString, QPair<QString, QString>> attributes; // name -> (type, value)
    for (int i = 0; i < newImage->childCount(); ++i)
        attributes.insert(newImage->child(i)->text(0), {newImage->child(i)->text(1), newImage->child(i)->text(2)});
    QCOMPARE(attributes.value(QStringLiteral("customerId")), qMakePair(QStringLiteral("S"), QStringLiteral("CUST-17")));
    QCOMPARE(attributes.value(QStringLiteral("vip")), qMakePair(QStringLiteral("BOOL"), QStringLiteral("false")));
    QCOMPARE(attributes.value(QStringLiteral("orders")).first, QStringLiteral("NS"));
    QCOMPARE(attributes.value(QStringLiteral("name")).second, QStringLiteral("Léa Schröder"));
    // Another record: the tree follows; the text tab is untouched.
    view->setCurrentIndex(view->model()->index(1, 0));
    QTRY_COMPARE(window.eventsPanel()->shownRecord(), qint64(2));
    QTRY_VERIFY(tree->topLevelItemNamed(QStringLiteral("eventID"))->text(2)
                != QStringLiteral("0d437ad0d2bfbdf1d6c725edc32ace82"));
    QVERIFY(window.eventsPanel()->rawView()->toPlainText().contains(QStringLiteral("\"Records\"")) == false);
}

void TestMainWindowExtras::recordTreeKeepsValuesExact()
{
    RecordTree tree;
    tree.showJson(
        QStringLiteral(R"({"big":123456789012345678901234567890.000100,"e":1.5E+300,)"
                       R"("dynamodb":{"NewImage":{"n":{"N":"0.10"},"m":{"M":{"x":{"L":[{"S":"a\"b"}]}}}}}})"));
    QCOMPARE(tree.topLevelItemNamed(QStringLiteral("big"))->text(2),
             QStringLiteral("123456789012345678901234567890.000100"));
    QCOMPARE(tree.topLevelItemNamed(QStringLiteral("e"))->text(2), QStringLiteral("1.5E+300"));
    QTreeWidgetItem* image = tree.topLevelItemNamed(QStringLiteral("dynamodb"))->child(0);
    QCOMPARE(image->child(0)->text(1), QStringLiteral("N"));
    QCOMPARE(image->child(0)->text(2), QStringLiteral("0.10"));
    QCOMPARE(image->child(1)->text(1), QStringLiteral("M"));
    QCOMPARE(image->child(1)->child(0)->text(1), QStringLiteral("L"));
    QCOMPARE(image->child(1)->child(0)->child(0)->text(1), QStringLiteral("S"));
    QCOMPARE(image->child(1)->child(0)->child(0)->text(2), QStringLiteral("a\"b"));
    tree.showJson(QStringLiteral("{\"a\": [1, 2"));
    QCOMPARE(tree.topLevelItemCount(), 1);
    QCOMPARE(tree.topLevelItem(0)->text(0), QStringLiteral("(not JSON)"));
}

QTEST_MAIN(TestMainWindowExtras)
#include "tstw_mainwindowextras.moc"

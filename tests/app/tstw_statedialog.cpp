// View ▸ State at a Time (issue 19, "Expected of a tool in this genre"), offscreen and from the keyboard: Ctrl+T opens
// the dialog on the open store's last time, Enter lists the items of the table as they were (numbers exactly as
// stored), a typed earlier time lists the state then, Enter on an item opens its key in the timeline at the version
// that left it so, errors are said in the dialog, and it fits a 1024x700 window. Its column headers are readable
// (each header's text fits its section, before and after a listing, at the dialog's size and in a narrower one).

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyle>
#include <QStyleOptionHeader>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "app/viewmodels/isotime.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/statedialog.h"
#include "app/widgets/timefield.h"
#include "app/widgets/timelinepanel.h"
#include "testsupport.h"

namespace {
QMenu* menuBarMenu(MainWindow& window, const char* name)
{
    return window.menuBar()->findChild<QMenu*>(QLatin1String(name));
}

bool openSample(MainWindow& window, const QTemporaryDir& dir)
{
    window.setShowImportSummary(false);
    if (!window.openStore(dir.filePath(QStringLiteral("sample.streamscope")), true))
        return false;
    QSignalSpy imported(&window, &MainWindow::importFinished);
    window.importPaths({testsupport::sourceDir() + QStringLiteral("/resources/samples/orders-capture.json")});
    auto* session = window.session();
    return imported.wait(60'000)
        && QTest::qWaitFor([session]() { return !session->isBusy() && session->keyModel()->rowCount() == 10; }, 30'000);
}

/// The window at 1024x700, shown.
bool showAtSmallSize(MainWindow& window)
{
    window.resize(1024, 700);
    window.show();
    return QTest::qWaitForWindowExposed(&window);
}

/// The state the job gives directly (no dialog) for comparison.
StateResult stateNow(const QString& store, const QString& table, qint64 at)
{
    auto opened = storage::Store::open(store.toStdString(), storage::Database::OpenMode::ReadOnly);
    StateRequest request;
    request.storePath = store;
    request.table = table;
    request.atMicros = at;
    if (!opened) {
        StateResult r;
        r.error = QStringLiteral("cannot open");
        return r;
    }
    return StateJob::read(*opened, request, [](qint64, qint64) { return true; });
}
/// The headers whose text does not fit their section (the text's width plus the style's header margins).
QStringList clippedHeaders(QTableView* view)
{
    QHeaderView* header = view->horizontalHeader();
    QStyleOptionHeader option;
    option.initFrom(header);
    const int margins = 2 * header->style()->pixelMetric(QStyle::PM_HeaderMargin, &option, header);
    QStringList clipped;
    for (int section = 0; section < header->count(); ++section) {
        const QString text = view->model()->headerData(section, Qt::Horizontal).toString();
        const int needed = header->fontMetrics().horizontalAdvance(text) + margins;
        if (header->sectionSize(section) < needed)
            clipped << QStringLiteral("%1 (%2 < %3 px)").arg(text).arg(header->sectionSize(section)).arg(needed);
    }
    return clipped;
}
} // namespace

class TestStateDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QFile::remove(MainWindow::defaultStorePath());
    }
    void init() { QSettings().clear(); }
    void openListOpenAKey();
    void headersReadable();
};

void TestStateDialog::openListOpenAKey()
{
    QTemporaryDir dir;
    MainWindow window;
    QVERIFY(showAtSmallSize(window));
    auto* action = window.findChild<QAction*>(QStringLiteral("stateAtTimeAction"));
    QVERIFY(action);
    QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_T));
    QVERIFY(!action->isEnabled()); // no store open
    auto* view = menuBarMenu(window, "viewMenu");
    QVERIFY(view && view->actions().contains(action));
    bool listed = false;
    for (const auto& [keys, what] : window.keyboardShortcuts())
        listed = listed || (what.contains(QStringLiteral("State at a Time")) && keys.contains(QLatin1Char('T')));
    QVERIFY(listed); // Help ▸ Keyboard Shortcuts names it
    QVERIFY(openSample(window, dir));
    QVERIFY(action->isEnabled());
    StoreSession* session = window.session();

    // Ctrl+T: the dialog, the first table, the store's last time, focus in the time field.
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_T, Qt::ControlModifier);
    QPointer<StateDialog> dialog = window.findChild<StateDialog*>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QVERIFY(QTest::qWaitForWindowActive(dialog));
    QVERIFY(dialog->tableBox()->count() >= 2);
    QCOMPARE(dialog->timeField()->micros(), session->totals().lastTimeMicros);
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(dialog->timeField()));
    QVERIFY(!dialog->cancelButton()->isEnabled());
    // It fits a 1024x700 window.
    QVERIFY(dialog->width() <= 1024 && dialog->height() <= 700);
    QVERIFY(dialog->minimumSizeHint().width() <= 1024 && dialog->minimumSizeHint().height() <= 700);

    // Enter lists the items of the table at that time, as the job reads them.
    const int orders = dialog->tableBox()->findText(QStringLiteral("Orders"));
    QVERIFY(orders >= 0);
    dialog->tableBox()->setCurrentIndex(orders);
    QSignalSpy finished(dialog->job(), &StateJob::finished);
    QTest::keyClick(dialog->timeField(), Qt::Key_Return);
    QVERIFY(finished.wait(20'000));
    const StateResult expected = stateNow(session->path(), QStringLiteral("Orders"), *session->totals().lastTimeMicros);
    QVERIFY2(expected.error.isEmpty(), qPrintable(expected.error));
    QVERIFY(!expected.rows.empty());
    StateTableModel* model = dialog->model();
    QCOMPARE(model->rowCount(), int(expected.rows.size()));
    for (int i = 0; i < model->rowCount(); ++i) {
        QCOMPARE(model->index(i, StateTableModel::KeyColumn).data().toString(), expected.rows[std::size_t(i)].keyText);
        QCOMPARE(model->index(i, StateTableModel::KeyColumn).data(StateTableModel::KeyIdRole).toLongLong(),
                 expected.rows[std::size_t(i)].keyId);
    }
    QVERIFY2(dialog->statusLabel()->text().contains(QStringLiteral("Orders at ")),
             qPrintable(dialog->statusLabel()->text()));
    QVERIFY(dialog->statusLabel()->text().contains(QStringLiteral("%1 item").arg(expected.counts.items)));
    // Numbers exactly as stored: every N text of the item is in the plain JSON column as written (1234.50 stays).
    static const QRegularExpression number(QStringLiteral("\\{\"N\":\\s*\"([^\"]+)\"\\}"));
    int numbers = 0;
    for (int i = 0; i < model->rowCount(); ++i) {
        const StateRow& row = model->rows()[std::size_t(i)];
        const QString plain = model->index(i, StateTableModel::ItemColumn).data().toString();
        for (const auto& m : number.globalMatch(row.itemJson)) {
            ++numbers;
            QVERIFY2(plain.contains(m.captured(1)), qPrintable(m.captured(1) + QStringLiteral(" in ") + plain));
        }
    }
    QVERIFY(numbers > 0);
    // The list has the focus, the first item is shown as stored below it; Down moves to the next.
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(dialog->view()));
    QCOMPARE(dialog->itemView()->toPlainText(), model->rows().front().itemJson);
    QTest::keyClick(dialog->view(), Qt::Key_Down);
    QCOMPARE(dialog->view()->currentIndex().row(), 1);
    QCOMPARE(dialog->itemView()->toPlainText(), model->rows()[1].itemJson);

    // Enter on the item: its key opens in the timeline at the record that left it in that state.
    const StateRow chosen = model->rows()[1];
    window.centerTabs()->setCurrentIndex(1);
    QTest::keyClick(dialog->view(), Qt::Key_Return);
    QCOMPARE(window.centerTabs()->currentWidget(), window.timelinePanel());
    QTRY_COMPARE_WITH_TIMEOUT(session->currentKeyId(), chosen.keyId, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(
        window.timelinePanel()->view()->currentIndex().data(ModelRoles::RecordIdRole).toLongLong(), chosen.recordId,
        10'000);

    // A typed earlier time (keyboard, space instead of T): the state then, fewer items or other versions.
    const qint64 first = *session->totals().firstTimeMicros;
    const qint64 early = first + 10'000'000;
    dialog->timeField()->setFocus();
    dialog->timeField()->selectAll();
    QTest::keyClicks(dialog->timeField(), isotime::format(early));
    finished.clear();
    QTest::keyClick(dialog->timeField(), Qt::Key_Return);
    QVERIFY(finished.wait(20'000));
    const StateResult then = stateNow(session->path(), QStringLiteral("Orders"), early);
    QCOMPARE(model->rowCount(), int(then.rows.size()));
    QVERIFY(then.counts.notYetSeen > 0 || then.rows.size() != expected.rows.size());

    // Text that is not a time: said in the dialog, nothing started.
    dialog->timeField()->setText(QStringLiteral("yesterday"));
    finished.clear();
    QVERIFY(!dialog->showState());
    QVERIFY2(dialog->statusLabel()->text().startsWith(QStringLiteral("Cannot read the time 'yesterday'")),
             qPrintable(dialog->statusLabel()->text()));
    QVERIFY(!dialog->job()->isRunning());

    // Cancel while it reads: nothing is listed, and it says so.
    dialog->timeField()->setMicros(*session->totals().lastTimeMicros);
    finished.clear();
    QVERIFY(dialog->showState());
    QVERIFY(dialog->cancelButton()->isEnabled());
    QTest::mouseClick(dialog->cancelButton(), Qt::LeftButton);
    QVERIFY(finished.wait(20'000));
    QCOMPARE(dialog->statusLabel()->text(), QStringLiteral("Cancelled: nothing listed"));
    QCOMPARE(model->rowCount(), 0);
    QVERIFY(dialog->itemView()->toPlainText().isEmpty());
    QVERIFY(!dialog->openButton()->isEnabled());
    QVERIFY(!dialog->cancelButton()->isEnabled());

    // Escape closes it; the action brings it back with what was set.
    QTest::keyClick(dialog, Qt::Key_Escape);
    QTRY_VERIFY(!dialog->isVisible());
    action->trigger();
    QTRY_VERIFY(dialog->isVisible());
    QCOMPARE(dialog->tableBox()->currentText(), QStringLiteral("Orders"));

    // Closing the store hides it and disables the action.
    QVERIFY(window.findChild<QAction*>(QStringLiteral("closeStoreAction")));
    window.findChild<QAction*>(QStringLiteral("closeStoreAction"))->trigger();
    QTRY_VERIFY(!dialog->isVisible());
    QVERIFY(!action->isEnabled());
}

void TestStateDialog::headersReadable()
{
    QTemporaryDir dir;
    MainWindow window;
    QVERIFY(showAtSmallSize(window));
    QVERIFY(openSample(window, dir));
    window.findChild<QAction*>(QStringLiteral("stateAtTimeAction"))->trigger();
    QPointer<StateDialog> dialog = window.findChild<StateDialog*>();
    QVERIFY(dialog);
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    // Before anything is listed: the empty table's headers.
    QStringList clipped = clippedHeaders(dialog->view());
    QVERIFY2(clipped.isEmpty(), qPrintable(clipped.join(QStringLiteral(", "))));
    // After a listing, at the dialog's size and at a narrower one.
    for (const int width : {dialog->width(), 700}) {
        dialog->resize(width, dialog->height());
        QSignalSpy finished(dialog->job(), &StateJob::finished);
        QVERIFY(dialog->showState());
        QVERIFY(finished.wait(20'000));
        QVERIFY(dialog->model()->rowCount() > 0);
        QApplication::processEvents();
        clipped = clippedHeaders(dialog->view());
        QVERIFY2(clipped.isEmpty(),
                 qPrintable(QStringLiteral("at %1 px: ").arg(width) + clipped.join(QStringLiteral(", "))));
        // The time and sequence number cells are whole too.
        for (const int column : {int(StateTableModel::TimeColumn), int(StateTableModel::SequenceColumn)}) {
            const QModelIndex cell = dialog->model()->index(0, column);
            QVERIFY(dialog->view()->columnWidth(column) >= dialog->view()->sizeHintForIndex(cell).width());
        }
    }
}

QTEST_MAIN(TestStateDialog)
#include "tstw_statedialog.moc"

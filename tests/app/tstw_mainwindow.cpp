// Smoke test of the real main window offscreen: import a generated capture, select a key, see its diff, filter
// the events table.

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialog>
#include <QDockWidget>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>

#include "app/viewmodels/attributediffmodel.h"
#include "app/viewmodels/importjob.h"
#include "app/viewmodels/isotime.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/activitychart.h"
#include "app/widgets/diffpanel.h"
#include "app/widgets/eventspanel.h"
#include "app/widgets/importdialog.h"
#include "app/widgets/keyspanel.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/notificationbar.h"
#include "app/widgets/timefield.h"
#include "app/widgets/timelinepanel.h"
#include "ordersfixture.h"
#include "samplewindow.h"
#include "testsupport.h"

namespace {
using samplewindow::openSample;
using samplewindow::sampleCapture;
void drop(QWidget* target, const QList<QUrl>& urls, bool* accepted = nullptr)
{
    QMimeData mime;
    mime.setUrls(urls);
    const QPoint at = target->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &enter);
    if (accepted)
        *accepted = enter.isAccepted();
    if (!enter.isAccepted())
        return;
    QDropEvent dropEvent(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &dropEvent);
}
/// Answers the next message box: clicks the button whose text (without '&') starts with `button`. Returns the
/// box's text through `text` when given.
void answerNextBox(const QString& button, QString* text = nullptr)
{
    auto* timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, button, text]() {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box)
            return;
        if (text)
            *text = box->text();
        for (QAbstractButton* b : box->buttons())
            if (b->text().remove(QLatin1Char('&')).startsWith(button)) {
                b->click();
                break;
            }
        timer->deleteLater();
    });
    timer->start();
}
/// Closes the next modal dialog that opens and tells its class name.
void closeNextModal(QString* className)
{
    auto* timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, className]() {
        QWidget* modal = QApplication::activeModalWidget();
        if (!modal)
            return;
        *className = QString::fromLatin1(modal->metaObject()->className());
        modal->close();
        timer->deleteLater();
    });
    timer->start();
}
} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear(); // no remembered layout or store from an earlier run
    }

    void importSelectKeySeeDiff()
    {
        REQUIRE_SHARED_DIR();
        QTemporaryDir dir;
        const QString capture = dir.filePath(QStringLiteral("cap.json"));
        const QString failure = testsupport::runGenerator(
            {QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--records"), QStringLiteral("600"),
             QStringLiteral("--keys"), QStringLiteral("40"), QStringLiteral("--layout"), QStringLiteral("single"),
             QStringLiteral("--quiet"), QStringLiteral("--out"), capture});
        QVERIFY2(failure.isEmpty(), qPrintable(failure));

        MainWindow window;
        window.setShowImportSummary(false);
        window.show();
        QVERIFY(window.openStore(dir.filePath(QStringLiteral("t.streamscope")), true));
        QSignalSpy imported(&window, &MainWindow::importFinished);
        window.importPaths({capture});
        QVERIFY(imported.wait(60'000));
        auto* session = window.session();
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy(), 20'000);
        QTRY_COMPARE_WITH_TIMEOUT(session->keyModel()->rowCount(), 40, 10'000);
        QVERIFY(session->eventModel()->rowCount() > 500);
        QCOMPARE(session->totals().keys, 40);

        // Select the first key: its timeline loads and the diff shows the last version.
        QSignalSpy history(session, &StoreSession::historyReady);
        auto* keys = window.keysPanel()->keyView();
        keys->setCurrentIndex(keys->model()->index(0, 0));
        QVERIFY(history.wait(10'000));
        QTRY_VERIFY(session->timelineModel()->rowCount() > 0);
        QTRY_VERIFY(window.timelinePanel()->view()->selectionModel()->hasSelection());
        auto* diff = window.diffPanel()->model();
        QVERIFY(diff->rowCount() > 0);

        // Up steps to the previous version.
        const int row = window.timelinePanel()->view()->currentIndex().row();
        if (row > 0) {
            window.timelinePanel()->view()->setFocus();
            QTest::keyClick(window.timelinePanel()->view(), Qt::Key_Up);
            QCOMPARE(window.timelinePanel()->view()->currentIndex().row(), row - 1);
        }
        QVERIFY(!window.diffPanel()->copySelection().isEmpty());

        // Filter keys as you type.
        QSignalSpy keysReady(session, &StoreSession::keysReady);
        QTest::keyClicks(window.keysPanel()->filterEdit(), QStringLiteral("zzz-no-such-key"));
        QVERIFY(keysReady.wait(10'000));
        QCOMPARE(session->keyModel()->rowCount(), 0);

        // Events filtered to REMOVE only, in a background job.
        EventFilter f;
        f.eventMask = 1u << int(model::EventName::Remove);
        QSignalSpy eventsReady(session, &StoreSession::eventsReady);
        session->setEventFilter(f);
        QVERIFY(eventsReady.wait(10'000));
        for (int r = 0; r < session->eventModel()->rowCount(); ++r)
            QVERIFY(session->eventModel()
                        ->index(r, EventTableModel::EventColumn)
                        .data()
                        .toString()
                        .startsWith(QStringLiteral("REMOVE")));

        // Selecting an event opens its key at that version.
        window.centerTabs()->setCurrentWidget(window.eventsPanel());
        if (session->eventModel()->rowCount() > 0) {
            const qint64 recordId = session->eventModel()->rowAt(0)->recordId;
            QSignalSpy h2(session, &StoreSession::historyReady);
            window.eventsPanel()->view()->setCurrentIndex(session->eventModel()->index(0, 0));
            if (session->currentKeyId() != session->eventModel()->rowAt(0)->keyId || h2.count() == 0)
                h2.wait(10'000);
            QTRY_COMPARE(
                session->timelineModel()->versionAt(window.timelinePanel()->view()->currentIndex().row())->recordId,
                recordId);
        }
    }

    void dropFilesAndFolders()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.setShowImportSummary(false);
        window.show();
        QVERIFY(window.openStore(dir.filePath(QStringLiteral("d.streamscope")), true));
        // Something that is not a file (no local URL) is refused at drag enter.
        bool accepted = true;
        QMimeData text;
        text.setText(QStringLiteral("hello"));
        QDragEnterEvent enterText(QPoint(5, 5), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&window, &enterText);
        QVERIFY(!enterText.isAccepted());

        // A dropped file is imported into the open store.
        QSignalSpy imported(&window, &MainWindow::importFinished);
        drop(&window, {QUrl::fromLocalFile(sampleCapture())}, &accepted);
        QVERIFY(accepted);
        QVERIFY(imported.wait(60'000));
        auto summary = imported.takeFirst().at(0).value<ImportResultInfo>();
        QCOMPARE(summary.filesImported, 1);
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->totals().records, 30, 10'000);

        // A dropped folder is searched for captures (the same file again: already imported, nothing added).
        const QString folder = dir.filePath(QStringLiteral("captures"));
        QVERIFY(QDir().mkpath(folder + QStringLiteral("/nested")));
        QVERIFY(QFile::copy(sampleCapture(), folder + QStringLiteral("/nested/copy.json")));
        QFile other(folder + QStringLiteral("/notes.txt"));
        QVERIFY(other.open(QIODevice::WriteOnly));
        other.write("not a capture");
        other.close();
        drop(&window, {QUrl::fromLocalFile(folder)});
        QVERIFY(imported.wait(60'000));
        summary = imported.takeFirst().at(0).value<ImportResultInfo>();
        QCOMPARE(summary.filesImported + summary.filesAlreadyImported, 1); // notes.txt is not picked up
        QCOMPARE(summary.inserted, qint64(0));                             // same records: duplicates
        QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isBusy(), 20'000);
        QCOMPARE(window.session()->totals().records, 30);

        // A dropped store is opened, not imported.
        const QString otherStore = dir.filePath(QStringLiteral("other.streamscope"));
        {
            StoreSession s;
            QCOMPARE(s.open(otherStore, true), QString());
        }
        drop(&window, {QUrl::fromLocalFile(otherStore)});
        QCOMPARE(window.session()->path(), QFileInfo(otherStore).absoluteFilePath());
        QVERIFY(!window.importJob()->isRunning());
    }

    void cancelRunningImport()
    {
        REQUIRE_SHARED_DIR();
        QTemporaryDir dir;
        const QString capture = dir.filePath(QStringLiteral("big.json"));
        // ~35 MB: about a second of importing, long enough to cancel after the first progress report.
        const QString failure = testsupport::runGenerator(
            {QStringLiteral("--seed"), QStringLiteral("11"), QStringLiteral("--records"), QStringLiteral("15000"),
             QStringLiteral("--keys"), QStringLiteral("300"), QStringLiteral("--layout"), QStringLiteral("single"),
             QStringLiteral("--quiet"), QStringLiteral("--out"), capture});
        QVERIFY2(failure.isEmpty(), qPrintable(failure));

        MainWindow window;
        window.show();
        QVERIFY(openSample(window, dir));
        const auto before = window.session()->totals();
        QCOMPARE(before.records, 30);

        QSignalSpy imported(&window, &MainWindow::importFinished);
        window.importJob()->setProgressIntervalMs(0); // first report right away: cancel early even on a fast machine
        bool clicked = false;
        // Cancel from the status bar's Cancel button as soon as the first progress arrives.
        connect(window.importJob(), &ImportJob::progressChanged, &window, [&]() {
            if (clicked)
                return;
            clicked = true;
            QVERIFY(window.importProgress()->isVisible());
            QVERIFY(window.importProgress()->cancelButton()->isEnabled());
            QTest::mouseClick(window.importProgress()->cancelButton(), Qt::LeftButton);
            QVERIFY(!window.importProgress()->cancelButton()->isEnabled());
            QVERIFY(window.importProgress()->label()->text().contains(QStringLiteral("Cancelling")));
        });
        window.importPaths({capture});
        QVERIFY(window.importJob()->isRunning());
        QVERIFY(imported.wait(120'000));
        QVERIFY(clicked);
        const auto summary = imported.takeFirst().at(0).value<ImportResultInfo>();
        QVERIFY(summary.cancelled);
        QCOMPARE(summary.filesImported, 0);
        QVERIFY(!window.importProgress()->isVisible());
        QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("cancelled")),
                 qPrintable(window.statusBar()->currentMessage()));
        // The file being imported was rolled back: the store holds what it held before.
        QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isBusy(), 20'000);
        QCOMPARE(window.session()->totals().records, before.records);
        QCOMPARE(window.session()->totals().keys, before.keys);
        QCOMPARE(window.session()->totals().sources, before.sources);
        QCOMPARE(window.session()->keyModel()->rowCount(), 10);
    }

    void eventsTimeRangeEditsFollowChart()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.show();
        QVERIFY(openSample(window, dir));
        auto* session = window.session();
        auto* events = window.eventsPanel();
        QCOMPARE(session->eventModel()->rowCount(), 30);
        QVERIFY(!events->fromBox()->isChecked());
        QVERIFY(!events->toEdit()->isEnabled());

        // A drag on the chart (its signal) sets both edits and filters the table.
        const qint64 from = QDateTime(QDate(2026, 11, 1), QTime(9, 0), Qt::UTC).toMSecsSinceEpoch() * 1000;
        const qint64 to = QDateTime(QDate(2026, 11, 1), QTime(9, 30), Qt::UTC).toMSecsSinceEpoch() * 1000;
        QSignalSpy eventsReady(session, &StoreSession::eventsReady);
        Q_EMIT window.activityPanel()->chart()->rangeSelected(from, to);
        QCOMPARE(window.centerTabs()->currentWidget(), events);
        QVERIFY(events->fromBox()->isChecked() && events->toBox()->isChecked());
        QCOMPARE(*events->fromEdit()->micros(), from);
        QCOMPARE(*events->toEdit()->micros(), to);
        QCOMPARE(events->fromEdit()->text(), QStringLiteral("2026-11-01 09:00:00"));
        QVERIFY(eventsReady.wait(10'000));
        const int inRange = session->eventModel()->rowCount();
        QVERIFY(inRange > 0 && inRange < 30);
        for (int r = 0; r < inRange; ++r) {
            const auto t = session->eventModel()->rowAt(r)->timeMicros;
            QVERIFY(t && *t >= from && *t < to);
        }

        // Editing To narrows the range (after the debounce), clearing From opens that end.
        events->toEdit()->selectAll();
        QTest::keyClicks(events->toEdit(), QStringLiteral("2026-11-01 09:05:00"));
        QCOMPARE(*events->toMicros(), QDateTime(QDate(2026, 11, 1), QTime(9, 5), Qt::UTC).toMSecsSinceEpoch() * 1000);
        QVERIFY(eventsReady.wait(10'000));
        const int narrower = session->eventModel()->rowCount();
        QVERIFY(narrower > 0 && narrower < inRange);
        QCOMPARE(session->eventFilter().toMicros, events->toMicros());
        events->fromBox()->setChecked(false);
        QVERIFY(!events->fromMicros());
        QVERIFY(eventsReady.wait(10'000));
        QVERIFY(!session->eventFilter().fromMicros);
        QCOMPARE(session->eventModel()->rowCount(), narrower); // nothing before 09:00 in the sample

        // The clear button drops the range entirely.
        events->setTimeRange(std::nullopt, std::nullopt);
        QVERIFY(!events->toBox()->isChecked());
        QTRY_COMPARE_WITH_TIMEOUT(session->eventModel()->rowCount(), 30, 10'000); // unfiltered: no job
    }

    void typedAndPastedTimes()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.show();
        QVERIFY(openSample(window, dir));
        auto* session = window.session();
        auto* events = window.eventsPanel();
        window.centerTabs()->setCurrentWidget(events);
        const auto at = [](int h, int m, int s) {
            return QDateTime(QDate(2026, 11, 1), QTime(h, m, s), Qt::UTC).toMSecsSinceEpoch() * 1000;
        };
        // Typed with a space: 09:30:00, not 09:00:30.
        events->fromBox()->setChecked(true);
        auto* from = events->fromEdit();
        from->setFocus();
        from->selectAll();
        QTest::keyClicks(from, QStringLiteral("2026-11-01 09:30:00"));
        QCOMPARE(events->fromMicros(), std::optional<qint64>(at(9, 30, 0)));
        QTRY_COMPARE_WITH_TIMEOUT(session->eventFilter().fromMicros, std::optional<qint64>(at(9, 30, 0)), 5'000);

        // Pasted ISO-8601 with T, Z and a fraction: exact to the microsecond.
        QApplication::clipboard()->setText(QStringLiteral("2026-11-01T09:30:00.000250Z"));
        from->selectAll();
        QTest::keyClick(from, Qt::Key_V, Qt::ControlModifier);
        QCOMPARE(events->fromMicros(), std::optional<qint64>(at(9, 30, 0) + 250));
        QTest::keyClick(from, Qt::Key_Return);
        QCOMPARE(from->text(), QStringLiteral("2026-11-01 09:30:00.000250"));

        // An offset is converted to UTC; a date alone is midnight.
        from->selectAll();
        QTest::keyClicks(from, QStringLiteral("2026-11-01T11:45+02:00"));
        QCOMPARE(events->fromMicros(), std::optional<qint64>(at(9, 45, 0)));
        from->selectAll();
        QTest::keyClicks(from, QStringLiteral("2026-11-01"));
        QCOMPARE(events->fromMicros(), std::optional<qint64>(at(0, 0, 0)));

        // Text that is not a time is marked and not applied.
        from->selectAll();
        QTest::keyClicks(from, QStringLiteral("2026-13-01 09:30"));
        QVERIFY(from->isInvalid());
        QVERIFY(from->toolTip().contains(QStringLiteral("Not applied")));
        QCOMPARE(events->fromMicros(), std::optional<qint64>(at(0, 0, 0)));
        QCOMPARE(isotime::parse(QStringLiteral("2026-11-01 09:30:00.0000001")), std::nullopt);
        QCOMPARE(isotime::parse(QStringLiteral("2026-11-01 09:30:00,5")),
                 std::optional<qint64>(at(9, 30, 0) + 500'000));
        QCOMPARE(isotime::format(at(9, 30, 0) + 5), QStringLiteral("2026-11-01 09:30:00.000005"));
    }

    void eventsTextSearchesRawRecords()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.resize(1024, 700); // the smallest size the window is made for (the offscreen screen is 800x800)
        window.show();
        QVERIFY(openSample(window, dir));
        auto* session = window.session();
        auto* events = window.eventsPanel();
        QSignalSpy eventsReady(session, &StoreSession::eventsReady);
        // "Hauptstraße" is only in the images (shipping address), not in keys, event IDs or sequence numbers.
        events->textEdit()->setText(QStringLiteral("Hauptstraße"));
        QVERIFY(eventsReady.wait(10'000));
        QCOMPARE(session->eventModel()->rowCount(), 0);
        QVERIFY(!session->eventFilter().textInRaw);
        events->rawSearchBox()->setChecked(true);
        QVERIFY(session->eventFilter().textInRaw);
        QVERIFY(events->countLabel()->text().contains(QStringLiteral("raw")));
        QVERIFY(eventsReady.wait(10'000));
        const int hits = session->eventModel()->rowCount();
        QVERIFY(hits > 0);
        for (int r = 0; r < hits; ++r) {
            const auto record = session->record(session->eventModel()->rowAt(r)->recordId);
            QVERIFY(record);
            QVERIFY(QString::fromStdString(record->raw).contains(QStringLiteral("Hauptstra")));
        }
        // Stale results are dropped: a newer filter started before the raw scan ends wins.
        events->textEdit()->setText(QStringLiteral("ORD-1001"));
        events->rawSearchBox()->setChecked(false);
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy(), 10'000);
        QTest::qWait(400); // debounce
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy(), 10'000);
        QCOMPARE(session->eventModel()->rowCount(), 6);
        QCOMPARE(events->countLabel()->text(), QStringLiteral("6 events"));
        // Selecting a row shows its raw record in the (resizable) raw pane.
        window.centerTabs()->setCurrentWidget(events);
        events->view()->setCurrentIndex(session->eventModel()->index(0, 0));
        QVERIFY(events->rawView()->toPlainText().contains(QStringLiteral("ORD-1001")));
        // ... with the filter text marked (at least in Keys and NewImage).
        QVERIFY(events->highlightMatches() >= 2);
        QCOMPARE(events->rawView()->extraSelections().size(), events->highlightMatches());
        QCOMPARE(events->splitter()->count(), 2);
        QTRY_VERIFY2_WITH_TIMEOUT(events->splitter()->sizes().at(1) >= 60,
                                  qPrintable(QStringLiteral("raw pane %1 px of %2 at %3x%4")
                                                 .arg(events->splitter()->sizes().at(1))
                                                 .arg(events->splitter()->height())
                                                 .arg(window.width())
                                                 .arg(window.height())),
                                  5000);
    }

    void keysListFollowsSelection()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.resize(1600,
                      900); // a keys dock wide enough for whole keys and the Last change column (narrower hides it)
        window.show();
        QVERIFY(openSample(window, dir));
        auto* session = window.session();
        auto* keys = window.keysPanel();
        auto* header = keys->keyView()->horizontalHeader();
        // Sort picker and header indicator agree.
        QCOMPARE(header->sortIndicatorSection(), 0);
        QCOMPARE(header->sortIndicatorOrder(), Qt::AscendingOrder);
        QSignalSpy keysReady(session, &StoreSession::keysReady);
        keys->sortBox()->setCurrentIndex(int(KeySort::Count));
        QVERIFY(keysReady.wait(10'000));
        QCOMPARE(header->sortIndicatorSection(), int(KeyListModel::CountColumn));
        QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
        QCOMPARE(session->keyModel()->rowAt(0)->recordCount, 6);
        // A header click sorts and moves the picker.
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                          QPoint(header->sectionViewportPosition(2) + 5, header->height() / 2));
        QVERIFY(keysReady.wait(10'000));
        QCOMPARE(session->keyFilter().sort, KeySort::LastChange);
        QCOMPARE(keys->sortBox()->currentIndex(), int(KeySort::LastChange));
        QCOMPARE(header->sortIndicatorSection(), int(KeyListModel::LastChangeColumn));

        // Pick a key in the list, then an event of another key: the list follows.
        QSignalSpy history(session, &StoreSession::historyReady);
        keys->keyView()->setCurrentIndex(session->keyModel()->index(0, 0));
        QVERIFY(history.wait(10'000));
        const qint64 first = session->keyModel()->rowAt(0)->keyId;
        QCOMPARE(session->currentKeyId(), first);
        window.centerTabs()->setCurrentWidget(window.eventsPanel());
        int other = -1;
        for (int r = 0; r < session->eventModel()->rowCount(); ++r)
            if (session->eventModel()->rowAt(r)->keyId != first) {
                other = r;
                break;
            }
        QVERIFY(other >= 0);
        const qint64 otherKey = session->eventModel()->rowAt(other)->keyId;
        const qint64 otherRecord = session->eventModel()->rowAt(other)->recordId;
        window.eventsPanel()->view()->setCurrentIndex(session->eventModel()->index(other, 0));
        QVERIFY(history.wait(10'000));
        QCOMPARE(session->currentKeyId(), otherKey);
        const QModelIndex current = keys->keyView()->currentIndex();
        QVERIFY(current.isValid());
        QCOMPARE(current.data(ModelRoles::KeyIdRole).toLongLong(), otherKey);
        QVERIFY(keys->keyView()->selectionModel()->isRowSelected(current.row(), {}));
        // ... and the timeline shows the event's version, not the key's last one (no keySelected echo).
        QTRY_COMPARE(
            session->timelineModel()->versionAt(window.timelinePanel()->view()->currentIndex().row())->recordId,
            otherRecord);

        // A key that the list does not show (filtered out) clears the list's selection.
        QTest::keyClicks(keys->filterEdit(), QStringLiteral("CUST-17"));
        QVERIFY(keysReady.wait(10'000));
        QCOMPARE(session->keyModel()->rowCount(), 1);
        const qint64 customer = session->keyModel()->rowAt(0)->keyId;
        if (customer != otherKey)
            QVERIFY(!keys->keyView()->selectionModel()->hasSelection());
        QCOMPARE(session->keyModel()->rowOfKey(customer), 0);
        QCOMPARE(session->keyModel()->rowOfKey(987654), -1);
    }

    void switchingStoresKeepsNothing()
    {
        // Every filter, time range, table selection and scroll position belongs to its store.
        QTemporaryDir dir;
        const QString other = dir.filePath(QStringLiteral("numbers.streamscope"));
        QCOMPARE(appfixture::writeOrdersStore(other, 50), QString());
        MainWindow window;
        window.resize(1024, 700);
        window.show();
        QVERIFY(openSample(window, dir));
        auto* session = window.session();
        auto* keys = window.keysPanel();
        auto* events = window.eventsPanel();

        // In the sample: the Customers table picked, a key filter, an events table, text and time range.
        int customersRow = -1;
        for (int r = 0; r < session->tableModel()->rowCount(); ++r)
            if (session->tableModel()->tableAt(r) == QStringLiteral("Customers"))
                customersRow = r;
        QVERIFY(customersRow > 0);
        QSignalSpy keysReady(session, &StoreSession::keysReady);
        keys->tableView()->setCurrentIndex(session->tableModel()->index(customersRow, 0));
        QVERIFY(keysReady.wait(10'000));
        const int customers = session->keyModel()->rowCount();
        QVERIFY(customers > 0 && customers < 10);

        // A reload of the same store (F5, an import) keeps the picked table selected and applied.
        QSignalSpy overview(session, &StoreSession::overviewReady);
        session->refresh();
        QVERIFY(overview.wait(10'000));
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy(), 10'000);
        QCOMPARE(keys->tableView()->currentIndex().row(), customersRow);
        QCOMPARE(session->keyModel()->rowCount(), customers);

        QTest::keyClicks(keys->filterEdit(), QStringLiteral("CUST"));
        QVERIFY(keysReady.wait(10'000));
        window.centerTabs()->setCurrentWidget(events);
        events->tableBox()->setCurrentIndex(events->tableBox()->findData(QStringLiteral("Orders")));
        events->textEdit()->setText(QStringLiteral("ORD"));
        const qint64 from = QDateTime(QDate(2026, 11, 1), QTime(9, 0), Qt::UTC).toMSecsSinceEpoch() * 1000;
        events->setTimeRange(from, from + 1'800'000'000);
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy(), 10'000);
        QTest::qWait(300); // debounce of the text filter
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy(), 10'000);
        QVERIFY(!session->eventFilter().isDefault());
        QVERIFY(session->eventModel()->rowCount() < 30);

        // Another store starts clean: everything of it is listed, nothing of the sample's filters is left.
        QVERIFY(window.openStore(other));
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy() && session->totals().records == 50, 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy(), 10'000);
        QVERIFY(session->keyFilter() == KeyFilter{});
        QVERIFY(session->eventFilter().isDefault());
        QCOMPARE(session->keyModel()->rowCount(), 50);
        QCOMPARE(session->eventModel()->rowCount(), 50);
        QCOMPARE(keys->filterEdit()->text(), QString());
        QCOMPARE(keys->tableView()->currentIndex().row(), 0);
        QCOMPARE(keys->countLabel(), QStringLiteral("50 keys"));
        QCOMPARE(events->textEdit()->text(), QString());
        QCOMPARE(events->tableBox()->currentIndex(), 0);
        QVERIFY(!events->fromBox()->isChecked() && !events->toBox()->isChecked());
        QVERIFY(!events->fromMicros() && !events->toMicros());
        QCOMPARE(events->countLabel()->text(), QStringLiteral("50 events"));
        QTest::qWait(400); // a pending debounce of the old filter text must not come back
        QVERIFY(session->eventFilter().isDefault());
        QCOMPARE(session->keyModel()->rowCount(), 50);
    }

    void importOutcomeStaysVisible()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.show();
        auto* bar = window.notificationBar();
        QVERIFY(bar->isHidden());
        QVERIFY(openSample(window, dir)); // imports the sample and waits for every list, the audit included
        QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isBusy(), 20'000);
        QTest::qWait(50);
        // The audit that followed did not replace the outcome: it is still there, with a Details link.
        QVERIFY(bar->isVisible());
        QCOMPARE(bar->text(),
                 QStringLiteral("Import finished: 30 new records, 1 duplicate (already stored) (1 file imported)"));
        QVERIFY(bar->hasDetails());
        QCOMPARE(bar->kind(), NotificationBar::Info);

        // Importing the same file again says so.
        QSignalSpy imported(&window, &MainWindow::importFinished);
        window.importPaths({sampleCapture()});
        QVERIFY(imported.wait(60'000));
        QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isBusy(), 20'000);
        QCOMPARE(bar->text(), QStringLiteral("Import: the file was already imported, nothing added"));
        QVERIFY(bar->isVisible());

        // Details opens the summary of that import; the close button dismisses the bar.
        Q_EMIT bar->label()->linkActivated(QStringLiteral("details"));
        auto dialogs = window.findChildren<ImportSummaryDialog*>();
        QCOMPARE(dialogs.size(), 1);
        QVERIFY(dialogs.front()->isVisible());
        dialogs.front()->close();
        QCOMPARE(window.lastImport().filesAlreadyImported, 1);
        QTest::mouseClick(bar->closeButton(), Qt::LeftButton);
        QVERIFY(bar->isHidden());
    }

    void openCaptureOffersImport()
    {
        // File ▸ Open on a capture offers to import it into the open store, which stays open.
        QTemporaryDir dir;
        const QString numbers = dir.filePath(QStringLiteral("numbers.streamscope"));
        QCOMPARE(appfixture::writeOrdersStore(numbers, 50), QString());
        MainWindow window;
        window.setShowImportSummary(false);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openStore(numbers));
        QTRY_VERIFY_WITH_TIMEOUT(window.session()->totals().records == 50 && !window.session()->isBusy(), 10'000);

        QString question;
        answerNextBox(QStringLiteral("Cancel"), &question);
        QVERIFY(!window.openStore(sampleCapture()));
        QVERIFY2(question.contains(QStringLiteral("Import it into numbers.streamscope")), qPrintable(question));
        QVERIFY(window.session()->isOpen()); // not closed by the attempt
        QCOMPARE(window.session()->path(), QFileInfo(numbers).absoluteFilePath());
        QVERIFY(!window.importJob()->isRunning());

        QSignalSpy imported(&window, &MainWindow::importFinished);
        answerNextBox(QStringLiteral("Import"));
        QVERIFY(!window.openStore(sampleCapture()));
        QVERIFY(window.importJob()->isRunning());
        QVERIFY(imported.wait(60'000));
        QCOMPARE(window.session()->path(), QFileInfo(numbers).absoluteFilePath());
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->totals().records, 80, 10'000);

        // A store that cannot be opened leaves the open one open.
        const QString broken = dir.filePath(QStringLiteral("broken.streamscope"));
        QFile f(broken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not sqlite");
        f.close();
        answerNextBox(QStringLiteral("OK"));
        QVERIFY(!window.openStore(broken));
        QCOMPARE(window.session()->path(), QFileInfo(numbers).absoluteFilePath());

        // The reverse: importing a store offers to open it.
        const QString sample = dir.filePath(QStringLiteral("other.streamscope"));
        {
            StoreSession s;
            QCOMPARE(s.open(sample, true), QString());
        }
        answerNextBox(QStringLiteral("Open Store"), &question);
        window.importPaths({sample});
        QVERIFY2(question.contains(QStringLiteral("not a capture")), qPrintable(question));
        QVERIFY(!window.importJob()->isRunning());
        QCOMPARE(window.session()->path(), QFileInfo(sample).absoluteFilePath());
    }

    void keyboardCoverage()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.show();
        QVERIFY(openSample(window, dir));
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        auto* session = window.session();
        auto* tabs = window.centerTabs();

        // Ctrl+E exports even while a filter field has the focus (a line edit's own Ctrl+E is "end of line").
        window.keysPanel()->filterEdit()->setFocus();
        QTRY_VERIFY(window.keysPanel()->filterEdit()->hasFocus());
        QString modal;
        closeNextModal(&modal);
        QTest::keyClick(window.keysPanel()->filterEdit(), Qt::Key_E, Qt::ControlModifier);
        QCOMPARE(modal, QStringLiteral("ExportDialog"));
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));

        // Alt+1..3, Ctrl+Tab / Ctrl+Shift+Tab and Ctrl+PgDn / Ctrl+PgUp switch Timeline / Events / Replay.
        // The keyboard goes with them: into the tab's table (Replay: its first field).
        QTest::keyClick(&window, Qt::Key_2, Qt::AltModifier);
        QCOMPARE(tabs->currentWidget(), window.eventsPanel());
        QTRY_VERIFY(window.eventsPanel()->view()->hasFocus());
        QTest::keyClick(&window, Qt::Key_3, Qt::AltModifier);
        QCOMPARE(tabs->currentIndex(), 2);
        QTRY_VERIFY(QApplication::focusWidget() && tabs->currentWidget()->isAncestorOf(QApplication::focusWidget()));
        QTest::keyClick(&window, Qt::Key_1, Qt::AltModifier);
        QCOMPARE(tabs->currentWidget(), window.timelinePanel());
        QTRY_VERIFY(window.timelinePanel()->view()->hasFocus());
        window.keysPanel()->keyView()->setFocus();
        QTest::keyClick(window.keysPanel()->keyView(), Qt::Key_Tab, Qt::ControlModifier);
        QCOMPARE(tabs->currentWidget(), window.eventsPanel());
        QTRY_VERIFY(window.eventsPanel()->view()->hasFocus());
        QTest::keyClick(window.keysPanel()->keyView(), Qt::Key_PageDown, Qt::ControlModifier);
        QCOMPARE(tabs->currentIndex(), 2);
        QTest::keyClick(window.keysPanel()->keyView(), Qt::Key_PageDown, Qt::ControlModifier);
        QCOMPARE(tabs->currentIndex(), 0); // wraps
        QTest::keyClick(window.keysPanel()->keyView(), Qt::Key_PageUp, Qt::ControlModifier);
        QCOMPARE(tabs->currentIndex(), 2);
        QTest::keyClick(window.keysPanel()->keyView(), Qt::Key_Backtab, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(tabs->currentWidget(), window.eventsPanel());
        window.eventsPanel()->textEdit()->setFocus();
        QTest::keyClick(window.eventsPanel()->textEdit(), Qt::Key_1, Qt::AltModifier);
        QCOMPARE(tabs->currentWidget(), window.timelinePanel());

        // Home / End in the keys list go to the first / last key.
        auto* keys = window.keysPanel()->keyView();
        keys->setFocus();
        QSignalSpy history(session, &StoreSession::historyReady);
        QTest::keyClick(keys, Qt::Key_End);
        QCOMPARE(keys->currentIndex().row(), 9);
        QTest::keyClick(keys, Qt::Key_Home);
        QCOMPARE(keys->currentIndex().row(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(session->currentKeyId(), session->keyModel()->rowAt(0)->keyId, 10'000);

        // Enter on an event opens its version in the timeline.
        tabs->setCurrentWidget(window.eventsPanel());
        auto* events = window.eventsPanel()->view();
        events->setFocus();
        const int row = 7;
        events->selectionModel()->setCurrentIndex(session->eventModel()->index(row, 0),
                                                  QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        const qint64 recordId = session->eventModel()->rowAt(row)->recordId;
        QTest::keyClick(events, Qt::Key_Return);
        QCOMPARE(tabs->currentWidget(), window.timelinePanel());
        const auto shownRecord = [&]() -> qint64 {
            const auto* version =
                session->timelineModel()->versionAt(window.timelinePanel()->view()->currentIndex().row());
            return version ? version->recordId : -1;
        };
        QTRY_COMPARE_WITH_TIMEOUT(shownRecord(), recordId, 10'000);
        QTRY_VERIFY(window.timelinePanel()->view()->hasFocus());

        // Enter on a key opens its timeline with the focus there.
        keys->setFocus();
        QTest::keyClick(keys, Qt::Key_End);
        QTest::keyClick(keys, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(session->currentKeyId(), session->keyModel()->rowAt(9)->keyId, 10'000);
        QTRY_VERIFY(window.timelinePanel()->view()->hasFocus());

        // Help ▸ Keyboard Shortcuts lists them all.
        const auto shortcuts = window.keyboardShortcuts();
        QStringList all;
        for (const auto& [keysText, what] : shortcuts)
            all << keysText + QStringLiteral(" = ") + what;
        const QString text = all.join(QLatin1Char('\n'));
        for (const char* expected :
             {"Ctrl+E", "Ctrl+F", "Ctrl+I", "Ctrl+O", "F5", "Alt+1", "Alt+2", "Alt+3", "Ctrl+Tab", "Ctrl+PgDown",
              "Ctrl+PgUp", "Alt+Up", "Alt+Down", "Home, End", "Enter", "F1"})
            QVERIFY2(text.contains(QLatin1String(expected)),
                     qPrintable(QStringLiteral("%1 missing in:\n%2").arg(QLatin1String(expected), text)));
        QDialog* dialog = window.showKeyboardShortcuts();
        QVERIFY(dialog->isVisible());
        QCOMPARE(dialog->findChild<QTableWidget*>()->rowCount(), shortcuts.size());
        dialog->close();
    }

    void smallAndLargeWindows()
    {
        QSettings().clear();
        QTemporaryDir dir;
        MainWindow window;
        window.resize(1024, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY2(window.minimumSizeHint().width() <= 1024,
                 qPrintable(QString::number(window.minimumSizeHint().width())));
        QVERIFY(openSample(window, dir));
        QTest::qWait(50);
        QCOMPARE(window.size(), QSize(1024, 700));
        // The keys list shows its Key column, wide enough to read, never scrolled sideways.
        auto* keys = window.keysPanel()->keyView();
        QCOMPARE(keys->columnViewportPosition(0), 0);
        QVERIFY2(keys->columnWidth(0) >= keys->fontMetrics().horizontalAdvance(QStringLiteral("orderId=ORD-1001")),
                 qPrintable(QString::number(keys->columnWidth(0))));
        QVERIFY(!keys->horizontalScrollBar()->isVisible());
        // The events tab: the text filter shows its whole placeholder.
        window.centerTabs()->setCurrentWidget(window.eventsPanel());
        QTest::qWait(50);
        auto* filter = window.eventsPanel()->textEdit();
        QVERIFY2(filter->width() >= filter->fontMetrics().horizontalAdvance(filter->placeholderText()),
                 qPrintable(QString::number(filter->width())));
        auto* events = window.eventsPanel()->view();
        const int rows = events->viewport()->height() / events->verticalHeader()->defaultSectionSize();
        QVERIFY2(rows >= 4, qPrintable(QString::number(rows))); // was 1 before the layout changes
        const int keysDockSmall = window.keysDock()->width();
        const int keyColumnSmall = events->columnWidth(EventTableModel::KeyColumn);

        // The diff's title over a version: whole (wrapped if it must) and in its tooltip, at 1024x700 too.
        window.centerTabs()->setCurrentWidget(window.timelinePanel());
        QSignalSpy history(window.session(), &StoreSession::historyReady);
        keys->setCurrentIndex(keys->model()->index(0, 0));
        QVERIFY(history.wait(10'000));
        QTRY_VERIFY_WITH_TIMEOUT(window.diffPanel()->model()->rowCount() > 0, 10'000);
        QTest::qWait(50);
        QLabel* title = window.diffPanel()->titleLabel();
        QVERIFY2(title->toolTip().startsWith(QStringLiteral("Version #")), qPrintable(title->toolTip()));
        QVERIFY(title->toolTip().contains(QStringLiteral("compared with")));
        QVERIFY2(title->width() >= title->minimumSizeHint().width()
                     && title->height() >= title->heightForWidth(title->width()),
                 qPrintable(QStringLiteral("%1x%2 for text needing %3x%4")
                                .arg(title->width())
                                .arg(title->height())
                                .arg(title->sizeHint().width())
                                .arg(title->heightForWidth(title->width()))));
        QCOMPARE(window.size(), QSize(1024, 700));
        window.centerTabs()->setCurrentWidget(window.eventsPanel());
        QTest::qWait(50);

        // At 1920×1080 the docks and the key column take their share of the room; Size stays narrow.
        window.resize(1920, 1080);
        QTRY_COMPARE(window.size(), QSize(1920, 1080));
        QTest::qWait(50);
        QVERIFY2(window.keysDock()->width() > keysDockSmall + 100,
                 qPrintable(QStringLiteral("%1 -> %2").arg(keysDockSmall).arg(window.keysDock()->width())));
        QVERIFY(events->columnWidth(EventTableModel::KeyColumn) > keyColumnSmall + 200);
        QVERIFY(events->columnWidth(EventTableModel::SizeColumn) <= 120);
        QVERIFY(!keys->isColumnHidden(KeyListModel::LastChangeColumn));
        QSettings().clear();
    }

    void eventsPanesFollowTheFilter()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(openSample(window, dir));
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        auto* session = window.session();
        auto* events = window.eventsPanel();
        window.centerTabs()->setCurrentWidget(events);
        const auto rowOf = [&](const char* key) {
            for (int r = 0; r < session->eventModel()->rowCount(); ++r)
                if (session->eventModel()->rowAt(r)->keyText.find(key) != std::string::npos)
                    return r;
            return -1;
        };
        const auto shownVersion = [&]() -> qint64 {
            const auto* v = session->timelineModel()->versionAt(window.timelinePanel()->view()->currentIndex().row());
            return v ? v->recordId : -1;
        };

        // Alt+Down on the Events tab moves the table, and the raw pane, timeline and diff follow it.
        const int order = rowOf("ORD-1001");
        QVERIFY(order >= 0);
        events->view()->setCurrentIndex(session->eventModel()->index(order, 0));
        QTRY_COMPARE_WITH_TIMEOUT(shownVersion(), session->eventModel()->rowAt(order)->recordId, 10'000);
        QTest::keyClick(&window, Qt::Key_Down, Qt::AltModifier);
        QCOMPARE(events->view()->currentIndex().row(), order + 1);
        const qint64 next = session->eventModel()->rowAt(order + 1)->recordId;
        QCOMPARE(events->shownRecord(), next);
        QVERIFY(events->rawView()->toPlainText().contains(
            QString::fromStdString(session->eventModel()->rowAt(order + 1)->sequenceNumber)));
        QTRY_COMPARE_WITH_TIMEOUT(shownVersion(), next, 10'000);
        QTRY_VERIFY(window.diffPanel()->model()->rowCount() > 0);

        // A filter that hides the selected event clears the raw pane and the diff.
        const std::string hiddenKey = session->eventModel()->rowAt(order + 1)->keyText;
        QSignalSpy eventsReady(session, &StoreSession::eventsReady);
        events->textEdit()->setText(hiddenKey.find("CUST") != std::string::npos ? QStringLiteral("ORD-")
                                                                                : QStringLiteral("CUST-"));
        QVERIFY(eventsReady.wait(10'000));
        QCOMPARE(events->shownRecord(), qint64(0));
        QVERIFY(events->rawView()->toPlainText().isEmpty());
        QCOMPARE(window.diffPanel()->model()->rowCount(), 0);

        // A filter that keeps it listed keeps it selected and shown.
        events->view()->setCurrentIndex(session->eventModel()->index(0, 0));
        const qint64 kept = session->eventModel()->rowAt(0)->recordId;
        events->textEdit()->setText(QString::fromStdString(session->eventModel()->rowAt(0)->keyText));
        QVERIFY(eventsReady.wait(10'000));
        QCOMPARE(events->shownRecord(), kept);
        QVERIFY(!events->rawView()->toPlainText().isEmpty());
        QCOMPARE(events->view()->currentIndex().data(ModelRoles::RecordIdRole).toLongLong(), kept);
    }

    void keysOnlyStateExplained()
    {
        // A KEYS_ONLY stream has no images: the diff says the state is unknown and why, not "+0 added".
        QTemporaryDir dir;
        const QString capture = dir.filePath(QStringLiteral("keys-only.json"));
        QFile file(capture);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QStringList records;
        const char* events[] = {"INSERT", "MODIFY"};
        for (int i = 0; i < 2; ++i)
            records << QStringLiteral("{\"eventID\":\"k%1\",\"eventName\":\"%2\",\"eventVersion\":\"1.1\","
                                      "\"eventSource\":\"aws:dynamodb\",\"awsRegion\":\"eu-central-1\",\"dynamodb\":{"
                                      "\"ApproximateCreationDateTime\":1793523602,\"Keys\":{\"Id\":{\"N\":\"7\"}},"
                                      "\"SequenceNumber\":\"%3\",\"SizeBytes\":20,\"StreamViewType\":\"KEYS_ONLY\"},"
                                      "\"eventSourceARN\":\"arn:aws:dynamodb:eu-central-1:123456789012:table/Things/"
                                      "stream/2026-11-01T00:00:00.000\"}")
                           .arg(i)
                           .arg(QLatin1String(events[i]))
                           .arg(100 + i);
        file.write((QStringLiteral("{\"Records\":[") + records.join(QLatin1Char(',')) + QStringLiteral("]}")).toUtf8());
        file.close();
        MainWindow window;
        window.setShowImportSummary(false);
        window.show();
        QVERIFY(window.openStore(dir.filePath(QStringLiteral("k.streamscope")), true));
        QSignalSpy imported(&window, &MainWindow::importFinished);
        window.importPaths({capture});
        QVERIFY(imported.wait(60'000));
        auto* session = window.session();
        QTRY_VERIFY_WITH_TIMEOUT(!session->isBusy() && session->keyModel()->rowCount() == 1, 20'000);
        QSignalSpy history(session, &StoreSession::historyReady);
        window.keysPanel()->keyView()->setCurrentIndex(session->keyModel()->index(0, 0));
        QVERIFY(history.wait(10'000));
        QTRY_VERIFY(window.timelinePanel()->view()->currentIndex().isValid());
        QVERIFY2(window.diffPanel()->summaryText().contains(QStringLiteral("KEYS_ONLY")),
                 qPrintable(window.diffPanel()->summaryText()));
        QVERIFY(!window.diffPanel()->summaryText().contains(QStringLiteral("added")));
    }

    void copyFormats()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.show();
        QVERIFY(openSample(window, dir));
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        auto* session = window.session();
        auto* clipboard = QApplication::clipboard();

        // Keys list: Ctrl+C the key as DynamoDB JSON, Ctrl+Shift+C as name=value; the status bar says so.
        auto* keys = window.keysPanel()->keyView();
        keys->setFocus();
        QSignalSpy history(session, &StoreSession::historyReady);
        keys->setCurrentIndex(session->keyModel()->index(2, 0)); // orderId=ORD-1001 (sorted by key)
        QVERIFY(history.wait(10'000));
        QTRY_VERIFY(window.timelinePanel()->view()->selectionModel()->hasSelection());
        // The diff's Copy JSON says what it copied.
        window.statusBar()->clearMessage();
        QTRY_VERIFY_WITH_TIMEOUT(window.diffPanel()->model()->rowCount() > 0, 10'000);
        QVERIFY(!window.diffPanel()->copySelection().isEmpty());
        QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("as JSON")));

        QTest::keyClick(keys, Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(clipboard->text(), QStringLiteral("{\"orderId\":{\"S\":\"ORD-1001\"}}"));
        QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("Copied")));
        QTest::keyClick(keys, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(clipboard->text(), QStringLiteral("orderId=ORD-1001"));

        // Events table: Ctrl+C the whole row, Ctrl+Shift+C the record as delivered (valid JSON).
        window.centerTabs()->setCurrentWidget(window.eventsPanel());
        auto* events = window.eventsPanel()->view();
        events->setFocus();
        events->setCurrentIndex(session->eventModel()->index(1, 0));
        QTest::keyClick(events, Qt::Key_C, Qt::ControlModifier);
        const QStringList cells = clipboard->text().split(QLatin1Char('\t'));
        QCOMPARE(cells.size(), int(EventTableModel::ColumnCount));
        QCOMPARE(cells.at(EventTableModel::KeyColumn), QStringLiteral("orderId=ORD-1001"));
        QTest::keyClick(events, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
        QJsonParseError error{};
        QJsonDocument::fromJson(clipboard->text().toUtf8(), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QVERIFY(clipboard->text().contains(QStringLiteral("ORD-1001")));
        // The raw pane holds only the record (its origin is in the label above): a copy of it is JSON too.
        QJsonDocument::fromJson(window.eventsPanel()->rawView()->toPlainText().toUtf8(), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QVERIFY(window.eventsPanel()->rawInfo()->text().contains(QStringLiteral("file record #")));
    }

    void statusBarShortcutsAndRefresh()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.pathText().contains(QStringLiteral("No store open")));
        QVERIFY(!window.exportAction()->isEnabled()); // nothing to export without a store
        QVERIFY(openSample(window, dir));
        QVERIFY(window.exportAction()->isEnabled());
        QCOMPARE(window.totalsText(), QStringLiteral("30 records · 10 keys · 2 tables · 1 file"));
        QVERIFY(window.pathText().endsWith(QStringLiteral("sample.streamscope")));
        QVERIFY(window.windowTitle().startsWith(QStringLiteral("sample.streamscope")));

        // Ctrl+F focuses the keys filter on the timeline tab and the events filter on the events tab.
        window.activateWindow();
        window.timelinePanel()->view()->setFocus();
        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(window.keysPanel()->filterEdit()->hasFocus());
        window.centerTabs()->setCurrentWidget(window.eventsPanel());
        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(window.eventsPanel()->textEdit()->hasFocus());

        // Alt+Down / Alt+Up step through the versions while the keys list has the focus.
        QSignalSpy history(window.session(), &StoreSession::historyReady);
        window.centerTabs()->setCurrentWidget(window.timelinePanel());
        auto* keyView = window.keysPanel()->keyView();
        keyView->setCurrentIndex(window.session()->keyModel()->index(0, 0));
        QVERIFY(history.wait(10'000));
        auto* timeline = window.timelinePanel()->view();
        QTRY_VERIFY(timeline->currentIndex().isValid());
        const int last = timeline->currentIndex().row();
        QVERIFY(last > 0); // ORD-1001 (first by key) has 6 versions; the last one is selected
        keyView->setFocus();
        QTest::keyClick(&window, Qt::Key_Up, Qt::AltModifier);
        QCOMPARE(timeline->currentIndex().row(), last - 1);
        QTest::keyClick(&window, Qt::Key_Down, Qt::AltModifier);
        QCOMPARE(timeline->currentIndex().row(), last);
        QVERIFY(!window.timelinePanel()->step(1));  // already the newest
        QCOMPARE(keyView->currentIndex().row(), 0); // the keys list did not move

        // F5 re-reads the store (an import by another process shows up).
        QSignalSpy overview(window.session(), &StoreSession::overviewReady);
        QTest::keyClick(&window, Qt::Key_F5);
        QVERIFY(overview.wait(10'000));
    }

    void importWithoutStoreUsesDefaultStore()
    {
        // `streamscope capture.json` without --store: the paths go to importPaths with no store open.
        const QString store = MainWindow::defaultStorePath();
        QVERIFY(store.contains(QStringLiteral("qttest"))); // test mode: never the user's real default store
        for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(store + suffix);
        MainWindow window;
        window.setShowImportSummary(false);
        window.show();
        QVERIFY(!window.session()->isOpen());
        QVERIFY(window.pathText().contains(QStringLiteral("Ctrl+I")));
        QSignalSpy imported(&window, &MainWindow::importFinished);
        window.importPaths({sampleCapture()});
        QCOMPARE(window.session()->path(), QFileInfo(store).absoluteFilePath());
        QVERIFY(imported.wait(60'000));
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->totals().records, 30, 10'000);
        window.session()->close();
        for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(store + suffix);
    }

    void layoutIsRemembered()
    {
        QSettings().clear();
        QList<int> saved;
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            auto* split = window.eventsPanel()->splitter();
            QVERIFY(split->sizes().at(1) > 0);
            split->setSizes({100, 400});
            saved = split->sizes();
            window.close();
        }
        MainWindow again;
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QCOMPARE(again.eventsPanel()->splitter()->sizes(), saved);
        QSettings().clear();
    }

    void openBadStoreShowsError()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("not-a-store.streamscope"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not sqlite");
        f.close();
        MainWindow window; // not shown: the error goes to the status bar only
        QVERIFY(!window.openStore(path));
        QVERIFY(!window.session()->isOpen());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tstw_mainwindow.moc"

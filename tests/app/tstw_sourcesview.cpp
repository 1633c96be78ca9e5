// Issue 19 "Sources view": the store's imported files with format, counts, duplicates, skipped records with their
// reasons and time span, its tables and streams (what `streamscope info` prints), read by a view-model job and
// shown in View ▸ Sources.

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyle>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include "app/viewmodels/importjob.h"
#include "app/viewmodels/sourcesjob.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/sourcesdialog.h"
#include "testsupport.h"

namespace {
const QString kSkipped = QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/positions/skipped-record.json");

QString sample()
{
    return testsupport::sourceDir() + QStringLiteral("/resources/samples/orders-capture.json");
}

QAction* sourcesAction(MainWindow& window)
{
    for (QAction* action : window.findChildren<QAction*>())
        if (action->shortcut() == QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I))
            return action;
    return nullptr;
}
} // namespace

class TestSourcesView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void reportMatchesTheStore()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.streamscope"));
        const ImportResultInfo imported =
            storeImportFunction()(path, {sample(), kSkipped}, [](const ImportProgressInfo&) { return true; });
        QCOMPARE(imported.filesImported, 2);
        auto store = storage::Store::open(path.toStdString(), storage::Database::OpenMode::ReadOnly);
        QVERIFY(store);
        auto report = readSourcesReport(*store);
        QVERIFY(report);
        QCOMPARE(report->sources.size(), std::size_t(2));
        const SourceDetails& orders = report->sources[0];
        QCOMPARE(orders.info.inserted, 30);
        QCOMPARE(orders.info.duplicates, 1);
        QCOMPARE(orders.info.format, std::string("lambda-dynamodb"));
        QVERIFY(orders.firstTimeMicros && orders.lastTimeMicros && *orders.firstTimeMicros < *orders.lastTimeMicros);
        // The source's span is that of its own records: within the store's.
        auto totals = store->totals();
        QVERIFY(totals);
        QVERIFY(*orders.firstTimeMicros >= *totals->firstTimeMicros);
        QVERIFY(*orders.lastTimeMicros <= *totals->lastTimeMicros);
        const SourceDetails& skipped = report->sources[1];
        QCOMPARE(skipped.info.skipped, 1);
        bool reason = false;
        for (const QString& note : skipped.notes)
            reason = reason || note.contains(QStringLiteral("record 2 at line 14, column 5 (byte 369)"));
        QVERIFY2(reason, qPrintable(skipped.notes.join(QLatin1Char('\n'))));
        QCOMPARE(report->tables.size(), std::size_t(3)); // Orders, Customers (sample), Pos
        QCOMPARE(report->totals.records, totals->records);
    }

    void dialogFromTheViewMenu()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.streamscope"));
        QCOMPARE(storeImportFunction()(path, {sample()}, [](const ImportProgressInfo&) { return true; }).filesImported,
                 1);
        MainWindow window;
        window.setShowImportSummary(false);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QAction* action = sourcesAction(window);
        QVERIFY(action);
        QVERIFY(!action->isEnabled()); // no store open
        QVERIFY(window.openStore(path));
        QVERIFY(action->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isBusy(), 20'000);

        action->trigger();
        auto* dialog = window.findChild<SourcesDialog*>();
        QVERIFY(dialog);
        QSignalSpy shown(dialog, &SourcesDialog::shown);
        QVERIFY(shown.wait(20'000));
        QVERIFY(dialog->isVisible());
        QTreeWidget* sources = dialog->sourcesTree();
        QCOMPARE(sources->topLevelItemCount(), 1);
        QTreeWidgetItem* orders = sources->topLevelItem(0);
        QCOMPARE(orders->text(0), QStringLiteral("orders-capture.json"));
        QCOMPARE(orders->text(1), QStringLiteral("lambda-dynamodb"));
        QCOMPARE(orders->text(3), QStringLiteral("30 stored, 1 duplicate")); // the counts that are not zero
        QCOMPARE(orders->toolTip(3), QStringLiteral("30 stored, 1 duplicate, 0 conflicts, 0 skipped"));
        QVERIFY2(orders->text(4).contains(QStringLiteral(" .. ")), qPrintable(orders->text(4)));
        QVERIFY2(orders->toolTip(0).startsWith(sample() + QStringLiteral("\nimported ")),
                 qPrintable(orders->toolTip(0)));
        QVERIFY2(dialog->summaryLabel()->text().contains(QStringLiteral("30 records")),
                 qPrintable(dialog->summaryLabel()->text()));
        // English plurals: "1 source", "1 duplicate" (it said "1 sources; 1 duplicates").
        const QString summary = dialog->summaryLabel()->text();
        QVERIFY2(summary.contains(QStringLiteral("1 source;")) && summary.contains(QStringLiteral("1 duplicate,"))
                     && summary.contains(QStringLiteral("2 tables")) && !summary.contains(QStringLiteral("1 sources"))
                     && !summary.contains(QStringLiteral("1 duplicates")),
                 qPrintable(summary));
        // Every column, the time span too, as wide as its text (the span was the stretched last column, cut).
        const int indent = sources->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, sources);
        for (int column = 1; column < sources->columnCount(); ++column)
            QVERIFY2(sources->columnWidth(column)
                         >= sources->fontMetrics().horizontalAdvance(orders->text(column)) + 2 * indent,
                     qPrintable(QStringLiteral("column %1: %2 px for '%3'")
                                    .arg(column)
                                    .arg(sources->columnWidth(column))
                                    .arg(orders->text(column))));
        QTreeWidget* tables = dialog->tablesTree();
        QCOMPARE(tables->topLevelItemCount(), 2);
        QTreeWidgetItem* ordersTable = tables->findItems(QStringLiteral("Orders"), Qt::MatchExactly).value(0);
        QVERIFY(ordersTable);
        QCOMPARE(ordersTable->childCount(), 1);
        QVERIFY2(ordersTable->child(0)->text(0).startsWith(QStringLiteral("arn:aws:dynamodb:")),
                 qPrintable(ordersTable->child(0)->text(0)));
        QVERIFY2(
            ordersTable->child(0)->text(0).contains(QStringLiteral(" — NEW_AND_OLD_IMAGES, eu-central-1, 27 records")),
            qPrintable(ordersTable->child(0)->text(0)));

        // An import while it is open: the new source shows, its skipped record with the reason as a child row.
        QSignalSpy imported(&window, &MainWindow::importFinished);
        shown.clear();
        window.importPaths({kSkipped});
        QVERIFY(imported.wait(60'000));
        QVERIFY(shown.wait(20'000));
        QCOMPARE(sources->topLevelItemCount(), 2);
        QTreeWidgetItem* pos = sources->topLevelItem(1);
        QCOMPARE(pos->text(0), QStringLiteral("skipped-record.json"));
        QVERIFY2(pos->text(3).endsWith(QStringLiteral("1 skipped")), qPrintable(pos->text(3)));
        bool reason = false;
        for (int i = 0; i < pos->childCount(); ++i)
            reason = reason || pos->child(i)->text(0).contains(QStringLiteral("record 2 at line 14, column 5"));
        QVERIFY(reason);

        // Copy All: the report as text.
        QGuiApplication::clipboard()->clear();
        for (QPushButton* button : dialog->findChildren<QPushButton*>())
            if (button->text() == QStringLiteral("Copy All"))
                QTest::mouseClick(button, Qt::LeftButton);
        const QString text = QGuiApplication::clipboard()->text();
        QVERIFY2(text.contains(QStringLiteral("Sources (2)")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("record 2 at line 14, column 5")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Tables (3)")), qPrintable(text));

        // Closing the store empties it and disables the action.
        window.session()->close();
        QVERIFY(!action->isEnabled());
        QCOMPARE(sources->topLevelItemCount(), 0);
    }

    void fitsTheWindow_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::newRow("1024x700") << QSize(1024, 700);
        QTest::newRow("1920x1080") << QSize(1920, 1080);
    }

    /// The dialog fits the window (it was 1000x560 over a 1024x700 window, wider than the room): every column of
    /// both lists readable without scrolling sideways (the time span was cut), the stream ARN whole (it was elided
    /// at 320 px), the selected row whole in the details line and copyable with Ctrl+C.
    void fitsTheWindow()
    {
        QFETCH(QSize, size);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.streamscope"));
        QCOMPARE(storeImportFunction()(path, {sample()}, [](const ImportProgressInfo&) { return true; }).filesImported,
                 1);
        MainWindow window;
        window.setShowImportSummary(false);
        window.resize(size);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openStore(path));
        QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isBusy(), 20'000);
        QCOMPARE(window.size(), size);
        sourcesAction(window)->trigger();
        auto* dialog = window.findChild<SourcesDialog*>();
        QVERIFY(dialog);
        QSignalSpy shown(dialog, &SourcesDialog::shown);
        QVERIFY(shown.wait(20'000));
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QTest::qWait(20);
        QVERIFY2(dialog->width() <= size.width() && dialog->height() <= size.height(),
                 qPrintable(QStringLiteral("%1x%2").arg(dialog->width()).arg(dialog->height())));
        QVERIFY(dialog->screen()->availableGeometry().size().expandedTo(dialog->size())
                == dialog->screen()->availableGeometry().size());
        // The cell's text rect: the column (the tree column less its indentation) less the focus frame's margins.
        const auto readable = [](QTreeWidget* tree, QTreeWidgetItem* item, int column) {
            const int margin = 2 * (tree->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, tree) + 1);
            const QRect cell = tree->visualRect(tree->indexFromItem(item, column));
            const int text = tree->fontMetrics().horizontalAdvance(item->text(column));
            if (cell.width() - margin <= text)
                return QStringLiteral("column %1: %2 px for '%3' (%4 px)")
                    .arg(column)
                    .arg(cell.width())
                    .arg(item->text(column))
                    .arg(text);
            if (cell.right() > tree->viewport()->width())
                return QStringLiteral("column %1 ends at %2, the list at %3")
                    .arg(column)
                    .arg(cell.right())
                    .arg(tree->viewport()->width());
            return QString();
        };
        QTreeWidget* sources = dialog->sourcesTree();
        QTreeWidgetItem* orders = sources->topLevelItem(0);
        for (int column = 0; column < sources->columnCount(); ++column) {
            const QString problem = readable(sources, orders, column);
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
        }
        QTreeWidget* tables = dialog->tablesTree();
        QTreeWidgetItem* ordersTable = tables->findItems(QStringLiteral("Orders"), Qt::MatchExactly).value(0);
        QVERIFY(ordersTable && ordersTable->childCount() == 1);
        QTreeWidgetItem* stream = ordersTable->child(0);
        const QString arn = stream->toolTip(0);
        QVERIFY2(arn.startsWith(QStringLiteral("arn:aws:dynamodb:")) && arn.contains(QStringLiteral("/stream/")),
                 qPrintable(arn));
        for (int column = 0; column < tables->columnCount(); ++column) {
            const QString problem = readable(tables, ordersTable, column);
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
        }
        // The stream's row spans the columns: its ARN whole in it.
        const QRect streamCell = tables->visualRect(tables->indexFromItem(stream, 0));
        const int margin = 2 * (tables->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, tables) + 1);
        QVERIFY2(streamCell.width() - margin > tables->fontMetrics().horizontalAdvance(arn)
                     && streamCell.right() <= tables->viewport()->width(),
                 qPrintable(QStringLiteral("%1 px at %2 for %3 px")
                                .arg(streamCell.width())
                                .arg(streamCell.x())
                                .arg(tables->fontMetrics().horizontalAdvance(arn))));
        // The time span in the cell leaves out zero fractions and the end's repeated date; whole in its tooltip.
        QVERIFY2(!orders->text(4).contains(QStringLiteral(".000000")), qPrintable(orders->text(4)));
        QVERIFY2(orders->toolTip(4).startsWith(orders->text(4).left(19))
                     && orders->toolTip(4).count(QStringLiteral("2026-11-01")) == 2,
                 qPrintable(orders->toolTip(4)));
        // The selected stream whole in the details line; Ctrl+C copies it.
        dialog->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(dialog));
        tables->setFocus();
        tables->setCurrentItem(stream);
        QVERIFY2(dialog->detailsLabel()->text().contains(arn), qPrintable(dialog->detailsLabel()->text()));
        QVERIFY(!dialog->detailsLabel()->visibleRegion().isEmpty());
        QGuiApplication::clipboard()->clear();
        QTest::keyClick(tables, Qt::Key_C, Qt::ControlModifier);
        QVERIFY2(QGuiApplication::clipboard()->text() == arn, qPrintable(QGuiApplication::clipboard()->text()));
        // A source row: its whole path and span. The list may have made it current already (as it took the focus
        // when the dialog opened): back in the list, its current row shows again (it kept the stream's).
        QVERIFY(tables->hasFocus());
        sources->setCurrentItem(orders);
        sources->setFocus();
        QVERIFY2(dialog->detailsLabel()->text().contains(sample()), qPrintable(dialog->detailsLabel()->text()));
        QVERIFY(dialog->detailsLabel()->text().contains(orders->toolTip(4)));
        tables->setFocus();
        QVERIFY2(dialog->detailsLabel()->text().contains(arn), qPrintable(dialog->detailsLabel()->text()));
        sources->setFocus();
        QVERIFY2(dialog->detailsLabel()->text().contains(sample()), qPrintable(dialog->detailsLabel()->text()));
    }
};

QTEST_MAIN(TestSourcesView)
#include "tstw_sourcesview.moc"

// Issue 19 defect 8: the import summary dialog says what happened to each file in words, fills Record # and the
// position from the importer's structured failure, names non-capture files as such, counts files a cancel never
// reached as "not started" (not failed), keeps the reason column on screen and can be copied.

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include "app/viewmodels/importjob.h"
#include "app/widgets/importdialog.h"
#include "app/widgets/mainwindow.h"
#include "testsupport.h"

namespace {
QString sampleCapture()
{
    return testsupport::sourceDir() + QStringLiteral("/resources/samples/orders-capture.json");
}

/// A copy of the bundled sample that differs in its trailing blank lines (another file to the importer).
QString copySample(const QTemporaryDir& dir, const QString& name, int blankLines)
{
    QFile in(sampleCapture());
    if (!in.open(QIODevice::ReadOnly))
        return {};
    QByteArray bytes = in.readAll();
    bytes.append(QByteArray(blankLines, '\n'));
    QFile out(dir.filePath(name));
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size())
        return {};
    return out.fileName();
}

int rowOf(const QTableWidget* table, const QString& fileName)
{
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 0) && table->item(r, 0)->text() == fileName)
            return r;
    return -1;
}

QString cell(const QTableWidget* table, int row, int column)
{
    const QTableWidgetItem* item = table->item(row, column);
    return item ? item->text() : QString();
}
} // namespace

class TestImportSummary : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void perFileOutcomesInWords()
    {
        QTemporaryDir dir;
        const QString good = copySample(dir, QStringLiteral("orders.json"), 1);
        QVERIFY(!good.isEmpty());
        const QString notes = dir.filePath(QStringLiteral("notes.txt"));
        {
            QFile f(notes);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("shopping list\n");
        }
        const QString skipped = QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/positions/skipped-record.json");
        const QString broken = QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/positions/missing-comma.json");
        const ImportResultInfo info =
            storeImportFunction()(dir.filePath(QStringLiteral("s.streamscope")), {good, skipped, broken, notes},
                                  [](const ImportProgressInfo&) { return true; });
        QVERIFY2(info.storeError.isEmpty(), qPrintable(info.storeError));
        QCOMPARE(info.files.size(), std::size_t(4));
        QCOMPARE(info.files[0].outcome, FileOutcome::Imported);
        QCOMPARE(info.files[0].inserted, 30);
        QCOMPARE(info.files[1].outcome, FileOutcome::Imported);
        QCOMPARE(info.files[1].skipped, 1);
        QCOMPARE(info.files[2].outcome, FileOutcome::Failed);
        QCOMPARE(info.files[3].outcome, FileOutcome::NotCapture);
        QCOMPARE(info.filesNotStarted, 0);

        // The structured failure: record, line, column, byte and the reason without the position.
        QCOMPARE(info.failed.size(), std::size_t(2));
        const FailedFileInfo& failure = info.failed[0];
        QCOMPARE(failure.kind, FileOutcome::Failed);
        QCOMPARE(failure.record, 2);
        QCOMPARE(failure.line, 17);
        QCOMPARE(failure.column, 7);
        QCOMPARE(failure.byteOffset, 428);
        QVERIFY2(failure.detail.startsWith(QStringLiteral("JSON syntax error")), qPrintable(failure.detail));
        QCOMPARE(failure.reason, QStringLiteral("record 2 at line 17, column 7 (byte 428): ") + failure.detail);
        QCOMPARE(info.failed[1].kind, FileOutcome::NotCapture);

        ImportSummaryDialog dialog(info);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTableWidget* files = dialog.filesTable();
        QCOMPARE(files->rowCount(), 4);
        const int goodRow = rowOf(files, QStringLiteral("orders.json"));
        const int brokenRow = rowOf(files, QStringLiteral("missing-comma.json"));
        const int notesRow = rowOf(files, QStringLiteral("notes.txt"));
        QVERIFY(goodRow >= 0 && brokenRow >= 0 && notesRow >= 0);
        QCOMPARE(cell(files, goodRow, 1), QStringLiteral("imported: 30 new records, 1 duplicate (already stored)"));
        QCOMPARE(cell(files, notesRow, 1), QStringLiteral("not a capture: not imported"));
        QVERIFY(!cell(files, notesRow, 4).isEmpty()); // what the file is instead
        QCOMPARE(cell(files, brokenRow, 1), QStringLiteral("failed at record 2: nothing of this file was kept"));
        QCOMPARE(cell(files, brokenRow, 2), QStringLiteral("2"));
        QCOMPARE(cell(files, brokenRow, 3), QStringLiteral("line 17, column 7 (byte 428)"));
        QCOMPARE(cell(files, brokenRow, 4), failure.detail);
        for (int r = 0; r < files->rowCount(); ++r)
            QVERIFY2(!cell(files, r, 1).contains(QStringLiteral("file failed")), qPrintable(cell(files, r, 1)));
        // The reason column starts well inside the visible part of the table.
        QVERIFY2(files->columnViewportPosition(4) + 100 < files->viewport()->width(),
                 qPrintable(QStringLiteral("reason at %1 of %2")
                                .arg(files->columnViewportPosition(4))
                                .arg(files->viewport()->width())));

        QTableWidget* skippedTable = dialog.skippedTable();
        QVERIFY(skippedTable);
        QCOMPARE(skippedTable->rowCount(), 1);
        QCOMPARE(cell(skippedTable, 0, 1), QStringLiteral("2"));
        QCOMPARE(cell(skippedTable, 0, 2), QStringLiteral("line 14, column 5 (byte 369)"));
        QVERIFY(skippedTable->columnViewportPosition(3) + 100 < skippedTable->viewport()->width());

        // Copy All: every file with its outcome, the failure with its position and reason, the skipped record.
        QGuiApplication::clipboard()->clear();
        QTest::mouseClick(dialog.copyAllButton(), Qt::LeftButton);
        const QString copied = QGuiApplication::clipboard()->text();
        QVERIFY2(copied.contains(broken
                                 + QStringLiteral("\tfailed at record 2: nothing of this file was kept\tline "
                                                  "17, column 7 (byte 428)\tJSON syntax error")),
                 qPrintable(copied));
        QVERIFY2(copied.contains(notes + QStringLiteral("\tnot a capture")), qPrintable(copied));
        QVERIFY2(copied.contains(skipped + QStringLiteral("\trecord skipped\trecord 2\tline 14, column 5 (byte 369)")),
                 qPrintable(copied));

        // Ctrl+C on a table copies its selected rows, every cell in full.
        files->setFocus();
        files->selectRow(brokenRow);
        QGuiApplication::clipboard()->clear();
        QTest::keyClick(files, Qt::Key_C, Qt::ControlModifier);
        const QString row = QGuiApplication::clipboard()->text();
        QVERIFY2(row.startsWith(broken + QStringLiteral("\tfailed at record 2")), qPrintable(row));
        QVERIFY2(!row.contains(QLatin1Char('\n')), qPrintable(row));
    }

    void cancelledImportCountsNotStarted()
    {
        QTemporaryDir dir;
        QStringList files;
        for (int i = 0; i < 5; ++i)
            files << copySample(dir, QStringLiteral("part-%1.json").arg(i), i + 1);
        QVERIFY(!files.contains(QString()));
        // Cancel at the first progress report: the first file is being imported then, the other four never start.
        const ImportResultInfo info = storeImportFunction()(dir.filePath(QStringLiteral("s.streamscope")), files,
                                                            [](const ImportProgressInfo&) { return false; });
        QVERIFY(info.cancelled);
        QCOMPARE(info.filesImported, 0);
        QCOMPARE(info.filesNotStarted, 4);
        QCOMPARE(info.failed.size(), std::size_t(1));
        QCOMPARE(info.failed[0].kind, FileOutcome::Cancelled);
        QCOMPARE(info.files.size(), std::size_t(5));
        QCOMPARE(info.files[0].outcome, FileOutcome::Cancelled);
        for (std::size_t i = 1; i < 5; ++i)
            QCOMPARE(info.files[i].outcome, FileOutcome::NotStarted);

        const QString line = ImportSummaryDialog::oneLine(info);
        QVERIFY2(line.contains(QStringLiteral("4 files not started")), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("1 file not imported")), qPrintable(line));
        QVERIFY2(!line.contains(QStringLiteral("failed")), qPrintable(line));
        const QString outcome = MainWindow::importOutcome(info);
        QVERIFY2(outcome.contains(QStringLiteral("4 files not started")), qPrintable(outcome));

        ImportSummaryDialog dialog(info);
        QTableWidget* table = dialog.filesTable();
        QCOMPARE(table->rowCount(), 2); // the cancelled file, then one row for the four never started
        QCOMPARE(cell(table, 0, 1),
                 QStringLiteral("cancelled while importing: rolled back, nothing of this file was kept"));
        QCOMPARE(cell(table, 1, 0), QStringLiteral("4 files"));
        QVERIFY2(cell(table, 1, 1).startsWith(QStringLiteral("not started")), qPrintable(cell(table, 1, 1)));
        QCOMPARE(table->item(1, 0)->toolTip(), files.mid(1).join(QLatin1Char('\n')));
        const QString text = ImportSummaryDialog::plainText(info);
        QVERIFY2(text.contains(QStringLiteral("4 files not started")), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("failed")), qPrintable(text));
    }
};

QTEST_MAIN(TestImportSummary)
#include "tstw_importsummary.moc"

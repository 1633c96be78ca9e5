// Smoke tests of the export dialog and the replay panel (offscreen): export the current filter, replay it
// through the example handler, and list the recorded run with its failed record.

#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include "app/viewmodels/storesession.h"
#include "app/widgets/exportdialog.h"
#include "app/widgets/replaypanel.h"
#include "ordersfixture.h"

class TestReplayPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void exportDialogWritesBatches();
    void replayPanelRunsAndLists();

private:
    QTemporaryDir m_dir;
    QString m_store;
};

void TestReplayPanel::initTestCase()
{
    m_store = m_dir.filePath(QStringLiteral("s.streamscope"));
    QCOMPARE(appfixture::writeOrdersStore(m_store, 8), QString());
}

void TestReplayPanel::exportDialogWritesBatches()
{
    StoreSession session;
    QCOMPARE(session.open(m_store), QString());
    ExportDialog dialog(&session);
    dialog.setFolder(m_dir.filePath(QStringLiteral("out")));
    QCOMPARE(dialog.runExport(), QString());
    QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("out/batch-000001.json"))));
    QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("out/manifest.json"))));
    QCOMPARE(dialog.lastReport()->recordsWritten, std::int64_t(8));
    // A second export into the same folder is refused without "replace".
    QVERIFY(!dialog.runExport().isEmpty());
    dialog.setRecordIds({1, 2});
    QCOMPARE(dialog.selection().recordIds.size(), std::size_t(2));
}

void TestReplayPanel::replayPanelRunsAndLists()
{
    StoreSession session;
    QCOMPARE(session.open(m_store), QString());
    ReplayPanel panel(&session);
    panel.show();
    panel.handlerEdit()->setText(QStringLiteral("%1 %2/resources/handlers/fail_on_record.py --fail-seq 105")
                                     .arg(QStringLiteral(STREAMSCOPE_PYTHON), QStringLiteral(STREAMSCOPE_SOURCE_DIR)));
    QSignalSpy finished(&panel, &ReplayPanel::replayFinished);
    QVERIFY(panel.startReplay());
    QVERIFY(finished.wait(60000));
    QCOMPARE(panel.runsView()->topLevelItemCount(), 1);
    QTreeWidgetItem* run = panel.runsView()->topLevelItem(0);
    QCOMPARE(run->childCount(), 1); // one batch
    QTreeWidgetItem* batch = run->child(0);
    // 3 attempts (first + 2 retries), then the 3 discarded records 105..107 with their record ids.
    int records = 0;
    for (int i = 0; i < batch->childCount(); ++i) {
        if (batch->child(i)->data(0, Qt::UserRole + 1).isValid())
            ++records;
    }
    QCOMPARE(records, 3);
    QSignalSpy activated(&panel, &ReplayPanel::recordActivated);
    Q_EMIT panel.runsView()->itemActivated(batch->child(batch->childCount() - 3), 0);
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(0).toLongLong(), qint64(6)); // record 105 is the 6th stored
}

QTEST_MAIN(TestReplayPanel)
#include "tstw_replaypanel.moc"

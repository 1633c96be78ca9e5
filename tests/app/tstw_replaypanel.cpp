// The export dialog and the replay panel (offscreen): export the current filter; replay it through the example
// handler with README's quoting and list the recorded run with its failed record; a handler that cannot start, a
// wrong endpoint; Cancel; quitting the window during a replay (no process left); remembered settings (in a
// temporary QSettings location, never the user's).

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

#include "app/viewmodels/storesession.h"
#include "app/widgets/exportdialog.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/replaypanel.h"
#include "ordersfixture.h"
#include "replayfixture.h"
#include "storage/replay/targetspec.h"

namespace {

/// Clicks the button labelled `button` of the next modal message box.
void answerMessageBox(const QString& button)
{
    auto* timer = new QTimer(qApp);
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, [timer, button] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box)
            return;
        for (QAbstractButton* b : box->buttons()) {
            if (b->text() == button) {
                timer->stop();
                timer->deleteLater();
                b->click();
                return;
            }
        }
    });
    timer->start();
}

/// A command line for the panel: the words quoted as a shell would read them back.
QString commandLine(const QStringList& argv)
{
    QStringList words;
    for (const QString& a : argv)
        words << QString::fromStdString(storage::quoteShellWord(a.toStdString()));
    return words.join(QLatin1Char(' '));
}

QString exampleHandler()
{
    return QStringLiteral(STREAMSCOPE_SOURCE_DIR) + QStringLiteral("/resources/handlers/fail_on_record.py");
}

} // namespace

class TestReplayPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void exportDialogWritesBatches();
    void replayPanelRunsAndLists();
    void quotingAsInReadme();
    void handlerThatCannotStart();
    void cancelEndsHandler();
    void quitDuringReplayLeavesNoProcess();
    void rememberedSettings();

private:
    QString newStore(const QString& name)
    {
        const QString path = m_dir.filePath(name);
        const QString error = appfixture::writeOrdersStore(path, 8);
        return error.isEmpty() ? path : QString();
    }

    QTemporaryDir m_dir;
    QString m_store;
};

void TestReplayPanel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Settings go to a temporary folder under a test organisation: the user's settings are never read or written.
    QCoreApplication::setOrganizationName(QStringLiteral("streamscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tstw_replaypanel"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
    QVERIFY2(QSettings().fileName().startsWith(m_dir.path()), qPrintable(QSettings().fileName()));
    QSettings().clear();
    QApplication::setQuitOnLastWindowClosed(false); // closing the main window in a test must not end later waits
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
    panel.setRunner(ReplayPanel::Runner::Command);
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

void TestReplayPanel::quotingAsInReadme()
{
    // README: --fail-key '"Id":{"N":"101"}' passes "Id":{"N":"101"} (the single quotes go). Split by Qt's rules the
    // quotes stayed, the handler never failed and the run reported success.
    StoreSession session;
    QCOMPARE(session.open(newStore(QStringLiteral("quoting.streamscope"))), QString());
    ReplayPanel panel(&session);
    panel.show();
    panel.setRunner(ReplayPanel::Runner::Command);
    panel.handlerEdit()->setText(QStringLiteral("%1 %2 --fail-key '\"Id\":{\"N\":\"5\"}'")
                                     .arg(QStringLiteral(STREAMSCOPE_PYTHON), exampleHandler()));
    QCOMPARE(panel.commandArguments(),
             (QStringList{QStringLiteral(STREAMSCOPE_PYTHON), exampleHandler(), QStringLiteral("--fail-key"),
                          QStringLiteral("\"Id\":{\"N\":\"5\"}")}));
    QVERIFY2(panel.commandPreview()->text().endsWith(QStringLiteral("‹--fail-key› ‹\"Id\":{\"N\":\"5\"}›")),
             qPrintable(panel.commandPreview()->text()));
    QSignalSpy finished(&panel, &ReplayPanel::replayFinished);
    QVERIFY(panel.startReplay());
    QVERIFY(finished.wait(60000));
    QVERIFY2(panel.statusText().contains(QStringLiteral("5 succeeded, 3 discarded")), qPrintable(panel.statusText()));
    QCOMPARE(panel.bannerText(), QString());
    // The recorded command is shown quoted the same way.
    QVERIFY2(panel.runsView()->topLevelItem(0)->text(0).endsWith(QStringLiteral("--fail-key '\"Id\":{\"N\":\"5\"}'")),
             qPrintable(panel.runsView()->topLevelItem(0)->text(0)));

    // What a shell would expand is refused with the column, not passed on.
    panel.handlerEdit()->setText(QStringLiteral("echo $HOME"));
    QVERIFY2(panel.commandPreview()->text().startsWith(QStringLiteral("Cannot run this: column 6:")),
             qPrintable(panel.commandPreview()->text()));
    QVERIFY(!panel.startReplay());
    QVERIFY2(panel.bannerText().contains(QStringLiteral("column 6")), qPrintable(panel.bannerText()));
}

void TestReplayPanel::handlerThatCannotStart()
{
    StoreSession session;
    QCOMPARE(session.open(newStore(QStringLiteral("nostart.streamscope"))), QString());
    ReplayPanel panel(&session);
    panel.show();
    QSignalSpy ended(&panel, &ReplayPanel::replayEnded);
    QSignalSpy finished(&panel, &ReplayPanel::replayFinished);

    // A command that does not exist: a banner with the reason, the run listed as failed with nothing discarded.
    panel.setRunner(ReplayPanel::Runner::Command);
    panel.handlerEdit()->setText(m_dir.filePath(QStringLiteral("no-such-handler")));
    QVERIFY(panel.startReplay());
    QVERIFY(ended.wait(60000));
    QVERIFY2(panel.bannerText().startsWith(QStringLiteral("The replay could not start: ")),
             qPrintable(panel.bannerText()));
    QVERIFY2(panel.bannerText().contains(QStringLiteral("no-such-handler")), qPrintable(panel.bannerText()));
    QCOMPARE(finished.count(), 0);
    QCOMPARE(panel.runsView()->topLevelItemCount(), 1);
    QCOMPARE(panel.runsView()->topLevelItem(0)->text(1), QStringLiteral("failed: 0 succeeded, 0 discarded"));

    // A Lambda module that does not load: Lambda's reason and the runtime's output; no run recorded.
    const QString code = replayfixture::writeFolder(m_dir.path(), QStringLiteral("panel-lambda-bad"),
                                                    {{QStringLiteral("app.py"), "import no_such_module_in_panel\n"}});
    panel.setRunner(ReplayPanel::Runner::LambdaHandler);
    panel.lambdaHandlerEdit()->clear();
    QVERIFY(!panel.startReplay()); // the form says what is missing
    QVERIFY2(panel.bannerText().contains(QStringLiteral("Enter the Lambda handler")), qPrintable(panel.bannerText()));
    panel.lambdaHandlerEdit()->setText(QStringLiteral("app.lambda_handler"));
    panel.codeDirEdit()->setText(code);
    QVERIFY(panel.startReplay());
    QVERIFY(ended.wait(60000));
    QVERIFY2(panel.bannerText().startsWith(QStringLiteral("The replay could not start: the handler could not start: ")),
             qPrintable(panel.bannerText()));
    QVERIFY2(panel.bannerText().contains(QStringLiteral("no_such_module_in_panel")), qPrintable(panel.bannerText()));
    QCOMPARE(panel.runsView()->topLevelItemCount(), 1);

    // An endpoint that is not running.
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(testsupport::unusedLoopbackPort());
    panel.setRunner(ReplayPanel::Runner::InvokeApi);
    panel.invokeUrlEdit()->setText(url);
    panel.functionNameEdit()->setText(QStringLiteral("OrdersHandler"));
    QVERIFY(panel.startReplay());
    QVERIFY(ended.wait(60000));
    QVERIFY2(panel.bannerText().startsWith(
                 QStringLiteral("The replay could not start: the Invoke API endpoint %1 is not running").arg(url)),
             qPrintable(panel.bannerText()));
    QCOMPARE(finished.count(), 0);
    QCOMPARE(panel.runsView()->topLevelItem(0)->text(1), QStringLiteral("failed: 0 succeeded, 0 discarded"));

    // The next replay that starts hides the banner.
    panel.setRunner(ReplayPanel::Runner::Command);
    panel.handlerEdit()->setText(commandLine({QStringLiteral(STREAMSCOPE_PYTHON), exampleHandler()}));
    QVERIFY(panel.startReplay());
    QCOMPARE(panel.bannerText(), QString());
    QVERIFY(finished.wait(60000));
}

void TestReplayPanel::cancelEndsHandler()
{
    StoreSession session;
    QCOMPARE(session.open(newStore(QStringLiteral("cancel.streamscope"))), QString());
    ReplayPanel panel(&session);
    panel.show();
    panel.setRunner(ReplayPanel::Runner::Command);
    panel.handlerEdit()->setText(
        commandLine(replayfixture::hangingHandler(m_dir.path(), QStringLiteral("panel-cancel"), 2)));
    panel.batchSizeSpin()->setValue(2);
    QSignalSpy finished(&panel, &ReplayPanel::replayFinished);
    QVERIFY(!panel.cancelButton()->isEnabled());
    QVERIFY(panel.startReplay());
    QVERIFY(panel.cancelButton()->isEnabled());
    const QList<qint64> pids = replayfixture::waitForPids(m_dir.path(), QStringLiteral("panel-cancel"));
    QCOMPARE(pids.size(), 2);
    QTRY_VERIFY2_WITH_TIMEOUT(
        panel.progressText().startsWith(QStringLiteral("Batch 3, attempt 1 (records 1-2: running…)")),
        qPrintable(panel.progressText()), 10000);
    QVERIFY2(panel.progressText().contains(QStringLiteral("4 records in earlier batches · 2 invocations done")),
             qPrintable(panel.progressText()));
    QTest::mouseClick(panel.cancelButton(), Qt::LeftButton);
    QVERIFY(finished.wait(20000));
    const bool gone = replayfixture::waitGone(pids[0]) && replayfixture::waitGone(pids[1]);
    replayfixture::killAll(pids);
    QVERIFY2(gone, "the handler or its child outlived Cancel");
    QVERIFY(!panel.cancelButton()->isEnabled());
    QVERIFY2(panel.statusText().contains(QStringLiteral("interrupted")), qPrintable(panel.statusText()));
    QTreeWidgetItem* run = panel.runsView()->topLevelItem(0);
    QCOMPARE(run->text(1), QStringLiteral("interrupted: 4 succeeded, 0 discarded"));
    // The multi-line script is one line in its cell (a tall first row made every row that tall, showing nothing).
    QVERIFY2(!run->text(0).contains(QLatin1Char('\n')) && run->text(0).contains(QStringLiteral("⏎")),
             qPrintable(run->text(0)));
    QVERIFY2(run->text(4).contains(QStringLiteral("2 not settled")), qPrintable(run->text(4)));
    // The stopped invocation's log is shown for its attempt.
    QCOMPARE(run->childCount(), 3);
    QTreeWidgetItem* attempt = run->child(2)->child(0);
    panel.runsView()->setCurrentItem(attempt);
    QVERIFY2(panel.logView()->toPlainText().contains(QStringLiteral("hanging now")),
             qPrintable(panel.logView()->toPlainText()));
    panel.runsView()->setCurrentItem(run->child(0)->child(0));
    QVERIFY2(panel.logView()->toPlainText().contains(QStringLiteral("invocation 1 ok")),
             qPrintable(panel.logView()->toPlainText()));
}

void TestReplayPanel::quitDuringReplayLeavesNoProcess()
{
    MainWindow window;
    QVERIFY(window.openStore(newStore(QStringLiteral("quit.streamscope"))));
    window.show();
    ReplayPanel* panel = window.replayPanel();
    panel->setRunner(ReplayPanel::Runner::Command);
    panel->handlerEdit()->setText(commandLine(replayfixture::hangingHandler(m_dir.path(), QStringLiteral("quit"), 0)));
    QVERIFY(panel->startReplay());
    const QList<qint64> pids = replayfixture::waitForPids(m_dir.path(), QStringLiteral("quit"));
    QCOMPARE(pids.size(), 2);

    // Keep running: the window stays, the handler too.
    answerMessageBox(QStringLiteral("Keep running"));
    QVERIFY(!window.close());
    QVERIFY(window.isVisible());
    QVERIFY(panel->isRunning());
    QVERIFY(!replayfixture::processGone(pids[0]));

    // Stop and quit: when close() returns, the worker has ended and the handler is gone; its child follows.
    answerMessageBox(QStringLiteral("Stop and quit"));
    const bool closed = window.close();
    const bool handlerGone = replayfixture::processGone(pids[0]);
    const bool childGone = replayfixture::waitGone(pids[1]);
    replayfixture::killAll(pids);
    QVERIFY(closed);
    QVERIFY2(handlerGone, "the handler outlived quitting");
    QVERIFY2(childGone, "the handler's child outlived quitting");
}

void TestReplayPanel::rememberedSettings()
{
    StoreSession session;
    QCOMPARE(session.open(newStore(QStringLiteral("settings.streamscope"))), QString());
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(testsupport::unusedLoopbackPort());
    {
        ReplayPanel panel(&session);
        QSignalSpy ended(&panel, &ReplayPanel::replayEnded);
        panel.lambdaHandlerEdit()->setText(QStringLiteral("src/index.handler"));
        panel.codeDirEdit()->setText(m_dir.path());
        panel.runtimeCombo()->setCurrentIndex(2);
        panel.environmentEdit()->setPlainText(QStringLiteral("A=1\nB=two"));
        panel.handlerEdit()->setText(QStringLiteral("python3 handler.py --fail-key '\"Id\":{\"N\":\"101\"}'"));
        panel.timeoutSpin()->setValue(12.5);
        panel.retriesSpin()->setValue(4);
        panel.batchSizeSpin()->setValue(7);
        panel.bisectCheck()->setChecked(true);
        panel.setRunner(ReplayPanel::Runner::InvokeApi);
        panel.invokeUrlEdit()->setText(url);
        panel.functionNameEdit()->setText(QStringLiteral("OrdersHandler"));
        QVERIFY(panel.startReplay()); // the settings of a replay that starts are remembered
        QVERIFY(ended.wait(60000));
    }
    ReplayPanel panel(&session);
    QCOMPARE(panel.runner(), ReplayPanel::Runner::InvokeApi);
    QCOMPARE(panel.invokeUrlEdit()->text(), url);
    QCOMPARE(panel.functionNameEdit()->text(), QStringLiteral("OrdersHandler"));
    QCOMPARE(panel.lambdaHandlerEdit()->text(), QStringLiteral("src/index.handler"));
    QCOMPARE(panel.codeDirEdit()->text(), m_dir.path());
    QCOMPARE(panel.runtimeCombo()->currentIndex(), 2);
    QCOMPARE(panel.environmentEdit()->toPlainText(), QStringLiteral("A=1\nB=two"));
    QCOMPARE(panel.handlerEdit()->text(), QStringLiteral("python3 handler.py --fail-key '\"Id\":{\"N\":\"101\"}'"));
    QCOMPARE(panel.timeoutSpin()->value(), 12.5);
    QCOMPARE(panel.retriesSpin()->value(), 4);
    QCOMPARE(panel.batchSizeSpin()->value(), 7);
    QVERIFY(panel.bisectCheck()->isChecked());
    QVERIFY(QSettings().fileName().startsWith(m_dir.path()));
}

QTEST_MAIN(TestReplayPanel)
#include "tstw_replaypanel.moc"

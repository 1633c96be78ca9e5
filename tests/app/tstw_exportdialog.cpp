// The export dialog's own paths (offscreen): Export runs in the background with progress and finishes with the
// files and manifest; an earlier export is only replaced after the user says so (refusal keeps it untouched);
// Cancel stops the export and removes its files; an unwritable folder gives a message, not a crash.

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <nlohmann/json.hpp>

#include "app/viewmodels/eventtablemodel.h"
#include "app/viewmodels/formatting.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/exportdialog.h"
#include "storage/exporttestsupport.h"

namespace {

QPushButton* dialogButton(ExportDialog& dialog, QDialogButtonBox::StandardButton which)
{
    auto* box = dialog.findChild<QDialogButtonBox*>();
    return box ? box->button(which) : nullptr;
}

/// Clicks Export (Ok) or Close/Cancel as a user would.
void clickButton(ExportDialog& dialog, QDialogButtonBox::StandardButton which)
{
    if (QPushButton* b = dialogButton(dialog, which))
        b->click();
    else
        QFAIL("dialog button not found");
}

QString buttonText(ExportDialog& dialog, QDialogButtonBox::StandardButton which)
{
    QPushButton* b = dialogButton(dialog, which);
    return b ? b->text() : QString();
}

} // namespace

class TestExportDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void exportRunsInBackground();
    void replaceRefusedKeepsEarlierExport();
    void replaceConfirmedRewrites();
    void cancelRemovesFiles();
    void unwritableFolderShowsError();
    void previewAndNothingToExport();
    void exactKeyExport();

private:
    static constexpr int kRecords = 2000;
    QTemporaryDir m_dir;
    QString m_store;
    /// Answers the "replace?" question box with `button` as soon as the dialog shows it.
    static void answerReplaceQuestion(ExportDialog& dialog, QMessageBox::StandardButton button, bool& asked);
    static nlohmann::json readJson(const QString& path);
};

void TestExportDialog::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_store = m_dir.filePath(QStringLiteral("s.streamscope"));
    auto store = storage::Store::open(m_store.toStdString());
    QVERIFY(store);
    std::vector<exporttest::Rec> records;
    for (int i = 0; i < kRecords; ++i) {
        exporttest::Rec r;
        r.table = "Orders";
        r.arn = "arn:aws:dynamodb:eu-central-1:123456789012:table/Orders/stream/2024-01-01T00:00:00.000";
        r.keysJson = "{\"Id\":{\"N\":\"" + std::to_string(i % 50) + "\"}}";
        r.seq = std::to_string(1000 + i);
        r.newImage = "{\"Id\":{\"N\":\"" + std::to_string(i % 50) + "\"},\"v\":{\"N\":\"" + std::to_string(i) + "\"}}";
        r.micros = 1700000000000000LL + i * 1000000LL;
        records.push_back(r);
    }
    QCOMPARE(QString::fromStdString(exporttest::load(*store, records, "fixture")), QString());
}

nlohmann::json TestExportDialog::readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = f.readAll();
    return nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
}

void TestExportDialog::answerReplaceQuestion(ExportDialog& dialog, QMessageBox::StandardButton button, bool& asked)
{
    QTimer::singleShot(0, &dialog, [&dialog, button, &asked] {
        auto* box = dialog.findChild<QMessageBox*>(QString::fromLatin1(ExportDialog::kReplaceQuestionName));
        if (!box)
            return;
        asked = true;
        box->button(button)->click();
    });
}

void TestExportDialog::exportRunsInBackground()
{
    StoreSession session;
    QCOMPARE(session.open(m_store), QString());
    ExportDialog dialog(&session);
    dialog.show();
    const QString folder = m_dir.filePath(QStringLiteral("bg"));
    dialog.setFolder(folder);
    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    clickButton(dialog, QDialogButtonBox::Ok);
    QVERIFY(dialog.isExporting()); // returned at once: the export runs on a worker
    QVERIFY(dialog.progressBar()->isVisible());
    QVERIFY(dialog.isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QVERIFY(!dialog.isExporting());
    QVERIFY(!dialog.progressBar()->isVisible());
    QVERIFY2(dialog.statusText().contains(QStringLiteral("Exported 2000 records into 20 files")),
             qPrintable(dialog.statusText()));
    QCOMPARE(dialog.lastReport()->recordsWritten, std::int64_t(kRecords));
    const auto manifest = readJson(folder + QStringLiteral("/manifest.json"));
    QCOMPARE(manifest["counts"]["written"].get<int>(), kRecords);
    QCOMPARE(manifest["files"].size(), std::size_t(20));
    QCOMPARE(manifest["files"][0]["firstSequenceNumber"].get<std::string>(), std::string("1000"));
    QCOMPARE(manifest["files"][19]["lastSequenceNumber"].get<std::string>(), std::string("2999"));
    const auto last = readJson(folder + QStringLiteral("/batch-000020.json"));
    QCOMPARE(last["Records"].size(), std::size_t(100));
    QCOMPARE(last["Records"][99]["dynamodb"]["SequenceNumber"].get<std::string>(), std::string("2999"));
}

void TestExportDialog::replaceRefusedKeepsEarlierExport()
{
    StoreSession session;
    QCOMPARE(session.open(m_store), QString());
    ExportDialog dialog(&session);
    dialog.show();
    const QString folder = m_dir.filePath(QStringLiteral("keep"));
    dialog.setFolder(folder);
    QCOMPARE(dialog.runExport(), QString());
    QFile manifest(folder + QStringLiteral("/manifest.json"));
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    const QByteArray before = manifest.readAll();
    manifest.close();
    QVERIFY(QFile::remove(folder + QStringLiteral("/batch-000002.json"))); // would come back if it were rewritten

    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    bool asked = false;
    answerReplaceQuestion(dialog, QMessageBox::No, asked);
    clickButton(dialog, QDialogButtonBox::Ok);
    QVERIFY(asked);
    QVERIFY(!dialog.isExporting());
    QVERIFY2(dialog.statusText().contains(QStringLiteral("kept")), qPrintable(dialog.statusText()));
    QTest::qWait(200);
    QCOMPARE(finished.size(), 0);
    QVERIFY(!QFile::exists(folder + QStringLiteral("/batch-000002.json")));
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    QCOMPARE(manifest.readAll(), before);
}

void TestExportDialog::replaceConfirmedRewrites()
{
    StoreSession session;
    QCOMPARE(session.open(m_store), QString());
    ExportDialog dialog(&session);
    dialog.show();
    const QString folder = m_dir.filePath(QStringLiteral("replace"));
    dialog.setFolder(folder);
    QCOMPARE(dialog.runExport(), QString());
    QVERIFY(QFile::remove(folder + QStringLiteral("/batch-000002.json")));
    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    bool asked = false;
    answerReplaceQuestion(dialog, QMessageBox::Yes, asked);
    clickButton(dialog, QDialogButtonBox::Ok);
    QVERIFY(asked);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QVERIFY(QFile::exists(folder + QStringLiteral("/batch-000002.json")));
    QCOMPARE(dialog.lastReport()->replacedFiles.size(), std::size_t(20)); // 19 batches + manifest
}

void TestExportDialog::cancelRemovesFiles()
{
    StoreSession session;
    QCOMPARE(session.open(m_store), QString());
    ExportDialog dialog(&session);
    dialog.show();
    const QString folder = m_dir.filePath(QStringLiteral("cancel"));
    dialog.setFolder(folder);
    dialog.findChild<QSpinBox*>()->setValue(1); // 2000 one-record files: long enough to cancel
    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    clickButton(dialog, QDialogButtonBox::Ok);
    QVERIFY(dialog.isExporting());
    QCOMPARE(buttonText(dialog, QDialogButtonBox::Close), QStringLiteral("Cancel"));
    clickButton(dialog, QDialogButtonBox::Close); // Cancel while running stops the export, the dialog stays
    QVERIFY(dialog.isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QVERIFY2(dialog.statusText().contains(QStringLiteral("cancelled")), qPrintable(dialog.statusText()));
    QVERIFY(storage::existingExportFiles(folder.toStdString()).empty());
}

void TestExportDialog::unwritableFolderShowsError()
{
    StoreSession session;
    QCOMPARE(session.open(m_store), QString());
    ExportDialog dialog(&session);
    dialog.show();
    // A folder below a plain file cannot be created (permissions would not stop root).
    QFile plain(m_dir.filePath(QStringLiteral("plain")));
    QVERIFY(plain.open(QIODevice::WriteOnly));
    plain.close();
    dialog.setFolder(m_dir.filePath(QStringLiteral("plain/out")));
    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    clickButton(dialog, QDialogButtonBox::Ok);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QVERIFY2(dialog.statusText().startsWith(QStringLiteral("Export failed")), qPrintable(dialog.statusText()));
    QVERIFY(dialog.isVisible());
    // An empty folder name is a message too.
    dialog.setFolder(QString());
    clickButton(dialog, QDialogButtonBox::Ok);
    QVERIFY(!dialog.isExporting());
    QVERIFY(dialog.statusText().contains(QStringLiteral("Choose a folder")));
}

void TestExportDialog::previewAndNothingToExport()
{
    StoreSession session;
    QCOMPARE(session.open(m_store), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
    const qint64 all = session.eventModel()->rowCount();
    QVERIFY(all > 0);
    {
        // The dialog says how many records and which filter it exports.
        ExportDialog dialog(&session);
        QVERIFY2(dialog.filterScopeText().startsWith(formatting::count(all, "record", "records")),
                 qPrintable(dialog.filterScopeText()));
        QVERIFY(dialog.filterScopeText().contains(QStringLiteral("all tables")));
    }
    // A filter that matches nothing: the dialog refuses instead of "succeeding" with nothing written.
    EventFilter f;
    f.text = "no-such-key-anywhere";
    f.eventMask = 1u << int(model::EventName::Remove);
    session.setEventFilter(f);
    QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
    QCOMPARE(session.eventModel()->rowCount(), 0);
    ExportDialog dialog(&session);
    dialog.show();
    QVERIFY2(dialog.filterScopeText().startsWith(QStringLiteral("0 records")), qPrintable(dialog.filterScopeText()));
    QVERIFY(dialog.filterScopeText().contains(QStringLiteral("REMOVE")));
    QVERIFY(dialog.filterScopeText().contains(QStringLiteral("no-such-key-anywhere")));
    const QString folder = m_dir.filePath(QStringLiteral("nothing"));
    dialog.setFolder(folder);
    clickButton(dialog, QDialogButtonBox::Ok);
    QVERIFY(!dialog.isExporting());
    QVERIFY2(dialog.statusText().startsWith(QStringLiteral("Nothing to export")), qPrintable(dialog.statusText()));
    QVERIFY(!QFileInfo::exists(folder + QStringLiteral("/manifest.json")));
    QVERIFY(dialog.runExport().startsWith(QStringLiteral("Nothing to export")));
}

void TestExportDialog::exactKeyExport()
{
    // The events text filter "Id=1" also matches Id=10..19; "only the key open in the timeline" exports Id=1 only.
    StoreSession session;
    QCOMPARE(session.open(m_store), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
    EventFilter f;
    f.text = "Id=1";
    session.setEventFilter(f);
    QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 20000);
    const qint64 substringMatches = session.eventModel()->rowCount();
    QCOMPARE(substringMatches, qint64(kRecords / 50 * 11)); // Id=1 and Id=10..19
    qint64 keyId = 0;
    for (int r = 0; r < session.eventModel()->rowCount() && !keyId; ++r)
        if (session.eventModel()->rowAt(r)->keyText == "Id=1")
            keyId = session.eventModel()->rowAt(r)->keyId;
    QVERIFY(keyId > 0);
    QSignalSpy history(&session, &StoreSession::historyReady);
    session.openKey(keyId);
    QVERIFY(history.wait(10000));
    ExportDialog dialog(&session);
    QVERIFY(dialog.onlyKeyBox()->isEnabled());
    QVERIFY(dialog.onlyKeyBox()->text().contains(QStringLiteral("Id=1 ")));
    dialog.onlyKeyBox()->setChecked(true);
    QVERIFY(dialog.filterScopeText().contains(QStringLiteral("exactly this key")));
    dialog.setFolder(m_dir.filePath(QStringLiteral("one-key")));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowActive(&dialog));
    // Typed first: the folder, also with the key box enabled before it (Enter then exports).
    QVERIFY(dialog.folderEdit()->hasFocus());
    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    clickButton(dialog, QDialogButtonBox::Ok);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
    QCOMPARE(dialog.lastReport()->recordsWritten, std::int64_t(kRecords / 50));
    QVERIFY2(dialog.statusText().contains(QStringLiteral("Exported 40 records into 1 file in ")),
             qPrintable(dialog.statusText()));
}

QTEST_MAIN(TestExportDialog)
#include "tstw_exportdialog.moc"

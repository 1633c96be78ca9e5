// The audit panel for triage (FindingsPanel) on findings made here: one gap among 5,000 js-unsafe-number records
// is found in a few keystrokes (severity filter, or the search field, then F8), F8 / Shift+F8 walk the visible
// findings and wrap, Enter opens the finding's version, the details pane shows the whole message, the counts per
// kind follow the filters, grouped and flat modes switch, and the visible findings export as CSV and JSON.

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "app/viewmodels/findingsmodel.h"
#include "app/widgets/findingspanel.h"

namespace {

constexpr int kRecords = 5000;

FindingRow row(model::FindingKind kind, model::Severity severity, int key, const std::string& message)
{
    FindingRow r;
    r.kind = kind;
    r.severity = severity;
    r.table = key % 2 ? "Orders" : "Users";
    r.keyId = key + 1;
    r.keyText = "Id=" + std::to_string(key);
    r.recordId = 10 * (key + 1);
    r.sequenceNumber = std::to_string(1000 + key);
    r.message = message;
    return r;
}

} // namespace

class TestFindingsPanel : public QObject
{
    Q_OBJECT

    FindingsModel m_model;
    std::unique_ptr<FindingsPanel> m_panel;

private Q_SLOTS:
    void init()
    {
        std::vector<FindingRow> flat;
        for (int i = 0; i < kRecords; ++i)
            flat.push_back(row(model::FindingKind::JsUnsafeNumber, model::Severity::Warning, i,
                               "1 number a JavaScript handler cannot hold exactly: NewImage /p (rounds-silently)"));
        flat.push_back(row(model::FindingKind::Gap, model::Severity::Error, 4321,
                           "OldImage differs from the state MODIFY (sequence 5320) left: records are missing between "
                           "them (1 change unaccounted for: replace /p: 1 -> 2)"));
        std::vector<FindingRow> grouped;
        FindingRow js = flat.front();
        js.grouped = true;
        js.affectedRecords = kRecords;
        js.path = "/p";
        js.risk = "rounds-silently";
        grouped.push_back(js);
        grouped.push_back(flat.back());
        m_model.setMode(FindingsModel::Grouped);
        m_model.setFindings(grouped, flat, true);
        m_panel = std::make_unique<FindingsPanel>(&m_model);
        m_panel->resize(1000, 500);
        m_panel->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
        m_panel->activateWindow(); // F8 is a window shortcut
        QVERIFY(QTest::qWaitForWindowActive(m_panel.get()));
    }

    void cleanup() { m_panel.reset(); }

    void groupedModeShowsCountsPerKind()
    {
        QCOMPARE(m_panel->view()->model()->rowCount(), 2);
        const QString counts = m_panel->countsLabel()->text();
        QVERIFY2(counts.contains(QStringLiteral("gap 1")), qPrintable(counts));
        QVERIFY2(counts.contains(QStringLiteral("js-unsafe-number 1 (5000 records)")), qPrintable(counts));
        // Sorted by severity, worst first.
        QCOMPARE(m_panel->view()->model()->index(0, FindingsModel::KindColumn).data().toString(),
                 QStringLiteral("gap"));
        m_panel->modeBox()->setCurrentIndex(m_panel->modeBox()->findData(FindingsModel::Flat));
        QCOMPARE(m_panel->view()->model()->rowCount(), kRecords + 1);
        QVERIFY2(m_panel->countsLabel()->text().contains(QStringLiteral("js-unsafe-number 5000")),
                 qPrintable(m_panel->countsLabel()->text()));
        m_panel->modeBox()->setCurrentIndex(m_panel->modeBox()->findData(FindingsModel::Grouped));
        QCOMPARE(m_panel->view()->model()->rowCount(), 2);
    }

    // While the list is read, the counts kept in the store (StoreSession::keptFindingCounts) show after the status;
    // once the list is there, its own counts.
    void keptCountsShownWhileListing()
    {
        m_panel->setKeptCounts({{"gap", 1}, {"js-unsafe-number", 106855}});
        m_panel->setStatus(QStringLiteral("Listing the findings kept in the store…"));
        QString counts = m_panel->countsLabel()->text();
        QVERIFY2(counts.startsWith(QStringLiteral("Listing the findings kept in the store…")), qPrintable(counts));
        QVERIFY2(counts.contains(QStringLiteral("gap 1 · js-unsafe-number 106855")), qPrintable(counts));
        m_panel->setStatus(QString());
        counts = m_panel->countsLabel()->text();
        QVERIFY2(counts.contains(QStringLiteral("js-unsafe-number 1 (5000 records)")), qPrintable(counts));
        m_panel->setKeptCounts({});
        m_panel->setStatus(QStringLiteral("Auditing the store…"));
        QCOMPARE(m_panel->countsLabel()->text(), QStringLiteral("Auditing the store…"));
    }

    void gapFoundInAFewKeystrokes()
    {
        m_panel->modeBox()->setCurrentIndex(m_panel->modeBox()->findData(FindingsModel::Flat));
        // Type into the search field, then F8: the gap is selected and its details are shown.
        m_panel->searchField()->setFocus();
        QTest::keyClicks(m_panel->searchField(), QStringLiteral("missing"));
        QCOMPARE(m_panel->view()->model()->rowCount(), 1);
        QTest::keyClick(m_panel->searchField(), Qt::Key_F8);
        QCOMPARE(m_panel->view()->currentIndex().row(), 0);
        QVERIFY(m_panel->detailsPane()->toPlainText().contains(QStringLiteral("records are missing")));
        QVERIFY(m_panel->detailsPane()->toPlainText().contains(QStringLiteral("Sequence number: 5321")));
        // The keyboard follows the finding: Enter opens its version.
        QTRY_VERIFY(m_panel->view()->hasFocus());
        QSignalSpy opened(m_panel.get(), &FindingsPanel::findingActivated);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QCOMPARE(opened.size(), 1);
        QCOMPARE(opened.front().at(0).toLongLong(), qlonglong(4322));
        QCOMPARE(opened.front().at(1).toLongLong(), qlonglong(43220));
        // The severity filter alone finds it too.
        m_panel->searchField()->clear();
        QCOMPARE(m_panel->view()->model()->rowCount(), kRecords + 1);
        m_panel->severityBox()->setCurrentIndex(m_panel->severityBox()->findData(int(model::Severity::Error)));
        QCOMPARE(m_panel->view()->model()->rowCount(), 1);
        QVERIFY2(m_panel->countsLabel()->text() == QStringLiteral("gap 1"), qPrintable(m_panel->countsLabel()->text()));
    }

    void nextAndPreviousWrap()
    {
        m_panel->modeBox()->setCurrentIndex(m_panel->modeBox()->findData(FindingsModel::Flat));
        m_panel->tableBox()->setCurrentIndex(m_panel->tableBox()->findData(QStringLiteral("Orders")));
        const int rows = m_panel->view()->model()->rowCount();
        QCOMPARE(rows, kRecords / 2 + 1); // odd keys, 4321 among them
        m_panel->view()->setFocus();
        QTest::keyClick(m_panel->view(), Qt::Key_F8);
        QCOMPARE(m_panel->view()->currentIndex().row(), 0);
        QTest::keyClick(m_panel->view(), Qt::Key_F8);
        QCOMPARE(m_panel->view()->currentIndex().row(), 1);
        QTest::keyClick(m_panel->view(), Qt::Key_F8, Qt::ShiftModifier);
        QTest::keyClick(m_panel->view(), Qt::Key_F8, Qt::ShiftModifier);
        QCOMPARE(m_panel->view()->currentIndex().row(), rows - 1); // wrapped to the last
        // Kind and key filters.
        m_panel->kindBox()->setCurrentIndex(m_panel->kindBox()->findData(QStringLiteral("js-unsafe-number")));
        QCOMPARE(m_panel->view()->model()->rowCount(), kRecords / 2);
        QTest::keyClicks(m_panel->keyField(), QStringLiteral("Id=4999"));
        QCOMPARE(m_panel->view()->model()->rowCount(), 1);
    }

    void exportsVisibleFindings()
    {
        QTemporaryDir dir;
        m_panel->severityBox()->setCurrentIndex(m_panel->severityBox()->findData(int(model::Severity::Warning)));
        const QString csv = dir.filePath(QStringLiteral("v.csv"));
        QCOMPARE(m_panel->exportVisible(csv), QString());
        QFile c(csv);
        QVERIFY(c.open(QIODevice::ReadOnly));
        const auto lines = c.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 3); // header, gap, the js group
        QVERIFY(lines.at(1).startsWith("error,gap,Orders,Id=4321,1,5321"));
        QVERIFY(lines.at(2).startsWith("warning,js-unsafe-number,Users,Id=0,5000,1000"));
        const QString json = dir.filePath(QStringLiteral("v.json"));
        QCOMPARE(m_panel->exportVisible(json), QString());
        QFile j(json);
        QVERIFY(j.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(j.readAll()).array().size(), 2);
    }
};

QTEST_MAIN(TestFindingsPanel)
#include "tstw_findingspanel.moc"

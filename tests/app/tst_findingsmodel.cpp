// The audit panel's findings model: a store whose every record holds a number JavaScript rounds, plus one gap,
// audited by the streamed job (streamAuditFindings): grouped mode shows the gap and one js-unsafe-number row with
// the record count, flat mode one row per finding (and caps); the proxy filters by kind, severity, table, key and
// text, sorts by severity and record count, counts what is visible and exports it as CSV and JSON.

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "app/viewmodels/findingsmodel.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storeaudit.h"
#include "app/viewmodels/storesession.h"
#include "storage/exporttestsupport.h"
#include "storage/history/findingstore.h"

namespace {

constexpr int kKeys = 300;

/// kKeys keys, each INSERTed with a number JavaScript rounds at /p; the last key also gets a MODIFY whose OldImage
/// does not match (a gap).
QString writeStore(const QString& path)
{
    auto store = storage::Store::open(path.toStdString());
    if (!store)
        return QString::fromStdString(store.error().message);
    std::vector<exporttest::Rec> records;
    for (int i = 0; i < kKeys; ++i) {
        exporttest::Rec r;
        r.table = "Orders";
        r.arn = "arn:aws:dynamodb:eu-central-1:1:table/Orders/stream/x";
        r.keysJson = "{\"Id\":{\"N\":\"" + std::to_string(i) + "\"}}";
        r.seq = std::to_string(100 + i);
        r.newImage =
            "{\"Id\":{\"N\":\"" + std::to_string(i) + "\"},\"p\":{\"N\":\"0.1000000000000000055511151231257827\"}}";
        records.push_back(r);
    }
    exporttest::Rec gap = records.back();
    gap.event = "MODIFY";
    gap.seq = "1000";
    gap.oldImage = R"({"Id":{"N":"299"},"p":{"N":"5"}})";
    gap.newImage = R"({"Id":{"N":"299"},"p":{"N":"6"}})";
    records.push_back(gap);
    return QString::fromStdString(exporttest::load(*store, records, "fixture"));
}

} // namespace

class TestFindingsModel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    AuditFindings m_findings;

private Q_SLOTS:
    void initTestCase()
    {
        const QString path = m_dir.filePath(QStringLiteral("s.streamscope"));
        QCOMPARE(writeStore(path), QString());
        auto store = storage::Store::open(path.toStdString(), storage::Database::OpenMode::ReadOnly);
        QVERIFY(store);
        std::string error;
        m_findings = streamAuditFindings(*store, error);
        QCOMPARE(QString::fromStdString(error), QString());
        QCOMPARE(m_findings.records, std::int64_t(kKeys + 1));
        QCOMPARE(m_findings.keys, std::int64_t(kKeys));
    }

    void groupedAndFlat()
    {
        FindingsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setFindings(m_findings.grouped, m_findings.flat, m_findings.flatComplete);
        QCOMPARE(model.mode(), FindingsModel::Grouped);
        auto counts = model.countsByKind();
        QCOMPARE(counts.at("gap").first, std::int64_t(1));
        QCOMPARE(counts.at("js-unsafe-number").first, std::int64_t(1));      // one row for the cause
        QCOMPARE(counts.at("js-unsafe-number").second, std::int64_t(kKeys)); // the records it stands for
        QCOMPARE(model.rowCount(), 2);
        model.setMode(FindingsModel::Flat);
        QCOMPARE(model.rowCount(), kKeys + 1);
        QCOMPARE(model.countsByKind().at("js-unsafe-number").first, std::int64_t(kKeys));
        QVERIFY(model.flatComplete());

        // Capped flat list: the job keeps the first N and says so; the grouped list still counts every record.
        auto store = storage::Store::open(m_dir.filePath(QStringLiteral("s.streamscope")).toStdString(),
                                          storage::Database::OpenMode::ReadOnly);
        QVERIFY(store);
        std::string error;
        const auto capped = streamAuditFindings(*store, error, {}, 50);
        QCOMPARE(capped.flat.size(), std::size_t(50));
        QVERIFY(!capped.flatComplete);
        std::int64_t grouped = 0;
        for (const auto& r : capped.grouped)
            grouped += r.affectedRecords;
        QCOMPARE(grouped, std::int64_t(kKeys + 1));
    }

    // The panel's job reads the findings kept in the store when they are current (and says so), the same rows as
    // auditing now; when the store was imported into since, it audits now.
    void keptFindingsRead()
    {
        const QString path = m_dir.filePath(QStringLiteral("kept.streamscope"));
        QCOMPARE(writeStore(path), QString());
        {
            auto writable = storage::Store::open(path.toStdString());
            QVERIFY(writable);
            auto update = storage::updateStoredFindings(*writable);
            QVERIFY2(update && update->written, update ? "" : update.error().message.c_str());
        }
        auto store = storage::Store::open(path.toStdString(), storage::Database::OpenMode::ReadOnly);
        QVERIFY(store);
        std::string error;
        const auto kept = streamAuditFindings(*store, error);
        QCOMPARE(QString::fromStdString(error), QString());
        QVERIFY(kept.fromStore);
        const auto now = streamAuditFindings(*store, error, {}, 100000, true);
        QVERIFY(!now.fromStore);
        QCOMPARE(kept.records, now.records);
        QCOMPARE(kept.keys, now.keys);
        QCOMPARE(kept.grouped.size(), now.grouped.size());
        QCOMPARE(kept.flat.size(), now.flat.size());
        for (std::size_t i = 0; i < now.flat.size(); ++i) {
            QCOMPARE(kept.flat[i].message, now.flat[i].message);
            QCOMPARE(kept.flat[i].recordId, now.flat[i].recordId);
        }
        for (std::size_t i = 0; i < now.grouped.size(); ++i)
            QCOMPARE(kept.grouped[i].affectedRecords, now.grouped[i].affectedRecords);
        FindingsModel model;
        model.setFindings(kept.grouped, kept.flat, kept.flatComplete, kept.fromStore);
        QVERIFY(model.fromStore());
        // The counts per kind come with the overview (the kind index, nothing decoded): the same numbers as the
        // flat list's, before the list is read.
        std::map<std::string, std::int64_t> flatCounts;
        for (const auto& row : now.flat)
            ++flatCounts[std::string(model::findingKindText(row.kind))];
        const auto overview = readOverview(*store);
        QCOMPARE(overview.error, std::string());
        QCOMPARE(overview.keptFindingCounts.size(), flatCounts.size());
        for (const auto& [kind, count] : overview.keptFindingCounts)
            QCOMPARE(count, flatCounts[kind]);
        QCOMPARE(flatCounts["gap"], std::int64_t(1));
        // A store imported into since the findings were kept: audited now.
        QVERIFY(!storage::Database::open(path.toStdString(), storage::Database::OpenMode::ReadWriteExisting)
                     .value()
                     .exec("UPDATE audit_coverage SET records_through = records_through - 1"));
        const auto stale = streamAuditFindings(*store, error);
        QVERIFY(!stale.fromStore);
        QVERIFY(readOverview(*store).keptFindingCounts.empty()); // not current: no counts ahead of the audit
        QCOMPARE(stale.flat.size(), now.flat.size());
    }

    void cellsAndDetails()
    {
        FindingsModel model;
        model.setFindings(m_findings.grouped, m_findings.flat, true);
        int js = -1;
        for (int r = 0; r < model.rowCount(); ++r)
            if (model.rowAt(r)->kind == model::FindingKind::JsUnsafeNumber)
                js = r;
        QVERIFY(js >= 0);
        QCOMPARE(model.index(js, FindingsModel::KindColumn).data().toString(),
                 QStringLiteral("js-unsafe-number (rounds-silently)"));
        QCOMPARE(model.index(js, FindingsModel::RecordsColumn).data().toLongLong(), qlonglong(kKeys));
        QCOMPARE(model.index(js, FindingsModel::SeverityColumn).data().toString(), QStringLiteral("warning"));
        QVERIFY(model.index(js, 0).data(ModelRoles::KeyIdRole).toLongLong() > 0);
        QVERIFY(model.index(js, 0).data(ModelRoles::RecordIdRole).toLongLong() > 0);
        const QString details = model.index(js, 0).data(FindingsModel::DetailsRole).toString();
        QVERIFY2(details.contains(QStringLiteral("Records: %1").arg(kKeys)), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("Path: /p")), qPrintable(details));
    }

    void filterSortCountExport()
    {
        FindingsModel model;
        model.setFindings(m_findings.grouped, m_findings.flat, true);
        model.setMode(FindingsModel::Flat);
        FindingsFilterModel proxy;
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&model);
        proxy.sort(FindingsModel::SeverityColumn, Qt::DescendingOrder);
        QCOMPARE(proxy.rowAt(0)->kind, model::FindingKind::Gap); // the error first
        proxy.setMinimumSeverity(model::Severity::Error);
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setMinimumSeverity(model::Severity::Info);
        proxy.setKind(QStringLiteral("js-unsafe-number"));
        QCOMPARE(proxy.rowCount(), kKeys);
        proxy.setKeyFilter(QStringLiteral("Id=299"));
        QCOMPARE(proxy.rowCount(), 1); // the INSERT of key 299
        proxy.setKind({});
        QCOMPARE(proxy.rowCount(), 2); // and its gap
        proxy.setKeyFilter({});
        proxy.setSearch(QStringLiteral("records are missing"));
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.visibleCountsByKind().at("gap").first, std::int64_t(1));
        proxy.setSearch({});
        proxy.setTable(QStringLiteral("NoSuchTable"));
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setTable(QStringLiteral("Orders"));
        QCOMPARE(proxy.rowCount(), kKeys + 1);

        // Export what is visible: key 299's gap and js finding.
        proxy.setKeyFilter(QStringLiteral("Id=299"));
        const QString csv = m_dir.filePath(QStringLiteral("f.csv"));
        QCOMPARE(proxy.exportCsv(csv), QString());
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 1 + 2);
        QVERIFY(lines.first().startsWith("severity,kind,table,key,records"));
        const QString json = m_dir.filePath(QStringLiteral("f.json"));
        QCOMPARE(proxy.exportJson(json), QString());
        QFile jf(json);
        QVERIFY(jf.open(QIODevice::ReadOnly));
        const QJsonArray array = QJsonDocument::fromJson(jf.readAll()).array();
        QCOMPARE(array.size(), 2);
        for (const auto& v : array)
            QCOMPARE(v.toObject().value(QStringLiteral("key")).toString(), QStringLiteral("Id=299"));
        // A folder that does not exist: the reason, nothing reported as written.
        QVERIFY(!proxy.exportCsv(m_dir.filePath(QStringLiteral("missing/f.csv"))).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestFindingsModel)
#include "tst_findingsmodel.moc"

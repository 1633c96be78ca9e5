// A store file that changes under a reader (a backup copied over it, a truncate) must not kill the process: the
// audit, a key's history and the state at a time end with "the store … changed while it was read", never SIGBUS.
// (With memory-mapped reads the truncated audit below dies with a bus error: this test then crashes.)

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <limits>

#include <unistd.h>

#include "storage/genimport.h"
#include "storage/history/auditscan.h"
#include "storage/history/keyhistory.h"
#include "storage/history/tablestate.h"
#include "testsupport.h"

using namespace storage;

class TestStoreChanged : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_pristine; ///< a store filled once; each test works on a copy

    /// A fresh copy of the pristine store, opened read-only.
    std::optional<Store> openCopy(const QString& name)
    {
        const QString path = m_dir.filePath(name);
        QFile::remove(path);
        if (!QFile::copy(m_pristine, path))
            return std::nullopt;
        auto store = Store::open(path.toStdString(), Database::OpenMode::ReadOnly);
        if (!store)
            return std::nullopt;
        return std::move(*store);
    }

    static bool truncateTo(const std::string& path, double fraction)
    {
        const auto size = QFileInfo(QString::fromStdString(path)).size();
        return ::truncate(path.c_str(), static_cast<off_t>(static_cast<double>(size) * fraction)) == 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_SHARED_DIR();
        const QString capture = m_dir.filePath(QStringLiteral("cap.jsonl"));
        QCOMPARE(testsupport::runGenerator({QStringLiteral("--seed"), QStringLiteral("4"), QStringLiteral("--records"),
                                            QStringLiteral("20000"), QStringLiteral("--keys"), QStringLiteral("2000"),
                                            QStringLiteral("--layout"), QStringLiteral("jsonl"),
                                            QStringLiteral("--quiet"), QStringLiteral("--out"), capture}),
                 QString());
        m_pristine = m_dir.filePath(QStringLiteral("pristine.streamscope"));
        auto store = Store::open(m_pristine.toStdString());
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        QCOMPARE(QString::fromStdString(genimport::importFile(*store, capture.toStdString())), QString());
        auto totals = store->totals();
        QVERIFY(totals && totals->records == 20000);
    }

    void auditOfStoreTruncatedWhileRead()
    {
        auto store = openCopy(QStringLiteral("audit.streamscope"));
        QVERIFY(store);
        const std::string path = store->database().path();
        bool truncated = false;
        AuditRequest request;
        request.progress = [&](std::int64_t) {
            if (!truncated)
                truncated = truncateTo(path, 0.1);
            return true;
        };
        auto report = runAudit(*store, request);
        QVERIFY(truncated);
        QVERIFY2(!report, "the audit of a store cut to a tenth of its size reported success");
        QVERIFY2(report.error().message.find("changed while it was read") != std::string::npos,
                 report.error().message.c_str());
        QVERIFY2(report.error().message.find("shrank") != std::string::npos, report.error().message.c_str());
    }

    void stateOfTruncatedStore()
    {
        auto store = openCopy(QStringLiteral("state.streamscope"));
        QVERIFY(store);
        auto tables = store->tables();
        QVERIFY(tables && !tables->empty());
        QVERIFY(truncateTo(store->database().path(), 0.2));
        auto state = stateAt(*store, tables->front().id, std::numeric_limits<std::int64_t>::max());
        QVERIFY2(!state, "state at a time of a truncated store reported success");
        QVERIFY2(state.error().message.find("changed while it was read") != std::string::npos,
                 state.error().message.c_str());
    }

    void unchangedStoreErrorsAreNotBlamedOnAChange()
    {
        auto store = openCopy(QStringLiteral("same.streamscope"));
        QVERIFY(store);
        auto history = loadHistory(*store, 987654321);
        QVERIFY(!history);
        QVERIFY2(history.error().message.find("changed while it was read") == std::string::npos,
                 history.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestStoreChanged)
#include "tst_storechanged.moc"

// Counts that agree (issue 17 §5): a record kept aside as a conflict creates no key (keys never lists a key with 0
// records; the table's key count, the store totals, the key list and the audit agree), reused-event-id names the
// other record (table, file, record number, sequence number), and conflict messages show compact one-line JSON.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "storage/history/auditscan.h"
#include "storage/import/captureimporter.h"
#include "storage/store/store.h"

namespace {

const char* kArn = "arn:aws:dynamodb:us-east-1:123456789012:table/Counts/stream/2024-01-01T00:00:00.000";

// One Lambda record, pretty-printed over several lines as people save them.
QByteArray record(const char* eventId, const char* id, const char* sequence, const char* value)
{
    return QByteArray("    {\n      \"eventID\": \"") + eventId
        + "\",\n      \"eventName\": \"INSERT\",\n      \"eventSourceARN\": \"" + kArn
        + "\",\n      \"dynamodb\": {\n        \"Keys\": {\n          \"Id\": {\"S\": \"" + id
        + "\"}\n        },\n        \"SequenceNumber\": \"" + sequence
        + "\",\n        \"StreamViewType\": \"NEW_IMAGE\",\n        \"NewImage\": {\"Id\": {\"S\": \"" + id
        + "\"}, \"v\": {\"N\": \"" + value + "\"}}\n      }\n    }";
}

QString write(const QTemporaryDir& dir, const char* name, const QByteArray& records)
{
    const QString path = dir.filePath(QLatin1String(name));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write("{\n  \"Records\": [\n" + records + "\n  ]\n}\n");
    return path;
}

} // namespace

class TestKeyCounts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void conflictsCreateNoKeys()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // a.json: key A at sequence 100. b.json: key B at the same sequence (a conflict: kept aside), and key C
        // whose eventID e1 is a.json's.
        const QString a = write(dir, "a.json", record("e1", "A", "100", "1"));
        const QString b = write(dir, "b.json", record("e2", "B", "100", "2") + ",\n" + record("e1", "C", "300", "3"));
        auto store = storage::Store::open(dir.filePath(QStringLiteral("s.streamscope")).toStdString());
        QVERIFY(store);
        const auto summary = storage::importCaptures(store->database(), {a.toStdString(), b.toStdString()});
        QCOMPARE(summary.files.size(), std::size_t(2));
        QCOMPARE(summary.total(&storage::FileImportResult::inserted), std::int64_t(2));
        QCOMPARE(summary.total(&storage::FileImportResult::conflicts), std::int64_t(1));

        // keys: A and C, never B (its only record is a conflict).
        auto page = store->keys({});
        QVERIFY(page);
        QStringList listed;
        for (const auto& k : page->keys) {
            QVERIFY2(k.recordCount > 0, k.displayText.c_str());
            listed << QString::fromStdString(k.displayText);
        }
        QCOMPARE(listed.size(), 2);
        auto counted = store->countKeys({});
        QVERIFY(counted);
        QCOMPARE(*counted, std::int64_t(2));
        // The ids the GUI lists (keyIds: every order, the whole store, the table, a text filter) leave B out too.
        auto tableList = store->tables();
        QVERIFY(tableList && tableList->size() == 1);
        for (const auto sort : {storage::KeySort::KeyValue, storage::KeySort::KeyText, storage::KeySort::RecordCount,
                                storage::KeySort::LastChange}) {
            for (const bool byTable : {false, true}) {
                for (const char* filter : {"", "Id="}) {
                    storage::KeyQuery query;
                    query.sort = sort;
                    query.filter = filter;
                    if (byTable)
                        query.tableId = tableList->front().id;
                    auto ids = store->keyIds(query);
                    QVERIFY2(ids, ids ? "" : ids.error().message.c_str());
                    auto keys = store->keysByIds(*ids);
                    QVERIFY(keys);
                    QStringList texts;
                    for (const auto& k : *keys)
                        texts << QString::fromStdString(k.displayText);
                    QCOMPARE(texts, (QStringList{QStringLiteral("Id=A"), QStringLiteral("Id=C")}));
                }
            }
        }
        auto tables = store->tables();
        QVERIFY(tables);
        QCOMPARE(tables->size(), std::size_t(1));
        QCOMPARE(tables->front().keyCount, std::int64_t(2));
        auto totals = store->totals();
        QVERIFY(totals);
        QCOMPARE(totals->keys, std::int64_t(2));

        auto report = storage::runAudit(*store, {});
        QVERIFY(report);
        QCOMPARE(report->keys, std::int64_t(2));
        bool sawConflict = false, sawReused = false;
        for (const auto& f : report->findings) {
            const QString message = QString::fromStdString(f.message);
            if (f.kind == model::FindingKind::Conflict) {
                sawConflict = true;
                QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
                QVERIFY2(message.contains(QStringLiteral("Keys {\"Id\":{\"S\":\"A\"}} vs {\"Id\":{\"S\":\"B\"}}")),
                         qPrintable(message));
            }
            if (f.kind == model::FindingKind::ReusedEventId) {
                sawReused = true;
                // Reported on one of the two records; it names the other one.
                const bool onC = f.sequenceNumber == "300";
                const QString other = onC ? QStringLiteral("table Counts, a.json record 1, sequence 100")
                                          : QStringLiteral("table Counts, b.json record 2, sequence 300");
                QVERIFY2(message.contains(other), qPrintable(message));
            }
        }
        QVERIFY(sawConflict);
        QVERIFY(sawReused);
    }

    void laterRecordMakesTheKeyCount()
    {
        // A key first seen in a conflict counts from the moment a record is stored under it.
        QTemporaryDir dir;
        const QString a = write(dir, "a.json", record("e1", "A", "100", "1"));
        const QString b = write(dir, "b.json", record("e2", "B", "100", "2"));
        const QString c = write(dir, "c.json", record("e3", "B", "200", "3"));
        auto store = storage::Store::open(dir.filePath(QStringLiteral("s.streamscope")).toStdString());
        QVERIFY(store);
        storage::importCaptures(store->database(), {a.toStdString(), b.toStdString()});
        auto tables = store->tables();
        QVERIFY(tables);
        QCOMPARE(tables->front().keyCount, std::int64_t(1));
        storage::importCaptures(store->database(), {c.toStdString()});
        tables = store->tables();
        QVERIFY(tables);
        QCOMPARE(tables->front().keyCount, std::int64_t(2));
        auto counted = store->countKeys({});
        QVERIFY(counted);
        QCOMPARE(*counted, std::int64_t(2));
        auto report = storage::runAudit(*store, {});
        QVERIFY(report);
        QCOMPARE(report->keys, std::int64_t(2));
    }
};

QTEST_GUILESS_MAIN(TestKeyCounts)
#include "tst_keycounts.moc"

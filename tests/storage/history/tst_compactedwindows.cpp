// Compacted S3 incremental export windows (issue 17 §1): an incremental export line's OldImage is the item at its
// window's start, not just before the line. A full export whose exportTime lies inside the window (the documented
// chain allows the overlap) shows a state the line's OldImage does not: the audit must not call that a gap, nor a
// REMOVE inside the window followed by the line a modify-after-remove. A real gap — a compacted line whose window
// starts after the previous record, a record that is no compacted line, two lines of the same window — is still
// reported. The window start is
// kept with the data file's source and read back with the history rows.
// Fixture: tests/data/exports/overlap (make_fixtures.py).

#include <QTemporaryDir>
#include <QTest>

#include "model/audit.h"
#include "model/dynamodbjson.h"
#include "storage/history/auditscan.h"
#include "storage/history/keyhistory.h"
#include "storage/import/captureimporter.h"
#include "storage/store/store.h"
#include "testsupport.h"

namespace {

const std::string kOverlap = STREAMSCOPE_TEST_DATA_DIR "/exports/overlap";
constexpr std::int64_t kSecond = 1000000;
constexpr std::int64_t k2200 = std::int64_t{1699999200} * kSecond; // 2023-11-14T22:00:00Z
constexpr std::int64_t kMinute = 60 * kSecond;

storage::Store openStore(const QString& path)
{
    auto store = storage::Store::open(path.toStdString());
    if (!store)
        qFatal("cannot open store: %s", store.error().message.c_str());
    return std::move(*store);
}

std::string findingsText(const std::vector<model::Finding>& findings)
{
    std::string text;
    for (const auto& f : findings)
        text += std::string(model::findingKindText(f.kind)) + " " + f.keyJson + ": " + f.message + "\n";
    return text;
}

model::Image image(const char* json)
{
    return model::Image::fromJson(json);
}

/// One record of key k-1 for the model-level cases.
model::HistoryRecord rec(std::int64_t id, model::EventName name, std::int64_t time, const char* oldImage,
                         const char* newImage)
{
    model::HistoryRecord r;
    r.id = id;
    r.table = "T";
    r.keysJson = R"({"k":{"S":"k-1"}})";
    r.keys = std::move(*model::parseItem(r.keysJson).value);
    r.eventName = name;
    r.creationTimeMicros = time;
    r.arrival = id;
    if (oldImage)
        r.oldImage = image(oldImage);
    if (newImage)
        r.newImage = image(newImage);
    return r;
}

model::HistoryRecord compacted(model::HistoryRecord r, std::optional<std::int64_t> windowFrom)
{
    r.compacted = true;
    r.windowFromMicros = windowFrom;
    return r;
}

std::vector<model::FindingKind> continuityKinds(std::vector<model::HistoryRecord> records)
{
    std::vector<model::FindingKind> kinds;
    for (const auto& f : model::auditRecords(std::move(records)))
        if (f.kind != model::FindingKind::OutOfOrderArrival)
            kinds.push_back(f.kind);
    return kinds;
}

const char* const kV1 = R"({"k":{"S":"k-1"},"v":{"N":"1"}})";
const char* const kV2 = R"({"k":{"S":"k-1"},"v":{"N":"2"}})";
const char* const kV3 = R"({"k":{"S":"k-1"},"v":{"N":"3"}})";

} // namespace

Q_DECLARE_METATYPE(std::vector<model::HistoryRecord>)
Q_DECLARE_METATYPE(std::vector<model::FindingKind>)

class TestCompactedWindows : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void overlappingFullExportIsNoGap();
    void windowStartIsRead();
    void gapKinds_data();
    void gapKinds();
};

// The fixture: full export at 22:30 inside the first window (22:00 .. 23:00), a second window 23:00 .. 00:00. b-1 was
// changed at 22:10 (10 -> 12), so the first window's line has OldImage 10 where the full export shows 12: no finding.
// The second window's b-1 OldImage (99) differs from the first window's NewImage (15): a real gap, still found.
void TestCompactedWindows::overlappingFullExportIsNoGap()
{
    QTemporaryDir dir;
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    const auto summary = storage::importCaptures(store.database(), {kOverlap});
    QCOMPARE(summary.exitCode(), 0);
    QCOMPARE(summary.exports.size(), std::size_t{3});
    auto report = storage::runAudit(store);
    QVERIFY2(report, report ? "" : report.error().message.c_str());
    const std::string text = findingsText(report->findings);
    QVERIFY2(report->findings.size() == 1, text.c_str());
    const model::Finding& gap = report->findings.front();
    QCOMPARE(gap.kind, model::FindingKind::Gap);
    QCOMPARE(gap.keyJson, std::string(R"({"basketId":{"S":"b-1"}})"));
    QCOMPARE(gap.diff.size(), std::size_t{1}); // total: 15 (the first window's NewImage) vs 99
}

// Each incremental line's window start comes back with the history rows (and Store::record); the full export's
// snapshot has none.
void TestCompactedWindows::windowStartIsRead()
{
    QTemporaryDir dir;
    auto store = openStore(dir.filePath(QStringLiteral("s.streamscope")));
    QCOMPARE(storage::importCaptures(store.database(), {kOverlap}).exitCode(), 0);
    auto table = store.findTable("Baskets");
    QVERIFY(table && *table);
    auto key = store.findKey((*table)->id, R"({"basketId":{"S":"b-1"}})");
    QVERIFY2(key && *key, "key b-1 not found");
    auto loaded = storage::loadHistory(store, (*key)->id);
    QVERIFY2(loaded, loaded ? "" : loaded.error().message.c_str());
    const auto& h = loaded->history;
    QCOMPARE(h.size(), std::size_t{3});
    QCOMPARE(h.version(0).record.eventName, model::EventName::Snapshot);
    QVERIFY(!h.version(0).record.compacted);
    QVERIFY(!h.version(0).record.windowFromMicros);
    QVERIFY(h.version(1).record.compacted);
    QCOMPARE(h.version(1).record.windowFromMicros, std::optional<std::int64_t>(k2200));
    QCOMPARE(h.version(2).record.windowFromMicros, std::optional<std::int64_t>(k2200 + 60 * kMinute));
    auto row = store.record(h.version(1).record.id, false);
    QVERIFY(row && *row);
    QCOMPARE((*row)->windowFromMicros, std::optional<std::int64_t>(k2200));
}

// Model level, kind by kind: what a window that began before the previous record explains, and what stays a finding.
void TestCompactedWindows::gapKinds_data()
{
    using model::EventName;
    using Kinds = std::vector<model::FindingKind>;
    QTest::addColumn<std::vector<model::HistoryRecord>>("records");
    QTest::addColumn<Kinds>("expected");
    const std::int64_t t = k2200;
    const auto snapshotAt = [](std::int64_t time, const char* item) {
        return rec(1, EventName::Snapshot, time, nullptr, item);
    };
    // gap: a snapshot inside the window shows v2, the line's OldImage is v1 (the window start).
    QTest::newRow("gap explained: snapshot inside the window")
        << std::vector{snapshotAt(t + 30 * kMinute, kV2),
                       compacted(rec(2, EventName::Modify, t + 40 * kMinute, kV1, kV3), t)}
        << Kinds{};
    QTest::newRow("gap: window starts after the previous record")
        << std::vector{snapshotAt(t + 30 * kMinute, kV2),
                       compacted(rec(2, EventName::Modify, t + 40 * kMinute, kV1, kV3), t + 35 * kMinute)}
        << Kinds{model::FindingKind::Gap};
    QTest::newRow("gap: window starts at the previous record (the hand-over instant)")
        << std::vector{snapshotAt(t, kV2), compacted(rec(2, EventName::Modify, t + 40 * kMinute, kV1, kV3), t)}
        << Kinds{model::FindingKind::Gap};
    QTest::newRow("gap: compacted, window unknown (imported before windows were kept)")
        << std::vector{snapshotAt(t + 30 * kMinute, kV2),
                       compacted(rec(2, EventName::Modify, t + 40 * kMinute, kV1, kV3), std::nullopt)}
        << Kinds{model::FindingKind::Gap};
    QTest::newRow("gap: not a compacted line")
        << std::vector{snapshotAt(t + 30 * kMinute, kV2), rec(2, EventName::Modify, t + 40 * kMinute, kV1, kV3)}
        << Kinds{model::FindingKind::Gap};
    // An export written with one line per change (tests/sql/layouts.py): two lines of the same window are compared.
    QTest::newRow("gap: two lines of the same window")
        << std::vector{compacted(rec(1, EventName::Modify, t + 10 * kMinute, kV1, kV2), t),
                       compacted(rec(2, EventName::Modify, t + 40 * kMinute, kV1, kV3), t)}
        << Kinds{model::FindingKind::OrphanStart, model::FindingKind::Gap};
    QTest::newRow("no gap: two consistent lines of the same window")
        << std::vector{compacted(rec(1, EventName::Modify, t + 10 * kMinute, kV1, kV2), t),
                       compacted(rec(2, EventName::Modify, t + 40 * kMinute, kV2, kV3), t)}
        << Kinds{model::FindingKind::OrphanStart};
    QTest::newRow("gap explained: the previous line is of an earlier window")
        << std::vector{compacted(rec(1, EventName::Modify, t - 10 * kMinute, kV1, kV2), t - 60 * kMinute),
                       compacted(rec(2, EventName::Modify, t + 40 * kMinute, kV1, kV3), t - 30 * kMinute)}
        << Kinds{model::FindingKind::OrphanStart};
    // modify-after-remove: removed inside the window (a stream capture), re-inserted: the line is a MODIFY.
    QTest::newRow("modify-after-remove explained: REMOVE inside the window")
        << std::vector{rec(1, EventName::Insert, t - 10 * kMinute, nullptr, kV1),
                       rec(2, EventName::Remove, t + 10 * kMinute, kV1, nullptr),
                       compacted(rec(3, EventName::Modify, t + 40 * kMinute, kV1, kV3), t)}
        << Kinds{};
    QTest::newRow("modify-after-remove: REMOVE before the window")
        << std::vector{rec(1, EventName::Insert, t - 20 * kMinute, nullptr, kV1),
                       rec(2, EventName::Remove, t - 10 * kMinute, kV1, nullptr),
                       compacted(rec(3, EventName::Modify, t + 40 * kMinute, kV1, kV3), t)}
        << Kinds{model::FindingKind::ModifyAfterRemove};
    QTest::newRow("remove-of-absent explained: REMOVE inside the window")
        << std::vector{rec(1, EventName::Insert, t - 10 * kMinute, nullptr, kV1),
                       rec(2, EventName::Remove, t + 10 * kMinute, kV1, nullptr),
                       compacted(rec(3, EventName::Remove, t + 40 * kMinute, kV1, nullptr), t)}
        << Kinds{};
    QTest::newRow("remove-of-absent: REMOVE before the window")
        << std::vector{rec(1, EventName::Insert, t - 20 * kMinute, nullptr, kV1),
                       rec(2, EventName::Remove, t - 10 * kMinute, kV1, nullptr),
                       compacted(rec(3, EventName::Remove, t + 40 * kMinute, kV1, nullptr), t)}
        << Kinds{model::FindingKind::RemoveOfAbsent};
    // insert-over-existing: a snapshot inside the window shows the item that was inserted inside the window.
    QTest::newRow("insert-over-existing explained: snapshot inside the window")
        << std::vector{snapshotAt(t + 30 * kMinute, kV2),
                       compacted(rec(2, EventName::Insert, t + 40 * kMinute, nullptr, kV3), t)}
        << Kinds{};
    QTest::newRow("insert-over-existing: not a compacted line")
        << std::vector{snapshotAt(t + 30 * kMinute, kV2), rec(2, EventName::Insert, t + 40 * kMinute, nullptr, kV3)}
        << Kinds{model::FindingKind::InsertOverExisting};
}

void TestCompactedWindows::gapKinds()
{
    QFETCH(std::vector<model::HistoryRecord>, records);
    QFETCH(std::vector<model::FindingKind>, expected);
    QCOMPARE(continuityKinds(std::move(records)), expected);
}

QTEST_GUILESS_MAIN(TestCompactedWindows)
#include "tst_compactedwindows.moc"

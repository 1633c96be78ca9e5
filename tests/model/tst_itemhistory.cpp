// Item history rebuild: per view type (inline records and generated captures checked against the generator's
// full images), ordering, changes against the previous known state, diffs between versions, state at a time.

#include <QTemporaryDir>
#include <QTest>
#include <map>

#include "genreader.h"
#include "model/dynamodbjson.h"
#include "model/itemhistory.h"
#include "testsupport.h"

using namespace model;

namespace {

HistoryRecord rec(EventName event, std::string seq, const char* newImage, const char* oldImage,
                  ViewType view = ViewType::NewAndOldImages, std::optional<std::int64_t> time = std::nullopt,
                  std::int64_t arrival = 0)
{
    HistoryRecord r;
    r.table = "T";
    r.streamArn = "arn:aws:dynamodb:eu-central-1:1:table/T/stream/1";
    r.keysJson = R"({"Id":{"N":"1"}})";
    r.keys = *parseItem(r.keysJson).value;
    r.eventName = event;
    r.sequenceNumber = std::move(seq);
    r.viewType = view;
    r.creationTimeMicros = time;
    r.arrival = arrival;
    r.id = arrival;
    if (newImage)
        r.newImage = Image::fromJson(newImage);
    if (oldImage)
        r.oldImage = Image::fromJson(oldImage);
    return r;
}

QString changesJson(const std::optional<VersionChanges>& c)
{
    return c ? QString::fromStdString(changesToJson(c->changes)) : QStringLiteral("unknown");
}

const char* A = R"({"Id":{"N":"1"},"v":{"N":"1"}})";
const char* B = R"({"Id":{"N":"1"},"v":{"N":"2"}})";
const char* C = R"({"Id":{"N":"1"},"v":{"N":"3"},"x":{"S":"y"}})";

} // namespace

class TestItemHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newAndOldImages()
    {
        std::vector<HistoryRecord> rs{rec(EventName::Insert, "100", A, nullptr, ViewType::NewAndOldImages, {}, 1),
                                      rec(EventName::Modify, "200", B, A, ViewType::NewAndOldImages, {}, 2),
                                      rec(EventName::Remove, "300", nullptr, B, ViewType::NewAndOldImages, {}, 3),
                                      rec(EventName::Insert, "400", C, nullptr, ViewType::NewAndOldImages, {}, 4)};
        const auto h = ItemHistory::build(rs);
        QCOMPARE(h.ordering(), Ordering::Sequence);
        QCOMPARE(h.size(), std::size_t(4));
        QCOMPARE(h.version(0).state, StateKind::Present);
        QCOMPARE(h.version(2).state, StateKind::Absent);
        QCOMPARE(h.version(3).state, StateKind::Present);
        QCOMPARE(
            changesJson(h.changes(0)),
            QStringLiteral(R"([{"op":"add","path":"/Id","new":{"N":"1"}},{"op":"add","path":"/v","new":{"N":"1"}}])"));
        QCOMPARE(h.changes(0)->base, VersionChanges::Base::Absent);
        QCOMPARE(changesJson(h.changes(1)),
                 QStringLiteral(R"([{"op":"replace","path":"/v","old":{"N":"1"},"new":{"N":"2"}}])"));
        QCOMPARE(changesJson(h.changes(2)),
                 QStringLiteral(
                     R"([{"op":"remove","path":"/Id","old":{"N":"1"}},{"op":"remove","path":"/v","old":{"N":"2"}}])"));
        QCOMPARE(h.changes(3)->changes.size(), std::size_t(3)); // absent -> C: three adds
        // any two versions
        QCOMPARE(
            QString::fromStdString(changesToJson(*diffVersions(h.version(0), h.version(3)))),
            QStringLiteral(
                R"([{"op":"replace","path":"/v","old":{"N":"1"},"new":{"N":"3"}},{"op":"add","path":"/x","new":{"S":"y"}}])"));
    }

    void newImageOnly()
    {
        std::vector<HistoryRecord> rs{rec(EventName::Insert, "1", A, nullptr, ViewType::NewImage),
                                      rec(EventName::Modify, "2", B, nullptr, ViewType::NewImage),
                                      rec(EventName::Remove, "3", nullptr, nullptr, ViewType::NewImage)};
        const auto h = ItemHistory::build(rs);
        QCOMPARE(h.version(1).state, StateKind::Present);
        QVERIFY(h.version(1).image.sameAs(Image::fromJson(B)));
        QCOMPARE(h.version(2).state, StateKind::Absent);
        QCOMPARE(changesJson(h.changes(1)),
                 QStringLiteral(R"([{"op":"replace","path":"/v","old":{"N":"1"},"new":{"N":"2"}}])"));
    }

    void oldImageStateIsNextOldImage()
    {
        // OLD_IMAGE: INSERT carries nothing, MODIFY/REMOVE carry the state before them.
        std::vector<HistoryRecord> rs{rec(EventName::Insert, "1", nullptr, nullptr, ViewType::OldImage),
                                      rec(EventName::Modify, "2", nullptr, A, ViewType::OldImage),
                                      rec(EventName::Modify, "3", nullptr, B, ViewType::OldImage),
                                      rec(EventName::Remove, "4", nullptr, C, ViewType::OldImage),
                                      rec(EventName::Insert, "5", nullptr, nullptr, ViewType::OldImage),
                                      rec(EventName::Modify, "6", nullptr, A, ViewType::OldImage)};
        const auto h = ItemHistory::build(rs);
        QCOMPARE(h.version(0).state, StateKind::Present);
        QVERIFY(h.version(0).image.sameAs(Image::fromJson(A)));
        QVERIFY(h.version(1).image.sameAs(Image::fromJson(B)));
        QVERIFY(h.version(2).image.sameAs(Image::fromJson(C)));
        QCOMPARE(h.version(3).state, StateKind::Absent);
        QVERIFY(h.version(4).image.sameAs(Image::fromJson(A)));
        QCOMPARE(h.version(5).state, StateKind::Unknown); // the last one: unknown
        QVERIFY(!h.changes(5));
        QCOMPARE(changesJson(h.changes(1)),
                 QStringLiteral(R"([{"op":"replace","path":"/v","old":{"N":"1"},"new":{"N":"2"}}])"));
    }

    void keysOnlyStatesUnknown()
    {
        std::vector<HistoryRecord> rs{rec(EventName::Insert, "1", nullptr, nullptr, ViewType::KeysOnly),
                                      rec(EventName::Modify, "2", nullptr, nullptr, ViewType::KeysOnly),
                                      rec(EventName::Remove, "3", nullptr, nullptr, ViewType::KeysOnly)};
        const auto h = ItemHistory::build(rs);
        QCOMPARE(h.version(0).state, StateKind::Unknown);
        QCOMPARE(h.version(1).state, StateKind::Unknown);
        QCOMPARE(h.version(2).state, StateKind::Absent); // a REMOVE is known to leave nothing
        QVERIFY(!h.changes(0));
        QVERIFY(!diffVersions(h.version(0), h.version(2)));
    }

    void snapshotBaseline()
    {
        HistoryRecord snap = rec(EventName::Snapshot, "", A, nullptr, ViewType::Unknown, 1'000'000, 1);
        HistoryRecord mod = rec(EventName::Modify, "", B, A, ViewType::Unknown, 2'000'000, 2);
        const auto h = ItemHistory::build({mod, snap});
        QCOMPARE(h.ordering(), Ordering::Time);
        QCOMPARE(h.version(0).record.eventName, EventName::Snapshot);
        QCOMPARE(h.version(0).state, StateKind::Present);
        QCOMPARE(h.changes(1)->baseVersion, std::optional<std::size_t>(0));
        QCOMPARE(h.lastAtOrBefore(1'500'000), std::optional<std::size_t>(0));
        QCOMPARE(h.lastAtOrBefore(2'000'000), std::optional<std::size_t>(1));
        QVERIFY(!h.lastAtOrBefore(999'999));
    }

    void numericSequenceOrder()
    {
        // Lengths differ (FORMATS.md §8): never compare as strings.
        std::vector<HistoryRecord> rs{
            rec(EventName::Modify, "1683700000000000001135967", C, B, ViewType::NewAndOldImages, {}, 1),
            rec(EventName::Insert, "20500000000000000910398", A, nullptr, ViewType::NewAndOldImages, {}, 2),
            rec(EventName::Modify, "820400000000000001192334", B, A, ViewType::NewAndOldImages, {}, 3)};
        const auto h = ItemHistory::build(rs);
        QCOMPARE(h.version(0).record.sequenceNumber, std::string("20500000000000000910398"));
        QCOMPARE(h.version(1).record.sequenceNumber, std::string("820400000000000001192334"));
        QCOMPARE(h.version(2).record.sequenceNumber, std::string("1683700000000000001135967"));
        QCOMPARE(h.find("0820400000000000001192334"), std::optional<std::size_t>(1));
    }

    void timeOrderingWithoutSequence()
    {
        std::vector<HistoryRecord> rs{rec(EventName::Modify, "", B, A, ViewType::Unknown, 3000, 1),
                                      rec(EventName::Insert, "", A, nullptr, ViewType::Unknown, 1000, 2),
                                      rec(EventName::Modify, "", C, B, ViewType::Unknown, 3000, 3)};
        const auto h = ItemHistory::build(rs);
        QCOMPARE(h.ordering(), Ordering::Time);
        QCOMPARE(h.version(0).record.arrival, std::int64_t(2));
        QCOMPARE(h.version(1).record.arrival, std::int64_t(1)); // same time: arrival decides
        QCOMPARE(h.version(2).record.arrival, std::int64_t(3));
    }

    void generatedCaptures_data()
    {
        QTest::addColumn<QString>("viewType");
        QTest::addColumn<bool>("composite");
        QTest::addRow("NEW_AND_OLD_IMAGES") << "NEW_AND_OLD_IMAGES" << false;
        QTest::addRow("NEW_IMAGE") << "NEW_IMAGE" << true;
        QTest::addRow("OLD_IMAGE") << "OLD_IMAGE" << false;
        QTest::addRow("KEYS_ONLY") << "KEYS_ONLY" << true;
    }

    // Every version's image equals what the generator wrote: the same seed with NEW_AND_OLD_IMAGES gives the full
    // truth (the view type does not change the random stream), and unknown states are exactly where the view type
    // carries no image.
    void generatedCaptures()
    {
        REQUIRE_SHARED_DIR();
        QFETCH(QString, viewType);
        QFETCH(bool, composite);
        QTemporaryDir dir;
        const QString truthPath = dir.filePath(QStringLiteral("truth.jsonl"));
        const QString path = dir.filePath(QStringLiteral("cap.jsonl"));
        QStringList common{QStringLiteral("--seed"),   QStringLiteral("11"),       QStringLiteral("--records"),
                           QStringLiteral("3000"),     QStringLiteral("--keys"),   QStringLiteral("150"),
                           QStringLiteral("--tables"), QStringLiteral("2"),        QStringLiteral("--remove-rate"),
                           QStringLiteral("0.1"),      QStringLiteral("--layout"), QStringLiteral("jsonl"),
                           QStringLiteral("--quiet")};
        if (composite)
            common << QStringLiteral("--composite-keys");
        QCOMPARE(testsupport::runGenerator(common + QStringList{QStringLiteral("--out"), truthPath}), QString());
        QCOMPARE(testsupport::runGenerator(
                     common + QStringList{QStringLiteral("--view-type"), viewType, QStringLiteral("--out"), path}),
                 QString());
        std::vector<HistoryRecord> truth;
        std::vector<HistoryRecord> records;
        genreader::readFile(truthPath.toStdString(), truth);
        genreader::readFile(path.toStdString(), records);
        QCOMPARE(records.size(), truth.size());
        std::map<std::string, const HistoryRecord*> truthById;
        for (const auto& t : truth)
            truthById[t.eventId] = &t;

        std::map<std::pair<std::string, std::string>, std::vector<HistoryRecord>> byKey;
        for (const auto& r : records)
            byKey[{r.table, canonicalJson(r.keys)}].push_back(r);
        const std::string vt = viewType.toStdString();
        std::size_t known = 0;
        std::size_t unknown = 0;
        for (auto& [key, list] : byKey) {
            const auto h = ItemHistory::build(list);
            QCOMPARE(h.ordering(), Ordering::Sequence);
            for (std::size_t i = 0; i < h.size(); ++i) {
                const Version& v = h.version(i);
                const HistoryRecord* t = truthById.at(v.record.eventId);
                const bool isRemove = v.record.eventName == EventName::Remove;
                bool expectKnown = true;
                if (vt == "KEYS_ONLY")
                    expectKnown = isRemove;
                else if (vt == "OLD_IMAGE")
                    expectKnown = isRemove || i + 1 < h.size();
                QCOMPARE(v.stateKnown(), expectKnown);
                if (!v.stateKnown()) {
                    ++unknown;
                    continue;
                }
                ++known;
                if (isRemove) {
                    QCOMPARE(v.state, StateKind::Absent);
                } else {
                    QCOMPARE(v.state, StateKind::Present);
                    QVERIFY2(
                        itemsEqual(v.image.item(), t->newImage.item()),
                        qPrintable(QStringLiteral("version %1 of %2").arg(i).arg(QString::fromStdString(key.second))));
                }
                if (i > 0 && h.version(i - 1).stateKnown()) {
                    // changes are exactly the generator's OldImage -> NewImage step
                    const auto c = h.changes(i);
                    QVERIFY(c.has_value());
                    const auto expected = diffStates(StateKind::Present, t->oldImage.isNull() ? Image() : t->oldImage,
                                                     isRemove ? StateKind::Absent : StateKind::Present, t->newImage);
                    if (!t->oldImage.isNull())
                        QCOMPARE(changesToJson(c->changes), changesToJson(*expected));
                }
            }
        }
        QVERIFY(known > 0);
        if (vt == "KEYS_ONLY" || vt == "OLD_IMAGE")
            QVERIFY(unknown > 0);
        else
            QCOMPARE(unknown, std::size_t(0));
    }
};

QTEST_APPLESS_MAIN(TestItemHistory)
#include "tst_itemhistory.moc"

// With Lambda filter criteria and no display filter the delivery reader decides before decoding a record (its Lambda
// JSON written from the raw text, js-unsafe numbers read from the stored text). On every public sample (one store
// each, every shape: Lambda, GetRecords, Kinesis, Pipes, exports) that path must hand out exactly what the decoding
// path does: with criteria every record passes, the same records in the same order, the same Lambda JSON as
// lambdaForm of the decoded record, the same js-unsafe verdicts and counters; with criteria that pass some, the
// delivered ones are those the matcher passes on that JSON, and the dropped ones are counted. The same holds for a
// reader told to leave the images undecoded (the export's batch files): it hands out the same Lambda JSON.

#include <QTemporaryDir>
#include <QTest>
#include <map>

#include "model/eventpattern.h"
#include "model/jsontree.h"
#include "storage/delivery/deliveryreader.h"
#include "storage/import/captureimporter.h"
#include "testsupport.h"

namespace {

std::vector<storage::SelectedRecord> readAll(storage::Store& store, const storage::RecordSelection& selection,
                                             std::optional<storage::DeliveryReader>& reader, bool undecoded = false)
{
    std::vector<storage::SelectedRecord> out;
    auto opened = storage::DeliveryReader::open(store, selection);
    if (!opened)
        return out;
    reader.emplace(std::move(*opened));
    if (undecoded)
        reader->leaveImagesUndecoded();
    for (;;) {
        auto next = reader->next();
        if (!next || !*next)
            break;
        out.push_back(std::move(**next));
    }
    return out;
}

storage::RecordSelection withCriteria(std::vector<std::string> patterns)
{
    storage::RecordSelection s;
    s.lambdaFilter = storage::LambdaFilterCriteria{std::move(patterns), "test", "", "lambda-api", ""};
    return s;
}

} // namespace

class TestCriteriaFirst : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameAsDecodingPath()
    {
        REQUIRE_SHARED_DIR();
        QTemporaryDir dir;
        const QStringList samples = testsupport::publicSampleFiles();
        QVERIFY(samples.size() > 5);
        int compared = 0;
        int dropped = 0;
        int undecodedImages = 0; // records whose images leaveImagesUndecoded() left undecoded
        for (int i = 0; i < samples.size(); ++i) {
            const QString sample = samples.at(i);
            auto store = storage::Store::open(dir.filePath(QStringLiteral("s%1.streamscope").arg(i)).toStdString());
            QVERIFY(store);
            const auto summary = storage::importCaptures(
                store->database(), {(testsupport::samplesDir() + QLatin1Char('/') + sample).toStdString()});
            QVERIFY(!summary.storeError);
            std::optional<storage::DeliveryReader> plainReader, allReader, someReader, undecodedReader;
            const auto plain = readAll(*store, {}, plainReader);
            // What the batch files and JSON Lines use (leaveImagesUndecoded): the same records, verdicts, Lambda JSON,
            // Keys and metadata; an image present is left an empty item.
            const auto undecoded = readAll(*store, {}, undecodedReader, true);
            QVERIFY2(undecoded.size() == plain.size(), qPrintable(sample));
            QCOMPARE(undecodedReader->selected(), plainReader->selected());
            QCOMPARE(undecodedReader->jsUnsafe(), plainReader->jsUnsafe());
            std::map<std::string, std::uint64_t> undecodedCounters;
            for (std::size_t r = 0; r < plain.size(); ++r) {
                const auto& u = undecoded[r];
                const auto& p = plain[r];
                QCOMPARE(u.row.id, p.row.id);
                QCOMPARE(u.jsUnsafe, p.jsUnsafe);
                QVERIFY(u.lambda);
                const storage::LambdaForm expected = storage::lambdaForm(p.row, p.record, undecodedCounters);
                QVERIFY2(u.lambda->lambda.json == expected.lambda.json,
                         qPrintable(sample + QStringLiteral(" record %1").arg(p.row.id)));
                QCOMPARE(u.lambda->stream, expected.stream);
                QVERIFY(u.record.keys == p.record.keys);
                QCOMPARE(u.record.sequenceNumber, p.record.sequenceNumber);
                QVERIFY(u.record.eventName == p.record.eventName);
                QCOMPARE(u.record.newImage.has_value(), p.record.newImage.has_value());
                QCOMPARE(u.record.oldImage.has_value(), p.record.oldImage.has_value());
                // Left out where the texts allow it (a record whose text needs decoding is decoded).
                const bool hasImage = p.record.newImage || p.record.oldImage;
                const bool imagesLeftOut = (!u.record.newImage || *u.record.newImage == model::Item{})
                    && (!u.record.oldImage || *u.record.oldImage == model::Item{});
                if (hasImage && imagesLeftOut
                    && !(u.record.newImage == p.record.newImage && u.record.oldImage == p.record.oldImage))
                    ++undecodedImages;
            }
            // Every Lambda record has an eventName: all pass.
            const auto all = readAll(*store, withCriteria({R"({"eventName":[{"exists":true}]})"}), allReader);
            QVERIFY2(all.size() == plain.size(), qPrintable(sample));
            if (plain.empty())
                continue;
            QCOMPARE(allReader->selected(), plainReader->selected());
            QCOMPARE(allReader->jsUnsafe(), plainReader->jsUnsafe());
            QCOMPARE(allReader->droppedByCriteria(), std::int64_t(0));
            std::map<std::string, std::uint64_t> counters;
            const auto insertOnly =
                model::EventPattern::compile(R"({"eventName":["INSERT"]})", model::PatternSemantics::LambdaEsm);
            std::size_t inserts = 0;
            for (std::size_t r = 0; r < plain.size(); ++r) {
                QCOMPARE(all[r].row.id, plain[r].row.id);
                QCOMPARE(all[r].jsUnsafe, plain[r].jsUnsafe);
                QCOMPARE(all[r].deliveredByFilter, 0);
                QVERIFY(all[r].lambda);
                const storage::LambdaForm expected = storage::lambdaForm(plain[r].row, plain[r].record, counters);
                QVERIFY2(all[r].lambda->lambda.json == expected.lambda.json,
                         qPrintable(sample + QStringLiteral(" record %1").arg(plain[r].row.id)));
                QCOMPARE(all[r].lambda->stream, expected.stream);
                QCOMPARE(all[r].lambda->lambda.synthesized, expected.lambda.synthesized);
                QVERIFY(all[r].record.keys == plain[r].record.keys);
                const auto event = model::JsonTree::parse(expected.lambda.json);
                QVERIFY(event);
                inserts += insertOnly.pattern->matches(*event) ? 1 : 0;
                ++compared;
            }
            // Some pass: those the matcher passes on the Lambda JSON; the rest counted as dropped.
            const auto some = readAll(*store, withCriteria({R"({"eventName":["INSERT"]})"}), someReader);
            QCOMPARE(some.size(), inserts);
            QCOMPARE(someReader->droppedByCriteria(), static_cast<std::int64_t>(plain.size() - inserts));
            QCOMPARE(someReader->jsUnsafe(), plainReader->jsUnsafe());
            dropped += static_cast<int>(plain.size() - inserts);
        }
        QVERIFY(compared > 50);
        QVERIFY(dropped > 0);
        QVERIFY(undecodedImages > 50);
    }
};

QTEST_GUILESS_MAIN(TestCriteriaFirst)
#include "tst_criteriafirst.moc"

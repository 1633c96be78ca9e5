// Error positions a person can use (issue 17 §4): a syntax error is reported at the byte where it is, with line and
// column, not at the start of its record; "truncated" only when the input really ends early; repaired syntax (a
// trailing comma) is refused; records are numbered from 1 in every message. Fixtures: tests/data/positions.

#include <QFile>
#include <QTest>

#include "storage/import/capturereader.h"
#include "storage/import/recordsplitter.h"
#include "testsupport.h"

namespace {

struct ReadAll
{
    std::vector<storage::CaptureRecord> records;
    std::vector<storage::RecordIssue> issues;
    std::optional<storage::FileFailure> failure;
};

QString fixture(const char* name)
{
    return QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/positions/") + QLatin1String(name);
}

ReadAll readFile(const QString& path, bool inMemory)
{
    ReadAll r;
    storage::CaptureReader reader;
    QByteArray bytes;
    if (inMemory) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return r;
        bytes = f.readAll();
        reader.openBuffer(path.toStdString(), std::string_view(bytes.constData(), std::size_t(bytes.size())));
    } else if (auto failed = reader.open(path.toStdString())) {
        r.failure = failed;
        return r;
    }
    for (;;) {
        storage::FileFailure failure;
        const auto status = reader.readBatch(r.records, r.issues, 3, failure);
        if (status == storage::CaptureReader::Status::Failed) {
            r.failure = failure;
            break;
        }
        if (status == storage::CaptureReader::Status::End)
            break;
    }
    return r;
}

} // namespace

class TestErrorPositions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fileFailures_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("notInReason");
        QTest::addColumn<qint64>("record"); // counted from 1
        QTest::addColumn<qint64>("byte");
        QTest::addColumn<qint64>("line");
        QTest::addColumn<qint64>("column");
        // A missing ',' inside record 2 (pretty-printed): at the '"' of the next member, not at the record's '{'.
        QTest::newRow("missing comma") << "missing-comma.json"
                                       << "JSON syntax error: unexpected string literal"
                                       << "truncated" << qint64(2) << qint64(428) << qint64(17) << qint64(7);
        // JSON Lines whose line 2 misses its last '}': a syntax error where line 3 starts, not a truncated file.
        QTest::newRow("missing brace") << "missing-brace.jsonl"
                                       << "JSON syntax error: unexpected '{'"
                                       << "truncated" << qint64(2) << qint64(453) << qint64(3) << qint64(1);
        // A trailing comma after the last record: refused at the comma (never silently repaired).
        QTest::newRow("trailing comma") << "trailing-comma.json"
                                        << "trailing comma"
                                        << "truncated" << qint64(3) << qint64(711) << qint64(24) << qint64(6);
        // Trailing commas inside a record and in the event around the records: refused where the '}' follows.
        QTest::newRow("trailing comma in record") << "trailing-comma-in-record.json"
                                                  << "JSON syntax error: unexpected '}'"
                                                  << "truncated" << qint64(1) << qint64(317) << qint64(11) << qint64(7);
        QTest::newRow("trailing comma in envelope")
            << "trailing-comma-envelope.json"
            << "JSON syntax error: unexpected '}'"
            << "truncated" << qint64(2) << qint64(329) << qint64(14) << qint64(1);
        // A file cut off inside record 2: truncated, at its end.
        QTest::newRow("truncated") << "truncated.json"
                                   << "truncated"
                                   << "syntax error" << qint64(2) << qint64(605) << qint64(20) << qint64(19);
    }

    void fileFailures()
    {
        QFETCH(QString, file);
        QFETCH(QString, reason);
        QFETCH(QString, notInReason);
        QFETCH(qint64, record);
        QFETCH(qint64, byte);
        QFETCH(qint64, line);
        QFETCH(qint64, column);
        for (bool inMemory : {false, true}) {
            const ReadAll r = readFile(fixture(file.toLatin1().constData()), inMemory);
            QVERIFY(r.failure.has_value());
            const QString text = QString::fromStdString(r.failure->reason);
            QVERIFY2(text.contains(reason), qPrintable(text));
            QVERIFY2(!text.contains(notInReason), qPrintable(text));
            QCOMPARE(qint64(r.failure->recordIndex + 1), record);
            QCOMPARE(qint64(r.failure->byteOffset), byte);
            QCOMPARE(qint64(r.failure->line), line);
            QCOMPARE(qint64(r.failure->column), column);
            const std::string where = storage::recordPositionText(*r.failure);
            QCOMPARE(QString::fromStdString(where),
                     QStringLiteral("record %1 at line %2, column %3 (byte %4)")
                         .arg(record)
                         .arg(line)
                         .arg(column)
                         .arg(byte));
        }
    }

    void skippedRecordPosition()
    {
        // Record 2 has no Keys: skipped, at its '{' on line 14, column 5.
        const ReadAll r = readFile(fixture("skipped-record.json"), false);
        QVERIFY(!r.failure);
        QCOMPARE(r.records.size(), std::size_t(1));
        QCOMPARE(r.issues.size(), std::size_t(1));
        const auto& issue = r.issues.front();
        QCOMPARE(issue.recordIndex, std::int64_t(1));
        QCOMPARE(issue.byteOffset, std::uint64_t(369));
        QCOMPARE(issue.line, std::uint64_t(14));
        QCOMPARE(issue.column, std::uint64_t(5));
        QCOMPARE(QString::fromStdString(storage::recordPositionText(issue)),
                 QStringLiteral("record 2 at line 14, column 5 (byte 369)"));
    }

    void positionsAcrossChunks()
    {
        // The splitter reads 7 bytes at a time: lines are counted across chunk boundaries (and a BOM is no column).
        for (const QByteArray& prefix : {QByteArray(), QByteArray("\xEF\xBB\xBF")}) {
            const QByteArray text = prefix + "{\"Records\":[\n  {\"a\":1},\n  {\"b\":2}\n  ,\n]}\n";
            std::size_t at = 0;
            storage::RecordSplitter splitter(
                [&](char* buffer, std::size_t capacity, std::string&) -> std::optional<std::size_t> {
                    const std::size_t n = std::min<std::size_t>(capacity, std::size_t(text.size()) - at);
                    std::memcpy(buffer, text.constData() + at, n);
                    at += n;
                    return n;
                },
                storage::kMaxRecordBytes, 7);
            storage::SplitUnit unit;
            storage::SplitError error;
            std::vector<std::pair<std::uint64_t, std::uint64_t>> starts;
            storage::RecordSplitter::Result result;
            while ((result = splitter.next(unit, error)) == storage::RecordSplitter::Result::Unit)
                starts.emplace_back(unit.line, unit.offset - unit.lineStart + 1);
            QCOMPARE(int(result), int(storage::RecordSplitter::Result::Error));
            QCOMPARE(starts.size(), std::size_t(2));
            QCOMPARE(starts[0], std::make_pair(std::uint64_t(2), std::uint64_t(3)));
            QCOMPARE(starts[1], std::make_pair(std::uint64_t(3), std::uint64_t(3)));
            QVERIFY2(error.message.find("trailing comma") != std::string::npos, error.message.c_str());
            QCOMPARE(error.position.line, std::uint64_t(4));
            QCOMPARE(error.position.column, std::uint64_t(3));
        }
    }
};

QTEST_GUILESS_MAIN(TestErrorPositions)
#include "tst_errorpositions.moc"

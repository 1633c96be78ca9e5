// export --format changelog: the changes view as JSON Lines partitioned by table and hour (storage/sql/changelog.h),
// written by the real binary from a generated capture with duplicates, gaps, TTL removes and two tables.

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

#include "model/dynamodbjson.h"
#include "storage/sql/changelog.h"
#include "testsupport.h"

using testsupport::runCli;

namespace {

QByteArray readMaybeGzip(const QString& path)
{
    if (!path.endsWith(QLatin1String(".gz"))) {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    QByteArray out;
    gzFile g = gzopen(path.toLocal8Bit().constData(), "rb");
    if (!g)
        return out;
    char buffer[65536];
    int n = 0;
    while ((n = gzread(g, buffer, sizeof buffer)) > 0)
        out.append(buffer, n);
    gzclose(g);
    return out;
}

struct Rows
{
    QList<QJsonObject> rows;
    QStringList files; ///< relative paths of the part files
};

Rows readChangelog(const QString& folder)
{
    Rows r;
    QDirIterator it(folder, {QStringLiteral("part-*")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        r.files << QDir(folder).relativeFilePath(path);
        for (const QByteArray& line : readMaybeGzip(path).split('\n')) {
            if (line.isEmpty())
                continue;
            QJsonParseError e{};
            const auto doc = QJsonDocument::fromJson(line, &e);
            if (e.error != QJsonParseError::NoError)
                qFatal("%s: %s", qPrintable(path), qPrintable(e.errorString()));
            QJsonObject o = doc.object();
            o.insert(QStringLiteral("_file"), QDir(folder).relativeFilePath(path));
            r.rows << o;
        }
    }
    r.files.sort();
    return r;
}

bool canonical(const QJsonValue& text)
{
    if (text.isNull())
        return true;
    const std::string s = text.toString().toStdString();
    auto item = model::parseItem(s);
    return item && model::canonicalJson(*item.value) == s;
}

} // namespace

class TestChangelog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_SHARED_DIR();
        QVERIFY(m_dir.isValid());
        const QString err = testsupport::runGenerator({QStringLiteral("--seed"),
                                                       QStringLiteral("11"),
                                                       QStringLiteral("--records"),
                                                       QStringLiteral("300"),
                                                       QStringLiteral("--keys"),
                                                       QStringLiteral("30"),
                                                       QStringLiteral("--tables"),
                                                       QStringLiteral("2"),
                                                       QStringLiteral("--composite-keys"),
                                                       QStringLiteral("--duplicate-rate"),
                                                       QStringLiteral("0.03"),
                                                       QStringLiteral("--gap-rate"),
                                                       QStringLiteral("0.03"),
                                                       QStringLiteral("--ttl-rate"),
                                                       QStringLiteral("0.3"),
                                                       QStringLiteral("--shuffle"),
                                                       QStringLiteral("--batch-size"),
                                                       QStringLiteral("25"),
                                                       QStringLiteral("--out"),
                                                       m_dir.filePath(QStringLiteral("cap")),
                                                       QStringLiteral("--quiet")});
        QVERIFY2(err.isEmpty(), qPrintable(err));
        m_store = m_dir.filePath(QStringLiteral("s.streamscope"));
        const auto imported =
            runCli({QStringLiteral("import"), QStringLiteral("--store"), m_store, m_dir.filePath(QStringLiteral("cap")),
                    QStringLiteral("--json"), QStringLiteral("--no-progress")});
        QCOMPARE(imported.exitCode, 0);
        const auto info =
            runCli({QStringLiteral("info"), QStringLiteral("--store"), m_store, QStringLiteral("--json")});
        QCOMPARE(info.exitCode, 0);
        const QJsonObject totals = QJsonDocument::fromJson(info.out).object();
        m_records = totals.value(QStringLiteral("totals")).toObject().value(QStringLiteral("records")).toInteger();
        m_duplicates =
            totals.value(QStringLiteral("totals")).toObject().value(QStringLiteral("duplicates")).toInteger();
        QVERIFY2(m_records > 0, info.out.constData());
        QVERIFY2(m_duplicates > 0, info.out.constData());
    }

    void sortableSequence()
    {
        QCOMPARE(storage::sortableSequence("").value(), std::string());
        QCOMPARE(storage::sortableSequence("123").value(), std::string(45, '0') + "123");
        QCOMPARE(storage::sortableSequence("000").value(), std::string(48, '0'));
        QVERIFY(storage::sortableSequence("12a") == std::nullopt);
        QVERIFY(storage::sortableSequence(std::string(49, '9')) == std::nullopt);
        // Text order is numeric order.
        QVERIFY(*storage::sortableSequence("99") < *storage::sortableSequence("100"));
    }

    void hourPartition()
    {
        QCOMPARE(storage::hourPartition(std::nullopt), std::string("__HIVE_DEFAULT_PARTITION__"));
        QCOMPARE(storage::hourPartition(1700000000123456), std::string("2023-11-14-22"));
        QCOMPARE(storage::hourPartition(-1), std::string("1969-12-31-23"));
    }

    void rows_data()
    {
        QTest::addColumn<bool>("gzip");
        QTest::newRow("plain") << false;
        QTest::newRow("gzip") << true;
    }

    void rows()
    {
        QFETCH(bool, gzip);
        const QString out = m_dir.filePath(gzip ? QStringLiteral("cl-gz") : QStringLiteral("cl"));
        QStringList args{QStringLiteral("export"),    QStringLiteral("--store"), m_store, QStringLiteral("--format"),
                         QStringLiteral("changelog"), QStringLiteral("--out"),   out};
        if (gzip)
            args << QStringLiteral("--gzip");
        const auto run = runCli(args);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(run.out.contains("changelog"));
        QFile schemaFile(out + QStringLiteral("/_schema.json"));
        QVERIFY(schemaFile.open(QIODevice::ReadOnly));
        const QJsonObject schema = QJsonDocument::fromJson(schemaFile.readAll()).object();
        QCOMPARE(schema.value(QStringLiteral("format")).toString(), QStringLiteral("streamscope-changelog"));
        QCOMPARE(schema.value(QStringLiteral("columns")).toArray().size(), 16);

        const Rows r = readChangelog(out);
        QVERIFY(!r.files.isEmpty());
        for (const QString& f : r.files)
            QVERIFY2(f.endsWith(gzip ? QLatin1String(".jsonl.gz") : QLatin1String(".jsonl")), qPrintable(f));
        qint64 stored = 0;
        qint64 copies = 0;
        QSet<QString> tables;
        for (const QJsonObject& row : r.rows) {
            const QString table = row.value(QStringLiteral("table_name")).toString();
            tables.insert(table);
            const qint64 time = row.value(QStringLiteral("time_us")).toInteger();
            const QString hour = QString::fromStdString(storage::hourPartition(time));
            QCOMPARE(row.value(QStringLiteral("_file")).toString().section(QLatin1Char('/'), 0, 1),
                     QStringLiteral("table=%1/hour=%2").arg(table, hour));
            const QString seq = row.value(QStringLiteral("seq")).toString();
            QCOMPARE(seq.size(), 48);
            QVERIFY(canonical(row.value(QStringLiteral("item_key"))));
            QVERIFY2(canonical(row.value(QStringLiteral("new_image"))),
                     qPrintable(row.value(QStringLiteral("new_image")).toString()));
            QVERIFY(canonical(row.value(QStringLiteral("old_image"))));
            const QString event = row.value(QStringLiteral("event_name")).toString();
            const QJsonArray changed = row.value(QStringLiteral("changed")).toArray();
            if (event == QLatin1String("INSERT")) {
                // Every attribute of the new item is a change, sorted by name.
                const auto image = model::parseItem(row.value(QStringLiteral("new_image")).toString().toStdString());
                QVERIFY(image);
                QCOMPARE(changed.size(), qsizetype(image.value->size()));
            }
            if (event == QLatin1String("MODIFY")) {
                QVERIFY(!changed.isEmpty());
                for (const auto& name : changed) {
                    const auto oldImage =
                        *model::parseItem(row.value(QStringLiteral("old_image")).toString().toStdString()).value;
                    const auto newImage =
                        *model::parseItem(row.value(QStringLiteral("new_image")).toString().toStdString()).value;
                    const std::string n = name.toString().toStdString();
                    const bool differs =
                        !oldImage.contains(n) || !newImage.contains(n) || oldImage.at(n) != newImage.at(n);
                    QVERIFY(differs);
                }
            }
            // Lambda records, not S3 incremental export lines (tst_sqlduckdb reads those through the changelog).
            QCOMPARE(row.value(QStringLiteral("compacted")), QJsonValue(false));
            QVERIFY(row.contains(QStringLiteral("compacted_window_from_us")));
            QVERIFY(row.value(QStringLiteral("compacted_window_from_us")).isNull());
            QCOMPARE(row.value(QStringLiteral("view_type")).toString(), QStringLiteral("NEW_AND_OLD_IMAGES"));
            if (row.value(QStringLiteral("copy_no")).toInt() == 0)
                ++stored;
            else
                ++copies;
        }
        QCOMPARE(tables.size(), 2);
        QCOMPARE(stored, m_records);
        QCOMPARE(copies, m_duplicates);
    }

    // Compacted S3 incremental export lines carry their window's start (exportFromTime, µs), the full export's items
    // none (tests/data/exports/overlap: a full export at 22:30, windows 22:00 .. 23:00 and 23:00 .. 00:00).
    void compactedWindowStart()
    {
        const QString store = m_dir.filePath(QStringLiteral("overlap.streamscope"));
        const auto imported =
            runCli({QStringLiteral("import"), QStringLiteral("--store"), store, QStringLiteral("--no-progress"),
                    QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/exports/overlap")});
        QVERIFY2(imported.exitCode == 0, imported.err.constData());
        const QString out = m_dir.filePath(QStringLiteral("overlap-changelog"));
        const auto run = runCli({QStringLiteral("export"), QStringLiteral("--store"), store, QStringLiteral("--format"),
                                 QStringLiteral("changelog"), QStringLiteral("--out"), out});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        constexpr qint64 k2200 = Q_INT64_C(1699999200000000); // 2023-11-14T22:00:00Z
        constexpr qint64 kHour = Q_INT64_C(3600000000);
        QMap<qint64, int> lines; // window start -> compacted lines
        int snapshots = 0;
        for (const QJsonObject& row : readChangelog(out).rows) {
            const QJsonValue window = row.value(QStringLiteral("compacted_window_from_us"));
            if (row.value(QStringLiteral("compacted")).toBool()) {
                QVERIFY(window.isDouble());
                ++lines[window.toInteger()];
            } else {
                QCOMPARE(row.value(QStringLiteral("event_name")).toString(), QStringLiteral("SNAPSHOT"));
                QVERIFY(window.isNull());
                ++snapshots;
            }
        }
        QCOMPARE(snapshots, 3);
        QCOMPARE(lines, (QMap<qint64, int>{{k2200, 3}, {k2200 + kHour, 1}}));
    }

    void refusesNonEmptyFolder()
    {
        const QString out = m_dir.filePath(QStringLiteral("busy"));
        QVERIFY(QDir().mkpath(out));
        QFile notes(out + QStringLiteral("/notes.txt"));
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("mine");
        notes.close();
        const auto run =
            runCli({QStringLiteral("export"), QStringLiteral("--store"), m_store, QStringLiteral("--format"),
                    QStringLiteral("changelog"), QStringLiteral("--out"), out});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("not empty"), run.err.constData());
        QCOMPARE(QDir(out).entryList(QDir::NoDotAndDotDot | QDir::AllEntries),
                 QStringList{QStringLiteral("notes.txt")});
        QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral("*partial*")}, QDir::AllEntries), QStringList());
    }

    void optionErrors()
    {
        const QString out = m_dir.filePath(QStringLiteral("never"));
        auto run = runCli({QStringLiteral("export"), QStringLiteral("--store"), m_store, QStringLiteral("--out"), out,
                           QStringLiteral("--gzip")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("--gzip is for --format changelog"));
        run = runCli({QStringLiteral("export"), QStringLiteral("--store"), m_store, QStringLiteral("--format"),
                      QStringLiteral("changelog"), QStringLiteral("--out"), out, QStringLiteral("--force")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(!QFileInfo::exists(out));
    }

    void selection()
    {
        const QString out = m_dir.filePath(QStringLiteral("one-table"));
        const auto run = runCli({QStringLiteral("export"), QStringLiteral("--store"), m_store,
                                 QStringLiteral("--format"), QStringLiteral("changelog"), QStringLiteral("--out"), out,
                                 QStringLiteral("--table"), QStringLiteral("Orders")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const Rows r = readChangelog(out);
        QVERIFY(!r.rows.isEmpty());
        for (const QJsonObject& row : r.rows)
            QCOMPARE(row.value(QStringLiteral("table_name")).toString(), QStringLiteral("Orders"));
    }

private:
    QTemporaryDir m_dir;
    QString m_store;
    qint64 m_records = 0;
    qint64 m_duplicates = 0;
};

QTEST_GUILESS_MAIN(TestChangelog)
#include "tst_changelog.moc"

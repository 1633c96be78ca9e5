// The SQL `streamscope sql --dialect duckdb` prints, run on a real engine: DuckDB (npm @duckdb/node-api, installed
// by this test with `npm ci` in tests/sql/duckdb; skipped with the reason when node, npm or the registry are
// missing). On generated captures with faults (gaps, duplicates, shuffled delivery, TTL removes, two tables,
// composite keys, NEW_AND_OLD_IMAGES and NEW_IMAGE) and on every public sample in one store (Kinesis and S3-export
// records ordered by time, full-export snapshots, conflicts), and on the generated faults written as a Kinesis
// archive, S3 incremental exports and a full export followed by an incremental one (tests/sql/layouts.py: no
// sequence numbers, compacted export lines), and on the overlapping export windows of tests/data/exports/overlap (alone
// and with a stream capture beside them), the changelog export read by the generated SQL must give
// exactly the findings `streamscope audit --json --records` gives (kind, severity, table, key, sequence number, for
// every kind SQL covers) and exactly `streamscope state --at --json` (key, state, sequence number, event, image).

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "model/decimal.h"
#include "model/dynamodbjson.h"
#include "storage/sql/rawchanges.h"
#include "storage/sql/sqlgen.h"
#include "storage/store/database.h"
#include "testsupport.h"

using testsupport::runCli;

namespace {

const QStringList kSqlKinds{
    QStringLiteral("gap"),
    QStringLiteral("duplicate"),
    QStringLiteral("conflict"),
    QStringLiteral("orphan-start"),
    QStringLiteral("insert-over-existing"),
    QStringLiteral("modify-after-remove"),
    QStringLiteral("remove-of-absent"),
    QStringLiteral("ttl-remove"),
    QStringLiteral("out-of-order-arrival"),
    QStringLiteral("time-regression"),
    QStringLiteral("mixed-view-types"),
};

QString canonicalText(const QByteArray& dynamoJson)
{
    auto item = model::parseItem(dynamoJson.toStdString());
    if (!item)
        return QStringLiteral("<undecodable> ") + QString::fromUtf8(dynamoJson);
    return QString::fromStdString(model::canonicalJson(*item.value));
}

/// A value nested deeper than DuckDB's canonical form goes is {"streamscope:not-canonical": "<its text>"} in the
/// SQL's images (storage::kTooDeepMarker): the value itself again, so that the rest of the image can be compared.
QJsonValue unwrapNotCanonical(const QJsonValue& v)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        const QString marker = QStringLiteral("streamscope:not-canonical");
        if (o.size() == 1 && o.value(marker).isString()) {
            const QJsonDocument d = QJsonDocument::fromJson(o.value(marker).toString().toUtf8());
            return d.isObject() ? QJsonValue(d.object()) : QJsonValue(d.array());
        }
        QJsonObject out;
        for (auto it = o.begin(); it != o.end(); ++it)
            out.insert(it.key(), unwrapNotCanonical(it.value()));
        return out;
    }
    if (v.isArray()) {
        QJsonArray out;
        for (const auto& e : v.toArray())
            out.append(unwrapNotCanonical(e));
        return out;
    }
    return v;
}

QString canonicalValue(const QJsonValue& v)
{
    if (v.isNull() || v.isUndefined())
        return QStringLiteral("null");
    if (v.isString()) { // from DuckDB: already the changelog's canonical text
        const QByteArray text = v.toString().toUtf8();
        if (!text.contains("\"streamscope:not-canonical\":"))
            return canonicalText(text);
        const QJsonObject unwrapped = unwrapNotCanonical(QJsonDocument::fromJson(text).object()).toObject();
        return canonicalText(QJsonDocument(unwrapped).toJson(QJsonDocument::Compact));
    }
    return canonicalText(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
}

/// A value read back through the nested types: NULL members (types this value does not have) removed, JSON text
/// of untyped maps and lists parsed; then it is DynamoDB JSON again.
QJsonValue stripNulls(const QJsonValue& v, const QString& tag = {})
{
    if (v.isString() && (tag == QLatin1String("M") || tag == QLatin1String("L"))) {
        const auto doc = QJsonDocument::fromJson(v.toString().toUtf8());
        return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
    }
    if (v.isObject()) {
        QJsonObject out;
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!it.value().isNull())
                out.insert(it.key(), stripNulls(it.value(), it.key()));
        }
        return out;
    }
    if (v.isArray()) {
        QJsonArray out;
        for (const auto& e : v.toArray())
            out.append(stripNulls(e));
        return out;
    }
    return v;
}

QString text(const QJsonValue& v)
{
    return v.isNull() || v.isUndefined() ? QStringLiteral("null") : v.toString();
}

/// `streamscope state --table T --at AT --json` as table|key|state|sequence number|event|image rows.
QStringList desktopStateRows(const QString& store, const QString& table, const QString& at, QString& error)
{
    const auto state = runCli({QStringLiteral("state"), QStringLiteral("--store"), store, QStringLiteral("--table"),
                               table, QStringLiteral("--at"), at, QStringLiteral("--json")});
    if (state.exitCode != 0) {
        error = QString::fromUtf8(state.err);
        return {};
    }
    QStringList rows;
    const QJsonObject s = QJsonDocument::fromJson(state.out).object();
    for (const char* part : {"items", "unknown"}) {
        for (const auto& v : s.value(QString::fromLatin1(part)).toArray()) {
            const QJsonObject i = v.toObject();
            const bool present = std::string_view(part) == "items";
            rows << QStringList{table,
                                canonicalValue(i.value(QStringLiteral("key"))),
                                present ? QStringLiteral("present") : QStringLiteral("unknown"),
                                text(i.value(QStringLiteral("sequenceNumber"))),
                                i.value(QStringLiteral("eventName")).toString(),
                                present ? canonicalValue(i.value(QStringLiteral("image"))) : QStringLiteral("null")}
                        .join(QLatin1Char('|'));
        }
    }
    return rows;
}

/// The state query's rows in desktopStateRows' form.
QStringList stateRows(const QJsonArray& sqlState)
{
    QStringList rows;
    for (const auto& v : sqlState) {
        const QJsonObject i = v.toObject();
        rows << QStringList{i.value(QStringLiteral("table_name")).toString(),
                            canonicalValue(i.value(QStringLiteral("item_key"))),
                            i.value(QStringLiteral("state")).toString(),
                            text(i.value(QStringLiteral("sequence_number"))),
                            i.value(QStringLiteral("event_name")).toString(),
                            canonicalValue(i.value(QStringLiteral("image")))}
                    .join(QLatin1Char('|'));
    }
    return rows;
}

/// Says which rows only one side has (before the QCOMPARE that fails on them).
void warnDifferences(const QStringList& desktop, const QStringList& fromSql)
{
    if (desktop == fromSql)
        return;
    for (const QString& d : desktop)
        if (!fromSql.contains(d))
            qWarning("only the desktop: %s", qPrintable(d.left(300)));
    for (const QString& s : fromSql)
        if (!desktop.contains(s))
            qWarning("only SQL: %s", qPrintable(s.left(300)));
}

} // namespace

class TestSqlDuckDb : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void auditAndState_data();
    void auditAndState();
    void changelogWithoutWindows();
    void otherDialectsParse();
    void typedFromStore();
    void rawLayoutsRead();
    void canonicalForms();
    void canonicalSets();
    void rawAudit_data();
    void rawAudit();

private:
    /// Runs run.mjs; stdout, or QFAIL-style empty with `error` set.
    QByteArray runNode(const QStringList& arguments, QString& error);
    /// `streamscope sql --dialect duckdb <sqlArguments>`, then `query` after its SQL in DuckDB (the script written
    /// as `scriptName`): the query's rows, or empty with `error` set.
    QJsonArray duckDbRows(const QStringList& sqlArguments, const QString& query, const QString& scriptName,
                          QString& error);
    /// Imports `inputs`, exports the changelog, runs the DuckDB SQL and compares with the desktop; `expected`, when
    /// not empty, is the desktop's findings of the SQL kinds as kind|severity|table|key|sequence number, sorted.
    void compare(const QString& name, const QStringList& inputs, bool gzip, const QStringList& expected);

    QTemporaryDir m_dir;
    QString m_node;
    QString m_skip;
    QString m_duckdbDir;
};

void TestSqlDuckDb::initTestCase()
{
    REQUIRE_SHARED_DIR();
    QVERIFY(m_dir.isValid());
    m_duckdbDir = testsupport::sourceDir() + QStringLiteral("/tests/sql/duckdb");
    m_node = QStandardPaths::findExecutable(QStringLiteral("node"));
    const QString npm = QStandardPaths::findExecutable(QStringLiteral("npm"));
    if (m_node.isEmpty() || npm.isEmpty()) {
        m_skip = QStringLiteral("node/npm are not installed: running the generated SQL needs DuckDB from npm "
                                "(scripts/test.sh installs node and npm)");
        return;
    }
    if (!QFileInfo::exists(m_duckdbDir + QStringLiteral("/node_modules/@duckdb/node-api/package.json"))) {
        QProcess install;
        install.setWorkingDirectory(m_duckdbDir);
        install.start(npm, {QStringLiteral("ci"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund")});
        if (!install.waitForFinished(600000) || install.exitCode() != 0)
            m_skip = QStringLiteral("npm ci of @duckdb/node-api failed (registry unreachable?): ")
                + QString::fromUtf8(install.readAllStandardError()).left(400);
    }
}

QByteArray TestSqlDuckDb::runNode(const QStringList& arguments, QString& error)
{
    QProcess p;
    p.setWorkingDirectory(m_duckdbDir);
    p.start(m_node, QStringList{QStringLiteral("run.mjs")} + arguments);
    if (!p.waitForFinished(300000)) {
        p.kill();
        p.waitForFinished();
        error = QStringLiteral("run.mjs did not finish");
        return {};
    }
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        error = QStringLiteral("run.mjs failed: ") + QString::fromUtf8(p.readAllStandardError())
            + QString::fromUtf8(p.readAllStandardOutput());
        return {};
    }
    return p.readAllStandardOutput();
}

void TestSqlDuckDb::auditAndState_data()
{
    QTest::addColumn<QStringList>("generator"); // empty: every public sample
    QTest::addColumn<bool>("gzip");
    QTest::addColumn<QString>("layout");       // "": the capture as generated; else layouts.py's layout of it
    QTest::addColumn<QStringList>("fixtures"); // files and folders under tests/data instead of a generated capture
    QTest::addColumn<QStringList>("expected"); // see compare(); empty: not checked
    const auto common = [](const QString& seed) {
        return QStringList{QStringLiteral("--seed"),           seed,
                           QStringLiteral("--tables"),         QStringLiteral("2"),
                           QStringLiteral("--composite-keys"), QStringLiteral("--quiet")};
    };
    const QStringList faults = common(QStringLiteral("5"))
        << QStringLiteral("--records") << QStringLiteral("500") << QStringLiteral("--keys") << QStringLiteral("50")
        << QStringLiteral("--gap-rate") << QStringLiteral("0.03") << QStringLiteral("--duplicate-rate")
        << QStringLiteral("0.03") << QStringLiteral("--shuffle") << QStringLiteral("--ttl-rate")
        << QStringLiteral("0.3") << QStringLiteral("--remove-rate") << QStringLiteral("0.2")
        << QStringLiteral("--batch-size") << QStringLiteral("25");
    const QStringList newImageFaults = common(QStringLiteral("8"))
        << QStringLiteral("--records") << QStringLiteral("300") << QStringLiteral("--keys") << QStringLiteral("30")
        << QStringLiteral("--view-type") << QStringLiteral("NEW_IMAGE") << QStringLiteral("--layout")
        << QStringLiteral("jsonl") << QStringLiteral("--gap-rate") << QStringLiteral("0.05")
        << QStringLiteral("--duplicate-rate") << QStringLiteral("0.02") << QStringLiteral("--shuffle")
        << QStringLiteral("--ttl-rate") << QStringLiteral("0.5") << QStringLiteral("--remove-rate")
        << QStringLiteral("0.3");
    const QStringList jsonl{QStringLiteral("--layout"), QStringLiteral("jsonl")};
    const QStringList none;
    QTest::newRow("faults, new and old images") << faults << false << QString() << none << none;
    QTest::newRow("faults, new image only, jsonl, gzip changelog")
        << newImageFaults << true << QString() << none << none;
    QTest::newRow("every public sample") << QStringList() << false << QString() << none << none;
    // The same generated records in the other layouts the importer reads (tests/sql/layouts.py): ordered by time,
    // no sequence numbers; S3 exports without TTL marks and with compacted lines.
    QTest::newRow("faults as a kinesis archive")
        << (faults + jsonl) << false << QStringLiteral("kinesis-archive") << none << none;
    QTest::newRow("faults as s3 incremental exports")
        << (faults + jsonl) << false << QStringLiteral("s3-incremental") << none << none;
    QTest::newRow("faults, new image only, as s3 incremental exports")
        << newImageFaults << true << QStringLiteral("s3-incremental") << none << none;
    QTest::newRow("faults as s3 full and incremental exports")
        << (faults + jsonl) << false << QStringLiteral("s3-full") << none << none;
    // Compacted export windows (tests/data/exports/make_fixtures.py): a full export at 22:30 inside the incremental
    // window 22:00 .. 23:00, then the window 23:00 .. 00:00. The lines of the first window are not compared with the
    // full export's items (their OldImages are the items at 22:00); the second window's b-1 line is: one real gap.
    const QString b1 = QStringLiteral(R"({"basketId":{"S":"b-1"}})");
    QTest::newRow("overlapping full and incremental exports")
        << none << false << QString() << QStringList{QStringLiteral("exports/overlap")}
        << QStringList{QStringLiteral("gap|error|Baskets|%1|null").arg(b1)};
    // The same with the table's stream beside them: stream records inside the window (b-1, b-2 before the full
    // export, b-4's REMOVE after it) are not compared with the window's lines either; b-4's stream record after its
    // line is; b-5's gap is in the stream alone. Arrival: the exports first, then the stream file (late arrivals).
    const auto key = [](const char* k) { return QStringLiteral(R"({"basketId":{"S":"%1"}})").arg(QLatin1String(k)); };
    QTest::newRow("overlapping exports and a stream capture")
        << none << false << QString()
        << QStringList{QStringLiteral("exports/overlap"), QStringLiteral("exports/overlap-stream.json")}
        << QStringList{QStringLiteral("gap|error|Baskets|%1|null").arg(b1),
                       QStringLiteral("gap|error|Baskets|%1|1002").arg(key("b-5")),
                       QStringLiteral("orphan-start|info|Baskets|%1|1004").arg(b1),
                       QStringLiteral("out-of-order-arrival|warning|Baskets|%1|1004").arg(b1),
                       QStringLiteral("out-of-order-arrival|warning|Baskets|%1|1005").arg(key("b-2")),
                       QStringLiteral("out-of-order-arrival|warning|Baskets|%1|1007").arg(key("b-4"))};
}

void TestSqlDuckDb::auditAndState()
{
    if (!m_skip.isEmpty())
        QSKIP(qPrintable(m_skip));
    QFETCH(QStringList, generator);
    QFETCH(bool, gzip);
    QFETCH(QString, layout);
    QFETCH(QStringList, fixtures);
    QFETCH(QStringList, expected);
    const QString name = QString::fromLatin1(QTest::currentDataTag())
                             .replace(QLatin1Char(' '), QLatin1Char('_'))
                             .replace(QLatin1Char(','), QLatin1Char('_'));
    QStringList inputs;
    if (!fixtures.isEmpty()) {
        for (const QString& f : fixtures)
            inputs << QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/") + f;
    } else if (generator.isEmpty()) {
        for (const QString& f : testsupport::publicSampleFiles())
            inputs << testsupport::samplesDir() + QLatin1Char('/') + f;
    } else {
        const QString capture = m_dir.filePath(
            name + (generator.contains(QStringLiteral("jsonl")) ? QStringLiteral(".jsonl") : QStringLiteral("-cap")));
        const QString err = testsupport::runGenerator(generator << QStringLiteral("--out") << capture);
        QVERIFY2(err.isEmpty(), qPrintable(err));
        inputs << capture;
    }
    if (!layout.isEmpty()) {
        const QString converted = m_dir.filePath(name + QStringLiteral("-") + layout);
        QProcess p;
        p.start(
            QStringLiteral(STREAMSCOPE_PYTHON),
            {testsupport::sourceDir() + QStringLiteral("/tests/sql/layouts.py"), layout, inputs.front(), converted});
        QVERIFY(p.waitForFinished(120000));
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, p.readAllStandardError().constData());
        inputs = QStringList{converted};
    }
    compare(name, inputs, gzip, expected);
}

QJsonArray TestSqlDuckDb::duckDbRows(const QStringList& sqlArguments, const QString& query, const QString& scriptName,
                                     QString& error)
{
    const auto sql = runCli(QStringList{QStringLiteral("sql"), QStringLiteral("--dialect"), QStringLiteral("duckdb")}
                            + sqlArguments);
    if (sql.exitCode != 0) {
        error = QString::fromUtf8(sql.err);
        return QJsonArray();
    }
    const QString script = m_dir.filePath(scriptName);
    QFile f(script);
    if (!f.open(QIODevice::WriteOnly)) {
        error = QStringLiteral("cannot write ") + script;
        return QJsonArray();
    }
    f.write(sql.out + query.toUtf8() + ";\n");
    f.close();
    const QByteArray output = runNode({QStringLiteral("exec"), script}, error);
    return QJsonDocument::fromJson(output.trimmed().split('\n').last())
        .object()
        .value(QStringLiteral("rows"))
        .toArray();
}

void TestSqlDuckDb::compare(const QString& name, const QStringList& inputs, bool gzip, const QStringList& expected)
{
    const QString store = m_dir.filePath(name + QStringLiteral(".streamscope"));
    const auto imported =
        runCli(QStringList{QStringLiteral("import"), QStringLiteral("--store"), store, QStringLiteral("--no-progress")}
               + inputs);
    QVERIFY2(imported.exitCode == 0 || imported.exitCode == 1 || imported.exitCode == 3, imported.err.constData());
    const QString changelog = m_dir.filePath(name + QStringLiteral("-changelog"));
    QStringList exportArgs{QStringLiteral("export"),    QStringLiteral("--store"), store,    QStringLiteral("--format"),
                           QStringLiteral("changelog"), QStringLiteral("--out"),   changelog};
    if (gzip)
        exportArgs << QStringLiteral("--gzip");
    const auto exported = runCli(exportArgs);
    QVERIFY2(exported.exitCode == 0, exported.err.constData());

    // The state at three times: just after the first record, the middle of the capture, the last record.
    const auto info = runCli({QStringLiteral("info"), QStringLiteral("--store"), store, QStringLiteral("--json")});
    QCOMPARE(info.exitCode, 0);
    const QJsonObject infoJson = QJsonDocument::fromJson(info.out).object();
    const QDateTime first = QDateTime::fromString(
        infoJson.value(QStringLiteral("totals")).toObject().value(QStringLiteral("firstTime")).toString(),
        Qt::ISODateWithMs);
    const QDateTime last = QDateTime::fromString(
        infoJson.value(QStringLiteral("totals")).toObject().value(QStringLiteral("lastTime")).toString(),
        Qt::ISODateWithMs);
    QVERIFY(first.isValid() && last.isValid());
    const QStringList times{
        QDateTime::fromSecsSinceEpoch(first.toSecsSinceEpoch() + 1, Qt::UTC).toString(Qt::ISODate),
        QDateTime::fromSecsSinceEpoch((first.toSecsSinceEpoch() + last.toSecsSinceEpoch()) / 2, Qt::UTC)
            .toString(Qt::ISODate),
        QDateTime::fromSecsSinceEpoch(last.toSecsSinceEpoch() + 1, Qt::UTC).toString(Qt::ISODate)};
    for (int t = 0; t < times.size(); ++t) {
        const QString& at = times[t];

        const auto sql = runCli({QStringLiteral("sql"), QStringLiteral("--dialect"), QStringLiteral("duckdb"),
                                 QStringLiteral("--source"), QStringLiteral("changelog"), QStringLiteral("--location"),
                                 changelog, QStringLiteral("--at"), at});
        QVERIFY2(sql.exitCode == 0, sql.err.constData());
        const QString script = m_dir.filePath(name + QString::number(t) + QStringLiteral(".sql"));
        {
            QFile f(script);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(sql.out);
            // The findings with their record's time: records without a sequence number (Kinesis, S3 exports) are
            // told apart by it, so that a finding on another record of the same key cannot pass for the desktop's.
            if (t == 0)
                f.write("SELECT a.kind, a.severity, a.table_name, a.item_key, a.sequence_number, c.time_us\n"
                        "FROM streamscope_audit a LEFT JOIN streamscope_changes c\n"
                        "  ON c.table_name = a.table_name AND c.item_key = a.item_key AND c.pos = a.pos;\n");
        }
        QString error;
        const QByteArray output = runNode({QStringLiteral("exec"), script}, error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QList<QByteArray> results = output.trimmed().split('\n');
        QCOMPARE(results.size(), t == 0 ? 3 : 2); // the audit findings, the state (the findings with their time)
        const QJsonArray sqlFindings =
            QJsonDocument::fromJson(results[0]).object().value(QStringLiteral("rows")).toArray();
        const QJsonArray sqlState =
            QJsonDocument::fromJson(results[1]).object().value(QStringLiteral("rows")).toArray();

        if (t == 0) {
            // Audit: the desktop's findings of the kinds SQL covers, as (kind, severity, table, key, sequence number).
            const auto audit =
                runCli({QStringLiteral("audit"), QStringLiteral("--store"), store, QStringLiteral("--json"),
                        QStringLiteral("--records")}); // one finding per record, as the SQL gives them
            QCOMPARE(audit.exitCode, 0);
            std::map<qint64, QString> recordTime;
            {
                auto db = storage::Database::open(store.toStdString(), storage::Database::OpenMode::ReadOnly);
                QVERIFY(db);
                auto st = db->prepare("SELECT id, time_us FROM records");
                QVERIFY(st);
                QVERIFY(!st->forEachRow([&](const storage::Statement& row) {
                    recordTime[row.int64(0)] = row.isNull(1) ? QStringLiteral("null") : QString::number(row.int64(1));
                }));
            }
            QStringList desktop;
            QStringList desktopTimed;
            QSet<QString> kindsSeen;
            for (const auto& v :
                 QJsonDocument::fromJson(audit.out).object().value(QStringLiteral("findings")).toArray()) {
                const QJsonObject f = v.toObject();
                const QString kind = f.value(QStringLiteral("kind")).toString();
                if (!kSqlKinds.contains(kind))
                    continue;
                kindsSeen.insert(kind);
                desktop << QStringList{kind, f.value(QStringLiteral("severity")).toString(),
                                       f.value(QStringLiteral("table")).toString(),
                                       canonicalValue(f.value(QStringLiteral("key"))),
                                       text(f.value(QStringLiteral("sequenceNumber")))}
                               .join(QLatin1Char('|'));
                const auto id = static_cast<qint64>(f.value(QStringLiteral("recordId")).toDouble());
                desktopTimed << desktop.last() + QLatin1Char('|')
                        + (recordTime.count(id) ? recordTime[id] : QStringLiteral("null"));
            }
            QStringList fromSqlTimed;
            for (const auto& v : QJsonDocument::fromJson(results[2]).object().value(QStringLiteral("rows")).toArray()) {
                const QJsonObject f = v.toObject();
                fromSqlTimed << QStringList{f.value(QStringLiteral("kind")).toString(),
                                            f.value(QStringLiteral("severity")).toString(),
                                            f.value(QStringLiteral("table_name")).toString(),
                                            canonicalValue(f.value(QStringLiteral("item_key"))),
                                            text(f.value(QStringLiteral("sequence_number"))),
                                            text(f.value(QStringLiteral("time_us")))}
                                    .join(QLatin1Char('|'));
            }
            QStringList fromSql;
            for (const auto& v : sqlFindings) {
                const QJsonObject f = v.toObject();
                fromSql << QStringList{f.value(QStringLiteral("kind")).toString(),
                                       f.value(QStringLiteral("severity")).toString(),
                                       f.value(QStringLiteral("table_name")).toString(),
                                       canonicalValue(f.value(QStringLiteral("item_key"))),
                                       text(f.value(QStringLiteral("sequence_number")))}
                               .join(QLatin1Char('|'));
            }
            desktop.sort();
            fromSql.sort();
            QStringList kinds(kindsSeen.begin(), kindsSeen.end());
            kinds.sort();
            qInfo("%s: %lld findings compared (%s)", qPrintable(name), static_cast<long long>(desktop.size()),
                  qPrintable(kinds.join(QStringLiteral(", "))));
            QVERIFY(!desktop.isEmpty());
            if (!expected.isEmpty()) {
                QStringList sorted = expected;
                sorted.sort();
                QCOMPARE(desktop, sorted);
            }
            warnDifferences(desktop, fromSql);
            QCOMPARE(fromSql, desktop);
            desktopTimed.sort();
            fromSqlTimed.sort();
            warnDifferences(desktopTimed, fromSqlTimed);
            QCOMPARE(fromSqlTimed, desktopTimed);
        }

        // State at the time, table by table: (table, key, state, sequence number, event, image).
        QStringList desktopState;
        for (const auto& tableInfo : infoJson.value(QStringLiteral("tables")).toArray()) {
            QString stateError;
            desktopState +=
                desktopStateRows(store, tableInfo.toObject().value(QStringLiteral("name")).toString(), at, stateError);
            QVERIFY2(stateError.isEmpty(), qPrintable(stateError));
        }
        QStringList sqlStateRows = stateRows(sqlState);
        desktopState.sort();
        sqlStateRows.sort();
        qInfo("%s: state at %s: %lld items compared", qPrintable(name), qPrintable(at),
              static_cast<long long>(desktopState.size()));
        if (t == 1)
            QVERIFY(!desktopState.isEmpty());
        warnDifferences(desktopState, sqlStateRows);
        QCOMPARE(sqlStateRows, desktopState);
    }
}

void TestSqlDuckDb::changelogWithoutWindows()
{
    if (!m_skip.isEmpty())
        QSKIP(qPrintable(m_skip));
    // A changelog written before compacted_window_from_us existed (version 1 of _schema.json) still reads: the
    // column is NULL, and every line is compared as before, as the desktop does for lines imported before windows
    // were kept: the overlap fixture's first-window b-1 line then differs from the full export's item (a gap), the
    // second window's line from the first window's NewImage (the real gap).
    const QString store = m_dir.filePath(QStringLiteral("nowindows.streamscope"));
    QCOMPARE(runCli({QStringLiteral("import"), QStringLiteral("--store"), store, QStringLiteral("--no-progress"),
                     QStringLiteral(STREAMSCOPE_TEST_DATA_DIR "/exports/overlap")})
                 .exitCode,
             0);
    const QString changelog = m_dir.filePath(QStringLiteral("nowindows-changelog"));
    QCOMPARE(runCli({QStringLiteral("export"), QStringLiteral("--store"), store, QStringLiteral("--format"),
                     QStringLiteral("changelog"), QStringLiteral("--out"), changelog})
                 .exitCode,
             0);
    int stripped = 0;
    QDirIterator it(changelog, {QStringLiteral("part-*.jsonl")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QString content = QString::fromUtf8(f.readAll());
        f.close();
        const qsizetype before = content.count(QStringLiteral("compacted_window_from_us"));
        content.remove(QRegularExpression(QStringLiteral(R"(,"compacted_window_from_us":(null|\d+))")));
        QCOMPARE(content.count(QStringLiteral("compacted_window_from_us")), 0);
        stripped += static_cast<int>(before);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(content.toUtf8());
    }
    QVERIFY(stripped > 0);
    QString error;
    const QJsonArray rows =
        duckDbRows({QStringLiteral("--location"), changelog},
                   QStringLiteral("SELECT kind, item_key, compacted_window_from_us FROM streamscope_audit a JOIN "
                                  "streamscope_changes c USING (table_name, item_key, pos) ORDER BY pos"),
                   QStringLiteral("nowindows.sql"), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QStringList got;
    for (const auto& v : rows) {
        const QJsonObject o = v.toObject();
        got << o.value(QStringLiteral("kind")).toString() + QLatin1Char(' ')
                + o.value(QStringLiteral("item_key")).toString() + QLatin1Char(' ')
                + text(o.value(QStringLiteral("compacted_window_from_us")));
    }
    const QString b1 = QStringLiteral(R"({"basketId":{"S":"b-1"}} null)");
    QCOMPARE(got, (QStringList{QStringLiteral("gap ") + b1, QStringLiteral("gap ") + b1}));
}

void TestSqlDuckDb::otherDialectsParse()
{
    if (!m_skip.isEmpty())
        QSKIP(qPrintable(m_skip));
    // The views and queries are in the subset every dialect shares: DuckDB must parse each of them as printed for
    // Athena, Trino and Spark (the table definitions are dialect-only and checked against golden files in
    // tst_cli_sql).
    // The same for the views over the raw lines of S3 incremental exports, Kinesis archives and a full export with
    // the incremental export after it (the changelog's columns and the audit over them); their
    // streamscope_raw_lines, in each engine's own JSON functions, must parse too.
    QJsonArray texts;
    for (const auto source : {storage::SqlSource::Changelog, storage::SqlSource::S3Incremental,
                              storage::SqlSource::KinesisArchive, storage::SqlSource::S3Full}) {
        for (const auto dialect : {storage::SqlDialect::DuckDb, storage::SqlDialect::Athena, storage::SqlDialect::Trino,
                                   storage::SqlDialect::Spark}) {
            storage::SqlRequest request;
            request.dialect = dialect;
            request.source = source;
            request.location = "s3://bucket/changelog/";
            request.table = "Orders";
            if (source == storage::SqlSource::S3Full) { // a full export and the incremental export after it
                request.keyAttributes = {"pk", "sk"};
                request.exportTimeMicros = 1700000000000000;
                // two incremental exports after it, each with its own window start
                request.incrementalExports = {{"s3://bucket/incremental/", 1699990000000000},
                                              {"s3://bucket/incremental-2/", 1700000500000000}};
            }
            std::string error;
            const auto script = storage::generateSql(request, &error);
            QVERIFY2(script, error.c_str());
            int portable = 0;
            for (const auto& s : script->statements) {
                if (s.portable || dialect == storage::SqlDialect::DuckDb || s.name == "streamscope_raw_lines") {
                    texts.append(QString::fromStdString(s.sql));
                    ++portable;
                }
            }
            QVERIFY(portable >= (source == storage::SqlSource::Changelog ? 5 : 7));
        }
    }
    const QString list = m_dir.filePath(QStringLiteral("statements.json"));
    {
        QFile f(list);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(texts).toJson());
    }
    QString error;
    const QByteArray output = runNode({QStringLiteral("parse"), list}, error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QJsonObject result = QJsonDocument::fromJson(output).object();
    QCOMPARE(result.value(QStringLiteral("parsed")).toInt(), texts.size());
    QCOMPARE(result.value(QStringLiteral("errors")).toArray().size(), 0);
}

void TestSqlDuckDb::typedFromStore()
{
    if (!m_skip.isEmpty())
        QSKIP(qPrintable(m_skip));
    // One table's records as Lambda records (JSON Lines), the same data as the lines of an S3 incremental and a
    // full export; --from-store types every attribute the store has seen, and every value must read back exactly.
    const QString capture = m_dir.filePath(QStringLiteral("typed.jsonl"));
    const QString err =
        testsupport::runGenerator({QStringLiteral("--seed"), QStringLiteral("21"), QStringLiteral("--records"),
                                   QStringLiteral("200"), QStringLiteral("--keys"), QStringLiteral("20"),
                                   QStringLiteral("--layout"), QStringLiteral("jsonl"), QStringLiteral("--remove-rate"),
                                   QStringLiteral("0.2"), QStringLiteral("--quiet"), QStringLiteral("--out"), capture});
    QVERIFY2(err.isEmpty(), qPrintable(err));
    QFile in(capture);
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QString incremental = m_dir.filePath(QStringLiteral("s3-incremental"));
    const QString full = m_dir.filePath(QStringLiteral("s3-full"));
    QVERIFY(QDir().mkpath(incremental) && QDir().mkpath(full));
    QFile incrementalFile(incremental + QStringLiteral("/part-0001.json"));
    QFile fullFile(full + QStringLiteral("/part-0001.json"));
    QVERIFY(incrementalFile.open(QIODevice::WriteOnly) && fullFile.open(QIODevice::WriteOnly));
    QStringList expectedImages; // canonical NewImage / OldImage / Item texts, in file order
    QStringList expectedItems;
    QString table;
    for (const QByteArray& line : in.readAll().split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const QJsonObject record = QJsonDocument::fromJson(line).object();
        const QJsonObject d = record.value(QStringLiteral("dynamodb")).toObject();
        table = record.value(QStringLiteral("eventSourceARN")).toString().section(QLatin1Char('/'), 1, 1);
        QJsonObject out;
        const qint64 micros =
            static_cast<qint64>(d.value(QStringLiteral("ApproximateCreationDateTime")).toDouble()) * 1000000;
        out.insert(QStringLiteral("Metadata"),
                   QJsonObject{{QStringLiteral("WriteTimestampMicros"),
                                QJsonObject{{QStringLiteral("N"), QString::number(micros)}}}});
        out.insert(QStringLiteral("Keys"), d.value(QStringLiteral("Keys")));
        for (const char* image : {"OldImage", "NewImage"}) {
            if (d.contains(QLatin1String(image)))
                out.insert(QLatin1String(image), d.value(QLatin1String(image)));
        }
        incrementalFile.write(QJsonDocument(out).toJson(QJsonDocument::Compact) + '\n');
        expectedImages << canonicalValue(d.value(QStringLiteral("Keys"))) + QLatin1Char('|')
                + canonicalValue(d.value(QStringLiteral("OldImage"))) + QLatin1Char('|')
                + canonicalValue(d.value(QStringLiteral("NewImage")));
        if (d.contains(QStringLiteral("NewImage"))) {
            fullFile.write(QJsonDocument(QJsonObject{{QStringLiteral("Item"), d.value(QStringLiteral("NewImage"))}})
                               .toJson(QJsonDocument::Compact)
                           + '\n');
            expectedItems << canonicalValue(d.value(QStringLiteral("NewImage")));
        }
    }
    incrementalFile.close();
    fullFile.close();
    QVERIFY(!table.isEmpty());

    const QString store = m_dir.filePath(QStringLiteral("typed.streamscope"));
    QCOMPARE(
        runCli({QStringLiteral("import"), QStringLiteral("--store"), store, QStringLiteral("--no-progress"), capture})
            .exitCode,
        0);
    const auto runSql = [&](const QStringList& args, const QString& query, QString& error) {
        return duckDbRows(QStringList{QStringLiteral("--from-store"), store} + args, query, QStringLiteral("typed.sql"),
                          error);
    };

    // S3 incremental: Keys, OldImage, NewImage as nested structs.
    QString error;
    QJsonArray rows = runSql(
        {QStringLiteral("--source"), QStringLiteral("s3-incremental"), QStringLiteral("--location"), incremental},
        QStringLiteral("SELECT Keys, OldImage, NewImage FROM streamscope_s3_incremental"), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QStringList got;
    for (const auto& v : rows) {
        const QJsonObject o = v.toObject();
        got << canonicalValue(stripNulls(o.value(QStringLiteral("Keys")))) + QLatin1Char('|')
                + canonicalValue(stripNulls(o.value(QStringLiteral("OldImage")))) + QLatin1Char('|')
                + canonicalValue(stripNulls(o.value(QStringLiteral("NewImage"))));
    }
    QCOMPARE(got.size(), expectedImages.size());
    QCOMPARE(got, expectedImages);

    // S3 full export: Item.
    rows = runSql({QStringLiteral("--source"), QStringLiteral("s3-full"), QStringLiteral("--location"), full},
                  QStringLiteral("SELECT Item FROM streamscope_s3_full"), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    got.clear();
    for (const auto& v : rows)
        got << canonicalValue(stripNulls(v.toObject().value(QStringLiteral("Item"))));
    QCOMPARE(got, expectedItems);

    // Changelog: the typed versions view holds the same items as the untyped image.
    const QString changelog = m_dir.filePath(QStringLiteral("typed-changelog"));
    QCOMPARE(runCli({QStringLiteral("export"), QStringLiteral("--store"), store, QStringLiteral("--format"),
                     QStringLiteral("changelog"), QStringLiteral("--out"), changelog})
                 .exitCode,
             0);
    const QString view = QStringLiteral("streamscope_versions_") + table.toLower();
    rows = runSql({QStringLiteral("--location"), changelog},
                  QStringLiteral("SELECT v.item, i.image FROM %1 v JOIN streamscope_item_versions i "
                                 "ON i.item_key = v.item_key AND i.pos = v.pos WHERE i.image IS NOT NULL")
                      .arg(view),
                  error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(rows.size() > 100);
    for (const auto& v : rows) {
        const QJsonObject o = v.toObject();
        QCOMPARE(canonicalValue(stripNulls(o.value(QStringLiteral("item")))),
                 canonicalValue(o.value(QStringLiteral("image"))));
    }
}

void TestSqlDuckDb::rawLayoutsRead()
{
    if (!m_skip.isEmpty())
        QSKIP(qPrintable(m_skip));
    // The table definitions of the raw layouts the importer reads, generic (JSON text) and typed (--from-store), run
    // on DuckDB over the files tests/sql/layouts.py writes from one generated table: a Kinesis archive (Firehose
    // objects without extension under YYYY/MM/DD/HH/, half of them concatenated without newlines), an S3 incremental
    // export (gzip; WriteTimestampMicros as {"N": …}, a number and a string in turn) and a full export. Every line
    // must read back: Keys and images equal to the capture's, the time in every form.
    const QString capture = m_dir.filePath(QStringLiteral("raw.jsonl"));
    const QString err = testsupport::runGenerator(
        {QStringLiteral("--seed"), QStringLiteral("23"), QStringLiteral("--records"), QStringLiteral("240"),
         QStringLiteral("--keys"), QStringLiteral("20"), QStringLiteral("--layout"), QStringLiteral("jsonl"),
         QStringLiteral("--remove-rate"), QStringLiteral("0.2"), QStringLiteral("--ttl-rate"), QStringLiteral("0.5"),
         QStringLiteral("--quiet"), QStringLiteral("--out"), capture});
    QVERIFY2(err.isEmpty(), qPrintable(err));
    QFile in(capture);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QStringList expected; // Keys|OldImage|NewImage of every record
    QSet<QString> newImages;
    for (const QByteArray& line : in.readAll().split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const QJsonObject d = QJsonDocument::fromJson(line).object().value(QStringLiteral("dynamodb")).toObject();
        expected << canonicalValue(d.value(QStringLiteral("Keys"))) + QLatin1Char('|')
                + canonicalValue(d.value(QStringLiteral("OldImage"))) + QLatin1Char('|')
                + canonicalValue(d.value(QStringLiteral("NewImage")));
        newImages.insert(canonicalValue(d.value(QStringLiteral("NewImage"))));
    }
    expected.sort();
    const QString store = m_dir.filePath(QStringLiteral("raw.streamscope"));
    QCOMPARE(
        runCli({QStringLiteral("import"), QStringLiteral("--store"), store, QStringLiteral("--no-progress"), capture})
            .exitCode,
        0);
    const auto layout = [&](const QString& name) {
        const QString out = m_dir.filePath(QStringLiteral("raw-") + name);
        QProcess p;
        p.start(QStringLiteral(STREAMSCOPE_PYTHON),
                {testsupport::sourceDir() + QStringLiteral("/tests/sql/layouts.py"), name, capture, out});
        p.waitForFinished(120000);
        return p.exitCode() == 0 ? out : QString();
    };
    const QString kinesis = layout(QStringLiteral("kinesis-archive"));
    const QString incremental = layout(QStringLiteral("s3-incremental"));
    const QString full = layout(QStringLiteral("s3-full"));
    QVERIFY(!kinesis.isEmpty() && !incremental.isEmpty() && !full.isEmpty());
    const auto dataDir = [](const QString& root, const char* type) {
        for (const QString& id :
             QDir(root + QStringLiteral("/AWSDynamoDB")).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            const QString dir = root + QStringLiteral("/AWSDynamoDB/") + id;
            QFile summary(dir + QStringLiteral("/manifest-summary.json"));
            if (summary.open(QIODevice::ReadOnly) && summary.readAll().contains(type))
                return dir + QStringLiteral("/data/");
        }
        return QString();
    };
    const auto rows = [&](const QStringList& args, const QString& query, QString& error) {
        return duckDbRows(args, query, QStringLiteral("raw.sql"), error);
    };
    const QString incrementalData = dataDir(incremental, "INCREMENTAL_EXPORT");
    const QString fullData = dataDir(full, "FULL_EXPORT");
    QVERIFY(!incrementalData.isEmpty() && !fullData.isEmpty());
    for (const bool typed : {false, true}) {
        const QStringList from = typed ? QStringList{QStringLiteral("--from-store"), store} : QStringList();
        QString error;
        QJsonArray got = rows(QStringList{QStringLiteral("--source"), QStringLiteral("kinesis-archive"),
                                          QStringLiteral("--location"), kinesis}
                                  + from,
                              QStringLiteral("SELECT tableName, eventName, userIdentity, dynamodb.Keys AS k, "
                                             "dynamodb.OldImage AS o, dynamodb.NewImage AS n, "
                                             "dynamodb.ApproximateCreationDateTime AS t, "
                                             "dynamodb.ApproximateCreationDateTimePrecision AS p "
                                             "FROM streamscope_kinesis_archive"),
                              error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QStringList images;
        int ttl = 0;
        QSet<QString> kinesisTimes;
        for (const auto& v : got) {
            const QJsonObject o = v.toObject();
            images << canonicalValue(stripNulls(o.value(QStringLiteral("k")))) + QLatin1Char('|')
                    + canonicalValue(stripNulls(o.value(QStringLiteral("o")))) + QLatin1Char('|')
                    + canonicalValue(stripNulls(o.value(QStringLiteral("n"))));
            QVERIFY(!o.value(QStringLiteral("tableName")).toString().isEmpty());
            QCOMPARE(o.value(QStringLiteral("p")).toString(), QStringLiteral("MICROSECOND"));
            QVERIFY(o.value(QStringLiteral("t")).toString().toLongLong() >= 1700000000000000LL);
            kinesisTimes.insert(o.value(QStringLiteral("t")).toString());
            if (o.value(QStringLiteral("userIdentity")).toObject().value(QStringLiteral("principalId")).toString()
                == QLatin1String("dynamodb.amazonaws.com"))
                ++ttl;
        }
        images.sort();
        QCOMPARE(images, expected);
        QVERIFY(ttl > 0);

        got = rows(QStringList{QStringLiteral("--source"), QStringLiteral("s3-incremental"),
                               QStringLiteral("--location"), incrementalData}
                       + from,
                   QStringLiteral("SELECT Keys, OldImage, NewImage, "
                                  "coalesce(json_extract_string(Metadata, '$.WriteTimestampMicros.N'), "
                                  "json_extract_string(Metadata, '$.WriteTimestampMicros')) AS t "
                                  "FROM streamscope_s3_incremental"),
                   error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        images.clear();
        QSet<QString> exportTimes;
        for (const auto& v : got) {
            const QJsonObject o = v.toObject();
            images << canonicalValue(stripNulls(o.value(QStringLiteral("Keys")))) + QLatin1Char('|')
                    + canonicalValue(stripNulls(o.value(QStringLiteral("OldImage")))) + QLatin1Char('|')
                    + canonicalValue(stripNulls(o.value(QStringLiteral("NewImage"))));
            exportTimes.insert(o.value(QStringLiteral("t")).toString());
        }
        images.sort();
        QCOMPARE(images, expected);
        QCOMPARE(exportTimes, kinesisTimes); // {"N": …}, numbers and strings all read

        got = rows(
            QStringList{QStringLiteral("--source"), QStringLiteral("s3-full"), QStringLiteral("--location"), fullData}
                + from,
            QStringLiteral("SELECT Item FROM streamscope_s3_full"), error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(got.size() > 3);
        for (const auto& v : got)
            QVERIFY(newImages.contains(canonicalValue(stripNulls(v.toObject().value(QStringLiteral("Item"))))));
    }
}

void TestSqlDuckDb::canonicalForms()
{
    if (!m_skip.isEmpty())
        QSKIP(qPrintable(m_skip));
    // The DuckDB macros against the desktop's rules: streamscope_canonical_number gives model::canonicalNumber's text
    // for every spelling (and leaves text that is no number as written), and streamscope_canonical_json gives equal
    // text for images the desktop finds equal (sets as sets, numbers by value, strings by value) and different text
    // for images it does not (a number changed by 10^-20, a set with another member, nested deeper than the macro).
    const QStringList numbers{QStringLiteral("1"),
                              QStringLiteral("1.0"),
                              QStringLiteral("1E0"),
                              QStringLiteral("01"),
                              QStringLiteral("+1"),
                              QStringLiteral("10E-1"),
                              QStringLiteral("-0"),
                              QStringLiteral("0.000"),
                              QStringLiteral("-1.50e-3"),
                              QStringLiteral(".5"),
                              QStringLiteral("5."),
                              QStringLiteral("1e60"),
                              QStringLiteral("123.456"),
                              QStringLiteral("-12345678901234567890123456789012345678"),
                              QStringLiteral("1.00000000000000000001"),
                              QStringLiteral("0.1E-40"),
                              QStringLiteral("12345E-2"),
                              QStringLiteral("1e"),
                              QStringLiteral("x"),
                              QStringLiteral("1e999999999999999999999"),
                              QStringLiteral("--1")};
    QString values;
    for (const QString& n : numbers)
        values +=
            (values.isEmpty() ? QString() : QStringLiteral(", ")) + QStringLiteral("('") + n + QStringLiteral("')");
    // Images: each pair is (a, b, equal on the desktop). The item nested 17 levels of M deep is beyond the macro.
    QString deepA = QStringLiteral("{\"S\":\"x\"}");
    QString deepB = deepA;
    for (int i = 0; i < (storage::kCanonicalDepth - 2) / 2 + 1; ++i) {
        deepA = QStringLiteral("{\"M\":{\"a\":") + deepA + QStringLiteral(",\"b\":{\"N\":\"1\"}}}");
        deepB = QStringLiteral("{\"M\":{\"b\":{\"N\":\"1\"},\"a\":") + deepB + QStringLiteral("}}");
    }
    const QList<std::tuple<QString, QString, bool>> images{
        {QStringLiteral(R"({"a":{"NS":["2","1.0","2E0"]},"b":{"SS":["y","x"]}})"),
         QStringLiteral(R"({"b":{"SS":["x","y","x"]},"a":{"NS":["1","2"]}})"), true},
        {QStringLiteral(R"({"a":{"M":{"n":{"N":"1.50"},"s":{"S":"\u00e9\/"}}}})"),
         QStringLiteral(R"({"a":{"M":{"s":{"S":"é/"},"n":{"N":"15E-1"}}}})"), true},
        {QStringLiteral(R"({"a":{"L":[{"N":"1"},{"N":"2"}]}})"), QStringLiteral(R"({"a":{"L":[{"N":"2"},{"N":"1"}]}})"),
         false},
        {QStringLiteral(R"({"a":{"N":"1"}})"), QStringLiteral(R"({"a":{"N":"1.00000000000000000001"}})"), false},
        {QStringLiteral(R"({"a":{"SS":["x","y"]}})"), QStringLiteral(R"({"a":{"SS":["x","z"]}})"), false},
        {QStringLiteral("{\"d\":") + deepA + QStringLiteral("}"),
         QStringLiteral("{\"d\":") + deepB + QStringLiteral("}"), true},
    };
    QString pairs;
    for (int i = 0; i < images.size(); ++i)
        pairs += (pairs.isEmpty() ? QString() : QStringLiteral(", "))
            + QStringLiteral("(%1, '%2', '%3')").arg(i).arg(std::get<0>(images[i]), std::get<1>(images[i]));
    const QString script = m_dir.filePath(QStringLiteral("canonical.sql"));
    {
        QFile f(script);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write((QString::fromStdString(storage::canonicalNumberMacro() + ";\n" + storage::canonicalJsonMacro() + ";\n")
                 + QStringLiteral("SELECT t, streamscope_canonical_number(t) AS c FROM (VALUES ") + values
                 + QStringLiteral(") v(t);\nSELECT i, streamscope_canonical_json(CAST(a AS JSON)) AS a, "
                                  "streamscope_canonical_json(CAST(b AS JSON)) AS b FROM (VALUES ")
                 + pairs
                 + QStringLiteral(") v(i, a, b) ORDER BY i;\n")
                 // The same number rule as Athena/Trino and Spark print it (top-level numbers there), run here.
                 + QStringLiteral("SELECT t, ")
                 + QString::fromStdString(storage::portableCanonicalNumber("t", storage::SqlDialect::Trino))
                 + QStringLiteral(" AS c FROM (VALUES ") + values + QStringLiteral(") v(t);\nSELECT t, ")
                 + QString::fromStdString(storage::portableCanonicalNumber("t", storage::SqlDialect::Spark))
                 + QStringLiteral(" AS c FROM (VALUES ") + values + QStringLiteral(") v(t);\n"))
                    .toUtf8());
    }
    QString error;
    const QList<QByteArray> results = runNode({QStringLiteral("exec"), script}, error).trimmed().split('\n');
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(results.size(), 4);
    for (const int r : {0, 2, 3}) { // the DuckDB macro, then the Trino/Athena and the Spark text
        const QJsonArray numberRows =
            QJsonDocument::fromJson(results[r]).object().value(QStringLiteral("rows")).toArray();
        QCOMPARE(numberRows.size(), numbers.size());
        for (const auto& v : numberRows) {
            const QJsonObject row = v.toObject();
            const QString t = row.value(QStringLiteral("t")).toString();
            QVERIFY2(
                row.value(QStringLiteral("c")).toString()
                    == QString::fromStdString(model::canonicalNumber(t.toStdString())),
                qPrintable(
                    QStringLiteral("result %1: %2 -> %3").arg(r).arg(t, row.value(QStringLiteral("c")).toString())));
        }
    }
    const QJsonArray imageRows = QJsonDocument::fromJson(results[1]).object().value(QStringLiteral("rows")).toArray();
    QCOMPARE(imageRows.size(), images.size());
    for (int i = 0; i < images.size(); ++i) {
        const QJsonObject row = imageRows[i].toObject();
        const QString a = row.value(QStringLiteral("a")).toString();
        const QString b = row.value(QStringLiteral("b")).toString();
        const bool deep = i == images.size() - 1;
        if (deep) {
            // Beyond the macro's depth: not called equal; both carry the marker, so the SQL can say so.
            QVERIFY2(a != b, qPrintable(a));
            QVERIFY(a.contains(QLatin1String(storage::kTooDeepMarker.data(), storage::kTooDeepMarker.size())));
            QVERIFY(b.contains(QLatin1String(storage::kTooDeepMarker.data(), storage::kTooDeepMarker.size())));
            continue;
        }
        QVERIFY2((a == b) == std::get<2>(images[i]),
                 qPrintable(QString::number(i) + QLatin1Char(' ') + a + QStringLiteral(" / ") + b));
    }
}

void TestSqlDuckDb::canonicalSets()
{
    if (!m_skip.isEmpty())
        QSKIP(qPrintable(m_skip));
    // The set rule Athena, Trino and Spark apply to the top-level sets of Keys and images
    // (storage::portableCanonicalSetMembers: array_distinct, array_sort, transform with the number rule for NS), run
    // here on DuckDB (which names transform list_transform), the members written back as JSON with to_json (Spark's
    // function; Trino's CAST(… AS json) is not run). Sets written with reordered and repeated members and respelled
    // NS numbers must give one text, which is streamscope_canonical_json's text of that set; other sets other texts.
    struct Set
    {
        int group;
        QString type, members;
    };
    const QList<Set> sets{
        {0, QStringLiteral("SS"), QStringLiteral(R"(["x","y"])")},
        {0, QStringLiteral("SS"), QStringLiteral(R"(["y","x","y"])")},
        {0, QStringLiteral("SS"), QStringLiteral(R"(["y","x"])")},
        {1, QStringLiteral("SS"), QStringLiteral(R"(["x","z"])")},
        {2, QStringLiteral("SS"), QStringLiteral(R"(["x"])")},
        {3, QStringLiteral("NS"), QStringLiteral(R"(["1","2"])")},
        {3, QStringLiteral("NS"), QStringLiteral(R"(["2","1.0","2E0"])")},
        {3, QStringLiteral("NS"), QStringLiteral(R"(["20E-1","01","+1","2"])")},
        {4, QStringLiteral("NS"), QStringLiteral(R"(["1","1.00000000000000000001"])")},
        {4, QStringLiteral("NS"), QStringLiteral(R"(["1.00000000000000000001","1.0"])")},
        {5, QStringLiteral("NS"), QStringLiteral(R"(["1"])")},
        {6, QStringLiteral("NS"), QStringLiteral(R"(["-1.50e-3","0.000","123.456"])")},
        {6, QStringLiteral("NS"), QStringLiteral(R"(["123456E-3","-0","-0.0015"])")},
        {7, QStringLiteral("BS"), QStringLiteral(R"(["QQ==","Qg=="])")},
        {7, QStringLiteral("BS"), QStringLiteral(R"(["Qg==","QQ==","Qg=="])")},
        {8, QStringLiteral("BS"), QStringLiteral(R"(["QQ=="])")},
    };
    QString values;
    for (int i = 0; i < sets.size(); ++i)
        values += (values.isEmpty() ? QString() : QStringLiteral(", "))
            + QStringLiteral("(%1, %2, '%3', '%4')").arg(i).arg(sets[i].group).arg(sets[i].type, sets[i].members);
    const std::string members = "CAST(CAST(m AS JSON) AS VARCHAR[])";
    const auto duck = [](std::string text) {
        for (std::size_t at = 0; (at = text.find("transform(", at)) != std::string::npos; at += 15)
            text.replace(at, 10, "list_transform(");
        return QString::fromStdString(text);
    };
    QString script =
        QString::fromStdString(storage::canonicalNumberMacro() + ";\n" + storage::canonicalJsonMacro() + ";\n")
        + QStringLiteral("SELECT i, g, concat('{\"', t, '\":', CAST(to_json(CASE WHEN t = 'NS' THEN ")
        + duck(storage::portableCanonicalSetMembers(members, true, storage::SqlDialect::Spark))
        + QStringLiteral("\n  ELSE ")
        + duck(storage::portableCanonicalSetMembers(members, false, storage::SqlDialect::Spark))
        + QStringLiteral(
            " END) AS VARCHAR), '}') AS p,\n  CAST(streamscope_canonical_json(CAST(concat('{\"', t, '\":', m, "
            "'}') AS JSON)) AS VARCHAR) AS c\nFROM (VALUES ")
        + values + QStringLiteral(") v(i, g, t, m) ORDER BY i;\n");
    // The Trino/Athena text of the rule too (the same functions; its number rule differs in its literals only).
    script += QStringLiteral("SELECT i, CAST(to_json(CASE WHEN t = 'NS' THEN ")
        + duck(storage::portableCanonicalSetMembers(members, true, storage::SqlDialect::Trino))
        + QStringLiteral("\n  ELSE ")
        + duck(storage::portableCanonicalSetMembers(members, false, storage::SqlDialect::Trino))
        + QStringLiteral(" END) AS VARCHAR) AS p\nFROM (VALUES ") + values
        + QStringLiteral(") v(i, g, t, m) ORDER BY i;\n");
    const QString file = m_dir.filePath(QStringLiteral("canonical-sets.sql"));
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(script.toUtf8());
    }
    QString error;
    const QList<QByteArray> results = runNode({QStringLiteral("exec"), file}, error).trimmed().split('\n');
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(results.size(), 2);
    const QJsonArray rows = QJsonDocument::fromJson(results[0]).object().value(QStringLiteral("rows")).toArray();
    const QJsonArray trinoRows = QJsonDocument::fromJson(results[1]).object().value(QStringLiteral("rows")).toArray();
    QCOMPARE(rows.size(), sets.size());
    QCOMPARE(trinoRows.size(), sets.size());
    QStringList texts;
    for (int i = 0; i < sets.size(); ++i) {
        const QJsonObject row = rows[i].toObject();
        const QString p = row.value(QStringLiteral("p")).toString();
        const QString c = row.value(QStringLiteral("c")).toString();
        // the same text as DuckDB's macro writes for the set (its members sort the same way here)
        QVERIFY2(p == c, qPrintable(QStringLiteral("%1 %2: %3 / macro %4").arg(sets[i].type, sets[i].members, p, c)));
        const QString trino = QStringLiteral("{\"") + sets[i].type + QStringLiteral("\":")
            + trinoRows[i].toObject().value(QStringLiteral("p")).toString() + QLatin1Char('}');
        QCOMPARE(trino, p);
        texts << p;
    }
    for (int i = 0; i < sets.size(); ++i)
        for (int j = i + 1; j < sets.size(); ++j)
            QVERIFY2((texts[i] == texts[j]) == (sets[i].group == sets[j].group),
                     qPrintable(
                         QStringLiteral("%1 / %2: %3 / %4").arg(sets[i].members, sets[j].members, texts[i], texts[j])));
}

void TestSqlDuckDb::rawAudit_data()
{
    QTest::addColumn<QString>("layout"); // what tests/sql/layouts.py writes
    QTest::addColumn<QString>("source"); // what `sql --source` reads
    QTest::addColumn<QStringList>("generator");
    QTest::addColumn<QStringList>("kinds"); // the desktop must find these (so the comparison covers them)
    const auto faults = [](const char* seed, const char* view) {
        return QStringList{QStringLiteral("--seed"),
                           QLatin1String(seed),
                           QStringLiteral("--tables"),
                           QStringLiteral("2"),
                           QStringLiteral("--composite-keys"),
                           QStringLiteral("--quiet"),
                           QStringLiteral("--records"),
                           QStringLiteral("500"),
                           QStringLiteral("--keys"),
                           QStringLiteral("50"),
                           QStringLiteral("--view-type"),
                           QLatin1String(view),
                           QStringLiteral("--layout"),
                           QStringLiteral("jsonl"),
                           QStringLiteral("--gap-rate"),
                           QStringLiteral("0.03"),
                           QStringLiteral("--duplicate-rate"),
                           QStringLiteral("0.03"),
                           QStringLiteral("--shuffle"),
                           QStringLiteral("--ttl-rate"),
                           QStringLiteral("0.3"),
                           QStringLiteral("--remove-rate"),
                           QStringLiteral("0.2")};
    };
    // Export lines are compacted (no orphan-start, no insert-over-existing for them, as on the desktop).
    const QStringList common{QStringLiteral("duplicate"), QStringLiteral("out-of-order-arrival")};
    const QString incremental = QStringLiteral("s3-incremental");
    QTest::newRow("new and old images") << incremental << incremental << faults("5", "NEW_AND_OLD_IMAGES")
                                        << (common + QStringList{QStringLiteral("gap")});
    // Without OldImage every line with a NewImage is an INSERT (as the importer reads it): no gaps to see.
    QTest::newRow("new image only") << incremental << incremental << faults("8", "NEW_IMAGE") << common;
    // Every other line's images written differently but equal for the desktop (numbers respelled, set members
    // reversed and repeated, \\u escapes), every tenth line's NewImage with a number changed by 10^-20: the SQL's
    // canonical images must give exactly the desktop's gaps (no more for the spellings, none fewer for 10^-20).
    // Checked to fail: with numbers left as written (218 findings only SQL had, 7 only the desktop), and with set
    // members left in their order.
    // A quarter of the keys with an attribute nested 20 levels of M deep in every image (beyond the canonical
    // form's 16): the SQL audit reports each such record as not-canonical-image (info), nothing else changes (the
    // deep value is the same text in every spelling). Fails without the audit's not-canonical branch.
    QTest::newRow("nested deeper than the canonical form")
        << QStringLiteral("s3-incremental-deep") << incremental << faults("5", "NEW_AND_OLD_IMAGES")
        << (common + QStringList{QStringLiteral("gap")});
    QTest::newRow("respelled images") << QStringLiteral("s3-incremental-respelled") << incremental
                                      << faults("5", "NEW_AND_OLD_IMAGES")
                                      << (common + QStringList{QStringLiteral("gap")});
    // Kinesis records carry their event name, eventID (redeliveries are duplicates by it) and TTL identity, and are
    // not compacted: every continuity kind can occur.
    const QString kinesis = QStringLiteral("kinesis-archive");
    QTest::newRow("kinesis archive") << kinesis << kinesis << faults("5", "NEW_AND_OLD_IMAGES")
                                     << (common
                                         + QStringList{QStringLiteral("gap"), QStringLiteral("ttl-remove"),
                                                       QStringLiteral("insert-over-existing")});
    // ApproximateCreationDateTime as µs with and without ApproximateCreationDateTimePrecision, and as ms.
    QTest::newRow("kinesis archive, new image only, ms and us")
        << QStringLiteral("kinesis-archive-mixed-units") << kinesis << faults("8", "NEW_IMAGE") << common;
    // A full export alone (source "s3-full"): its items are SNAPSHOT records at the export time, keyed by the key
    // attributes of the DescribeTable output beside it; the state at the export time is the snapshot. Checked to
    // fail with a broken view (the whole Item as the Keys): the state differs (there are no findings to compare).
    QTest::newRow("full export") << QStringLiteral("s3-full") << QStringLiteral("s3-full")
                                 << faults("5", "NEW_AND_OLD_IMAGES") << QStringList();
    // The full export and the incremental export after it ("s3-full+incremental": --incremental-location, and the
    // window start --window-from): the lines continue the snapshot's histories.
    const QString fullAndIncremental = QStringLiteral("s3-full+incremental");
    QTest::newRow("full and incremental exports")
        << QStringLiteral("s3-full") << fullAndIncremental << faults("5", "NEW_AND_OLD_IMAGES")
        << (common + QStringList{QStringLiteral("gap")});
    // The full export inside the incremental export's window (one compacted line per key): a line after the
    // snapshot holds the item at the window start; the desktop does not compare them (only keys the full export
    // lacks give findings: orphan starts), nor does SQL knowing the window start: without --window-from it reports a
    // gap for every key changed between the window start and the export (checked: 26 more findings).
    // The full export and TWO incremental exports after it with overlapping windows (each its own --window-from,
    // in the same order as --incremental-location): the second export's compacted lines hold the items at its
    // window start, so the desktop compares none of them with the first export's lines inside that window; nor does
    // SQL, given each window. Checked to fail with the first window's start given for both.
    QTest::newRow("full and two incremental exports")
        << QStringLiteral("s3-full-two-incremental") << fullAndIncremental << faults("5", "NEW_AND_OLD_IMAGES")
        << (common + QStringList{QStringLiteral("gap")});
    // The same with export IDs that sort the full export last (requested after the incremental exports): the
    // importer reads the export folders in path order (storage/import/exportfolder.cpp putManifestsLast: by the
    // manifest's path, not by the exports' times), so the full export's items arrive last and are late arrivals on
    // the desktop; SQL orders the files by path too and finds the same. Checked to fail with the full export's rows
    // ordered first.
    QTest::newRow("full export sorting last by path")
        << QStringLiteral("s3-full-two-incremental-unsorted") << fullAndIncremental << faults("5", "NEW_AND_OLD_IMAGES")
        << (common + QStringList{QStringLiteral("gap")});
    // The two incremental exports of that layout without the full export (--source s3-incremental --location the
    // first, --incremental-location the second, a --window-from each): a store that imported only them. Checked to
    // fail with the first window's start given for both.
    QTest::newRow("two incremental exports")
        << QStringLiteral("s3-full-two-incremental") << QStringLiteral("s3-incremental+incremental")
        << faults("5", "NEW_AND_OLD_IMAGES") << (common + QStringList{QStringLiteral("orphan-start")});
    QTest::newRow("full export inside a compacted window")
        << QStringLiteral("s3-full-overlap") << fullAndIncremental << faults("5", "NEW_AND_OLD_IMAGES")
        << QStringList{QStringLiteral("orphan-start")};
}

void TestSqlDuckDb::rawAudit()
{
    if (!m_skip.isEmpty())
        QSKIP(qPrintable(m_skip));
    // The SQL over the RAW files (no import): tests/sql/layouts.py writes the generated faults (gaps, duplicate
    // lines, shuffled lines, TTL removes, two tables) as one incremental export per table (every other line's Keys
    // and images reordered at every level), as one Kinesis archive, or as a full export per table with an incremental
    // export after it; the DuckDB text of `sql --source SOURCE --location DATA --table T` (for a full export with its
    // key attributes and export time, and the incremental export's location and window start) must give the findings
    // `audit --json --records` gives for a store that imported the same folder (for the full export alone: its
    // export folders), and the state `state --at --json` gives. No layout has sequence numbers: a finding's record is
    // identified by its key and time (WriteTimestampMicros or ApproximateCreationDateTime; the desktop's recordId
    // looked up in the store), so findings compare as kind|severity|table|key|time.
    QFETCH(QString, layout);
    QFETCH(QString, source);
    QFETCH(QStringList, generator);
    QFETCH(QStringList, kinds);
    const QString name = QStringLiteral("raw-")
        + QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('_'));
    const QString capture = m_dir.filePath(name + QStringLiteral(".jsonl"));
    QString err = testsupport::runGenerator(generator << QStringLiteral("--out") << capture);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const QString folder = m_dir.filePath(name + QStringLiteral("-layout"));
    QProcess p;
    p.start(QStringLiteral(STREAMSCOPE_PYTHON),
            {testsupport::sourceDir() + QStringLiteral("/tests/sql/layouts.py"), layout, capture, folder});
    QVERIFY(p.waitForFinished(120000));
    QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, p.readAllStandardError().constData());

    // Each export folder's table, type, data/ folder and times (manifest-summary.json).
    struct Export
    {
        QString table, type, data;
        QString exportTime, fromTime;
    };
    std::vector<Export> exports;
    const QDir exportRoot(folder + QStringLiteral("/AWSDynamoDB"));
    for (const QString& id : exportRoot.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile summary(exportRoot.filePath(id + QStringLiteral("/manifest-summary.json")));
        QVERIFY(summary.open(QIODevice::ReadOnly));
        const QJsonObject m = QJsonDocument::fromJson(summary.readAll()).object();
        exports.push_back(
            {m.value(QStringLiteral("tableArn")).toString().section(QLatin1Char('/'), 1, 1),
             m.value(QStringLiteral("exportType")).toString(), exportRoot.filePath(id + QStringLiteral("/data")),
             m.value(QStringLiteral("exportTime")).toString(), m.value(QStringLiteral("exportFromTime")).toString()});
    }
    // A full export alone: the store imports only the full exports (their DescribeTable outputs are two folders up).
    // Incremental exports alone (source "s3-incremental+incremental"): only the incremental export folders.
    QStringList importPaths{folder};
    const bool incrementalsOnly = source == QLatin1String("s3-incremental+incremental");
    if (source == QLatin1String("s3-full") || incrementalsOnly) {
        importPaths.clear();
        for (const Export& e : exports) {
            if (e.type == QLatin1String(incrementalsOnly ? "INCREMENTAL_EXPORT" : "FULL_EXPORT"))
                importPaths << QFileInfo(e.data).path();
        }
    }
    const QString store = m_dir.filePath(name + QStringLiteral(".streamscope"));
    const auto imported =
        runCli(QStringList{QStringLiteral("import"), QStringLiteral("--store"), store, QStringLiteral("--no-progress")}
               + importPaths);
    QVERIFY2(imported.exitCode == 0 || imported.exitCode == 1, imported.err.constData());

    // The desktop: findings of the SQL kinds with their record's time.
    std::map<qint64, QString> recordTime;
    {
        auto db = storage::Database::open(store.toStdString(), storage::Database::OpenMode::ReadOnly);
        QVERIFY(db);
        auto st = db->prepare("SELECT id, time_us FROM records");
        QVERIFY(st);
        QVERIFY(!st->forEachRow([&](const storage::Statement& row) {
            recordTime[row.int64(0)] = row.isNull(1) ? QStringLiteral("null") : QString::number(row.int64(1));
        }));
    }
    const auto audit = runCli({QStringLiteral("audit"), QStringLiteral("--store"), store, QStringLiteral("--json"),
                               QStringLiteral("--records")});
    QCOMPARE(audit.exitCode, 0);
    QStringList desktop;
    QSet<QString> kindsSeen;
    for (const auto& v : QJsonDocument::fromJson(audit.out).object().value(QStringLiteral("findings")).toArray()) {
        const QJsonObject f = v.toObject();
        const QString kind = f.value(QStringLiteral("kind")).toString();
        if (!kSqlKinds.contains(kind))
            continue;
        kindsSeen.insert(kind);
        const auto id = static_cast<qint64>(f.value(QStringLiteral("recordId")).toDouble());
        desktop << QStringList{kind,
                               f.value(QStringLiteral("severity")).toString(),
                               f.value(QStringLiteral("table")).toString(),
                               canonicalValue(f.value(QStringLiteral("key"))),
                               text(f.value(QStringLiteral("sequenceNumber"))),
                               recordTime.count(id) ? recordTime[id] : QStringLiteral("no record")}
                       .join(QLatin1Char('|'));
    }
    // Lines nested deeper than the canonical form goes (layouts.py s3-incremental-deep lists them): the SQL audit
    // must say so, one not-canonical-image finding per record (the desktop compares every level: no such kind).
    QFile deepList(folder + QStringLiteral(".deep-records"));
    if (deepList.exists()) {
        QVERIFY(deepList.open(QIODevice::ReadOnly));
        QSet<QString> deep;
        for (const QByteArray& line : deepList.readAll().split('\n')) {
            const QList<QByteArray> fields = line.split('\t');
            if (fields.size() == 3)
                deep.insert(QStringList{QStringLiteral("not-canonical-image"), QStringLiteral("info"),
                                        QString::fromUtf8(fields[0]), canonicalText(fields[1]), QStringLiteral("null"),
                                        QString::fromUtf8(fields[2])}
                                .join(QLatin1Char('|')));
        }
        QVERIFY(deep.size() > 10);
        desktop += QStringList(deep.begin(), deep.end());
    }
    QStringList seen(kindsSeen.begin(), kindsSeen.end());
    seen.sort();
    qInfo("%s: desktop kinds %s", qPrintable(name), qPrintable(seen.join(QStringLiteral(", "))));
    for (const QString& kind : kinds)
        QVERIFY2(kindsSeen.contains(kind), qPrintable(kind));

    // The state at the middle of the capture.
    const auto info = runCli({QStringLiteral("info"), QStringLiteral("--store"), store, QStringLiteral("--json")});
    QCOMPARE(info.exitCode, 0);
    const QJsonObject totals = QJsonDocument::fromJson(info.out).object().value(QStringLiteral("totals")).toObject();
    const QDateTime first =
        QDateTime::fromString(totals.value(QStringLiteral("firstTime")).toString(), Qt::ISODateWithMs);
    const QDateTime last =
        QDateTime::fromString(totals.value(QStringLiteral("lastTime")).toString(), Qt::ISODateWithMs);
    QVERIFY(first.isValid() && last.isValid());
    const QString at =
        QDateTime::fromMSecsSinceEpoch((first.toMSecsSinceEpoch() + last.toMSecsSinceEpoch()) / 2, Qt::UTC)
            .toString(Qt::ISODateWithMs);

    // SQL, one table at a time: an S3 incremental export's data/ folder with --table (the lines do not name it);
    // the whole Kinesis archive with --table choosing the table's records; a full export's data/ folder with the
    // key attributes (the DescribeTable output layouts.py writes) and the export time, and the incremental export
    // after it with its window start.
    struct Run
    {
        QString table;
        QStringList arguments;
        QString at;
    };
    std::vector<Run> runs;
    if (source == QLatin1String("kinesis-archive")) {
        auto db = storage::Database::open(store.toStdString(), storage::Database::OpenMode::ReadOnly);
        QVERIFY(db);
        auto st = db->prepare("SELECT name FROM ddb_tables ORDER BY name");
        QVERIFY(st);
        QVERIFY(!st->forEachRow([&](const storage::Statement& row) {
            runs.push_back(
                {QString::fromStdString(std::string(row.text(0))), {QStringLiteral("--location"), folder}, at});
        }));
    } else if (source == QLatin1String("s3-incremental")) {
        for (const Export& e : exports)
            runs.push_back({e.table, {QStringLiteral("--location"), e.data}, at});
    } else if (incrementalsOnly) { // per table: the first export as --location, the others after it, each window
        std::map<QString, Run> byTable;
        for (const Export& e : exports) {
            if (e.type != QLatin1String("INCREMENTAL_EXPORT"))
                continue;
            Run& run = byTable[e.table];
            run.table = e.table;
            run.at = at;
            run.arguments << (run.arguments.isEmpty() ? QStringLiteral("--location")
                                                      : QStringLiteral("--incremental-location"))
                          << e.data << QStringLiteral("--window-from") << e.fromTime;
        }
        for (const auto& [table, run] : byTable)
            runs.push_back(run);
    } else {
        for (const Export& full : exports) {
            if (full.type != QLatin1String("FULL_EXPORT"))
                continue;
            QFile describe(folder + QStringLiteral("/describe-table-") + full.table + QStringLiteral(".json"));
            QVERIFY(describe.open(QIODevice::ReadOnly));
            QStringList keys;
            for (const auto& k : QJsonDocument::fromJson(describe.readAll())
                                     .object()
                                     .value(QStringLiteral("Table"))
                                     .toObject()
                                     .value(QStringLiteral("KeySchema"))
                                     .toArray())
                keys << k.toObject().value(QStringLiteral("AttributeName")).toString();
            Run run{full.table,
                    {QStringLiteral("--location"), full.data, QStringLiteral("--key-attributes"),
                     keys.join(QLatin1Char(',')), QStringLiteral("--export-time"), full.exportTime},
                    at};
            if (source == QLatin1String("s3-full")) {
                run.at = full.exportTime; // the state the full export shows
            } else {
                for (const Export& e : exports) {
                    if (e.table == full.table && e.type == QLatin1String("INCREMENTAL_EXPORT"))
                        run.arguments << QStringLiteral("--incremental-location") << e.data
                                      << QStringLiteral("--window-from") << e.fromTime;
                }
            }
            runs.push_back(run);
        }
    }
    QStringList fromSql;
    QStringList desktopState;
    QStringList sqlState;
    int tables = 0;
    for (const Run& run : runs) {
        const QString& table = run.table;
        QVERIFY(!table.isEmpty());
        ++tables;
        const auto sql =
            runCli(QStringList{QStringLiteral("sql"), QStringLiteral("--dialect"), QStringLiteral("duckdb"),
                               QStringLiteral("--source"), source.section(QLatin1Char('+'), 0, 0),
                               QStringLiteral("--table"), table, QStringLiteral("--at"), run.at}
                   + run.arguments);
        QVERIFY2(sql.exitCode == 0, sql.err.constData());
        const QString script = m_dir.filePath(name + QLatin1Char('-') + table + QStringLiteral(".sql"));
        {
            QFile f(script);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(sql.out
                    + "SELECT a.kind, a.severity, a.table_name, a.item_key, a.sequence_number, c.time_us\n"
                      "FROM streamscope_audit a LEFT JOIN streamscope_changes c\n"
                      "  ON c.table_name = a.table_name AND c.item_key = a.item_key AND c.pos = a.pos;\n");
        }
        QString error;
        const QList<QByteArray> results = runNode({QStringLiteral("exec"), script}, error).trimmed().split('\n');
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(results.size(), 3); // the script's findings and state, then the findings with their time
        for (const auto& v : QJsonDocument::fromJson(results[2]).object().value(QStringLiteral("rows")).toArray()) {
            const QJsonObject f = v.toObject();
            fromSql << QStringList{f.value(QStringLiteral("kind")).toString(),
                                   f.value(QStringLiteral("severity")).toString(),
                                   f.value(QStringLiteral("table_name")).toString(),
                                   canonicalValue(f.value(QStringLiteral("item_key"))),
                                   text(f.value(QStringLiteral("sequence_number"))),
                                   text(f.value(QStringLiteral("time_us")))}
                           .join(QLatin1Char('|'));
        }
        sqlState += stateRows(QJsonDocument::fromJson(results[1]).object().value(QStringLiteral("rows")).toArray());
        desktopState += desktopStateRows(store, table, run.at, error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    QCOMPARE(tables, 2);
    desktop.sort();
    fromSql.sort();
    qInfo("%s: %lld findings compared", qPrintable(name), static_cast<long long>(desktop.size()));
    warnDifferences(desktop, fromSql);
    QCOMPARE(fromSql, desktop);
    desktopState.sort();
    sqlState.sort();
    QVERIFY(desktopState.size() > 10);
    qInfo("%s: state at %s: %lld items compared", qPrintable(name), qPrintable(at),
          static_cast<long long>(desktopState.size()));
    warnDifferences(desktopState, sqlState);
    QCOMPARE(sqlState, desktopState);
}

int main(int argc, char** argv)
{
    // auditAndState runs DuckDB on eleven captures; on the shared 2-core machine under load its rows together pass
    // Qt Test's 5-minute default per test function (a guard, not a speed check).
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", "1200000");
    QCoreApplication app(argc, argv);
    TestSqlDuckDb test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_sqlduckdb.moc"

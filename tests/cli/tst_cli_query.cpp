// CLI: keys / history / diff / audit / state on a generated capture imported with `streamscope import`; JSON
// output parsed and checked; --key parsing errors give a clear message and exit code 2.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <map>

#include "testsupport.h"

class TestCliQuery : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_store;

    using Run = testsupport::CliRun;

    static Run run(const QStringList& args) { return testsupport::runCli(args); }

    QJsonObject runJson(const QStringList& args)
    {
        const Run r = run(args + QStringList{QStringLiteral("--json")});
        if (r.exitCode != 0)
            qWarning("exit %d: %s", r.exitCode, r.err.constData());
        QJsonParseError error;
        const auto doc = QJsonDocument::fromJson(r.out, &error);
        if (error.error != QJsonParseError::NoError)
            qWarning("not JSON (%s): %.300s", qPrintable(error.errorString()), r.out.constData());
        return doc.object();
    }

    QStringList base(const QString& command) const { return {command, QStringLiteral("--store"), m_store}; }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_SHARED_DIR();
        const QString capture = m_dir.filePath(QStringLiteral("cap.json"));
        QCOMPARE(testsupport::runGenerator(
                     {QStringLiteral("--seed"), QStringLiteral("4"), QStringLiteral("--records"), QStringLiteral("400"),
                      QStringLiteral("--keys"), QStringLiteral("20"), QStringLiteral("--gap-rate"),
                      QStringLiteral("0.05"), QStringLiteral("--duplicate-rate"), QStringLiteral("0.05"),
                      QStringLiteral("--ttl-rate"), QStringLiteral("0.5"), QStringLiteral("--layout"),
                      QStringLiteral("single"), QStringLiteral("--quiet"), QStringLiteral("--out"), capture}),
                 QString());
        m_store = m_dir.filePath(QStringLiteral("s.streamscope"));
        const Run r = run({QStringLiteral("import"), QStringLiteral("--store"), m_store, capture});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    // --version names the project version and the git commit of the build; the store says which build created it
    // and last wrote it (info, text and JSON).
    void versionAndWriter()
    {
        const Run version = run({QStringLiteral("--version")});
        QCOMPARE(version.exitCode, 0);
        const QString text = QString::fromUtf8(version.out).trimmed();
        static const QRegularExpression shape(
            QStringLiteral(R"(^streamscope \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(-modified)?|unknown)\)$)"));
        QVERIFY2(shape.match(text).hasMatch(), qPrintable(text));
        const QString identity = text; // "streamscope 0.1.0 (commit …)"
        const auto info = runJson(base(QStringLiteral("info")));
        const QJsonObject writers = info.value(QStringLiteral("writtenBy")).toObject();
        QCOMPARE(writers.value(QStringLiteral("createdBy")).toString(), identity);
        QCOMPARE(writers.value(QStringLiteral("lastWrittenBy")).toString(), identity);
        const Run human = run(base(QStringLiteral("info")));
        QVERIFY(human.out.contains(("last written by " + identity).toUtf8()));
    }

    void keys()
    {
        const auto o = runJson(base(QStringLiteral("keys")));
        const auto keys = o.value(QStringLiteral("keys")).toArray();
        QCOMPARE(keys.size(), 20);
        const auto k = keys.at(0).toObject();
        QCOMPARE(k.value(QStringLiteral("table")).toString(), QStringLiteral("ExampleTableWithStream"));
        QVERIFY(k.value(QStringLiteral("key")).toObject().contains(QStringLiteral("Id")));
        QVERIFY(k.value(QStringLiteral("records")).toInt() > 0);
        QVERIFY(k.value(QStringLiteral("firstTime")).toString().endsWith(QLatin1Char('Z')));
        const auto filtered =
            runJson(base(QStringLiteral("keys")) + QStringList{QStringLiteral("--filter"), QStringLiteral("Id=100")});
        QCOMPARE(filtered.value(QStringLiteral("keys")).toArray().size(), 1);
        const Run text = run(base(QStringLiteral("keys")));
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains("Id=100"));
    }

    void history_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addRow("name=value") << "Id=100";
        QTest::addRow("dynamodb json") << R"({"Id":{"N":"100"}})";
        QTest::addRow("dynamodb json, number form") << R"({"Id":{"N":"100.0"}})";
    }

    void history()
    {
        QFETCH(QString, key);
        const auto o = runJson(base(QStringLiteral("history"))
                               + QStringList{QStringLiteral("--table"), QStringLiteral("ExampleTableWithStream"),
                                             QStringLiteral("--key"), key});
        QCOMPARE(o.value(QStringLiteral("table")).toString(), QStringLiteral("ExampleTableWithStream"));
        QCOMPARE(o.value(QStringLiteral("key"))
                     .toObject()
                     .value(QStringLiteral("Id"))
                     .toObject()
                     .value(QStringLiteral("N"))
                     .toString(),
                 QStringLiteral("100"));
        QCOMPARE(o.value(QStringLiteral("ordering")).toString(), QStringLiteral("sequence"));
        const auto versions = o.value(QStringLiteral("versions")).toArray();
        QVERIFY(versions.size() > 1);
        QString previousSeq;
        for (const auto& value : versions) {
            const auto v = value.toObject();
            for (const char* field : {"sequenceNumber", "eventID", "eventName", "approximateCreationDateTime", "ttl",
                                      "imageKnown", "image", "changes"})
                QVERIFY2(v.contains(QLatin1String(field)), field);
            const QString event = v.value(QStringLiteral("eventName")).toString();
            QVERIFY(v.value(QStringLiteral("imageKnown")).toBool()); // NEW_AND_OLD_IMAGES
            if (event == QLatin1String("REMOVE"))
                QVERIFY(v.value(QStringLiteral("image")).isNull());
            else
                QVERIFY(v.value(QStringLiteral("image")).toObject().contains(QStringLiteral("Id")));
            const QString seq = v.value(QStringLiteral("sequenceNumber")).toString();
            QVERIFY(previousSeq.isEmpty() || seq.size() > previousSeq.size()
                    || (seq.size() == previousSeq.size() && seq > previousSeq));
            previousSeq = seq;
            for (const auto& c : v.value(QStringLiteral("changes")).toArray()) {
                const auto change = c.toObject();
                const QString op = change.value(QStringLiteral("op")).toString();
                QVERIFY(op == QLatin1String("add") || op == QLatin1String("remove") || op == QLatin1String("replace"));
                QVERIFY(change.value(QStringLiteral("path")).toString().startsWith(QLatin1Char('/')));
                if (op != QLatin1String("add"))
                    QVERIFY(change.contains(QStringLiteral("old")));
                if (op != QLatin1String("remove"))
                    QVERIFY(change.contains(QStringLiteral("new")));
            }
        }
        const auto first = versions.at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("eventName")).toString(), QStringLiteral("INSERT"));
        QVERIFY(!first.value(QStringLiteral("changes")).toArray().isEmpty());
    }

    void diff()
    {
        const QStringList keyArgs{QStringLiteral("--table"), QStringLiteral("ExampleTableWithStream"),
                                  QStringLiteral("--key"), QStringLiteral("Id=100")};
        const auto h = runJson(base(QStringLiteral("history")) + keyArgs);
        const auto versions = h.value(QStringLiteral("versions")).toArray();
        QVERIFY(versions.size() > 2);
        const QString from = versions.at(0).toObject().value(QStringLiteral("sequenceNumber")).toString();
        const QString to = versions.at(1).toObject().value(QStringLiteral("sequenceNumber")).toString();
        const auto d = runJson(base(QStringLiteral("diff")) + keyArgs
                               + QStringList{QStringLiteral("--from"), from, QStringLiteral("--to"), to});
        QCOMPARE(d.value(QStringLiteral("from")).toObject().value(QStringLiteral("sequenceNumber")).toString(), from);
        // adjacent versions: the diff is version 2's changes, unless a gap sits between them
        if (versions.at(1).toObject().value(QStringLiteral("changesSince")).toString() == from)
            QCOMPARE(d.value(QStringLiteral("changes")).toArray(),
                     versions.at(1).toObject().value(QStringLiteral("changes")).toArray());
        const Run missing =
            run(base(QStringLiteral("diff")) + keyArgs
                + QStringList{QStringLiteral("--from"), QStringLiteral("1"), QStringLiteral("--to"), to});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY(missing.err.contains("no version"));
    }

    // keys --where: only the keys with a record the display filter holds for, and how many of their records do
    // (checked against each key's history); a filter matching nothing lists no key; a bad expression is a usage
    // error naming the column.
    void keysWhere()
    {
        const QStringList where{QStringLiteral("--where"), QStringLiteral("eventName == \"REMOVE\"")};
        const auto all = runJson(base(QStringLiteral("keys"))).value(QStringLiteral("keys")).toArray();
        const auto listed = runJson(base(QStringLiteral("keys")) + where).value(QStringLiteral("keys")).toArray();
        QVERIFY(!listed.isEmpty());
        QVERIFY(listed.size() < all.size()); // seed 4 has keys never removed
        std::map<QString, int> expected;     // keyText -> REMOVE records, from each key's history
        for (const auto& value : all) {
            const QString keyText = value.toObject().value(QStringLiteral("keyText")).toString();
            const auto h = runJson(base(QStringLiteral("history"))
                                   + QStringList{QStringLiteral("--table"), QStringLiteral("ExampleTableWithStream"),
                                                 QStringLiteral("--key"), keyText});
            int removes = 0;
            for (const auto& v : h.value(QStringLiteral("versions")).toArray())
                removes += v.toObject().value(QStringLiteral("eventName")).toString() == QLatin1String("REMOVE");
            if (removes > 0)
                expected[keyText] = removes;
        }
        QCOMPARE(static_cast<std::size_t>(listed.size()), expected.size());
        for (const auto& value : listed) {
            const auto k = value.toObject();
            const QString keyText = k.value(QStringLiteral("keyText")).toString();
            QVERIFY2(expected.count(keyText), qPrintable(keyText));
            QCOMPARE(k.value(QStringLiteral("matchingRecords")).toInt(), expected[keyText]);
            QVERIFY(k.value(QStringLiteral("records")).toInt() >= expected[keyText]);
        }
        const Run text = run(base(QStringLiteral("keys")) + where);
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains(" matching)"), text.out.constData());
        QVERIFY(text.out.endsWith(QString::number(listed.size()).toUtf8() + " keys\n"));
        const auto none = runJson(base(QStringLiteral("keys"))
                                  + QStringList{QStringLiteral("--where"), QStringLiteral("NewImage.nope == 1")});
        QCOMPARE(none.value(QStringLiteral("keys")).toArray().size(), 0);
        QCOMPARE(none.value(QStringLiteral("count")).toInt(), 0);
        const Run bad =
            run(base(QStringLiteral("keys")) + QStringList{QStringLiteral("--where"), QStringLiteral("eventName = 1")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("--where: column 11"), bad.err.constData());
        QVERIFY(bad.out.isEmpty());
    }

    // history --where: only the versions whose record matches, each with its number and changes as in the whole
    // history (changes stay against the previous known state, which may be a version not shown).
    void historyWhere()
    {
        const QStringList keyArgs{QStringLiteral("--table"), QStringLiteral("ExampleTableWithStream"),
                                  QStringLiteral("--key"), QStringLiteral("Id=100")};
        const auto whole =
            runJson(base(QStringLiteral("history")) + keyArgs).value(QStringLiteral("versions")).toArray();
        const auto o = runJson(base(QStringLiteral("history")) + keyArgs
                               + QStringList{QStringLiteral("--where"), QStringLiteral("eventName in {MODIFY}")});
        QCOMPARE(o.value(QStringLiteral("totalVersions")).toInt(), whole.size());
        QCOMPARE(o.value(QStringLiteral("where")).toString(), QStringLiteral("eventName in {MODIFY}"));
        const auto shown = o.value(QStringLiteral("versions")).toArray();
        int modifies = 0;
        for (const auto& v : whole)
            modifies += v.toObject().value(QStringLiteral("eventName")).toString() == QLatin1String("MODIFY");
        QVERIFY(modifies > 0 && modifies < whole.size());
        QCOMPARE(shown.size(), modifies);
        for (const auto& value : shown) {
            auto v = value.toObject();
            const int number = v.value(QStringLiteral("version")).toInt();
            QVERIFY(number >= 1 && number <= whole.size());
            QCOMPARE(v.value(QStringLiteral("eventName")).toString(), QStringLiteral("MODIFY"));
            v.remove(QStringLiteral("version"));
            QCOMPARE(v, whole.at(number - 1).toObject());
        }
        const Run text = run(base(QStringLiteral("history")) + keyArgs
                             + QStringList{QStringLiteral("--where"), QStringLiteral("eventName in {MODIFY}")});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains(QString::number(modifies).toUtf8() + " matching eventName in {MODIFY}"),
                 text.out.constData());
        QCOMPARE(text.out.count(" MODIFY"), modifies);
        QVERIFY(!text.out.contains(" INSERT"));
        const Run bad = run(base(QStringLiteral("history")) + keyArgs
                            + QStringList{QStringLiteral("--where"), QStringLiteral("exists(")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("--where: column"), bad.err.constData());
    }

    // history --json: a record read from a log carries `provenance` (where it was logged: the log stream and time of
    // `aws logs tail --format detailed`, the request ID of the runtime line), one printed by Python says it was
    // reconstructed, one from a capture file has null.
    void historyProvenance()
    {
        const QString arn =
            QStringLiteral("arn:aws:dynamodb:eu-west-1:123456789012:table/Logged/stream/2024-01-01T00:00:00.000");
        const auto record = [&arn](const QString& quote, const QString& id, const QString& name, const QString& seq) {
            QString r = QStringLiteral("{'eventID':'%1','eventName':'%2','eventSource':'aws:dynamodb','awsRegion':"
                                       "'eu-west-1','eventSourceARN':'%3','dynamodb':{'Keys':{'Id':{'N':'1'}},"
                                       "'NewImage':{'Id':{'N':'1'},'step':{'S':'%1'}},'SequenceNumber':'%4',"
                                       "'StreamViewType':'NEW_IMAGE'}}")
                            .arg(id, name, arn, seq);
            return r.replace(QLatin1Char('\''), quote);
        };
        const QString dq = QStringLiteral("\"");
        const QString tail = QStringLiteral("2023-11-14T22:13:20.000000+00:00 2023/11/14/[$LATEST]00ff "
                                            "2023-11-14T22:13:20.000Z\tr-0001\tINFO\tEVENT {\"Records\":[")
            + record(dq, QStringLiteral("e1"), QStringLiteral("INSERT"), QStringLiteral("100"))
            + QStringLiteral("]}\n");
        const QString printed = QStringLiteral("{'Records': [")
            + record(QStringLiteral("'"), QStringLiteral("e3"), QStringLiteral("MODIFY"), QStringLiteral("300"))
            + QStringLiteral("]}\n");
        const QString capture = QStringLiteral("{\"Records\":[")
            + record(dq, QStringLiteral("e2"), QStringLiteral("MODIFY"), QStringLiteral("200"))
            + QStringLiteral("]}\n");
        QStringList files;
        for (const auto& [name, text] :
             {std::pair{QStringLiteral("tail.log"), tail}, std::pair{QStringLiteral("printed.log"), printed},
              std::pair{QStringLiteral("capture.json"), capture}}) {
            QFile f(m_dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text.toUtf8());
            files << f.fileName();
        }
        const QString store = m_dir.filePath(QStringLiteral("logged.streamscope"));
        const Run imported = run(QStringList{QStringLiteral("import"), QStringLiteral("--store"), store} + files);
        QVERIFY2(imported.exitCode == 0, imported.err.constData());
        const auto o = runJson({QStringLiteral("history"), QStringLiteral("--store"), store, QStringLiteral("--table"),
                                QStringLiteral("Logged"), QStringLiteral("--key"), QStringLiteral("Id=1")});
        const auto versions = o.value(QStringLiteral("versions")).toArray();
        QCOMPARE(versions.size(), 3);
        QStringList provenance;
        for (const auto& v : versions) {
            const QJsonValue p = v.toObject().value(QStringLiteral("provenance"));
            QVERIFY(v.toObject().contains(QStringLiteral("provenance")));
            provenance << (p.isNull() ? QStringLiteral("null")
                                      : QString::fromUtf8(QJsonDocument(p.toObject()).toJson(QJsonDocument::Compact)));
        }
        QCOMPARE(provenance,
                 QStringList({QStringLiteral(R"({"logStream":"2023/11/14/[$LATEST]00ff",)"
                                             R"("logTimestamp":"2023-11-14T22:13:20.000000+00:00",)"
                                             R"("requestId":"r-0001"})"),
                              QStringLiteral("null"), QStringLiteral(R"({"reconstructedFrom":"python-repr"})")}));
        QCOMPARE(versions.at(0).toObject().value(QStringLiteral("eventID")).toString(), QStringLiteral("e1"));
        QCOMPARE(versions.at(2).toObject().value(QStringLiteral("eventID")).toString(), QStringLiteral("e3"));
    }

    void badKeys_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("message");
        QTest::addRow("not a number") << "Id=abc"
                                      << "not a number";
        QTest::addRow("unknown attribute") << "Name=1"
                                           << "no key attribute 'Name'";
        QTest::addRow("broken json") << R"({"Id":)"
                                     << "not valid DynamoDB JSON";
        QTest::addRow("bad type tag") << R"({"Id":{"Q":"1"}})"
                                      << "not valid DynamoDB JSON";
        QTest::addRow("no such item") << "Id=99999"
                                      << "no item with key Id=99999";
        QTest::addRow("no form") << "100"
                                 << "cannot read the key";
    }

    void badKeys()
    {
        QFETCH(QString, key);
        QFETCH(QString, message);
        const Run r = run(base(QStringLiteral("history"))
                          + QStringList{QStringLiteral("--table"), QStringLiteral("ExampleTableWithStream"),
                                        QStringLiteral("--key"), key, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }

    void usageErrors()
    {
        QCOMPARE(run(base(QStringLiteral("history"))
                     + QStringList{QStringLiteral("--table"), QStringLiteral("NoSuchTable"), QStringLiteral("--key"),
                                   QStringLiteral("Id=100")})
                     .exitCode,
                 2);
        QCOMPARE(run(base(QStringLiteral("audit")) + QStringList{QStringLiteral("--severity"), QStringLiteral("bogus")})
                     .exitCode,
                 2);
        QCOMPARE(run(base(QStringLiteral("state"))
                     + QStringList{QStringLiteral("--table"), QStringLiteral("ExampleTableWithStream"),
                                   QStringLiteral("--at"), QStringLiteral("yesterday")})
                     .exitCode,
                 2);
        QCOMPARE(run({QStringLiteral("history"), QStringLiteral("--store"),
                      m_dir.filePath(QStringLiteral("none.streamscope")), QStringLiteral("--table"),
                      QStringLiteral("T"), QStringLiteral("--key"), QStringLiteral("Id=1")})
                     .exitCode,
                 2);
    }

    void audit()
    {
        const auto o = runJson(base(QStringLiteral("audit")));
        const auto findings = o.value(QStringLiteral("findings")).toArray();
        QVERIFY(!findings.isEmpty());
        const auto counts = o.value(QStringLiteral("counts")).toObject();
        QVERIFY(counts.value(QStringLiteral("duplicate")).toInt() > 0);
        QVERIFY(counts.value(QStringLiteral("ttl-remove")).toInt() > 0);
        int total = 0;
        for (const auto& n : counts)
            total += n.toInt();
        QCOMPARE(total, findings.size());
        for (const auto& value : findings) {
            const auto f = value.toObject();
            for (const char* field : {"kind", "severity", "table", "key", "sequenceNumber", "eventID", "message"})
                QVERIFY2(f.contains(QLatin1String(field)), field);
            if (f.value(QStringLiteral("kind")).toString() == QLatin1String("gap"))
                QVERIFY(!f.value(QStringLiteral("diff")).toArray().isEmpty());
            if (f.value(QStringLiteral("kind")).toString() == QLatin1String("js-unsafe-number"))
                QVERIFY(!f.value(QStringLiteral("risk")).toString().isEmpty());
        }
        const auto errors =
            runJson(base(QStringLiteral("audit")) + QStringList{QStringLiteral("--severity"), QStringLiteral("error")});
        for (const auto& value : errors.value(QStringLiteral("findings")).toArray())
            QCOMPARE(value.toObject().value(QStringLiteral("severity")).toString(), QStringLiteral("error"));
        const Run text = run(base(QStringLiteral("audit")));
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains("Audited"));
    }

    // Kinds that fire on many records come once per cause with a record count; --records lists them one by one;
    // --kind/--severity/--table/--key filter; --jsonl gives one finding per line.
    void auditGroupsAndFilters()
    {
        const auto grouped = runJson(base(QStringLiteral("audit")));
        const auto flat = runJson(base(QStringLiteral("audit")) + QStringList{QStringLiteral("--records")});
        const auto groupedRecords = grouped.value(QStringLiteral("recordCounts")).toObject();
        const auto flatCounts = flat.value(QStringLiteral("counts")).toObject();
        QVERIFY(flatCounts.value(QStringLiteral("ttl-remove")).toInt() > 1);
        QCOMPARE(grouped.value(QStringLiteral("counts")).toObject().value(QStringLiteral("ttl-remove")).toInt(), 1);
        for (const char* kind : {"ttl-remove", "duplicate", "gap", "orphan-start"})
            QCOMPARE(groupedRecords.value(QLatin1String(kind)).toInt(), flatCounts.value(QLatin1String(kind)).toInt());
        QVERIFY(grouped.value(QStringLiteral("findings")).toArray().size()
                < flat.value(QStringLiteral("findings")).toArray().size());
        for (const auto& v : grouped.value(QStringLiteral("findings")).toArray()) {
            const auto f = v.toObject();
            if (f.value(QStringLiteral("kind")).toString() == QLatin1String("ttl-remove")) {
                QVERIFY(f.value(QStringLiteral("grouped")).toBool());
                QCOMPARE(f.value(QStringLiteral("affectedRecords")).toInt(),
                         flatCounts.value(QStringLiteral("ttl-remove")).toInt());
            }
        }

        const QStringList ttlOnly{QStringLiteral("--kind"), QStringLiteral("ttl-remove"), QStringLiteral("--records")};
        const auto ttl = runJson(base(QStringLiteral("audit")) + ttlOnly);
        QCOMPARE(ttl.value(QStringLiteral("findings")).toArray().size(),
                 flatCounts.value(QStringLiteral("ttl-remove")).toInt());
        for (const auto& v : ttl.value(QStringLiteral("findings")).toArray())
            QCOMPARE(v.toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("ttl-remove"));
        QCOMPARE(runJson(base(QStringLiteral("audit")) + ttlOnly
                         + QStringList{QStringLiteral("--severity"), QStringLiteral("warning")})
                     .value(QStringLiteral("findings"))
                     .toArray()
                     .size(),
                 0); // ttl-remove is info

        const Run lines = run(base(QStringLiteral("audit")) + QStringList{QStringLiteral("--jsonl")});
        QCOMPARE(lines.exitCode, 0);
        const auto jsonLines = lines.out.trimmed().split('\n');
        QCOMPARE(jsonLines.size(), grouped.value(QStringLiteral("findings")).toArray().size());
        for (const auto& line : jsonLines)
            QVERIFY2(QJsonDocument::fromJson(line).isObject(), line.constData());

        // --key: that key's findings only (with --table), and the key's own record count.
        const auto first = flat.value(QStringLiteral("findings")).toArray().at(0).toObject();
        const QString key = QString::fromUtf8(
            QJsonDocument(first.value(QStringLiteral("key")).toObject()).toJson(QJsonDocument::Compact));
        const auto one =
            runJson(base(QStringLiteral("audit"))
                    + QStringList{QStringLiteral("--table"), first.value(QStringLiteral("table")).toString(),
                                  QStringLiteral("--key"), key, QStringLiteral("--records")});
        QVERIFY(!one.value(QStringLiteral("findings")).toArray().isEmpty());
        for (const auto& v : one.value(QStringLiteral("findings")).toArray())
            QCOMPARE(v.toObject().value(QStringLiteral("key")).toObject(),
                     first.value(QStringLiteral("key")).toObject());
        QCOMPARE(one.value(QStringLiteral("keys")).toInt(), 1);
        QVERIFY(one.value(QStringLiteral("records")).toInt() < flat.value(QStringLiteral("records")).toInt());

        QCOMPARE(run(base(QStringLiteral("audit")) + QStringList{QStringLiteral("--kind"), QStringLiteral("bogus")})
                     .exitCode,
                 2);
        QCOMPARE(
            run(base(QStringLiteral("audit")) + QStringList{QStringLiteral("--key"), QStringLiteral("Id=1")}).exitCode,
            2); // --key needs --table
        QCOMPARE(run(base(QStringLiteral("audit")) + QStringList{QStringLiteral("--json"), QStringLiteral("--jsonl")})
                     .exitCode,
                 2);
    }

    // The audit kept in the store: `import` stores it, `audit` reads it (findingsFrom "store") and prints what
    // `--fresh` computes now; after `import --no-audit` it is stale and `audit` audits now, writing nothing, until
    // `--update` (or the next import) brings it up to date, re-auditing only the new records' keys.
    void auditKeptInStore()
    {
        const auto kept = runJson(base(QStringLiteral("audit")) + QStringList{QStringLiteral("--records")});
        QCOMPARE(kept.value(QStringLiteral("findingsFrom")).toString(), QStringLiteral("store"));
        auto fresh = runJson(base(QStringLiteral("audit"))
                             + QStringList{QStringLiteral("--records"), QStringLiteral("--fresh")});
        QCOMPARE(fresh.value(QStringLiteral("findingsFrom")).toString(), QStringLiteral("audit"));
        QCOMPARE(kept.value(QStringLiteral("findings")), fresh.value(QStringLiteral("findings")));
        QCOMPARE(kept.value(QStringLiteral("keys")), fresh.value(QStringLiteral("keys")));
        QCOMPARE(kept.value(QStringLiteral("records")), fresh.value(QStringLiteral("records")));
        const Run text = run(base(QStringLiteral("audit")));
        QVERIFY2(text.out.contains("(the findings kept in the store; --fresh recomputes)"), text.out.constData());
        QCOMPARE(run(base(QStringLiteral("audit")) + QStringList{QStringLiteral("--fresh"), QStringLiteral("--update")})
                     .exitCode,
                 2);

        // A second capture (other keys and sequence numbers) into a copy of the store, without the audit.
        const QString copy = m_dir.filePath(QStringLiteral("kept.streamscope"));
        QVERIFY(QFile::copy(m_store, copy));
        const QString more = m_dir.filePath(QStringLiteral("more.json"));
        QCOMPARE(testsupport::runGenerator(
                     {QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--records"), QStringLiteral("60"),
                      QStringLiteral("--keys"), QStringLiteral("6"), QStringLiteral("--tables"), QStringLiteral("1"),
                      QStringLiteral("--start-time"), QStringLiteral("1800000000"), QStringLiteral("--layout"),
                      QStringLiteral("single"), QStringLiteral("--quiet"), QStringLiteral("--out"), more}),
                 QString());
        const QStringList store{QStringLiteral("--store"), copy};
        const Run imported = run(QStringList{QStringLiteral("import")} + store
                                 + QStringList{QStringLiteral("--no-audit"), QStringLiteral("--json"), more});
        QVERIFY2(imported.exitCode == 0 || imported.exitCode == 3, imported.err.constData());
        QVERIFY(!QJsonDocument::fromJson(imported.out).object().contains(QStringLiteral("audit")));
        const auto stale =
            runJson(QStringList{QStringLiteral("audit")} + store + QStringList{QStringLiteral("--records")});
        QCOMPARE(stale.value(QStringLiteral("findingsFrom")).toString(), QStringLiteral("audit"));
        const auto updated = runJson(QStringList{QStringLiteral("audit")} + store
                                     + QStringList{QStringLiteral("--records"), QStringLiteral("--update")});
        QCOMPARE(updated.value(QStringLiteral("findingsFrom")).toString(), QStringLiteral("store"));
        QCOMPARE(updated.value(QStringLiteral("findings")), stale.value(QStringLiteral("findings")));
        QCOMPARE(updated.value(QStringLiteral("records")), stale.value(QStringLiteral("records")));
        QVERIFY(updated.value(QStringLiteral("records")).toInt() > kept.value(QStringLiteral("records")).toInt());
        const auto now =
            runJson(QStringList{QStringLiteral("audit")} + store + QStringList{QStringLiteral("--records")});
        QCOMPARE(now.value(QStringLiteral("findingsFrom")).toString(), QStringLiteral("store"));
    }

    void state()
    {
        const auto keys = runJson(base(QStringLiteral("keys")));
        const QString at =
            keys.value(QStringLiteral("keys")).toArray().at(0).toObject().value(QStringLiteral("lastTime")).toString();
        const auto o = runJson(base(QStringLiteral("state"))
                               + QStringList{QStringLiteral("--table"), QStringLiteral("ExampleTableWithStream"),
                                             QStringLiteral("--at"), at});
        QCOMPARE(o.value(QStringLiteral("table")).toString(), QStringLiteral("ExampleTableWithStream"));
        const auto items = o.value(QStringLiteral("items")).toArray();
        QVERIFY(!items.isEmpty());
        for (const auto& value : items) {
            const auto item = value.toObject();
            QVERIFY(item.value(QStringLiteral("image")).toObject().contains(QStringLiteral("Id")));
            QVERIFY(item.value(QStringLiteral("approximateCreationDateTime")).toString() <= at);
        }
        const auto early = runJson(base(QStringLiteral("state"))
                                   + QStringList{QStringLiteral("--table"), QStringLiteral("ExampleTableWithStream"),
                                                 QStringLiteral("--at"), QStringLiteral("2000-01-01T00:00:00Z")});
        QCOMPARE(early.value(QStringLiteral("items")).toArray().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCliQuery)
#include "tst_cli_query.moc"

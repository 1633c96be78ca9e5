// Opening must not change what it opens (issue 16, item 6). `info`, `keys`, `history`, `audit` and `state` (the
// binary) and the GUI's store session (StoreSession::open) read a store through read-only connections: the store
// stays byte-identical (sha256) and its folder lists the same files afterwards (no -wal / -shm left behind); a
// rollback-journal store (a `VACUUM INTO` copy) is not switched to WAL; an existing empty file and a dangling symbolic
// link are refused, not turned into a store (an empty file only by `import`, the request to make one; a dangling link
// not even by that);
// a store in a folder the reader may not write is read (as user nobody through setpriv when the test runs as root).

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/viewmodels/storesession.h"
#include "storage/store/store.h"
#include "testsupport.h"

namespace {

QStringList listing(const QString& dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDir::Name);
}

QByteArray lambdaEvent(int count)
{
    QJsonArray records;
    for (int i = 0; i < count; ++i) {
        const QJsonObject keys{
            {QStringLiteral("Id"), QJsonObject{{QStringLiteral("S"), QStringLiteral("k%1").arg(i % 5)}}}};
        QJsonObject image = keys;
        image.insert(QStringLiteral("n"), QJsonObject{{QStringLiteral("N"), QString::number(i)}});
        records.append(QJsonObject{
            {QStringLiteral("eventID"), QStringLiteral("e%1").arg(i)},
            {QStringLiteral("eventName"), i < 5 ? QStringLiteral("INSERT") : QStringLiteral("MODIFY")},
            {QStringLiteral("eventVersion"), QStringLiteral("1.1")},
            {QStringLiteral("eventSource"), QStringLiteral("aws:dynamodb")},
            {QStringLiteral("awsRegion"), QStringLiteral("eu-west-1")},
            {QStringLiteral("eventSourceARN"),
             QStringLiteral("arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/stream/2024-01-01T00:00:00.000")},
            {QStringLiteral("dynamodb"),
             QJsonObject{{QStringLiteral("ApproximateCreationDateTime"), 1700000000 + i},
                         {QStringLiteral("Keys"), keys},
                         {QStringLiteral("NewImage"), image},
                         {QStringLiteral("SequenceNumber"), QString::number(1000 + i)},
                         {QStringLiteral("StreamViewType"), QStringLiteral("NEW_AND_OLD_IMAGES")}}}});
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("Records"), records}}).toJson(QJsonDocument::Compact);
}

/// The read-only commands, each as arguments after `--store S`.
QList<QStringList> readCommands()
{
    return {
        {QStringLiteral("info")},
        {QStringLiteral("keys")},
        {QStringLiteral("history"), QStringLiteral("--table"), QStringLiteral("Orders"), QStringLiteral("--key"),
         QStringLiteral("Id=k1")},
        {QStringLiteral("audit")},
        {QStringLiteral("state"), QStringLiteral("--table"), QStringLiteral("Orders"), QStringLiteral("--at"),
         QStringLiteral("2030-01-01T00:00:00Z")},
    };
}

QStringList withStore(const QStringList& command, const QString& store)
{
    QStringList arguments{command.front(), QStringLiteral("--store"), store};
    arguments += command.mid(1);
    return arguments;
}

/// SQLite's journal mode as the file header says: 1 rollback journal, 2 WAL (bytes 18 and 19).
int headerJournalMode(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray header = file.read(20);
    return header.size() == 20 ? header.at(18) : -1;
}

} // namespace

class TestOpenChangesNothing : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_capture;
    QString m_walStore;

    /// A folder of its own holding only a copy of `source` named store.streamscope; returns the store's path.
    QString isolatedCopy(const QString& name, const QString& source)
    {
        const QString folder = m_dir.filePath(name);
        QDir().mkpath(folder);
        const QString path = folder + QStringLiteral("/store.streamscope");
        QFile::remove(path);
        if (!QFile::copy(source, path))
            return {};
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
        return path;
    }

    void expectReadsChangeNothing(const QString& store)
    {
        const QString folder = QFileInfo(store).absolutePath();
        const QStringList before = listing(folder);
        const QByteArray hash = testsupport::fileSha256(store);
        const int journalMode = headerJournalMode(store);
        for (const QStringList& command : readCommands()) {
            const auto r = testsupport::runCli(withStore(command, store));
            QVERIFY2(r.exitCode == 0, qPrintable(command.front() + QStringLiteral(": ") + QString::fromUtf8(r.err)));
            QCOMPARE(testsupport::fileSha256(store), hash);
            QCOMPARE(listing(folder), before);
            QCOMPARE(headerJournalMode(store), journalMode);
        }
        {
            StoreSession session;
            QSignalSpy opened(&session, &StoreSession::opened);
            const QString error = session.open(store);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QCOMPARE(opened.count(), 1);
            session.close();
        }
        QCOMPARE(testsupport::fileSha256(store), hash);
        QCOMPARE(listing(folder), before);
        QCOMPARE(headerJournalMode(store), journalMode);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_capture = m_dir.filePath(QStringLiteral("capture.json"));
        QFile file(m_capture);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(lambdaEvent(20));
        file.close();
        m_walStore = m_dir.filePath(QStringLiteral("made/store.streamscope"));
        QDir().mkpath(m_dir.filePath(QStringLiteral("made")));
        const auto r =
            testsupport::runCli({QStringLiteral("import"), QStringLiteral("--store"), m_walStore, m_capture});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void walStoreUnchanged()
    {
        const QString store = isolatedCopy(QStringLiteral("wal"), m_walStore);
        QCOMPARE(headerJournalMode(store), 2);
        expectReadsChangeNothing(store);
    }

    void rollbackJournalStoreStaysRollback()
    {
        const QString folder = m_dir.filePath(QStringLiteral("vacuumed"));
        QDir().mkpath(folder);
        const QString store = folder + QStringLiteral("/store.streamscope");
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open_v2(m_walStore.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        const QByteArray sql = "VACUUM INTO '" + store.toUtf8() + "'";
        QCOMPARE(sqlite3_exec(db, sql.constData(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
        QFile::remove(m_walStore + QStringLiteral("-wal"));
        QFile::remove(m_walStore + QStringLiteral("-shm"));
        QCOMPARE(headerJournalMode(store), 1);
        expectReadsChangeNothing(store);
    }

    void emptyFileIsNotMadeAStore()
    {
        const QString folder = m_dir.filePath(QStringLiteral("empty"));
        QDir().mkpath(folder);
        const QString path = folder + QStringLiteral("/store.streamscope");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        for (const QStringList& command : readCommands()) {
            const auto r = testsupport::runCli(withStore(command, path));
            QVERIFY2(r.exitCode != 0, qPrintable(command.front()));
            QVERIFY2(r.err.contains("empty"), r.err.constData());
        }
        // A replay that records its run opens the store for writing, yet is no request to create one.
        auto existing = storage::Store::open(path.toStdString(), storage::Database::OpenMode::ReadWriteExisting);
        QVERIFY(!existing);
        QVERIFY2(existing.error().message.find("empty file") != std::string::npos, existing.error().message.c_str());
        StoreSession session;
        QVERIFY(!session.open(path).isEmpty());
        QCOMPARE(QFileInfo(path).size(), 0);
        QCOMPARE(listing(folder), QStringList{QStringLiteral("store.streamscope")});
    }

    void danglingSymlinkIsNotFollowedToANewStore()
    {
        const QString folder = m_dir.filePath(QStringLiteral("dangling"));
        QDir().mkpath(folder);
        const QString link = folder + QStringLiteral("/store.streamscope");
        const QString target = folder + QStringLiteral("/elsewhere.streamscope");
        QVERIFY(QFile::link(target, link));
        for (const QStringList& command : readCommands() + QList<QStringList>{{QStringLiteral("import")}}) {
            QStringList arguments = withStore(command, link);
            if (command.front() == QStringLiteral("import"))
                arguments << m_capture;
            const auto r = testsupport::runCli(arguments);
            QVERIFY2(r.exitCode != 0, qPrintable(command.front()));
            QVERIFY2(r.err.contains("symbolic link"), r.err.constData());
        }
        StoreSession session;
        QVERIFY(!session.open(link).isEmpty());
        QVERIFY(!QFileInfo::exists(target));
        QCOMPARE(listing(folder), QStringList{QStringLiteral("store.streamscope")});
    }

    void importIntoANewPathCreates()
    {
        const QString path = m_dir.filePath(QStringLiteral("new/store.streamscope"));
        QDir().mkpath(m_dir.filePath(QStringLiteral("new")));
        const auto r = testsupport::runCli({QStringLiteral("import"), QStringLiteral("--store"), path, m_capture});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(QFileInfo(path).size() > 0);
    }

    void storeInAReadOnlyFolderIsRead()
    {
        // As root, permissions stop nothing: read as user nobody, who may read the store but not write its folder.
        const QString setpriv = QStandardPaths::findExecutable(QStringLiteral("setpriv"));
        if (::geteuid() != 0 || setpriv.isEmpty())
            QSKIP("needs root and setpriv to read as a user who cannot write the folder");
        QTemporaryDir shared(QDir::tempPath() + QStringLiteral("/tst_openchangesnothing-XXXXXX"));
        QVERIFY(shared.isValid());
        QVERIFY(::chmod(shared.path().toLocal8Bit().constData(), 0755) == 0); // nobody may enter, not write
        const QString store = shared.filePath(QStringLiteral("store.streamscope"));
        QVERIFY(QFile::copy(m_walStore, store));
        QVERIFY(::chmod(store.toLocal8Bit().constData(), 0644) == 0);
        const QStringList before = listing(shared.path());
        const QByteArray hash = testsupport::fileSha256(store);
        for (const QStringList& command : readCommands()) {
            QProcess child;
            child.start(setpriv,
                        QStringList{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                                    QStringLiteral("--clear-groups"), QStringLiteral(STREAMSCOPE_BINARY)}
                            + withStore(command, store));
            QVERIFY(child.waitForFinished(120000));
            QVERIFY2(
                child.exitCode() == 0,
                qPrintable(command.front() + QStringLiteral(": ") + QString::fromUtf8(child.readAllStandardError())));
        }
        QCOMPARE(testsupport::fileSha256(store), hash);
        QCOMPARE(listing(shared.path()), before);
    }
};

QTEST_GUILESS_MAIN(TestOpenChangesNothing)
#include "tst_openchangesnothing.moc"

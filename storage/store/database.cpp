#include "storage/store/database.h"

#include <cctype>
#include <climits>
#include <filesystem>

#include <sqlite3.h>
#include <sys/stat.h>

#include "model/keyorder.h"
#include "storage/store/partdigest.h"
#include "storage/store/sidefiles.h"

namespace storage {

namespace {

Error::Kind kindOf(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_NOTADB:
        return Error::Kind::NotAStore;
    case SQLITE_CORRUPT:
        return Error::Kind::Corrupt;
    case SQLITE_INTERRUPT:
        return Error::Kind::Interrupted;
    case SQLITE_READONLY:
        return Error::Kind::ReadOnly;
    case SQLITE_CANTOPEN:
        return Error::Kind::CannotOpen;
    default:
        return Error::Kind::Sqlite;
    }
}

/// An open that failed after sqlite3_open_v2 succeeded: the message names the file and says what is wrong with it
/// (SQLite's own text, e.g. "database disk image is malformed", names neither), keeping the kind and code.
Error refusal(const std::string& path, const Error& cause)
{
    Error error{cause.kind, cause.code, {}};
    const std::string& detail = cause.message;
    const int extended = cause.code;
    if (extended == SQLITE_READONLY_ROLLBACK || extended == SQLITE_READONLY_RECOVERY
        || extended == SQLITE_READONLY_CANTINIT) {
        // A hot journal or WAL left by a write that was interrupted (crash, kill, power loss): only a read-write
        // connection may finish it. Not damage: nothing is lost that was committed.
        error.message = path
            + " was left in the middle of a write (the program writing it was interrupted) and must be "
              "recovered before it can be read: open it once read-write (in Streamscope, or with any command that "
              "writes to the store) and SQLite finishes the recovery; committed data is not lost";
        return error;
    }
    switch (error.kind) {
    case Error::Kind::NotAStore:
        error.message = path + " is not a Streamscope store (not an SQLite database: " + detail + ")";
        break;
    case Error::Kind::Corrupt:
        error.message = path + " is damaged and cannot be opened (" + detail
            + "); restore a copy of it, or import the captures again into a new store";
        break;
    case Error::Kind::CannotOpen:
        error.message = "cannot open " + path + ": " + detail;
        break;
    default:
        error.message = "cannot open the store " + path + ": " + detail;
        break;
    }
    return error;
}

int toInt(std::size_t size)
{
    return size > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(size);
}

/// A read-only connection that cannot read `path` because SQLite cannot create or open the -shm a WAL database
/// needs (read-only folder or medium), while there is no -wal with content (nothing SQLite would have to replay).
bool needsImmutableOpen(sqlite3* db, const std::string& path)
{
    struct stat st
    {
    };
    if (::stat((path + "-wal").c_str(), &st) == 0 && st.st_size > 0)
        return false;
    const int rc = sqlite3_exec(db, "PRAGMA schema_version", nullptr, nullptr, nullptr);
    const int extended = sqlite3_extended_errcode(db);
    return rc != SQLITE_OK
        && ((extended & 0xff) == SQLITE_CANTOPEN
            || ((extended & 0xff) == SQLITE_READONLY && extended != SQLITE_READONLY_ROLLBACK
                && extended != SQLITE_READONLY_DBMOVED));
}

/// "file:<absolute path>?mode=ro&immutable=1", the path percent-encoded (RFC 3986, as SQLite decodes URIs).
std::string immutableUri(const std::string& path)
{
    const std::string absolute = std::filesystem::absolute(path).string();
    std::string uri = "file:";
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (const unsigned char c : absolute) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
            uri += static_cast<char>(c);
        } else {
            uri += '%';
            uri += kHex[c >> 4];
            uri += kHex[c & 15];
        }
    }
    return uri + "?mode=ro&immutable=1";
}

} // namespace

Error makeError(sqlite3* db, int rc, std::string_view what)
{
    Error error;
    error.code = rc;
    error.kind = kindOf(rc);
    std::string message(what);
    const char* sqliteMessage = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if (sqliteMessage && *sqliteMessage) {
        if (!message.empty())
            message += ": ";
        message += sqliteMessage;
    }
    error.message = std::move(message);
    return error;
}

std::optional<Error> refuseNonStorePath(const std::string& path)
{
    if (path.empty())
        return Error{Error::Kind::InvalidArgument, 0,
                     "no store file given (the store path is empty: an unset shell variable?)"};
    if (path == ":memory:")
        return Error{Error::Kind::CannotOpen, 0,
                     "':memory:' is not a store file: SQLite would keep the store in memory and lose it at exit; give "
                     "a file name (e.g. capture.streamscope)"};
    if (path.starts_with("file:"))
        return Error{Error::Kind::CannotOpen, 0,
                     "the store " + path
                         + " is an SQLite URI, not a file name (the data could end up in memory and be lost); give a "
                           "plain file path (./"
                         + path + " for a file of that name)"};
    struct stat st
    {
    };
    if (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
        return std::nullopt; // missing (created or refused later) or a folder (its own message)
    const char* what = S_ISFIFO(st.st_mode)          ? "a named pipe (FIFO)"
        : S_ISSOCK(st.st_mode)                       ? "a socket"
        : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                     : "not a regular file";
    return Error{Error::Kind::CannotOpen, 0, "the store " + path + " is " + what + ", not a store file"};
}

// ---- Statement --------------------------------------------------------------------------------------------------

void Statement::Finalizer::operator()(sqlite3_stmt* statement) const
{
    sqlite3_finalize(statement);
}

void Statement::bind(int index, std::int64_t value)
{
    sqlite3_bind_int64(handle(), index, static_cast<sqlite3_int64>(value));
}

void Statement::bind(int index, double value)
{
    sqlite3_bind_double(handle(), index, value);
}

void Statement::bind(int index, std::string_view text, bool copy)
{
    // A non-null pointer even for empty text, so empty binds '' and not NULL.
    sqlite3_bind_text(handle(), index, text.data() ? text.data() : "", toInt(text.size()),
                      copy ? SQLITE_TRANSIENT : SQLITE_STATIC);
}

void Statement::bindBlob(int index, std::string_view bytes, bool copy)
{
    sqlite3_bind_blob(handle(), index, bytes.data() ? bytes.data() : "", toInt(bytes.size()),
                      copy ? SQLITE_TRANSIENT : SQLITE_STATIC);
}

void Statement::bindNull(int index)
{
    sqlite3_bind_null(handle(), index);
}

void Statement::bind(int index, const std::optional<std::int64_t>& value)
{
    if (value)
        bind(index, *value);
    else
        bindNull(index);
}

void Statement::bindTextOrNull(int index, std::string_view text, bool copy)
{
    if (text.empty())
        bindNull(index);
    else
        bind(index, text, copy);
}

Step Statement::step()
{
    const int rc = sqlite3_step(handle());
    if (rc == SQLITE_ROW)
        return {true, std::nullopt};
    if (rc == SQLITE_DONE)
        return {false, std::nullopt};
    // SQLite's reason only: the statement's SQL means nothing to a person reading the message.
    Error error = makeError(sqlite3_db_handle(handle()), rc, {});
    sqlite3_reset(handle()); // so the statement can be reused after the error
    return {false, std::move(error)};
}

std::optional<Error> Statement::run()
{
    for (;;) {
        Step s = step();
        if (s.error)
            return s.error;
        if (!s.row)
            break;
    }
    reset();
    return std::nullopt;
}

void Statement::reset()
{
    sqlite3_reset(handle());
}

void Statement::clearBindings()
{
    sqlite3_clear_bindings(handle());
}

bool Statement::isNull(int column) const
{
    return sqlite3_column_type(handle(), column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const
{
    return static_cast<std::int64_t>(sqlite3_column_int64(handle(), column));
}

std::optional<std::int64_t> Statement::optionalInt64(int column) const
{
    if (isNull(column))
        return std::nullopt;
    return int64(column);
}

double Statement::real(int column) const
{
    return sqlite3_column_double(handle(), column);
}

std::string_view Statement::text(int column) const
{
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(handle(), column));
    if (!data)
        return {};
    return {data, static_cast<std::size_t>(sqlite3_column_bytes(handle(), column))};
}

std::string_view Statement::blob(int column) const
{
    const auto* data = static_cast<const char*>(sqlite3_column_blob(handle(), column));
    if (!data)
        return {};
    return {data, static_cast<std::size_t>(sqlite3_column_bytes(handle(), column))};
}

// ---- Database ---------------------------------------------------------------------------------------------------

void Database::Closer::operator()(sqlite3* db) const
{
    // A writable file connection empties the write-ahead log on its way out, as SQLite's last connection does on
    // close, but whichever connection closes last: after an import or an audit update the last to close is often a
    // read-only one, which cannot, and the log stayed (hundreds of MB), to be read through again by every later open
    // (checkSideFiles). No waiting: with a reader inside a read transaction the checkpoint copies what it can and the
    // log stays for SQLite to reuse.
    const char* file = sqlite3_db_filename(db, "main");
    if (file && *file && sqlite3_db_readonly(db, "main") == 0) {
        sqlite3_busy_timeout(db, 0);
        sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    }
    sqlite3_close_v2(db);
}

namespace {
void keyOrderFunction(sqlite3_context* context, int, sqlite3_value** argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return;
    }
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    const int size = sqlite3_value_bytes(argv[0]);
    try {
        const std::string bytes =
            model::keyOrderBytes(std::string_view(text ? text : "", static_cast<std::size_t>(size)));
        sqlite3_result_blob64(context, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    } catch (const std::bad_alloc&) {
        sqlite3_result_error_nomem(context);
    }
}
} // namespace

Result<Database> Database::open(const std::string& path, OpenMode mode, int busyTimeoutMs)
{
    if (mode == OpenMode::InMemory && path != ":memory:")
        return Error{Error::Kind::InvalidArgument, 0, "an in-memory database is opened as \":memory:\""};
    if (mode != OpenMode::InMemory) {
        if (auto refused = refuseNonStorePath(path))
            return *refused;
        std::error_code ec;
        const bool exists = std::filesystem::exists(path, ec);
        if (ec && ec != std::errc::no_such_file_or_directory) // a symbolic link loop, a folder that cannot be searched
            return Error{Error::Kind::CannotOpen, SQLITE_CANTOPEN,
                         "cannot open the store " + path + ": " + ec.message()};
        struct stat link
        {
        };
        if (!exists && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
            // SQLite would create the link's target: a store nobody asked for, somewhere else.
            std::error_code linkError;
            const auto target = std::filesystem::read_symlink(path, linkError);
            return Error{Error::Kind::CannotOpen, SQLITE_CANTOPEN,
                         "the store " + path + " is a symbolic link to " + (linkError ? "a file" : target.string())
                             + ", which does not exist; give the file itself (a new store is made only at a path "
                               "where nothing is)"};
        }
        if (mode != OpenMode::ReadWrite && !exists)
            return Error{Error::Kind::CannotOpen, SQLITE_CANTOPEN, "the store " + path + " does not exist"};
        if (mode == OpenMode::ReadWriteExisting && std::filesystem::is_regular_file(path, ec)
            && std::filesystem::file_size(path, ec) == 0 && !ec)
            // Opening an existing store is no request to create one: an empty file is not turned into a store
            // (ReadWrite, the import's "a store here, new if need be", may: two importers may start a new store
            // at once, and the second finds the first one's file still empty).
            return Error{Error::Kind::CannotOpen, SQLITE_CANTOPEN,
                         path + " is an empty file, not a Streamscope store (import into it to make it one)"};
        if (std::filesystem::is_directory(path, ec))
            return Error{Error::Kind::CannotOpen, SQLITE_CANTOPEN,
                         "the store " + path + " is a folder, not a store file (give a file name, e.g. "
                             + (std::filesystem::path(path) / "capture.streamscope").string() + ")"};
    }
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (mode == OpenMode::ReadOnly)
        flags |= SQLITE_OPEN_READONLY;
    else
        flags |= SQLITE_OPEN_READWRITE
            | (mode == OpenMode::ReadWrite || mode == OpenMode::InMemory ? SQLITE_OPEN_CREATE : 0);

    Database db;
    if (mode != OpenMode::InMemory) {
        // Before SQLite replays a side file into the store: a -wal / -journal of another database is refused.
        if (auto refused = checkSideFiles(path))
            return *refused;
        db.m_openStore = registerOpenStore(path, mode == OpenMode::ReadOnly);
    }
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    if (mode == OpenMode::ReadOnly && rc == SQLITE_OK && needsImmutableOpen(raw, path)) {
        // A WAL store where the -shm cannot be made (a read-only folder or medium) and no -wal holds anything:
        // SQLite reads such a file only as immutable (no locks, no side files), which is what it is there.
        sqlite3_close_v2(raw);
        raw = nullptr;
        rc = sqlite3_open_v2(immutableUri(path).c_str(), &raw, flags | SQLITE_OPEN_URI, nullptr);
    }
    db.m_db.reset(raw);
    db.m_path = path;
    db.m_readOnly = mode == OpenMode::ReadOnly;
    if (rc != SQLITE_OK) {
        Error error = storage::makeError(raw, rc, "cannot open " + path);
        if (error.kind == Error::Kind::Sqlite)
            return error;
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, busyTimeoutMs);
    // Files may come from elsewhere: no writes to the schema through SQL, no functions from the schema.
    sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(raw, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    sqlite3_db_config(raw, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
    // streamscope_key_order(canonical Keys JSON): the key's typed order as a blob (model/keyorder.h), for ORDER BY
    // in queries this program writes. DIRECTONLY: a view or trigger in a file from elsewhere cannot call it.
    if (const int frc = sqlite3_create_function_v2(raw, "streamscope_key_order", 1,
                                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, nullptr,
                                                   keyOrderFunction, nullptr, nullptr, nullptr);
        frc != SQLITE_OK)
        return storage::makeError(raw, frc, "cannot open " + path);
    // streamscope_part and streamscope_part_digest: a record part's text or digest, for the sorted history scan.
    if (const int frc = registerPartFunctions(raw); frc != SQLITE_OK)
        return storage::makeError(raw, frc, "cannot open " + path);

    // page_size only takes effect on a new, empty database (before WAL is switched on): every new writable
    // database starts with 16 KiB pages, in-memory ones included (fewer, larger pages than SQLite's 4 KiB for ~2 KB
    // rows). ensureSchema() then gives a new file store kStorePageSize (schema.h), measured faster for bulk import.
    std::string pragmas = "PRAGMA trusted_schema=OFF; PRAGMA foreign_keys=ON; PRAGMA cache_size=-32768;";
    if (mode != OpenMode::ReadOnly)
        pragmas += " PRAGMA page_size=16384;";
    if (auto error = db.exec(pragmas))
        return refusal(path, *error);
    // The first real reads of the file: a non-SQLite file fails here with SQLITE_NOTADB, a damaged header or
    // schema page (sqlite_schema is parsed by the SELECT) with SQLITE_CORRUPT. Nothing is written (WAL is switched
    // on by ensureSchema once the file is known to be a store).
    if (auto probe = db.queryInt("PRAGMA schema_version"); !probe)
        return refusal(path, probe.error());
    if (auto probe = db.queryInt("SELECT count(*) FROM sqlite_schema"); !probe)
        return refusal(path, probe.error());
    if (mode != OpenMode::ReadOnly) {
        if (auto error = db.exec("PRAGMA synchronous=NORMAL"))
            return refusal(path, *error);
    }
    // No memory-mapped reads on any connection (SQLite's default, said here so no build or pragma turns it on): a
    // file that shrinks under a mapping raises SIGBUS; read with pread, it is an error explainReadError() names.
    if (auto error = db.exec("PRAGMA mmap_size=0"))
        return refusal(path, *error);
    struct stat st
    {
    };
    if (mode != OpenMode::InMemory && !db.m_openStore)
        db.m_openStore = registerOpenStore(path); // created by this open
    if (path != ":memory:" && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode))
        db.m_file = FileIdentity{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                                 static_cast<std::int64_t>(st.st_size)};
    return db;
}

Error Database::explainReadError(Error error) const
{
    if (m_file.size < 0 || error.kind == Error::Kind::Interrupted || error.kind == Error::Kind::InvalidArgument)
        return error;
    struct stat st
    {
    };
    std::string change;
    if (::stat(m_path.c_str(), &st) != 0)
        change = "it was removed";
    else if (static_cast<std::uint64_t>(st.st_dev) != m_file.device
             || static_cast<std::uint64_t>(st.st_ino) != m_file.inode)
        change = "another file was put in its place";
    else if (static_cast<std::int64_t>(st.st_size) < m_file.size)
        change = "it shrank from " + std::to_string(m_file.size) + " to " + std::to_string(st.st_size) + " bytes";
    else
        return error;
    error.message = "the store " + m_path + " changed while it was read (" + change
        + "; open it again to see what it holds now): " + error.message;
    return error;
}

std::optional<Error> Database::exec(std::string_view sql)
{
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(handle(), text.c_str(), nullptr, nullptr, &message);
    if (rc == SQLITE_OK)
        return std::nullopt;
    Error error;
    error.code = rc;
    error.kind = kindOf(sqlite3_extended_errcode(handle()));
    error.message = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return error;
}

Result<Statement> Database::prepare(std::string_view sql, bool persistent)
{
    sqlite3_stmt* statement = nullptr;
    const int rc = sqlite3_prepare_v3(handle(), sql.data(), toInt(sql.size()),
                                      persistent ? SQLITE_PREPARE_PERSISTENT : 0, &statement, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(statement);
        return storage::makeError(handle(), rc, {}); // SQLite's reason, not the SQL
    }
    if (!statement)
        return Error{Error::Kind::InvalidArgument, SQLITE_MISUSE, "empty SQL statement"};
    return Statement(statement);
}

Result<Statement> Database::takeCached(std::string_view sql)
{
    for (auto it = m_cached.begin(); it != m_cached.end(); ++it)
        if (it->first == sql) {
            Statement statement = std::move(it->second);
            m_cached.erase(it);
            return statement;
        }
    return prepare(sql, /*persistent=*/true);
}

void Database::putBack(std::string_view sql, Statement statement)
{
    if (!statement.isValid() || !isValid() || sqlite3_db_handle(statement.handle()) != handle()
        || m_cached.size() >= kCachedStatements)
        return;
    for (const auto& [text, kept] : m_cached)
        if (text == sql)
            return; // one per SQL text: the extra one is finalized
    statement.reset();
    statement.clearBindings();
    m_cached.emplace_back(std::string(sql), std::move(statement));
}

Result<std::int64_t> Database::queryInt(std::string_view sql, std::int64_t fallback)
{
    auto statement = prepare(sql);
    if (!statement)
        return statement.error();
    Step s = statement->step();
    if (s.error)
        return *s.error;
    if (!s.row || statement->isNull(0))
        return fallback;
    return statement->int64(0);
}

std::int64_t Database::lastInsertRowId() const
{
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(handle()));
}

int Database::changes() const
{
    return sqlite3_changes(handle());
}

bool Database::inTransaction() const
{
    return sqlite3_get_autocommit(handle()) == 0;
}

void Database::interrupt()
{
    if (m_db)
        sqlite3_interrupt(m_db.get());
}

Error Database::makeError(int rc, std::string_view what) const
{
    return storage::makeError(handle(), rc, what);
}

// ---- Transaction ------------------------------------------------------------------------------------------------

Result<Transaction> Transaction::begin(Database& db, Kind kind)
{
    if (auto error = db.exec(kind == Kind::Immediate ? "BEGIN IMMEDIATE" : "BEGIN"))
        return *error;
    return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept
    : m_db(other.m_db)
{
    other.m_db = nullptr;
}

Transaction& Transaction::operator=(Transaction&& other) noexcept
{
    if (this != &other) {
        rollback();
        m_db = other.m_db;
        other.m_db = nullptr;
    }
    return *this;
}

Transaction::~Transaction()
{
    rollback();
}

std::optional<Error> Transaction::commit()
{
    if (!m_db)
        return Error{Error::Kind::InvalidArgument, SQLITE_MISUSE, "no transaction to commit"};
    auto error = m_db->exec("COMMIT");
    if (error) {
        // A failed COMMIT (e.g. SQLITE_BUSY) leaves the transaction open: roll it back so the caller's
        // connection is usable, and report the failure.
        rollback();
        return error;
    }
    m_db = nullptr;
    return std::nullopt;
}

std::optional<Error> Transaction::rollback()
{
    if (!m_db)
        return std::nullopt;
    Database* db = m_db;
    m_db = nullptr;
    if (!db->inTransaction())
        return std::nullopt; // SQLite rolled back already (e.g. after SQLITE_FULL)
    return db->exec("ROLLBACK");
}

} // namespace storage

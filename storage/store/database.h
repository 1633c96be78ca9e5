#pragma once

// RAII wrappers over the SQLite C API: one Database per thread (opened with SQLITE_OPEN_NOMUTEX), prepared
// Statements finalized by unique_ptr, Errors that copy SQLite's message at once, and Transactions that roll back
// unless committed. Nothing here throws; every call that can fail returns the reason.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace storage {

/// Why a storage operation failed. `code` is SQLite's extended result code (SQLITE_OK = 0 when the failure is
/// not SQLite's own, e.g. a store of a newer schema version); `message` was copied from sqlite3_errmsg() right
/// after the failing call (it is per connection and overwritten by the next call) and says what was attempted.
struct Error
{
    enum class Kind : std::uint8_t {
        Sqlite,          ///< SQLite reported `code`
        CannotOpen,      ///< the file does not exist / cannot be opened (read-only open of a missing file, ...)
        NotAStore,       ///< not an SQLite file, or an SQLite file that is not a Streamscope store
        Corrupt,         ///< SQLITE_CORRUPT / failed integrity check
        NewerVersion,    ///< written by a newer Streamscope (schema version above what this build knows)
        ReadOnly,        ///< a write was attempted on a read-only store
        Interrupted,     ///< stopped by Database::interrupt() / Store::interrupt()
        InvalidArgument, ///< the caller passed something unusable (message says what)
    };
    Kind kind = Kind::Sqlite;
    int code = 0;
    std::string message;
};

/// Error{Kind::InvalidArgument, 0, message}: the caller passed something unusable.
inline Error invalidArgument(std::string message)
{
    return Error{Error::Kind::InvalidArgument, 0, std::move(message)};
}

/// A value or the Error why there is none (like model::Decoded). `if (auto r = store.totals()) use(*r);`
template<typename T>
class Result
{
public:
    Result(T value)
        : m_data(std::in_place_index<0>, std::move(value))
    {
    }
    Result(Error error)
        : m_data(std::in_place_index<1>, std::move(error))
    {
    }

    explicit operator bool() const { return m_data.index() == 0; }
    bool ok() const { return m_data.index() == 0; }
    T& value() { return std::get<0>(m_data); }
    const T& value() const { return std::get<0>(m_data); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    /// Precondition: !ok().
    const Error& error() const { return std::get<1>(m_data); }

private:
    std::variant<T, Error> m_data;
};

/// Result of one sqlite3_step: a row is ready, or the statement is done, or it failed.
struct Step
{
    bool row = false;
    std::optional<Error> error;
};

/// A prepared statement. Move-only; finalized on destruction. Text/blob binds are SQLITE_STATIC by default:
/// the caller keeps the bound memory alive until the next reset()/bind or destruction (the importer's hot path);
/// pass copy=true for SQLITE_TRANSIENT.
class Statement
{
public:
    struct Finalizer
    {
        void operator()(sqlite3_stmt* statement) const;
    };

    Statement() = default;
    explicit Statement(sqlite3_stmt* statement)
        : m_statement(statement)
    {
    }

    bool isValid() const { return m_statement != nullptr; }
    sqlite3_stmt* handle() const { return m_statement.get(); }

    // Parameter indexes are 1-based as in SQLite. Binding errors (index out of range) are programmer errors
    // and surface as an error from the next step().
    void bind(int index, std::int64_t value);
    void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
    void bind(int index, double value);
    void bind(int index, std::string_view text, bool copy = false);
    void bind(int index, const char* text, bool copy = false) = delete; // say string_view explicitly
    void bindBlob(int index, std::string_view bytes, bool copy = false);
    void bindNull(int index);
    void bind(int index, const std::optional<std::int64_t>& value);
    /// Empty text binds NULL (used for optional text columns).
    void bindTextOrNull(int index, std::string_view text, bool copy = false);

    /// Steps once. The error message is SQLite's reason, without the statement's SQL (a person reads it).
    [[nodiscard]] Step step();
    /// Steps until done (for INSERT/UPDATE/DDL); an unexpected row is not an error.
    [[nodiscard]] std::optional<Error> run();
    /// Steps through every row, calling `onRow(*this)` for each; when onRow returns bool, false stops there. The
    /// statement is reset at the end, after an error or a stop too (its bindings stay).
    template<typename OnRow>
    [[nodiscard]] std::optional<Error> forEachRow(OnRow&& onRow)
    {
        for (;;) {
            Step s = step();
            if (s.error || !s.row) {
                reset();
                return s.error;
            }
            if constexpr (std::is_same_v<decltype(onRow(*this)), bool>) {
                if (!onRow(*this)) {
                    reset();
                    return std::nullopt;
                }
            } else {
                onRow(*this);
            }
        }
    }
    /// sqlite3_reset; keeps bindings (use clearBindings() to drop them).
    void reset();
    void clearBindings();

    // Column access after step() returned a row; 0-based indexes as in SQLite.
    bool isNull(int column) const;
    std::int64_t int64(int column) const;
    std::optional<std::int64_t> optionalInt64(int column) const;
    double real(int column) const;
    /// View valid until the next step/reset/finalize (no copy).
    std::string_view text(int column) const;
    std::string textCopy(int column) const { return std::string(text(column)); }
    std::string_view blob(int column) const;

private:
    std::unique_ptr<sqlite3_stmt, Finalizer> m_statement;
};

/// One connection. Move-only; closed on destruction (statements must be destroyed first — owners declare the
/// Database before their Statements). Use from one thread at a time (SQLITE_OPEN_NOMUTEX); interrupt() is the
/// only member callable from another thread.
class Database
{
public:
    enum class OpenMode : std::uint8_t {
        ReadWrite,         ///< create the file if missing
        ReadWriteExisting, ///< the file must exist
        ReadOnly,          ///< the file must exist; nothing is written (not even the schema)
        InMemory,          ///< a private in-memory database, gone at close (tests, fuzzing); path must be ":memory:"
    };

    struct Closer
    {
        void operator()(sqlite3* db) const;
    };

    /// Opens with SQLITE_OPEN_NOMUTEX, extended result codes, SQLITE_DBCONFIG_DEFENSIVE on, trusted_schema OFF,
    /// foreign_keys ON, a busy timeout of `busyTimeoutMs`, and (when writable) synchronous=NORMAL. Reads the
    /// header (a non-SQLite file fails with Error::Kind::NotAStore) but writes nothing: the schema and WAL mode are
    /// ensureSchema()'s job (see schema.h / Store::open), so a foreign file is never modified.
    /// Unless mode is InMemory, refuses (before SQLite sees it) a path that is not a file where a store can live:
    /// an empty path (InvalidArgument: an unset shell variable), ":memory:" and "file:" URIs (SQLite would keep the
    /// store in memory or elsewhere and the data would vanish), and anything that exists but is neither a regular
    /// file nor a folder: a FIFO would block the open forever, a device swallow the writes (CannotOpen).
    /// Before SQLite sees the file, refuses a `-wal` or `-journal` beside it that does not belong to it (CannotOpen,
    /// naming the side file and saying to move it aside; see checkSideFiles in sidefiles.h): SQLite would replay it
    /// into the store.
    static Result<Database> open(const std::string& path, OpenMode mode, int busyTimeoutMs = 10000);

    Database() = default;
    Database(Database&&) noexcept = default;
    Database& operator=(Database&&) noexcept = default;

    bool isValid() const { return m_db != nullptr; }
    bool isReadOnly() const { return m_readOnly; }
    const std::string& path() const { return m_path; }
    /// An error met while reading this connection's file, explained: when the file was replaced (another inode at
    /// the path) or shrank since it was opened (a backup copied over it, a truncate), "the store X changed while it
    /// was read (…)" with the original reason; any other error is returned as it is. Reads never use memory-mapped
    /// I/O (a mapping of a file that shrinks under it kills the process with SIGBUS), so such a change ends in an
    /// SQLite error, which this turns into words a person can act on.
    Error explainReadError(Error error) const;
    sqlite3* handle() const { return m_db.get(); }

    /// Runs one or more statements without parameters (DDL, PRAGMAs).
    [[nodiscard]] std::optional<Error> exec(std::string_view sql);
    /// Prepares one statement; a failure is an Error, never an invalid Statement that looks like an empty result.
    [[nodiscard]] Result<Statement> prepare(std::string_view sql, bool persistent = false);
    /// Statements kept prepared on this connection for reuse (the importer's writer prepares ~25 statements at
    /// every import; with these it parses them once per connection). takeCached() hands out the kept statement for
    /// `sql` or prepares a new one (SQLITE_PREPARE_PERSISTENT), also when the kept one is out already; putBack()
    /// resets it, clears its bindings and keeps it for the next take (at most kCachedStatements, one per SQL text).
    static constexpr std::size_t kCachedStatements = 64;
    [[nodiscard]] Result<Statement> takeCached(std::string_view sql);
    void putBack(std::string_view sql, Statement statement);

    /// Runs a statement that returns one integer (e.g. "PRAGMA user_version"); NULL/no row gives `fallback`.
    [[nodiscard]] Result<std::int64_t> queryInt(std::string_view sql, std::int64_t fallback = 0);

    std::int64_t lastInsertRowId() const;
    int changes() const;
    bool inTransaction() const;

    /// Makes the running (and next starting) statement on this connection fail with Error::Kind::Interrupted.
    /// Thread-safe; harmless when nothing runs.
    void interrupt();

    /// Builds an Error from rc and this connection's current message ("<what>: <sqlite message>"). Call right
    /// after the failing sqlite3_* call.
    Error makeError(int rc, std::string_view what) const;

private:
    std::shared_ptr<void> m_openStore; // registerOpenStore(); declared first: released after the connection closed
    std::unique_ptr<sqlite3, Closer> m_db;
    std::string m_path;
    bool m_readOnly = false;
    /// The file as opened (st_dev, st_ino, st_size); fileSize -1 for a database that is not a file.
    struct FileIdentity
    {
        std::uint64_t device = 0;
        std::uint64_t inode = 0;
        std::int64_t size = -1;
    };
    FileIdentity m_file;
    std::vector<std::pair<std::string, Statement>> m_cached; // destroyed before m_db (sqlite3_close_v2 anyway)
};

/// Why `path` is no place for a store file (see Database::open, which calls this): an empty path (InvalidArgument),
/// ":memory:", a "file:" URI, or something that exists but is neither a regular file nor a folder, e.g. a FIFO
/// (CannotOpen). nullopt when a store file may be there or be created. Uses stat(2), which never blocks on a FIFO.
std::optional<Error> refuseNonStorePath(const std::string& path);

/// Builds an Error from a statement's connection (see Database::makeError).
Error makeError(sqlite3* db, int rc, std::string_view what);

/// BEGIN [IMMEDIATE] ... COMMIT; rolls back in the destructor unless committed. Not nestable (SQLite has no
/// nested BEGIN); use one per unit of work.
class Transaction
{
public:
    enum class Kind : std::uint8_t { Deferred, Immediate };

    [[nodiscard]] static Result<Transaction> begin(Database& db, Kind kind = Kind::Immediate);

    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&& other) noexcept;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();

    [[nodiscard]] std::optional<Error> commit();
    /// Explicit rollback (the destructor does the same, ignoring errors).
    std::optional<Error> rollback();
    bool isActive() const { return m_db != nullptr; }

private:
    explicit Transaction(Database& db)
        : m_db(&db)
    {
    }
    Database* m_db = nullptr;
};

} // namespace storage

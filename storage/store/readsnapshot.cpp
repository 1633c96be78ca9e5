#include "storage/store/readsnapshot.h"

namespace storage {

Result<ReadSnapshot> ReadSnapshot::begin(Database& db)
{
    const bool joined = db.inTransaction();
    if (!joined)
        if (auto error = db.exec("BEGIN"))
            return *error;
    ReadSnapshot snapshot(joined ? nullptr : &db);
    // A deferred BEGIN takes the snapshot at the first read: read now (also pins an enclosing deferred one).
    auto read = db.queryInt("SELECT count(*) FROM sqlite_schema");
    if (!read)
        return read.error(); // `snapshot` rolls back
    return snapshot;
}

ReadSnapshot::ReadSnapshot(ReadSnapshot&& other) noexcept
    : m_db(other.m_db)
{
    other.m_db = nullptr;
}

ReadSnapshot& ReadSnapshot::operator=(ReadSnapshot&& other) noexcept
{
    if (this != &other) {
        static_cast<void>(end());
        m_db = other.m_db;
        other.m_db = nullptr;
    }
    return *this;
}

ReadSnapshot::~ReadSnapshot()
{
    static_cast<void>(end());
}

std::optional<Error> ReadSnapshot::end()
{
    Database* db = m_db;
    m_db = nullptr;
    if (!db || !db->isValid() || !db->inTransaction())
        return std::nullopt;
    // Nothing was written through a snapshot; ROLLBACK also ends a read transaction whose statement failed.
    return db->exec("ROLLBACK");
}

} // namespace storage

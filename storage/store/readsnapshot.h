#pragma once

// One read transaction on a connection, started at once: every query until it ends sees the same committed state
// of the store, even while another connection or process commits an import (WAL: the writer is not blocked; the
// reader sees the new data only in its next snapshot). The GUI's background jobs read through one so that e.g.
// the totals and the table list of one refresh always agree.

#include <optional>

#include "storage/store/database.h"

namespace storage {

class ReadSnapshot
{
public:
    /// BEGIN (deferred) and one read, so the snapshot is taken now, not at the caller's first query. On a
    /// connection already inside a transaction it joins that one (and leaves it open at the end): snapshots nest.
    [[nodiscard]] static Result<ReadSnapshot> begin(Database& db);

    ReadSnapshot(ReadSnapshot&& other) noexcept;
    ReadSnapshot& operator=(ReadSnapshot&& other) noexcept;
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;
    ~ReadSnapshot();

    /// Ends the read transaction (ROLLBACK: read through a snapshot only, never write) if this snapshot started it (the
    /// destructor does the same, ignoring errors).
    std::optional<Error> end();
    /// False when it joined an enclosing transaction.
    bool ownsTransaction() const { return m_db != nullptr; }

private:
    explicit ReadSnapshot(Database* owned)
        : m_db(owned)
    {
    }
    Database* m_db = nullptr;
};

} // namespace storage

#pragma once

// SQLite's side files (`<store>-wal`, `<store>-journal`) checked before SQLite sees them. SQLite replays a hot
// `-journal` into the database (rolling pages back and truncating the file to the journal's size) and reads a
// `-wal`'s committed frames as the database's pages (checkpointing them into the file at close) without asking
// whether the side file was written for that database. A side file of another database, or a stale one from before
// the store was restored from a backup, would turn the store into something else or damage it. checkSideFiles()
// reads the side files' own headers (sqlite.org/walformat.html, sqlite.org/fileformat2.html) and refuses them when
// they cannot belong to the store beside them.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "storage/store/database.h"

namespace storage {

/// Why the side files beside `path` must not be used with it, or nullopt when they may (none there, SQLite would
/// ignore them, or they continue this database). Checked only when no connection has the store open (another
/// process's locks, or another Database of this process, see registerOpenStore): a side file in use belongs to
/// the database its user opened, and reading it while it is written would see it half-written. The rules:
/// - a `-wal` whose header is valid and that holds committed frames must have the store's page size; the store must
///   be an SQLite file (not empty); its frames of page 1 must have the store's application id and continue the
///   store's file change counter (the store's counter lies between the first such frame's counter minus one and the
///   last one's: SQLite writes page 1 with the counter it read plus one, and a checkpoint copies those frames into
///   the file); without such frames, every commit must leave the store at its present number of pages (a
///   transaction that changes the size writes page 1);
/// - a `-journal` with a valid header must have the store's page size; a journaled page 1 must have the store's
///   application id and the store's counter or one less (the journal keeps page 1 as it was before the write); without
///   it, the journal's original size must be the store's present size (a write that grows the store journals page 1).
/// The Error (Kind::CannotOpen) names the side file, says why it does not belong and what to do (move it aside);
/// nothing is written.
std::optional<Error> checkSideFiles(const std::string& path);

/// Marks `path`'s file as open in this process until the returned token is destroyed (Database holds one): its side
/// files are in use by this process and not checked again by a second connection.
/// `removeCreatedSideFiles` (read-only connections): when the token goes (after the connection closed), a `-wal`
/// and `-shm` that did not exist at registration are removed again if nothing else uses the store — the -wal empty,
/// no other connection of this process, SQLite's exclusive lock on the database file and the -shm's dead man switch
/// free (the same proof SQLite's own close gives before it deletes them). A read-only command leaves no side files.
std::shared_ptr<void> registerOpenStore(const std::string& path, bool removeCreatedSideFiles = false);

/// Closes `fd`, a descriptor this process opened (outside SQLite) on the store at `storePath` or one of its side files,
/// without dropping SQLite's locks: POSIX drops every lock a process holds on a file when it closes any descriptor of
/// it, so while a connection of this process has the store open the descriptor is kept and closed after the last one
/// closed. Anything that opens the store file or its -shm / -journal by hand closes it through here: a dropped SHARED
/// lock lets another process's closing connection checkpoint and delete the WAL this process still writes to, and a
/// dropped -shm read lock lets a checkpoint overwrite pages a reader uses; both corrupt the store.
void closeStoreDescriptor(const std::string& storePath, int fd);

} // namespace storage

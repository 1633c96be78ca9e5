#include "storage/store/sidefiles.h"

#include <array>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

namespace storage {

namespace {

std::uint32_t be32(const unsigned char* p)
{
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}

std::uint32_t le32(const unsigned char* p)
{
    return (std::uint32_t(p[3]) << 24) | (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[1]) << 8) | std::uint32_t(p[0]);
}

void closeOrPark(const std::string& storePath, int fd);

/// An open file descriptor of the store at `storePath` or one of its side files; on destruction closed, or kept
/// until the store's last connection of this process closed (closeOrPark: closing any descriptor of a file drops
/// every POSIX lock this process holds on it, SQLite's included).
class File
{
public:
    File(const std::string& path, const std::string& storePath)
        : m_fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK))
        , m_storePath(storePath)
    {
    }
    File(const File&) = delete;
    File& operator=(const File&) = delete;
    ~File()
    {
        if (m_fd >= 0 && !m_storePath.empty())
            closeOrPark(m_storePath, m_fd);
        else if (m_fd >= 0)
            ::close(m_fd);
    }
    bool isOpen() const { return m_fd >= 0; }
    int fd() const { return m_fd; }
    std::int64_t size() const
    {
        struct stat st
        {
        };
        return ::fstat(m_fd, &st) == 0 && S_ISREG(st.st_mode) ? static_cast<std::int64_t>(st.st_size) : -1;
    }
    /// Reads exactly `length` bytes at `offset`; false when the file is shorter or the read fails.
    bool readAt(std::int64_t offset, unsigned char* out, std::size_t length) const
    {
        std::size_t done = 0;
        while (done < length) {
            const ssize_t n = ::pread(m_fd, out + done, length - done, static_cast<off_t>(offset) + done);
            if (n <= 0)
                return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    }

private:
    int m_fd = -1;
    std::string m_storePath;
};

/// Another process holds a lock on [start, start + length) of `fd` (POSIX advisory locks, as SQLite's unix VFS
/// takes them).
bool lockedByAnotherProcess(int fd, off_t start, off_t length)
{
    struct flock lock
    {
    };
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = start;
    lock.l_len = length;
    return ::fcntl(fd, F_GETLK, &lock) == 0 && lock.l_type != F_UNLCK;
}

// SQLite's unix VFS: the lock bytes of the database file (os_unix.c, sqliteInt.h) and the -shm "dead man switch"
// byte every connection holds a shared lock on while it has a WAL database open.
constexpr off_t kPendingByte = 0x40000000;
constexpr off_t kShmDeadManSwitch = (22 + 8) * 4 + 8;

/// What the database file's header says (fileformat2.html, "The Database Header").
struct DatabaseHeader
{
    bool valid = false; ///< 100 bytes starting with "SQLite format 3\0"
    std::uint32_t pageSize = 0;
    std::uint32_t changeCounter = 0;
    std::uint32_t applicationId = 0;
    std::int64_t pages = 0; ///< file size / page size
    std::array<unsigned char, 100> bytes{};
};

DatabaseHeader readDatabaseHeader(const std::string& path)
{
    DatabaseHeader header;
    File file(path, path);
    if (!file.isOpen())
        return header;
    const std::int64_t size = file.size();
    if (size < 100 || !file.readAt(0, header.bytes.data(), 100))
        return header;
    if (std::memcmp(header.bytes.data(), "SQLite format 3", 16) != 0)
        return header;
    const unsigned raw = (unsigned(header.bytes[16]) << 8) | header.bytes[17];
    header.pageSize = raw == 1 ? 65536 : raw;
    if (header.pageSize < 512 || (header.pageSize & (header.pageSize - 1)) != 0)
        return header;
    header.changeCounter = be32(header.bytes.data() + 24);
    header.applicationId = be32(header.bytes.data() + 68);
    header.pages = size / header.pageSize;
    header.valid = true;
    return header;
}

std::string pageSizeText(std::uint32_t size)
{
    return std::to_string(size) + "-byte pages";
}

Error notTheStores(const std::string& sideFile, const std::string& store, const std::string& what,
                   const std::string& why)
{
    return Error{Error::Kind::CannotOpen, SQLITE_CANTOPEN,
                 sideFile + " beside the store " + store + " is " + what + " that does not belong to this store (" + why
                     + "); SQLite would write it into the store and damage it, so the store was not opened "
                     + "and nothing was changed. Move " + sideFile + " out of the folder (for example, rename it to "
                     + sideFile + ".foreign) and open the store again; if the store was restored from a backup, "
                     + "the moved file holds only what was written after that backup"};
}

// ---- -wal -------------------------------------------------------------------------------------------------------

/// walformat.html: the checksum over 8-byte units, words in the byte order the magic number says.
void walChecksum(bool bigEndian, const unsigned char* data, std::size_t length, std::uint32_t& s0, std::uint32_t& s1)
{
    for (std::size_t i = 0; i + 8 <= length; i += 8) {
        const std::uint32_t x0 = bigEndian ? be32(data + i) : le32(data + i);
        const std::uint32_t x1 = bigEndian ? be32(data + i + 4) : le32(data + i + 4);
        s0 += x0 + s1;
        s1 += x1 + s0;
    }
}

std::optional<Error> checkWal(const std::string& path, const DatabaseHeader& db)
{
    const std::string walPath = path + "-wal";
    File wal(walPath, path);
    if (!wal.isOpen())
        return std::nullopt; // none (or unreadable: SQLite cannot use it either)
    const std::int64_t size = wal.size();
    std::array<unsigned char, 32> header{};
    if (size < 32 || !wal.readAt(0, header.data(), header.size()))
        return std::nullopt; // SQLite treats a WAL without a whole header as empty
    const std::uint32_t magic = be32(header.data());
    if ((magic & 0xfffffffe) != 0x377f0682 || be32(header.data() + 4) != 3007000)
        return std::nullopt; // not a WAL header: SQLite ignores the file (and refuses an unknown version itself)
    const bool bigEndian = (magic & 1) != 0;
    const std::uint32_t pageSize = be32(header.data() + 8);
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) != 0)
        return std::nullopt;
    std::uint32_t s0 = 0;
    std::uint32_t s1 = 0;
    walChecksum(bigEndian, header.data(), 24, s0, s1);
    if (s0 != be32(header.data() + 24) || s1 != be32(header.data() + 28))
        return std::nullopt; // a damaged header: SQLite ignores every frame

    // Read the frames as SQLite's recovery does: valid while the salts match the header's and the running checksum
    // matches; what counts is up to the last valid commit frame.
    struct PageOne
    {
        std::int64_t frame;
        std::uint32_t changeCounter;
        std::uint32_t applicationId;
    };
    std::vector<PageOne> pageOnes;
    std::vector<std::pair<std::int64_t, std::uint32_t>> commits; // frame, database size in pages after it
    std::vector<unsigned char> frame(24 + static_cast<std::size_t>(pageSize));
    for (std::int64_t index = 0;; ++index) {
        const std::int64_t offset = 32 + index * static_cast<std::int64_t>(frame.size());
        if (offset + static_cast<std::int64_t>(frame.size()) > size || !wal.readAt(offset, frame.data(), frame.size()))
            break;
        const std::uint32_t page = be32(frame.data());
        if (page == 0 || std::memcmp(frame.data() + 8, header.data() + 16, 8) != 0)
            break;
        walChecksum(bigEndian, frame.data(), 8, s0, s1);
        walChecksum(bigEndian, frame.data() + 24, pageSize, s0, s1);
        if (s0 != be32(frame.data() + 16) || s1 != be32(frame.data() + 20))
            break;
        if (page == 1)
            pageOnes.push_back({index, be32(frame.data() + 24 + 24), be32(frame.data() + 24 + 68)});
        if (const std::uint32_t commitSize = be32(frame.data() + 4); commitSize != 0)
            commits.emplace_back(index, commitSize);
    }
    if (commits.empty())
        return std::nullopt; // nothing committed: SQLite ignores the frames
    const std::int64_t lastCommit = commits.back().first;
    std::erase_if(pageOnes, [&](const PageOne& p) { return p.frame > lastCommit; });

    const std::string what = "a write-ahead log (-wal) with " + std::to_string(lastCommit + 1) + " committed page"
        + (lastCommit == 0 ? "" : "s");
    if (!db.valid)
        return notTheStores(walPath, path, what, "the store file has no SQLite header, so the log cannot continue it");
    if (pageSize != db.pageSize)
        return notTheStores(walPath, path, what,
                            "the log has " + pageSizeText(pageSize) + ", the store " + pageSizeText(db.pageSize));
    if (!pageOnes.empty()) {
        for (const PageOne& p : pageOnes)
            if (p.applicationId != db.applicationId)
                return notTheStores(walPath, path, what,
                                    "the log's database has another application id than the store");
        const std::uint32_t first = pageOnes.front().changeCounter;
        const std::uint32_t last = pageOnes.back().changeCounter;
        if (db.changeCounter + 1 < first || db.changeCounter > last)
            return notTheStores(walPath, path, what,
                                "the log continues a database at change " + std::to_string(first - 1)
                                    + ", the store is at change " + std::to_string(db.changeCounter)
                                    + ": a log of another database, or from before the store was replaced");
        return std::nullopt;
    }
    for (const auto& [index, pages] : commits)
        if (index <= lastCommit && pages != db.pages)
            return notTheStores(walPath, path, what,
                                "the log's database has " + std::to_string(pages) + " pages, the store "
                                    + std::to_string(db.pages));
    return std::nullopt;
}

// ---- -journal ---------------------------------------------------------------------------------------------------

std::optional<Error> checkJournal(const std::string& path, const DatabaseHeader& db)
{
    const std::string journalPath = path + "-journal";
    File journal(journalPath, path);
    if (!journal.isOpen())
        return std::nullopt;
    const std::int64_t size = journal.size();
    std::array<unsigned char, 28> header{};
    static constexpr unsigned char kMagic[8] = {0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7};
    if (size < 28 || !journal.readAt(0, header.data(), header.size()) || std::memcmp(header.data(), kMagic, 8) != 0)
        return std::nullopt; // empty, zeroed or not a journal: SQLite does not roll it back
    const std::uint32_t recordCount = be32(header.data() + 8);
    const std::uint32_t originalPages = be32(header.data() + 16);
    const std::uint32_t sectorSize = be32(header.data() + 20);
    const std::uint32_t pageSize = be32(header.data() + 24);
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) != 0 || sectorSize < 32 || sectorSize > 65536
        || (sectorSize & (sectorSize - 1)) != 0)
        return std::nullopt; // SQLite stops at such a header without changing anything
    const std::int64_t recordSize = 8 + static_cast<std::int64_t>(pageSize);
    const std::int64_t available = size > sectorSize ? (size - sectorSize) / recordSize : 0;
    const std::int64_t records = recordCount == 0xffffffff ? available : std::min<std::int64_t>(recordCount, available);

    const std::string what = "a rollback journal (-journal) of " + std::to_string(records) + " page"
        + (records == 1 ? "" : "s") + " for a database of " + std::to_string(originalPages) + " page"
        + (originalPages == 1 ? "" : "s");
    // The hot journal of a file's first transaction (a store's creation killed while it committed): it saved no page
    // because the file was empty, and the file shows one rollback-mode commit (change counter 1, format bytes 1, as
    // SQLite writes them during that commit). Rolling it back leaves the empty file the creation started from. A store
    // that was ever written again, or switched to WAL, does not match: a journal of an empty database beside it is
    // refused below.
    const bool firstTransaction = records == 0 && originalPages == 0
        && (!db.valid || (db.changeCounter == 1 && db.bytes[18] == 1 && db.bytes[19] == 1));
    if (firstTransaction)
        return std::nullopt;
    if (!db.valid) {
        return notTheStores(journalPath, path, what,
                            "the store file has no SQLite header, so the journal cannot be of it");
    }
    if (pageSize != db.pageSize)
        return notTheStores(journalPath, path, what,
                            "the journal has " + pageSizeText(pageSize) + ", the store " + pageSizeText(db.pageSize));
    std::vector<unsigned char> page(100);
    for (std::int64_t i = 0; i < records; ++i) {
        const std::int64_t offset = sectorSize + i * recordSize;
        std::array<unsigned char, 4> number{};
        if (!journal.readAt(offset, number.data(), 4))
            break;
        if (be32(number.data()) != 1)
            continue;
        if (!journal.readAt(offset + 4, page.data(), page.size()))
            break;
        const std::uint32_t counter = be32(page.data() + 24);
        if (be32(page.data() + 68) != db.applicationId)
            return notTheStores(journalPath, path, what,
                                "the journal's database has another application id than the store");
        if (db.changeCounter != counter && db.changeCounter != counter + 1)
            return notTheStores(journalPath, path, what,
                                "the journal was written for a database at change " + std::to_string(counter)
                                    + ", the store is at change " + std::to_string(db.changeCounter));
        return std::nullopt;
    }
    if (originalPages != db.pages)
        return notTheStores(journalPath, path, what,
                            "rolling it back would cut the store from " + std::to_string(db.pages) + " to "
                                + std::to_string(originalPages) + " pages");
    return std::nullopt;
}

// ---- stores open in this process --------------------------------------------------------------------------------

std::mutex& registryMutex()
{
    static std::mutex mutex;
    return mutex;
}

/// A store file open in this process: how many connections, whether its -wal / -shm existed when the first of them
/// opened, and whether every one of them was read-only (asked for the side files it made to be removed).
struct OpenStore
{
    int connections = 0;
    bool hadWal = false;
    bool hadShm = false;
    bool allRemoveCreated = true;
    /// Descriptors of the store or its side files this process opened outside SQLite (closeOrPark): closed when the
    /// last connection has closed, as SQLite's own unix VFS keeps the descriptors it would close while it holds
    /// locks.
    std::vector<int> parked;
};

std::map<std::pair<dev_t, ino_t>, OpenStore>& registry()
{
    static std::map<std::pair<dev_t, ino_t>, OpenStore> open;
    return open;
}

std::optional<std::pair<dev_t, ino_t>> identity(const std::string& path)
{
    struct stat st
    {
    };
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return std::nullopt;
    return std::make_pair(st.st_dev, st.st_ino);
}

bool openInThisProcess(const std::string& path)
{
    const auto id = identity(path);
    if (!id)
        return false;
    const std::lock_guard lock(registryMutex());
    return registry().contains(*id);
}

void closeOrPark(const std::string& storePath, int fd)
{
    const auto id = identity(storePath);
    {
        const std::lock_guard lock(registryMutex());
        if (id) {
            const auto it = registry().find(*id);
            if (it != registry().end() && it->second.connections > 0) {
                it->second.parked.push_back(fd);
                return;
            }
        }
    }
    ::close(fd);
}

/// Removes the store's empty -wal and its -shm when no connection uses them: holds SQLite's EXCLUSIVE lock on the
/// database file (PENDING, RESERVED and the SHARED range: no connection can be reading, writing or opening the WAL)
/// and finds the -shm's dead man switch free. Called with registryMutex() held and no connection of this process.
void removeUnusedSideFiles(const std::string& path, bool removeWal, bool removeShm)
{
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return; // a file we may not write: leave everything as it is
    struct flock lock
    {
    };
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = kPendingByte;
    lock.l_len = 2 + 510;
    if (::fcntl(fd, F_SETLK, &lock) == 0) {
        File shm(path + "-shm", {}); // no connection of this process: closed at once
        const bool shmInUse = shm.isOpen() && lockedByAnotherProcess(shm.fd(), kShmDeadManSwitch, 1);
        struct stat st
        {
        };
        const std::string wal = path + "-wal";
        const bool walEmpty = ::lstat(wal.c_str(), &st) != 0 || (S_ISREG(st.st_mode) && st.st_size == 0);
        if (!shmInUse && walEmpty) {
            if (removeWal)
                ::unlink(wal.c_str());
            if (removeShm)
                ::unlink((path + "-shm").c_str());
        }
    }
    ::close(fd); // releases the lock
}

} // namespace

void closeStoreDescriptor(const std::string& storePath, int fd)
{
    if (fd >= 0)
        closeOrPark(storePath, fd);
}

std::shared_ptr<void> registerOpenStore(const std::string& path, bool removeCreatedSideFiles)
{
    const auto id = identity(path);
    if (!id)
        return {};
    {
        const std::lock_guard lock(registryMutex());
        OpenStore& entry = registry()[*id];
        if (entry.connections++ == 0) {
            struct stat st
            {
            };
            entry.hadWal = ::lstat((path + "-wal").c_str(), &st) == 0;
            entry.hadShm = ::lstat((path + "-shm").c_str(), &st) == 0;
            entry.allRemoveCreated = true;
        }
        entry.allRemoveCreated = entry.allRemoveCreated && removeCreatedSideFiles;
    }
    // A token that is not null (Database tests it), deleted with the registration.
    return std::shared_ptr<void>(new char(0), [id = *id, path](void* token) {
        delete static_cast<char*>(token);
        const std::lock_guard lock(registryMutex());
        const auto it = registry().find(id);
        if (it == registry().end() || --it->second.connections > 0)
            return;
        const OpenStore entry = it->second;
        registry().erase(it);
        for (const int fd : entry.parked)
            ::close(fd); // the connections have closed: no lock of this process's is left to drop
        if (!entry.allRemoveCreated || (entry.hadWal && entry.hadShm) || identity(path) != std::optional(id))
            return;
        removeUnusedSideFiles(path, !entry.hadWal, !entry.hadShm);
    });
}

std::optional<Error> checkSideFiles(const std::string& path)
{
    struct stat st
    {
    };
    const bool hasWal = ::stat((path + "-wal").c_str(), &st) == 0 && st.st_size > 0;
    const bool hasJournal = ::stat((path + "-journal").c_str(), &st) == 0 && st.st_size > 0;
    if ((!hasWal && !hasJournal) || openInThisProcess(path))
        return std::nullopt;
    const DatabaseHeader db = readDatabaseHeader(path);
    if (hasJournal) {
        // A journal in use: another process is writing (it holds the RESERVED or PENDING lock).
        File file(path, path);
        const bool writing = file.isOpen() && lockedByAnotherProcess(file.fd(), kPendingByte, 2);
        if (!writing) {
            if (auto error = checkJournal(path, db))
                return error;
        }
    }
    if (hasWal) {
        // A WAL in use: another process has the database open in WAL mode (it holds the -shm's dead man switch).
        File shm(path + "-shm", path);
        const bool inUse = shm.isOpen() && lockedByAnotherProcess(shm.fd(), kShmDeadManSwitch, 1);
        if (!inUse) {
            if (auto error = checkWal(path, db))
                return error;
        }
    }
    return std::nullopt;
}

} // namespace storage

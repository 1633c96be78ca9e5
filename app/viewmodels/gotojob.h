#pragma once

// Go to a sequence number or an event ID (Ctrl+G): finds the records in a background job (its own read-only
// connection), so the event-ID scan of a big store never blocks the window; a newer search supersedes (and
// interrupts) the running one.

#include <QMetaType>
#include <QObject>
#include <QString>
#include <vector>

#include "app/viewmodels/jobtracker.h"
#include "storage/store/store.h"

struct GoToMatch
{
    qint64 recordId = 0;
    qint64 keyId = 0;
    QString table;
    QString keyText;
    QString eventName; ///< INSERT, MODIFY, REMOVE, SNAPSHOT
    QString sequenceNumber;
    QString eventId;
    std::optional<qint64> timeMicros;
};

struct GoToResult
{
    QString query; ///< what was looked up (trimmed)
    /// How the matches were found: "sequence number" or "event ID" ("" when nothing matched).
    QString matchedAs;
    std::vector<GoToMatch> matches; ///< in arrival order
    QString error;                  ///< "" or why the store could not be searched
    /// One line for the dialog: "Found record 17 (sequence number)", "3 records have this event ID", "No record …".
    QString summary() const;
};
Q_DECLARE_METATYPE(GoToResult)

class GoToJob : public QObject
{
    Q_OBJECT
public:
    explicit GoToJob(QObject* parent = nullptr);
    ~GoToJob() override;

    /// Searches the store at `storePath` for `text` in the background; finished() delivers the result.
    void find(const QString& storePath, const QString& text);
    bool isRunning() const { return m_tracker.isBusy(); }
    /// Blocks until the search has ended (tests); the result is delivered by the event loop.
    void waitForDone() { m_tracker.waitForDone(); }

    /// `text` without surrounding white space and quotes (a value pasted from JSON).
    static QString normalize(const QString& text);
    /// Worker-side (exposed for tests): digits are looked up as a sequence number first; what no sequence number
    /// matched is looked up as an event ID. At most `limit` matches are described.
    static GoToResult search(storage::Store& store, const QString& text, int limit = 200);

Q_SIGNALS:
    void finished(const GoToResult& result);

private:
    JobTracker m_tracker{nullptr, 1};
};

#pragma once

// State at a time (the GUI's `streamscope state --at`): every item of one table as it was at a time, read in the
// background through the store's streamed state query (storage::forEachItemAt: key order, one key's history and two
// images in memory at a time). The list is in typed key order (the keys list's order, not the store's key text
// order) and keeps at most a row cap and an image-byte cap; the walk still goes on to the end so the counts are those
// of the whole table, and the result says how many rows were left out. Cancel stops the
// walk and delivers nothing but "cancelled".

#include <QAbstractTableModel>
#include <QMetaType>
#include <QString>
#include <optional>
#include <vector>

#include "app/viewmodels/userjob.h"
#include "storage/history/tablestate.h"

/// One item at the time (its last known version at or before it).
struct StateRow
{
    qint64 keyId = 0;
    qint64 recordId = 0; ///< the record that left the item in this state
    QString keyText;     ///< "Id=101"
    QString keyJson;     ///< canonical DynamoDB JSON of the key
    bool imageKnown = true;
    QString eventName; ///< INSERT, MODIFY, REMOVE, SNAPSHOT
    QString sequenceNumber;
    QString eventId;
    std::optional<qint64> timeMicros;
    QString itemJson;  ///< the item as DynamoDB JSON, as stored (exact); "" when the image is unknown
    QString plainJson; ///< the item as plain JSON, N written exactly as its text; "" when unknown
};

struct StateRequest
{
    QString storePath;
    QString table;
    qint64 atMicros = 0;
    int rowLimit = 2000;                   ///< rows kept at most
    qint64 byteLimit = 32LL * 1024 * 1024; ///< item text kept at most (DynamoDB + plain JSON, UTF-16 bytes)
};

struct StateResult
{
    StateRequest request;
    /// Typed key order as the keys list sorts (KeyOrderValue: Id=2 < Id=11 < Id=100; ties by key id), the first rows
    /// of that order within the caps.
    std::vector<StateRow> rows;
    storage::StateCounts counts;
    qint64 leftOut = 0; ///< rows not kept because of the caps (0 = the list is complete)
    bool cancelled = false;
    QString error; ///< "" or why the state could not be read
    /// One line for the dialog: "Orders at 2026-11-01 09:30:00: 120 items, 3 with unknown image, …".
    QString summary() const;
};
Q_DECLARE_METATYPE(StateResult)

/// Runs the state query on its own read-only connection; one at a time (a new start supersedes the running one).
class StateJob : public UserJob
{
    Q_OBJECT
public:
    explicit StateJob(QObject* parent = nullptr);
    ~StateJob() override;

    void start(const StateRequest& request);

    /// Worker side (exposed for tests): the walk itself; `progress(done, total)` returning false stops it (cancelled).
    static StateResult read(storage::Store& store, const StateRequest& request, const Progress& progress);

Q_SIGNALS:
    void finished(const StateResult& result);
};

/// The rows of a StateResult as a table: Key, Event, Time (UTC), Sequence number, Item (plain JSON, N exact).
class StateTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { KeyColumn, EventColumn, TimeColumn, SequenceColumn, ItemColumn, ColumnCount };
    enum Role { KeyIdRole = Qt::UserRole + 1, RecordIdRole, ItemJsonRole };

    using QAbstractTableModel::QAbstractTableModel;
    void setRows(std::vector<StateRow> rows);
    const std::vector<StateRow>& rows() const { return m_rows; }
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<StateRow> m_rows;
};

#pragma once

// The audit panel's findings for triage: a flat table of findings in two modes — grouped (the kinds that fire on
// most records once per cause with a record count, model::FindingGrouper) and flat (one row per finding, capped) —
// and a sort/filter proxy (kind, minimum severity, table, key, text search) with counts per kind of what is visible
// and export of the visible rows as CSV or JSON. Cell texts are built only when a row is displayed.

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <map>
#include <string>
#include <vector>

#include "model/audit.h"

/// One finding as the panel keeps it (no diff, no affected id lists: bounded per row).
struct FindingRow
{
    model::FindingKind kind = model::FindingKind::Gap;
    model::Severity severity = model::Severity::Warning;
    std::string table;
    std::int64_t keyId = 0;
    std::string keyText; ///< display text of the Keys ("Id=1")
    std::int64_t recordId = 0;
    std::string sequenceNumber;
    std::string eventId;
    std::string message;
    std::string path;
    std::string risk;                 ///< js-unsafe-number risk text, "" otherwise
    std::int64_t affectedRecords = 1; ///< records the row stands for (a group's count; 1 for one finding)
    bool grouped = false;
};

FindingRow toFindingRow(const model::Finding& finding);

class FindingsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        SeverityColumn,
        KindColumn,
        TableColumn,
        KeyColumn,
        RecordsColumn,
        SequenceColumn,
        MessageColumn,
        ColumnCount
    };
    enum Mode { Grouped, Flat };
    enum Role { SortRole = Qt::UserRole + 40, KindRole, SearchTextRole, DetailsRole };

    explicit FindingsModel(QObject* parent = nullptr);

    /// Both lists from one audit; `flatComplete` false when the flat list was capped (the grouped one never is);
    /// `fromStore` when they are the findings kept in the store (not audited now).
    void setFindings(std::vector<FindingRow> grouped, std::vector<FindingRow> flat, bool flatComplete,
                     bool fromStore = false);
    void clear();
    void setMode(Mode mode);
    Mode mode() const { return m_mode; }
    bool flatComplete() const { return m_flatComplete; }
    bool fromStore() const { return m_fromStore; }
    const FindingRow* rowAt(int row) const;
    /// Findings per kind text in the current mode (rows, and records they stand for).
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> countsByKind() const;
    std::vector<std::string> tables() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Multi-line text of one row for the details pane.
    static QString details(const FindingRow& row);

private:
    const std::vector<FindingRow>& rows() const { return m_mode == Grouped ? m_grouped : m_flat; }
    Mode m_mode = Grouped;
    std::vector<FindingRow> m_grouped;
    std::vector<FindingRow> m_flat;
    bool m_flatComplete = true;
    bool m_fromStore = false;
};

class FindingsFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit FindingsFilterModel(QObject* parent = nullptr);

    void setKind(const QString& kind);                ///< "" = every kind
    void setMinimumSeverity(model::Severity minimum); ///< Info = all
    void setTable(const QString& table);              ///< "" = every table
    void setKeyFilter(const QString& text);           ///< substring of the key text
    void setSearch(const QString& text);              ///< substring of message, kind, table, key, sequence, path
    /// Visible findings per kind (rows, records).
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> visibleCountsByKind() const;
    const FindingRow* rowAt(int proxyRow) const;

    /// The visible rows in their current order as CSV (header + one line per row) or as a JSON array; "" on
    /// success, else the reason. Written through a temporary file: an existing file is replaced only on success.
    QString exportCsv(const QString& path) const;
    QString exportJson(const QString& path) const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    std::string m_kind;
    model::Severity m_minimum = model::Severity::Info;
    QString m_table;
    QString m_key;
    QString m_search;
};

#pragma once

#include <QWidget>

class QLabel;
class QTableView;
class StoreSession;
class TimelineModel;

/// Horizontal strip of a key's versions over time: one coloured tick per version, the selected one ringed.
class TimeStrip : public QWidget
{
    Q_OBJECT
public:
    explicit TimeStrip(TimelineModel* model, QWidget* parent = nullptr);
    void setSelectedRows(QList<int> rows);
    QSize sizeHint() const override { return {400, 44}; }
    QSize minimumSizeHint() const override { return {100, 44}; }

Q_SIGNALS:
    void rowClicked(int row);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    double xOf(int row) const;
    TimelineModel* m_model;
    QList<int> m_selected;
    bool m_timed = false; ///< every version has a time and they span some: x follows the time
};

/// The selected key's versions in history order (table + time strip). Up/Down steps; Ctrl+click a second
/// version to compare any two.
class TimelinePanel : public QWidget
{
    Q_OBJECT
public:
    explicit TimelinePanel(StoreSession* session, QWidget* parent = nullptr);
    QTableView* view() const { return m_view; }
    /// Selects the version with this record id (or the last version when 0 / not found).
    void selectRecord(qint64 recordId);
    /// The version to select when the next history arrives (0 = the last one).
    void setPendingRecord(qint64 recordId) { m_pendingRecord = recordId; }
    /// Selects the version `delta` rows away from the current one (clamped); false when there is none.
    bool step(int delta);
    /// Emits comparisonChanged for the selected version(s) again (the diff showed another tab's); false when none is
    /// selected.
    bool emitComparison();

Q_SIGNALS:
    /// before/after rows of the comparison; before = -1 means "previous state of `after`".
    void comparisonChanged(int beforeRow, int afterRow);

private:
    void onSelectionChanged();
    void showHint();
    StoreSession* m_session;
    QLabel* m_title;
    QTableView* m_view;
    TimeStrip* m_strip;
    qint64 m_pendingRecord = 0;
    qint64 m_shownKey = 0;    ///< the key whose version m_shownRecord is: kept when the same key is read again
    qint64 m_shownRecord = 0; ///< the record id of the (last) version selected
};

#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QTreeView;
class AttributeDiffModel;
class StoreSession;
struct VersionRow;

/// Side-by-side attribute tree of two versions: added / removed / changed tinted, "changes only", DynamoDB
/// JSON or plain values, Ctrl+C copies the selected value (or the whole image) as JSON.
class DiffPanel : public QWidget
{
    Q_OBJECT
public:
    explicit DiffPanel(StoreSession* session, QWidget* parent = nullptr);
    AttributeDiffModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }
    /// "Version #3 MODIFY compared with #2" (wraps when narrow; the tooltip holds the whole text).
    QLabel* titleLabel() const { return m_title; }
    /// Rows of the session's timeline; before = -1: the state before `after`.
    void showComparison(int beforeRow, int afterRow);
    void clear();
    /// The record of the version shown (the "after" side), 0 when none is shown.
    qint64 shownRecord() const { return m_afterRecord; }
    /// Why a version's state is unknown (its view type), shown instead of the change counts.
    static QString unknownImageText(const VersionRow& version);
    /// The summary line above the tree (change counts, or why the state is unknown).
    QString summaryText() const;
    /// Copies the selected value (or the after image) as JSON to the clipboard; returns the text.
    QString copySelection();

Q_SIGNALS:
    /// Something was copied (feedback for the status bar).
    void copied(const QString& what);

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void updateTitle();
    void setTitle(const QString& html);
    void updateSummary();
    /// The counts' words ("+1 added") only where the title keeps one line beside them (at 1024 px it wrapped to
    /// three): else the counts alone ("+1"), their words in the tooltip.
    void fitSummary();
    StoreSession* m_session;
    AttributeDiffModel* m_model;
    QLabel* m_title;
    QLabel* m_summary;
    QString m_summaryWords;  ///< the counts with their words (rich text); "" when the summary is not counts
    QString m_summaryCounts; ///< the counts alone ("+1 −0 ~2"), for a narrow panel
    QString m_fullTitle;
    QString m_shortTitle; ///< "#2 MODIFY vs its OldImage", for a narrow panel ("" when the title is no version's)
    QWidget* m_copy = nullptr;
    QCheckBox* m_changesOnly;
    QCheckBox* m_dynamoJson;
    QTreeView* m_view;
    QString m_beforeLabel;
    int m_afterRow = -1;
    qint64 m_afterRecord = 0;
};

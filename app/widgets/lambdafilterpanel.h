#pragma once

#include <QWidget>

class LambdaFilter;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

/// The "Lambda filter" pane: paste or open the event source mapping's FilterCriteria (any shape `filter --criteria`
/// reads: the Lambda API JSON, get-event-source-mapping output, a CloudFormation/SAM template, a Serverless service,
/// a bare pattern; JSON or YAML), Apply; a mistake is shown inline and not applied. While criteria are set, the
/// events table shows each event's verdict (delivered by which filter / dropped and why, also as a tooltip), this
/// pane shows the counts over the events view and the lints, and Export and Replay send only what Lambda would.
class LambdaFilterPanel : public QWidget
{
    Q_OBJECT
public:
    LambdaFilterPanel(LambdaFilter* filter, QWidget* parent = nullptr);
    QPlainTextEdit* criteriaEdit() const { return m_text; }
    QLineEdit* nameEdit() const { return m_name; }
    QPushButton* applyButton() const { return m_apply; }
    QPushButton* clearButton() const { return m_clear; }
    QPushButton* openButton() const { return m_open; }
    /// The criteria's summary, or why they were not applied (red).
    QLabel* statusLabel() const { return m_status; }
    QLabel* lintsLabel() const { return m_lints; }
    QLabel* countsLabel() const { return m_counts; }
    /// Reads a criteria file into the edit and applies it (File dialog of Open…); false when it cannot be read.
    bool openFile(const QString& path);
    /// Applies the edit's text; "" or why not (also shown in the status line).
    QString apply();

private:
    void showState();
    void showProblem(const QString& problem);
    LambdaFilter* m_filter;
    QPlainTextEdit* m_text;
    QLineEdit* m_name;
    QPushButton* m_open;
    QPushButton* m_apply;
    QPushButton* m_clear;
    QLabel* m_status;
    QLabel* m_lints;
    QLabel* m_counts;
    QString m_source;
};

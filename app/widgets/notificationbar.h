#pragma once

#include <QFrame>

class QLabel;
class QToolButton;

/// A bar above the views that keeps a message (an import's outcome) until the user dismisses it or a newer
/// message replaces it; optionally with a "Details…" link. Status-bar messages of other work never replace it.
class NotificationBar : public QFrame
{
    Q_OBJECT
public:
    enum Kind { Info, Warning, Error };

    explicit NotificationBar(QWidget* parent = nullptr);
    /// Shows the bar with `text` (plain text); `withDetails` adds the Details link (detailsRequested).
    void showMessage(const QString& text, Kind kind = Info, bool withDetails = false);
    /// Hides the bar (also what its close button does).
    void dismiss();
    QString text() const { return m_text; }
    Kind kind() const { return m_kind; }
    bool hasDetails() const { return m_details; }
    QLabel* label() const { return m_label; }
    QToolButton* closeButton() const { return m_close; }

Q_SIGNALS:
    void detailsRequested();
    void dismissed();

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateLook();
    QLabel* m_label;
    QToolButton* m_close;
    QString m_text;
    Kind m_kind = Info;
    bool m_details = false;
};

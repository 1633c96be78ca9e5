#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;

/// The Events tab's display filter (README: Display filters): an expression typed in one line, checked as it is
/// typed. A mistake is shown inline below the field, with its column and a caret under the place
/// ("column 17: '=' is not an operator (use ==)"), the text turns red, the cursor can jump there (Enter), and the
/// expression is not applied (the table is filtered as if the field were empty) until it is corrected.
class DisplayFilterEdit : public QWidget
{
    Q_OBJECT
public:
    explicit DisplayFilterEdit(QWidget* parent = nullptr);
    QLineEdit* lineEdit() const { return m_edit; }
    /// The inline error line (hidden while the expression is valid).
    QLabel* errorLabel() const { return m_error; }
    /// The expression to apply: the text when it compiles, "" when it is empty or has a mistake.
    QString appliedText() const;
    bool isInvalid() const { return m_invalid; }
    /// Where the mistake is (an index into the text), -1 when there is none.
    int errorPosition() const { return m_errorPosition; }
    void clear();

Q_SIGNALS:
    /// appliedText() may have changed (the text was edited).
    void edited();

private:
    void check();
    QLineEdit* m_edit;
    QLabel* m_error;
    bool m_invalid = false;
    int m_errorPosition = -1;
};

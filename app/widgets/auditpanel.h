#pragma once

#include <QWidget>

class QLabel;
class QTreeView;
class StoreSession;

/// Audit findings grouped by severity and kind with counts (Wireshark's Expert Info). Double-click a finding to
/// open its key at that version.
class AuditPanel : public QWidget
{
    Q_OBJECT
public:
    explicit AuditPanel(StoreSession* session, QWidget* parent = nullptr);
    QTreeView* view() const { return m_view; }

Q_SIGNALS:
    void findingActivated(qint64 keyId, qint64 recordId);

private:
    StoreSession* m_session;
    QLabel* m_summary;
    QTreeView* m_view;
};

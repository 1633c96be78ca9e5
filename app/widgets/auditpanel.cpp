#include "app/widgets/auditpanel.h"

#include <QHeaderView>
#include <QLabel>
#include <QStyledItemDelegate>
#include <QTreeView>
#include <QVBoxLayout>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/modelroles.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/eventstyle.h"

namespace {
/// Severity rows get a coloured marker and bold text.
class SeverityDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.column() != 0)
            return;
        if (!index.parent().isValid()) {
            option->font.setBold(true);
            const QColor tint = eventstyle::severityTint(index.data(ModelRoles::SeverityRole).toInt(), option->palette);
            if (tint.isValid())
                option->backgroundBrush = tint;
        }
    }
};
} // namespace

AuditPanel::AuditPanel(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_summary(new QLabel(this))
    , m_view(new QTreeView(this))
{
    m_view->setModel(session->auditModel());
    m_view->setItemDelegate(new SeverityDelegate(m_view));
    m_view->setUniformRowHeights(true);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_view->header()->setSectionResizeMode(1, QHeaderView::Interactive);
    m_view->header()->setSectionResizeMode(2, QHeaderView::Fixed);
    m_view->setColumnWidth(1, 220);
    m_view->setColumnWidth(2, 60);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);
    connect(m_view, &QTreeView::doubleClicked, this, [this](const QModelIndex& index) {
        const QVariant key = index.data(ModelRoles::KeyIdRole);
        if (key.isValid() && key.toLongLong() > 0)
            Q_EMIT findingActivated(key.toLongLong(), index.data(ModelRoles::RecordIdRole).toLongLong());
    });
    connect(session->auditJobs(), &JobTracker::busyChanged, this, [this](bool busy) {
        if (busy)
            m_summary->setText(tr("Auditing the store…"));
    });
    connect(session->auditModel(), &QAbstractItemModel::modelReset, this, [this]() {
        const int n = m_session->auditModel()->findingCount();
        m_summary->setText(!m_session->isOpen() ? tr("No store open")
                               : n              ? tr("%1 — double-click one to open the key at that version")
                                         .arg(formatting::count(n, "finding", "findings"))
                                   : tr("No findings"));
        for (int r = 0; r < m_session->auditModel()->rowCount(); ++r)
            m_view->expand(m_session->auditModel()->index(r, 0));
    });
    connect(session, &StoreSession::closed, this, [this]() { m_summary->setText(tr("No store open")); });
    m_summary->setText(tr("No store open"));
}

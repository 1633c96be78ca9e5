#include "app/widgets/findingspanel.h"

#include <QAction>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

#include "app/viewmodels/findingsmodel.h"
#include "app/viewmodels/modelroles.h"
#include "app/widgets/eventstyle.h"

namespace {

/// The severity cell gets the severity's tint.
class SeverityTintDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.column() != FindingsModel::SeverityColumn)
            return;
        const QColor tint = eventstyle::severityTint(index.data(ModelRoles::SeverityRole).toInt(), option->palette);
        if (tint.isValid())
            option->backgroundBrush = tint;
    }
};

QString plural(qint64 n, const char* one, const char* many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

} // namespace

FindingsPanel::FindingsPanel(FindingsModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_filter(new FindingsFilterModel(this))
{
    m_filter->setSourceModel(model);
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("findingsView"));
    m_view->setModel(m_filter);
    m_view->setItemDelegate(new SeverityTintDelegate(m_view));
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(FindingsModel::SeverityColumn, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->setVisible(false);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(FindingsModel::SeverityColumn, 70);
    m_view->setColumnWidth(FindingsModel::KindColumn, 170);
    m_view->setColumnWidth(FindingsModel::TableColumn, 110);
    m_view->setColumnWidth(FindingsModel::KeyColumn, 150);
    m_view->setColumnWidth(FindingsModel::RecordsColumn, 70);
    m_view->setColumnWidth(FindingsModel::SequenceColumn, 120);
    m_details = new QPlainTextEdit(this);
    m_details->setObjectName(QStringLiteral("findingDetails"));
    m_details->setReadOnly(true);
    m_details->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_details->setPlaceholderText(tr("Select a finding to read it in full"));
    m_counts = new QLabel(this);
    m_counts->setWordWrap(true);
    m_counts->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    split->addWidget(m_details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    // Small minimums: the panel sits in a bottom dock and the window must still fit 1024x700.
    m_view->setMinimumHeight(m_view->fontMetrics().height() * 3);
    m_details->setMinimumHeight(1);
    split->setCollapsible(0, false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    createFilterRow();
    layout->addWidget(m_counts);
    layout->addWidget(split, 1);
    createActions();

    connect(m_view, &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
        const qint64 keyId = index.data(ModelRoles::KeyIdRole).toLongLong();
        if (keyId > 0)
            Q_EMIT findingActivated(keyId, index.data(ModelRoles::RecordIdRole).toLongLong());
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this]() { showDetails(); });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this]() {
        refillChoices();
        updateCounts();
        showDetails();
    });
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, [this]() { updateCounts(); });
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, [this]() { updateCounts(); });
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, [this]() { updateCounts(); });
    refillChoices();
    updateCounts();
}

void FindingsPanel::createFilterRow()
{
    auto* row = new QHBoxLayout;
    m_mode = new QComboBox(this);
    m_mode->addItem(tr("Grouped"), FindingsModel::Grouped);
    m_mode->addItem(tr("One per record"), FindingsModel::Flat);
    m_mode->setToolTip(tr("Grouped: kinds that fire on many records once per cause with the number of records"));
    m_severity = new QComboBox(this);
    m_severity->addItem(tr("All severities"), static_cast<int>(model::Severity::Info));
    m_severity->addItem(tr("Warnings and errors"), static_cast<int>(model::Severity::Warning));
    m_severity->addItem(tr("Errors"), static_cast<int>(model::Severity::Error));
    m_kind = new QComboBox(this);
    m_kind->setAccessibleName(tr("Kind"));
    m_table = new QComboBox(this);
    m_table->setAccessibleName(tr("Table"));
    m_key = new QLineEdit(this);
    m_key->setPlaceholderText(tr("Key"));
    m_key->setClearButtonEnabled(true);
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search findings"));
    m_search->setClearButtonEnabled(true);
    auto* exportButton = new QPushButton(tr("Export…"), this);
    exportButton->setToolTip(tr("Save the visible findings as CSV or JSON"));
    row->addWidget(m_mode);
    row->addWidget(m_severity);
    row->addWidget(m_kind);
    row->addWidget(m_table);
    row->addWidget(m_key, 1);
    row->addWidget(m_search, 2);
    row->addWidget(exportButton);
    static_cast<QVBoxLayout*>(layout())->addLayout(row);

    connect(m_mode, &QComboBox::currentIndexChanged, this,
            [this]() { m_model->setMode(static_cast<FindingsModel::Mode>(m_mode->currentData().toInt())); });
    connect(m_severity, &QComboBox::currentIndexChanged, this, [this]() {
        m_filter->setMinimumSeverity(static_cast<model::Severity>(m_severity->currentData().toInt()));
    });
    connect(m_kind, &QComboBox::currentIndexChanged, this,
            [this]() { m_filter->setKind(m_kind->currentData().toString()); });
    connect(m_table, &QComboBox::currentIndexChanged, this,
            [this]() { m_filter->setTable(m_table->currentData().toString()); });
    connect(m_key, &QLineEdit::textChanged, m_filter, &FindingsFilterModel::setKeyFilter);
    connect(m_search, &QLineEdit::textChanged, m_filter, &FindingsFilterModel::setSearch);
    connect(exportButton, &QPushButton::clicked, this, &FindingsPanel::exportWithDialog);
}

void FindingsPanel::createActions()
{
    auto* next = new QAction(tr("Next finding"), this);
    next->setShortcut(Qt::Key_F8);
    next->setShortcutContext(Qt::WindowShortcut);
    connect(next, &QAction::triggered, this, [this]() { goToFinding(true); });
    auto* previous = new QAction(tr("Previous finding"), this);
    previous->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F8));
    previous->setShortcutContext(Qt::WindowShortcut);
    connect(previous, &QAction::triggered, this, [this]() { goToFinding(false); });
    addAction(next);
    addAction(previous);
}

void FindingsPanel::refillChoices()
{
    const QString kind = m_kind->currentData().toString();
    const QString table = m_table->currentData().toString();
    const QSignalBlocker blockKind(m_kind);
    const QSignalBlocker blockTable(m_table);
    m_kind->clear();
    m_kind->addItem(tr("All kinds"), QString());
    for (const auto& [name, counts] : m_model->countsByKind())
        m_kind->addItem(QString::fromStdString(name), QString::fromStdString(name));
    m_kind->setCurrentIndex(std::max(0, m_kind->findData(kind)));
    m_table->clear();
    m_table->addItem(tr("All tables"), QString());
    for (const auto& name : m_model->tables())
        m_table->addItem(QString::fromStdString(name), QString::fromStdString(name));
    m_table->setCurrentIndex(std::max(0, m_table->findData(table)));
    m_filter->setKind(m_kind->currentData().toString());
    m_filter->setTable(m_table->currentData().toString());
}

void FindingsPanel::setStatus(const QString& text)
{
    m_status = text;
    updateCounts();
}

void FindingsPanel::updateCounts()
{
    if (!m_status.isEmpty()) {
        m_counts->setText(m_status);
        return;
    }
    const auto counts = m_filter->visibleCountsByKind();
    if (counts.empty()) {
        m_counts->setText(m_model->rowCount() ? tr("No finding matches the filter") : tr("No findings"));
        return;
    }
    QStringList parts;
    for (const auto& [kind, n] : counts) {
        const QString name = QString::fromStdString(kind);
        parts << (n.second != n.first
                      ? tr("%1 %2 (%3)").arg(name).arg(n.first).arg(plural(n.second, "record", "records"))
                      : tr("%1 %2").arg(name).arg(n.first));
    }
    QString text = parts.join(QStringLiteral(" · "));
    if (m_model->mode() == FindingsModel::Flat && !m_model->flatComplete())
        text +=
            tr(" — one per record lists the first %1 findings only; Grouped counts them all").arg(m_model->rowCount());
    if (m_model->fromStore())
        text += tr(" — kept in the store (re-audited only where imports changed it)");
    m_counts->setText(text);
}

void FindingsPanel::showDetails()
{
    const QModelIndex current = m_view->currentIndex();
    m_details->setPlainText(current.isValid() ? current.data(FindingsModel::DetailsRole).toString() : QString());
}

bool FindingsPanel::goToFinding(bool forward)
{
    const int rows = m_filter->rowCount();
    if (rows == 0)
        return false;
    const int current = m_view->currentIndex().isValid() ? m_view->currentIndex().row() : (forward ? -1 : rows);
    const int target = ((forward ? current + 1 : current - 1) % rows + rows) % rows;
    const QModelIndex index = m_filter->index(target, 0);
    m_view->setCurrentIndex(index);
    m_view->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index);
    return true;
}

QString FindingsPanel::exportVisible(const QString& path) const
{
    return path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive) ? m_filter->exportJson(path)
                                                                       : m_filter->exportCsv(path);
}

void FindingsPanel::exportWithDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export visible findings"),
                                                      QStringLiteral("findings.csv"), tr("CSV (*.csv);;JSON (*.json)"));
    if (path.isEmpty())
        return;
    const QString error = exportVisible(path);
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Export visible findings"), error);
}

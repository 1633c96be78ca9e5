#include "app/widgets/findingspanel.h"

#include <QAction>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTextDocument>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <initializer_list>

#include "app/viewmodels/findingsmodel.h"
#include "app/viewmodels/modelroles.h"
#include "app/widgets/columnfit.h"
#include "app/widgets/eventstyle.h"
#include "app/widgets/splitdefaults.h"

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
        if (index.column() == FindingsModel::SequenceColumn)
            option->textElideMode = Qt::ElideMiddle; // sequence numbers differ at their ends
        if (index.column() != FindingsModel::SeverityColumn)
            return;
        const QColor tint = eventstyle::severityTint(index.data(ModelRoles::SeverityRole).toInt(), option->palette);
        if (tint.isValid())
            option->backgroundBrush = tint;
    }
};

/// One line, elided at the right when narrow (the whole text stays text() and the tooltip): the counts above the
/// findings must not take a second line of a short bottom dock.
class OneLineLabel : public QLabel
{
public:
    using QLabel::QLabel;

    QSize minimumSizeHint() const override { return {0, QLabel::minimumSizeHint().height()}; }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter painter(this);
        const QRect area = contentsRect();
        const QString shown = fontMetrics().elidedText(text(), Qt::ElideRight, area.width());
        style()->drawItemText(&painter, area, static_cast<int>(alignment()), palette(), isEnabled(), shown,
                              foregroundRole());
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
    // Fitted to the numbers listed and the room (fitSequenceColumn), not sized by hand.
    m_view->horizontalHeader()->setSectionResizeMode(FindingsModel::SequenceColumn, QHeaderView::Fixed);
    m_details = new QPlainTextEdit(this);
    m_details->setObjectName(QStringLiteral("findingDetails"));
    m_details->setReadOnly(true);
    m_details->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_details->setPlaceholderText(tr("Select a finding to read it in full"));
    m_counts = new OneLineLabel(this);
    m_counts->setTextFormat(Qt::PlainText);
    m_counts->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);

    auto* split = new QSplitter(Qt::Vertical, this);
    m_split = split;
    split->addWidget(m_view);
    split->addWidget(m_details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    // The details pane was squeezed to 1 px at every size: the table's share (3:1) left it nothing once the table had
    // its five rows. Until the user moves it: a quarter for the details, three lines at least.
    m_splitPlacer = new splitdefaults::Placer(split, [this](int total) {
        return splitdefaults::sizes(total, 0.25, detailsWanted(), m_view->minimumHeight());
    });
    // The table keeps room for a header and five findings (at 1024x700 it showed about one row under the filters);
    // the details pane gives way first. The columns are wider than a narrow dock: count the horizontal scroll bar.
    const int frame = 2 * m_view->frameWidth();
    m_view->setMinimumHeight(m_view->horizontalHeader()->sizeHint().height()
                             + kMinimumRows * m_view->verticalHeader()->defaultSectionSize()
                             + m_view->horizontalScrollBar()->sizeHint().height() + frame);
    m_details->setMinimumHeight(1);
    split->setCollapsible(0, false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setSpacing(2); // filters, counts and five findings in a bottom dock of a 1024x700 window
    createFilterRow();
    m_choiceRow->addWidget(m_counts, 1); // two filter rows: the counts take the room beside the choices
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
    connect(m_filter, &QAbstractItemModel::modelReset, this, [this]() { fitSequenceColumn(true); });
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, [this]() { fitSequenceColumn(true); });
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, [this]() { fitSequenceColumn(false); });
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this, [this]() { fitSequenceColumn(false); });
    fitSequenceColumn(true);
    refillChoices();
    updateCounts();
}

// The widget's own destructor hides its children, and a hidden table view lays out again and moves its scroll bar:
// the connections that call back into this panel must be gone before then (UBSan: member call on a QWidget).
FindingsPanel::~FindingsPanel()
{
    disconnect(m_view->verticalScrollBar(), nullptr, this, nullptr);
    delete m_splitPlacer; // the same for the splitter's resizes (its sizes read this panel's views)
}

void FindingsPanel::createFilterRow()
{
    m_choiceRow = new QHBoxLayout;
    m_textRow = new QHBoxLayout;
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
    m_exportButton = exportButton;
    // The key and search fields need room to be typed into: narrower than both rows side by side (the bottom dock
    // at 1024x700), they and Export go to a second row (see placeFilterRows).
    m_key->setMinimumWidth(m_key->fontMetrics().horizontalAdvance(QStringLiteral("orderId=ORD-1001")));
    m_search->setMinimumWidth(m_search->fontMetrics().horizontalAdvance(m_search->placeholderText()) + 30);
    m_choiceRow->addWidget(m_mode);
    m_choiceRow->addWidget(m_severity);
    m_choiceRow->addWidget(m_kind);
    m_choiceRow->addWidget(m_table);
    m_textRow->addWidget(m_key, 1);
    m_textRow->addWidget(m_search, 2);
    m_textRow->addWidget(exportButton);
    auto* rows = static_cast<QVBoxLayout*>(layout());
    rows->addLayout(m_choiceRow);
    rows->addLayout(m_textRow);

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

int FindingsPanel::oneRowWidth() const
{
    int width = 0;
    int widgets = 0;
    for (const QWidget* widget : std::initializer_list<const QWidget*>{m_mode, m_severity, m_kind, m_table}) {
        width += widget->sizeHint().width();
        ++widgets;
    }
    for (const QWidget* widget : std::initializer_list<const QWidget*>{m_key, m_search, m_exportButton}) {
        width += std::max(widget->minimumWidth(), widget->minimumSizeHint().width());
        ++widgets;
    }
    const QMargins margins = layout()->contentsMargins();
    return width + (widgets - 1) * std::max(0, m_choiceRow->spacing()) + margins.left() + margins.right();
}

void FindingsPanel::placeFilterRows()
{
    const bool oneRow = width() >= oneRowWidth();
    if (oneRow == m_oneFilterRow)
        return;
    m_oneFilterRow = oneRow;
    QHBoxLayout* from = oneRow ? m_textRow : m_choiceRow;
    QHBoxLayout* to = oneRow ? m_choiceRow : m_textRow;
    const QList<QPair<QWidget*, int>> moved = {{m_key, 1}, {m_search, 2}, {m_exportButton, 0}};
    for (const auto& [widget, stretch] : moved) {
        from->removeWidget(widget);
        to->addWidget(widget, stretch);
    }
    // On two rows the counts sit beside the choices (a line of their own cost the findings table rows in the
    // bottom dock of a 1024x700 window); on one row they get their own line under it.
    auto* rows = static_cast<QVBoxLayout*>(layout());
    if (oneRow) {
        m_choiceRow->removeWidget(m_counts);
        rows->insertWidget(rows->indexOf(m_choiceRow) + 1, m_counts);
    } else {
        rows->removeWidget(m_counts);
        m_choiceRow->addWidget(m_counts, 1);
    }
}

void FindingsPanel::fitSequenceColumn(bool mayNarrow)
{
    // The table scrolls sideways where the dock is narrow (the message is in the details pane too): the numbers are
    // never cut for room, 21 digits at least (the shortest DynamoDB sequence numbers).
    columnfit::fitNumberColumn(m_view, FindingsModel::SequenceColumn, -1, 0, QStringLiteral("400000000000000000001"),
                               mayNarrow);
}

void FindingsPanel::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    placeFilterRows();
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

void FindingsPanel::setKeptCounts(std::vector<std::pair<std::string, std::int64_t>> counts)
{
    m_keptCounts = std::move(counts);
    updateCounts();
}

void FindingsPanel::updateCounts()
{
    if (!m_status.isEmpty()) {
        QStringList parts;
        for (const auto& [kind, n] : m_keptCounts)
            parts << tr("%1 %2").arg(QString::fromStdString(kind)).arg(n);
        setCountsText(parts.isEmpty() ? m_status : tr("%1 %2").arg(m_status, parts.join(QStringLiteral(" · "))));
        return;
    }
    const auto counts = m_filter->visibleCountsByKind();
    if (counts.empty()) {
        setCountsText(m_model->rowCount() ? tr("No finding matches the filter") : tr("No findings"));
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
    setCountsText(text);
}

void FindingsPanel::setCountsText(const QString& text)
{
    m_counts->setText(text);
    m_counts->setToolTip(text);
}

int FindingsPanel::detailsWanted() const
{
    // Whole lines: the first starts under the document's margin (without it the third line was cut).
    return kDetailsLines * m_details->fontMetrics().lineSpacing() + 2 * m_details->frameWidth()
        + 2 * static_cast<int>(std::ceil(m_details->document()->documentMargin()));
}

int FindingsPanel::wantedHeight() const
{
    // The filter rows and margins (the layout's minimum less the splitter's), the table's rows, the details' lines.
    return layout()->minimumSize().height() - m_split->minimumSizeHint().height() + m_view->minimumHeight()
        + m_split->handleWidth() + detailsWanted();
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
    // The keyboard follows the finding (from a filter field or another view alike): Enter then opens its version,
    // not whatever the focused widget would open.
    m_view->setFocus(Qt::ShortcutFocusReason);
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

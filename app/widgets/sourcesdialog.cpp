#include "app/widgets/sourcesdialog.h"

#include <QAction>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScreen>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/storesession.h"

using formatting::fromStd;

namespace {

/// A row's whole text for the details line (path or ARN, counts, the span with its fractions).
constexpr int kDetailsRole = Qt::UserRole + 1;

QString spanText(const std::optional<std::int64_t>& first, const std::optional<std::int64_t>& last)
{
    if (!first || !last)
        return QObject::tr("no timed records");
    return formatting::timeText(first) + QStringLiteral(" .. ") + formatting::timeText(last);
}

/// The span as a cell shows it: the same times without a zero fraction, the end's date only when it is another day
/// ("2026-11-01 09:00:02 .. 13:26:40"); the tooltip and the details line have spanText.
QString shortSpanText(const std::optional<std::int64_t>& first, const std::optional<std::int64_t>& last)
{
    if (!first || !last)
        return spanText(first, last);
    QString a = formatting::timeText(first);
    QString b = formatting::timeText(last);
    const QString zero = QStringLiteral(".000000");
    if (a.endsWith(zero) && b.endsWith(zero)) {
        a.chop(zero.size());
        b.chop(zero.size());
    }
    if (a.left(11) == b.left(11)) // "yyyy-MM-dd "
        b = b.mid(11);
    return a + QStringLiteral(" .. ") + b;
}

/// A column's width for its texts and its header (what resizeColumnToContents gives) and 2 px: a text is laid out in
/// fractional pixels, one exactly as wide as its cell is elided.
int contentsWidth(const QTreeWidget* tree, int column)
{
    const QAbstractItemView* view = tree; // sizeHintForColumn is public there
    return std::max(view->sizeHintForColumn(column) + 2, tree->header()->sectionSizeHint(column));
}

/// Every column but `flexible` as wide as its texts, and `flexible` as wide as its own where the view has the room,
/// else the room left (at least `least` px; it elides in the middle, its tooltip and the details line have the
/// text): the columns after it stay in view without scrolling sideways.
void fitColumns(QTreeWidget* tree, int flexible, int least)
{
    int others = 0;
    for (int c = 0; c < tree->columnCount(); ++c)
        if (c != flexible) {
            const int width = contentsWidth(tree, c); // (a stretched last column is wider than its texts)
            tree->setColumnWidth(c, width);
            others += width;
        }
    const int room = tree->viewport()->width() - others;
    tree->setColumnWidth(flexible, std::max(least, std::min(contentsWidth(tree, flexible), room)));
}

QString viewName(model::ViewType v)
{
    const std::string_view text = model::viewTypeText(v);
    return text.empty() ? QObject::tr("unknown view type")
                        : QString::fromLatin1(text.data(), static_cast<qsizetype>(text.size()));
}

/// "NEW_IMAGE", or "mixed (KEYS_ONLY, NEW_IMAGE)" as `streamscope info` says it.
QString streamView(const storage::StreamInfo& s)
{
    if (s.mixedViewTypes.empty())
        return viewName(s.viewType);
    QStringList names;
    for (model::ViewType v : s.mixedViewTypes)
        names << viewName(v);
    return QObject::tr("mixed (%1)").arg(names.join(QStringLiteral(", ")));
}

QString sourceCounts(const storage::SourceInfo& s)
{
    using formatting::count;
    return QObject::tr("%L1 stored, %2, %3, %L4 skipped")
        .arg(s.inserted)
        .arg(count(s.duplicates, "duplicate", "duplicates"), count(s.conflicts, "conflict", "conflicts"))
        .arg(s.skipped);
}

/// The counts as a cell shows them: the records stored and only the counts that are not zero ("30 stored,
/// 1 duplicate"); the tooltip has them all.
QString shortCounts(const storage::SourceInfo& s)
{
    using formatting::count;
    QStringList parts{QObject::tr("%L1 stored").arg(s.inserted)};
    if (s.duplicates)
        parts << count(s.duplicates, "duplicate", "duplicates");
    if (s.conflicts)
        parts << count(s.conflicts, "conflict", "conflicts");
    if (s.skipped)
        parts << QObject::tr("%L1 skipped").arg(s.skipped);
    return parts.join(QStringLiteral(", "));
}

QString totalsText(const storage::StoreTotals& n)
{
    using formatting::count; // "1 source", "2 sources": English plurals without a translator
    return QObject::tr("%1, %2, %3, %4, %5; %6, %7, %8; %9")
        .arg(count(n.records, "record", "records"), count(n.keys, "key", "keys"), count(n.tables, "table", "tables"),
             count(n.streams, "stream", "streams"), count(n.sources, "source", "sources"),
             count(n.duplicates, "duplicate", "duplicates"), count(n.conflicts, "conflict", "conflicts"),
             count(n.skipped, "skipped record", "skipped records"), spanText(n.firstTimeMicros, n.lastTimeMicros));
}

QTreeWidget* newTree(const QStringList& headers, QWidget* parent)
{
    auto* tree = new QTreeWidget(parent);
    tree->setHeaderLabels(headers);
    tree->setRootIsDecorated(true);
    tree->setAlternatingRowColors(true);
    tree->setUniformRowHeights(true);
    tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    tree->header()->setStretchLastSection(true);
    return tree;
}

} // namespace

SourcesDialog::SourcesDialog(StoreSession* session, QWidget* parent)
    : QDialog(parent)
    , m_session(session)
    , m_job(new SourcesJob(this))
    , m_summary(new QLabel(this))
    // (the import time is in the file's tooltip and details: at 1024x700 its column pushed the time span out)
    , m_sources(newTree({tr("File"), tr("Format"), tr("Size"), tr("Records"), tr("Time span (UTC)")}, this))
    , m_tables(newTree({tr("Table / stream"), tr("Records"), tr("Keys"), tr("Time span (UTC)")}, this))
    , m_details(new QLabel(this))
{
    setObjectName(QStringLiteral("sourcesDialog"));
    setWindowTitle(tr("Sources"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    auto* split = new QSplitter(Qt::Vertical, this);
    m_sources->header()->setStretchLastSection(false); // the time span keeps its text's width (fillSources)
    m_sources->setTextElideMode(Qt::ElideMiddle);      // a file name keeps its start and its end
    split->addWidget(m_sources);
    split->addWidget(m_tables);
    split->setSizes({300, 160});
    // The selected row whole (a stream's ARN, a file's path, the span's fractions), selectable and copyable.
    m_details->setObjectName(QStringLiteral("sourcesDetails"));
    m_details->setTextFormat(Qt::PlainText);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_details->setMinimumHeight(m_details->fontMetrics().lineSpacing() * 3);
    m_details->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    for (QTreeWidget* tree : {m_sources, m_tables}) {
        connect(tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
            if (item)
                m_details->setText(item->data(0, kDetailsRole).toString());
        });
        tree->installEventFilter(this); // focus back in a list: its current row (eventFilter)
        auto* copy = new QAction(tr("Copy"), tree);
        copy->setShortcut(QKeySequence::Copy);
        copy->setShortcutContext(Qt::WidgetShortcut);
        connect(copy, &QAction::triggered, this, [this, tree]() { copyRows(tree); });
        tree->addAction(copy);
        tree->setContextMenuPolicy(Qt::ActionsContextMenu);
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_copyAll = buttons->addButton(tr("Copy All"), QDialogButtonBox::ActionRole);
    m_copyAll->setToolTip(tr("Copy the whole report as text (as `streamscope info` prints it)"));
    auto* refresh = buttons->addButton(tr("Refresh"), QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);
    layout->addWidget(m_details);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    connect(refresh, &QPushButton::clicked, this, &SourcesDialog::reload);
    connect(m_copyAll, &QPushButton::clicked, this,
            [this]() { QGuiApplication::clipboard()->setText(reportText(m_report)); });
    connect(m_job, &SourcesJob::ready, this, &SourcesDialog::showReport);
    connect(m_job, &SourcesJob::failed, this,
            [this](const QString& reason) { m_summary->setText(tr("Could not read the sources: %1").arg(reason)); });
    // Follows the window's store: another store, or new sources after an import.
    connect(session, &StoreSession::overviewReady, this, [this]() {
        if (isVisible())
            reload();
    });
    connect(session, &StoreSession::closed, this, [this]() {
        m_job->cancel();
        m_report = {};
        m_sources->clear();
        m_tables->clear();
        m_details->clear();
        m_summary->setText(tr("No store open"));
    });
    resize(1000, 560);
}

QAction* SourcesDialog::createAction(StoreSession* session, QWidget* window)
{
    auto* action = new QAction(tr("&Sources…"), window);
    action->setObjectName(QStringLiteral("sourcesAction"));
    action->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I));
    action->setToolTip(tr("The imported files of the store: format, counts, duplicates, skipped records with "
                          "their reasons, time span; its tables and streams"));
    action->setEnabled(session->isOpen());
    connect(session, &StoreSession::opened, action, [action]() { action->setEnabled(true); });
    connect(session, &StoreSession::closed, action, [action]() { action->setEnabled(false); });
    connect(action, &QAction::triggered, window, [session, window]() {
        auto* dialog = window->findChild<SourcesDialog*>();
        if (!dialog) {
            dialog = new SourcesDialog(session, window);
            dialog->fitToWindow(window);
        }
        dialog->reload();
        dialog->show();
        dialog->raise();
        dialog->activateWindow();
    });
    return action;
}

void SourcesDialog::fitToWindow(const QWidget* window)
{
    // Over the window and inside it (at 1024x700 the dialog was 1000x560 over a 1024-px window: its columns
    // scrolled), never larger than the screen; a big window gets a big dialog, up to what the columns use.
    QSize size(std::min(window->width() - 40, 1400), std::min(window->height() - 60, 860));
    if (const QScreen* screen = window->screen())
        size = size.boundedTo(screen->availableGeometry().size() - QSize(20, 40));
    resize(size.expandedTo(QSize(480, 360)));
    move(window->mapToGlobal(window->rect().center()) - QPoint(width() / 2, height() / 2));
}

bool SourcesDialog::eventFilter(QObject* watched, QEvent* event)
{
    // A click on the row that is already current changes no current item: the details line showed the other list's.
    if (event->type() == QEvent::FocusIn && (watched == m_sources || watched == m_tables))
        if (const QTreeWidgetItem* item = static_cast<QTreeWidget*>(watched)->currentItem())
            m_details->setText(item->data(0, kDetailsRole).toString());
    return QDialog::eventFilter(watched, event);
}

void SourcesDialog::resizeEvent(QResizeEvent* event)
{
    QDialog::resizeEvent(event);
    fitSources();
    fitTables();
}

QString SourcesDialog::copyRows(QTreeWidget* tree)
{
    // Each selected row's cells, tab-separated, its first cell whole (the path or the ARN, not the elided text).
    QStringList lines;
    for (QTreeWidgetItem* item : tree->selectedItems()) {
        QStringList cells;
        for (int c = 0; c < tree->columnCount(); ++c) {
            const QString tip = item->toolTip(c);
            cells << (tip.isEmpty() ? item->text(c) : tip);
        }
        while (!cells.isEmpty() && cells.last().isEmpty())
            cells.removeLast();
        lines << cells.join(QLatin1Char('\t'));
    }
    QString text = lines.join(QLatin1Char('\n'));
    if (!text.isEmpty())
        QGuiApplication::clipboard()->setText(text);
    return text;
}

void SourcesDialog::reload()
{
    if (!m_session->isOpen()) {
        m_summary->setText(tr("No store open"));
        return;
    }
    m_summary->setText(tr("Reading %1…").arg(m_session->path()));
    m_job->start(m_session->path());
}

void SourcesDialog::showReport(const SourcesReport& report)
{
    m_report = report;
    m_summary->setText(tr("%1\n%2").arg(report.storePath, totalsText(report.totals)));
    fillSources(report);
    fillTables(report);
    m_details->setText(tr("Select a row to read it whole here (Ctrl+C copies the selected rows)"));
    Q_EMIT shown();
}

void SourcesDialog::fillSources(const SourcesReport& report)
{
    m_sources->clear();
    for (const SourceDetails& d : report.sources) {
        const storage::SourceInfo& s = d.info;
        auto* item = new QTreeWidgetItem(m_sources);
        const QString imported = formatting::timeText(s.importedAtMicros).left(19);
        item->setText(0, QFileInfo(fromStd(s.path)).fileName());
        item->setToolTip(0, tr("%1\nimported %2 (UTC)").arg(fromStd(s.path), imported));
        item->setText(1, fromStd(s.format));
        item->setText(2, formatting::sizeText(s.sizeBytes));
        item->setText(3, shortCounts(s));
        item->setToolTip(3, sourceCounts(s));
        item->setText(4, shortSpanText(d.firstTimeMicros, d.lastTimeMicros));
        item->setToolTip(4, spanText(d.firstTimeMicros, d.lastTimeMicros));
        item->setData(0, kDetailsRole,
                      tr("%1\n%2, %3, imported %4 (UTC); %5\n%6")
                          .arg(fromStd(s.path), fromStd(s.format), formatting::sizeText(s.sizeBytes), imported,
                               sourceCounts(s), spanText(d.firstTimeMicros, d.lastTimeMicros)));
        for (const QString& note : d.notes) {
            auto* child = new QTreeWidgetItem(item);
            child->setText(0, note);
            child->setToolTip(0, note);
            child->setData(0, kDetailsRole, note);
            child->setFirstColumnSpanned(true);
        }
        item->setExpanded(d.notes.size() <= 20); // long lists of skipped records stay folded
    }
    if (report.sources.empty()) {
        auto* item = new QTreeWidgetItem(m_sources);
        item->setText(0, tr("No sources: import captures with File ▸ Import (Ctrl+I)"));
        item->setFirstColumnSpanned(true);
    }
    fitSources();
}

void SourcesDialog::fitSources()
{
    // Every column as wide as its texts, the time span too (it was the stretched last column, cut at 1024x700); the
    // file name takes what is left (its path is in the tooltip and the details line).
    fitColumns(m_sources, 0, 120);
}

void SourcesDialog::fitTables()
{
    // The stream ARNs whole where the dialog has the room (at 1024x700 too), else elided in the middle (the details
    // line shows the selected one whole).
    fitColumns(m_tables, 0, 120);
}

void SourcesDialog::fillTables(const SourcesReport& report)
{
    m_tables->clear();
    for (const storage::TableInfo& t : report.tables) {
        auto* item = new QTreeWidgetItem(m_tables);
        item->setText(0, fromStd(t.name));
        item->setText(1, QStringLiteral("%L1").arg(t.recordCount));
        item->setText(2, QStringLiteral("%L1").arg(t.keyCount));
        item->setText(3, shortSpanText(t.firstTimeMicros, t.lastTimeMicros));
        item->setToolTip(3, spanText(t.firstTimeMicros, t.lastTimeMicros));
        item->setData(0, kDetailsRole,
                      tr("Table %1: %L2 records, %L3 keys\n%4")
                          .arg(fromStd(t.name))
                          .arg(t.recordCount)
                          .arg(t.keyCount)
                          .arg(spanText(t.firstTimeMicros, t.lastTimeMicros)));
        for (const storage::StreamInfo& s : t.streams) {
            // One row across the columns: the ARN first and whole (it was elided in a 320-px column), then the
            // view type, region and record count (elided first where the dialog is narrow).
            auto* child = new QTreeWidgetItem(item);
            const QString arn = s.arn.empty() ? tr("(no stream ARN)") : fromStd(s.arn);
            const QString view =
                streamView(s) + (s.region.empty() ? QString() : QStringLiteral(", ") + fromStd(s.region));
            child->setText(0, tr("%1 — %2, %3").arg(arn, view, formatting::count(s.recordCount, "record", "records")));
            child->setToolTip(0, arn);
            child->setFirstColumnSpanned(true);
            child->setData(0, kDetailsRole,
                           tr("Stream of %1: %2\n%3; %L4 records").arg(fromStd(t.name), arn, view).arg(s.recordCount));
        }
        item->setExpanded(true);
    }
    fitTables();
}

QString SourcesDialog::reportText(const SourcesReport& report)
{
    QStringList lines;
    lines << tr("Store   %1").arg(report.storePath) << QString();
    lines << tr("Sources (%1)").arg(report.sources.size());
    for (const SourceDetails& d : report.sources) {
        const storage::SourceInfo& s = d.info;
        lines << QStringLiteral("  #%1  %2").arg(s.id).arg(fromStd(s.path));
        lines << QStringLiteral("      %1, %2, imported %3")
                     .arg(fromStd(s.format), formatting::sizeText(s.sizeBytes),
                          formatting::timeText(s.importedAtMicros).left(19));
        lines << QStringLiteral("      ") + sourceCounts(s);
        lines << QStringLiteral("      ") + spanText(d.firstTimeMicros, d.lastTimeMicros);
        for (const QString& note : d.notes)
            lines << QStringLiteral("      ") + note;
    }
    lines << QString() << tr("Tables (%1)").arg(report.tables.size());
    for (const storage::TableInfo& t : report.tables) {
        lines << tr("  %1  %L2 records, %L3 keys, %4")
                     .arg(fromStd(t.name))
                     .arg(t.recordCount)
                     .arg(t.keyCount)
                     .arg(spanText(t.firstTimeMicros, t.lastTimeMicros));
        for (const storage::StreamInfo& s : t.streams)
            lines << tr("      stream %1: %2%3, %L4 records")
                         .arg(s.arn.empty() ? tr("(no stream ARN)") : fromStd(s.arn), streamView(s),
                              s.region.empty() ? QString() : QStringLiteral(", ") + fromStd(s.region))
                         .arg(s.recordCount);
    }
    lines << QString() << tr("Totals  %1").arg(totalsText(report.totals));
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

#include "app/widgets/sourcesdialog.h"

#include <QAction>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/storesession.h"

using formatting::fromStd;

namespace {

QString spanText(const std::optional<std::int64_t>& first, const std::optional<std::int64_t>& last)
{
    if (!first || !last)
        return QObject::tr("no timed records");
    return formatting::timeText(first) + QStringLiteral(" .. ") + formatting::timeText(last);
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
    , m_sources(
          newTree({tr("File"), tr("Format"), tr("Size"), tr("Imported (UTC)"), tr("Records"), tr("Time span")}, this))
    , m_tables(newTree({tr("Table / stream"), tr("Records"), tr("Keys"), tr("Time span / view type")}, this))
{
    setObjectName(QStringLiteral("sourcesDialog"));
    setWindowTitle(tr("Sources"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    auto* split = new QSplitter(Qt::Vertical, this);
    m_sources->header()->setStretchLastSection(false); // the time span keeps its text's width (fillSources)
    split->addWidget(m_sources);
    split->addWidget(m_tables);
    split->setSizes({300, 160});
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_copyAll = buttons->addButton(tr("Copy All"), QDialogButtonBox::ActionRole);
    m_copyAll->setToolTip(tr("Copy the whole report as text (as `streamscope info` prints it)"));
    auto* refresh = buttons->addButton(tr("Refresh"), QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);
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
        if (!dialog)
            dialog = new SourcesDialog(session, window);
        dialog->reload();
        dialog->show();
        dialog->raise();
        dialog->activateWindow();
    });
    return action;
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
    Q_EMIT shown();
}

void SourcesDialog::fillSources(const SourcesReport& report)
{
    m_sources->clear();
    for (const SourceDetails& d : report.sources) {
        const storage::SourceInfo& s = d.info;
        auto* item = new QTreeWidgetItem(m_sources);
        item->setText(0, QFileInfo(fromStd(s.path)).fileName());
        item->setToolTip(0, fromStd(s.path));
        item->setText(1, fromStd(s.format));
        item->setText(2, formatting::sizeText(s.sizeBytes));
        item->setText(3, formatting::timeText(s.importedAtMicros).left(19));
        item->setText(4, sourceCounts(s));
        item->setText(5, spanText(d.firstTimeMicros, d.lastTimeMicros));
        for (const QString& note : d.notes) {
            auto* child = new QTreeWidgetItem(item);
            child->setText(0, note);
            child->setToolTip(0, note);
            child->setFirstColumnSpanned(true);
        }
        item->setExpanded(d.notes.size() <= 20); // long lists of skipped records stay folded
    }
    if (report.sources.empty()) {
        auto* item = new QTreeWidgetItem(m_sources);
        item->setText(0, tr("No sources: import captures with File ▸ Import (Ctrl+I)"));
        item->setFirstColumnSpanned(true);
    }
    // Every column as wide as its texts, the time span too (it was the stretched last column, cut at 1024x700):
    // the list scrolls sideways where the dialog is narrower.
    for (int c = 1; c < m_sources->columnCount(); ++c)
        m_sources->resizeColumnToContents(c);
    m_sources->resizeColumnToContents(0);
    m_sources->setColumnWidth(0, std::clamp(m_sources->columnWidth(0), 160, 320));
}

void SourcesDialog::fillTables(const SourcesReport& report)
{
    m_tables->clear();
    for (const storage::TableInfo& t : report.tables) {
        auto* item = new QTreeWidgetItem(m_tables);
        item->setText(0, fromStd(t.name));
        item->setText(1, QStringLiteral("%L1").arg(t.recordCount));
        item->setText(2, QStringLiteral("%L1").arg(t.keyCount));
        item->setText(3, spanText(t.firstTimeMicros, t.lastTimeMicros));
        for (const storage::StreamInfo& s : t.streams) {
            auto* child = new QTreeWidgetItem(item);
            child->setText(0, s.arn.empty() ? tr("(no stream ARN)") : fromStd(s.arn));
            child->setToolTip(0, child->text(0));
            child->setText(1, QStringLiteral("%L1").arg(s.recordCount));
            child->setText(3,
                           streamView(s) + (s.region.empty() ? QString() : QStringLiteral(", ") + fromStd(s.region)));
        }
        item->setExpanded(true);
    }
    m_tables->setColumnWidth(0, 320);
    m_tables->resizeColumnToContents(1);
    m_tables->resizeColumnToContents(2);
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

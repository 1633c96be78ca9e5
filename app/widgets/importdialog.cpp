#include "app/widgets/importdialog.h"

#include <QAction>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "app/viewmodels/formatting.h"

ImportProgressWidget::ImportProgressWidget(QWidget* parent)
    : QWidget(parent)
    , m_bar(new QProgressBar(this))
    , m_label(new QLabel(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
{
    m_bar->setRange(0, 1000);
    m_bar->setFixedWidth(180);
    m_bar->setTextVisible(true);
    m_cancel->setToolTip(tr("Stop the import; the file being imported is rolled back, finished files stay"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
}

void ImportProgressWidget::begin(int fileCount)
{
    m_bar->setValue(0);
    m_bar->setFormat(QStringLiteral("%p%"));
    m_label->setText(tr("Importing %1…").arg(formatting::count(fileCount, "file", "files")));
    m_cancel->setEnabled(true);
}

void ImportProgressWidget::setProgress(const ImportProgressInfo& p)
{
    const QLocale locale;
    m_bar->setValue(p.bytesTotal > 0 ? static_cast<int>(1000 * p.bytesRead / p.bytesTotal) : 0);
    m_label->setText(tr("Importing %1 (%2/%3): %4 of %5, %L6 records")
                         .arg(QFileInfo(p.currentFile).fileName())
                         .arg(p.fileIndex + 1)
                         .arg(p.fileCount)
                         .arg(locale.formattedDataSize(p.bytesRead), locale.formattedDataSize(p.bytesTotal))
                         .arg(p.records));
}

QString ImportSummaryDialog::oneLine(const ImportResultInfo& s)
{
    QString text = s.cancelled ? tr("Import cancelled: ") : tr("Import finished: ");
    text += tr("%1 stored from %2")
                .arg(formatting::count(s.inserted, "record", "records"),
                     formatting::count(s.filesImported, "file", "files"));
    if (s.duplicates)
        text += tr(", %L1 duplicates").arg(s.duplicates);
    if (s.conflicts)
        text += tr(", %L1 conflicts").arg(s.conflicts);
    if (!s.skipped.empty())
        text += tr(", %L1 records skipped").arg(s.skipped.size());
    if (s.filesAlreadyImported)
        text += tr(", %1 already imported").arg(formatting::count(s.filesAlreadyImported, "file", "files"));
    if (!s.failed.empty())
        text += tr(", %1 not imported").arg(formatting::count(static_cast<qint64>(s.failed.size()), "file", "files"));
    if (s.filesNotStarted)
        text += tr(", %1 not started").arg(formatting::count(s.filesNotStarted, "file", "files"));
    return text;
}

namespace {

QString fileCounts(const FileOutcomeInfo& f)
{
    QStringList parts;
    parts << formatting::count(f.inserted, "new record", "new records");
    if (f.duplicates)
        parts << formatting::count(f.duplicates, "duplicate (already stored)", "duplicates (already stored)");
    if (f.conflicts)
        parts << QObject::tr("%L1 conflicting with stored records").arg(f.conflicts);
    if (f.skipped)
        parts << QObject::tr("%1 skipped").arg(formatting::count(f.skipped, "record", "records"));
    return parts.join(QStringLiteral(", "));
}

QTableWidget* newTable(int columns, const QStringList& headers, QWidget* parent)
{
    auto* table = new QTableWidget(0, columns, parent);
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table->setWordWrap(false);
    table->setTextElideMode(Qt::ElideMiddle);
    return table;
}

void setCell(QTableWidget* table, int row, int column, const QString& text, const QString& tip = {})
{
    auto* item = new QTableWidgetItem(text);
    item->setToolTip(tip.isEmpty() ? text : tip);
    table->setItem(row, column, item);
}

/// The selected rows as tab-separated lines (all rows when none is selected).
QString rowsText(const QTableWidget* table)
{
    QStringList lines;
    for (int r = 0; r < table->rowCount(); ++r) {
        if (!table->selectionModel()->selectedRows().isEmpty() && !table->selectionModel()->isRowSelected(r))
            continue;
        QStringList cells;
        for (int c = 0; c < table->columnCount(); ++c) {
            const QTableWidgetItem* item = table->item(r, c);
            cells << (item ? item->toolTip() : QString());
        }
        lines << cells.join(QLatin1Char('\t'));
    }
    return lines.join(QLatin1Char('\n'));
}

/// Columns sized to their content but capped, so the last (reason) column starts inside the dialog and stretches.
void fitColumns(QTableWidget* table, int maxWidth)
{
    table->resizeColumnsToContents();
    for (int c = 0; c + 1 < table->columnCount(); ++c)
        table->setColumnWidth(c, std::min(table->columnWidth(c), maxWidth));
    table->horizontalHeader()->setStretchLastSection(true);
}

void addCopyShortcut(QTableWidget* table)
{
    auto* copy = new QAction(QObject::tr("Copy Rows"), table);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    QObject::connect(copy, &QAction::triggered, table,
                     [table]() { QGuiApplication::clipboard()->setText(rowsText(table)); });
    table->addAction(copy);
    table->setContextMenuPolicy(Qt::ActionsContextMenu);
}

} // namespace

QString ImportSummaryDialog::positionText(qint64 byteOffset, qint64 line, qint64 column)
{
    if (byteOffset < 0)
        return {};
    return line > 0 ? tr("line %1, column %2 (byte %3)").arg(line).arg(column).arg(byteOffset)
                    : tr("byte %1").arg(byteOffset);
}

QString ImportSummaryDialog::outcomeText(const FileOutcomeInfo& f)
{
    switch (f.outcome) {
    case FileOutcome::Imported:
        return tr("imported: %1").arg(fileCounts(f));
    case FileOutcome::AlreadyImported:
        return tr("already imported before: nothing added");
    case FileOutcome::NotCapture:
        return tr("not a capture: not imported");
    case FileOutcome::Sidecar:
        return tr("not read: a file that belongs next to captures");
    case FileOutcome::Failed:
        return f.record > 0 ? tr("failed at record %1: nothing of this file was kept").arg(f.record)
                            : tr("failed: nothing of this file was kept");
    case FileOutcome::Cancelled:
        return tr("cancelled while importing: rolled back, nothing of this file was kept");
    case FileOutcome::NotStarted:
        return tr("not started: the import was cancelled before this file");
    case FileOutcome::Missing:
        return tr("not found: does not exist or cannot be read");
    }
    return {};
}

ImportSummaryDialog::ImportSummaryDialog(const ImportResultInfo& summary, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(summary.cancelled ? tr("Import cancelled") : tr("Import finished"));
    auto* layout = new QVBoxLayout(this);
    auto* head =
        new QLabel(summary.storeError.isEmpty() ? oneLine(summary)
                                                : tr("The store could not be written: %1").arg(summary.storeError),
                   this);
    head->setWordWrap(true);
    head->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    layout->addWidget(head);
    fillFiles(summary);
    layout->addWidget(new QLabel(tr("Files:"), this));
    layout->addWidget(m_files, 1);
    if (!summary.skipped.empty()) {
        fillSkipped(summary);
        layout->addWidget(new QLabel(tr("Skipped records (the rest of their file was imported):"), this));
        layout->addWidget(m_skipped, 2);
    }
    m_text = plainText(summary);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_copyAll = buttons->addButton(tr("Copy All"), QDialogButtonBox::ActionRole);
    m_copyAll->setToolTip(tr("Copy the whole summary as text (Ctrl+C on a table copies its selected rows)"));
    connect(m_copyAll, &QPushButton::clicked, this, [this]() { QGuiApplication::clipboard()->setText(m_text); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    layout->addWidget(buttons);
    resize(960, summary.skipped.empty() ? 320 : 480);
}

void ImportSummaryDialog::fillFiles(const ImportResultInfo& summary)
{
    m_files = newTable(5, {tr("File"), tr("Outcome"), tr("Record #"), tr("Position"), tr("Reason / details")}, this);
    QStringList notStarted;
    for (const auto& f : summary.files) {
        if (f.outcome == FileOutcome::NotStarted) {
            notStarted << f.file;
            continue;
        }
        const int r = m_files->rowCount();
        m_files->insertRow(r);
        setCell(m_files, r, 0, QFileInfo(f.file).fileName(), f.file);
        setCell(m_files, r, 1, outcomeText(f));
        if (f.record > 0)
            setCell(m_files, r, 2, QString::number(f.record));
        setCell(m_files, r, 3, positionText(f.record > 0 ? f.byteOffset : -1, f.line, f.column));
        QString details = f.detail;
        if (f.outcome == FileOutcome::Imported || f.outcome == FileOutcome::AlreadyImported)
            details = tr("format: %1").arg(f.format.isEmpty() ? tr("unknown") : f.format);
        setCell(m_files, r, 4, details);
    }
    if (!notStarted.isEmpty()) {
        // One row, not one per file: a cancelled import of 300 files lists what happened, not 300 failures.
        const int r = m_files->rowCount();
        m_files->insertRow(r);
        setCell(m_files, r, 0, formatting::count(notStarted.size(), "file", "files"),
                notStarted.join(QLatin1Char('\n')));
        setCell(m_files, r, 1, tr("not started: the import was cancelled before them"));
        setCell(m_files, r, 4, tr("nothing read; import them again to add them"));
    }
    fitColumns(m_files, 280);
    addCopyShortcut(m_files);
}

void ImportSummaryDialog::fillSkipped(const ImportResultInfo& summary)
{
    m_skipped = newTable(4, {tr("File"), tr("Record #"), tr("Position"), tr("Reason")}, this);
    m_skipped->setRowCount(static_cast<int>(summary.skipped.size()));
    int r = 0;
    for (const auto& s : summary.skipped) {
        setCell(m_skipped, r, 0, QFileInfo(s.file).fileName(), s.file);
        if (s.record > 0)
            setCell(m_skipped, r, 1, QString::number(s.record));
        setCell(m_skipped, r, 2, positionText(s.byteOffset, s.line, s.column));
        setCell(m_skipped, r, 3, s.reason);
        ++r;
    }
    fitColumns(m_skipped, 240);
    addCopyShortcut(m_skipped);
}

QString ImportSummaryDialog::plainText(const ImportResultInfo& summary)
{
    QStringList lines;
    lines << (summary.storeError.isEmpty() ? oneLine(summary)
                                           : tr("The store could not be written: %1").arg(summary.storeError));
    int notStarted = 0;
    for (const auto& f : summary.files) {
        if (f.outcome == FileOutcome::NotStarted) {
            ++notStarted;
            continue;
        }
        QString line = f.file + QLatin1Char('\t') + outcomeText(f);
        const QString position = positionText(f.record > 0 ? f.byteOffset : -1, f.line, f.column);
        if (!position.isEmpty())
            line += QLatin1Char('\t') + position;
        if (!f.detail.isEmpty())
            line += QLatin1Char('\t') + f.detail;
        lines << line;
    }
    if (notStarted)
        lines << tr("%1 not started: the import was cancelled before them")
                     .arg(formatting::count(notStarted, "file", "files"));
    for (const auto& s : summary.skipped) {
        QStringList cells{s.file, tr("record skipped")};
        if (s.record > 0)
            cells << tr("record %1").arg(s.record);
        const QString position = positionText(s.byteOffset, s.line, s.column);
        if (!position.isEmpty())
            cells << position;
        cells << s.reason;
        lines << cells.join(QLatin1Char('\t'));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

#include "app/widgets/importdialog.h"

#include <QDialogButtonBox>
#include <QFileInfo>
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
        text += tr(", %1 failed").arg(formatting::count(static_cast<qint64>(s.failed.size()), "file", "files"));
    return text;
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
    layout->addWidget(head);
    const auto rows = static_cast<int>(summary.skipped.size() + summary.failed.size());
    if (rows > 0) {
        auto* table = new QTableWidget(rows, 5, this);
        table->setHorizontalHeaderLabels({tr("Problem"), tr("File"), tr("Record #"), tr("Position"), tr("Reason")});
        table->verticalHeader()->hide();
        table->setEditTriggers(QAbstractItemView::NoEditTriggers);
        int r = 0;
        for (const auto& f : summary.failed) {
            table->setItem(r, 0, new QTableWidgetItem(tr("file failed")));
            table->setItem(r, 1, new QTableWidgetItem(f.file));
            table->setItem(r, 4, new QTableWidgetItem(f.reason));
            ++r;
        }
        for (const auto& s : summary.skipped) {
            table->setItem(r, 0, new QTableWidgetItem(tr("record skipped")));
            table->setItem(r, 1, new QTableWidgetItem(QFileInfo(s.file).fileName()));
            table->item(r, 1)->setToolTip(s.file);
            if (s.record > 0)
                table->setItem(r, 2, new QTableWidgetItem(QString::number(s.record)));
            if (s.byteOffset >= 0)
                table->setItem(r, 3,
                               new QTableWidgetItem(
                                   s.line > 0
                                       ? tr("line %1, column %2 (byte %3)").arg(s.line).arg(s.column).arg(s.byteOffset)
                                       : tr("byte %1").arg(s.byteOffset)));
            table->setItem(r, 4, new QTableWidgetItem(s.reason));
            ++r;
        }
        table->resizeColumnsToContents();
        table->horizontalHeader()->setStretchLastSection(true);
        layout->addWidget(table, 1);
        resize(900, 400);
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    layout->addWidget(buttons);
}

#include "app/widgets/exportdialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>

#include <QtConcurrent/QtConcurrentRun>

#include "app/viewmodels/exportselection.h"
#include "app/viewmodels/rowtypes.h"
#include "app/viewmodels/storesession.h"
#include "storage/store.h"

ExportDialog::ExportDialog(StoreSession* session, QWidget* parent)
    : QDialog(parent)
    , m_session(session)
{
    setWindowTitle(tr("Export Selection"));
    connect(&m_watcher, &QFutureWatcher<Outcome>::finished, this, &ExportDialog::exportFinished);
    auto* form = new QFormLayout;
    m_scope = new QLabel(this);
    m_scope->setWordWrap(true);
    form->addRow(tr("Records:"), m_scope);
    auto* folderRow = new QHBoxLayout;
    m_folder = new QLineEdit(this);
    auto* browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export into folder"), m_folder->text());
        if (!dir.isEmpty())
            m_folder->setText(dir);
    });
    folderRow->addWidget(m_folder);
    folderRow->addWidget(browse);
    form->addRow(tr("Folder:"), folderRow);
    m_format = new QComboBox(this);
    m_format->addItem(tr("Lambda events {\"Records\":[…]}"), QStringLiteral("lambda"));
    m_format->addItem(tr("JSON Lines of records"), QStringLiteral("jsonl"));
    m_format->addItem(tr("CSV of changes"), QStringLiteral("csv"));
    form->addRow(tr("Format:"), m_format);
    m_batchSize = new QSpinBox(this);
    m_batchSize->setRange(1, 10000);
    m_batchSize->setValue(100);
    m_batchSize->setToolTip(tr("Records per Lambda batch (Lambda's maximum is 10,000); files never exceed 6 MB."));
    form->addRow(tr("Batch size:"), m_batchSize);
    m_jsUnsafe = new QComboBox(this);
    m_jsUnsafe->addItem(tr("Include"), 0);
    m_jsUnsafe->addItem(tr("Leave out"), 1);
    m_jsUnsafe->addItem(tr("Only these"), 2);
    m_jsUnsafe->setToolTip(tr("Records with numbers a JavaScript handler cannot hold exactly (js-unsafe-number)."));
    form->addRow(tr("JS-unsafe numbers:"), m_jsUnsafe);
    m_force = new QCheckBox(tr("Replace an earlier export in the folder"), this);
    form->addRow(QString(), m_force);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ExportDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    m_scope->setText(tr("the events view's current filter"));
}

void ExportDialog::setRecordIds(std::vector<std::int64_t> ids)
{
    m_recordIds = std::move(ids);
    m_scope->setText(tr("%n selected record(s)", nullptr, static_cast<int>(m_recordIds.size())));
}

void ExportDialog::setFolder(const QString& folder)
{
    m_folder->setText(folder);
}

storage::ExportSelection ExportDialog::selection() const
{
    storage::ExportSelection s;
    if (m_recordIds.empty() && m_session)
        s = exportSelectionOf(m_session->eventFilter());
    s.recordIds = m_recordIds;
    s.jsUnsafe = static_cast<storage::ExportSelection::JsUnsafe>(m_jsUnsafe->currentData().toInt());
    return s;
}

storage::ExportOptions ExportDialog::options() const
{
    storage::ExportOptions o;
    o.folder = m_folder->text().toStdString();
    o.format = storage::parseExportFormat(m_format->currentData().toString().toStdString())
                   .value_or(storage::ExportFormat::LambdaEvents);
    o.limits.maxRecords = static_cast<std::size_t>(m_batchSize->value());
    o.force = m_force->isChecked();
    if (m_session)
        o.storeLabel = m_session->path().toStdString();
    return o;
}

ExportDialog::Outcome ExportDialog::exportWithOwnConnection(const QString& storePath,
                                                            const storage::ExportSelection& selection,
                                                            const storage::ExportOptions& options)
{
    auto store = storage::Store::open(storePath.toStdString(), storage::Database::OpenMode::ReadOnly);
    if (!store)
        return {QString::fromStdString(store.error().message), std::nullopt};
    auto report = storage::exportRecords(*store, selection, options);
    if (!report)
        return {QString::fromStdString(report.error().message), std::nullopt};
    return {QString(), std::move(*report)};
}

QString ExportDialog::runExport()
{
    if (!m_session || m_session->path().isEmpty())
        return tr("No store is open.");
    if (m_folder->text().isEmpty())
        return tr("Choose a folder.");
    Outcome outcome = exportWithOwnConnection(m_session->path(), selection(), options());
    if (outcome.report)
        m_report = std::move(outcome.report);
    return outcome.error;
}

void ExportDialog::accept()
{
    if (m_watcher.isRunning())
        return;
    if (!m_session || m_session->path().isEmpty()) {
        QMessageBox::warning(this, tr("Export failed"), tr("No store is open."));
        return;
    }
    if (m_folder->text().isEmpty()) {
        QMessageBox::warning(this, tr("Export failed"), tr("Choose a folder."));
        return;
    }
    // The export reads the whole selection and writes files: run it off the GUI thread so the window stays live.
    setEnabled(false);
    setWindowTitle(tr("Exporting…"));
    QApplication::setOverrideCursor(Qt::BusyCursor);
    m_watcher.setFuture(
        QtConcurrent::run(&ExportDialog::exportWithOwnConnection, m_session->path(), selection(), options()));
}

void ExportDialog::exportFinished()
{
    QApplication::restoreOverrideCursor();
    setEnabled(true);
    setWindowTitle(tr("Export Selection"));
    Outcome outcome = m_watcher.result();
    if (!outcome.error.isEmpty() || !outcome.report) {
        QMessageBox::warning(this, tr("Export failed"), outcome.error);
        return;
    }
    m_report = std::move(outcome.report);
    QString text = tr("Exported %1 records into %2 files.").arg(m_report->recordsWritten).arg(m_report->files.size());
    if (!m_report->build.oversize.empty())
        text += QLatin1Char('\n')
            + tr("%n record(s) were left out: alone they exceed Lambda's 6 MB payload limit (see manifest.json).",
                 nullptr, static_cast<int>(m_report->build.oversize.size()));
    QMessageBox::information(this, tr("Export finished"), text);
    QDialog::accept();
}

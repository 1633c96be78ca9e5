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
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <algorithm>
#include <initializer_list>

#include "app/viewmodels/exportselection.h"
#include "app/viewmodels/formatting.h"
#include "app/viewmodels/isotime.h"
#include "app/viewmodels/rowtypes.h"
#include "app/viewmodels/storesession.h"

ExportDialog::ExportDialog(StoreSession* session, QWidget* parent)
    : QDialog(parent)
    , m_session(session)
    , m_job(new ExportJob(this))
{
    setWindowTitle(tr("Export Selection"));
    connect(m_job, &ExportJob::progressChanged, this, &ExportDialog::updateProgress);
    connect(m_job, &ExportJob::finished, this, &ExportDialog::onExportFinished);
    auto* form = new QFormLayout;
    m_scope = new QLabel(this);
    m_scope->setWordWrap(true);
    form->addRow(tr("Records:"), m_scope);
    // The events filter's text is a substring ("Id=101" also matches Id=1010): one key exactly is this box.
    m_onlyKey = new QCheckBox(this);
    if (m_session && m_session->currentKey()) {
        m_onlyKey->setText(tr("Only the key open in the timeline: %1 (exact match)")
                               .arg(QString::fromStdString(m_session->currentKey()->displayText)));
    } else {
        m_onlyKey->setText(tr("Only the key open in the timeline (none is open)"));
        m_onlyKey->setEnabled(false);
    }
    connect(m_onlyKey, &QCheckBox::toggled, this, [this]() { m_scope->setText(filterScopeText()); });
    form->addRow(QString(), m_onlyKey);
    auto* folderRow = new QHBoxLayout;
    m_folder = new QLineEdit(this);
    m_browse = new QPushButton(tr("Browse…"), this);
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export into folder"), m_folder->text());
        if (!dir.isEmpty())
            m_folder->setText(dir);
    });
    folderRow->addWidget(m_folder);
    folderRow->addWidget(m_browse);
    form->addRow(tr("Folder:"), folderRow);
    m_format = new QComboBox(this);
    m_format->addItem(tr("Lambda events {\"Records\":[…]}"), int(storage::ExportFormat::LambdaEvents));
    m_format->addItem(tr("JSON Lines of records"), int(storage::ExportFormat::JsonLines));
    m_format->addItem(tr("CSV of changes"), int(storage::ExportFormat::ChangesCsv));
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
    m_force = new QCheckBox(tr("Replace an earlier export in the folder without asking"), this);
    form->addRow(QString(), m_force);
    m_progress = new QProgressBar(this);
    m_progress->setVisible(false);
    m_progress->setFormat(tr("%v of %m records"));
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Close, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ExportDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(m_buttons);
    m_scope->setText(filterScopeText());
    m_folder->setFocus(); // what the keyboard types first: the folder (Enter then exports)
}

bool ExportDialog::onlyKey() const
{
    return m_onlyKey->isChecked() && m_session && m_session->currentKey();
}

std::optional<qint64> ExportDialog::filterRecordCount() const
{
    if (onlyKey())
        return std::nullopt; // the key's records within the filter: counted by the export itself
    // Known once the events view has been built for the current filter (no query pending).
    if (!m_session || !m_session->isOpen() || m_session->jobs()->isBusy())
        return std::nullopt;
    return m_session->eventModel()->rowCount();
}

QString ExportDialog::filterScopeText() const
{
    if (!m_session || !m_session->isOpen())
        return tr("No store is open.");
    const EventFilter& f = m_session->eventFilter();
    QStringList parts;
    parts << (f.table.empty() ? tr("all tables") : tr("table %1").arg(QString::fromStdString(f.table)));
    if ((f.eventMask & 0xF) != 0xF) {
        static const char* const names[] = {"INSERT", "MODIFY", "REMOVE", "SNAPSHOT"};
        QStringList types;
        for (int bit = 0; bit < 4; ++bit)
            if (f.eventMask & (1u << bit))
                types << QString::fromLatin1(names[bit]);
        parts << (types.isEmpty() ? tr("no event types") : types.join(QStringLiteral(" / ")));
    }
    if (f.fromMicros)
        parts << tr("from %1").arg(isotime::format(*f.fromMicros));
    if (f.toMicros)
        parts << tr("before %1 (UTC)").arg(isotime::format(*f.toMicros));
    if (!f.text.empty())
        parts << (f.textInRaw ? tr("containing \u201c%1\u201d (raw records)") : tr("matching \u201c%1\u201d"))
                     .arg(QString::fromStdString(f.text));
    const auto count = filterRecordCount();
    QString what = tr("the Events table's filter: %1").arg(parts.join(QStringLiteral(", ")));
    if (onlyKey())
        what = tr("the records of %1 (exactly this key) within %2")
                   .arg(QString::fromStdString(m_session->currentKey()->displayText), what);
    return count ? tr("%1 — %2").arg(formatting::count(*count, "record", "records"), what) : what;
}

ExportDialog::~ExportDialog()
{
    // The job (a child) stops a running export and lets it remove its files before the app goes on.
    if (m_job->isRunning())
        QApplication::restoreOverrideCursor();
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

storage::RecordSelection ExportDialog::selection() const
{
    storage::RecordSelection s;
    if (m_recordIds.empty() && m_session)
        s = exportSelectionOf(m_session->eventFilter());
    if (m_recordIds.empty() && onlyKey()) {
        if (!s.filter)
            s.filter = storage::RecordFilter{};
        s.filter->keyId = m_session->currentKeyId(); // exact: this key's records only
    }
    s.recordIds = m_recordIds;
    s.jsUnsafe = static_cast<storage::RecordSelection::JsUnsafe>(m_jsUnsafe->currentData().toInt());
    if (m_session)
        s.lambdaFilter = m_session->lambdaCriteria(); // the Lambda filter panel's criteria: only what Lambda delivers
    return s;
}

storage::ExportOptions ExportDialog::options() const
{
    storage::ExportOptions o;
    o.folder = m_folder->text().toStdString();
    o.format = static_cast<storage::ExportFormat>(m_format->currentData().toInt());
    o.limits.maxRecords = static_cast<std::size_t>(m_batchSize->value());
    o.force = m_force->isChecked();
    if (m_session)
        o.storeLabel = m_session->path().toStdString();
    return o;
}

ExportRequest ExportDialog::request(const storage::ExportOptions& opts) const
{
    return {m_session ? m_session->path() : QString(), selection(), opts};
}

QString ExportDialog::runExport()
{
    if (!m_session || m_session->path().isEmpty())
        return tr("No store is open.");
    if (m_recordIds.empty() && filterRecordCount() == std::optional<qint64>(0))
        return tr("Nothing to export: the Events table's filter matches no records.");
    if (m_folder->text().isEmpty())
        return tr("Choose a folder.");
    ExportOutcome outcome = m_job->runNow(request(options()));
    if (outcome.report)
        m_report = std::move(outcome.report);
    return outcome.error;
}

bool ExportDialog::isExporting() const
{
    return m_job->isRunning();
}

void ExportDialog::cancelExport()
{
    if (m_job->isRunning()) {
        m_job->cancel();
        showStatus(tr("Cancelling…"), false);
    }
}

QString ExportDialog::statusText() const
{
    return m_status->text();
}

bool ExportDialog::confirmReplace(const QStringList& existing)
{
    QMessageBox box(QMessageBox::Question, tr("Replace earlier export?"),
                    tr("%1 already holds an export (%2 file(s), e.g. %3). Replace it?")
                        .arg(m_folder->text())
                        .arg(existing.size())
                        .arg(existing.front()),
                    QMessageBox::Yes | QMessageBox::No, this);
    box.setObjectName(QString::fromLatin1(kReplaceQuestionName));
    box.setDefaultButton(QMessageBox::No);
    return box.exec() == QMessageBox::Yes;
}

void ExportDialog::setRunning(bool running)
{
    for (QWidget* w : std::initializer_list<QWidget*>{m_folder, m_browse, m_format, m_batchSize, m_jsUnsafe, m_force})
        w->setEnabled(!running);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!running);
    m_buttons->button(QDialogButtonBox::Close)->setText(running ? tr("Cancel") : tr("Close"));
    m_progress->setVisible(running);
    if (running) {
        m_progress->setRange(0, 0); // busy until the first figures arrive
        QApplication::setOverrideCursor(Qt::BusyCursor);
    } else {
        QApplication::restoreOverrideCursor();
    }
    setWindowTitle(running ? tr("Exporting…") : tr("Export Selection"));
}

void ExportDialog::showStatus(const QString& text, bool error)
{
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
    m_status->setText(text);
}

void ExportDialog::updateProgress(qint64 done, qint64 total)
{
    if (total <= 0)
        return;
    // QProgressBar holds ints: scale big selections.
    const std::int64_t scale = total > 1000000000 ? total / 1000000 : 1;
    m_progress->setRange(0, static_cast<int>(total / scale));
    m_progress->setValue(static_cast<int>(std::min(done, total) / scale));
}

void ExportDialog::accept()
{
    if (m_job->isRunning())
        return;
    if (!m_session || m_session->path().isEmpty()) {
        showStatus(tr("No store is open."), true);
        return;
    }
    if (m_recordIds.empty() && filterRecordCount() == std::optional<qint64>(0)) {
        showStatus(tr("Nothing to export: the Events table's filter matches no records. Change the filter first."),
                   true);
        return;
    }
    if (m_folder->text().isEmpty()) {
        showStatus(tr("Choose a folder."), true);
        return;
    }
    storage::ExportOptions opts = options();
    if (!opts.force) {
        const QStringList existing = ExportJob::existingExportFiles(m_folder->text());
        if (!existing.isEmpty()) {
            if (!confirmReplace(existing)) {
                showStatus(tr("The earlier export in %1 was kept; nothing was written.").arg(m_folder->text()), false);
                return;
            }
            opts.force = true;
        }
    }
    // The export reads the selection page by page and writes files: off the GUI thread, so the window stays live.
    showStatus(tr("Exporting…"), false);
    setRunning(true);
    m_job->start(request(opts));
}

void ExportDialog::reject()
{
    if (m_job->isRunning()) {
        cancelExport(); // Cancel/Escape stop the export; the dialog stays to show the outcome
        return;
    }
    QDialog::reject();
}

void ExportDialog::onExportFinished(const ExportOutcome& outcome)
{
    setRunning(false);
    if (outcome.cancelled) {
        showStatus(tr("Export cancelled; the files it had written were removed."), false);
        Q_EMIT exportFinished(false);
        return;
    }
    if (!outcome.error.isEmpty() || !outcome.report) {
        showStatus(tr("Export failed: %1").arg(outcome.error), true);
        Q_EMIT exportFinished(false);
        return;
    }
    m_report = outcome.report;
    const auto files = m_report->files.size();
    QString text = tr("Exported %1 %2 into %3 %4 in %5.")
                       .arg(m_report->recordsWritten)
                       .arg(m_report->recordsWritten == 1 ? tr("record") : tr("records"))
                       .arg(files)
                       .arg(files == 1 ? tr("file") : tr("files"))
                       .arg(QString::fromStdString(m_report->folder));
    if (!m_report->build.oversize.empty())
        text += QLatin1Char(' ')
            + tr("%n record(s) were left out: alone they exceed Lambda's 6 MB payload limit (see manifest.json).",
                 nullptr, static_cast<int>(m_report->build.oversize.size()));
    if (m_report->build.converted > 0)
        text += QLatin1Char(' ')
            + tr("%n record(s) were converted from another envelope (see manifest.json).", nullptr,
                 static_cast<int>(m_report->build.converted));
    if (m_report->recordsWithSynthesizedFields > 0)
        text += QLatin1Char(' ')
            + tr("%n record(s) lacked fields Lambda always sends (e.g. eventSourceARN); they were added and "
                 "manifest.json lists them.",
                 nullptr, static_cast<int>(m_report->recordsWithSynthesizedFields));
    showStatus(text, false);
    Q_EMIT exportFinished(true);
}

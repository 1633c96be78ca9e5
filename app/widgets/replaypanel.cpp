#include "app/widgets/replaypanel.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QTreeWidget>

#include "app/viewmodels/exportselection.h"
#include "app/viewmodels/formatting.h"
#include "app/viewmodels/rowtypes.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/eventstyle.h"

namespace {

constexpr int kRecordIdRole = Qt::UserRole + 1;

QString text(const std::string& s)
{
    return QString::fromStdString(s);
}

} // namespace

ReplayPanel::ReplayPanel(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_job(new ReplayJob(this))
{
    auto* form = new QFormLayout;
    m_handler = new QLineEdit(this);
    m_handler->setPlaceholderText(tr("python3 handler.py --option   (run directly, no shell; event JSON on stdin)"));
    form->addRow(tr("Handler:"), m_handler);
    auto* row = new QHBoxLayout;
    m_timeout = new QDoubleSpinBox(this);
    m_timeout->setRange(0.1, 900);
    m_timeout->setValue(30);
    m_timeout->setSuffix(tr(" s"));
    m_retries = new QSpinBox(this);
    m_retries->setRange(0, 10000);
    m_retries->setValue(2);
    m_batchSize = new QSpinBox(this);
    m_batchSize->setRange(1, 10000);
    m_batchSize->setValue(100);
    m_bisect = new QCheckBox(tr("Bisect on error"), this);
    row->addWidget(new QLabel(tr("Timeout"), this));
    row->addWidget(m_timeout);
    row->addWidget(new QLabel(tr("Max retries"), this));
    row->addWidget(m_retries);
    row->addWidget(new QLabel(tr("Batch size"), this));
    row->addWidget(m_batchSize);
    row->addWidget(m_bisect);
    m_run = new QPushButton(tr("Replay current filter"), this);
    row->addWidget(m_run);
    row->addStretch();
    form->addRow(QString(), row);
    m_status = new QLabel(this);
    m_runs = new QTreeWidget(this);
    m_runs->setColumnCount(5);
    m_runs->setHeaderLabels(
        {tr("Run / batch / record"), tr("Outcome"), tr("Sequence numbers"), tr("Deliveries"), tr("Details")});
    // Fixed starting widths (ResizeToContents pushed Deliveries and Details off screen behind long handler
    // command lines); long texts elide, tooltips and the Details column carry the rest.
    m_runs->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_runs->header()->setStretchLastSection(true);
    m_runs->setColumnWidth(0, 250);
    m_runs->setColumnWidth(1, 200);
    m_runs->setColumnWidth(2, 300);
    m_runs->setColumnWidth(3, 90);
    m_runs->setUniformRowHeights(true);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(m_runs, 1);

    connect(m_run, &QPushButton::clicked, this, &ReplayPanel::startReplay);
    connect(m_job, &ReplayJob::finished, this, &ReplayPanel::onFinished);
    connect(m_job, &ReplayJob::runsLoaded, this, &ReplayPanel::showRuns);
    connect(m_job, &ReplayJob::progressChanged, this,
            [this](qint64 batch) { m_status->setText(tr("Replaying… batch %1").arg(batch)); });
    connect(m_runs, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        const QVariant id = item->data(0, kRecordIdRole);
        if (id.isValid())
            Q_EMIT recordActivated(id.toLongLong());
    });
    if (m_session) {
        connect(m_session, &StoreSession::opened, this, &ReplayPanel::reload);
        connect(m_session, &StoreSession::closed, this, &ReplayPanel::reload);
    }
    reload();
}

ReplayPanel::~ReplayPanel() = default; // the job (a child) stops a running replay and waits for it

QString ReplayPanel::statusText() const
{
    return m_status->text();
}

void ReplayPanel::reload()
{
    m_runs->clear();
    if (!m_session || m_session->path().isEmpty()) {
        m_job->loadRuns(QString()); // supersedes a load still running for the store just closed
        return;
    }
    m_job->loadRuns(m_session->path());
}

void ReplayPanel::showRuns(const ReplayRunList& runs)
{
    m_runs->clear();
    if (!runs.error.isEmpty() && m_session && !m_session->path().isEmpty())
        m_status->setText(tr("Could not read the recorded runs: %1").arg(runs.error));
    for (const auto& run : runs.runs)
        showRun(new QTreeWidgetItem(m_runs), run);
    Q_EMIT runsReloaded();
}

void ReplayPanel::showRun(QTreeWidgetItem* item, const storage::ReplayRunInfo& run)
{
    QStringList handler;
    for (const auto& a : run.handler)
        handler << text(a);
    item->setText(0, tr("Run %1: %2").arg(run.id).arg(handler.join(QLatin1Char(' '))));
    item->setToolTip(0, handler.join(QLatin1Char(' ')));
    item->setText(1, tr("%1 succeeded, %2 discarded").arg(run.succeeded).arg(run.discarded));
    item->setText(3, formatting::count(run.attemptCount, "invocation", "invocations"));
    item->setText(4,
                  tr("%1 records, %2 batches, max retries %3%4")
                      .arg(run.recordCount)
                      .arg(run.batchCount)
                      .arg(run.maxRetries)
                      .arg(run.bisect ? tr(", bisect") : QString()));
    for (const auto& b : run.batches) {
        auto* bi = new QTreeWidgetItem(item);
        bi->setText(0, tr("Batch %1 (%2)").arg(b.number).arg(text(b.table)));
        bi->setText(1, tr("%1 succeeded, %2 discarded").arg(b.succeeded).arg(b.discarded));
        bi->setText(2, text(b.firstSequenceNumber) + QStringLiteral("..") + text(b.lastSequenceNumber));
        bi->setText(3, formatting::count(static_cast<qint64>(b.attempts.size()), "attempt", "attempts"));
        for (const auto& a : b.attempts) {
            auto* ai = new QTreeWidgetItem(bi);
            ai->setText(0, tr("Attempt %1%2").arg(a.number).arg(a.afterBisect ? tr(" (bisected)") : QString()));
            ai->setText(1, text(a.verdict) + (a.checkpoint.empty() ? QString() : tr(" at %1").arg(text(a.checkpoint))));
            ai->setText(2, text(a.firstSequenceNumber) + QStringLiteral("..") + text(a.lastSequenceNumber));
            ai->setText(4, text(a.handlerEnd) + (a.reason.empty() ? QString() : QStringLiteral(": ") + text(a.reason)));
            ai->setToolTip(
                4, tr("stdout:\n%1\nstderr:\n%2").arg(text(a.stdoutText).left(4000), text(a.stderrText).left(4000)));
        }
        for (const auto& r : b.records) {
            if (r.status == storage::RecordStatus::Succeeded)
                continue;
            auto* ri = new QTreeWidgetItem(bi);
            ri->setText(0, text(r.keyText));
            ri->setText(1, text(std::string(storage::recordStatusName(r.status))));
            ri->setForeground(1, eventstyle::severityTextColor(2, palette()));
            ri->setText(2, text(r.sequenceNumber));
            ri->setText(3, QString::number(r.deliveries));
            ri->setText(4, text(r.lastError));
            ri->setToolTip(4, text(r.lastError));
            ri->setData(0, kRecordIdRole, QVariant::fromValue<qint64>(r.recordId));
            ri->setToolTip(0, tr("Double-click to open this record's key"));
        }
    }
}

bool ReplayPanel::startReplay()
{
    if (m_job->isRunning())
        return false;
    if (!m_session || m_session->path().isEmpty()) {
        m_status->setText(tr("Open a store first."));
        return false;
    }
    const QStringList argv = QProcess::splitCommand(m_handler->text());
    if (argv.isEmpty()) {
        m_status->setText(tr("Enter the handler command."));
        return false;
    }
    ReplayRequest request;
    request.storePath = m_session->path();
    request.selection = exportSelectionOf(m_session->eventFilter());
    request.handler = argv;
    request.timeoutMs = static_cast<int>(m_timeout->value() * 1000);
    request.maxRetries = m_retries->value();
    request.bisect = m_bisect->isChecked();
    request.batchSize = m_batchSize->value();
    m_run->setEnabled(false);
    m_status->setText(tr("Replaying…"));
    m_job->start(std::move(request));
    return true;
}

void ReplayPanel::onFinished(const ReplayOutcome& outcome)
{
    m_run->setEnabled(true);
    if (!outcome.run) {
        m_status->setText(tr("Replay failed: %1").arg(outcome.error));
        return;
    }
    showRuns(outcome.runs); // read by the replay's worker after the run: no store query here
    const storage::ReplayRunInfo& run = *outcome.run;
    QString status = tr("Run %1: %2 records, %3 succeeded, %4 discarded")
                         .arg(run.id)
                         .arg(run.recordCount)
                         .arg(run.succeeded)
                         .arg(run.discarded);
    if (!outcome.runs.error.isEmpty())
        status += QLatin1Char(' ') + tr("(could not read the recorded runs: %1)").arg(outcome.runs.error);
    m_status->setText(status);
    Q_EMIT replayFinished(run.id);
}

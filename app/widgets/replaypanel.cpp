#include "app/widgets/replaypanel.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QShowEvent>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTimer>
#include <QTreeWidget>
#include <algorithm>

#include "app/viewmodels/exportselection.h"
#include "app/viewmodels/formatting.h"
#include "app/viewmodels/rowtypes.h"
#include "app/viewmodels/storesession.h"
#include "app/widgets/eventstyle.h"
#include "app/widgets/splitdefaults.h"

namespace {

constexpr int kRecordIdRole = Qt::UserRole + 1;
/// Where a tree item's run, batch and attempt are in ReplayPanel::m_shown: QPoint-like triple packed in a list.
constexpr int kPathRole = Qt::UserRole + 2;

constexpr int kMaxLogChars = 2'000'000; // the log pane shows at most this much of one selection

const char* const kGroup = "replay";

QString text(const std::string& s)
{
    return QString::fromStdString(s);
}

QString statusLabel(const std::string& status)
{
    if (status == "complete")
        return QString();
    return text(status) + QStringLiteral(": ");
}

constexpr qsizetype kMaxPreviewChars = 400;

/// The argv shown word by word, each in ‹ › so spaces and quotes inside a word are visible; line breaks and tabs
/// inside a word as ⏎ and ⇥ (the preview stays one paragraph).
QString previewOf(const QStringList& argv)
{
    QStringList words;
    for (QString a : argv) {
        a.replace(QLatin1Char('\n'), QStringLiteral("⏎")).replace(QLatin1Char('\t'), QStringLiteral("⇥"));
        words << QStringLiteral("‹%1›").arg(a);
    }
    return words.join(QLatin1Char(' '));
}

/// Text for one tree cell: line breaks and tabs shown as ⏎ and ⇥ (uniform row heights come from the first row; a
/// multi-line cell would make every row that tall).
QString oneLine(QString s)
{
    s.replace(QStringLiteral("\r\n"), QStringLiteral("⏎"));
    s.replace(QLatin1Char('\n'), QStringLiteral("⏎")).replace(QLatin1Char('\r'), QStringLiteral("⏎"));
    return s.replace(QLatin1Char('\t'), QStringLiteral("⇥"));
}

/// The recorded command, quoted as it could be typed again.
QString commandText(const std::vector<std::string>& argv)
{
    QStringList words;
    for (const auto& a : argv)
        words << text(storage::quoteShellWord(a));
    return words.join(QLatin1Char(' '));
}

} // namespace

ReplayPanel::ReplayPanel(StoreSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_job(new ReplayJob(this))
{
    auto* form = new QFormLayout;
    m_runner = new QComboBox(this);
    m_runner->addItem(tr("Lambda handler (Python or Node.js, loaded once in its runtime)"));
    m_runner->addItem(tr("Invoke URL (a local Lambda endpoint's Invoke API)"));
    m_runner->addItem(tr("Command (reads the event on stdin, prints the response)"));
    // The longest choice must not set the form's width (at 1024x700 it pushed the Replay button out of view);
    // the list shows the whole texts.
    m_runner->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_runner->setMinimumContentsLength(24);
    form->addRow(tr("Runner:"), m_runner);

    QPushButton* browse = createRunnerPages();
    form->addRow(QString(), m_pages);

    auto* row = createOptionsRow();
    form->addRow(QString(), row);

    m_runBar = createRunBar();
    createBannerAndStatus();
    auto* split = createRunsAndLog();

    auto* scroll = createSettingsScroll(form);
    auto* top = new QWidget(this);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(scroll, 1);
    topLayout->addLayout(m_runBar);
    split->insertWidget(0, top);
    m_split = split;
    split->setStretchFactor(0, 0);
    split->setCollapsible(0, false);
    m_runs->setMinimumHeight(m_runs->fontMetrics().lineSpacing() * 4);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);

    connectSignals(browse);
    loadSettings();
    showRunnerPage(m_runner->currentIndex());
    updatePreview();
    reload();
}

/// Replay, Cancel (made by createOptionsRow), the busy bar and the progress text: the row under the settings.
QHBoxLayout* ReplayPanel::createRunBar()
{
    auto* progressRow = new QHBoxLayout;
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0); // busy: the number of batches is known only once they are planned
    m_busy->setMaximumWidth(120);
    m_busy->setTextVisible(false);
    m_busy->hide();
    m_progress = new QLabel(this);
    m_progress->setWordWrap(true);
    // Replay and Cancel start the bar under the settings, outside their scroll area: at 1024x700 they were reached
    // only by scrolling the settings.
    m_run->setObjectName(QStringLiteral("replayButton"));
    m_cancel->setObjectName(QStringLiteral("cancelReplayButton"));
    progressRow->addWidget(m_run);
    progressRow->addWidget(m_cancel);
    progressRow->addWidget(m_busy);
    progressRow->addWidget(m_progress, 1);

    return progressRow;
}

/// The error banner (hidden until a replay fails to start) and the status line under the settings.
void ReplayPanel::createBannerAndStatus()
{
    m_banner = new QLabel(this);
    m_banner->setTextFormat(Qt::PlainText);
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setAccessibleName(tr("Replay error"));
    {
        const QColor border = eventstyle::severityTextColor(2, palette());
        const QColor fill = eventstyle::composite(eventstyle::severityTint(2, palette()), palette().base().color());
        m_banner->setStyleSheet(QStringLiteral("QLabel { background: %1; color: %2; border: 1px solid %3; "
                                               "border-radius: 3px; padding: 6px; }")
                                    .arg(fill.name(), palette().text().color().name(), border.name()));
    }
    m_banner->hide();
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
}

/// The runs tree and the selected invocation's log, in a vertical splitter.
QSplitter* ReplayPanel::createRunsAndLog()
{
    m_runs = new QTreeWidget(this);
    m_runs->setColumnCount(5);
    m_runs->setHeaderLabels(
        {tr("Run / batch / record"), tr("Outcome"), tr("Sequence numbers"), tr("Deliveries"), tr("Details")});
    // Fixed starting widths (ResizeToContents pushed Deliveries and Details off screen behind long handler
    // command lines); long texts elide, tooltips and the Details column carry the rest.
    m_runs->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_runs->header()->setStretchLastSection(true);
    m_runs->setColumnWidth(0, 250);
    m_runs->setColumnWidth(1, 230);
    m_runs->setColumnWidth(2, 280);
    m_runs->setColumnWidth(3, 90);
    m_runs->setUniformRowHeights(true);
    m_log = new QPlainTextEdit(this);
    m_log->setReadOnly(true);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setPlaceholderText(tr("Select an attempt (or a batch) to see the handler's log of that invocation"));
    m_log->setMinimumHeight(m_log->fontMetrics().lineSpacing() * 2); // (at 1024x700 the settings need the room)
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_runs);
    split->addWidget(m_log);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    return split;
}

/// The settings (`form`, the banner and the status) in a scroll area that follows the keyboard's focus.
QScrollArea* ReplayPanel::createSettingsScroll(QFormLayout* form)
{
    // The settings scroll when the window is short (the whole window must work at 1024x700); the splitter lets the
    // user trade them against the runs and the log.
    auto* settings = new QWidget(this);
    m_settingsPane = settings;
    auto* settingsLayout = new QVBoxLayout(settings);
    settingsLayout->setContentsMargins(0, 0, 0, 0);
    settingsLayout->addLayout(form);
    settingsLayout->addWidget(m_banner);
    settingsLayout->addWidget(m_status);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(settings);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumHeight(fontMetrics().lineSpacing() * 4);
    // A field the keyboard enters is scrolled into view whole (the scroll area keeps only a text box's cursor line
    // in view: the environment box was cut at 1024x700).
    connect(qApp, &QApplication::focusChanged, this, [scroll, settings](QWidget*, QWidget* now) {
        if (!now || !settings->isAncestorOf(now))
            return;
        const QRect field(now->mapTo(settings, QPoint(0, 0)), now->size());
        scroll->ensureVisible(field.center().x(), field.center().y(), field.width() / 2 + 2, field.height() / 2 + 2);
    });
    return scroll;
}

void ReplayPanel::connectSignals(QPushButton* browse)
{
    connect(m_runner, &QComboBox::currentIndexChanged, this, &ReplayPanel::showRunnerPage);
    connect(m_command, &QLineEdit::textChanged, this, &ReplayPanel::updatePreview);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(
            this, tr("The handler's code folder"), m_codeDir->text().isEmpty() ? QDir::homePath() : m_codeDir->text());
        if (!dir.isEmpty())
            m_codeDir->setText(QDir::toNativeSeparators(dir));
    });
    connect(m_run, &QPushButton::clicked, this, &ReplayPanel::startReplay);
    connect(m_cancel, &QPushButton::clicked, this, &ReplayPanel::cancelReplay);
    connect(m_job, &ReplayJob::finished, this, &ReplayPanel::onFinished);
    connect(m_job, &ReplayJob::runsLoaded, this, &ReplayPanel::showRuns);
    connect(m_job, &ReplayJob::progressChanged, this, &ReplayPanel::showProgress);
    // The job's progress signal is throttled (a burst of quick invocations reports only the first): while a replay
    // runs, the panel also reads the latest progress a few times a second, so a hanging invocation never leaves an
    // older batch on screen.
    m_progressTimer = new QTimer(this);
    m_progressTimer->setInterval(250);
    connect(m_progressTimer, &QTimer::timeout, this, &ReplayPanel::showProgress);
    connect(m_runs, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        const QVariant id = item->data(0, kRecordIdRole);
        if (id.isValid())
            Q_EMIT recordActivated(id.toLongLong());
    });
    connect(m_runs, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) { showLogOf(item); });
    if (m_session) {
        connect(m_session, &StoreSession::opened, this, &ReplayPanel::reload);
        connect(m_session, &StoreSession::closed, this, &ReplayPanel::reload);
    }
}

/// Timeout, retries, batch size and bisect; creates Replay and Cancel (placed on the progress row).
QHBoxLayout* ReplayPanel::createOptionsRow()
{
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
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setToolTip(tr("Stop the replay now: the running invocation is ended (the handler's processes too) and "
                            "the run is recorded as interrupted"));
    m_cancel->setEnabled(false);
    row->addStretch();
    return row;
}

/// The runner pages (Lambda handler, Invoke URL, command) in m_pages; returns the code folder's Browse button.
QPushButton* ReplayPanel::createRunnerPages()
{
    m_pages = new QStackedWidget(this);
    // Lambda handler.
    auto* lambdaPage = new QWidget(m_pages);
    auto* lambdaForm = new QFormLayout(lambdaPage);
    lambdaForm->setContentsMargins(0, 0, 0, 0);
    m_lambdaHandler = new QLineEdit(lambdaPage);
    m_lambdaHandler->setPlaceholderText(tr("Lambda's Handler string, e.g. app.lambda_handler or src/index.handler"));
    lambdaForm->addRow(tr("Handler:"), m_lambdaHandler);
    auto* folderRow = new QHBoxLayout;
    m_codeDir = new QLineEdit(lambdaPage);
    m_codeDir->setPlaceholderText(tr("The folder the handler's code is in (LAMBDA_TASK_ROOT)"));
    auto* browse = new QPushButton(tr("Browse…"), lambdaPage);
    folderRow->addWidget(m_codeDir, 1);
    folderRow->addWidget(browse);
    lambdaForm->addRow(tr("Code folder:"), folderRow);
    m_runtime = new QComboBox(lambdaPage);
    m_runtime->addItem(tr("auto (from the handler's file)"));
    m_runtime->addItem(QStringLiteral("python"));
    m_runtime->addItem(QStringLiteral("node"));
    lambdaForm->addRow(tr("Runtime:"), m_runtime);
    m_environment = new QPlainTextEdit(lambdaPage);
    m_environment->setPlaceholderText(tr("KEY=VALUE, one a line (# comments); added to Lambda's variables"));
    m_environment->setTabChangesFocus(true);
    m_environment->setMaximumHeight(m_environment->fontMetrics().lineSpacing() * 4 + 12);
    lambdaForm->addRow(tr("Environment:"), m_environment);
    m_pages->addWidget(lambdaPage);
    // Invoke URL.
    auto* invokePage = new QWidget(m_pages);
    auto* invokeForm = new QFormLayout(invokePage);
    invokeForm->setContentsMargins(0, 0, 0, 0);
    m_invokeUrl = new QLineEdit(invokePage);
    m_invokeUrl->setPlaceholderText(tr("http://127.0.0.1:3001 (sam local start-lambda), :9000 (Runtime Interface "
                                       "Emulator), :3002 (serverless-offline); this machine only"));
    invokeForm->addRow(tr("URL:"), m_invokeUrl);
    m_functionName = new QLineEdit(invokePage);
    m_functionName->setPlaceholderText(tr("The function to invoke (not needed when the URL ends in …/invocations)"));
    invokeForm->addRow(tr("Function name:"), m_functionName);
    m_pages->addWidget(invokePage);
    // Command.
    auto* commandPage = new QWidget(m_pages);
    auto* commandForm = new QFormLayout(commandPage);
    commandForm->setContentsMargins(0, 0, 0, 0);
    m_command = new QLineEdit(commandPage);
    m_command->setPlaceholderText(
        tr("python3 handler.py --fail-key '\"Id\":{\"N\":\"101\"}'   (shell-style quoting; run directly, no shell)"));
    commandForm->addRow(tr("Command:"), m_command);
    m_preview = new QLabel(commandPage);
    m_preview->setTextFormat(Qt::PlainText);
    m_preview->setWordWrap(true);
    m_preview->setTextInteractionFlags(Qt::TextSelectableByMouse);
    commandForm->addRow(tr("Runs:"), m_preview);
    m_pages->addWidget(commandPage);
    return browse;
}

// The job (a child) stops a running replay and waits for it.
ReplayPanel::~ReplayPanel()
{
    delete m_splitPlacer; // its sizes read this panel's views, and the splitter still resizes as they go
}

ReplayPanel::Runner ReplayPanel::runner() const
{
    return static_cast<Runner>(m_runner->currentIndex());
}

void ReplayPanel::showRunnerPage(int index)
{
    // Only the shown page counts for the height: the Command page does not reserve the Lambda page's room.
    for (int i = 0; i < m_pages->count(); ++i)
        m_pages->widget(i)->setSizePolicy(QSizePolicy::Preferred,
                                          i == index ? QSizePolicy::Preferred : QSizePolicy::Ignored);
    m_pages->setCurrentIndex(index);
    m_pages->adjustSize();
    placeSplitLater(); // the page's height is the settings' new wanted height
}

void ReplayPanel::placeSplitLater()
{
    // Once the settings' layout has their new height.
    if (m_splitPlacer)
        QTimer::singleShot(0, m_splitPlacer, [this]() { m_splitPlacer->place(); });
}

void ReplayPanel::setRunner(Runner runner)
{
    m_runner->setCurrentIndex(static_cast<int>(runner));
}

QString ReplayPanel::statusText() const
{
    return m_status->text();
}

QString ReplayPanel::bannerText() const
{
    return m_banner->isHidden() ? QString() : m_banner->text();
}

QString ReplayPanel::progressText() const
{
    return m_progress->text();
}

QStringList ReplayPanel::commandArguments(QString* error) const
{
    auto words = storage::splitShellWords(m_command->text().toStdString());
    if (!words) {
        if (error)
            *error = text(words.error().message);
        return {};
    }
    QStringList argv;
    for (const auto& w : *words)
        argv << text(w);
    if (argv.isEmpty() && error)
        *error = tr("enter the handler command");
    return argv;
}

void ReplayPanel::updatePreview()
{
    QString error;
    const QStringList argv = commandArguments(&error);
    m_preview->setToolTip(QString());
    if (m_command->text().trimmed().isEmpty()) {
        m_preview->setText(tr("(the command's arguments, as the handler will get them)"));
        m_preview->setStyleSheet(QString());
        return;
    }
    if (argv.isEmpty()) {
        m_preview->setText(tr("Cannot run this: %1").arg(error));
        m_preview->setStyleSheet(QStringLiteral("color: %1").arg(eventstyle::severityTextColor(2, palette()).name()));
        return;
    }
    const QString preview = previewOf(argv);
    m_preview->setText(preview.size() > kMaxPreviewChars ? preview.left(kMaxPreviewChars) + QStringLiteral(" …")
                                                         : preview);
    m_preview->setToolTip(preview.size() > kMaxPreviewChars ? preview : QString());
    m_preview->setStyleSheet(QString());
}

void ReplayPanel::showBanner(const QString& message)
{
    m_banner->setText(message);
    m_banner->setVisible(!message.isEmpty());
    placeSplitLater();
}

void ReplayPanel::loadSettings()
{
    QSettings settings;
    settings.beginGroup(QLatin1String(kGroup));
    m_runner->setCurrentIndex(std::clamp(settings.value(QStringLiteral("runner"), 0).toInt(), 0, 2));
    m_lambdaHandler->setText(settings.value(QStringLiteral("lambdaHandler")).toString());
    m_codeDir->setText(settings.value(QStringLiteral("codeDir")).toString());
    m_runtime->setCurrentIndex(std::clamp(settings.value(QStringLiteral("runtime"), 0).toInt(), 0, 2));
    m_environment->setPlainText(settings.value(QStringLiteral("environment")).toString());
    m_invokeUrl->setText(settings.value(QStringLiteral("invokeUrl")).toString());
    m_functionName->setText(settings.value(QStringLiteral("functionName")).toString());
    m_command->setText(settings.value(QStringLiteral("command")).toString());
    m_timeout->setValue(settings.value(QStringLiteral("timeout"), 30.0).toDouble());
    m_retries->setValue(settings.value(QStringLiteral("maxRetries"), 2).toInt());
    m_batchSize->setValue(settings.value(QStringLiteral("batchSize"), 100).toInt());
    m_bisect->setChecked(settings.value(QStringLiteral("bisect"), false).toBool());
}

void ReplayPanel::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(QLatin1String(kGroup));
    settings.setValue(QStringLiteral("runner"), m_runner->currentIndex());
    settings.setValue(QStringLiteral("lambdaHandler"), m_lambdaHandler->text());
    settings.setValue(QStringLiteral("codeDir"), m_codeDir->text());
    settings.setValue(QStringLiteral("runtime"), m_runtime->currentIndex());
    settings.setValue(QStringLiteral("environment"), m_environment->toPlainText());
    settings.setValue(QStringLiteral("invokeUrl"), m_invokeUrl->text());
    settings.setValue(QStringLiteral("functionName"), m_functionName->text());
    settings.setValue(QStringLiteral("command"), m_command->text());
    settings.setValue(QStringLiteral("timeout"), m_timeout->value());
    settings.setValue(QStringLiteral("maxRetries"), m_retries->value());
    settings.setValue(QStringLiteral("batchSize"), m_batchSize->value());
    settings.setValue(QStringLiteral("bisect"), m_bisect->isChecked());
}

bool ReplayPanel::targetFromForm(storage::ReplayTargetSpec& spec, QString& error) const
{
    switch (runner()) {
    case Runner::LambdaHandler: {
        spec.kind = storage::ReplayTargetKind::LambdaHandler;
        spec.lambda.handler = m_lambdaHandler->text().trimmed().toStdString();
        if (spec.lambda.handler.empty()) {
            error = tr("Enter the Lambda handler (Lambda's Handler string, e.g. app.lambda_handler).");
            return false;
        }
        const QString dir = m_codeDir->text().trimmed();
        if (dir.isEmpty()) {
            error = tr("Choose the folder the handler's code is in.");
            return false;
        }
        spec.lambda.codeDir = QDir::fromNativeSeparators(dir).toStdString();
        spec.lambda.runtime = m_runtime->currentIndex() == 1 ? storage::LambdaRuntime::Python
            : m_runtime->currentIndex() == 2                 ? storage::LambdaRuntime::Node
                                                             : storage::LambdaRuntime::Auto;
        auto environment = storage::parseEnvironmentLines(m_environment->toPlainText().toStdString());
        if (!environment) {
            error = tr("Environment: %1").arg(text(environment.error().message));
            return false;
        }
        spec.lambda.environment = std::move(*environment);
        return true;
    }
    case Runner::InvokeApi:
        spec.kind = storage::ReplayTargetKind::InvokeApi;
        spec.endpoint.url = m_invokeUrl->text().trimmed().toStdString();
        spec.endpoint.functionName = m_functionName->text().trimmed().toStdString();
        if (spec.endpoint.url.empty()) {
            error = tr("Enter the endpoint's URL (e.g. http://127.0.0.1:3001).");
            return false;
        }
        return true;
    case Runner::Command: {
        spec.kind = storage::ReplayTargetKind::Command;
        QString why;
        const QStringList argv = commandArguments(&why);
        if (argv.isEmpty()) {
            error = m_command->text().trimmed().isEmpty() ? tr("Enter the handler command.")
                                                          : tr("The command cannot be run: %1").arg(why);
            return false;
        }
        for (const QString& a : argv)
            spec.command.argv.push_back(a.toStdString());
        return true;
    }
    }
    return false;
}

void ReplayPanel::reload()
{
    m_runs->clear();
    m_shown.clear();
    m_log->clear();
    if (!m_session || m_session->path().isEmpty()) {
        m_job->loadRuns(QString()); // supersedes a load still running for the store just closed
        return;
    }
    m_job->loadRuns(m_session->path());
}

void ReplayPanel::showRuns(const ReplayRunList& runs)
{
    m_runs->clear();
    m_log->clear();
    m_shown = runs.runs;
    if (!runs.error.isEmpty() && m_session && !m_session->path().isEmpty())
        m_status->setText(tr("Could not read the recorded runs: %1").arg(runs.error));
    for (std::size_t i = 0; i < m_shown.size(); ++i)
        showRun(new QTreeWidgetItem(m_runs), m_shown[i], static_cast<int>(i));
    Q_EMIT runsReloaded();
}

void ReplayPanel::showRun(QTreeWidgetItem* item, const storage::ReplayRunInfo& run, int runIndex)
{
    const QString handler = commandText(run.handler);
    item->setText(0, tr("Run %1: %2").arg(run.id).arg(oneLine(handler)));
    item->setToolTip(0, handler);
    item->setData(0, kPathRole, QVariantList{runIndex, -1, -1});
    item->setText(1, statusLabel(run.status) + tr("%1 succeeded, %2 discarded").arg(run.succeeded).arg(run.discarded));
    if (run.status != "complete") {
        item->setForeground(1, eventstyle::severityTextColor(run.status == "failed" ? 2 : 1, palette()));
        item->setToolTip(1,
                         run.status == "failed"
                             ? tr("The handler could not be used: the replay stopped at once (nothing discarded)")
                             : tr("Stopped before the end: the batches shown were replayed; records of the "
                                  "stopped batch stay unsettled"));
    }
    item->setText(3, formatting::count(run.attemptCount, "invocation", "invocations"));
    QString details = tr("%1 records, %2 batches, max retries %3%4")
                          .arg(run.recordCount)
                          .arg(run.batchCount)
                          .arg(run.maxRetries)
                          .arg(run.bisect ? tr(", bisect") : QString());
    if (const auto pending = run.recordCount - run.succeeded - run.discarded; pending > 0 && run.status != "running")
        details += tr(", %1 not settled when it stopped").arg(pending);
    item->setText(4, details);
    for (std::size_t bIndex = 0; bIndex < run.batches.size(); ++bIndex) {
        const auto& b = run.batches[bIndex];
        auto* bi = new QTreeWidgetItem(item);
        bi->setData(0, kPathRole, QVariantList{runIndex, static_cast<int>(bIndex), -1});
        bi->setText(0, tr("Batch %1 (%2)").arg(b.number).arg(text(b.table)));
        bi->setText(1, tr("%1 succeeded, %2 discarded").arg(b.succeeded).arg(b.discarded));
        bi->setText(2, text(b.firstSequenceNumber) + QStringLiteral("..") + text(b.lastSequenceNumber));
        bi->setText(3, formatting::count(static_cast<qint64>(b.attempts.size()), "attempt", "attempts"));
        for (std::size_t aIndex = 0; aIndex < b.attempts.size(); ++aIndex) {
            const auto& a = b.attempts[aIndex];
            auto* ai = new QTreeWidgetItem(bi);
            ai->setData(0, kPathRole, QVariantList{runIndex, static_cast<int>(bIndex), static_cast<int>(aIndex)});
            ai->setText(0, tr("Attempt %1%2").arg(a.number).arg(a.afterBisect ? tr(" (bisected)") : QString()));
            ai->setText(
                1,
                oneLine(text(a.verdict) + (a.checkpoint.empty() ? QString() : tr(" at %1").arg(text(a.checkpoint)))));
            ai->setText(2, text(a.firstSequenceNumber) + QStringLiteral("..") + text(a.lastSequenceNumber));
            ai->setText(4,
                        oneLine(text(a.handlerEnd)
                                + (a.reason.empty() ? QString() : QStringLiteral(": ") + text(a.reason))
                                + (a.stderrText.empty() ? QString() : tr("  (log below when selected)"))));
            ai->setToolTip(4, text(a.reason));
        }
        for (const auto& r : b.records) {
            if (r.status == storage::RecordStatus::Succeeded)
                continue;
            auto* ri = new QTreeWidgetItem(bi);
            ri->setText(0, oneLine(text(r.keyText)));
            ri->setText(1, text(std::string(storage::recordStatusName(r.status))));
            ri->setForeground(1, eventstyle::severityTextColor(2, palette()));
            ri->setText(2, text(r.sequenceNumber));
            ri->setText(3, QString::number(r.deliveries));
            ri->setText(4, oneLine(text(r.lastError)));
            ri->setToolTip(4, text(r.lastError));
            ri->setData(0, kRecordIdRole, QVariant::fromValue<qint64>(r.recordId));
            ri->setToolTip(0, tr("Double-click to open this record's key"));
        }
    }
}

void ReplayPanel::showLogOf(QTreeWidgetItem* item)
{
    m_log->clear();
    if (!item)
        return;
    // A record row shows its batch's log.
    QTreeWidgetItem* withPath = item->data(0, kPathRole).isValid() ? item : item->parent();
    if (!withPath)
        return;
    const QVariantList path = withPath->data(0, kPathRole).toList();
    if (path.size() != 3)
        return;
    const int runIndex = path[0].toInt();
    const int batchIndex = path[1].toInt();
    const int attemptIndex = path[2].toInt();
    if (runIndex < 0 || runIndex >= static_cast<int>(m_shown.size()))
        return;
    const auto& run = m_shown[static_cast<std::size_t>(runIndex)];
    if (batchIndex < 0) {
        m_log->setPlainText(tr("Run %1 (%2): %3\nSelect an attempt or a batch to see the handler's log.")
                                .arg(run.id)
                                .arg(text(run.status), commandText(run.handler)));
        return;
    }
    if (batchIndex >= static_cast<int>(run.batches.size()))
        return;
    const auto& batch = run.batches[static_cast<std::size_t>(batchIndex)];
    QString log;
    for (std::size_t i = 0; i < batch.attempts.size(); ++i) {
        if (attemptIndex >= 0 && static_cast<int>(i) != attemptIndex)
            continue;
        const auto& a = batch.attempts[i];
        log += tr("── batch %1, attempt %2: records %3-%4, %5, %6 ms%7 ──\n")
                   .arg(batch.number)
                   .arg(a.number)
                   .arg(a.begin + 1)
                   .arg(a.end)
                   .arg(text(a.verdict))
                   .arg(a.durationMs)
                   .arg(a.reason.empty() ? QString() : QStringLiteral(" (") + text(a.reason) + QLatin1Char(')'));
        log += a.stderrText.empty() ? tr("(no log output)\n") : text(a.stderrText);
        if (!log.endsWith(QLatin1Char('\n')))
            log += QLatin1Char('\n');
        if (!a.stdoutText.empty())
            log += tr("── response ──\n") + text(a.stdoutText) + QLatin1Char('\n');
        if (log.size() > kMaxLogChars) {
            log.truncate(kMaxLogChars);
            log += tr("\n… (cut here; streamscope replay --show %1 --json has all of it)").arg(run.id);
            break;
        }
    }
    m_log->setPlainText(log);
}

void ReplayPanel::setRunning(bool running)
{
    m_run->setEnabled(!running);
    m_cancel->setEnabled(running);
    m_runner->setEnabled(!running);
    m_pages->setEnabled(!running);
    m_busy->setVisible(running);
    if (running)
        m_progressTimer->start();
    else
        m_progressTimer->stop();
    if (!running)
        m_progress->clear();
}

bool ReplayPanel::startReplay()
{
    if (m_job->isRunning())
        return false;
    if (!m_session || m_session->path().isEmpty()) {
        showBanner(tr("Open a store first."));
        return false;
    }
    ReplayRequest request;
    QString error;
    if (!targetFromForm(request.target, error)) {
        showBanner(error);
        return false;
    }
    saveSettings();
    request.storePath = m_session->path();
    request.selection = exportSelectionOf(m_session->eventFilter());
    request.selection.lambdaFilter = m_session->lambdaCriteria(); // the Lambda filter panel's criteria, if set
    request.timeoutMs = static_cast<int>(m_timeout->value() * 1000);
    request.maxRetries = m_retries->value();
    request.bisect = m_bisect->isChecked();
    request.batchSize = m_batchSize->value();
    showBanner(QString());
    m_status->clear();
    setRunning(true);
    m_progress->setText(runner() == Runner::LambdaHandler ? tr("Starting the handler's runtime…") : tr("Replaying…"));
    m_job->start(std::move(request));
    return true;
}

void ReplayPanel::showProgress()
{
    if (!m_job->isRunning())
        return;
    const ReplayProgress p = m_job->progress();
    if (p.batch == 0)
        return;
    // While an invocation runs: the batch, the attempt and its records, running; between invocations the verdict of
    // the last one.
    m_progress->setText(tr("Batch %1, attempt %2 (records %3-%4: %5) · %6 in earlier batches · %7")
                            .arg(p.batch)
                            .arg(p.attempt)
                            .arg(p.attemptFirst)
                            .arg(p.attemptLast)
                            .arg(p.running ? tr("running…") : p.verdict)
                            .arg(formatting::count(p.recordsInDoneBatches, "record", "records"))
                            .arg(formatting::count(p.invocations, "invocation", "invocations")
                                 + (p.running ? tr(" done") : QString())));
}

void ReplayPanel::cancelReplay()
{
    if (!m_job->isRunning())
        return;
    m_progress->setText(tr("Stopping…"));
    m_job->cancel();
}

bool ReplayPanel::stopForQuit()
{
    if (!m_job->isRunning())
        return true;
    QMessageBox box(QMessageBox::Question, tr("Replay running"),
                    tr("A replay is running. Stop it and quit? The handler is stopped now and the run is recorded "
                       "as interrupted with the batches done so far."),
                    QMessageBox::NoButton, this);
    auto* stop = box.addButton(tr("Stop and quit"), QMessageBox::AcceptRole);
    auto* keep = box.addButton(tr("Keep running"), QMessageBox::RejectRole);
    box.setDefaultButton(keep);
    box.setEscapeButton(keep);
    box.exec();
    if (box.clickedButton() != stop)
        return false;
    m_job->stopAndWait(); // the handler's process group is ended; the worker records the run and returns
    return true;
}

void ReplayPanel::onFinished(const ReplayOutcome& outcome)
{
    setRunning(false);
    if (!outcome.run) {
        QString message = outcome.targetUnusable ? tr("The replay could not start: %1").arg(outcome.error)
            : outcome.cancelled                  ? tr("Replay cancelled: %1").arg(outcome.error)
                                                 : tr("Replay failed: %1").arg(outcome.error);
        if (!outcome.log.isEmpty()) {
            QStringList lines = outcome.log.split(QLatin1Char('\n'));
            if (lines.size() > 15)
                lines = lines.mid(lines.size() - 15); // the end of a traceback says most
            message += QLatin1Char('\n') + lines.join(QLatin1Char('\n'));
        }
        showBanner(message);
        if (!outcome.runs.runs.empty() || outcome.targetUnusable)
            showRuns(outcome.runs); // a target found unusable at the first batch is listed as a failed run
        Q_EMIT replayEnded();
        return;
    }
    showRuns(outcome.runs); // read by the replay's worker after the run: no store query here
    const storage::ReplayRunInfo& run = *outcome.run;
    QString status;
    if (run.status == "complete")
        status = tr("Run %1: %2 records, %3 succeeded, %4 discarded")
                     .arg(run.id)
                     .arg(run.recordCount)
                     .arg(run.succeeded)
                     .arg(run.discarded);
    else
        status = tr("Run %1 %2 after %3: %4 records reached, %5 succeeded, %6 discarded, %7 not settled")
                     .arg(run.id)
                     .arg(text(run.status))
                     .arg(formatting::count(run.attemptCount, "invocation", "invocations"))
                     .arg(run.recordCount)
                     .arg(run.succeeded)
                     .arg(run.discarded)
                     .arg(run.recordCount - run.succeeded - run.discarded);
    if (!outcome.runs.error.isEmpty())
        status += QLatin1Char(' ') + tr("(could not read the recorded runs: %1)").arg(outcome.runs.error);
    m_status->setText(status);
    placeSplitLater();
    for (int i = 0; i < m_runs->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_runs->topLevelItem(i);
        const QVariantList path = item->data(0, kPathRole).toList();
        if (!path.isEmpty() && m_shown[static_cast<std::size_t>(path[0].toInt())].id == run.id) {
            m_runs->setCurrentItem(item);
            item->setExpanded(true);
            break;
        }
    }
    Q_EMIT replayFinished(run.id);
    Q_EMIT replayEnded();
}

void ReplayPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_sized || !m_split)
        return;
    m_sized = true;
    // From the first show until the user moves the splitter, on every resize and runner change: the settings get
    // the height they need as long as the runs and the log keep their minimum (at 1024x700 they were held to half
    // the panel, before that less: the Command runner's arguments and the timeout row were cut off).
    m_splitPlacer = new splitdefaults::Placer(m_split, [this](int total) { return splitSizes(total); });
    m_splitPlacer->place();
}

QList<int> ReplayPanel::splitSizes(int total) const
{
    total -= m_split->handleWidth(); // the Placer left out one of the two handles
    // (the banner and the status line count once they show: placeSplitLater)
    const int wanted = m_settingsPane->sizeHint().height() + m_runBar->sizeHint().height()
        + m_runBar->parentWidget()->layout()->spacing();
    // (what the splitter holds them to: their minimum height, set in lines)
    const int runsMinimum = m_runs->minimumHeight();
    const int logMinimum = m_log->minimumHeight();
    const int settings =
        std::max(m_split->widget(0)->minimumSizeHint().height(), std::min(wanted, total - runsMinimum - logMinimum));
    const int rest = std::max(0, total - settings);
    const int log = std::max(logMinimum, rest / 4);
    return {settings, rest - log, log};
}

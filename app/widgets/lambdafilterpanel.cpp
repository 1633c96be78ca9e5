#include "app/widgets/lambdafilterpanel.h"

#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include "app/viewmodels/lambdafilter.h"

LambdaFilterPanel::LambdaFilterPanel(LambdaFilter* filter, QWidget* parent)
    : QWidget(parent)
    , m_filter(filter)
    , m_text(new QPlainTextEdit(this))
    , m_name(new QLineEdit(this))
    , m_open(new QPushButton(tr("Open…"), this))
    , m_apply(new QPushButton(tr("Apply"), this))
    , m_clear(new QPushButton(tr("Clear"), this))
    , m_status(new QLabel(this))
    , m_lints(new QLabel(this))
    , m_counts(new QLabel(this))
{
    m_text->setObjectName(QStringLiteral("lambdaCriteria"));
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setPlaceholderText(
        tr("Paste FilterCriteria ({\"Filters\":[{\"Pattern\":\"…\"}]}), get-event-source-mapping "
           "output, a CloudFormation/SAM template, a Serverless service or a bare pattern "
           "(JSON or YAML), then Apply"));
    m_name->setPlaceholderText(tr("Criteria name (a file with several: logical ID, Function.Event, function)"));
    m_apply->setToolTip(tr("Evaluate the criteria: the events table shows what Lambda would deliver or drop, and "
                           "Export and Replay send only the delivered records"));
    m_clear->setToolTip(tr("No Lambda filter: every event is delivered"));
    for (QLabel* label : {m_status, m_lints, m_counts}) {
        label->setWordWrap(true);
        label->setTextFormat(Qt::PlainText);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    m_status->setObjectName(QStringLiteral("lambdaFilterStatus"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_name, 1);
    buttons->addWidget(m_open);
    buttons->addWidget(m_apply);
    buttons->addWidget(m_clear);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(3);
    layout->addWidget(m_text, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_counts);
    layout->addWidget(m_lints);

    connect(m_apply, &QPushButton::clicked, this, [this]() { apply(); });
    connect(m_clear, &QPushButton::clicked, this, [this]() {
        m_filter->clear();
        showState();
    });
    connect(m_open, &QPushButton::clicked, this, [this]() {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open filter criteria"), QString(),
            tr("Criteria, templates, Serverless services (*.json *.yaml *.yml *.template);;All files (*)"));
        if (!path.isEmpty())
            openFile(path);
    });
    connect(m_text, &QPlainTextEdit::textChanged, this, [this]() { m_source.clear(); }); // no longer the file
    connect(m_filter, &LambdaFilter::countsReady, this, [this]() { m_counts->setText(m_filter->countsText()); });
    connect(m_filter, &LambdaFilter::changed, this, &LambdaFilterPanel::showState);
    showState();
}

bool LambdaFilterPanel::openFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        showProblem(tr("cannot read %1: %2").arg(QFileInfo(path).fileName(), file.errorString()));
        return false;
    }
    {
        const QSignalBlocker block(m_text);
        m_text->setPlainText(QString::fromUtf8(file.readAll()));
    }
    m_source = path;
    return apply().isEmpty();
}

QString LambdaFilterPanel::apply()
{
    QString problem = m_filter->setCriteria(m_text->toPlainText(), m_name->text(), m_source);
    if (!problem.isEmpty())
        showProblem(problem);
    return problem;
}

void LambdaFilterPanel::showProblem(const QString& problem)
{
    m_status->setText(tr("Not applied: %1").arg(problem));
    QPalette pal = m_status->palette();
    pal.setColor(QPalette::WindowText, QColor(0xd0, 0x30, 0x30));
    m_status->setPalette(pal);
}

void LambdaFilterPanel::showState()
{
    m_status->setPalette(QPalette());
    m_status->setText(m_filter->summary());
    const QStringList lints = m_filter->lints();
    m_lints->setText(lints.isEmpty() ? QString() : tr("Lints:\n%1").arg(lints.join(QLatin1Char('\n'))));
    m_lints->setVisible(!lints.isEmpty());
    m_counts->setText(m_filter->countsText());
    m_clear->setEnabled(m_filter->isActive());
}

#include "app/viewmodels/lambdafilter.h"

#include <map>

#include "app/viewmodels/exportselection.h"
#include "app/viewmodels/jobtracker.h"
#include "app/viewmodels/rowtypes.h"
#include "app/viewmodels/storesession.h"
#include "model/criteriaevaluator.h"
#include "model/eventpatternlint.h"
#include "model/filtercriteria.h"
#include "storage/delivery/deliveryreader.h"

namespace {

constexpr int kCountsChannel = 40; // on the session's tracker, after StoreSession's own channels
constexpr int kMaxVerdicts = 4096;

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

struct Counts
{
    std::int64_t selected = 0;
    std::int64_t dropped = 0;
    std::vector<std::int64_t> perFilter;
};

/// Counts what the criteria deliver of `selection`, reading the store on the job's own read-only connection.
JobAnswer<Counts> countDeliveries(const std::string& path, const storage::RecordSelection& selection,
                                  std::size_t filters, JobContext& ctx)
{
    JobAnswer<Counts> answer;
    auto store = storage::Store::open(path, storage::Database::OpenMode::ReadOnly);
    if (!store) {
        answer.error = qs(store.error().message);
        return answer;
    }
    storage::Store* raw = &*store;
    ctx.setInterruptHook([raw]() { raw->interrupt(); });
    struct Unhook
    {
        JobContext& ctx;
        ~Unhook() { ctx.clearInterruptHook(); }
    } unhook{ctx};
    auto reader = storage::DeliveryReader::open(*store, selection);
    if (!reader) {
        answer.error = qs(reader.error().message);
        return answer;
    }
    Counts counts;
    counts.perFilter.assign(filters, 0);
    for (;;) {
        if (ctx.isStale()) {
            answer.interrupted = true;
            return answer;
        }
        auto next = reader->next();
        if (!next) {
            answer.interrupted = next.error().kind == storage::Error::Kind::Interrupted;
            answer.error = qs(next.error().message);
            return answer;
        }
        if (!*next)
            break;
        ++counts.perFilter[static_cast<std::size_t>((*next)->deliveredByFilter)];
    }
    counts.selected = reader->selected() - reader->excludedByJsOption();
    counts.dropped = reader->droppedByCriteria();
    answer.value = std::move(counts);
    return answer;
}

} // namespace

LambdaFilter::LambdaFilter(StoreSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
{
    // A new view (filters, another store): new counts; verdicts of records are kept only for one store.
    connect(m_session, &StoreSession::eventsReady, this, [this]() {
        if (isActive())
            requestCounts();
    });
    connect(m_session, &StoreSession::opened, this, [this]() { m_verdicts.clear(); });
    connect(m_session, &StoreSession::closed, this, [this]() {
        m_verdicts.clear();
        m_counts.clear();
    });
}

LambdaFilter::~LambdaFilter() = default;

QString LambdaFilter::setCriteria(const QString& text, const QString& name, const QString& source)
{
    const QByteArray utf8 = text.toUtf8();
    const QByteArray select = name.trimmed().toUtf8();
    model::FilterCriteria read =
        model::parseFilterCriteria(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())),
                                   std::string_view(select.constData(), static_cast<std::size_t>(select.size())));
    if (!read.error.empty())
        return tr("cannot read the criteria: %1").arg(qs(read.error));
    if (read.patterns.empty())
        return tr("no filter pattern in the criteria");
    model::CriteriaCompileResult compiled = model::CriteriaEvaluator::compile(read.patterns);
    if (!compiled.evaluator) {
        const bool unsupported = compiled.problem->kind == model::PatternProblem::Kind::Unsupported;
        return tr("filter %1: %2%3")
            .arg(compiled.problemFilter + 1)
            .arg(unsupported ? tr("unsupported: ") : QString(), qs(compiled.problem->message()));
    }
    m_lints.clear();
    for (const model::PatternLint& lint : model::lintCriteria(read.patterns)) {
        QString where = lint.filter >= 0 ? tr("filter %1").arg(lint.filter + 1) : tr("criteria");
        if (!lint.path.empty())
            where += QStringLiteral(" at `%1`").arg(qs(lint.path));
        m_lints << QStringLiteral("%1: %2: %3").arg(where, qs(lint.code), qs(lint.message));
    }
    storage::LambdaFilterCriteria criteria;
    criteria.patterns = std::move(read.patterns);
    criteria.source = source.isEmpty() ? std::string("pasted") : source.toStdString();
    criteria.name = select.toStdString();
    criteria.shape = std::move(read.shape);
    criteria.origin = std::move(read.origin);
    m_criteria = criteria;
    m_evaluator = std::make_unique<model::CriteriaEvaluator>(std::move(*compiled.evaluator));
    m_verdicts.clear();
    m_session->setLambdaCriteria(m_criteria);
    Q_EMIT changed();
    requestCounts();
    return {};
}

void LambdaFilter::clear()
{
    m_criteria.reset();
    m_evaluator.reset();
    m_lints.clear();
    m_verdicts.clear();
    m_counts.clear();
    m_session->jobs()->run<int>(
        kCountsChannel, [](JobContext&) { return 0; }, [](int) {}); // drop a running count
    m_session->setLambdaCriteria(std::nullopt);
    Q_EMIT changed();
    Q_EMIT countsReady();
}

bool LambdaFilter::isActive() const
{
    return m_evaluator != nullptr;
}

QString LambdaFilter::summary() const
{
    if (!m_criteria)
        return tr("No Lambda filter: every event is delivered.");
    const auto n = static_cast<int>(m_criteria->patterns.size());
    QString text = (n == 1 ? tr("1 filter (%1") : tr("%1 filters (%2").arg(n)).arg(qs(m_criteria->shape));
    if (!m_criteria->origin.empty())
        text += QStringLiteral(", ") + qs(m_criteria->origin);
    return text + QLatin1Char(')');
}

QStringList LambdaFilter::lints() const
{
    return m_lints;
}

LambdaFilter::Verdict LambdaFilter::verdict(qint64 recordId)
{
    if (!m_evaluator)
        return {};
    if (const auto it = m_verdicts.constFind(recordId); it != m_verdicts.constEnd())
        return *it;
    Verdict v;
    QString error;
    const std::optional<storage::RecordRow> row = m_session->record(recordId, &error);
    if (!row) {
        v.reason = error;
        return v;
    }
    auto record = storage::toStreamRecord(*row);
    if (!record) {
        v.reason = qs(record.error().message);
        return v;
    }
    // The record alone: a stand-in sequence number (records without one) is the first of its stream.
    std::map<std::string, std::uint64_t> counters;
    const storage::LambdaForm form = storage::lambdaForm(*row, *record, counters);
    const model::CriteriaVerdict evaluated = m_evaluator->evaluate(form.lambda.json, true);
    v.known = true;
    v.filter = evaluated.filter;
    if (evaluated.filter < 0)
        v.reason = tr("filter 1: %1").arg(qs(evaluated.failure.message()));
    if (m_verdicts.size() >= kMaxVerdicts)
        m_verdicts.clear();
    m_verdicts.insert(recordId, v);
    return v;
}

QVariant LambdaFilter::cell(const EventRow& row, int role)
{
    if (!isActive() || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    const Verdict v = verdict(row.recordId);
    if (!v.known)
        return role == Qt::DisplayRole ? tr("?") : tr("Could not evaluate the record: %1").arg(v.reason);
    if (v.filter >= 0)
        return role == Qt::DisplayRole ? tr("delivered (filter %1)").arg(v.filter + 1)
                                       : tr("Lambda would deliver this record: filter %1 matches.").arg(v.filter + 1);
    return role == Qt::DisplayRole ? tr("dropped: %1").arg(v.reason)
                                   : tr("Lambda would drop this record (no filter matches).\n%1").arg(v.reason);
}

void LambdaFilter::requestCounts()
{
    if (!m_criteria || !m_session->isOpen())
        return;
    storage::RecordSelection selection = exportSelectionOf(m_session->eventFilter());
    selection.lambdaFilter = m_criteria;
    const std::size_t filters = m_criteria->patterns.size();
    m_counts = tr("counting…");
    Q_EMIT countsReady();
    const std::string path = m_session->path().toStdString();
    m_session->jobs()->runFallible<Counts>(
        kCountsChannel,
        [path, selection, filters](JobContext& ctx) { return countDeliveries(path, selection, filters, ctx); },
        [this](Counts c) {
            QStringList per;
            std::int64_t delivered = 0;
            for (std::size_t i = 0; i < c.perFilter.size(); ++i) {
                per << tr("filter %1: %2").arg(i + 1).arg(c.perFilter[i]);
                delivered += c.perFilter[i];
            }
            m_counts = tr("%1 events: %2 delivered (%3), %4 dropped")
                           .arg(c.selected)
                           .arg(delivered)
                           .arg(per.join(QStringLiteral(", ")))
                           .arg(c.dropped);
            Q_EMIT countsReady();
        },
        [this](const QString& error) {
            m_counts = tr("Could not count: %1").arg(error);
            Q_EMIT countsReady();
        });
}

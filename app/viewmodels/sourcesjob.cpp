#include "app/viewmodels/sourcesjob.h"

#include "app/viewmodels/formatting.h"
#include "storage/store/readsnapshot.h"

using formatting::fromStd;

storage::Result<SourcesReport> readSourcesReport(storage::Store& store)
{
    auto snapshot = storage::ReadSnapshot::begin(store.database());
    if (!snapshot)
        return snapshot.error();
    SourcesReport report;
    auto sources = store.sources();
    if (!sources)
        return sources.error();
    for (storage::SourceInfo& s : *sources) {
        SourceDetails details;
        details.notes = fromStd(s.messages).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        storage::RecordFilter filter;
        filter.sourceId = s.id;
        auto span = store.timeRange(filter);
        if (!span)
            return span.error();
        if (*span) {
            details.firstTimeMicros = (*span)->first;
            details.lastTimeMicros = (*span)->second;
        }
        details.info = std::move(s);
        report.sources.push_back(std::move(details));
    }
    auto tables = store.tables();
    if (!tables)
        return tables.error();
    report.tables = std::move(*tables);
    auto totals = store.totals();
    if (!totals)
        return totals.error();
    report.totals = *totals;
    return report;
}

SourcesJob::SourcesJob(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<SourcesReport>();
}

void SourcesJob::start(const QString& storePath)
{
    const std::string path = storePath.toStdString();
    m_jobs.runFallible<SourcesReport>(
        0,
        [path, storePath](JobContext& ctx) {
            JobAnswer<SourcesReport> answer;
            auto store = storage::Store::open(path, storage::Database::OpenMode::ReadOnly);
            if (!store) {
                answer.error = fromStd(store.error().message);
                return answer;
            }
            storage::Store* raw = &*store;
            ctx.setInterruptHook([raw]() { raw->interrupt(); });
            auto report = readSourcesReport(*store);
            ctx.clearInterruptHook();
            if (!report) {
                answer.interrupted = report.error().kind == storage::Error::Kind::Interrupted;
                answer.error = fromStd(report.error().message);
                return answer;
            }
            report->storePath = storePath;
            answer.value = std::move(*report);
            return answer;
        },
        [this](const SourcesReport& report) { Q_EMIT ready(report); },
        [this](const QString& reason) { Q_EMIT failed(reason); });
}

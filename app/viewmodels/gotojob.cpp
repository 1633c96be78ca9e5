#include "app/viewmodels/gotojob.h"

#include "app/viewmodels/formatting.h"
#include "model/sequencenumber.h"
#include "model/streamrecord.h"
#include "storage/store/readsnapshot.h"

namespace {
using formatting::fromStd;

GoToMatch toMatch(const storage::RecordSummary& s)
{
    GoToMatch m;
    m.recordId = s.id;
    m.keyId = s.keyId;
    m.table = fromStd(s.tableName);
    m.keyText = fromStd(s.keyText);
    m.eventName = fromStd(std::string(model::eventNameText(s.eventName)));
    m.sequenceNumber = fromStd(s.sequenceNumber);
    m.eventId = fromStd(s.eventId);
    m.timeMicros = s.creationTimeMicros;
    return m;
}
} // namespace

QString GoToResult::summary() const
{
    if (!error.isEmpty())
        return QObject::tr("Cannot search the store: %1").arg(error);
    if (query.isEmpty())
        return QObject::tr("Type a sequence number or an event ID");
    if (matches.empty())
        return QObject::tr("No record has the sequence number or event ID %1").arg(query);
    if (matches.size() == 1)
        return QObject::tr("Found record %1 (%2)").arg(matches.front().recordId).arg(matchedAs);
    return QObject::tr("%1 records have this %2").arg(matches.size()).arg(matchedAs);
}

GoToJob::GoToJob(QObject* parent)
    : QObject(parent)
{
}

GoToJob::~GoToJob()
{
    m_tracker.cancelAll();
    m_tracker.waitForDone();
}

QString GoToJob::normalize(const QString& text)
{
    QString t = text.trimmed();
    while (t.size() >= 2 && (t.front() == QLatin1Char('"') || t.front() == QLatin1Char('\'')) && t.back() == t.front())
        t = t.mid(1, t.size() - 2).trimmed();
    return t;
}

GoToResult GoToJob::search(storage::Store& store, const QString& text, int limit)
{
    GoToResult result;
    result.query = normalize(text);
    if (result.query.isEmpty())
        return result;
    const std::string query = result.query.toStdString();
    std::vector<std::int64_t> ids;
    if (model::isSequenceNumber(query)) {
        auto bySeq = store.recordIdsBySequenceNumber(query);
        if (!bySeq) {
            result.error = fromStd(bySeq.error().message);
            return result;
        }
        ids = std::move(*bySeq);
        result.matchedAs = QObject::tr("sequence number");
    }
    if (ids.empty()) {
        auto byEvent = store.recordIdsByEventId(query);
        if (!byEvent) {
            result.error = fromStd(byEvent.error().message);
            return result;
        }
        ids = std::move(*byEvent);
        result.matchedAs = QObject::tr("event ID");
    }
    if (ids.empty()) {
        result.matchedAs.clear();
        return result;
    }
    if (ids.size() > static_cast<std::size_t>(limit))
        ids.resize(static_cast<std::size_t>(limit));
    auto summaries = store.recordSummariesByIds(ids);
    if (!summaries) {
        result.error = fromStd(summaries.error().message);
        return result;
    }
    for (const auto& s : *summaries)
        result.matches.push_back(toMatch(s));
    return result;
}

void GoToJob::find(const QString& storePath, const QString& text)
{
    const std::string path = storePath.toStdString();
    m_tracker.run<GoToResult>(
        0,
        [path, text](JobContext& ctx) {
            GoToResult result;
            result.query = normalize(text);
            auto opened = storage::Store::open(path, storage::Database::OpenMode::ReadOnly);
            if (!opened) {
                result.error = fromStd(opened.error().message);
                return result;
            }
            storage::Store& store = *opened;
            auto snapshot = storage::ReadSnapshot::begin(store.database());
            if (!snapshot) {
                result.error = fromStd(snapshot.error().message);
                return result;
            }
            ctx.setInterruptHook([&store]() { store.interrupt(); });
            result = search(store, text);
            ctx.clearInterruptHook();
            return result;
        },
        [this](const GoToResult& result) { Q_EMIT finished(result); });
}

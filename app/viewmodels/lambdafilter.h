#pragma once

// The Lambda filter panel's state (GUI): filter criteria pasted or opened (every shape `filter --criteria` reads,
// JSON or YAML: model/filtercriteria.h), compiled once (model/criteriaevaluator.h), their lints, each listed event's
// verdict (delivered by which filter, or dropped with the first failing path of filter 1) computed when its row is
// shown, and the counts over the events view, computed in the background. Export and replay use the criteria
// (StoreSession::lambdaCriteria).

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

#include "storage/delivery/selection.h"

class StoreSession;
struct EventRow;
namespace model {
class CriteriaEvaluator;
}

class LambdaFilter : public QObject
{
    Q_OBJECT
public:
    explicit LambdaFilter(StoreSession* session, QObject* parent = nullptr);
    ~LambdaFilter() override;

    /// Reads and compiles criteria text (`name`: --criteria-name, for a file holding several; `source`: where the
    /// text came from, a file name or "pasted"). Returns "" when applied, else why not (the criteria that were
    /// set stay set): "filter 2: prefix match pattern must be a string at `dynamodb.Keys.pk.S`".
    QString setCriteria(const QString& text, const QString& name = {}, const QString& source = {});
    void clear();
    bool isActive() const;
    /// "2 filters (cloudformation, Resources.OrdersMapping)".
    QString summary() const;
    /// One line per lint: "filter 1 at `dynamodb.NewImage.status`: missing-type-descriptor: …".
    QStringList lints() const;

    struct Verdict
    {
        bool known = false; ///< false when the record could not be read
        int filter = -1;    ///< index of the filter that delivers it, -1 when dropped
        QString reason;     ///< dropped: "filter 1: <path>: <why>"; not known: why
    };
    /// The verdict of one record (GUI thread: one indexed read and an evaluation; the last 4096 are kept).
    Verdict verdict(qint64 recordId);
    /// The events table's column: "delivered (filter 2)" / "dropped: <reason>", the tooltip, the colour.
    QVariant cell(const EventRow& row, int role);

    /// Counts over the events view's selection (background); countsReady when done.
    void requestCounts();
    /// "31 events: 12 delivered (filter 1: 10, filter 2: 2), 19 dropped", "" before the first count.
    QString countsText() const { return m_counts; }

Q_SIGNALS:
    void changed();
    void countsReady();

private:
    StoreSession* m_session;
    std::unique_ptr<model::CriteriaEvaluator> m_evaluator;
    std::optional<storage::LambdaFilterCriteria> m_criteria;
    QStringList m_lints;
    QHash<qint64, Verdict> m_verdicts;
    QString m_counts;
};

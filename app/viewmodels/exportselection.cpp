#include "app/viewmodels/exportselection.h"

storage::RecordSelection exportSelectionOf(const EventFilter& filter)
{
    storage::RecordSelection s;
    if (!filter.table.empty())
        s.tables = {filter.table};
    const model::EventName names[] = {model::EventName::Insert, model::EventName::Modify, model::EventName::Remove,
                                      model::EventName::Snapshot};
    if ((filter.eventMask & 0xF) != 0xF) {
        for (unsigned i = 0; i < 4; ++i) {
            if (filter.eventMask & (1u << i))
                s.eventNames.push_back(names[i]);
        }
    }
    s.fromMicros = filter.fromMicros;
    s.toMicros = filter.toMicros;
    if (!filter.text.empty()) {
        storage::RecordFilter recordFilter;
        recordFilter.text = filter.text;
        recordFilter.textInRaw = filter.textInRaw; // "Search raw records": export what the table shows
        s.filter = recordFilter;
    }
    s.where = filter.where; // the Events bar's display filter: export and replay what the table shows
    return s;
}

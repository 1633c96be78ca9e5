#pragma once

// Display filters (model/displayfilter.h) in the GUI: checking an expression as it is typed, and narrowing the events
// view's record ids to those the expression holds for (run by the events job, in the background).

#include <QString>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "storage/store/store.h"

/// An expression checked for the Events filter bar.
struct DisplayFilterCheck
{
    bool valid = true; ///< empty text is valid (no filter)
    int column = 0;    ///< where the mistake is, counted from 1 in characters (0 when valid)
    int position = -1; ///< the same place as an index into the QString (UTF-16), for the cursor
    QString message;   ///< "column 17: '=' is not an operator (use ==)"
};
DisplayFilterCheck checkDisplayFilter(const QString& text);

/// The ids (in their order) of the records the compiled expression `where` holds for, read 256 at a time; an
/// Interrupted error when `stale` says the result is no longer wanted. `where` must compile (checkDisplayFilter).
storage::Result<std::vector<std::int64_t>> recordsMatching(storage::Store& store, const std::vector<std::int64_t>& ids,
                                                           const std::string& where,
                                                           const std::function<bool()>& stale = {});

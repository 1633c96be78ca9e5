#pragma once

// The default sizes of a two-pane splitter that the user has not moved yet (the events table above the raw record,
// the findings above their details).

#include <QList>
#include <algorithm>

namespace splitdefaults {

/// Sizes for a two-pane splitter `total` px long: the second pane `share` of it and at least `wanted` px, as long as
/// the first keeps `firstMinimum` px (where both cannot be had, the first wins).
inline QList<int> sizes(int total, double share, int wanted, int firstMinimum)
{
    int second = std::max(static_cast<int>(total * share), wanted);
    second = std::max(0, std::min(second, total - firstMinimum));
    return {total - second, second};
}

} // namespace splitdefaults

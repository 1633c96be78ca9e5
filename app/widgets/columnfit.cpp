#include "app/widgets/columnfit.h"

#include <QHeaderView>
#include <QStyle>
#include <QTableView>
#include <algorithm>

namespace columnfit {

void fitNumberColumn(QTableView* view, int column, int flexibleColumn, int flexibleChars, const QString& shortestNumber,
                     bool mayNarrow)
{
    const QAbstractItemModel* model = view->model();
    if (!model)
        return;
    const QFontMetrics fm = view->fontMetrics();
    // What the view keeps beside a cell's text (QCommonStyle: the focus frame's margin + 1 on each side).
    const int margin = 2 * (view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 1);
    const auto textWidth = [&](const QString& text) { return fm.horizontalAdvance(text) + margin; };
    // The text is laid out in fractional pixels: a text exactly as wide as its cell's text rect is elided.
    const auto wholeWidth = [&](const QString& text) { return textWidth(text) + 2; };
    const int minimum = textWidth(model->headerData(column, Qt::Horizontal).toString())
        + 2 * view->style()->pixelMetric(QStyle::PM_HeaderMarkSize, nullptr, view);
    int needed = std::max(minimum, wholeWidth(shortestNumber));
    int flexibleNeeded = 0; // what the flexible column's texts need, each up to flexibleChars characters
    const auto widen = [&](int first, int last) {
        for (int r = std::max(0, first); r <= last && r < model->rowCount(); ++r) {
            needed = std::max(needed, wholeWidth(model->index(r, column).data().toString()));
            if (flexibleColumn >= 0)
                flexibleNeeded = std::max(
                    flexibleNeeded, wholeWidth(model->index(r, flexibleColumn).data().toString().left(flexibleChars)));
        }
    };
    widen(0, 199);
    if (const int top = view->rowAt(0); top >= 0)
        widen(top, top + view->viewport()->height() / std::max(1, view->verticalHeader()->defaultSectionSize()));
    int width = needed;
    if (flexibleColumn >= 0) {
        int others = 0;
        for (int c = 0; c < model->columnCount(); ++c)
            if (c != column && c != flexibleColumn && !view->isColumnHidden(c))
                others += view->columnWidth(c);
        const int room = view->viewport()->width() - others - flexibleNeeded;
        width = std::max(minimum, std::min(needed, room));
    }
    const int current = view->columnWidth(column);
    if (width > current || (mayNarrow && width != current))
        view->setColumnWidth(column, width);
}

} // namespace columnfit

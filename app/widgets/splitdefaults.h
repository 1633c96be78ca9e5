#pragma once

// The default sizes of a two-pane splitter that the user has not moved yet (the events table above the raw record,
// the findings above their details), and the placer that keeps them as the splitter changes size.

#include <QEvent>
#include <QList>
#include <QObject>
#include <QSplitter>
#include <algorithm>
#include <functional>
#include <utility>

namespace splitdefaults {

/// Sizes for a two-pane splitter `total` px long: the second pane `share` of it and at least `wanted` px, as long as
/// the first keeps `firstMinimum` px (where both cannot be had, the first wins).
inline QList<int> sizes(int total, double share, int wanted, int firstMinimum)
{
    int second = std::max(static_cast<int>(total * share), wanted);
    second = std::max(0, std::min(second, total - firstMinimum));
    return {total - second, second};
}

/// Gives a splitter its default sizes on each of its resizes until the user moves it: `sizesFor` has the sizes for
/// the length its panes share (the splitter's less its handle). Delete it before what `sizesFor` uses goes (a panel's
/// destructor: the splitter still resizes as its parent hides it).
class Placer : public QObject
{
public:
    Placer(QSplitter* split, std::function<QList<int>(int total)> sizesFor)
        : QObject(split)
        , m_split(split)
        , m_sizesFor(std::move(sizesFor))
    {
        split->installEventFilter(this);
        connect(split, &QSplitter::splitterMoved, this, [this]() { m_byUser = true; });
    }
    /// Whether resizes place the panes (off until a panel is first shown, or while a remembered layout holds them).
    void setActive(bool active) { m_active = active; }
    bool movedByUser() const { return m_byUser; }
    /// The default sizes now, unless the user moved the splitter.
    void place()
    {
        // From the splitter's height, not its panes' sizes: called on its resize, before it shares out the change.
        const int total = (m_split->orientation() == Qt::Vertical ? m_split->contentsRect().height()
                                                                  : m_split->contentsRect().width())
            - m_split->handleWidth();
        if (m_byUser || total <= 0)
            return;
        m_split->setSizes(m_sizesFor(total));
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == m_split && event->type() == QEvent::Resize && m_active)
            place();
        return QObject::eventFilter(watched, event);
    }

private:
    QSplitter* m_split;
    std::function<QList<int>(int)> m_sizesFor;
    bool m_active = true;
    bool m_byUser = false;
};

} // namespace splitdefaults

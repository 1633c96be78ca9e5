#include "app/widgets/filterfocus.h"

#include <QAbstractItemView>
#include <QItemSelectionModel>
#include <QKeyEvent>

namespace filterfocus {

bool movesIntoList(const QEvent* event)
{
    if (event->type() != QEvent::KeyPress)
        return false;
    const auto* key = static_cast<const QKeyEvent*>(event);
    if (key->modifiers() & ~Qt::KeypadModifier)
        return false;
    return key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter || key->key() == Qt::Key_Down;
}

bool selectFirstIfNone(QAbstractItemView* view)
{
    if (view->currentIndex().isValid())
        return true;
    if (!view->model() || view->model()->rowCount() == 0)
        return false;
    const QModelIndex first = view->model()->index(0, 0);
    view->selectionModel()->setCurrentIndex(first, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    view->scrollTo(first);
    return true;
}

void onPicked(QAbstractItemView* view, QObject* context, const std::function<void(const QModelIndex&)>& picked)
{
    QItemSelectionModel* selection = view->selectionModel();
    auto pickIfSelected = [selection, picked](const QModelIndex& index) {
        if (index.isValid() && selection->isSelected(index))
            picked(index);
    };
    QObject::connect(selection, &QItemSelectionModel::currentRowChanged, context, pickIfSelected);
    QObject::connect(selection, &QItemSelectionModel::selectionChanged, context,
                     [selection, pickIfSelected](const QItemSelection& selected, const QItemSelection&) {
                         const QModelIndex current = selection->currentIndex();
                         if (current.isValid() && selected.contains(current))
                             pickIfSelected(current);
                     });
}

bool enterList(QAbstractItemView* view, bool reloading)
{
    if (!reloading)
        selectFirstIfNone(view);
    view->setFocus(Qt::ShortcutFocusReason);
    return reloading;
}

} // namespace filterfocus

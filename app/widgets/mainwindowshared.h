#pragma once

// What the source files of MainWindow share: mainwindow.cpp (stores, imports, status), mainwindowlayout.cpp (center,
// docks, saved layout) and mainwindowmenus.cpp (actions, menus, keyboard).

#include <QIcon>
#include <QString>

namespace mainwindowshared {

/// QSettings key: the store open when the window last closed (reopened at start).
inline const QString kLastStore = QStringLiteral("stores/last");

/// A bundled icon: resources/icons/NAME.svg.
inline QIcon icon(const char* name)
{
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
}

} // namespace mainwindowshared

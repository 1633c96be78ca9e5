#pragma once

// The main window on the bundled sample, shared by the widget tests: a fresh store in a temporary folder, the sample
// capture imported, every list loaded.

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/viewmodels/storesession.h"
#include "app/widgets/mainwindow.h"
#include "testsupport.h"

namespace samplewindow {

/// The bundled sample capture (10 keys of the Orders table).
inline QString sampleCapture()
{
    return testsupport::sourceDir() + QStringLiteral("/resources/samples/orders-capture.json");
}

/// Waits until the session is idle and lists `keys` keys.
inline bool waitForKeys(MainWindow& window, int keys, int timeoutMs = 30'000)
{
    auto* session = window.session();
    return QTest::qWaitFor([session, keys]() { return !session->isBusy() && session->keyModel()->rowCount() == keys; },
                           timeoutMs);
}

/// Opens a fresh store in `dir`, imports `capture` (a variant of the sample: 10 keys) and waits until every list is
/// loaded.
inline bool openCapture(MainWindow& window, const QTemporaryDir& dir, const QString& capture)
{
    window.setShowImportSummary(false);
    if (!window.openStore(dir.filePath(QStringLiteral("sample.streamscope")), true))
        return false;
    QSignalSpy imported(&window, &MainWindow::importFinished);
    window.importPaths({capture});
    return imported.wait(60'000) && waitForKeys(window, 10);
}

/// Opens a fresh store in `dir`, imports the bundled sample and waits until every list is loaded.
inline bool openSample(MainWindow& window, const QTemporaryDir& dir)
{
    return openCapture(window, dir, sampleCapture());
}

} // namespace samplewindow

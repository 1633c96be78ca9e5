#include "app/widgets/guimain.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QStyle>
#include <QTimer>

#include "app/widgets/eventstyle.h"
#include "app/widgets/mainwindow.h"
#include "app/widgets/screenshotter.h"

int runGui(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/streamscope.svg")));
    QApplication::setDesktopFileName(QStringLiteral("dev.streamscope.Streamscope")); // packaging/*.desktop

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Streamscope desktop application"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption storeOption(QStringLiteral("store"), QStringLiteral("Open this store file."),
                                         QStringLiteral("file"));
    parser.addOption(storeOption);
    QCommandLineOption screenshotOption(QStringLiteral("screenshots"),
                                        QStringLiteral("Render the main views into DIR as PNG and quit."),
                                        QStringLiteral("dir"));
    screenshotOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(screenshotOption);
    QCommandLineOption handlerOption(QStringLiteral("screenshot-handler"),
                                     QStringLiteral("Handler command the screenshots replay the sample through."),
                                     QStringLiteral("command"));
    handlerOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(handlerOption);
    QCommandLineOption sizeOption(QStringLiteral("screenshot-size"),
                                  QStringLiteral("Window size of the screenshots, WIDTHxHEIGHT (part of the names)."),
                                  QStringLiteral("size"), QStringLiteral("1500x950"));
    sizeOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(sizeOption);
    QCommandLineOption viewsOption(QStringLiteral("screenshot-views"),
                                   QStringLiteral("Comma-separated views to save (default: all)."),
                                   QStringLiteral("views"));
    viewsOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(viewsOption);
    const QCommandLineOption paletteOption(
        QStringLiteral("palette"),
        QStringLiteral("Colour scheme: system (default), light or dark (Fusion style with a dark palette)."),
        QStringLiteral("scheme"), QStringLiteral("system"));
    parser.addOption(paletteOption);
    parser.addPositionalArgument(QStringLiteral("capture"),
                                 QStringLiteral("Capture files or folders to import, or a .streamscope store to open."),
                                 QStringLiteral("[capture...]"));
    parser.process(app);
    const QString scheme = parser.value(paletteOption).toLower();
    if (scheme == QLatin1String("dark") || scheme == QLatin1String("light")) {
        QApplication::setStyle(QStringLiteral("Fusion"));
        QApplication::setPalette(scheme == QLatin1String("dark") ? eventstyle::darkPalette()
                                                                 : QApplication::style()->standardPalette());
    } else if (scheme != QLatin1String("system")) {
        qWarning("--palette: expected system, light or dark, not %s", qPrintable(scheme));
        return 2;
    }

    MainWindow window;
    const QString screenshots = parser.value(screenshotOption);
    const QStringList size = parser.value(sizeOption).split(QLatin1Char('x'));
    const QSize windowSize(size.value(0).toInt(), size.value(1).toInt());
    if (!screenshots.isEmpty()) {
        if (windowSize.width() < 640 || windowSize.height() < 480) {
            qWarning("--screenshot-size: expected WIDTHxHEIGHT (at least 640x480), not %s",
                     qPrintable(parser.value(sizeOption)));
            return 2;
        }
        window.setShowImportSummary(false);
        window.resize(windowSize);
    }
    window.show();
    QString store = parser.value(storeOption);
    QStringList captures = parser.positionalArguments();
    // A store file given like a capture (a file manager opening a *.streamscope file) is opened, not imported.
    if (store.isEmpty() && !captures.isEmpty()
        && captures.first().endsWith(QLatin1String(".streamscope"), Qt::CaseInsensitive))
        store = captures.takeFirst();
    // After show(): the window paints first, then the store opens (its lists fill from background jobs).
    QTimer::singleShot(0, &window, [&window, store, captures]() {
        if (!store.isEmpty())
            window.openStore(store, /*create=*/true);
        else if (!captures.isEmpty())
            window.openStore(MainWindow::defaultStorePath(), /*create=*/true);
        else
            window.restoreLastStore();
        if (!captures.isEmpty())
            window.importPaths(captures);
    });
    if (!screenshots.isEmpty()) {
        auto* shooter = new Screenshotter(&window, screenshots, &window);
        shooter->setHandler(parser.value(handlerOption));
        shooter->setSuffix(QStringLiteral("-%1x%2").arg(windowSize.width()).arg(windowSize.height())
                           + (scheme == QLatin1String("dark") ? QStringLiteral("-dark") : QString()));
        if (parser.isSet(viewsOption))
            shooter->setViews(parser.value(viewsOption).split(QLatin1Char(','), Qt::SkipEmptyParts));
        QTimer::singleShot(200, shooter, &Screenshotter::start);
    }
    return QApplication::exec();
}

#include "app/widgets/guimain.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include "app/widgets/mainwindow.h"

int runGui(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/streamscope.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Streamscope desktop application"));
    const QCommandLineOption storeOption(QStringLiteral("store"), QStringLiteral("Open this store file."),
                                         QStringLiteral("file"));
    parser.addOption(storeOption);
    parser.addPositionalArgument(QStringLiteral("capture"), QStringLiteral("Capture files or folders to import."),
                                 QStringLiteral("[capture...]"));
    parser.process(app);

    MainWindow window;
    window.show();
    return QApplication::exec();
}

// Chooses the CLI (QCoreApplication, no display needed) or the GUI (QApplication) before either exists.

#include <QCoreApplication>
#include <QStringList>

#include "app/cli/cli.h"
#include "app/widgets/guimain.h"

static void setApplicationIdentity()
{
    QCoreApplication::setOrganizationDomain(QStringLiteral("streamscope.dev"));
    QCoreApplication::setApplicationName(QStringLiteral("Streamscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(STREAMSCOPE_VERSION));
}

int main(int argc, char** argv)
{
    setApplicationIdentity();
    if (cli::wantsCli(argc, argv)) {
        QCoreApplication app(argc, argv);
        return cli::run(QCoreApplication::arguments());
    }
    return runGui(argc, argv);
}

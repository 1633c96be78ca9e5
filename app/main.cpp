// Chooses the CLI (QCoreApplication, no display needed) or the GUI (QApplication) before either exists.

#include <QCoreApplication>
#include <QStringList>

#include "app/cli/cli.h"
#include "app/cli/clicommon.h"
#include "app/widgets/guimain.h"
#include "storage/store/schema.h"
#include "streamscope_version.h"

static void setApplicationIdentity()
{
    QCoreApplication::setOrganizationDomain(QStringLiteral("streamscope.dev"));
    QCoreApplication::setApplicationName(QStringLiteral("Streamscope"));
    // "0.1.0 (commit 1a2b3c4d5e6f)": --version, the About box and the stores this build writes all say it.
    QCoreApplication::setApplicationVersion(QStringLiteral(STREAMSCOPE_VERSION " (commit " STREAMSCOPE_GIT_COMMIT ")"));
    storage::setWriterIdentity("streamscope " STREAMSCOPE_VERSION " (commit " STREAMSCOPE_GIT_COMMIT ")");
}

int main(int argc, char** argv)
{
    setApplicationIdentity();
    if (cli::wantsCli(argc, argv)) {
        QCoreApplication app(argc, argv);
        // Not QCoreApplication::arguments(): it turns bytes that are not UTF-8 (in file names) into U+FFFD.
        return cli::run(cli::argumentsFromArgv(argc, argv));
    }
    return runGui(argc, argv);
}

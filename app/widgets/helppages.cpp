#include "app/widgets/helppages.h"

#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace helppages {

QList<QPair<QString, QString>> captureFormats()
{
    const auto tr = [](const char* text) { return QCoreApplication::translate("helppages", text); };
    return {
        {tr("Lambda DynamoDB event {\"Records\":[…]}"),
         tr("Including tumbling-window events (window, state, shardId)")},
        {tr("DynamoDB Streams GetRecords output"),
         tr("Without eventSourceARN: stream and table from --stream-arn / --table, else the ARN its "
            "NextShardIterator names, else the file name (the summary says which)")},
        {tr("Lambda Kinesis event (Kinesis Data Streams for DynamoDB)"),
         tr("base64 data decoded; tableName; ms or µs timestamps; ordered by time")},
        {tr("EventBridge Pipes batch (bare array) and EventBridge detail events"),
         tr("A table ARN without /stream/… is accepted")},
        {tr("S3 incremental export lines"),
         tr("Metadata.WriteTimestampMicros as number, string or {\"N\":…}; INSERT/MODIFY/REMOVE derived from the "
            "images")},
        {tr("S3 full export lines {\"Item\":…}"),
         tr("Imported as baseline snapshots; key attributes from --key-attributes, a DescribeTable output, or a "
            "reported guess")},
        {tr("DynamoDB export folder (AWSDynamoDB/<id>/, its data/ or manifest-summary.json)"),
         tr("One export of one table, checked against manifest-files.json before anything is read")},
        {tr("S3 on-failure destination objects with payload"), tr("The embedded Records are imported")},
        {tr("Single bare records, JSON Lines and arrays of any of these, LocalStack snapshot files"), QString()},
        {tr("Any of these gzip-compressed (.gz), or a folder of them"),
         tr("UTF-8 BOM, CRLF and leading blank lines are fine; sidecars (manifests, checksums, batch responses) "
            "are listed, not imported")},
    };
}

QUrl readmeUrl()
{
    const QDir app(QCoreApplication::applicationDirPath());
    for (const QString& candidate :
         {app.filePath(QStringLiteral("../share/doc/streamscope/README.md")),
          app.filePath(QStringLiteral("../../README.md")), app.filePath(QStringLiteral("../../../README.md"))})
        if (QFileInfo(candidate).isFile())
            return QUrl::fromLocalFile(QFileInfo(candidate).canonicalFilePath());
    return QUrl(QStringLiteral("https://streamscope.dev/"));
}

QDialog* showFormats(QWidget* parent)
{
    auto* dialog = new QDialog(parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("formatsDialog"));
    dialog->setWindowTitle(QCoreApplication::translate("helppages", "Formats Streamscope Reads"));
    const auto formats = captureFormats();
    auto* table = new QTableWidget(static_cast<int>(formats.size()), 2, dialog);
    table->setObjectName(QStringLiteral("formatsTable"));
    table->setHorizontalHeaderLabels(
        {QCoreApplication::translate("helppages", "Capture"), QCoreApplication::translate("helppages", "Notes")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setWordWrap(true);
    for (int r = 0; r < formats.size(); ++r) {
        table->setItem(r, 0, new QTableWidgetItem(formats[r].first));
        table->setItem(r, 1, new QTableWidgetItem(formats[r].second));
    }
    table->setColumnWidth(0, 330);
    table->horizontalHeader()->setStretchLastSection(true);
    table->resizeRowsToContents();
    auto* intro =
        new QLabel(QCoreApplication::translate("helppages",
                                               "Each file is recognised by its content (File ▸ Import, or drop it on "
                                               "the window); a file that is none of these is reported as not a "
                                               "capture."),
                   dialog);
    intro->setWordWrap(true);
    auto* more =
        new QLabel(QStringLiteral("<a href=\"%1\">%2</a>")
                       .arg(readmeUrl().toString(QUrl::FullyEncoded),
                            QCoreApplication::translate("helppages", "More in the README (Supported capture formats)")),
                   dialog);
    more->setObjectName(QStringLiteral("formatsReadmeLink"));
    more->setOpenExternalLinks(true);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(intro);
    layout->addWidget(table, 1);
    layout->addWidget(more);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    layout->addWidget(buttons);
    dialog->resize(860, 520);
    dialog->show();
    return dialog;
}

} // namespace helppages

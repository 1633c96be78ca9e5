#include "app/widgets/startpage.h"

#include <QCoreApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace {
const char* const kSampleName = "orders-capture.json";
constexpr int kPathRole = Qt::UserRole + 1;
} // namespace

DropZone::DropZone(QWidget* parent)
    : QFrame(parent)
    , m_label(new QLabel(this))
{
    setObjectName(QStringLiteral("dropZone"));
    setAcceptDrops(true);
    setFrameShape(QFrame::StyledPanel);
    setFrameShadow(QFrame::Sunken);
    setMinimumHeight(90);
    m_label->setAlignment(Qt::AlignCenter);
    m_label->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_label);
    setHot(false);
}

QStringList DropZone::localPaths(const QMimeData* mime)
{
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    return paths;
}

void DropZone::setHot(bool hot)
{
    m_label->setText(hot ? tr("Release to import (a .streamscope store is opened instead)")
                         : tr("Drop capture files or folders here to import them\n(or a .streamscope store to "
                              "open it)"));
    setFrameShadow(hot ? QFrame::Raised : QFrame::Sunken);
    setBackgroundRole(hot ? QPalette::Highlight : QPalette::Base);
    m_label->setForegroundRole(hot ? QPalette::HighlightedText : QPalette::PlaceholderText);
    setAutoFillBackground(true);
}

void DropZone::dragEnterEvent(QDragEnterEvent* event)
{
    if (localPaths(event->mimeData()).isEmpty())
        return;
    event->acceptProposedAction();
    setHot(true);
}

void DropZone::dragLeaveEvent(QDragLeaveEvent* event)
{
    setHot(false);
    QFrame::dragLeaveEvent(event);
}

void DropZone::dropEvent(QDropEvent* event)
{
    setHot(false);
    const QStringList paths = localPaths(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    Q_EMIT pathsDropped(paths);
}

StartPage::StartPage(QWidget* parent)
    : QWidget(parent)
    , m_sampleButton(new QPushButton(tr("Open the &Bundled Sample"), this))
    , m_openButton(new QPushButton(tr("&Open Store…"), this))
    , m_importButton(new QPushButton(tr("&Import Capture(s)…"), this))
    , m_recent(new QListWidget(this))
    , m_recentEmpty(new QLabel(tr("No recent stores yet."), this))
    , m_drop(new DropZone(this))
{
    setObjectName(QStringLiteral("startPage"));
    auto* title = new QLabel(tr("<h2>Streamscope</h2>"), this);
    auto* what = new QLabel(tr("Import captured DynamoDB stream records, follow every item's versions and diffs, "
                               "audit the stream and replay it through a handler."),
                            this);
    what->setObjectName(QStringLiteral("startPageWhat"));
    what->setWordWrap(true);

    m_recent->setObjectName(QStringLiteral("recentStores"));
    m_recent->setToolTip(tr("Enter or double-click opens the store"));
    m_recentEmpty->setForegroundRole(QPalette::PlaceholderText);
    connect(m_recent, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        const QString path = item->data(kPathRole).toString();
        if (!path.isEmpty())
            Q_EMIT storeRequested(path);
    });
    connect(m_drop, &DropZone::pathsDropped, this, &StartPage::pathsDropped);

    auto* column = new QVBoxLayout;
    column->addWidget(title);
    column->addWidget(what);
    column->addSpacing(8);
    column->addWidget(createActionsBox());
    column->addSpacing(8);
    column->addWidget(new QLabel(tr("<b>Recent stores</b>"), this));
    column->addWidget(m_recentEmpty);
    column->addWidget(m_recent, 1);
    column->addWidget(m_drop);
    auto* outer = new QHBoxLayout(this);
    outer->addStretch(1);
    outer->addLayout(column, 6);
    outer->addStretch(1);

    setSamplePath(findBundledSample());
    setRecentStores({});
}

QWidget* StartPage::createActionsBox()
{
    auto* box = new QWidget(this);
    auto* row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    m_sampleButton->setObjectName(QStringLiteral("openSampleButton"));
    m_openButton->setObjectName(QStringLiteral("openStoreButton"));
    m_importButton->setObjectName(QStringLiteral("importButton"));
    m_openButton->setToolTip(tr("Open a .streamscope store (Ctrl+O)"));
    m_importButton->setToolTip(tr("Import capture files into a store (Ctrl+I)"));
    connect(m_sampleButton, &QPushButton::clicked, this, [this]() {
        if (!m_sample.isEmpty())
            Q_EMIT sampleRequested(m_sample);
    });
    connect(m_openButton, &QPushButton::clicked, this, &StartPage::openDialogRequested);
    connect(m_importButton, &QPushButton::clicked, this, &StartPage::importDialogRequested);
    row->addWidget(m_sampleButton);
    row->addWidget(m_openButton);
    row->addWidget(m_importButton);
    row->addStretch(1);
    return box;
}

QString StartPage::findBundledSample()
{
    const QString name = QString::fromLatin1(kSampleName);
    const QString appDir = QCoreApplication::applicationDirPath();
    // Installed (the package puts it under share/streamscope/samples), then beside a build tree (build/app/…).
    QStringList candidates{
        QDir(appDir).filePath(QStringLiteral("../share/streamscope/samples/") + name),
        QStandardPaths::locate(QStandardPaths::GenericDataLocation, QStringLiteral("streamscope/samples/") + name),
        QDir(appDir).filePath(QStringLiteral("../../resources/samples/") + name),
        QDir(appDir).filePath(QStringLiteral("../../../resources/samples/") + name)};
    for (const QString& candidate : candidates)
        if (!candidate.isEmpty() && QFileInfo(candidate).isFile())
            return QFileInfo(candidate).canonicalFilePath();
    return {};
}

void StartPage::setSamplePath(const QString& path)
{
    m_sample = path;
    m_sampleButton->setEnabled(!path.isEmpty());
    m_sampleButton->setToolTip(
        path.isEmpty()
            ? tr("The bundled sample (%1) was not found next to the program").arg(QString::fromLatin1(kSampleName))
            : tr("Import %1 (an example shop's orders and customers) into its own store and open it")
                  .arg(QDir::toNativeSeparators(path)));
}

void StartPage::setRecentStores(const QStringList& paths)
{
    m_recent->clear();
    for (const QString& path : paths) {
        const bool exists = QFileInfo::exists(path);
        auto* item = new QListWidgetItem(
            exists ? QDir::toNativeSeparators(path) : tr("%1 (missing)").arg(QDir::toNativeSeparators(path)), m_recent);
        item->setData(kPathRole, exists ? path : QString());
        item->setToolTip(exists ? tr("Open %1").arg(path) : tr("%1 no longer exists").arg(path));
        if (!exists)
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
    }
    m_recent->setVisible(!paths.isEmpty());
    m_recentEmpty->setVisible(paths.isEmpty());
    if (m_recent->count() > 0)
        m_recent->setCurrentRow(0);
}

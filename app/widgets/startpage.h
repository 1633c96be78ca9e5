#pragma once

// What the window shows while no store is open (Wireshark's welcome page): one line on what Streamscope does, the
// bundled sample, the recent stores, Open / Import buttons and a drop zone for captures.

#include <QFrame>
#include <QStringList>

class QLabel;
class QMimeData;
class QListWidget;
class QPushButton;

/// A frame that takes dropped files and folders (local paths only) and says so while something is dragged over it.
class DropZone : public QFrame
{
    Q_OBJECT
public:
    explicit DropZone(QWidget* parent = nullptr);
    /// The paths of a drop (local files only); what dropping them emits.
    static QStringList localPaths(const QMimeData* mime);

Q_SIGNALS:
    void pathsDropped(const QStringList& paths);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragLeaveEvent(QDragLeaveEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void setHot(bool hot);
    QLabel* m_label;
};

class StartPage : public QWidget
{
    Q_OBJECT
public:
    explicit StartPage(QWidget* parent = nullptr);

    /// The bundled sample capture (installed under share/streamscope/samples, or resources/samples beside a build
    /// tree); "" when none is found.
    static QString findBundledSample();
    /// Sets the sample the "Open the bundled sample" button imports ("" disables it and says why).
    void setSamplePath(const QString& path);
    QString samplePath() const { return m_sample; }
    /// Lists these stores (most recent first); those that no longer exist are shown as missing and cannot be opened.
    void setRecentStores(const QStringList& paths);

    QListWidget* recentList() const { return m_recent; }
    QPushButton* sampleButton() const { return m_sampleButton; }
    QPushButton* openButton() const { return m_openButton; }
    QPushButton* importButton() const { return m_importButton; }
    DropZone* dropZone() const { return m_drop; }

Q_SIGNALS:
    void sampleRequested(const QString& capture);
    void storeRequested(const QString& path);
    void openDialogRequested();
    void importDialogRequested();
    void pathsDropped(const QStringList& paths);

private:
    QWidget* createActionsBox();
    QString m_sample;
    QPushButton* m_sampleButton;
    QPushButton* m_openButton;
    QPushButton* m_importButton;
    QListWidget* m_recent;
    QLabel* m_recentEmpty;
    DropZone* m_drop;
};

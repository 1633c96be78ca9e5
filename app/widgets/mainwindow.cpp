#include "app/widgets/mainwindow.h"

#include <QLabel>

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Streamscope"));
    auto* empty = new QLabel(tr("No store open. Use File \u25B8 Open Store or import a capture."), this);
    empty->setAlignment(Qt::AlignCenter);
    setCentralWidget(empty);
    resize(1280, 800);
}

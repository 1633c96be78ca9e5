#pragma once

// Help ▸ Formats Streamscope Reads, and the README link (Help ▸ README).

#include <QUrl>

class QDialog;
class QWidget;

namespace helppages {

/// (shape, notes) of every capture layout the importer recognises, as README's "Supported capture formats" lists.
QList<QPair<QString, QString>> captureFormats();
/// The README: a local copy (installed docs, or the source tree beside a build) when there is one, else the homepage.
QUrl readmeUrl();
/// The non-modal "Formats Streamscope Reads" dialog (deletes itself on close).
QDialog* showFormats(QWidget* parent);

} // namespace helppages

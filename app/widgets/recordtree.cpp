#include "app/widgets/recordtree.h"

#include <QHeaderView>

#include "app/viewmodels/jsontree.h"
#include "app/widgets/eventstyle.h"

namespace {
QString kindText(const jsontree::Node& node)
{
    if (!node.dynamoType.isEmpty())
        return node.dynamoType;
    switch (node.kind) {
    case jsontree::Node::Object:
        return QStringLiteral("object");
    case jsontree::Node::Array:
        return QStringLiteral("array");
    case jsontree::Node::String:
        return QStringLiteral("string");
    case jsontree::Node::Number:
        return QStringLiteral("number");
    case jsontree::Node::Bool:
        return QStringLiteral("bool");
    case jsontree::Node::Null:
        return QStringLiteral("null");
    }
    return {};
}

void addNode(QTreeWidgetItem* parent, const jsontree::Node& node, const QPalette& palette)
{
    auto* item = new QTreeWidgetItem(parent);
    item->setText(RecordTree::NameColumn, node.name);
    item->setText(RecordTree::TypeColumn, kindText(node));
    const bool container = node.kind == jsontree::Node::Object || node.kind == jsontree::Node::Array;
    if (container) {
        item->setText(RecordTree::ValueColumn,
                      node.kind == jsontree::Node::Object ? QStringLiteral("{%1}").arg(node.children.size())
                                                          : QStringLiteral("[%1]").arg(node.children.size()));
        item->setForeground(RecordTree::ValueColumn, palette.color(QPalette::PlaceholderText));
    } else {
        item->setText(RecordTree::ValueColumn, node.text);
        item->setToolTip(RecordTree::ValueColumn, node.text);
        // Strings, numbers and the rest in the colours of the events table's kinds (readable in light and dark).
        const QColor colour = node.kind == jsontree::Node::String ? eventstyle::eventTextColor(0, false, palette)
            : node.kind == jsontree::Node::Number                 ? eventstyle::eventTextColor(1, false, palette)
                                                                  : eventstyle::eventTextColor(2, false, palette);
        item->setForeground(RecordTree::ValueColumn, colour);
    }
    for (const jsontree::Node& child : node.children)
        addNode(item, child, palette);
}
} // namespace

RecordTree::RecordTree(QWidget* parent)
    : QTreeWidget(parent)
{
    setObjectName(QStringLiteral("recordTree"));
    setHeaderLabels({tr("Name"), tr("Type"), tr("Value")});
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    header()->setStretchLastSection(true);
    setColumnWidth(NameColumn, 220);
    setColumnWidth(TypeColumn, 70);
}

void RecordTree::showJson(const QString& json)
{
    clear();
    if (json.trimmed().isEmpty())
        return;
    jsontree::Node root;
    QString error;
    if (!jsontree::parse(json, root, &error)) {
        auto* item = new QTreeWidgetItem(this);
        item->setText(NameColumn, tr("(not JSON)"));
        item->setText(ValueColumn, error);
        return;
    }
    jsontree::markDynamoAttributes(root);
    if (root.kind != jsontree::Node::Object && root.kind != jsontree::Node::Array) {
        addNode(invisibleRootItem(), root, palette());
        return;
    }
    for (const jsontree::Node& child : root.children)
        addNode(invisibleRootItem(), child, palette());
    // Open: the record's top level and its dynamodb part with the images' attributes.
    for (int i = 0; i < topLevelItemCount(); ++i) {
        QTreeWidgetItem* top = topLevelItem(i);
        top->setExpanded(top->text(NameColumn) == QLatin1String("dynamodb"));
        for (int c = 0; c < top->childCount(); ++c)
            top->child(c)->setExpanded(top->isExpanded());
    }
}

QTreeWidgetItem* RecordTree::topLevelItemNamed(const QString& name) const
{
    for (int i = 0; i < topLevelItemCount(); ++i)
        if (topLevelItem(i)->text(NameColumn) == name)
            return topLevelItem(i);
    return nullptr;
}

#include "app/viewmodels/attributediffmodel.h"

#include <set>

#include "app/viewmodels/formatting.h"
#include "app/viewmodels/modelroles.h"
#include "model/base64.h"
#include "model/decimal.h"
#include "model/dynamodbjson.h"

using formatting::fromStd;
using model::AttributeType;
using model::AttributeValue;

namespace {

void addChild(DiffNode* parent, std::unique_ptr<DiffNode> child)
{
    child->parent = parent;
    child->row = static_cast<int>(parent->children.size());
    parent->children.push_back(std::move(child));
}

std::string childPath(const std::string& parentPath, const std::string& token)
{
    return parentPath + "/" + model::escapePointerToken(token);
}

/// Identity of a set member: NS numerically, BS by bytes, SS by text.
std::string memberIdentity(AttributeType type, const std::string& member)
{
    if (type == AttributeType::NS)
        return model::canonicalNumber(member);
    if (type == AttributeType::BS) {
        if (auto bytes = model::base64Decode(member))
            return *bytes;
    }
    return member;
}

void fillChildren(DiffNode* node);

/// Children for the container(s) on either side of `node`.
void fillChildren(DiffNode* node)
{
    const AttributeValue* b = node->before ? &*node->before : nullptr;
    const AttributeValue* a = node->after ? &*node->after : nullptr;
    // When both sides exist they must be the same container type to align children; otherwise
    // show the container of whichever side exists only if the other is absent.
    if (b && a && b->type() != a->type())
        return;
    const AttributeValue* shape = a ? a : b;
    if (!shape)
        return;
    const auto childChange = [&](bool inBefore, bool inAfter, bool equal) {
        if (inBefore && inAfter)
            return equal ? DiffNode::Change::Unchanged : DiffNode::Change::Changed;
        return inAfter ? DiffNode::Change::Added : DiffNode::Change::Removed;
    };
    switch (shape->type()) {
    case AttributeType::M: {
        std::set<std::string, std::less<>> names;
        if (b)
            for (const auto& [name, v] : b->map())
                names.insert(name);
        if (a)
            for (const auto& [name, v] : a->map())
                names.insert(name);
        for (const auto& name : names) {
            auto child = std::make_unique<DiffNode>();
            child->name = name;
            child->path = childPath(node->path, name);
            if (b) {
                if (auto it = b->map().find(name); it != b->map().end())
                    child->before = it->second;
            }
            if (a) {
                if (auto it = a->map().find(name); it != a->map().end())
                    child->after = it->second;
            }
            child->change = childChange(child->before.has_value(), child->after.has_value(),
                                        child->before && child->after && *child->before == *child->after);
            fillChildren(child.get());
            addChild(node, std::move(child));
        }
        break;
    }
    case AttributeType::L: {
        const std::size_t n = std::max(b ? b->list().size() : 0, a ? a->list().size() : 0);
        for (std::size_t i = 0; i < n; ++i) {
            auto child = std::make_unique<DiffNode>();
            child->name.append(1, '[').append(std::to_string(i)).append(1, ']');
            child->path = childPath(node->path, std::to_string(i));
            if (b && i < b->list().size())
                child->before = b->list()[i];
            if (a && i < a->list().size())
                child->after = a->list()[i];
            child->change = childChange(child->before.has_value(), child->after.has_value(),
                                        child->before && child->after && *child->before == *child->after);
            fillChildren(child.get());
            addChild(node, std::move(child));
        }
        break;
    }
    case AttributeType::SS:
    case AttributeType::NS:
    case AttributeType::BS: {
        // member identity -> (text before, text after)
        std::map<std::string, std::pair<std::optional<std::string>, std::optional<std::string>>> members;
        if (b)
            for (const auto& m : b->members())
                members[memberIdentity(shape->type(), m)].first = m;
        if (a)
            for (const auto& m : a->members())
                members[memberIdentity(shape->type(), m)].second = m;
        for (const auto& [identity, texts] : members) {
            auto child = std::make_unique<DiffNode>();
            child->setMember = true;
            const std::string& text = texts.second ? *texts.second : *texts.first;
            child->name = text;
            child->path = node->path;
            const auto make = [&](const std::string& t) {
                switch (shape->type()) {
                case AttributeType::NS:
                    return AttributeValue::makeNumber(t);
                case AttributeType::BS:
                    return AttributeValue::makeBinary(t);
                default:
                    return AttributeValue::makeString(t);
                }
            };
            if (texts.first)
                child->before = make(*texts.first);
            if (texts.second)
                child->after = make(*texts.second);
            child->change = childChange(texts.first.has_value(), texts.second.has_value(), true);
            addChild(node, std::move(child));
        }
        break;
    }
    default:
        break;
    }
}

std::unique_ptr<DiffNode> pruneUnchanged(const DiffNode& node, DiffNode* parent)
{
    auto copy = std::make_unique<DiffNode>();
    copy->name = node.name;
    copy->path = node.path;
    copy->change = node.change;
    copy->before = node.before;
    copy->after = node.after;
    copy->setMember = node.setMember;
    copy->parent = parent;
    for (const auto& child : node.children) {
        if (child->change == DiffNode::Change::Unchanged)
            continue;
        auto c = pruneUnchanged(*child, copy.get());
        c->row = static_cast<int>(copy->children.size());
        copy->children.push_back(std::move(c));
    }
    return copy;
}

void countChanges(const DiffNode& node, int& added, int& removed, int& changed)
{
    for (const auto& child : node.children) {
        switch (child->change) {
        case DiffNode::Change::Added:
            ++added;
            break;
        case DiffNode::Change::Removed:
            ++removed;
            break;
        case DiffNode::Change::Changed:
            ++changed;
            break;
        default:
            break;
        }
    }
}

} // namespace

std::unique_ptr<DiffNode> buildDiffTree(const std::optional<model::Item>& before,
                                        const std::optional<model::Item>& after)
{
    auto root = std::make_unique<DiffNode>();
    if (before)
        root->before = AttributeValue::makeMap(*before);
    if (after)
        root->after = AttributeValue::makeMap(*after);
    root->change = (before && after)
        ? (model::itemsEqual(*before, *after) ? DiffNode::Change::Unchanged : DiffNode::Change::Changed)
        : after  ? DiffNode::Change::Added
        : before ? DiffNode::Change::Removed
                 : DiffNode::Change::Unchanged;
    fillChildren(root.get());
    return root;
}

AttributeDiffModel::AttributeDiffModel(QObject* parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<DiffNode>())
{
}

AttributeDiffModel::~AttributeDiffModel() = default;

void AttributeDiffModel::setImages(std::optional<model::Item> before, std::optional<model::Item> after)
{
    m_before = std::move(before);
    m_after = std::move(after);
    rebuild();
}

void AttributeDiffModel::setChangesOnly(bool on)
{
    if (on == m_changesOnly)
        return;
    m_changesOnly = on;
    rebuild();
}

void AttributeDiffModel::setPlainJson(bool on)
{
    if (on == m_plain)
        return;
    m_plain = on;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, BeforeColumn), index(rowCount() - 1, AfterColumn));
    // Nested rows change too; a layout signal makes views re-query them.
    Q_EMIT layoutAboutToBeChanged();
    Q_EMIT layoutChanged();
}

void AttributeDiffModel::rebuild()
{
    beginResetModel();
    auto full = buildDiffTree(m_before, m_after);
    m_added = m_removed = m_changed = 0;
    countChanges(*full, m_added, m_removed, m_changed);
    m_root = m_changesOnly ? pruneUnchanged(*full, nullptr) : std::move(full);
    endResetModel();
}

const DiffNode* AttributeDiffModel::nodeAt(const QModelIndex& index) const
{
    return index.isValid() ? static_cast<const DiffNode*>(index.internalPointer()) : m_root.get();
}

QModelIndex AttributeDiffModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    const DiffNode* p = nodeAt(parent);
    return createIndex(row, column, p->children[static_cast<std::size_t>(row)].get());
}

QModelIndex AttributeDiffModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    const DiffNode* node = nodeAt(child);
    if (!node->parent || node->parent == m_root.get())
        return {};
    return createIndex(node->parent->row, 0, node->parent);
}

int AttributeDiffModel::rowCount(const QModelIndex& parent) const
{
    if (parent.column() > 0)
        return 0;
    return static_cast<int>(nodeAt(parent)->children.size());
}

int AttributeDiffModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QString AttributeDiffModel::valueText(const AttributeValue& value, bool plain)
{
    switch (value.type()) {
    case AttributeType::M:
        return (plain ? QStringLiteral("{…} ") : QStringLiteral("{\"M\": …} "))
            + formatting::count(static_cast<qint64>(value.map().size()), "attribute", "attributes");
    case AttributeType::L:
        return (plain ? QStringLiteral("[…] ") : QStringLiteral("{\"L\": …} "))
            + formatting::count(static_cast<qint64>(value.list().size()), "element", "elements");
    case AttributeType::B: {
        const auto bytes = model::base64Decode(value.text());
        const QString json = fromStd(plain ? model::toPlainJson(value) : model::toDynamoJson(value));
        return bytes
            ? json + QStringLiteral(" (%1)").arg(formatting::count(static_cast<qint64>(bytes->size()), "byte", "bytes"))
            : json + tr(" (invalid base64)");
    }
    default: {
        QString json = fromStd(plain ? model::toPlainJson(value) : model::toDynamoJson(value));
        if (json.size() > 300)
            json = json.left(300) + QStringLiteral("…");
        return json;
    }
    }
}

QVariant AttributeDiffModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const DiffNode* node = nodeAt(index);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: {
            static const QString marks[] = {QStringLiteral("  "), QStringLiteral("+ "), QStringLiteral("− "),
                                            QStringLiteral("~ ")};
            return marks[int(node->change)] + fromStd(node->name);
        }
        case BeforeColumn:
            return node->before ? valueText(*node->before, m_plain) : QString();
        case AfterColumn:
            return node->after ? valueText(*node->after, m_plain) : QString();
        default:
            return {};
        }
    case Qt::ToolTipRole: {
        static const char* const kinds[] = {"unchanged", "added", "removed", "changed"};
        return tr("%1 — %2").arg(fromStd(node->path.empty() ? "/" : node->path), tr(kinds[int(node->change)]));
    }
    case ModelRoles::ChangeKindRole:
        return int(node->change);
    default:
        return {};
    }
}

QVariant AttributeDiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Attribute");
    case BeforeColumn:
        return tr("Before");
    case AfterColumn:
        return tr("After");
    default:
        return {};
    }
}

AttributeDiffModel::Side AttributeDiffModel::sideForColumn(const QModelIndex& index) const
{
    const DiffNode* node = nodeAt(index);
    if (index.column() == BeforeColumn || !node->after)
        return Side::Before;
    return Side::After;
}

QString AttributeDiffModel::valueJson(const QModelIndex& index, Side side) const
{
    const DiffNode* node = nodeAt(index);
    const auto& value = side == Side::Before ? node->before : node->after;
    if (!value)
        return {};
    return fromStd(m_plain ? model::toPlainJson(*value, 2) : model::toDynamoJson(*value));
}

QString AttributeDiffModel::imageJson(Side side) const
{
    const auto& item = side == Side::Before ? m_before : m_after;
    if (!item)
        return {};
    return fromStd(m_plain ? model::toPlainJson(*item, 2) : model::toDynamoJson(*item));
}

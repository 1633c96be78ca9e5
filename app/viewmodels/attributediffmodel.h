#pragma once

#include <QAbstractItemModel>
#include <memory>
#include <optional>

#include "model/attributevalue.h"

/// One row of the side-by-side diff tree: an attribute, list element or set member present before, after or both.
struct DiffNode
{
    enum class Change { Unchanged, Added, Removed, Changed };
    std::string name; ///< attribute name, "[3]" for a list element, member text for a set member
    std::string path; ///< JSON Pointer, e.g. "/address/lines/0"
    Change change = Change::Unchanged;
    std::optional<model::AttributeValue> before;
    std::optional<model::AttributeValue> after;
    bool setMember = false;
    DiffNode* parent = nullptr;
    int row = 0;
    std::vector<std::unique_ptr<DiffNode>> children;
};

/// Side-by-side diff of two images (previous vs selected version) as a tree: columns Attribute | Before | After.
/// Exact values (N as delivered, B as base64 with byte size); "changes only" hides unchanged rows; plain or
/// DynamoDB JSON cell text.
class AttributeDiffModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, BeforeColumn, AfterColumn, ColumnCount };
    enum class Side { Before, After };

    explicit AttributeDiffModel(QObject* parent = nullptr);
    ~AttributeDiffModel() override;

    /// nullopt = no image on that side (INSERT has no before, REMOVE no after).
    void setImages(std::optional<model::Item> before, std::optional<model::Item> after);
    void setChangesOnly(bool on);
    bool changesOnly() const { return m_changesOnly; }
    void setPlainJson(bool on);
    bool plainJson() const { return m_plain; }

    /// Counts over the whole diff (independent of changesOnly).
    int addedCount() const { return m_added; }
    int removedCount() const { return m_removed; }
    int changedCount() const { return m_changed; }

    /// The value at `index` on one side as JSON (plain or DynamoDB per plainJson()), "" if absent.
    QString valueJson(const QModelIndex& index, Side side) const;
    /// The side `index`'s column stands for (Before column -> Before, otherwise After when present).
    Side sideForColumn(const QModelIndex& index) const;
    /// The whole image of one side as JSON (pretty), "" if absent.
    QString imageJson(Side side) const;
    /// Cell text of one value, e.g. `"abc"`, `12.50`, `"aGk=" (2 bytes)`, `{…} 3 attributes`.
    static QString valueText(const model::AttributeValue& value, bool plain);
    const DiffNode* nodeAt(const QModelIndex& index) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rebuild();
    std::optional<model::Item> m_before;
    std::optional<model::Item> m_after;
    std::unique_ptr<DiffNode> m_root;
    bool m_changesOnly = false;
    bool m_plain = true;
    int m_added = 0;
    int m_removed = 0;
    int m_changed = 0;
};

/// Builds the full diff tree of two images (exposed for tests). Children sorted by name / index / member.
std::unique_ptr<DiffNode> buildDiffTree(const std::optional<model::Item>& before,
                                        const std::optional<model::Item>& after);

#pragma once

// An item image (NewImage / OldImage / export Item) held as DynamoDB JSON text and/or a decoded Item, decoded
// lazily and at most once. Comparison and diff look at the text first (equal text = equal image; otherwise
// only the top-level attributes whose text differs are decoded), so a long history is cheap to rebuild.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/attributediff.h"
#include "model/attributevalue.h"

namespace model {

/// One top-level attribute of an image: its name and its value text (when the image has text) — for code that
/// wants to skip unchanged attributes itself (e.g. the audit's value checks).
struct ImageMember
{
    std::string name;
    std::string_view text;
};

class Image
{
public:
    /// A null image (no image at all). Use isNull().
    Image() = default;
    static Image fromItem(Item item);
    /// `json` is DynamoDB JSON of an item map, e.g. `{"Id":{"N":"1"}}` (kept as given).
    static Image fromJson(std::string json);

    bool isNull() const { return !m_d; }
    /// The decoded item (decoded on first call; thread-safe). An undecodable text gives an empty item and
    /// decodeError() says why. Precondition: !isNull().
    const Item& item() const;
    /// Why the text did not decode (nullopt if it did, or if the image was made from an Item).
    std::optional<std::string> decodeError() const;
    /// DynamoDB JSON: the text as given, or toDynamoJson(item()) for images made from an Item.
    /// Precondition: !isNull().
    const std::string& json() const;
    /// True when the image was made from text (json() is the text as delivered).
    bool hasText() const;
    bool isDecoded() const;

    /// The top-level members sorted by name, split from the text once and cached (thread-safe); nullptr when the
    /// image has no text or the text cannot be split (then use item()). Views point into json().
    const std::vector<ImageMember>* members() const;

    /// Same item by DynamoDB semantics (numbers numerically, sets as sets, ...). Two null images are equal.
    bool sameAs(const Image& other) const;

private:
    struct Data;
    std::shared_ptr<Data> m_d;
};

/// Changes turning `before` into `after`; a null image counts as an absent item (every attribute is added /
/// removed). Text-first: attributes with identical text are skipped without decoding.
std::vector<AttributeChange> diffImages(const Image& before, const Image& after);

/// The top-level members sorted by name; false if the image has no text or it could not be split (then use
/// item()). The views point into the image's text (keep the Image alive).
bool splitImage(const Image& image, std::vector<ImageMember>& out);

} // namespace model

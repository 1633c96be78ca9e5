#include "model/image.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>

#include "model/dynamodbjson.h"
#include "model/jsontext.h"

namespace model {

// Lazily computed parts are published with acquire/release flags: a part is computed outside any lock (two
// threads may both compute it; the first to publish wins, the other result is dropped) and stored under a small
// striped mutex. Cheaper than std::call_once (no per-image once_flag state, no TLS callable) for the tens of
// thousands of images a long history or an audit creates.
struct Image::Data
{
    std::string json;
    Item item;
    std::optional<std::string> error;
    std::vector<ImageMember> members;
    std::atomic<bool> jsonReady{false};
    std::atomic<bool> decoded{false};
    std::atomic<bool> split{false};
    bool hasText = false;
    bool splitOk = false;
};

namespace {

std::mutex& publishLock(const void* data)
{
    static std::mutex locks[32];
    return locks[(reinterpret_cast<std::uintptr_t>(data) >> 6) % 32];
}

} // namespace

Image Image::fromItem(Item item)
{
    Image image;
    image.m_d = std::make_shared<Data>();
    image.m_d->item = std::move(item);
    image.m_d->decoded.store(true, std::memory_order_release);
    return image;
}

Image Image::fromJson(std::string json)
{
    Image image;
    image.m_d = std::make_shared<Data>();
    image.m_d->json = std::move(json);
    image.m_d->hasText = true;
    image.m_d->jsonReady.store(true, std::memory_order_release);
    return image;
}

const Item& Image::item() const
{
    Data& d = *m_d;
    if (d.decoded.load(std::memory_order_acquire))
        return d.item;
    auto decoded = parseItem(d.json); // jsonReady: only images made from text are not decoded yet
    std::lock_guard lock(publishLock(&d));
    if (!d.decoded.load(std::memory_order_relaxed)) {
        if (decoded)
            d.item = std::move(*decoded.value);
        else
            d.error = decoded.error.message.empty() ? std::string("undecodable image") : decoded.error.message;
        d.decoded.store(true, std::memory_order_release);
    }
    return d.item;
}

std::optional<std::string> Image::decodeError() const
{
    if (!m_d)
        return std::nullopt;
    item();
    return m_d->error;
}

const std::string& Image::json() const
{
    Data& d = *m_d;
    if (d.jsonReady.load(std::memory_order_acquire))
        return d.json;
    std::string text = toDynamoJson(d.item); // images made from an Item: item is set before the Image is shared
    std::lock_guard lock(publishLock(&d));
    if (!d.jsonReady.load(std::memory_order_relaxed)) {
        d.json = std::move(text);
        d.jsonReady.store(true, std::memory_order_release);
    }
    return d.json;
}

bool Image::hasText() const
{
    return m_d && m_d->hasText;
}

bool Image::isDecoded() const
{
    return m_d && m_d->decoded.load(std::memory_order_acquire);
}

namespace {

bool splitText(std::string_view json, std::vector<ImageMember>& out)
{
    out.clear();
    std::vector<jsontext::RawMember> raw;
    if (!jsontext::splitObject(json, raw))
        return false;
    // Sort positions (small integers), not the members themselves; then move each member once.
    std::vector<std::uint32_t> order(raw.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<std::uint32_t>(i);
    std::sort(order.begin(), order.end(),
              [&raw](std::uint32_t x, std::uint32_t y) { return raw[x].name < raw[y].name; });
    for (std::size_t i = 1; i < order.size(); ++i) {
        if (raw[order[i]].name == raw[order[i - 1]].name)
            return false; // duplicate names: let the decoder decide which one counts
    }
    out.reserve(raw.size());
    for (const std::uint32_t i : order)
        out.push_back(ImageMember{std::move(raw[i].name), raw[i].value});
    return true;
}

} // namespace

const std::vector<ImageMember>* Image::members() const
{
    if (!hasText())
        return nullptr;
    Data& d = *m_d;
    if (!d.split.load(std::memory_order_acquire)) {
        std::vector<ImageMember> members;
        const bool ok = splitText(d.json, members);
        std::lock_guard lock(publishLock(&d));
        if (!d.split.load(std::memory_order_relaxed)) {
            d.splitOk = ok;
            if (ok)
                d.members = std::move(members);
            d.split.store(true, std::memory_order_release);
        }
    }
    return d.splitOk ? &d.members : nullptr;
}

bool splitImage(const Image& image, std::vector<ImageMember>& out)
{
    out.clear();
    const auto* members = image.members();
    if (!members)
        return false;
    out = *members;
    return true;
}

namespace {

std::optional<AttributeValue> decodeMember(std::string_view text)
{
    auto decoded = parseAttributeValue(text);
    if (!decoded)
        return std::nullopt;
    return std::move(*decoded.value);
}

std::string topPath(std::string_view name)
{
    std::string p = "/";
    p += escapePointerToken(name);
    return p;
}

/// Text-first diff of two images with text. nullopt: fall back to decoded items.
std::optional<std::vector<AttributeChange>> diffByText(const Image& before, const Image& after)
{
    const auto* pa = before.members();
    const auto* pb = after.members();
    if (!pa || !pb)
        return std::nullopt;
    const auto& a = *pa;
    const auto& b = *pb;
    std::vector<AttributeChange> out;
    auto ia = a.begin();
    auto ib = b.begin();
    while (ia != a.end() || ib != b.end()) {
        if (ib == b.end() || (ia != a.end() && ia->name < ib->name)) {
            auto v = decodeMember(ia->text);
            if (!v)
                return std::nullopt;
            AttributeChange c;
            c.op = AttributeChange::Op::Remove;
            c.path = topPath(ia->name);
            c.oldValue = std::move(*v);
            out.push_back(std::move(c));
            ++ia;
        } else if (ia == a.end() || ib->name < ia->name) {
            auto v = decodeMember(ib->text);
            if (!v)
                return std::nullopt;
            AttributeChange c;
            c.op = AttributeChange::Op::Add;
            c.path = topPath(ib->name);
            c.newValue = std::move(*v);
            out.push_back(std::move(c));
            ++ib;
        } else {
            if (ia->text != ib->text) {
                auto va = decodeMember(ia->text);
                auto vb = decodeMember(ib->text);
                if (!va || !vb)
                    return std::nullopt;
                diffValues(*va, *vb, topPath(ia->name), out);
            }
            ++ia;
            ++ib;
        }
    }
    return out;
}

} // namespace

std::vector<AttributeChange> diffImages(const Image& before, const Image& after)
{
    static const Item empty;
    if (before.isNull() && after.isNull())
        return {};
    if (!before.isNull() && !after.isNull() && before.hasText() && after.hasText()) {
        if (before.json() == after.json())
            return {};
        if (auto changes = diffByText(before, after))
            return std::move(*changes);
    }
    return diffItems(before.isNull() ? empty : before.item(), after.isNull() ? empty : after.item());
}

bool Image::sameAs(const Image& other) const
{
    if (m_d == other.m_d)
        return true;
    if (isNull() || other.isNull())
        return false;
    if (hasText() && other.hasText()) {
        if (json() == other.json())
            return true;
        const auto* pa = members();
        const auto* pb = other.members();
        if (pa && pb) {
            const auto& a = *pa;
            const auto& b = *pb;
            if (a.size() != b.size())
                return false;
            bool decodable = true;
            for (std::size_t i = 0; i < a.size() && decodable; ++i) {
                if (a[i].name != b[i].name)
                    return false;
                if (a[i].text == b[i].text)
                    continue;
                auto va = decodeMember(a[i].text);
                auto vb = decodeMember(b[i].text);
                if (!va || !vb)
                    decodable = false;
                else if (*va != *vb)
                    return false;
            }
            if (decodable)
                return true;
        }
    }
    return itemsEqual(item(), other.item());
}

} // namespace model

// libFuzzer target: diff of two arbitrary images. The input is split at its first '\n' into two DynamoDB JSON
// item texts (before, after). Invariants when both decode:
// - no changes exactly when the items are equal; an item diffed with itself has no changes;
// - the text-first diff (model::Image) reports exactly what the decoded diff reports;
// - applying the changes to `before` as a JSON Patch gives an item equal to `after`;
// - the change JSON is valid JSON; the one-line text never crashes.
// Undecodable texts still go through Image/diffImages (which must not crash).

#include <charconv>
#include <string>
#include <vector>

#include "fuzzsupport.h"
#include "model/attributediff.h"
#include "model/dynamodbjson.h"
#include "model/image.h"

namespace {

std::vector<std::string> pointerTokens(const std::string& path)
{
    std::vector<std::string> tokens;
    if (path.empty())
        return tokens;
    FUZZ_CHECK_MSG(path[0] == '/', path);
    std::string token;
    for (std::size_t i = 1; i <= path.size(); ++i) {
        if (i == path.size() || path[i] == '/') {
            tokens.push_back(token);
            token.clear();
        } else if (path[i] == '~') {
            FUZZ_CHECK_MSG(i + 1 < path.size() && (path[i + 1] == '0' || path[i + 1] == '1'), path);
            token += path[i + 1] == '0' ? '~' : '/';
            ++i;
        } else {
            token += path[i];
        }
    }
    return tokens;
}

std::size_t listIndex(const std::string& token, const std::string& path)
{
    std::size_t index = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
    FUZZ_CHECK_MSG(ec == std::errc() && end == token.data() + token.size(), path);
    return index;
}

/// Applies one change to `root` (an M value holding the item).
void apply(model::AttributeValue& root, const model::AttributeChange& change)
{
    const auto tokens = pointerTokens(change.path);
    FUZZ_CHECK_MSG(!tokens.empty(), change.path); // diffItems never replaces the whole item
    model::AttributeValue* parent = &root;
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
        if (parent->type() == model::AttributeType::M) {
            auto it = parent->map().find(tokens[i]);
            FUZZ_CHECK_MSG(it != parent->map().end(), change.path);
            parent = &it->second;
        } else {
            FUZZ_CHECK_MSG(parent->type() == model::AttributeType::L, change.path);
            const std::size_t index = listIndex(tokens[i], change.path);
            FUZZ_CHECK_MSG(index < parent->list().size(), change.path);
            parent = &parent->list()[index];
        }
    }
    const std::string& last = tokens.back();
    using Op = model::AttributeChange::Op;
    FUZZ_CHECK_MSG(change.op == Op::Remove || change.newValue, change.path);
    FUZZ_CHECK_MSG(change.op == Op::Add || change.oldValue, change.path);
    if (parent->type() == model::AttributeType::M) {
        auto& map = parent->map();
        if (change.op == Op::Remove) {
            FUZZ_CHECK_MSG(map.erase(last) == 1, change.path);
        } else {
            FUZZ_CHECK_MSG((change.op == Op::Add) == (map.find(last) == map.end()), change.path);
            map[last] = *change.newValue;
        }
        return;
    }
    FUZZ_CHECK_MSG(parent->type() == model::AttributeType::L, change.path);
    auto& list = parent->list();
    const std::size_t index = listIndex(last, change.path);
    if (change.op == Op::Add) {
        FUZZ_CHECK_MSG(index <= list.size(), change.path);
        list.insert(list.begin() + static_cast<std::ptrdiff_t>(index), *change.newValue);
    } else {
        FUZZ_CHECK_MSG(index < list.size(), change.path);
        if (change.op == Op::Remove)
            list.erase(list.begin() + static_cast<std::ptrdiff_t>(index));
        else
            list[index] = *change.newValue;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input = fuzzsupport::asText(data, size);
    const auto newline = input.find('\n');
    const std::string beforeText(input.substr(0, newline));
    const std::string afterText(newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1));

    const model::Image beforeImage = model::Image::fromJson(beforeText);
    const model::Image afterImage = model::Image::fromJson(afterText);
    const auto imageChanges = model::diffImages(beforeImage, afterImage);
    (void)model::diffImages(model::Image(), afterImage);
    (void)model::diffImages(beforeImage, model::Image());
    std::vector<model::ImageMember> members;
    (void)model::splitImage(beforeImage, members);

    // The decoded items: Image::item() is model::parseItem of the text, decoded once (the two diffs against a null
    // image above already decoded them), so parsing the texts again would only repeat the same work.
    if (beforeImage.decodeError() || afterImage.decodeError())
        return 0;
    const model::Item* before = &beforeImage.item();
    const model::Item* after = &afterImage.item();

    const auto changes = model::diffItems(*before, *after);
    FUZZ_CHECK_MSG(changes.empty() == model::itemsEqual(*before, *after), std::string(input));
    FUZZ_CHECK_MSG(model::diffItems(*before, *before).empty(), beforeText);
    FUZZ_CHECK_MSG(imageChanges == changes,
                   std::string(input) + "\nimage diff: " + model::changesToJson(imageChanges)
                       + "\nitem diff:  " + model::changesToJson(changes));
    FUZZ_CHECK_MSG(beforeImage.sameAs(afterImage) == changes.empty(), std::string(input));

    const std::string json = model::changesToJson(changes);
    FUZZ_CHECK_MSG(fuzzsupport::JsonGrammar::accept(json), json);
    for (const auto& change : changes)
        (void)model::changeToText(change, 40);

    model::AttributeValue patched = model::AttributeValue::makeMap(*before);
    for (const auto& change : changes)
        apply(patched, change);
    FUZZ_CHECK_MSG(model::itemsEqual(patched.map(), *after),
                   std::string(input) + "\nchanges: " + json + "\npatched: " + model::toDynamoJson(patched));
    return 0;
}

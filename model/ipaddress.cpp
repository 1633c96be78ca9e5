#include "model/ipaddress.h"

#include <algorithm>
#include <charconv>
#include <vector>

namespace model {

namespace {

std::optional<IpAddress> parseV4(std::string_view text)
{
    IpAddress ip;
    std::size_t part = 0;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = std::min(text.find('.', start), text.size());
        const std::string_view digits = text.substr(start, end - start);
        unsigned value = 0;
        const auto [next, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (part == 4 || digits.empty() || digits.size() > 3 || ec != std::errc{}
            || next != digits.data() + digits.size() || value > 255)
            return std::nullopt;
        ip.bytes[part++] = static_cast<std::uint8_t>(value);
        if (end == text.size())
            break;
        start = end + 1;
    }
    if (part != 4)
        return std::nullopt;
    return ip;
}

/// Hex groups separated by ':' ("" gives no groups); false on a bad group.
bool parseGroups(std::string_view text, std::vector<std::uint16_t>& groups)
{
    if (text.empty())
        return true;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = std::min(text.find(':', start), text.size());
        const std::string_view digits = text.substr(start, end - start);
        unsigned value = 0;
        const auto [next, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, 16);
        if (digits.empty() || digits.size() > 4 || ec != std::errc{} || next != digits.data() + digits.size())
            return false;
        groups.push_back(static_cast<std::uint16_t>(value));
        if (end == text.size())
            return true;
        start = end + 1;
    }
}

std::optional<IpAddress> parseV6(std::string_view text)
{
    std::vector<std::uint16_t> head;
    std::vector<std::uint16_t> tail;
    const std::size_t gap = text.find("::");
    if (gap == std::string_view::npos) {
        if (!parseGroups(text, head) || head.size() != 8)
            return std::nullopt;
    } else {
        if (text.find("::", gap + 1) != std::string_view::npos || !parseGroups(text.substr(0, gap), head)
            || !parseGroups(text.substr(gap + 2), tail) || head.size() + tail.size() > 7)
            return std::nullopt;
        head.resize(8 - tail.size(), 0);
        head.insert(head.end(), tail.begin(), tail.end());
    }
    IpAddress ip;
    ip.v6 = true;
    for (std::size_t i = 0; i < 8; ++i) {
        ip.bytes[2 * i] = static_cast<std::uint8_t>(head[i] >> 8);
        ip.bytes[2 * i + 1] = static_cast<std::uint8_t>(head[i] & 0xFF);
    }
    return ip;
}

} // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text)
{
    return text.find(':') == std::string_view::npos ? parseV4(text) : parseV6(text);
}

std::optional<CidrBlock> CidrBlock::parse(std::string_view text, std::string& error)
{
    const std::size_t slash = text.find('/');
    if (slash == std::string_view::npos || text.find('/', slash + 1) != std::string_view::npos) {
        error = "Malformed CIDR, one '/' required";
        return std::nullopt;
    }
    const std::string_view mask = text.substr(slash + 1);
    int bits = 0;
    const auto [next, ec] = std::from_chars(mask.data(), mask.data() + mask.size(), bits);
    if (mask.empty() || ec != std::errc{} || next != mask.data() + mask.size()) {
        error = "Malformed CIDR, mask bits must be an integer";
        return std::nullopt;
    }
    const std::string_view address = text.substr(0, slash);
    const std::optional<IpAddress> ip = IpAddress::parse(address);
    if (!ip) {
        error = "Nonstandard IP address: " + std::string(address);
        return std::nullopt;
    }
    if (bits < 0 || bits > (ip->v6 ? 128 : 32)) {
        error = "Malformed CIDR, mask bits must be between 0 and " + std::string(ip->v6 ? "128" : "32");
        return std::nullopt;
    }
    return CidrBlock{*ip, bits};
}

bool CidrBlock::contains(std::string_view text) const
{
    const std::optional<IpAddress> ip = IpAddress::parse(text);
    if (!ip || ip->v6 != network.v6)
        return false;
    int remaining = prefixBits;
    for (std::size_t i = 0; remaining > 0; ++i, remaining -= 8) {
        const int take = remaining >= 8 ? 8 : remaining;
        const auto mask = static_cast<std::uint8_t>(0xFF << (8 - take));
        if ((ip->bytes[i] & mask) != (network.bytes[i] & mask))
            return false;
    }
    return true;
}

} // namespace model

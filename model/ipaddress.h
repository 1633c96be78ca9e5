#pragma once

// IPv4/IPv6 addresses and CIDR blocks for the event pattern `cidr` operator (text parsing only, no sockets).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace model {

struct IpAddress
{
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{}; ///< IPv4 uses the first 4

    /// Dotted-quad IPv4 ("10.0.0.255": four decimal parts 0..255) or IPv6 (1-4 hex digits per group, at most one
    /// "::"; an embedded IPv4 tail such as "::ffff:1.2.3.4" is not accepted). nullopt otherwise.
    static std::optional<IpAddress> parse(std::string_view text);
};

struct CidrBlock
{
    IpAddress network;
    int prefixBits = 0;

    /// "10.0.0.0/24", "2001:db8::/64". On failure sets `error` to AWS's wording ("Malformed CIDR, mask bits must
    /// be an integer", "Nonstandard IP address: xx.11.xx").
    static std::optional<CidrBlock> parse(std::string_view text, std::string& error);
    /// True if `text` is an address of the same family inside the block.
    bool contains(std::string_view text) const;
};

} // namespace model

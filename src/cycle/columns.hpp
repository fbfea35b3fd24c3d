// The per-person results of a campaign, stored as one compact column per
// figure: a million persons' figures in a few megabytes, written in one
// statement each, where a row per person would cost seconds.
#pragma once

#include <downline/export.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// Encodes values as a format byte, a count and zig-zag varints (small
/// values, positive or negative, take one byte); never fails.
std::string encode_column(std::span<const std::int64_t> values);

/// As above for unsigned bytes and counts.
std::string encode_column(std::span<const std::uint8_t> values);
std::string encode_column(std::span<const std::uint32_t> values);

/// Decodes a column; throws DataLoss when `data` is not one.
std::vector<std::int64_t> decode_column(std::string_view data);

}  // namespace internal
DOWNLINE_END_NAMESPACE

#include "cycle/columns.hpp"

#include <downline/error.hpp>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

namespace {

constexpr char kFormat = 1;

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

template <typename T>
std::string encode(std::span<const T> values) {
  std::string out;
  out.reserve(values.size() + 10);
  out.push_back(kFormat);
  put_varint(out, values.size());
  for (const T value : values) {
    const auto v = static_cast<std::int64_t>(value);
    put_varint(out, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  return out;
}

}  // namespace

std::string encode_column(std::span<const std::int64_t> values) {
  return encode(values);
}
std::string encode_column(std::span<const std::uint8_t> values) {
  return encode(values);
}
std::string encode_column(std::span<const std::uint32_t> values) {
  return encode(values);
}

std::vector<std::int64_t> decode_column(std::string_view data) {
  std::size_t at = 0;
  auto varint = [&]() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at >= data.size()) throw DataLoss("a campaign result column is truncated");
      const auto byte = static_cast<unsigned char>(data[at++]);
      v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if (byte < 0x80) return v;
    }
    throw DataLoss("a campaign result column holds a malformed number");
  };
  if (data.empty() || data[0] != kFormat)
    throw DataLoss("a campaign result column has an unknown format");
  at = 1;
  const std::uint64_t n = varint();
  if (n > data.size()) throw DataLoss("a campaign result column is truncated");
  std::vector<std::int64_t> out;
  out.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t z = varint();
    out.push_back(static_cast<std::int64_t>(z >> 1) ^ -static_cast<std::int64_t>(z & 1));
  }
  if (at != data.size()) throw DataLoss("a campaign result column has trailing bytes");
  return out;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

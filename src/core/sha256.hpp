// SHA-256 (FIPS 180-4), for the result digests of a campaign close: two
// stores given the same inputs must show the same digest, so it has to be a
// published hash, not std::hash.
#pragma once

#include <downline/export.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// An incremental SHA-256: update() any number of times, then hex() once.
class Sha256 {
 public:
  Sha256() noexcept;
  /// Hashes `data` after what came before; never fails.
  void update(std::string_view data) noexcept;
  /// Hashes an integer as 8 little-endian bytes; never fails.
  void update_int(std::int64_t value) noexcept;
  /// Finishes and returns the 64 lower-case hex digits; the object is spent
  /// afterwards (a further call returns the same digest). Never fails.
  std::string hex();

 private:
  void block(const unsigned char* p) noexcept;
  std::array<std::uint32_t, 8> h_;
  std::array<unsigned char, 64> buf_{};
  std::size_t used_ = 0;
  std::uint64_t bytes_ = 0;
  std::string done_;
};

/// The SHA-256 of `data` as 64 lower-case hex digits; never fails.
std::string sha256_hex(std::string_view data);

}  // namespace internal
DOWNLINE_END_NAMESPACE

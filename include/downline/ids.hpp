// downline — strong identifiers.
#pragma once

#include <downline/export.hpp>

#include <compare>
#include <cstdint>
#include <functional>

DOWNLINE_BEGIN_NAMESPACE

/// A 64-bit id that cannot be mixed up with another kind of id or a count.
/// Value 0 means "none"; valid ids start at 1.
template <class Tag>
class StrongId {
 public:
  constexpr StrongId() noexcept = default;
  constexpr explicit StrongId(std::int64_t value) noexcept : value_(value) {}
  /// The raw value (0 when unset).
  constexpr std::int64_t value() const noexcept { return value_; }
  /// True when the id is set.
  constexpr explicit operator bool() const noexcept { return value_ != 0; }
  friend constexpr auto operator<=>(StrongId, StrongId) noexcept = default;

 private:
  std::int64_t value_ = 0;
};

struct PersonIdTag {};
struct EventSeqTag {};

/// The library's internal, immutable id of a person (assigned at enrollment).
using PersonId = StrongId<PersonIdTag>;
/// The position of an event in the append-only log.
using EventSeq = StrongId<EventSeqTag>;

DOWNLINE_END_NAMESPACE

template <class Tag>
struct std::hash<downline::StrongId<Tag>> {
  std::size_t operator()(downline::StrongId<Tag> id) const noexcept {
    return std::hash<std::int64_t>{}(id.value());
  }
};

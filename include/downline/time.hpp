// downline — instants, local dates and the injectable clock.
//
// Inside the library every instant is UTC, counted in microseconds since the
// Unix epoch. Calendar dates (birth dates, campaign boundaries) are local
// dates. The clock is injected so that tests can travel in time.
#pragma once

#include <downline/export.hpp>

#include <atomic>
#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

DOWNLINE_BEGIN_NAMESPACE

/// A UTC instant with microsecond precision.
struct Instant {
  std::int64_t micros_since_epoch = 0;

  /// RFC 3339 text in UTC with microseconds: "2026-11-23T10:54:00.000000Z".
  DOWNLINE_API std::string to_rfc3339() const;
  /// Parses RFC 3339 ("...Z" or "...+hh:mm", fraction optional); throws
  /// InvalidArgument on bad syntax.
  DOWNLINE_API static Instant parse_rfc3339(std::string_view text);
  friend constexpr auto operator<=>(const Instant&, const Instant&) = default;
};

/// A calendar date without time zone.
struct LocalDate {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;

  /// "YYYY-MM-DD".
  DOWNLINE_API std::string to_string() const;
  /// Parses "YYYY-MM-DD"; throws InvalidArgument on bad syntax or a date that
  /// does not exist (2026-02-30).
  DOWNLINE_API static LocalDate parse(std::string_view text);
  friend constexpr auto operator<=>(const LocalDate&, const LocalDate&) = default;
};

/// The UTC calendar date of an instant; never fails.
DOWNLINE_API LocalDate utc_date(Instant at) noexcept;

/// Source of the current instant. Implementations must be thread-safe.
class DOWNLINE_API Clock {
 public:
  virtual ~Clock();
  /// The current UTC instant.
  virtual Instant now() const = 0;
};

/// The operating system's real-time clock.
class DOWNLINE_API SystemClock final : public Clock {
 public:
  /// Reads the system clock; never fails.
  Instant now() const override;
};

/// A clock that only moves when told to: for tests and simulations.
class DOWNLINE_API ManualClock final : public Clock {
 public:
  /// Starts at `start`.
  explicit ManualClock(Instant start) : now_(start.micros_since_epoch) {}
  /// The instant last set.
  Instant now() const override { return Instant{now_.load()}; }
  /// Moves the clock to `t` (backwards too).
  void set(Instant t) { now_.store(t.micros_since_epoch); }
  /// Moves the clock forward by `micros`.
  void advance_micros(std::int64_t micros) { now_.fetch_add(micros); }

 private:
  std::atomic<std::int64_t> now_;
};

DOWNLINE_END_NAMESPACE

#include <downline/error.hpp>
#include <downline/time.hpp>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

DOWNLINE_BEGIN_NAMESPACE

namespace {

namespace chr = std::chrono;

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;
// The Gregorian calendar repeats every 400 years, which are exactly this many
// days; splitting instants into such eras keeps every int64 instant inside
// the range where std::chrono::year is specified.
constexpr std::int64_t kDaysPerEra = 146'097;

// Floor division and its non-negative remainder.
std::pair<std::int64_t, std::int64_t> floor_divmod(std::int64_t n, std::int64_t d) {
  std::int64_t q = n / d;
  std::int64_t r = n % d;
  if (r < 0) {
    r += d;
    --q;
  }
  return {q, r};
}

// RFC 3339 years have four digits; years outside 0000–9999 (only reachable
// through extreme instants or hand-built dates) use ISO 8601's expanded form.
std::string format_year(std::int64_t year) {
  char buf[32];
  if (year < 0) {
    std::snprintf(buf, sizeof buf, "%05lld", static_cast<long long>(year));
  } else if (year > 9999) {
    std::snprintf(buf, sizeof buf, "+%lld", static_cast<long long>(year));
  } else {
    std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(year));
  }
  return buf;
}

std::string two_digits(unsigned value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u", value);
  return buf;
}

// Reads exactly `count` ASCII digits at `pos`.
std::optional<int> read_digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool char_at(std::string_view text, std::size_t pos, char c) {
  return pos < text.size() && text[pos] == c;
}

// Parses "YYYY-MM-DD" at the start of `text`; nullopt on bad syntax or a
// day that does not exist.
std::optional<chr::year_month_day> read_date(std::string_view text) {
  const auto y = read_digits(text, 0, 4);
  const auto m = read_digits(text, 5, 2);
  const auto d = read_digits(text, 8, 2);
  if (!y || !m || !d || !char_at(text, 4, '-') || !char_at(text, 7, '-')) return std::nullopt;
  const chr::year_month_day ymd{chr::year{*y}, chr::month{static_cast<unsigned>(*m)},
                                chr::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

[[noreturn]] void throw_bad_instant(std::string_view text, std::string_view why) {
  throw InvalidArgument("invalid RFC 3339 instant \"" + std::string(text) +
                        "\": " + std::string(why));
}

}  // namespace

LocalDate utc_date(Instant at) noexcept {
  const auto [days, micros_of_day] = floor_divmod(at.micros_since_epoch, kMicrosPerDay);
  const auto [eras, day_of_era] = floor_divmod(days, kDaysPerEra);
  const chr::year_month_day ymd{chr::sys_days{chr::days{day_of_era}}};
  return LocalDate{
      static_cast<int>(static_cast<std::int64_t>(static_cast<int>(ymd.year())) + eras * 400),
      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day())};
}

std::string Instant::to_rfc3339() const {
  const auto [days, micros_of_day] = floor_divmod(micros_since_epoch, kMicrosPerDay);
  const auto [eras, day_of_era] = floor_divmod(days, kDaysPerEra);
  const chr::year_month_day ymd{chr::sys_days{chr::days{day_of_era}}};
  const std::int64_t year = static_cast<int>(ymd.year()) + eras * 400;

  const std::int64_t seconds_of_day = micros_of_day / kMicrosPerSecond;
  char time[32];
  std::snprintf(time, sizeof time, "T%02d:%02d:%02d.%06dZ", static_cast<int>(seconds_of_day / 3600),
                static_cast<int>(seconds_of_day / 60 % 60), static_cast<int>(seconds_of_day % 60),
                static_cast<int>(micros_of_day % kMicrosPerSecond));
  return format_year(year) + "-" + two_digits(static_cast<unsigned>(ymd.month())) + "-" +
         two_digits(static_cast<unsigned>(ymd.day())) + time;
}

Instant Instant::parse_rfc3339(std::string_view text) {
  const auto ymd = read_date(text);
  if (!ymd) throw_bad_instant(text, "expected an existing date YYYY-MM-DD");
  if (!char_at(text, 10, 'T') && !char_at(text, 10, 't')) throw_bad_instant(text, "expected 'T'");
  const auto hour = read_digits(text, 11, 2);
  const auto minute = read_digits(text, 14, 2);
  const auto second = read_digits(text, 17, 2);
  if (!hour || !minute || !second || !char_at(text, 13, ':') || !char_at(text, 16, ':')) {
    throw_bad_instant(text, "expected HH:MM:SS");
  }
  if (*hour > 23 || *minute > 59 || *second > 59) throw_bad_instant(text, "time out of range");

  std::size_t pos = 19;
  std::int64_t fraction_micros = 0;
  if (char_at(text, pos, '.')) {
    ++pos;
    int digits = 0;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++digits) {
      // Digits past the sixth are truncated.
      if (digits < 6) fraction_micros = fraction_micros * 10 + (text[pos] - '0');
    }
    if (digits == 0 || digits > 9) throw_bad_instant(text, "expected 1 to 9 fraction digits");
    for (; digits < 6; ++digits) fraction_micros *= 10;
  }

  std::int64_t offset_seconds = 0;
  if (char_at(text, pos, 'Z') || char_at(text, pos, 'z')) {
    ++pos;
  } else if (char_at(text, pos, '+') || char_at(text, pos, '-')) {
    const std::int64_t sign = text[pos] == '-' ? -1 : 1;
    const auto offset_hour = read_digits(text, pos + 1, 2);
    const auto offset_minute = read_digits(text, pos + 4, 2);
    if (!offset_hour || !offset_minute || !char_at(text, pos + 3, ':') || *offset_hour > 23 ||
        *offset_minute > 59) {
      throw_bad_instant(text, "expected offset +hh:mm or -hh:mm");
    }
    offset_seconds = sign * (*offset_hour * 3600 + *offset_minute * 60);
    pos += 6;
  } else {
    throw_bad_instant(text, "expected 'Z' or an offset");
  }
  if (pos != text.size()) throw_bad_instant(text, "unexpected trailing characters");

  const std::int64_t days = chr::sys_days{*ymd}.time_since_epoch().count();
  const std::int64_t local_seconds = days * 86'400 + *hour * 3600 + *minute * 60 + *second;
  return Instant{(local_seconds - offset_seconds) * kMicrosPerSecond + fraction_micros};
}

std::string LocalDate::to_string() const {
  return format_year(year) + "-" + two_digits(month) + "-" + two_digits(day);
}

LocalDate LocalDate::parse(std::string_view text) {
  const auto ymd = text.size() == 10 ? read_date(text) : std::nullopt;
  if (!ymd) {
    throw InvalidArgument("invalid date \"" + std::string(text) +
                          "\": expected an existing date YYYY-MM-DD");
  }
  return LocalDate{static_cast<int>(ymd->year()), static_cast<unsigned>(ymd->month()),
                   static_cast<unsigned>(ymd->day())};
}

Clock::~Clock() = default;

Instant SystemClock::now() const {
  const auto now = chr::floor<chr::microseconds>(chr::system_clock::now());
  return Instant{now.time_since_epoch().count()};
}

DOWNLINE_END_NAMESPACE

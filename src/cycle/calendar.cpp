#include "cycle/calendar.hpp"

#include "core/utf8.hpp"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <stdexcept>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {
namespace {

date::local_days days_of(LocalDate d) {
  return date::local_days{date::year{d.year} / date::month{d.month} / date::day{d.day}};
}

}  // namespace

const date::time_zone* find_zone(std::string_view name, const std::string& field) {
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    throw InvalidArgument(
        "unknown time zone '" + std::string(name) + "' (an IANA name such as \"America/Bogota\")",
        field);
  }
}

Instant local_midnight(const date::time_zone* zone, LocalDate day) {
  using std::chrono::microseconds;
  const date::local_time<microseconds> local{days_of(day)};
  // choose::earliest also maps a skipped midnight to the transition.
  const auto sys = zone->to_sys(local, date::choose::earliest);
  return Instant{sys.time_since_epoch().count()};
}

LocalDate local_date(const date::time_zone* zone, Instant at) {
  using std::chrono::microseconds;
  const date::sys_time<microseconds> sys{microseconds{at.micros_since_epoch}};
  const date::year_month_day ymd{date::floor<date::days>(zone->to_local(sys))};
  return LocalDate{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                   static_cast<unsigned>(ymd.day())};
}

LocalDate next_day(LocalDate day) {
  const date::year_month_day ymd{days_of(day) + date::days{1}};
  return LocalDate{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                   static_cast<unsigned>(ymd.day())};
}

const Campaign* Calendar::find(std::string_view id) const {
  const std::size_t i = index_of(id);
  return i == SIZE_MAX ? nullptr : &campaigns[i];
}

std::size_t Calendar::index_of(std::string_view id) const {
  for (std::size_t i = 0; i < campaigns.size(); ++i)
    if (campaigns[i].id == id) return i;
  return SIZE_MAX;
}

const Campaign* Calendar::at(Instant t) const {
  // The last campaign starting at or before t.
  auto it = std::upper_bound(campaigns.begin(), campaigns.end(), t,
                             [](Instant x, const Campaign& c) { return x < c.starts_at; });
  if (it == campaigns.begin()) return nullptr;
  --it;
  return t < it->ends_at ? &*it : nullptr;
}

std::vector<Campaign> plan_campaigns(const Calendar& calendar, std::span<const CampaignSpec> specs,
                                     const date::time_zone* zone) {
  std::vector<Campaign> added;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const CampaignSpec& s = specs[i];
    const std::string at = "campaigns[" + std::to_string(i) + "].";
    if (s.id.empty()) throw InvalidArgument("a campaign needs an id", at + "id");
    if (s.id.size() > 64) throw InvalidArgument("a campaign id is at most 64 bytes", at + "id");
    if (!is_valid_utf8(s.id)) throw InvalidArgument("the campaign id is not UTF-8", at + "id");
    if (s.end < s.start)
      throw InvalidArgument("campaign '" + s.id + "' ends (" + s.end.to_string() +
                                ") before it starts (" + s.start.to_string() + ")",
                            at + "end");
    if (calendar.find(s.id)) throw AlreadyExists("campaign '" + s.id + "' exists", at + "id");
    Campaign c;
    c.id = s.id;
    c.start = s.start;
    c.end = s.end;
    c.starts_at = local_midnight(zone, s.start);
    c.ends_at = local_midnight(zone, next_day(s.end));
    const auto overlaps = [&](const Campaign& o) { return !(o.end < c.start || c.end < o.start); };
    for (const Campaign& o : added) {
      if (o.id == c.id) throw InvalidArgument("campaign '" + c.id + "' is given twice", at + "id");
      if (overlaps(o))
        throw InvalidArgument("campaign '" + c.id + "' overlaps campaign '" + o.id + "'",
                              at + "start");
    }
    for (const Campaign& o : calendar.campaigns)
      if (overlaps(o))
        throw InvalidArgument("campaign '" + c.id + "' overlaps campaign '" + o.id + "'",
                              at + "start");
    added.push_back(std::move(c));
  }
  return added;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

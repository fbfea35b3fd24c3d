// The campaign calendar: local dates of the company's IANA time zone mapped
// to UTC instants, and the campaign an instant falls in.
#pragma once

#include <downline/cycle.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace date {
class time_zone;
}

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// The zone with this IANA name ("America/Bogota"); throws InvalidArgument
/// naming `field` when the time zone database has no such zone.
const date::time_zone* find_zone(std::string_view name, const std::string& field);
/// The first instant of local day `day` in `zone`: its midnight, or, where
/// a transition skips midnight, the transition. Never fails.
Instant local_midnight(const date::time_zone* zone, LocalDate day);
/// The local date of `at` in `zone`; never fails.
LocalDate local_date(const date::time_zone* zone, Instant at);
/// The day after `day`; never fails.
LocalDate next_day(LocalDate day);

/// The campaigns of a company, by start; they never overlap.
struct Calendar {
  std::vector<Campaign> campaigns;

  /// The campaign with this id, or null.
  const Campaign* find(std::string_view id) const;
  /// The campaign whose [starts_at, ends_at) holds `at`, or null.
  const Campaign* at(Instant at) const;
  /// Position of `id` in `campaigns`, or SIZE_MAX.
  std::size_t index_of(std::string_view id) const;
};

/// The campaigns `specs` add to `calendar`, mapped to instants in `zone`.
/// Throws InvalidArgument naming "campaigns[i].<field>" for an empty,
/// overlong or repeated id, an end before the start, or days that overlap
/// another campaign (new or stored); AlreadyExists for an id the calendar
/// holds.
std::vector<Campaign> plan_campaigns(const Calendar& calendar, std::span<const CampaignSpec> specs,
                                     const date::time_zone* zone);

}  // namespace internal
DOWNLINE_END_NAMESPACE

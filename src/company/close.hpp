// The parts of a campaign's close that live outside orders.cpp: the career
// plan's pass (ranks with their explanations) and the result digest.
#pragma once

#include <downline/company.hpp>

#include "company/company_state.hpp"

#include <span>
#include <string>
#include <utility>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// What the career plan decided at a close, applied once it commits.
struct CareerClose {
  /// Result columns to store with the campaign (the plan included), by name.
  std::vector<std::pair<std::string, std::string>> columns;
  std::vector<std::pair<Node, std::uint8_t>> promoted;  ///< new highest rank
  std::vector<RankChangeRow> rank_rows;                 ///< seq set by the caller
  std::vector<EventRow> events;                         ///< one rank_changed per row
};

/// Evaluates the career plan for the campaign at calendar position `k`
/// (nothing when no rank has requirements) and fills out.paid_as and
/// out.promotions. `inactivated` are the consultants this close inactivates.
/// Throws OutOfRange when a group volume overflows, DataLoss for an
/// unreadable earlier result.
CareerClose close_career(const CompanyState& s, const Actor& actor, std::size_t k,
                         const CampaignTotals* totals, std::span<const Node> inactivated,
                         Instant now, CampaignSummary& out);

/// What the segmentation decided at a close.
struct SegmentClose {
  std::vector<std::pair<std::string, std::string>> columns;
  std::vector<std::uint8_t> assigned;  ///< by node: 0 none, 1 + catalog position
};

/// Gives every person the first configured segment whose bounds their
/// campaign holds (average order of the counted orders, campaigns in a row
/// with one), and fills out.segments. Nothing without a segmentation.
/// Throws DataLoss for an unreadable earlier result.
SegmentClose close_segments(const CompanyState& s, std::size_t k, const CampaignTotals* totals,
                            CampaignSummary& out);

/// The digest of a close: SHA-256 over the summary's JSON and every result
/// column in name order; never fails.
std::string close_digest(const std::string& summary_json,
                         const std::vector<std::pair<std::string, std::string>>& columns);

/// Throws NotFound or PermissionDenied unless the actor sees `person`.
void check_sees(const CompanyState& s, const Actor& actor, PersonId person, const char* field);

}  // namespace internal
DOWNLINE_END_NAMESPACE

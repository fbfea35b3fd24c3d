// The career plan at a campaign's close (issue 6 §4): every person's
// measures (personal and group volume, capped group volume, active
// recruits, legs holding a rank, campaigns in a row) in one sweep over the
// career network in reverse pre-order, the ranks they meet, and the
// explanation of each — computed from the same measures, so the report card
// and the decision cannot disagree.
#pragma once

#include <downline/cycle.hpp>

#include "config/config.hpp"
#include "genealogy/network_index.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// The ranks and their requirements as a close applied them; kept with the
/// campaign's results so that a later change of the configuration does not
/// rewrite why someone was paid as what.
struct CareerPlan {
  std::vector<std::string> ids;         ///< by rank number - 1
  std::vector<RankRequirements> ranks;  ///< by rank number - 1
  /// Derived: the distinct caps, leg ranks and streak ranks in rank order,
  /// and each rank's position in them (-1 none).
  std::vector<std::int64_t> caps;
  std::vector<std::uint8_t> leg_ranks, streak_ranks;
  std::vector<int> cap_of, leg_of, streak_of;
  /// Longest consecutive_campaigns requirement (how much history a close reads).
  std::uint32_t longest_streak = 0;
};

/// The plan of a configuration; never fails.
CareerPlan career_plan(const Config& config);
/// The plan as stored with a campaign's results, and back; the parse throws
/// DataLoss for text that is not one.
std::string plan_json(const CareerPlan& plan);
CareerPlan parse_plan_json(std::string_view text);

/// What the sweep reads, by node.
struct CareerInput {
  const NetworkTree* tree = nullptr;       ///< the career network
  std::span<const std::int64_t> pv;        ///< campaign personal volume, micro-units
  std::span<const std::uint8_t> eligible;  ///< evaluated: an active consultant
  std::span<const std::uint8_t> active;    ///< counts as an active recruit
  std::span<const std::uint8_t> highest;   ///< highest rank before this close
  /// The "qualified" column of the closed campaigns before, most recent
  /// first (a shorter column: later nodes count as 0).
  std::vector<std::vector<std::int64_t>> history;
};

/// Every node's measures and ranks for one campaign.
struct CareerFigures {
  std::vector<std::int64_t> pv, gv;
  std::vector<std::vector<std::int64_t>> capped;   ///< per plan.caps
  std::vector<std::uint32_t> recruits;             ///< active first-level persons
  std::vector<std::vector<std::uint32_t>> legs;    ///< per plan.leg_ranks
  std::vector<std::vector<std::uint32_t>> streak;  ///< per plan.streak_ranks
  std::vector<std::uint8_t> eligible;
  /// Highest rank whose requirements other than consecutive_campaigns held.
  std::vector<std::uint8_t> qualified;
  std::vector<std::uint8_t> paid_as;  ///< highest rank every requirement of which held
  std::vector<std::uint8_t> highest;  ///< highest rank ever, this campaign included

  /// The figures as named columns (src/cycle/columns.hpp), by name; never fails.
  std::vector<std::pair<std::string, std::string>> columns() const;
};

/// Runs the sweep. Throws InvalidArgument when a span's size is not the
/// tree's, OutOfRange (field "pv") when a group volume overflows.
CareerFigures evaluate_career(const CareerPlan& plan, const CareerInput& in);

/// The figures back from their stored columns; throws DataLoss for a
/// missing or malformed column.
CareerFigures figures_from_columns(const CareerPlan& plan,
                                   const std::vector<std::pair<std::string, std::string>>& columns);

/// The report card of node `v`: every rank with requirements, each
/// requirement with actual, required and met. Never fails.
RankReport explain_rank(const CareerPlan& plan, const CareerFigures& figures, Node v);

}  // namespace internal
DOWNLINE_END_NAMESPACE

// Where a person goes in a placement network: the policies of DESIGN.md §3
// (spillover, extreme legs, weaker leg, the sponsor's leg, lobby) over one
// NetworkTree. Pure functions of the tree: the caller applies the result.
#pragma once

#include "config/config.hpp"
#include "genealogy/network_index.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// A place decided, or why there is none.
struct PlaceDecision {
  NodePlacement place;  ///< valid when `problem` is empty
  std::string problem;  ///< a finding name: "network_full", "leg_required", ...
  std::string message;
};

/// Decides where a newcomer goes under `start` (kNoNode: a network parent)
/// by `policy`. `leg` is the chosen leg (sponsor_leg, or an explicit choice
/// without a parent); `gv` the group volumes of the last recalculation, per
/// node (weaker leg by volume; may be empty = zeros). Writers only (the
/// extreme-leg search remembers leg ends).
PlaceDecision decide_place(const NetworkConfig& network, const NetworkTree& tree, Node start,
                           Policy policy, std::optional<std::uint32_t> leg,
                           std::span<const std::int64_t> gv);

/// Checks an explicit parent and slot: placed, room, slot free, within the
/// network's width. Fills `place` or `problem`.
PlaceDecision check_explicit(const NetworkConfig& network, const NetworkTree& tree, Node parent,
                             std::optional<std::uint32_t> position);

/// The id a placement's parent has as a person (unset for none).
inline PersonId person_of(Node n) {
  return n == kNoNode ? PersonId{} : PersonId{static_cast<std::int64_t>(n) + 1};
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

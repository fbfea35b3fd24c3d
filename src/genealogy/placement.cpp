#include "genealogy/placement.hpp"

DOWNLINE_BEGIN_NAMESPACE
namespace internal {
namespace {

PlaceDecision at(OpenPosition open, const char* what) {
  PlaceDecision d;
  if (!open) {
    d.problem = "network_full";
    d.message = std::string("no open position ") + what;
    return d;
  }
  d.place.parent = person_of(open.parent);
  d.place.position = open.position;
  return d;
}

// The search inside one leg: below `top`, the leg's first person.
PlaceDecision within_leg(const NetworkConfig& network, const NetworkTree& tree, Node top,
                         std::uint32_t leg) {
  if (network.placement.within_extreme) {
    const std::uint32_t side = leg == 0 ? 0 : network.width - 1;
    return at(tree.extreme(top, side), "at the bottom of the leg");
  }
  // A matrix leg's window is one level shorter than its owner's.
  const std::uint32_t window = network.depth == 0 ? 0 : network.depth - 1;
  if (network.depth == 1) return at({}, "in the leg: the matrix is one level deep");
  return at(tree.first_open(top, window), "in the leg");
}

PlaceDecision into_leg(const NetworkConfig& network, const NetworkTree& tree, Node start,
                       std::uint32_t leg) {
  if (!tree.has_room(start) && tree.child_at(start, leg) == kNoNode)
    return at({}, "under the start: it is at the deepest level");
  if (tree.child_at(start, leg) == kNoNode) return at({start, leg}, "");
  return within_leg(network, tree, tree.child_at(start, leg), leg);
}

}  // namespace

PlaceDecision decide_place(const NetworkConfig& network, const NetworkTree& tree, Node start,
                           Policy policy, std::optional<std::uint32_t> leg,
                           std::span<const std::int64_t> gv) {
  PlaceDecision d;
  if (policy == Policy::lobby) {
    d.place.state = NodeState::lobby;
    return d;
  }
  if (start == kNoNode) return d;  // a network parent
  switch (policy) {
    case Policy::spillover: return at(tree.first_open(start, network.depth), "below the start");
    case Policy::extreme_left: return at(tree.extreme(start, 0), "at the bottom of the left leg");
    case Policy::extreme_right:
      return at(tree.extreme(start, network.width - 1), "at the bottom of the right leg");
    case Policy::sponsor_leg:
      if (!leg) {
        d.problem = "leg_required";
        d.message = "this network places in the leg the enrollment names: give a position";
        return d;
      }
      if (*leg >= network.width) {
        d.problem = "invalid_position";
        d.message = "leg " + std::to_string(*leg) + " is outside a network " +
                    std::to_string(network.width) + " wide";
        return d;
      }
      return into_leg(network, tree, start, *leg);
    case Policy::weaker_leg: {
      // The weaker leg: fewest persons (or least group volume); an empty leg
      // is the weakest, even against a leg without volume; ties go to the
      // leftmost.
      std::uint32_t best = 0;
      std::int64_t best_weight = INT64_MAX;
      for (std::uint32_t slot = 0; slot < network.width; ++slot) {
        const Node c = tree.child_at(start, slot);
        std::int64_t weight = -1;
        if (c != kNoNode)
          weight = network.placement.by_volume ? (c < gv.size() ? gv[c] : 0)
                                               : static_cast<std::int64_t>(tree.live_size(c)) + 1;
        if (weight < best_weight) {
          best_weight = weight;
          best = slot;
        }
      }
      return into_leg(network, tree, start, best);
    }
    case Policy::lobby: break;
  }
  return d;
}

PlaceDecision check_explicit(const NetworkConfig& network, const NetworkTree& tree, Node parent,
                             std::optional<std::uint32_t> position) {
  PlaceDecision d;
  if (!tree.placed(parent)) {
    d.problem = "parent_not_placed";
    d.message =
        "person " + std::to_string(parent + 1) + " has no place in network '" + network.name + "'";
    return d;
  }
  if (!tree.has_room(parent)) {
    d.problem = "network_full";
    d.message = "person " + std::to_string(parent + 1) + " has no open position";
    return d;
  }
  if (network.width != 0 && position && *position >= network.width) {
    d.problem = "invalid_position";
    d.message = "position " + std::to_string(*position) + " is outside a network " +
                std::to_string(network.width) + " wide";
    return d;
  }
  const std::uint32_t slot = position && network.width != 0 ? *position : tree.free_slot(parent);
  if (!tree.slot_free(parent, slot)) {
    d.problem = "position_taken";
    d.message = "position " + std::to_string(slot) + " under person " + std::to_string(parent + 1) +
                " is taken";
    return d;
  }
  d.place.parent = person_of(parent);
  d.place.position = slot;
  return d;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

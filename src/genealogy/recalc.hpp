// The network recalculation pass (seed 002 §7.1.1.4): group volume, downline
// counts and per-level counts of every person of one network, in one sweep
// over the tree in reverse pre-order (DESIGN.md §4).
#pragma once

#include "genealogy/network_index.hpp"

#include <cstdint>
#include <span>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// Most relative levels a recalculation keeps counts for: a bound on the
/// per-node figures, far above any published unilevel plan.
inline constexpr std::uint32_t kMaxRecalcLevels = 64;

/// What one recalculation reads, per node of the tree (indexed by node number).
struct RecalcInput {
  /// Personal volume per node, in micro-units (Decimal::micros); size == tree.size().
  std::span<const std::int64_t> pv_micros;
  /// Non-zero when the node counts as active; size == tree.size().
  std::span<const std::uint8_t> active;
  /// Per-level counts are kept for relative levels 1..levels (0..kMaxRecalcLevels).
  std::uint32_t levels = 3;
  /// Threads to use: 0 picks by itself (two for large trees on a machine with
  /// two cores or more), 1 one, anything above uses two. The figures do not
  /// depend on it.
  std::uint32_t threads = 0;
};

/// The figures of every node, indexed by node number; nodes outside the tree
/// (not in pre-order) get zeros.
struct NetworkFigures {
  /// Own PV plus the PV of the whole downline, in micro-units.
  std::vector<std::int64_t> gv_micros;
  /// Persons below the node.
  std::vector<std::uint32_t> downline;
  /// Active persons below the node.
  std::vector<std::uint32_t> active_downline;
  /// Number of relative levels in the per-level counts.
  std::uint32_t levels = 0;
  /// level_counts[node * levels + (L - 1)]: persons at relative level L below the node.
  std::vector<std::uint32_t> level_counts;
  /// As level_counts, counting active persons only.
  std::vector<std::uint32_t> active_level_counts;
  /// Working memory of the pass (as large as the figures), kept by the
  /// reusing recalculate so that the next pass does not pay for fresh pages;
  /// its contents mean nothing to callers.
  std::vector<std::uint32_t> scratch;
};

/// Computes the figures of every node of `tree` (intervals are brought up to
/// date first). Throws InvalidArgument when a span's size is not tree.size()
/// or levels exceeds kMaxRecalcLevels, OutOfRange (field "pv") when a group
/// volume does not fit in int64. Safe to call concurrently on one tree.
/// Working memory: about the figures' size again, plus ~50 bytes per level
/// of the tree's depth.
NetworkFigures recalculate(const NetworkTree& tree, const RecalcInput& in);

/// As above, into `out`, reusing its buffers (scratch included): a repeated
/// recalculation of a large network does not pay for fresh memory. On a
/// throw, `out`'s contents are unspecified.
void recalculate(const NetworkTree& tree, const RecalcInput& in, NetworkFigures& out);

}  // namespace internal
DOWNLINE_END_NAMESPACE

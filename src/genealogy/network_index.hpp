// The in-memory genealogy index (DESIGN.md §4): per network, struct-of-arrays
// over dense node numbers, with pre-order intervals so that "is X below Y" is
// two comparisons and a whole downline is one contiguous range.
#pragma once

#include <downline/ids.hpp>
#include <downline/person.hpp>

#include <atomic>
#include <cstdint>
#include <limits>
#include <mutex>
#include <span>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

using Node = std::uint32_t;
inline constexpr Node kNoNode = std::numeric_limits<Node>::max();

/// One network's tree. Structural changes need exclusive access; the
/// pre-order intervals are rebuilt lazily, under shared access, by the first
/// reader that needs them (ensure_intervals is safe to call concurrently).
class NetworkTree {
 public:
  /// Adds node `node` (== size()) under `parent` (kNoNode for a network parent),
  /// after its existing siblings.
  void append(Node node, Node parent);
  /// Replaces the whole tree by `parents` (kNoNode for network parents);
  /// children keep node order. Throws DataLoss when `parents` has a cycle.
  void assign(std::span<const Node> parents);

  std::size_t size() const { return parent_.size(); }
  Node parent(Node n) const { return parent_[n]; }
  std::uint32_t depth(Node n) const { return depth_[n]; }

  /// Brings the intervals up to date; call before the interval queries.
  void ensure_intervals() const;
  /// True when the intervals match the tree (no change since the last rebuild).
  bool intervals_fresh() const { return intervals_fresh_.load(std::memory_order_acquire); }
  /// Pre-order position of `n` (after ensure_intervals).
  std::uint32_t enter(Node n) const { return enter_[n]; }
  /// One past the last pre-order position of `n`'s subtree.
  std::uint32_t exit(Node n) const { return exit_[n]; }
  /// Node at pre-order position `pos`.
  Node at(std::uint32_t pos) const { return preorder_[pos]; }
  /// Depth and parent of the node at pre-order position `pos`: copies laid
  /// out in pre-order, so a downline scan reads memory front to back.
  std::uint32_t depth_at(std::uint32_t pos) const { return pre_depth_[pos]; }
  Node parent_at(std::uint32_t pos) const { return pre_parent_[pos]; }
  /// True when `n` is strictly below `of`: two comparisons when the
  /// intervals are fresh, else a walk up from `n` (one step per level), so
  /// that a single question after a write does not pay a whole rebuild.
  bool is_below(Node n, Node of) const {
    if (intervals_fresh()) return enter_[of] < enter_[n] && enter_[n] < exit_[of];
    if (depth_[n] <= depth_[of]) return false;
    for (std::uint32_t d = depth_[n]; d > depth_[of]; --d) n = parent_[n];
    return n == of;
  }
  /// Size of `n`'s downline, `n` excluded (after ensure_intervals).
  std::uint32_t downline_size(Node n) const { return exit_[n] - enter_[n] - 1; }

 private:
  void link_child(Node node, Node parent);
  void rebuild_intervals() const;
  void rebuild_intervals_ordered() const;
  void rebuild_intervals_by_walk() const;
  void fill_preorder_columns() const;

  std::vector<Node> parent_, first_child_, last_child_, next_sibling_;
  std::vector<std::uint32_t> depth_;
  Node first_root_ = kNoNode, last_root_ = kNoNode;
  // True while every parent has a smaller node number than its children
  // (always, until persons can move): intervals then come from two linear
  // passes instead of a pointer-chasing walk.
  bool ordered_ = true;

  mutable std::vector<std::uint32_t> enter_, exit_;
  mutable std::vector<Node> preorder_;
  mutable std::vector<std::uint32_t> scratch_;
  mutable std::vector<std::uint32_t> pre_depth_;
  mutable std::vector<Node> pre_parent_;
  mutable std::atomic<bool> intervals_fresh_{true};
  mutable std::mutex rebuild_mu_;
};

/// The hot columns of every person plus one tree per configured network.
/// Person ids are dense (1, 2, 3, ...), so node = id - 1.
class GenealogyIndex {
 public:
  explicit GenealogyIndex(std::size_t networks) : trees_(networks) {}

  std::size_t size() const { return type_.size(); }
  bool contains(PersonId id) const {
    return id.value() >= 1 && static_cast<std::uint64_t>(id.value()) <= type_.size();
  }
  static Node node_of(PersonId id) { return static_cast<Node>(id.value() - 1); }
  static PersonId id_of(Node n) { return PersonId{static_cast<std::int64_t>(n) + 1}; }
  /// The id the next person will get.
  PersonId next_id() const { return id_of(static_cast<Node>(size())); }

  /// Adds the person with id next_id(); `parents[i]` is their parent in
  /// network i (unset for a network parent). Throws Internal on a wrong id
  /// or an unknown parent.
  void add_person(PersonId id, CustomerType type, Status status, std::span<const PersonId> parents);

  CustomerType type(Node n) const { return static_cast<CustomerType>(type_[n]); }
  Status status(Node n) const { return static_cast<Status>(status_[n]); }
  const NetworkTree& tree(std::size_t network) const { return trees_[network]; }
  std::size_t network_count() const { return trees_.size(); }

  /// Replaces everything with the given columns and parents (rebuild on open).
  void assign(std::vector<std::uint8_t> types, std::vector<std::uint8_t> statuses,
              const std::vector<std::vector<Node>>& parents);
  /// A hash of every column and tree: equal indexes have equal digests.
  std::uint64_t digest() const;

 private:
  std::vector<std::uint8_t> type_, status_;
  std::vector<NetworkTree> trees_;
};

}  // namespace internal
DOWNLINE_END_NAMESPACE

// The in-memory genealogy index (DESIGN.md §4): per network, struct-of-arrays
// over dense node numbers, with pre-order intervals so that "is X below Y" is
// two comparisons and a whole downline is one contiguous range.
#pragma once

#include <downline/ids.hpp>
#include <downline/person.hpp>

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

using Node = std::uint32_t;
inline constexpr Node kNoNode = std::numeric_limits<Node>::max();
/// "No open position at any depth" in open-depth figures.
inline constexpr std::uint32_t kNoDepth = std::numeric_limits<std::uint32_t>::max();

/// Where a person stands in one network.
enum class NodeState : std::uint8_t {
  placed,   ///< in the tree (a network parent when it has no parent)
  lobby,    ///< waiting in the holding tank for a leader to place them
  dropout,  ///< taken out by a compression
};

/// The shape a network enforces.
struct TreeShape {
  /// Most children per person; 0 = unlimited. Width-limited trees have fixed
  /// slots 0..width-1 (binary: 0 left, 1 right).
  std::uint32_t width = 0;
  /// Deepest absolute level a person may occupy; 0 = unlimited.
  std::uint32_t max_depth = 0;
  /// Keep live subtree sizes (weaker-leg placement by count).
  bool track_sizes = false;
};

/// An open position: a parent and the free slot under it.
struct OpenPosition {
  Node parent = kNoNode;
  std::uint32_t position = 0;
  explicit operator bool() const { return parent != kNoNode; }
};

/// One network's tree. Structural changes need exclusive access; the
/// pre-order intervals are rebuilt lazily, under shared access, by the first
/// reader that needs them (ensure_intervals is safe to call concurrently).
///
/// Every person has a node (node = id - 1); a node not placed (lobby,
/// dropout) is outside the tree: no parent, no children, not in pre-order.
class NetworkTree {
 public:
  explicit NetworkTree(TreeShape shape = {}) : shape_(shape) {}

  /// Adds node `node` (== size()) under `parent` (kNoNode for a network
  /// parent) at `position` (a free slot in a width-limited tree; ignored
  /// otherwise: arrival order), or unplaced when `state` is not placed.
  void append(Node node, Node parent, std::uint32_t position = 0,
              NodeState state = NodeState::placed);
  /// Replaces the whole tree. `parents[i]` is kNoNode for network parents and
  /// unplaced nodes; `positions` and `states` may be empty (arrival order,
  /// all placed). Throws DataLoss on a cycle, an unknown parent or two
  /// children in one slot.
  void assign(std::span<const Node> parents, std::span<const std::uint32_t> positions = {},
              std::span<const NodeState> states = {});
  /// Drops the nodes from `size` on (the last ones added), undoing their
  /// appends; they must have no children among the kept nodes.
  void truncate(std::size_t size);

  /// Puts the unplaced `node` under `parent` (kNoNode: a network parent).
  void place(Node node, Node parent, std::uint32_t position);
  /// Moves placed `node` with its whole downline under `parent` (kNoNode: a
  /// network parent). The caller has checked it is not below `node`.
  void move(Node node, Node parent, std::uint32_t position);
  /// Takes the childless placed `node` out of the tree with state `state`.
  void unplace(Node node, NodeState state);
  /// True when `node`'s children fit under its parent once `node` leaves
  /// (always for a network parent or an unlimited width).
  bool children_fit_above(Node node) const;
  /// Takes placed `node` out of the tree with state `state`; its children
  /// move up to its parent (the first takes its slot, the others the free
  /// slots from the left), or become network parents. Returns the children
  /// moved with their former positions. Check children_fit_above first.
  std::vector<std::pair<Node, std::uint32_t>> lift(Node node, NodeState state);
  /// Undoes lift(): `node` back under `parent` at `position`, `children`
  /// back under it at their former positions.
  void unlift(Node node, Node parent, std::uint32_t position,
              const std::vector<std::pair<Node, std::uint32_t>>& children);
  /// Deepest level below `node` (0 when childless).
  std::uint32_t height(Node node) const;

  const TreeShape& shape() const { return shape_; }
  std::size_t size() const { return parent_.size(); }
  Node parent(Node n) const { return parent_[n]; }
  std::uint32_t depth(Node n) const { return depth_[n]; }
  std::uint32_t position(Node n) const { return position_[n]; }
  NodeState state(Node n) const { return static_cast<NodeState>(state_[n]); }
  bool placed(Node n) const { return state_[n] == static_cast<std::uint8_t>(NodeState::placed); }
  Node first_child(Node n) const { return first_child_[n]; }
  Node next_sibling(Node n) const { return next_sibling_[n]; }
  std::uint32_t child_count(Node n) const { return child_count_[n]; }
  Node first_root() const { return first_root_; }
  /// The child of `parent` at slot `position`, or kNoNode.
  Node child_at(Node parent, std::uint32_t position) const;
  /// True when `parent` (placed) may take one more child: a free slot, and
  /// not at the deepest level.
  bool has_room(Node parent) const;
  /// True when `position` under `parent` is a valid free slot.
  bool slot_free(Node parent, std::uint32_t position) const;
  /// The first free slot of `parent` (or the next arrival position).
  std::uint32_t free_slot(Node parent) const;
  /// Persons in `n`'s downline, `n` excluded (needs shape().track_sizes).
  std::uint32_t live_size(Node n) const { return size_[n] - 1; }

  /// The leftmost open position in breadth-first order below `start`, at
  /// most `window` levels down (0 = unlimited); none when full. Amortised
  /// O(width × levels searched): each node keeps the depth of its nearest
  /// open position.
  OpenPosition first_open(Node start, std::uint32_t window = 0) const;
  /// Up to `limit` open positions below `start` in breadth-first order,
  /// `start`'s own free slots first, within `window` levels (0 = unlimited).
  std::vector<OpenPosition> open_positions(Node start, std::size_t limit,
                                           std::uint32_t window = 0) const;
  /// The open position at the end of `start`'s outer leg: follow slot
  /// `side` down to the first person whose slot `side` is free. Writers
  /// only: it remembers leg ends for the next call.
  OpenPosition extreme(Node start, std::uint32_t side) const;

  /// Brings the intervals up to date; call before the interval queries.
  void ensure_intervals() const;
  /// True when the intervals match the tree (no change since the last rebuild).
  bool intervals_fresh() const { return intervals_fresh_.load(std::memory_order_acquire); }
  /// Number of placed nodes: the length of the pre-order.
  std::size_t preorder_size() const { return placed_count_; }
  /// Pre-order position of `n` (after ensure_intervals; placed nodes only).
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
    if (!placed(n) || !placed(of)) return false;
    if (intervals_fresh()) return enter_[of] < enter_[n] && enter_[n] < exit_[of];
    if (depth_[n] <= depth_[of]) return false;
    for (std::uint32_t d = depth_[n]; d > depth_[of]; --d) n = parent_[n];
    return n == of;
  }
  /// Size of `n`'s downline, `n` excluded (after ensure_intervals).
  std::uint32_t downline_size(Node n) const { return placed(n) ? exit_[n] - enter_[n] - 1 : 0; }

 private:
  friend struct NetworkTreeProbe;  // the invariant checker and its tests
  void link_child(Node node, Node parent);
  void unlink_child(Node node);
  void set_subtree_depths(Node node);
  std::uint32_t compute_open_depth(Node n) const;
  void refresh_open_depth_up(Node from);
  void recompute_open_depths(Node root);
  void add_size_up(Node from, std::int64_t delta);
  void changed();
  void rebuild_intervals() const;
  void rebuild_intervals_ordered() const;
  void rebuild_intervals_by_walk() const;
  void fill_preorder_columns() const;

  TreeShape shape_;
  std::vector<Node> parent_, first_child_, last_child_, next_sibling_;
  std::vector<std::uint32_t> depth_, position_, child_count_;
  std::vector<std::uint8_t> state_;
  // Depth (relative, 1 = own slot) of the nearest open position below a
  // node; kept for width-limited trees only.
  std::vector<std::uint32_t> open_depth_;
  std::vector<std::uint32_t> size_;  // subtree sizes, self included (track_sizes)
  // Ends of the outer legs found before, per side (0: left, 1: right); a
  // leg only grows at its end, so a hint stays on it until a move.
  mutable std::vector<Node> hint_[2];
  mutable bool hints_valid_ = false;
  Node first_root_ = kNoNode, last_root_ = kNoNode;
  std::size_t placed_count_ = 0;
  // True while every child has a larger node number than its parent and its
  // earlier siblings (always, until persons move or fill slots out of
  // order): intervals then come from two linear passes instead of a walk.
  bool ordered_ = true;

  mutable std::vector<std::uint32_t> enter_, exit_;
  mutable std::vector<Node> preorder_;
  mutable std::vector<std::uint32_t> scratch_;
  mutable std::vector<std::uint32_t> pre_depth_;
  mutable std::vector<Node> pre_parent_;
  mutable std::atomic<bool> intervals_fresh_{true};
  mutable std::mutex rebuild_mu_;
};

/// A person's place in one network, as given to the index.
struct NodePlacement {
  PersonId parent;  ///< unset for a network parent or an unplaced person
  std::uint32_t position = 0;
  NodeState state = NodeState::placed;
};

/// One network as read from storage: per node its parent, position, state.
struct TreeColumns {
  std::vector<Node> parents;
  std::vector<std::uint32_t> positions;
  std::vector<NodeState> states;
};

/// The hot columns of every person plus one tree per configured network.
/// Person ids are dense (1, 2, 3, ...), so node = id - 1.
class GenealogyIndex {
 public:
  explicit GenealogyIndex(std::vector<TreeShape> shapes);
  explicit GenealogyIndex(std::size_t networks)
      : GenealogyIndex(std::vector<TreeShape>(networks)) {}

  std::size_t size() const { return type_.size(); }
  bool contains(PersonId id) const {
    return id.value() >= 1 && static_cast<std::uint64_t>(id.value()) <= type_.size();
  }
  static Node node_of(PersonId id) { return static_cast<Node>(id.value() - 1); }
  static PersonId id_of(Node n) { return PersonId{static_cast<std::int64_t>(n) + 1}; }
  /// The id the next person will get.
  PersonId next_id() const { return id_of(static_cast<Node>(size())); }

  /// Adds the person with id next_id(); `places[i]` is their place in
  /// network i. Throws Internal on a wrong id or an unknown parent.
  void add_person(PersonId id, CustomerType type, Status status,
                  std::span<const NodePlacement> places, std::uint32_t zone = 0);
  /// Same, with every network placed under `parents[i]` in arrival order.
  void add_person(PersonId id, CustomerType type, Status status, std::span<const PersonId> parents);
  /// Drops the persons from `size` on (undo of add_person calls whose
  /// transaction did not commit).
  void truncate(std::size_t size);

  CustomerType type(Node n) const { return static_cast<CustomerType>(type_[n]); }
  Status status(Node n) const { return static_cast<Status>(status_[n]); }
  /// The person's zone: 0 for none, else an id from zone_id().
  std::uint32_t zone(Node n) const { return zone_[n]; }
  /// The person's rank: 0 for none, else 1 + its position in the ranks catalog.
  std::uint8_t rank(Node n) const { return rank_[n]; }
  void set_status(Node n, Status status) { status_[n] = static_cast<std::uint8_t>(status); }
  void set_type(Node n, CustomerType type) { type_[n] = static_cast<std::uint8_t>(type); }
  void set_rank(Node n, std::uint8_t rank) { rank_[n] = rank; }
  /// The id of a zone name, added when new ("" is 0).
  std::uint32_t zone_id(std::string_view name);
  /// The name of a zone id ("" for 0).
  const std::string& zone_name(std::uint32_t zone) const { return zone_names_[zone]; }
  /// The id of a zone name, or nullopt when no one is in it.
  std::optional<std::uint32_t> find_zone(std::string_view name) const;
  const NetworkTree& tree(std::size_t network) const { return *trees_[network]; }
  NetworkTree& tree(std::size_t network) { return *trees_[network]; }
  std::size_t network_count() const { return trees_.size(); }

  /// Replaces everything with the given columns and trees (rebuild on open).
  void assign(std::vector<std::uint8_t> types, std::vector<std::uint8_t> statuses,
              std::vector<std::uint32_t> zones, std::vector<std::uint8_t> ranks,
              std::vector<std::string> zone_names, const std::vector<TreeColumns>& trees);
  /// Same, all placed in arrival order, no zones or ranks (tests).
  void assign(std::vector<std::uint8_t> types, std::vector<std::uint8_t> statuses,
              const std::vector<std::vector<Node>>& parents);
  /// A hash of every column and tree: equal indexes have equal digests.
  std::uint64_t digest() const;

 private:
  friend struct GenealogyIndexProbe;  // the invariant checker and its tests
  std::vector<std::uint8_t> type_, status_, rank_;
  std::vector<std::uint32_t> zone_;
  std::vector<std::string> zone_names_{""};
  std::vector<std::unique_ptr<NetworkTree>> trees_;  // a tree holds a mutex: never moved
};

}  // namespace internal
DOWNLINE_END_NAMESPACE

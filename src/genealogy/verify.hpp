// The genealogy invariant checker: every rule the index's trees keep
// (DESIGN.md §4), checked against the arrays themselves, for
// Company::verify, `downline verify` and the tests that plant corruptions.
#pragma once

#include "genealogy/network_index.hpp"

#include <downline/ids.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// One broken invariant. `rule` is a stable short name:
///   column_size         arrays of one tree, or the index's columns, differ in length
///   broken_list         a child list leaves the tree, loops, or its last-child link is wrong
///   second_parent       a node is in two child lists
///   wrong_parent        a node's parent is not the owner of the child list it is in
///   unlisted            a placed node is in no child list
///   cycle               placed nodes whose parents go round without reaching a root
///   unplaced_linked     a lobby or dropout node has a parent, children or a list
///   stale_depth         depth is not the parent's depth + 1 (0 for a network parent)
///   child_count         child_count differs from the length of the child list
///   over_wide           more children than the network's width
///   too_deep            deeper than the network's max_depth
///   position_range      a slot at or beyond the width
///   duplicate_position  two siblings in one slot
///   sibling_order       siblings not in increasing position order
///   stale_ordered       the "children after parents" flag is set but does not hold
///   placed_count        placed_count differs from the number of placed nodes
///   stale_open_depth    the depth of the nearest open position is wrong
///   stale_size          a subtree size is wrong
///   stale_preorder      the pre-order differs from a fresh walk of the tree
///   stale_interval      enter/exit differ from the fresh walk's
///   stale_pre_depth     a depth copied in pre-order differs
///   stale_pre_parent    a parent copied in pre-order differs
///   bad_value           a state, type, status or zone outside its range
///   index_storage_mismatch, storage_corrupt   (Company::verify)
struct Violation {
  std::string rule;
  std::string network;  ///< empty for the index's own columns
  PersonId person;      ///< unset when the fault is not one person's
  std::string message;
};

/// The private arrays of a tree, as pointers to members: `tree.*P::parent`
/// reads them (and, on a non-const tree, lets the tests overwrite them).
struct NetworkTreeProbe {
  static constexpr auto shape = &NetworkTree::shape_;
  static constexpr auto parent = &NetworkTree::parent_;
  static constexpr auto first_child = &NetworkTree::first_child_;
  static constexpr auto last_child = &NetworkTree::last_child_;
  static constexpr auto next_sibling = &NetworkTree::next_sibling_;
  static constexpr auto depth = &NetworkTree::depth_;
  static constexpr auto position = &NetworkTree::position_;
  static constexpr auto child_count = &NetworkTree::child_count_;
  static constexpr auto state = &NetworkTree::state_;
  static constexpr auto open_depth = &NetworkTree::open_depth_;
  static constexpr auto size = &NetworkTree::size_;
  static constexpr auto first_root = &NetworkTree::first_root_;
  static constexpr auto last_root = &NetworkTree::last_root_;
  static constexpr auto placed_count = &NetworkTree::placed_count_;
  static constexpr auto ordered = &NetworkTree::ordered_;
  static constexpr auto enter = &NetworkTree::enter_;
  static constexpr auto exit = &NetworkTree::exit_;
  static constexpr auto preorder = &NetworkTree::preorder_;
  static constexpr auto pre_depth = &NetworkTree::pre_depth_;
  static constexpr auto pre_parent = &NetworkTree::pre_parent_;
  /// Marks the intervals fresh or stale without rebuilding them.
  static void set_intervals_fresh(const NetworkTree& t, bool fresh) {
    t.intervals_fresh_.store(fresh, std::memory_order_release);
  }
};

/// The private columns of an index, as pointers to members.
struct GenealogyIndexProbe {
  static constexpr auto types = &GenealogyIndex::type_;
  static constexpr auto statuses = &GenealogyIndex::status_;
  static constexpr auto ranks = &GenealogyIndex::rank_;
  static constexpr auto zones = &GenealogyIndex::zone_;
  static constexpr auto zone_names = &GenealogyIndex::zone_names_;
};

/// Checks every invariant of `tree` (named `network` in the violations);
/// returns what is broken, at most `limit` violations. Linear in the tree's
/// size. Derived figures (open depths, sizes, pre-order) are checked only
/// when the structure (lists, parents, cycles, sibling order) is sound: a
/// broken structure would make each of them wrong too. Needs shared access.
std::vector<Violation> check_tree(const NetworkTree& tree, const std::string& network,
                                  std::size_t limit = 100);

/// Checks the index's columns (equal lengths, values in range) and every
/// tree, `networks[i]` naming tree i; at most `limit` violations.
std::vector<Violation> check_index(const GenealogyIndex& index,
                                   std::span<const std::string> networks, std::size_t limit = 100);

}  // namespace internal
DOWNLINE_END_NAMESPACE

#include "genealogy/verify.hpp"

#include <algorithm>
#include <string_view>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

namespace {

using P = NetworkTreeProbe;

std::string who(Node n) {
  return n == kNoNode ? std::string("none (a network parent)")
                      : "person " + std::to_string(static_cast<std::uint64_t>(n) + 1);
}

std::string list_of(Node owner) {
  return owner == kNoNode
             ? std::string("the list of network parents")
             : "the child list of person " + std::to_string(static_cast<std::uint64_t>(owner) + 1);
}

// Collects violations up to the limit.
class Report {
 public:
  Report(const std::string& network, std::size_t limit, std::vector<Violation>& out)
      : network_(network), limit_(limit), out_(out) {}

  bool full() const { return out_.size() >= limit_; }
  void add(std::string_view rule, Node n, std::string message) {
    if (full()) return;
    out_.push_back(Violation{std::string(rule), network_,
                             n == kNoNode ? PersonId{} : GenealogyIndex::id_of(n),
                             std::move(message)});
  }

 private:
  const std::string& network_;
  std::size_t limit_;
  std::vector<Violation>& out_;
};

// The tree as its child lists say, and whether those lists hold together.
struct Lists {
  std::vector<std::uint32_t> in_lists;  // number of child lists a node is in
  std::vector<Node> owner, owner2;      // owners of the first two (kNoNode: the roots' list)
  std::vector<std::uint32_t> length;    // length of a node's own child list
  std::vector<bool> whole;              // the node's list was walked to its end
  bool sound = true;
};

class TreeChecker {
 public:
  TreeChecker(const NetworkTree& t, Report& r)
      : t_(t),
        r_(r),
        shape_(t.*P::shape),
        parent_(t.*P::parent),
        first_child_(t.*P::first_child),
        last_child_(t.*P::last_child),
        next_sibling_(t.*P::next_sibling),
        depth_(t.*P::depth),
        position_(t.*P::position),
        child_count_(t.*P::child_count),
        state_(t.*P::state),
        n_(parent_.size()) {}

  void run() {
    if (!sizes_agree()) return;
    placed_.resize(n_);
    for (Node v = 0; v < n_; ++v) {
      placed_[v] = state_[v] == static_cast<std::uint8_t>(NodeState::placed);
      if (state_[v] > static_cast<std::uint8_t>(NodeState::dropout))
        r_.add("bad_value", v, "state " + std::to_string(state_[v]) + " is not a node state");
    }
    walk_lists();
    check_membership();
    check_parent_chains();
    check_nodes();
    check_placed_count();
    if (r_.full() || !sound_) return;
    // The structure holds: every placed node is reached from a network parent.
    fresh_walk();
    check_ordered();
    check_open_depths();
    check_sizes();
    check_intervals();
  }

 private:
  bool same_size(std::size_t size, std::string_view name) {
    if (size == n_) return true;
    r_.add("column_size", kNoNode,
           std::string(name) + " has " + std::to_string(size) + " entries for " +
               std::to_string(n_) + " nodes");
    return false;
  }

  bool sizes_agree() {
    bool ok = same_size(first_child_.size(), "first_child");
    ok = same_size(last_child_.size(), "last_child") && ok;
    ok = same_size(next_sibling_.size(), "next_sibling") && ok;
    ok = same_size(depth_.size(), "depth") && ok;
    ok = same_size(position_.size(), "position") && ok;
    ok = same_size(child_count_.size(), "child_count") && ok;
    ok = same_size(state_.size(), "state") && ok;
    if (shape_.width != 0) ok = same_size((t_.*P::open_depth).size(), "open_depth") && ok;
    if (shape_.track_sizes) ok = same_size((t_.*P::size).size(), "size") && ok;
    return ok;
  }

  // Walks the roots' list and every node's child list. A sound tree visits
  // each placed node once; the budget stops lists that share tails or loop.
  void walk_lists() {
    lists_.in_lists.assign(n_, 0);
    lists_.owner.assign(n_, kNoNode);
    lists_.owner2.assign(n_, kNoNode);
    lists_.length.assign(n_, 0);
    lists_.whole.assign(n_, false);
    mark_.assign(n_, kNoNode);
    budget_ = 2 * n_ + 2;
    walk_list(kNoNode, t_.*P::first_root, t_.*P::last_root);
    for (Node v = 0; v < n_ && !r_.full(); ++v) walk_list(v, first_child_[v], last_child_[v]);
    if (!lists_.sound) sound_ = false;
  }

  void walk_list(Node owner, Node head, Node tail) {
    if (budget_ == 0) return;
    const Node id = owner == kNoNode ? static_cast<Node>(n_) : owner;
    Node last = kNoNode;
    std::uint32_t length = 0;
    for (Node c = head; c != kNoNode; c = next_sibling_[c]) {
      if (c >= n_) {
        r_.add("broken_list", owner,
               list_of(owner) + " links to node " + std::to_string(c) + " beyond the tree's " +
                   std::to_string(n_));
        lists_.sound = false;
        return;
      }
      if (mark_[c] == id) {
        r_.add("broken_list", owner, list_of(owner) + " comes back to " + who(c));
        lists_.sound = false;
        return;
      }
      if (--budget_ == 0) {
        all_walked_ = false;
        r_.add("broken_list", owner,
               "the child lists hold more entries than the tree has nodes (shared tails)");
        lists_.sound = false;
        return;
      }
      mark_[c] = id;
      ++length;
      if (lists_.in_lists[c]++ == 0)
        lists_.owner[c] = owner;
      else if (lists_.in_lists[c] == 2)
        lists_.owner2[c] = owner;
      last = c;
    }
    if (last != tail) {
      r_.add("broken_list", owner,
             list_of(owner) + " ends at " + (last == kNoNode ? "no one" : who(last)) +
                 " but its last-child link names " + (tail == kNoNode ? "no one" : who(tail)));
      lists_.sound = false;
    }
    if (owner != kNoNode) {
      lists_.length[owner] = length;
      lists_.whole[owner] = true;
    }
  }

  void check_membership() {
    for (Node v = 0; v < n_ && !r_.full(); ++v) {
      const std::uint32_t in = lists_.in_lists[v];
      if (!placed_[v]) {
        std::string what;
        if (parent_[v] != kNoNode) what += ", a parent (" + who(parent_[v]) + ")";
        if (first_child_[v] != kNoNode || last_child_[v] != kNoNode || child_count_[v] != 0)
          what += ", children";
        if (in != 0) what += ", a place in " + list_of(lists_.owner[v]);
        if (!what.empty()) {
          r_.add("unplaced_linked", v,
                 "a node out of the tree (lobby or dropout) has" + what.substr(1));
          sound_ = false;
        }
        continue;
      }
      if (in == 0) {
        // Lists left unwalked (shared tails) would make everyone after them look unlisted.
        if (all_walked_)
          r_.add("unlisted", v,
                 "placed, with parent " + who(parent_[v]) + ", but in no child list");
        sound_ = false;
      } else if (in > 1) {
        r_.add("second_parent", v,
               "in " + std::to_string(in) + " child lists: " + list_of(lists_.owner[v]) + " and " +
                   list_of(lists_.owner2[v]));
        sound_ = false;
      } else if (lists_.owner[v] != parent_[v]) {
        r_.add("wrong_parent", v,
               "its parent is " + who(parent_[v]) + " but it is in " + list_of(lists_.owner[v]));
        sound_ = false;
      }
    }
  }

  // Every placed node reaches a network parent; true depths on the way.
  void check_parent_chains() {
    seen_.assign(n_, kNew);
    true_depth_.assign(n_, 0);
    std::vector<Node> path;
    for (Node v = 0; v < n_ && !r_.full(); ++v) {
      if (!placed_[v] || seen_[v] != kNew) continue;
      path.clear();
      Node u = v;
      bool rooted = false;
      std::uint32_t base = 0;  // depth of the first node below the path's end
      while (true) {
        if (u == kNoNode) {
          rooted = true;
          break;
        }
        // A parent beyond the tree or out of it is reported with the lists.
        if (u >= n_ || !placed_[u] || seen_[u] == kAdrift) break;
        if (seen_[u] == kRooted) {
          rooted = true;
          base = true_depth_[u] + 1;
          break;
        }
        if (seen_[u] == kOnPath) {
          report_cycle(path, u);
          break;
        }
        seen_[u] = kOnPath;
        path.push_back(u);
        u = parent_[u];
      }
      for (auto it = path.rbegin(); it != path.rend(); ++it) {
        seen_[*it] = rooted ? kRooted : kAdrift;
        if (rooted) true_depth_[*it] = base++;
      }
    }
  }

  void report_cycle(const std::vector<Node>& path, Node start) {
    const auto from = std::find(path.begin(), path.end(), start);
    const Node lowest = *std::min_element(from, path.end());
    std::string round;
    std::size_t shown = 0;
    for (auto it = from; it != path.end() && shown < 6; ++it, ++shown)
      round += std::to_string(static_cast<std::uint64_t>(*it) + 1) + " -> ";
    if (static_cast<std::size_t>(path.end() - from) > shown) round += "... -> ";
    round += std::to_string(static_cast<std::uint64_t>(start) + 1);
    r_.add("cycle", lowest,
           std::to_string(path.end() - from) + " persons are each other's uplines (" + round +
               ") and reach no network parent");
    sound_ = false;
  }

  void check_nodes() {
    for (Node v = 0; v < n_ && !r_.full(); ++v) {
      if (!placed_[v]) continue;
      if (seen_[v] == kRooted) {
        if (depth_[v] != true_depth_[v])
          r_.add("stale_depth", v,
                 "level " + std::to_string(depth_[v]) + " stored, " +
                     std::to_string(true_depth_[v]) + " by its path (" +
                     (parent_[v] == kNoNode ? std::string("a network parent")
                                            : "its parent's level + 1") +
                     ")");
        if (shape_.max_depth != 0 && true_depth_[v] > shape_.max_depth)
          r_.add("too_deep", v,
                 "at level " + std::to_string(true_depth_[v]) + " in a network " +
                     std::to_string(shape_.max_depth) + " levels deep");
      }
      if (!lists_.whole[v]) continue;
      const std::uint32_t children = lists_.length[v];
      if (child_count_[v] != children)
        r_.add("child_count", v,
               "child_count " + std::to_string(child_count_[v]) + ", " + std::to_string(children) +
                   " in its child list");
      const bool over = shape_.width != 0 && children > shape_.width;
      if (over)
        r_.add("over_wide", v,
               std::to_string(children) + " children in a network " + std::to_string(shape_.width) +
                   " wide");
      check_siblings(v, over);
    }
  }

  // Slots in increasing order, one child each, within the width (the
  // children past the width of an over-wide node are that node's fault).
  void check_siblings(Node v, bool over_wide) {
    Node prev = kNoNode;
    for (Node c = first_child_[v]; c != kNoNode; prev = c, c = next_sibling_[c]) {
      const std::uint32_t pos = position_[c];
      if (shape_.width != 0 && pos >= shape_.width && !over_wide)
        r_.add("position_range", c,
               "in slot " + std::to_string(pos) + " of a network " + std::to_string(shape_.width) +
                   " wide");
      if (prev == kNoNode) continue;
      if (pos == position_[prev]) {
        r_.add("duplicate_position", c,
               "shares slot " + std::to_string(pos) + " under " + who(v) + " with " + who(prev));
      } else if (pos < position_[prev]) {
        r_.add("sibling_order", c,
               "slot " + std::to_string(pos) + " comes after slot " +
                   std::to_string(position_[prev]) + " (" + who(prev) + ") under " + who(v));
        sound_ = false;
      }
    }
  }

  void check_placed_count() {
    const auto placed = static_cast<std::size_t>(std::count(placed_.begin(), placed_.end(), true));
    if ((t_.*P::placed_count) != placed)
      r_.add("placed_count", kNoNode,
             "placed_count " + std::to_string(t_.*P::placed_count) + ", " + std::to_string(placed) +
                 " nodes placed");
  }

  // Pre-order through the lists, as the interval rebuild walks them.
  void fresh_walk() {
    walk_.clear();
    walk_.reserve(n_);
    enter_.assign(n_, 0);
    exit_.assign(n_, 0);
    for (Node root = t_.*P::first_root; root != kNoNode; root = next_sibling_[root]) {
      Node v = root;
      while (true) {
        enter_[v] = static_cast<std::uint32_t>(walk_.size());
        walk_.push_back(v);
        if (first_child_[v] != kNoNode) {
          v = first_child_[v];
          continue;
        }
        while (true) {
          exit_[v] = static_cast<std::uint32_t>(walk_.size());
          if (v == root || next_sibling_[v] != kNoNode) break;
          v = parent_[v];
        }
        if (v == root) break;
        v = next_sibling_[v];
      }
    }
  }

  void check_ordered() {
    if (!(t_.*P::ordered)) return;
    // Children after their parent and their earlier siblings, roots in node
    // order: what the two-pass interval rebuild relies on.
    for (Node v : walk_) {
      if (r_.full()) return;
      const Node next = next_sibling_[v];
      if (parent_[v] != kNoNode && v < parent_[v])
        r_.add("stale_ordered", v,
               "the tree is marked ordered but " + who(v) + " is below " + who(parent_[v]));
      else if (next != kNoNode && next < v)
        r_.add("stale_ordered", next,
               "the tree is marked ordered but " + who(next) + " follows " + who(v));
    }
  }

  void check_open_depths() {
    if (shape_.width == 0) return;
    const auto& stored = t_.*P::open_depth;
    std::vector<std::uint32_t> expected(n_, kNoDepth);
    for (auto it = walk_.rbegin(); it != walk_.rend(); ++it) {
      const Node v = *it;
      const bool deepest = shape_.max_depth != 0 && true_depth_[v] >= shape_.max_depth;
      if (!deepest && lists_.length[v] < shape_.width) {
        expected[v] = 1;
        continue;
      }
      std::uint32_t best = kNoDepth;
      for (Node c = first_child_[v]; c != kNoNode; c = next_sibling_[c])
        best = std::min(best, expected[c]);
      expected[v] = best == kNoDepth ? kNoDepth : best + 1;
    }
    const auto text = [](std::uint32_t d) {
      return d == kNoDepth ? std::string("none") : std::to_string(d);
    };
    for (Node v = 0; v < n_ && !r_.full(); ++v)
      if (stored[v] != expected[v])
        r_.add("stale_open_depth", v,
               "nearest open position " + text(stored[v]) + " levels down stored, " +
                   text(expected[v]) + " by the tree");
  }

  void check_sizes() {
    if (!shape_.track_sizes) return;
    const auto& stored = t_.*P::size;
    for (Node v : walk_) {
      if (r_.full()) return;
      const std::uint32_t size = exit_[v] - enter_[v];
      if (stored[v] != size)
        r_.add("stale_size", v,
               "subtree size " + std::to_string(stored[v]) + " stored, " + std::to_string(size) +
                   " by the tree");
    }
  }

  // Read only while fresh: then no reader rebuilds them (a rebuild needs
  // them stale, and making them stale needs exclusive access).
  void check_intervals() {
    if (!t_.intervals_fresh()) return;
    const auto& preorder = t_.*P::preorder;
    const auto& enter = t_.*P::enter;
    const auto& exit = t_.*P::exit;
    const auto& pre_depth = t_.*P::pre_depth;
    const auto& pre_parent = t_.*P::pre_parent;
    const std::size_t m = walk_.size();
    if (preorder.size() != m) {
      r_.add("stale_preorder", kNoNode,
             "the pre-order holds " + std::to_string(preorder.size()) + " nodes, " +
                 std::to_string(m) + " are placed");
    } else {
      for (std::size_t i = 0; i < m && !r_.full(); ++i)
        if (preorder[i] != walk_[i])
          r_.add("stale_preorder", walk_[i],
                 "pre-order position " + std::to_string(i) + " holds " + who(preorder[i]) +
                     ", a fresh walk puts " + who(walk_[i]) + " there");
    }
    for (Node v : walk_) {
      if (r_.full()) return;
      if (v >= enter.size() || v >= exit.size())
        r_.add("stale_interval", v, "no pre-order interval");
      else if (enter[v] != enter_[v] || exit[v] != exit_[v])
        r_.add("stale_interval", v,
               "interval [" + std::to_string(enter[v]) + ", " + std::to_string(exit[v]) +
                   ") stored, [" + std::to_string(enter_[v]) + ", " + std::to_string(exit_[v]) +
                   ") by a fresh walk");
    }
    if (pre_depth.size() != m) {
      r_.add("stale_pre_depth", kNoNode,
             "the pre-order depth copy holds " + std::to_string(pre_depth.size()) + " entries, " +
                 std::to_string(m) + " nodes are placed");
    } else {
      for (std::size_t i = 0; i < m && !r_.full(); ++i)
        if (pre_depth[i] != true_depth_[walk_[i]])
          r_.add("stale_pre_depth", walk_[i],
                 "pre-order position " + std::to_string(i) + " copies level " +
                     std::to_string(pre_depth[i]) + ", the node is at level " +
                     std::to_string(true_depth_[walk_[i]]));
    }
    if (pre_parent.size() != m) {
      r_.add("stale_pre_parent", kNoNode,
             "the pre-order parent copy holds " + std::to_string(pre_parent.size()) + " entries, " +
                 std::to_string(m) + " nodes are placed");
    } else {
      for (std::size_t i = 0; i < m && !r_.full(); ++i)
        if (pre_parent[i] != parent_[walk_[i]])
          r_.add("stale_pre_parent", walk_[i],
                 "pre-order position " + std::to_string(i) + " copies parent " +
                     who(pre_parent[i]) + ", the node's parent is " + who(parent_[walk_[i]]));
    }
  }

  enum : std::uint8_t { kNew, kOnPath, kRooted, kAdrift };  // a node's parent chain

  const NetworkTree& t_;
  Report& r_;
  const TreeShape& shape_;
  const std::vector<Node>& parent_;
  const std::vector<Node>& first_child_;
  const std::vector<Node>& last_child_;
  const std::vector<Node>& next_sibling_;
  const std::vector<std::uint32_t>& depth_;
  const std::vector<std::uint32_t>& position_;
  const std::vector<std::uint32_t>& child_count_;
  const std::vector<std::uint8_t>& state_;
  const std::size_t n_;

  bool sound_ = true;
  std::vector<bool> placed_;
  Lists lists_;
  std::vector<Node> mark_;  // the list a node was last met in (cycle guard)
  std::size_t budget_ = 0;
  bool all_walked_ = true;
  std::vector<std::uint8_t> seen_;
  std::vector<std::uint32_t> true_depth_;
  std::vector<Node> walk_;
  std::vector<std::uint32_t> enter_, exit_;
};

}  // namespace

std::vector<Violation> check_tree(const NetworkTree& tree, const std::string& network,
                                  std::size_t limit) {
  std::vector<Violation> out;
  if (limit == 0) return out;
  Report report(network, limit, out);
  TreeChecker(tree, report).run();
  return out;
}

std::vector<Violation> check_index(const GenealogyIndex& index,
                                   std::span<const std::string> networks, std::size_t limit) {
  std::vector<Violation> out;
  if (limit == 0) return out;
  const std::string none;
  Report report(none, limit, out);
  using X = GenealogyIndexProbe;
  const auto& types = index.*X::types;
  const auto& statuses = index.*X::statuses;
  const auto& ranks = index.*X::ranks;
  const auto& zones = index.*X::zones;
  const auto& zone_names = index.*X::zone_names;
  const std::size_t n = types.size();
  bool columns = true;
  const auto same = [&](std::size_t size, std::string_view name) {
    if (size == n) return;
    report.add("column_size", kNoNode,
               std::string(name) + " has " + std::to_string(size) + " entries for " +
                   std::to_string(n) + " persons");
    columns = false;
  };
  same(statuses.size(), "status");
  same(ranks.size(), "rank");
  same(zones.size(), "zone");
  if (networks.size() != index.network_count())
    report.add("column_size", kNoNode,
               std::to_string(networks.size()) + " network names for " +
                   std::to_string(index.network_count()) + " trees");
  if (zone_names.empty() || !zone_names.front().empty())
    report.add("bad_value", kNoNode, "zone 0 is not the empty zone");
  for (Node v = 0; columns && v < n && !report.full(); ++v) {
    if (types[v] > static_cast<std::uint8_t>(CustomerType::consultant))
      report.add("bad_value", v, "type " + std::to_string(types[v]) + " is not a customer type");
    if (statuses[v] > static_cast<std::uint8_t>(Status::retired))
      report.add("bad_value", v, "status " + std::to_string(statuses[v]) + " is not a status");
    if (zones[v] >= zone_names.size())
      report.add("bad_value", v, "zone " + std::to_string(zones[v]) + " has no name");
  }
  for (std::size_t k = 0; k < index.network_count() && !report.full(); ++k) {
    const std::string name = k < networks.size() ? networks[k] : "#" + std::to_string(k);
    const NetworkTree& tree = index.tree(k);
    if (tree.size() != n) {
      Report tree_report(name, limit, out);
      tree_report.add("column_size", kNoNode,
                      "the tree has " + std::to_string(tree.size()) + " nodes for " +
                          std::to_string(n) + " persons");
    }
    auto found = check_tree(tree, name, limit - out.size());
    out.insert(out.end(), std::make_move_iterator(found.begin()),
               std::make_move_iterator(found.end()));
  }
  return out;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

#include "genealogy/network_index.hpp"

#include <downline/error.hpp>

#include <algorithm>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

// --- structure ---------------------------------------------------------------

void NetworkTree::link_child(Node node, Node parent) {
  Node& first = parent == kNoNode ? first_root_ : first_child_[parent];
  Node& last = parent == kNoNode ? last_root_ : last_child_[parent];
  next_sibling_[node] = kNoNode;
  // Siblings stay in position order (slots; arrival order in unlimited
  // trees), so pre-order reads the left leg first and is the same in every
  // process and after a reopen.
  if (parent != kNoNode && last != kNoNode && position_[last] > position_[node]) {
    Node* link = &first;
    while (position_[*link] < position_[node]) link = &next_sibling_[*link];
    next_sibling_[node] = *link;
    *link = node;
    ordered_ = false;
  } else {
    if (last == kNoNode)
      first = node;
    else
      next_sibling_[last] = node;
    if ((parent != kNoNode && node < parent) || (last != kNoNode && node < last)) ordered_ = false;
    last = node;
  }
  parent_[node] = parent;
  if (parent != kNoNode) ++child_count_[parent];
}

void NetworkTree::unlink_child(Node node) {
  const Node parent = parent_[node];
  Node& first = parent == kNoNode ? first_root_ : first_child_[parent];
  Node& last = parent == kNoNode ? last_root_ : last_child_[parent];
  Node prev = kNoNode;
  for (Node c = first; c != node; c = next_sibling_[c]) {
    if (c == kNoNode) throw Internal("network tree: node not among its parent's children");
    prev = c;
  }
  (prev == kNoNode ? first : next_sibling_[prev]) = next_sibling_[node];
  if (last == node) last = prev;
  next_sibling_[node] = kNoNode;
  parent_[node] = kNoNode;
  if (parent != kNoNode) --child_count_[parent];
}

void NetworkTree::changed() {
  hints_valid_ = false;
  intervals_fresh_.store(false, std::memory_order_release);
}

void NetworkTree::append(Node node, Node parent, std::uint32_t position, NodeState state) {
  if (node != size() || (parent != kNoNode && parent >= node))
    throw Internal("network tree: bad append");
  parent_.push_back(kNoNode);
  first_child_.push_back(kNoNode);
  last_child_.push_back(kNoNode);
  next_sibling_.push_back(kNoNode);
  depth_.push_back(0);
  position_.push_back(0);
  child_count_.push_back(0);
  state_.push_back(
      static_cast<std::uint8_t>(state == NodeState::placed ? NodeState::lobby : state));
  if (shape_.width != 0) open_depth_.push_back(kNoDepth);
  if (shape_.track_sizes) size_.push_back(1);
  for (auto& h : hint_)
    if (!h.empty()) h.push_back(kNoNode);
  if (state != NodeState::placed) return;  // an unplaced node changes no interval
  place(node, parent, position);
}

void NetworkTree::place(Node node, Node parent, std::uint32_t position) {
  if (placed(node) || (parent != kNoNode && !placed(parent)))
    throw Internal("network tree: bad placement");
  state_[node] = static_cast<std::uint8_t>(NodeState::placed);
  position_[node] = position;
  depth_[node] = parent == kNoNode ? 0 : depth_[parent] + 1;
  link_child(node, parent);
  ++placed_count_;
  if (shape_.width != 0) {
    open_depth_[node] = compute_open_depth(node);
    refresh_open_depth_up(parent);
  }
  if (shape_.track_sizes) {
    size_[node] = 1;  // a lifted node comes back alone: its former downline stayed behind
    add_size_up(parent, 1);
  }
  // A new leaf only lengthens the leg it ends: the leg-end hints stay true.
  intervals_fresh_.store(false, std::memory_order_release);
}

void NetworkTree::move(Node node, Node parent, std::uint32_t position) {
  const Node old = parent_[node];
  if (shape_.track_sizes) add_size_up(old, -static_cast<std::int64_t>(size_[node]));
  unlink_child(node);
  if (shape_.width != 0) refresh_open_depth_up(old);
  position_[node] = position;
  link_child(node, parent);
  ordered_ = false;
  set_subtree_depths(node);
  if (shape_.width != 0) {
    if (shape_.max_depth != 0)
      recompute_open_depths(node);  // depths changed: so did who may take children
    refresh_open_depth_up(parent);
  }
  if (shape_.track_sizes) add_size_up(parent, size_[node]);
  changed();
}

void NetworkTree::unplace(Node node, NodeState state) {
  if (!placed(node) || first_child_[node] != kNoNode)
    throw Internal("network tree: unplacing a node with children");
  const Node old = parent_[node];
  if (shape_.track_sizes) add_size_up(old, -1);
  unlink_child(node);
  if (shape_.width != 0) {
    open_depth_[node] = kNoDepth;
    refresh_open_depth_up(old);
  }
  state_[node] = static_cast<std::uint8_t>(state);
  depth_[node] = 0;
  position_[node] = 0;
  --placed_count_;
  changed();
}

bool NetworkTree::children_fit_above(Node node) const {
  const Node parent = parent_[node];
  if (parent == kNoNode || shape_.width == 0) return true;
  // The node's own slot frees up.
  return child_count_[node] <= shape_.width - child_count_[parent] + 1;
}

std::vector<std::pair<Node, std::uint32_t>> NetworkTree::lift(Node node, NodeState state) {
  const Node parent = parent_[node];
  const std::uint32_t slot = position_[node];
  std::vector<std::pair<Node, std::uint32_t>> children;
  for (Node c = first_child_[node]; c != kNoNode; c = next_sibling_[c])
    children.emplace_back(c, position_[c]);
  if (shape_.track_sizes) add_size_up(parent, -1);
  unlink_child(node);
  bool first = true;
  for (const auto& [c, old_position] : children) {
    unlink_child(c);
    std::uint32_t position = 0;
    if (parent != kNoNode) position = first && shape_.width != 0 ? slot : free_slot(parent);
    first = false;
    position_[c] = position;
    link_child(c, parent);
    set_subtree_depths(c);
    if (shape_.width != 0 && shape_.max_depth != 0) recompute_open_depths(c);
  }
  ordered_ = ordered_ && children.empty();
  state_[node] = static_cast<std::uint8_t>(state);
  depth_[node] = 0;
  position_[node] = 0;
  --placed_count_;
  if (shape_.width != 0) {
    open_depth_[node] = kNoDepth;
    refresh_open_depth_up(parent);
  }
  changed();
  return children;
}

void NetworkTree::unlift(Node node, Node parent, std::uint32_t position,
                         const std::vector<std::pair<Node, std::uint32_t>>& children) {
  place(node, kNoNode, 0);
  for (const auto& [c, old_position] : children) move(c, node, old_position);
  move(node, parent, position);
}

std::uint32_t NetworkTree::height(Node root) const {
  std::uint32_t deepest = depth_[root];
  Node v = root;
  while (true) {
    if (first_child_[v] != kNoNode) {
      v = first_child_[v];
    } else {
      while (v != root && next_sibling_[v] == kNoNode) v = parent_[v];
      if (v == root) break;
      v = next_sibling_[v];
    }
    deepest = std::max(deepest, depth_[v]);
  }
  return deepest - depth_[root];
}

void NetworkTree::truncate(std::size_t n) {
  for (std::size_t v = size(); v-- > n;) {
    const Node node = static_cast<Node>(v);
    if (placed(node)) {
      const Node parent = parent_[node];
      if (first_child_[node] != kNoNode) throw Internal("network tree: truncating a parent");
      if (shape_.track_sizes) add_size_up(parent, -1);
      unlink_child(node);
      if (shape_.width != 0) refresh_open_depth_up(parent);
      --placed_count_;
    }
    parent_.pop_back();
    first_child_.pop_back();
    last_child_.pop_back();
    next_sibling_.pop_back();
    depth_.pop_back();
    position_.pop_back();
    child_count_.pop_back();
    state_.pop_back();
    if (shape_.width != 0) open_depth_.pop_back();
    if (shape_.track_sizes) size_.pop_back();
  }
  changed();
}

void NetworkTree::set_subtree_depths(Node root) {
  depth_[root] = parent_[root] == kNoNode ? 0 : depth_[parent_[root]] + 1;
  // Threaded walk: no stack, one step per edge.
  Node v = root;
  while (true) {
    if (first_child_[v] != kNoNode) {
      v = first_child_[v];
    } else {
      while (v != root && next_sibling_[v] == kNoNode) v = parent_[v];
      if (v == root) return;
      v = next_sibling_[v];
    }
    depth_[v] = depth_[parent_[v]] + 1;
  }
}

void NetworkTree::add_size_up(Node from, std::int64_t delta) {
  for (Node u = from; u != kNoNode; u = parent_[u])
    size_[u] = static_cast<std::uint32_t>(static_cast<std::int64_t>(size_[u]) + delta);
}

// --- open positions ----------------------------------------------------------

Node NetworkTree::child_at(Node parent, std::uint32_t position) const {
  for (Node c = first_child_[parent]; c != kNoNode; c = next_sibling_[c])
    if (position_[c] == position) return c;
  return kNoNode;
}

bool NetworkTree::has_room(Node parent) const {
  if (shape_.max_depth != 0 && depth_[parent] >= shape_.max_depth) return false;
  return shape_.width == 0 || child_count_[parent] < shape_.width;
}

bool NetworkTree::slot_free(Node parent, std::uint32_t position) const {
  if (!has_room(parent)) return false;
  if (shape_.width == 0) return true;
  return position < shape_.width && child_at(parent, position) == kNoNode;
}

std::uint32_t NetworkTree::free_slot(Node parent) const {
  if (shape_.width == 0) {
    const Node last = last_child_[parent];
    return last == kNoNode ? 0 : position_[last] + 1;
  }
  std::uint32_t slot = 0;
  for (Node c = first_child_[parent]; c != kNoNode && position_[c] == slot; c = next_sibling_[c])
    ++slot;
  return slot;
}

std::uint32_t NetworkTree::compute_open_depth(Node n) const {
  if (has_room(n)) return 1;
  std::uint32_t best = kNoDepth;
  for (Node c = first_child_[n]; c != kNoNode; c = next_sibling_[c])
    best = std::min(best, open_depth_[c]);
  return best == kNoDepth ? kNoDepth : best + 1;
}

void NetworkTree::refresh_open_depth_up(Node from) {
  for (Node u = from; u != kNoNode; u = parent_[u]) {
    const std::uint32_t d = compute_open_depth(u);
    if (d == open_depth_[u]) return;  // nothing above can change either
    open_depth_[u] = d;
  }
}

void NetworkTree::recompute_open_depths(Node root) {
  // Post-order over the subtree: children before their parent.
  Node v = root;
  while (first_child_[v] != kNoNode) v = first_child_[v];
  while (true) {
    open_depth_[v] = compute_open_depth(v);
    if (v == root) return;
    if (next_sibling_[v] != kNoNode) {
      v = next_sibling_[v];
      while (first_child_[v] != kNoNode) v = first_child_[v];
    } else {
      v = parent_[v];
    }
  }
}

OpenPosition NetworkTree::first_open(Node start, std::uint32_t window) const {
  if (!placed(start)) return {};
  if (shape_.width == 0)
    return has_room(start) ? OpenPosition{start, free_slot(start)} : OpenPosition{};
  std::uint32_t need = open_depth_[start];
  if (need == kNoDepth || (window != 0 && need > window)) return {};
  Node u = start;
  while (need > 1) {
    Node next = kNoNode;
    for (Node c = first_child_[u]; c != kNoNode; c = next_sibling_[c])
      if (open_depth_[c] == need - 1) {
        next = c;
        break;
      }
    if (next == kNoNode) throw Internal("network tree: open depths are stale");
    u = next;
    --need;
  }
  return {u, free_slot(u)};
}

std::vector<OpenPosition> NetworkTree::open_positions(Node start, std::size_t limit,
                                                      std::uint32_t window) const {
  std::vector<OpenPosition> out;
  if (!placed(start) || limit == 0) return out;
  // Breadth-first, one level at a time; width-limited trees skip subtrees
  // whose nearest open position is deeper than the level being read.
  std::vector<Node> level{start}, next;
  for (std::uint32_t rel = 1; !level.empty() && out.size() < limit; ++rel) {
    if (window != 0 && rel > window) break;
    next.clear();
    for (Node u : level) {
      if (shape_.width == 0) {
        if (has_room(u)) out.push_back({u, free_slot(u)});
      } else if (has_room(u)) {
        for (std::uint32_t slot = 0; slot < shape_.width && out.size() < limit; ++slot)
          if (child_at(u, slot) == kNoNode) out.push_back({u, slot});
      }
      if (out.size() >= limit) break;
      for (Node c = first_child_[u]; c != kNoNode; c = next_sibling_[c])
        if (shape_.width == 0 || open_depth_[c] != kNoDepth) next.push_back(c);
    }
    level.swap(next);
  }
  return out;
}

OpenPosition NetworkTree::extreme(Node start, std::uint32_t side) const {
  if (!placed(start)) return {};
  const int h = side == 0 ? 0 : 1;
  std::vector<Node>& hint = hint_[h];
  if (!hints_valid_) {
    for (auto& other : hint_) other.clear();
    hints_valid_ = true;
  }
  if (hint.size() != size()) hint.assign(size(), kNoNode);
  // Union-find style: jump along remembered leg ends, then point every
  // node passed at the end found (path compression).
  Node u = start;
  std::vector<Node> passed;
  while (true) {
    if (hint[u] != kNoNode && hint[u] != u) {
      passed.push_back(u);
      u = hint[u];
      continue;
    }
    const Node c = child_at(u, side);
    if (c == kNoNode) break;
    passed.push_back(u);
    u = c;
  }
  for (Node p : passed) hint[p] = u;
  if (!slot_free(u, side)) return {};
  return {u, side};
}

// --- intervals ---------------------------------------------------------------

void NetworkTree::assign(std::span<const Node> parents, std::span<const std::uint32_t> positions,
                         std::span<const NodeState> states) {
  const std::size_t n = parents.size();
  parent_.assign(n, kNoNode);
  first_child_.assign(n, kNoNode);
  last_child_.assign(n, kNoNode);
  next_sibling_.assign(n, kNoNode);
  depth_.assign(n, 0);
  position_.assign(n, 0);
  child_count_.assign(n, 0);
  state_.assign(n, static_cast<std::uint8_t>(NodeState::placed));
  open_depth_.clear();
  size_.clear();
  for (auto& h : hint_) h.clear();
  hints_valid_ = false;
  first_root_ = last_root_ = kNoNode;
  ordered_ = true;
  placed_count_ = 0;
  for (Node i = 0; i < n; ++i) {
    if (!states.empty()) state_[i] = static_cast<std::uint8_t>(states[i]);
    if (!positions.empty()) position_[i] = positions[i];
  }
  for (Node i = 0; i < n; ++i) {
    if (!placed(i)) continue;
    const Node p = parents[i];
    if (p != kNoNode && (p >= n || !placed(p)))
      throw DataLoss("network node " + std::to_string(i + 1) + " has an unknown parent");
    if (positions.empty() && p != kNoNode) position_[i] = free_slot(p);
    link_child(i, p);
    ++placed_count_;
  }
  // The walk reaches only nodes under a network parent: any other sits on a
  // cycle. An ordered tree cannot have one.
  if (ordered_)
    rebuild_intervals_ordered();
  else
    rebuild_intervals_by_walk();
  if (preorder_.size() != placed_count_) throw DataLoss("the stored network contains a cycle");
  for (Node v : preorder_) depth_[v] = parent_[v] == kNoNode ? 0 : depth_[parent_[v]] + 1;
  fill_preorder_columns();
  for (Node i = 0; i < n; ++i) {
    if (!placed(i) || parent_[i] == kNoNode) continue;
    if (shape_.width != 0 &&
        (position_[i] >= shape_.width || child_count_[parent_[i]] > shape_.width))
      throw DataLoss("network node " + std::to_string(i + 1) + " is in slot " +
                     std::to_string(position_[i]) + " of a network " +
                     std::to_string(shape_.width) + " wide");
    const Node next = next_sibling_[i];
    if (shape_.width != 0 && next != kNoNode && position_[next] == position_[i])
      throw DataLoss("two network nodes share slot " + std::to_string(position_[i]) +
                     " under person " + std::to_string(parent_[i] + 1));
  }
  if (shape_.width != 0) {
    open_depth_.assign(n, kNoDepth);
    // Reverse pre-order: children before parents.
    for (std::size_t pos = preorder_.size(); pos-- > 0;)
      open_depth_[preorder_[pos]] = compute_open_depth(preorder_[pos]);
  }
  if (shape_.track_sizes) {
    size_.assign(n, 1);
    for (Node v = 0; v < n; ++v)
      if (placed(v)) size_[v] = exit_[v] - enter_[v];
  }
  intervals_fresh_.store(true, std::memory_order_release);
}

void NetworkTree::ensure_intervals() const {
  if (intervals_fresh_.load(std::memory_order_acquire)) return;
  std::lock_guard lock(rebuild_mu_);
  if (intervals_fresh_.load(std::memory_order_relaxed)) return;
  rebuild_intervals();
}

void NetworkTree::rebuild_intervals() const {
  if (ordered_)
    rebuild_intervals_ordered();
  else
    rebuild_intervals_by_walk();
  fill_preorder_columns();
  intervals_fresh_.store(true, std::memory_order_release);
}

void NetworkTree::fill_preorder_columns() const {
  pre_depth_.resize(preorder_.size());
  pre_parent_.resize(preorder_.size());
  for (std::size_t pos = 0; pos < preorder_.size(); ++pos) {
    pre_depth_[pos] = depth_[preorder_[pos]];
    pre_parent_[pos] = parent_[preorder_[pos]];
  }
}

void NetworkTree::rebuild_intervals_ordered() const {
  // Children come after their parent and earlier siblings in node order, so
  // subtree sizes are one backward pass and pre-order positions one forward
  // pass. Unplaced nodes are skipped.
  const std::size_t n = parent_.size();
  enter_.resize(n);
  exit_.resize(n);
  preorder_.resize(placed_count_);
  std::vector<std::uint32_t>& size = exit_;
  for (std::size_t v = 0; v < n; ++v) size[v] = placed(static_cast<Node>(v)) ? 1u : 0u;
  for (std::size_t v = n; v-- > 0;)
    if (parent_[v] != kNoNode) size[parent_[v]] += size[v];
  std::vector<std::uint32_t>& next = scratch_;  // next free position below a node
  next.resize(n);
  std::uint32_t next_root = 0;
  for (std::size_t v = 0; v < n; ++v) {
    if (!placed(static_cast<Node>(v))) {
      enter_[v] = exit_[v] = 0;
      continue;
    }
    const Node p = parent_[v];
    std::uint32_t& slot = p == kNoNode ? next_root : next[p];
    enter_[v] = slot;
    slot += size[v];
    next[v] = enter_[v] + 1;
    exit_[v] = enter_[v] + size[v];
    preorder_[enter_[v]] = static_cast<Node>(v);
  }
}

void NetworkTree::rebuild_intervals_by_walk() const {
  const std::size_t n = parent_.size();
  enter_.assign(n, 0);
  exit_.assign(n, 0);
  preorder_.clear();
  preorder_.reserve(placed_count_);
  // Threaded walk: down through first children, across through siblings,
  // up through parents; no stack, one pass.
  for (Node root = first_root_; root != kNoNode; root = next_sibling_[root]) {
    Node v = root;
    while (true) {
      enter_[v] = static_cast<std::uint32_t>(preorder_.size());
      preorder_.push_back(v);
      if (preorder_.size() > n) return;  // a cycle: the caller sees the excess
      if (first_child_[v] != kNoNode) {
        v = first_child_[v];
        continue;
      }
      while (true) {
        exit_[v] = static_cast<std::uint32_t>(preorder_.size());
        if (v == root) break;
        if (next_sibling_[v] != kNoNode) {
          v = next_sibling_[v];
          break;
        }
        v = parent_[v];
      }
      if (v == root) break;
    }
  }
}

// --- the index ---------------------------------------------------------------

GenealogyIndex::GenealogyIndex(std::vector<TreeShape> shapes) {
  for (const auto& shape : shapes) trees_.push_back(std::make_unique<NetworkTree>(shape));
}

void GenealogyIndex::add_person(PersonId id, CustomerType type, Status status,
                                std::span<const NodePlacement> places, std::uint32_t zone) {
  if (id != next_id() || places.size() != trees_.size())
    throw Internal("genealogy index: person " + std::to_string(id.value()) + " out of order");
  const Node node = node_of(id);
  for (const auto& p : places)
    if (p.parent && !contains(p.parent))
      throw Internal("genealogy index: unknown parent " + std::to_string(p.parent.value()));
  for (std::size_t i = 0; i < trees_.size(); ++i)
    trees_[i]->append(node, places[i].parent ? node_of(places[i].parent) : kNoNode,
                      places[i].position, places[i].state);
  type_.push_back(static_cast<std::uint8_t>(type));
  status_.push_back(static_cast<std::uint8_t>(status));
  zone_.push_back(zone);
  rank_.push_back(0);
}

void GenealogyIndex::add_person(PersonId id, CustomerType type, Status status,
                                std::span<const PersonId> parents) {
  std::vector<NodePlacement> places(parents.size());
  for (std::size_t i = 0; i < parents.size(); ++i) {
    places[i].parent = parents[i];
    if (parents[i] && contains(parents[i]) && trees_.size() == parents.size())
      places[i].position = trees_[i]->free_slot(node_of(parents[i]));
  }
  add_person(id, type, status, places);
}

void GenealogyIndex::truncate(std::size_t n) {
  if (n >= size()) return;
  for (auto& t : trees_) t->truncate(n);
  type_.resize(n);
  status_.resize(n);
  zone_.resize(n);
  rank_.resize(n);
}

std::uint32_t GenealogyIndex::zone_id(std::string_view name) {
  if (auto id = find_zone(name)) return *id;
  zone_names_.emplace_back(name);
  return static_cast<std::uint32_t>(zone_names_.size() - 1);
}

std::optional<std::uint32_t> GenealogyIndex::find_zone(std::string_view name) const {
  for (std::size_t i = 0; i < zone_names_.size(); ++i)
    if (zone_names_[i] == name) return static_cast<std::uint32_t>(i);
  return std::nullopt;
}

void GenealogyIndex::assign(std::vector<std::uint8_t> types, std::vector<std::uint8_t> statuses,
                            std::vector<std::uint32_t> zones, std::vector<std::uint8_t> ranks,
                            std::vector<std::string> zone_names,
                            const std::vector<TreeColumns>& trees) {
  for (std::size_t i = 0; i < trees_.size(); ++i)
    trees_[i]->assign(trees[i].parents, trees[i].positions, trees[i].states);
  type_ = std::move(types);
  status_ = std::move(statuses);
  zone_ = std::move(zones);
  rank_ = std::move(ranks);
  zone_names_ = std::move(zone_names);
  if (zone_names_.empty()) zone_names_.emplace_back();
}

void GenealogyIndex::assign(std::vector<std::uint8_t> types, std::vector<std::uint8_t> statuses,
                            const std::vector<std::vector<Node>>& parents) {
  std::vector<TreeColumns> trees(parents.size());
  for (std::size_t i = 0; i < parents.size(); ++i) trees[i].parents = parents[i];
  const std::size_t n = types.size();
  assign(std::move(types), std::move(statuses), std::vector<std::uint32_t>(n, 0),
         std::vector<std::uint8_t>(n, 0), {}, trees);
}

std::uint64_t GenealogyIndex::digest() const {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a over every column
  auto mix = [&h](std::uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (i * 8)) & 0xff;
      h *= 1099511628211ull;
    }
  };
  mix(size());
  for (std::size_t n = 0; n < size(); ++n) {
    const Node node = static_cast<Node>(n);
    mix(type_[n]);
    mix(status_[n]);
    mix(zone_[n]);
    mix(rank_[n]);
    for (const auto& t : trees_) {
      mix(t->parent(node));
      mix(t->position(node));
      mix(static_cast<std::uint8_t>(t->state(node)));
    }
  }
  return h;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

#include "genealogy/network_index.hpp"

#include <downline/error.hpp>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

void NetworkTree::link_child(Node node, Node parent) {
  Node& last = parent == kNoNode ? last_root_ : last_child_[parent];
  Node& first = parent == kNoNode ? first_root_ : first_child_[parent];
  if (last == kNoNode)
    first = node;
  else
    next_sibling_[last] = node;
  last = node;
}

void NetworkTree::append(Node node, Node parent) {
  if (node != size() || (parent != kNoNode && parent >= node))
    throw Internal("network tree: bad append");
  parent_.push_back(parent);
  first_child_.push_back(kNoNode);
  last_child_.push_back(kNoNode);
  next_sibling_.push_back(kNoNode);
  depth_.push_back(parent == kNoNode ? 0 : depth_[parent] + 1);
  link_child(node, parent);
  intervals_fresh_.store(false, std::memory_order_release);
}

void NetworkTree::assign(std::span<const Node> parents) {
  const std::size_t n = parents.size();
  parent_.assign(parents.begin(), parents.end());
  first_child_.assign(n, kNoNode);
  last_child_.assign(n, kNoNode);
  next_sibling_.assign(n, kNoNode);
  depth_.assign(n, 0);
  first_root_ = last_root_ = kNoNode;
  ordered_ = true;
  for (Node i = 0; i < n; ++i) {
    if (parent_[i] != kNoNode && parent_[i] >= n)
      throw DataLoss("network node with unknown parent");
    if (parent_[i] != kNoNode && parent_[i] >= i) ordered_ = false;
    link_child(i, parent_[i]);
  }
  // The walk reaches only nodes under a network parent: any other sits on a
  // cycle. An ordered tree cannot have one.
  if (ordered_)
    rebuild_intervals_ordered();
  else
    rebuild_intervals_by_walk();
  if (preorder_.size() != n) throw DataLoss("the stored network contains a cycle");
  for (Node v : preorder_) depth_[v] = parent_[v] == kNoNode ? 0 : depth_[parent_[v]] + 1;
  fill_preorder_columns();
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
  // Children come after their parent and siblings in node order, so subtree
  // sizes are one backward pass and pre-order positions one forward pass.
  const std::size_t n = parent_.size();
  enter_.resize(n);
  exit_.resize(n);
  preorder_.resize(n);
  std::vector<std::uint32_t>& size = exit_;
  std::fill(size.begin(), size.end(), 1u);
  for (std::size_t v = n; v-- > 0;)
    if (parent_[v] != kNoNode) size[parent_[v]] += size[v];
  std::vector<std::uint32_t>& next = scratch_;  // next free position below a node
  next.resize(n);
  std::uint32_t next_root = 0;
  for (std::size_t v = 0; v < n; ++v) {
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
  enter_.resize(n);
  exit_.resize(n);
  preorder_.clear();
  preorder_.reserve(n);
  // Threaded walk: down through first children, across through siblings,
  // up through parents; no stack, one pass.
  for (Node root = first_root_; root != kNoNode; root = next_sibling_[root]) {
    Node v = root;
    while (true) {
      enter_[v] = static_cast<std::uint32_t>(preorder_.size());
      preorder_.push_back(v);
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

void GenealogyIndex::add_person(PersonId id, CustomerType type, Status status,
                                std::span<const PersonId> parents) {
  if (id != next_id() || parents.size() != trees_.size())
    throw Internal("genealogy index: person " + std::to_string(id.value()) + " out of order");
  const Node node = node_of(id);
  for (std::size_t i = 0; i < trees_.size(); ++i) {
    if (parents[i] && !contains(parents[i]))
      throw Internal("genealogy index: unknown parent " + std::to_string(parents[i].value()));
  }
  for (std::size_t i = 0; i < trees_.size(); ++i)
    trees_[i].append(node, parents[i] ? node_of(parents[i]) : kNoNode);
  type_.push_back(static_cast<std::uint8_t>(type));
  status_.push_back(static_cast<std::uint8_t>(status));
}

void GenealogyIndex::assign(std::vector<std::uint8_t> types, std::vector<std::uint8_t> statuses,
                            const std::vector<std::vector<Node>>& parents) {
  for (std::size_t i = 0; i < trees_.size(); ++i) trees_[i].assign(parents[i]);
  type_ = std::move(types);
  status_ = std::move(statuses);
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
    mix(type_[n]);
    mix(status_[n]);
    for (const auto& t : trees_) mix(t.parent(static_cast<Node>(n)));
  }
  return h;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

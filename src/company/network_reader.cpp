#include <downline/company.hpp>

#include "company/company_state.hpp"

#include <algorithm>

namespace downline {
inline namespace v0 {

using internal::CompanyState;
using internal::GenealogyIndex;
using internal::kNoNode;
using internal::NetworkTree;
using internal::Node;
using internal::Scope;

struct NetworkReader::Impl {
  const CompanyState* s;
  std::shared_lock<std::shared_mutex> lock;
  Scope scope;
  std::size_t network;
  std::string login;
  std::shared_ptr<const internal::TreeAsOf> past;  ///< set for an "as of" reader

  const GenealogyIndex& index() const { return s->index; }
  const NetworkTree& tree() const { return past ? past->tree : s->index.tree(network); }
  bool sees(Node n) const { return scope.sees(s->index, n); }
  /// True when the actor sees the whole downline of anyone they see: staff,
  /// or a consultant in today's sponsor network (their scope is a subtree of
  /// it; a past sponsor tree or another network may hold others below).
  bool whole_subtrees_visible() const { return scope.everyone || (network == 0 && !past); }

  /// The node of a person the actor may see; throws NotFound / PermissionDenied.
  Node visible(PersonId id, const char* field) const {
    if (!index().contains(id))
      throw NotFound("no person has id " + std::to_string(id.value()), field);
    const Node n = GenealogyIndex::node_of(id);
    if (past && (n >= past->present.size() || !past->present[n]))
      throw NotFound("person " + std::to_string(id.value()) + " was not enrolled as of " +
                         past->at.to_rfc3339(),
                     field);
    if (!sees(n))
      throw PermissionDenied(
          "actor '" + login + "' may not see person " + std::to_string(id.value()), field);
    return n;
  }

  /// Like visible(), and the person must have a place in this network;
  /// throws FailedPrecondition for one waiting in the lobby or dropped out.
  Node placed(PersonId id, const char* field) const {
    const Node n = visible(id, field);
    if (!tree().placed(n))
      throw FailedPrecondition("person " + std::to_string(id.value()) +
                                   " has no place in network '" + s->config.networks[network].name +
                                   "' (" + std::string(internal::node_state_name(tree().state(n))) +
                                   ")",
                               field);
    return n;
  }

  NetworkMember member(Node n, Node parent, std::uint32_t depth, std::uint32_t relative,
                       std::uint32_t generation) const {
    return NetworkMember{GenealogyIndex::id_of(n),
                         parent == kNoNode ? PersonId{} : GenealogyIndex::id_of(parent),
                         depth,
                         relative,
                         index().type(n),
                         index().status(n),
                         tree().position(n),
                         generation};
  }
  NetworkMember member(Node n, std::uint32_t relative, std::uint32_t generation) const {
    return member(n, tree().parent(n), tree().depth(n), relative, generation);
  }

  /// True when a generation ends at `n`: n holds the network's generation
  /// rank or above, or no rank is configured (generations are then levels).
  bool ends_generation(Node n) const {
    const std::uint8_t rank = s->config.networks[network].generation_rank;
    return rank == 0 || index().rank(n) >= rank;
  }

  /// Calls fn(node, pre-order position, relative_level, generation) for every member of
  /// `root`'s downline the actor sees and the query's filters, depth and generation limit
  /// admit, in pre-order.
  template <class Fn>
  void for_each_match(Node root, const DownlineQuery& q, Fn&& fn) const {
    const NetworkTree& t = tree();
    t.ensure_intervals();
    const std::uint32_t base = t.depth(root);
    const std::uint32_t deepest =
        q.max_depth ? base + std::min<std::uint32_t>(*q.max_depth, UINT32_MAX - base) : UINT32_MAX;
    const std::uint32_t last_generation = q.max_generation.value_or(UINT32_MAX);
    const bool check_scope = !whole_subtrees_visible();
    std::uint32_t type_mask = 0, status_mask = 0;
    for (auto x : q.types) type_mask |= 1u << static_cast<unsigned>(x);
    for (auto x : q.statuses) status_mask |= 1u << static_cast<unsigned>(x);
    const auto& idx = index();
    const bool by_rank = s->config.networks[network].generation_rank != 0;
    // Per relative level, the generation of the last node seen there and
    // whether it ended one: in pre-order, that node is the parent of the
    // next node one level deeper.
    std::vector<std::uint32_t> generation_at(by_rank ? 2 : 0, 0);
    std::vector<std::uint8_t> ends_at(by_rank ? 2 : 0, 0);
    for (std::uint32_t pos = t.enter(root) + 1, end = t.exit(root); pos < end; ++pos) {
      const std::uint32_t d = t.depth_at(pos);
      const Node n = t.at(pos);
      const std::uint32_t relative = d - base;
      std::uint32_t generation = relative;
      if (by_rank) {
        generation = relative == 1 ? 1 : generation_at[relative - 1] + ends_at[relative - 1];
        if (generation_at.size() <= relative) {
          generation_at.resize(relative + 1);
          ends_at.resize(relative + 1);
        }
        generation_at[relative] = generation;
        ends_at[relative] = ends_generation(n) ? 1 : 0;
      }
      if (d > deepest || generation > last_generation) {
        // Deeper nodes have deeper levels and no smaller generation.
        pos = t.exit(n) - 1;
        continue;
      }
      if (type_mask && !(type_mask & (1u << static_cast<unsigned>(idx.type(n))))) continue;
      if (status_mask && !(status_mask & (1u << static_cast<unsigned>(idx.status(n))))) continue;
      if (check_scope && !sees(n)) continue;
      fn(n, pos, relative, generation);
    }
  }
};

NetworkReader::NetworkReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NetworkReader::NetworkReader(NetworkReader&&) noexcept = default;
NetworkReader& NetworkReader::operator=(NetworkReader&&) noexcept = default;
NetworkReader::~NetworkReader() = default;

NetworkReader Company::reader(const Actor& actor, std::string_view network) const {
  const std::size_t net = state_->network_of(network);
  state_->sync();
  auto impl = std::make_unique<NetworkReader::Impl>(NetworkReader::Impl{
      state_.get(), std::shared_lock(state_->index_mu), {}, net, actor.login, nullptr});
  impl->scope = state_->scope_of(actor);
  return NetworkReader(std::move(impl));
}

NetworkReader Company::reader(const Actor& actor, std::string_view network, Instant as_of) const {
  const std::size_t net = state_->network_of(network);
  state_->sync();
  // Built from the store before the read lock: a long history does not hold
  // writers back.
  auto past = state_->tree_as_of(net, as_of);
  auto impl = std::make_unique<NetworkReader::Impl>(NetworkReader::Impl{
      state_.get(), std::shared_lock(state_->index_mu), {}, net, actor.login, std::move(past)});
  impl->scope = state_->scope_of(actor);
  return NetworkReader(std::move(impl));
}

bool NetworkReader::is_in_downline(PersonId person, PersonId of) const {
  const Node n = impl_->visible(person, "person");
  const Node o = impl_->visible(of, "of");
  // Someone without a place is in no one's downline, and has none.
  return impl_->tree().is_below(n, o);
}

std::uint32_t NetworkReader::level(PersonId person) const {
  return impl_->tree().depth(impl_->placed(person, "person"));
}

std::uint32_t NetworkReader::relative_level(PersonId person, PersonId upline) const {
  const Node n = impl_->placed(person, "person");
  const Node u = impl_->placed(upline, "upline");
  if (!impl_->tree().is_below(n, u))
    throw FailedPrecondition("person " + std::to_string(upline.value()) +
                                 " is not in the upline of " + std::to_string(person.value()),
                             "upline");
  return impl_->tree().depth(n) - impl_->tree().depth(u);
}

std::vector<NetworkMember> NetworkReader::upline(PersonId person,
                                                 std::optional<std::uint32_t> max_levels) const {
  Node n = impl_->placed(person, "person");
  std::vector<NetworkMember> out;
  const std::uint32_t limit = max_levels.value_or(UINT32_MAX);
  std::uint32_t generation = 1;
  for (std::uint32_t up = 1; up <= limit; ++up) {
    const Node below = n;
    n = impl_->tree().parent(n);
    if (n == kNoNode || !impl_->sees(n)) break;
    if (up > 1 && impl_->ends_generation(below)) ++generation;
    out.push_back(impl_->member(n, up, generation));
  }
  return out;
}

DownlinePage NetworkReader::downline(PersonId person, const DownlineQuery& query) const {
  const Node root = impl_->placed(person, "person");
  DownlinePage page;
  const std::uint64_t end =
      query.limit > UINT64_MAX - query.offset ? UINT64_MAX : query.offset + query.limit;
  const NetworkTree& t = impl_->tree();
  t.ensure_intervals();
  page.members.reserve(std::min<std::uint64_t>(query.limit, t.downline_size(root)));
  impl_->for_each_match(root, query,
                        [&](Node n, std::uint32_t pos, std::uint32_t relative, std::uint32_t gen) {
                          if (page.total >= query.offset && page.total < end)
                            page.members.push_back(
                                impl_->member(n, t.parent_at(pos), t.depth_at(pos), relative, gen));
                          ++page.total;
                        });
  return page;
}

std::vector<PersonId> NetworkReader::path(PersonId person) const {
  std::vector<PersonId> out;
  for (Node n = impl_->placed(person, "person"); n != kNoNode && impl_->sees(n);
       n = impl_->tree().parent(n))
    out.push_back(GenealogyIndex::id_of(n));
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<NetworkMember> NetworkReader::children(PersonId person) const {
  const Node n = impl_->visible(person, "person");
  std::vector<NetworkMember> out;
  const NetworkTree& t = impl_->tree();
  for (Node c = t.placed(n) ? t.first_child(n) : kNoNode; c != kNoNode; c = t.next_sibling(c))
    if (impl_->sees(c)) out.push_back(impl_->member(c, 1, 1));
  return out;
}

std::vector<OpenSlot> NetworkReader::open_positions(PersonId person, std::size_t limit) const {
  const Node n = impl_->visible(person, "person");
  const NetworkTree& t = impl_->tree();
  std::vector<OpenSlot> out;
  const std::uint32_t window = impl_->s->config.networks[impl_->network].depth;
  for (const auto& open : t.open_positions(n, limit, window))
    out.push_back({GenealogyIndex::id_of(open.parent), open.position, t.depth(open.parent) + 1});
  return out;
}

std::vector<PersonId> NetworkReader::lobby() const {
  const NetworkTree& t = impl_->tree();
  std::vector<PersonId> out;
  for (Node n = 0; n < t.size(); ++n)
    if (t.state(n) == internal::NodeState::lobby && impl_->sees(n) &&
        (!impl_->past || impl_->past->present[n]))  // not enrolled yet: not waiting then
      out.push_back(GenealogyIndex::id_of(n));
  return out;
}

std::vector<std::uint64_t> NetworkReader::level_counts(PersonId person,
                                                       const DownlineQuery& query) const {
  const Node root = impl_->placed(person, "person");
  std::vector<std::uint64_t> counts;
  impl_->for_each_match(root, query, [&](Node, std::uint32_t, std::uint32_t relative, auto) {
    if (counts.size() < relative) counts.resize(relative, 0);
    ++counts[relative - 1];
  });
  return counts;
}

std::uint32_t NetworkReader::generation(PersonId person, PersonId upline) const {
  const Node n = impl_->placed(person, "person");
  const Node u = impl_->placed(upline, "upline");
  const NetworkTree& t = impl_->tree();
  if (!t.is_below(n, u))
    throw FailedPrecondition("person " + std::to_string(upline.value()) +
                                 " is not in the upline of " + std::to_string(person.value()),
                             "upline");
  std::uint32_t generation = 1;
  for (Node v = t.parent(n); v != u; v = t.parent(v))
    if (impl_->ends_generation(v)) ++generation;
  return generation;
}

std::vector<std::uint64_t> NetworkReader::generation_counts(PersonId person,
                                                            const DownlineQuery& query) const {
  const Node root = impl_->placed(person, "person");
  std::vector<std::uint64_t> counts;
  impl_->for_each_match(root, query,
                        [&](Node, std::uint32_t, std::uint32_t, std::uint32_t generation) {
                          if (counts.size() < generation) counts.resize(generation, 0);
                          ++counts[generation - 1];
                        });
  return counts;
}

std::vector<LegTotals> NetworkReader::legs(PersonId person) const {
  const Node n = impl_->placed(person, "person");
  const NetworkTree& t = impl_->tree();
  t.ensure_intervals();
  const bool check_scope = !impl_->whole_subtrees_visible();
  std::vector<LegTotals> out;
  for (Node c = t.first_child(n); c != kNoNode; c = t.next_sibling(c)) {
    LegTotals leg{impl_->sees(c) ? GenealogyIndex::id_of(c) : PersonId{}, t.position(c), 0, 0};
    for (std::uint32_t pos = t.enter(c), end = t.exit(c); pos < end; ++pos) {
      const Node v = t.at(pos);
      if (check_scope && !impl_->sees(v)) continue;
      ++leg.persons;
      if (impl_->index().status(v) == Status::active) ++leg.active;
    }
    // A leg with no one the actor sees is not shown at all.
    if (leg.persons > 0) out.push_back(leg);
  }
  return out;
}

std::vector<DownlineSize> NetworkReader::largest_downlines(std::size_t limit) const {
  const NetworkTree& t = impl_->tree();
  t.ensure_intervals();
  const std::size_t n = t.size();
  std::vector<DownlineSize> all;
  if (impl_->whole_subtrees_visible()) {
    // Sizes are the interval widths; a consultant's sponsor scope is the
    // whole subtree, so nothing invisible is counted.
    for (Node v = 0; v < n; ++v)
      if (t.placed(v) && impl_->sees(v))
        all.push_back({GenealogyIndex::id_of(v), t.downline_size(v)});
  } else {
    // Count only visible members: one sweep in reverse pre-order.
    std::vector<std::uint64_t> size(n, 0);
    for (std::uint32_t pos = static_cast<std::uint32_t>(t.preorder_size()); pos-- > 0;) {
      const Node v = t.at(pos);
      const Node p = t.parent(v);
      if (p != kNoNode) size[p] += size[v] + (impl_->sees(v) ? 1 : 0);
    }
    for (Node v = 0; v < n; ++v)
      if (t.placed(v) && impl_->sees(v)) all.push_back({GenealogyIndex::id_of(v), size[v]});
  }
  auto by_size = [](const DownlineSize& a, const DownlineSize& b) {
    return a.size != b.size ? a.size > b.size : a.id < b.id;
  };
  const std::size_t k = std::min(limit, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(), by_size);
  all.resize(k);
  return all;
}

NetworkSummary NetworkReader::summary() const {
  const NetworkTree& t = impl_->tree();
  NetworkSummary out;
  for (Node v = 0; v < t.size(); ++v) {
    if (!t.placed(v) || !impl_->sees(v)) continue;
    ++out.persons;
    const Node p = t.parent(v);
    if (p == kNoNode || !impl_->sees(p)) ++out.parents;
    const std::uint32_t d = t.depth(v);
    if (out.per_level.size() <= d) out.per_level.resize(d + 1, 0);
    ++out.per_level[d];
    out.depth = std::max(out.depth, d);
  }
  return out;
}

}  // namespace v0
}  // namespace downline

// "As of" questions (seed 002 §7.1.1.2.4, DESIGN.md §3 events): a network
// as it was at a past instant, rebuilt from the store. A person's place at T
// is the place their latest change at or before T gave them; with no change
// by then, the place their first change moved them from (what enrollment
// gave them); with no change at all, their place today. Persons enrolled
// after T are absent.
#include "company/company_state.hpp"

#include <downline/error.hpp>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

std::shared_ptr<const TreeAsOf> CompanyState::tree_as_of(std::size_t k, Instant at) const {
  const std::int64_t applied = last_applied.load();
  {
    std::lock_guard lock(as_of_mu_);
    if (as_of_cache_.tree && as_of_cache_.network == k && as_of_cache_.last_applied == applied &&
        as_of_cache_.tree->at == at)
      return as_of_cache_.tree;
  }
  auto out = std::make_shared<TreeAsOf>(shape_of(config.networks[k]));
  out->at = at;
  const auto node = [](PersonId id) { return static_cast<Node>(id.value() - 1); };
  std::vector<ChangeRow> changes;
  StoredIndex st = read_stored_index(
      {},
      [&] {
        store->scan_changes(store_network_ids[k],
                            [&](const ChangeRow& c) { changes.push_back(c); });
      },
      k);
  const std::vector<Instant>& enrolled = st.enrolled_at;
  std::vector<Node>& parents = st.trees[k].parents;
  std::vector<std::uint32_t>& positions = st.trees[k].positions;
  std::vector<NodeState>& states = st.trees[k].states;
  // Rows come by person, then time: the first row of a person decides their
  // place before any change; the last one at or before `at`, after.
  PersonId current;
  bool decided = false;
  for (const ChangeRow& c : changes) {
    if (c.person.value() < 1 || static_cast<std::size_t>(c.person.value()) > enrolled.size())
      continue;
    const Node v = node(c.person);
    if (c.person != current) {
      current = c.person;
      decided = false;
      parents[v] = c.from_parent ? node(c.from_parent) : kNoNode;
      positions[v] = c.from_position;
      states[v] = static_cast<NodeState>(c.from_state);
    }
    if (decided || c.effective_at > at) {
      decided = true;
      continue;
    }
    parents[v] = c.parent ? node(c.parent) : kNoNode;
    positions[v] = c.position;
    states[v] = static_cast<NodeState>(c.state);
  }
  const std::size_t n = enrolled.size();
  out->present.assign(n, false);
  for (std::size_t v = 0; v < n; ++v) out->present[v] = enrolled[v] <= at;
  for (std::size_t v = 0; v < n; ++v) {
    if (!out->present[v]) {
      parents[v] = kNoNode;
      states[v] = NodeState::lobby;  // outside the tree: not enrolled yet
    } else if (parents[v] != kNoNode && !out->present[parents[v]]) {
      parents[v] = kNoNode;  // a back-dated import: their parent came later
    }
  }
  // A parent absent or out of the tree at `at` leaves their children as
  // network parents of what remained.
  for (std::size_t v = 0; v < n; ++v)
    if (parents[v] != kNoNode && states[parents[v]] != NodeState::placed) parents[v] = kNoNode;
  out->tree.assign(parents, positions, states);
  std::lock_guard lock(as_of_mu_);
  as_of_cache_ = AsOfCache{k, applied, out};
  return out;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

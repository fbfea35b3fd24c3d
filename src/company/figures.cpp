// Network recalculation through the Company (seed 002 §7.1.1.4): the pass of
// src/genealogy/recalc.* over the live tree, and the figures kept with the
// tree they describe until the next recalculation.
#include <downline/company.hpp>

#include "company/company_state.hpp"

#include <limits>

namespace downline {
inline namespace v0 {

using namespace internal;

namespace {

/// The PV of every node, from the request, into out.pv_micros; throws for a
/// bad entry.
void personal_volumes(const GenealogyIndex& index, const std::vector<PersonalVolume>& given,
                      RecalcSnapshot& out) {
  auto& pv = out.pv_micros;
  auto& seen = out.listed;
  pv.assign(index.size(), 0);
  seen.assign(index.size(), 0);
  // The field is named only on a failure: a million string builds cost more
  // than the pass itself.
  auto field = [](std::size_t i, const char* part) {
    return "personal_volumes[" + std::to_string(i) + "]." + part;
  };
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  for (std::size_t i = 0; i < given.size(); ++i) {
    const PersonId id = given[i].person;
    if (!index.contains(id))
      throw NotFound("no person has id " + std::to_string(id.value()), field(i, "person"));
    const Node n = GenealogyIndex::node_of(id);
    if (seen[n])
      throw InvalidArgument("person " + std::to_string(id.value()) + " is listed twice",
                            field(i, "person"));
    seen[n] = 1;
    const auto& micros = given[i].volume.micros();
    if (micros < 0) throw InvalidArgument("a personal volume is zero or more", field(i, "volume"));
    if (micros > kMax)
      throw OutOfRange("a personal volume is at most 9223372036854.775807", field(i, "volume"));
    pv[n] = static_cast<std::int64_t>(micros);
  }
}

/// The children of every placed node in slot order, from two pre-order
/// passes (a counting sort by parent, in place: no buffer of its own).
void keep_children(const NetworkTree& t, RecalcSnapshot& out) {
  const std::size_t n = t.size();
  auto& begin = out.child_begin;
  out.placed.assign(n, 0);
  begin.assign(n + 2, 0);
  const auto placed = static_cast<std::uint32_t>(t.preorder_size());
  for (std::uint32_t pos = 0; pos < placed; ++pos) {
    out.placed[t.at(pos)] = 1;
    const Node p = t.parent_at(pos);
    if (p != kNoNode) ++begin[p + 2];
  }
  for (std::size_t v = 0; v + 2 < begin.size(); ++v) begin[v + 2] += begin[v + 1];
  out.children.resize(begin[n + 1]);
  out.child_position.resize(begin[n + 1]);
  // begin[p + 1] is where p's next child goes; filling moves it to p's end,
  // which is where p + 1's children begin. Pre-order lists siblings in slot
  // order.
  for (std::uint32_t pos = 0; pos < placed; ++pos) {
    const Node p = t.parent_at(pos);
    if (p == kNoNode) continue;
    const Node v = t.at(pos);
    const std::uint32_t at = begin[p + 1]++;
    out.children[at] = v;
    out.child_position[at] = t.position(v);
  }
  begin.resize(n + 1);
}

std::vector<std::uint64_t> widen(const std::vector<std::uint32_t>& counts, std::size_t from,
                                 std::size_t size) {
  return std::vector<std::uint64_t>(counts.begin() + static_cast<std::ptrdiff_t>(from),
                                    counts.begin() + static_cast<std::ptrdiff_t>(from + size));
}

}  // namespace

RecalculationSummary Company::recalculate(const Actor& actor, const RecalculationRequest& request) {
  if (!actor.sees_everyone())
    throw PermissionDenied("only staff may recalculate a network", "actor");
  CompanyState& s = *state_;
  const std::size_t k = s.network_of(request.network);
  if (request.levels > kMaxRecalcLevels)
    throw InvalidArgument("at most " + std::to_string(kMaxRecalcLevels) + " levels", "levels");
  s.sync();
  auto snapshot = s.take_spare(k);
  RecalculationSummary summary;
  summary.network = s.config.networks[k].name;
  {
    std::shared_lock lock(s.index_mu);
    const NetworkTree& t = s.index.tree(k);
    personal_volumes(s.index, request.personal_volumes, *snapshot);
    auto& active = snapshot->active;
    active.resize(t.size());
    for (Node v = 0; v < t.size(); ++v) active[v] = s.index.status(v) == Status::active ? 1 : 0;
    try {
      internal::recalculate(t, RecalcInput{snapshot->pv_micros, active, request.levels, 0},
                            snapshot->figures);
    } catch (const OutOfRange& e) {
      throw OutOfRange(e.what(), "personal_volumes");
    }
    keep_children(t, *snapshot);
    snapshot->at = s.clock->now();
    summary.persons = t.preorder_size();
    // The placed persons' PV is their network parents' group volumes: a few
    // wide additions instead of a million.
    Decimal::Rep total = 0;
    for (std::uint32_t pos = 0; pos < summary.persons; ++pos)
      if (t.parent_at(pos) == kNoNode) total += snapshot->figures.gv_micros[t.at(pos)];
    summary.total_volume = Decimal::from_micros(total);
  }
  summary.at = snapshot->at;
  s.keep_figures(k, std::move(snapshot));
  return summary;
}

PersonFigures Company::figures(const Actor& actor, PersonId person,
                               std::string_view network) const {
  const CompanyState& s = *state_;
  const std::size_t k = s.network_of(network);
  s.sync();
  const auto snapshot = s.figures_of(k);
  std::shared_lock lock(s.index_mu);
  const Scope scope = s.scope_of(actor);
  if (!s.index.contains(person))
    throw NotFound("no person has id " + std::to_string(person.value()), "person");
  const Node n = GenealogyIndex::node_of(person);
  if (!scope.sees(s.index, n))
    throw PermissionDenied(
        "actor '" + actor.login + "' may not see person " + std::to_string(person.value()),
        "person");
  const std::string& name = s.config.networks[k].name;
  if (!snapshot)
    throw FailedPrecondition("network '" + name + "' has not been recalculated", "network");
  if (n >= snapshot->placed.size() || !snapshot->placed[n])
    throw FailedPrecondition("person " + std::to_string(person.value()) +
                                 " had no place in network '" + name +
                                 "' at its last recalculation (" + snapshot->at.to_rfc3339() + ")",
                             "person");
  const NetworkFigures& f = snapshot->figures;
  PersonFigures out;
  out.person = person;
  out.personal_volume = Decimal::from_micros(snapshot->pv_micros[n]);
  out.group_volume = Decimal::from_micros(f.gv_micros[n]);
  out.downline = f.downline[n];
  out.active_downline = f.active_downline[n];
  out.level_counts = widen(f.level_counts, std::size_t{n} * f.levels, f.levels);
  out.active_level_counts = widen(f.active_level_counts, std::size_t{n} * f.levels, f.levels);
  for (std::uint32_t i = snapshot->child_begin[n]; i < snapshot->child_begin[n + 1]; ++i) {
    const Node c = snapshot->children[i];
    out.legs.push_back(LegVolume{scope.sees(s.index, c) ? GenealogyIndex::id_of(c) : PersonId{},
                                 snapshot->child_position[i], std::uint64_t{f.downline[c]} + 1,
                                 Decimal::from_micros(f.gv_micros[c])});
  }
  out.recalculated_at = snapshot->at;
  return out;
}

}  // namespace v0
}  // namespace downline

// Company::verify: the live index's invariants (genealogy/verify.hpp), then
// the live index against what a reopen would build from the store, read the
// way CompanyState::rebuild_index reads it, in one snapshot, under the read
// lock so that neither side moves while they are compared.
#include <downline/company.hpp>

#include "company/company_state.hpp"
#include "genealogy/verify.hpp"

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE

namespace internal {
namespace {

constexpr std::size_t kLimit = 100;
// Another process that commits between our catch-up and our snapshot makes
// the two sides differ by its events: catch up and read again.
constexpr int kAttempts = 5;

constexpr std::string_view kMismatch = "index_storage_mismatch";
constexpr std::string_view kCorrupt = "storage_corrupt";

std::string id_text(Node n) {
  return n == kNoNode ? std::string("none") : std::to_string(static_cast<std::uint64_t>(n) + 1);
}

class Verifier {
 public:
  Verifier(const CompanyState& s, std::vector<Violation>& out) : s_(s), out_(out) {}

  bool full() const { return out_.size() >= kLimit; }
  void add(std::string_view rule, const std::string& network, Node n, std::string message) {
    if (full()) return;
    out_.push_back(Violation{std::string(rule), network,
                             n == kNoNode ? PersonId{} : GenealogyIndex::id_of(n),
                             std::move(message)});
  }

  /// What the store holds, read as a reopen reads it; rows a reopen would
  /// refuse are reported instead of thrown.
  StoredIndex read_store() {
    corrupt_ = false;
    return s_.read_stored_index([this](const std::string& network, Node n, std::string message) {
      corrupt(network, n, std::move(message));
    });
  }

  // Would a reopen accept these rows? (cycles, unknown parents, shared
  // slots.) Reported after the comparison, with the rows read wrong.
  void check_rebuild(const StoredIndex& st) {
    if (!corrupt_) {
      GenealogyIndex fresh(shapes_of(s_.config));
      try {
        fresh.assign(st.types, st.statuses, st.zones, st.ranks, st.zone_names, st.trees);
      } catch (const DataLoss& e) {
        corrupt("", kNoNode, std::string("a reopen would fail: ") + e.what());
      }
    }
    for (auto& f : faults_) {
      if (full()) break;
      out_.push_back(std::move(f));
    }
    faults_.clear();
  }

  void compare(const GenealogyIndex& index, const StoredIndex& st) {
    const auto& zone_names = index.*GenealogyIndexProbe::zone_names;
    const std::size_t live = index.size();
    const std::size_t stored = st.types.size();
    const std::string person_columns;
    for (std::size_t i = 0; i < std::max(live, stored) && !full(); ++i) {
      const Node v = static_cast<Node>(i);
      if (i >= stored) {
        add(kMismatch, person_columns, v, "in the index, not in the store");
        continue;
      }
      if (i >= live) {
        add(kMismatch, person_columns, v, "in the store, not in the index");
        continue;
      }
      const auto type = static_cast<std::uint8_t>(index.type(v));
      if (type != st.types[i])
        add(kMismatch, person_columns, v,
            "type " + name(index.type(v)) + " in the index, " +
                name(static_cast<CustomerType>(st.types[i])) + " in the store");
      const auto status = static_cast<std::uint8_t>(index.status(v));
      if (status != st.statuses[i])
        add(kMismatch, person_columns, v,
            "status " + name(index.status(v)) + " in the index, " +
                name(static_cast<Status>(st.statuses[i])) + " in the store");
      if (index.rank(v) != st.ranks[i])
        add(kMismatch, person_columns, v,
            "rank " + std::to_string(index.rank(v)) + " in the index, " +
                std::to_string(st.ranks[i]) + " in the store");
      const std::uint32_t zone = index.zone(v);
      const std::string live_zone = zone < zone_names.size() ? zone_names[zone] : "?";
      const std::string& stored_zone = st.zone_names[st.zones[i]];
      if (live_zone != stored_zone)
        add(kMismatch, person_columns, v,
            "zone '" + live_zone + "' in the index, '" + stored_zone + "' in the store");
      for (std::size_t k = 0; k < st.trees.size() && k < index.network_count(); ++k)
        compare_node(index.tree(k), st.trees[k], s_.config.networks[k].name, v);
    }
  }

 private:
  void corrupt(const std::string& network, Node n, std::string message) {
    corrupt_ = true;
    if (faults_.size() < kLimit)
      faults_.push_back(Violation{std::string(kCorrupt), network,
                                  n == kNoNode ? PersonId{} : GenealogyIndex::id_of(n),
                                  std::move(message)});
  }

  static std::string name(CustomerType t) { return std::string(to_string(t)); }
  static std::string name(Status s) { return std::string(to_string(s)); }

  void compare_node(const NetworkTree& t, const TreeColumns& st, const std::string& network,
                    Node v) {
    if (v >= t.size()) return;  // the tree's own size is the invariant checker's
    const NodeState live = t.state(v);
    const NodeState stored = st.states[v];
    if (live != stored) {
      add(kMismatch, network, v,
          "state " + std::string(node_state_name(live)) + " in the index, " +
              std::string(node_state_name(stored)) + " in the store");
      return;
    }
    if (live != NodeState::placed) return;  // no parent, no slot: nothing else to compare
    if (t.parent(v) != st.parents[v])
      add(kMismatch, network, v,
          "parent " + id_text(t.parent(v)) + " in the index, " + id_text(st.parents[v]) +
              " in the store");
    else if (t.position(v) != st.positions[v])
      add(kMismatch, network, v,
          "position " + std::to_string(t.position(v)) + " in the index, " +
              std::to_string(st.positions[v]) + " in the store");
  }

  const CompanyState& s_;
  std::vector<Violation>& out_;
  std::vector<Violation> faults_;  // rows a reopen would refuse
  bool corrupt_ = false;
};

}  // namespace
}  // namespace internal

VerifyReport Company::verify(const Actor& actor) const {
  using namespace internal;
  if (!actor.sees_everyone())
    throw PermissionDenied("only staff may verify the genealogy", "actor");
  const CompanyState& s = *state_;
  const std::vector<std::string> names = networks();
  for (int attempt = 1;; ++attempt) {
    s.sync();
    std::shared_lock lock(s.index_mu);
    std::vector<Violation> found;
    Verifier verifier(s, found);
    const StoredIndex stored = verifier.read_store();
    if (stored.last.value() != s.last_applied.load()) {
      if (attempt == kAttempts)
        throw Unavailable("the store kept changing while the genealogy was verified: retry");
      continue;
    }
    found = check_index(s.index, names, kLimit);
    verifier.compare(s.index, stored);
    verifier.check_rebuild(stored);

    VerifyReport report;
    report.persons = s.index.size();
    report.ok = found.empty();
    report.violations.reserve(found.size());
    for (auto& v : found)
      report.violations.push_back(InvariantViolation{std::move(v.rule), std::move(v.network),
                                                     v.person, std::move(v.message)});
    return report;
  }
}

DOWNLINE_END_NAMESPACE

// What a Company holds, shared by the facade and its readers.
#pragma once

#include <downline/company.hpp>

#include "company/event_bus.hpp"
#include "config/config.hpp"
#include "cycle/calendar.hpp"
#include "genealogy/network_index.hpp"
#include "genealogy/recalc.hpp"
#include "storage/store.hpp"

#include <nlohmann/json_fwd.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <utility>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// Who an actor sees: everyone, or one person and their sponsor downline.
struct Scope {
  bool everyone = false;
  Node self = kNoNode;

  /// True when the actor may see node `n`.
  bool sees(const GenealogyIndex& index, Node n) const {
    return everyone || n == self || index.tree(0).is_below(n, self);
  }
};

/// Fills `person`'s extended fields (by id, from the row's slots) and its
/// display forms from a stored row.
void fill_person_details(const Config& config, const PersonRow& row, Person& person);

/// Throws InvalidArgument (field "contracts[i].digest") when the
/// configuration changed the content of a contract version someone
/// accepted.
void check_contract_history(const Config& config, const Store& store);

/// The tree shape a network's configuration asks for.
TreeShape shape_of(const NetworkConfig& network);
/// The shapes of every configured network, in order.
std::vector<TreeShape> shapes_of(const Config& config);

/// A campaign's activity per node: what its orders add up to.
struct CampaignTotals {
  std::vector<std::int64_t> pv, amount;  ///< counted orders, micro-units
  std::vector<std::uint32_t> orders;     ///< counted orders
  std::vector<std::uint32_t> drafts;     ///< orders in draft

  /// Adds (sign 1) or takes away (sign -1) an order's part; never fails.
  void apply(const OrderRow& order, OrderState counted_from, int sign);
};

/// The commercial cycle as the index holds it (guarded like the index).
struct CycleState {
  Calendar calendar;
  /// The totals of the campaigns not closed, by id.
  std::map<std::string, CampaignTotals, std::less<>> totals;
  /// By node: an order of theirs was paid (first purchase done).
  std::vector<std::uint8_t> purchased;

  /// True when node `v` made a first purchase; never fails.
  bool has_purchased(Node v) const { return v < purchased.size() && purchased[v]; }

  /// By node: when they enrolled, micro-seconds (campaigns without an order
  /// count from the campaign they joined in).
  std::vector<std::int64_t> enrolled;
  /// By node: their commercial state (0 none, 1 + catalog position).
  std::vector<std::uint8_t> commercial;
  /// By node: the start of the last closed campaign in which they had a
  /// counted order; kNever when none.
  std::vector<std::int64_t> last_order;
  static constexpr std::int64_t kNever = INT64_MIN;
  /// By node: the segment the last close gave (0 none, 1 + catalog position).
  std::vector<std::uint8_t> segment;

  /// Records a newcomer enrolled at `at`; never fails (but for memory).
  void add_person(Instant at) {
    enrolled.push_back(at.micros_since_epoch);
    commercial.resize(enrolled.size(), 0);
    last_order.resize(enrolled.size(), kNever);
    if (!segment.empty()) segment.resize(enrolled.size(), 0);
  }
  /// Campaigns in a row without a counted order of node `v` up to calendar
  /// position `k` inclusive, counted from the campaign after their last
  /// order, or from the first campaign they could order in (the one they
  /// joined in); 0 when they joined after campaign `k` ended. Never fails.
  std::int64_t campaigns_without_order(Node v, std::size_t k) const;
};

/// The "person" section of the rule facts for a stored person.
nlohmann::json person_facts(const Config& config, const PersonRow& row, PersonId sponsor);

/// What the index is built from, as the store holds it.
struct StoredIndex {
  EventSeq last;
  std::vector<std::uint8_t> types, statuses, ranks;
  std::vector<std::uint32_t> zones;
  std::vector<std::string> zone_names{""};
  std::vector<Instant> enrolled_at;
  std::vector<std::uint8_t> purchased;
  std::vector<std::uint8_t> commercial;   ///< 0 none, 1 + catalog position
  std::vector<std::uint16_t> last_order;  ///< into last_order_names ("" none)
  std::vector<std::string> last_order_names{""};
  std::vector<TreeColumns> trees;
};

/// Told of a row a reopen would refuse: the network ("" for the persons),
/// the person's node (kNoNode when unknown) and what is wrong.
using StoreFault = std::function<void(const std::string& network, Node node, std::string message)>;

/// One network as it was at an instant: the tree, and who was enrolled.
struct TreeAsOf {
  explicit TreeAsOf(TreeShape shape) : tree(shape) {}
  NetworkTree tree;
  std::vector<bool> present;  ///< enrolled at or before the instant
  Instant at;
};

/// The figures of one recalculation, with the tree they were computed on
/// (figures describe that tree until the next recalculation).
struct RecalcSnapshot {
  Instant at;
  NetworkFigures figures;               ///< by node
  std::vector<std::int64_t> pv_micros;  ///< by node
  std::vector<std::uint8_t> placed;     ///< by node: placed at the recalculation
  /// Children at the recalculation: node v's are children[child_begin[v] ..
  /// child_begin[v + 1]), in slot order, with their slots.
  std::vector<std::uint32_t> child_begin;
  std::vector<Node> children;
  std::vector<std::uint32_t> child_position;
  /// Working memory of the recalculation: who the request listed, who is active.
  std::vector<std::uint8_t> listed, active;
};

/// Locks, in the order they are taken: writer_mu (one write call at a time)
/// → apply_mu (one application of events to the index at a time) →
/// index_mu (exclusive only while the index changes).
class CompanyState {
 public:
  CompanyState(Config config, std::unique_ptr<Store> store, std::shared_ptr<const Clock> clock);

  /// Reads the whole index from the store (on open).
  void rebuild_index();
  /// Reads persons and networks (only network `only` when it is not
  /// SIZE_MAX) in one read snapshot, then runs `also` inside it. A row a
  /// reopen would refuse throws DataLoss, or, when `fault` is given, is
  /// reported and skipped.
  StoredIndex read_stored_index(const StoreFault& fault = {},
                                const std::function<void()>& also = {},
                                std::size_t only = SIZE_MAX) const;
  /// Applies to the index what other connections have committed.
  void sync() const;
  /// The actor's scope; throws PermissionDenied for an actor who sees no
  /// one. Needs index_mu held (shared).
  Scope scope_of(const Actor& actor) const;
  /// The configured network's position; throws NotFound.
  std::size_t network_of(std::string_view name) const;
  /// True when some network places persons by a policy (beyond who
  /// enrolled whom): enrollment then decides places under the index lock.
  bool has_placement_networks() const { return config.networks.size() > 2; }
  /// Network `k` as it was at `at`, rebuilt from the store's history (the
  /// last one asked is kept until the next change).
  std::shared_ptr<const TreeAsOf> tree_as_of(std::size_t k, Instant at) const;
  /// Applies one structural change to the index (needs index_mu exclusive).
  void apply_change(std::size_t network, Node node, const NodePlacement& to) const;

  const Config config;
  const std::unique_ptr<Store> store;
  const std::shared_ptr<const Clock> clock;
  std::vector<int> store_network_ids;

  mutable std::mutex writer_mu;
  mutable std::mutex apply_mu;
  mutable std::shared_mutex index_mu;
  // mutable: sync() applies others' events from const queries.
  mutable GenealogyIndex index;
  /// Campaigns and order totals (guarded by index_mu, like the index).
  mutable CycleState cycle;
  /// Reads the calendar and the totals of the campaigns not closed from the
  /// store (needs index_mu exclusive, inside a read snapshot on open).
  void load_cycle(std::vector<std::uint8_t> purchased) const;
  /// Re-reads the totals of one campaign (needs index_mu exclusive).
  void load_totals(const std::string& campaign) const;
  /// Takes the persons' cycle columns read with the index (after
  /// load_cycle: the calendar maps campaigns to their starts).
  void assign_marks(StoredIndex& st) const;
  /// Re-reads every person's cycle columns from the store (another
  /// process closed a campaign); needs index_mu exclusive.
  void reload_marks() const;
  /// Takes the commercial states and who last ordered when from the last
  /// close's columns ("states.commercial"; "states.last_order": seconds
  /// before its start, -1 never), when it has them, then the reinstatements
  /// recorded since.
  void marks_from_close() const;
  mutable std::atomic<std::int64_t> last_applied{0};
  /// The subscribers to committed events (declared after `store`, which
  /// it reads: it stops first).
  mutable EventBus bus{*store};
  /// Records that the events up to `seq` are applied to the index, and
  /// tells the subscribers. Never fails.
  void applied(std::int64_t seq) const noexcept {
    if (last_applied.load() < seq) last_applied.store(seq);
    bus.committed(EventSeq{seq});
  }
  /// Per network, the latest effective time of a change after enrollment:
  /// history is appended in time order, never rewritten (guarded by writer_mu
  /// and apply_mu).
  mutable std::vector<Instant> last_change_at;
  /// The last recalculation of network `k`; null before the first.
  std::shared_ptr<const RecalcSnapshot> figures_of(std::size_t k) const {
    std::lock_guard lock(figures_mu_);
    return figures_[k];
  }
  /// Keeps `snapshot` as network `k`'s latest figures. The figures it
  /// replaces become the spare of the next recalculation when no one reads
  /// them any more: reusing their memory spares the page faults of ~70 MB
  /// per million persons, which cost a VM more than the pass itself.
  void keep_figures(std::size_t k, std::shared_ptr<RecalcSnapshot> snapshot) {
    std::shared_ptr<const RecalcSnapshot> old;
    {
      std::lock_guard lock(figures_mu_);
      old = std::exchange(figures_[k], std::move(snapshot));
    }
    // figures_of() can no longer hand `old` out: a count of one stays one.
    if (old && old.use_count() == 1) {
      std::lock_guard lock(figures_mu_);
      spare_[k] = std::const_pointer_cast<RecalcSnapshot>(std::move(old));
    }
  }
  /// The memory of an earlier recalculation of network `k` to reuse, or a
  /// new snapshot.
  std::shared_ptr<RecalcSnapshot> take_spare(std::size_t k) {
    std::lock_guard lock(figures_mu_);
    auto spare = std::exchange(spare_[k], nullptr);
    return spare ? spare : std::make_shared<RecalcSnapshot>();
  }
  /// Group volumes of network `k`'s last recalculation by node (empty
  /// before one): the weaker-leg-by-volume policy weighs legs with them.
  /// The snapshot `keep` keeps them alive.
  std::span<const std::int64_t> group_volumes(std::size_t k,
                                              std::shared_ptr<const RecalcSnapshot>& keep) const {
    keep = figures_of(k);
    return keep ? std::span<const std::int64_t>(keep->figures.gv_micros)
                : std::span<const std::int64_t>();
  }

 private:
  struct AsOfCache {
    std::size_t network = SIZE_MAX;
    std::int64_t last_applied = -1;
    std::shared_ptr<const TreeAsOf> tree;
  };
  mutable std::mutex figures_mu_;
  std::vector<std::shared_ptr<const RecalcSnapshot>> figures_;
  std::vector<std::shared_ptr<RecalcSnapshot>> spare_;
  mutable std::mutex as_of_mu_;
  mutable AsOfCache as_of_cache_;

 public:
 private:
  void apply_events(const std::vector<EventRow>& events) const;
};

/// The index's number for a rank id: 0 for "" (none), 1 + its position in
/// the ranks catalog; none for an id the catalog does not have.
std::optional<std::uint8_t> rank_number(const Config& config, std::string_view rank);

/// The index's number for a commercial state id: 0 for "" or an id the
/// catalog does not have, else 1 + its position. Never fails.
std::uint8_t commercial_number(const Config& config, std::string_view state);

/// "placed", "lobby", "dropout": how events and exports name a state.
std::string_view node_state_name(NodeState state);

/// Throws PermissionDenied (field "actor") unless the actor is staff, who
/// sees everyone; `what` completes "only staff may ...".
void require_staff(const Actor& actor, const char* what);

/// For tests and benchmarks of the library's internals (not installed).
struct CompanyAccess {
  static const CompanyState& state(const Company& company) { return *company.state_; }
  static CompanyState& state(Company& company) { return *company.state_; }
};

}  // namespace internal
DOWNLINE_END_NAMESPACE

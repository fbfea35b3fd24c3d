// Network adjustments (seed 002 §7.1.1.3): lobby placement, transfers and
// compression. Each call is one storage transaction; the index is changed
// first, under its exclusive lock, and changed back if anything fails.
#include <downline/company.hpp>

#include "company/company_state.hpp"
#include "genealogy/placement.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>

namespace downline {
inline namespace v0 {

using namespace internal;

namespace {

/// One person's place before and after, with the event kind that records it.
struct Change {
  Node node;
  NodePlacement from, to;
  const char* kind;
};

NodePlacement place_of(const NetworkTree& t, Node n) {
  NodePlacement p;
  p.parent = person_of(t.parent(n));
  p.position = t.position(n);
  p.state = t.state(n);
  return p;
}

/// The write skeleton every adjustment shares: writer lock, one store
/// transaction, the index under its exclusive lock, undo on failure, one
/// event (and history row) per change.
class Adjustment {
 public:
  Adjustment(CompanyState& s, const Actor& actor, std::size_t network)
      : s_(s),
        actor_(actor),
        network_(network),
        writer_(s.writer_mu),
        txn_(s.store->begin_write()),
        synced_((s.sync(), true)),
        apply_(s.apply_mu),
        index_(s.index_mu) {}

  ~Adjustment() {
    // Not committed: put the index back, newest change first.
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
  }

  NetworkTree& tree() { return s_.index.tree(network_); }
  const NetworkConfig& config() const { return s_.config.networks[network_]; }

  /// Records that the index changed, and how to change it back.
  void changed(Change change, std::function<void()> undo) {
    changes_.push_back(change);
    undo_.push_back(std::move(undo));
  }
  /// Records a change whose undo an earlier call holds.
  void changed(Change change) { changes_.push_back(change); }
  /// Records how to change the index back, for changes recorded apart.
  void on_undo(std::function<void()> undo) { undo_.push_back(std::move(undo)); }

  /// Writes the changes and commits; the outcome lists them.
  AdjustmentOutcome commit(Instant effective_at, const std::string& reason,
                           const std::string& extra_json) {
    AdjustmentOutcome out;
    if (changes_.empty()) {
      undo_.clear();
      return out;
    }
    EventRow event;
    event.recorded_at = s_.clock->now();
    event.effective_at = effective_at;
    event.actor = actor_.login;
    event.reason = reason;
    const int store_network = s_.store_network_ids[network_];
    const std::string& name = config().name;
    std::string payload;
    std::vector<EventSeq> seqs;
    seqs.reserve(changes_.size());
    for (const Change& c : changes_) {
      const PersonId person = person_of(c.node);
      payload.assign("{\"network\":\"").append(name).append("\",\"parent\":");
      payload.append(c.to.parent ? std::to_string(c.to.parent.value()) : "null");
      payload.append(",\"position\":").append(std::to_string(c.to.position));
      payload.append(",\"state\":\"").append(node_state_name(c.to.state));
      payload.append("\",\"from\":{\"parent\":");
      payload.append(c.from.parent ? std::to_string(c.from.parent.value()) : "null");
      payload.append(",\"position\":").append(std::to_string(c.from.position));
      payload.append(",\"state\":\"").append(node_state_name(c.from.state)).append("\"}");
      payload.append(extra_json).append("}");
      event.kind = c.kind;
      event.person = person;
      event.payload = payload;
      const EventSeq seq = txn_->append_event(event);
      seqs.push_back(seq);
      out.last_event = seq;
      if (c.to.state == NodeState::placed)
        out.moved.push_back(person);
      else
        out.removed.push_back(person);
    }
    // Rows in person order: a large compression then walks the node and
    // history tables front to back instead of touching random pages.
    std::vector<std::size_t> order(changes_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
      return changes_[a].node < changes_[b].node;
    });
    for (std::size_t i : order) {
      const Change& c = changes_[i];
      const PersonId person = person_of(c.node);
      txn_->update_node(NodeRow{store_network, person, c.to.parent, c.to.position,
                                static_cast<NodeStateRow>(c.to.state)},
                        std::string_view(c.kind) == "transferred");
      txn_->insert_change(ChangeRow{seqs[i], store_network, person, c.to.parent, c.from.parent,
                                    c.to.position, c.from.position,
                                    static_cast<NodeStateRow>(c.to.state),
                                    static_cast<NodeStateRow>(c.from.state), effective_at});
    }
    txn_->commit();
    undo_.clear();
    s_.last_applied.store(out.last_event.value());
    s_.last_change_at[network_] = std::max(s_.last_change_at[network_], effective_at);
    return out;
  }

  /// The effective time of a change: given or now, never before the
  /// network's latest change (history is appended, not rewritten).
  Instant effective(std::optional<Instant> given) const {
    const Instant at = given.value_or(s_.clock->now());
    if (at < s_.last_change_at[network_])
      throw FailedPrecondition("network '" + config().name + "' changed last at " +
                                   s_.last_change_at[network_].to_rfc3339() +
                                   ": a change cannot take effect before it",
                               "effective_at");
    return at;
  }

 private:
  CompanyState& s_;
  const Actor& actor_;
  std::size_t network_;
  std::lock_guard<std::mutex> writer_;
  std::unique_ptr<WriteTxn> txn_;
  bool synced_;
  std::lock_guard<std::mutex> apply_;
  std::unique_lock<std::shared_mutex> index_;
  std::vector<Change> changes_;
  std::vector<std::function<void()>> undo_;
};

void require_staff(const Actor& actor, const char* what) {
  if (!actor.sees_everyone())
    throw PermissionDenied(std::string("only staff may ") + what, "actor");
}

Node existing(const CompanyState& s, PersonId id, const char* field) {
  if (!s.index.contains(id))
    throw NotFound("no person has id " + std::to_string(id.value()), field);
  return GenealogyIndex::node_of(id);
}

[[noreturn]] void refuse(const PlaceDecision& d, const std::string& network, const char* field) {
  const std::string message = "network '" + network + "': " + d.message + " (" + d.problem + ")";
  if (d.problem == "invalid_position" || d.problem == "leg_required")
    throw InvalidArgument(message, field);
  throw FailedPrecondition(message, field);
}

Instant enrolled_at(const CompanyState& s, Node n) {
  auto row = s.store->get_person(GenealogyIndex::id_of(n));
  if (!row) throw Internal("person " + std::to_string(n + 1) + " is in the index, not the store");
  return row->enrolled_at;
}

// Places lobby person `n` and records the change.
void place_from_lobby(Adjustment& adj, Node n, const PlaceDecision& d) {
  NetworkTree& t = adj.tree();
  const NodePlacement from = place_of(t, n);
  const Node parent = d.place.parent ? GenealogyIndex::node_of(d.place.parent) : kNoNode;
  t.place(n, parent, d.place.position);
  adj.changed({n, from, place_of(t, n), "placed"}, [&t, n, from] { t.unplace(n, from.state); });
}

// Where the policy puts `n` from their sponsor's place (or above it).
PlaceDecision by_policy(const CompanyState& s, std::size_t k, Node n, Policy policy,
                        std::optional<std::uint32_t> leg) {
  const NetworkConfig& net = s.config.networks[k];
  const NetworkTree& t = s.index.tree(k);
  Node start =
      net.placement.from == "referrer" ? s.index.tree(1).parent(n) : s.index.tree(0).parent(n);
  while (start != kNoNode && !t.placed(start)) start = s.index.tree(0).parent(start);
  if (leg) policy = Policy::sponsor_leg;
  std::shared_ptr<const RecalcSnapshot> figures;
  return decide_place(net, t, start, policy, leg, s.group_volumes(k, figures));
}

}  // namespace

AdjustmentOutcome Company::place(const Actor& actor, PersonId person, const PlacementChoice& where,
                                 std::string_view reason) {
  CompanyState& s = *state_;
  const std::size_t k = s.network_of(where.network);
  Adjustment adj(s, actor, k);
  const NetworkConfig& net = adj.config();
  const Scope scope = s.scope_of(actor);
  const Node n = existing(s, person, "person");
  if (!scope.sees(s.index, n))
    throw PermissionDenied(
        "actor '" + actor.login + "' may not see person " + std::to_string(person.value()),
        "person");
  if (adj.tree().state(n) != NodeState::lobby)
    throw FailedPrecondition("person " + std::to_string(person.value()) +
                                 " is not waiting in the lobby of network '" + net.name + "'",
                             "person");
  const Instant now = adj.effective(std::nullopt);
  if (!scope.everyone &&
      now.micros_since_epoch >
          enrolled_at(s, n).micros_since_epoch +
              static_cast<std::int64_t>(net.placement.lobby_hours) * 3'600'000'000LL)
    throw FailedPrecondition("the lobby window of " + std::to_string(net.placement.lobby_hours) +
                                 " hours is over: the head office places them now",
                             "person");
  PlaceDecision d;
  if (where.parent) {
    const Node parent = existing(s, where.parent, "parent");
    if (!scope.sees(s.index, parent))
      throw PermissionDenied("actor '" + actor.login + "' may not place anyone under person " +
                                 std::to_string(where.parent.value()),
                             "parent");
    if (!net.transfers.across_territories && s.index.zone(parent) != s.index.zone(n))
      throw FailedPrecondition("network '" + net.name + "' keeps each territory apart", "parent");
    d = check_explicit(net, adj.tree(), parent, where.position);
  } else {
    d = by_policy(s, k, n, net.placement.fallback, where.position);
  }
  if (!d.problem.empty()) refuse(d, net.name, where.parent ? "parent" : "position");
  place_from_lobby(adj, n, d);
  return adj.commit(now, std::string(reason), "");
}

AdjustmentOutcome Company::place_expired(const Actor& actor, std::string_view network) {
  require_staff(actor, "place the lobby's expired");
  CompanyState& s = *state_;
  const std::size_t k = s.network_of(network);
  Adjustment adj(s, actor, k);
  const NetworkConfig& net = adj.config();
  const Instant now = adj.effective(std::nullopt);
  const std::int64_t window =
      static_cast<std::int64_t>(net.placement.lobby_hours) * 3'600'000'000LL;
  for (Node n = 0; n < adj.tree().size(); ++n) {
    if (adj.tree().state(n) != NodeState::lobby) continue;
    if (enrolled_at(s, n).micros_since_epoch + window > now.micros_since_epoch) continue;
    const PlaceDecision d = by_policy(s, k, n, net.placement.fallback, std::nullopt);
    if (!d.problem.empty()) refuse(d, net.name, "network");
    place_from_lobby(adj, n, d);
  }
  return adj.commit(now, "lobby window over", "");
}

AdjustmentOutcome Company::transfer(const Actor& actor, const TransferRequest& r) {
  require_staff(actor, "transfer persons");
  CompanyState& s = *state_;
  const std::size_t k = s.network_of(r.network);
  Adjustment adj(s, actor, k);
  const NetworkConfig& net = adj.config();
  NetworkTree& t = adj.tree();
  const Node n = existing(s, r.person, "person");
  if (!t.placed(n))
    throw FailedPrecondition("person " + std::to_string(r.person.value()) +
                                 " has no place in network '" + net.name + "'",
                             "person");
  Node parent = kNoNode;
  if (r.new_parent) {
    parent = existing(s, r.new_parent, "new_parent");
    if (parent == n || t.is_below(parent, n))
      throw FailedPrecondition("person " + std::to_string(r.new_parent.value()) +
                                   " is in the downline of " + std::to_string(r.person.value()) +
                                   ": a person cannot move under their own downline",
                               "new_parent");
    if (!t.placed(parent))
      throw FailedPrecondition("person " + std::to_string(r.new_parent.value()) +
                                   " has no place in network '" + net.name + "'",
                               "new_parent");
    if (!net.transfers.across_territories && s.index.zone(parent) != s.index.zone(n))
      throw FailedPrecondition(
          "network '" + net.name +
              "' keeps each territory apart: the new parent is in another zone",
          "new_parent");
  } else if (r.position && *r.position != 0) {
    throw InvalidArgument("a network parent has no position", "position");
  }
  if (r.position && net.width != 0 && *r.position >= net.width)
    throw InvalidArgument("position " + std::to_string(*r.position) + " is outside a network " +
                              std::to_string(net.width) + " wide",
                          "position");
  const Instant at = adj.effective(r.effective_at);
  const Instant enrolled = enrolled_at(s, n);
  if (at < enrolled)
    throw FailedPrecondition("the move would take effect before the person enrolled",
                             "effective_at");
  if (net.transfers.window_days != 0 &&
      at.micros_since_epoch - enrolled.micros_since_epoch >
          static_cast<std::int64_t>(net.transfers.window_days) * 86'400'000'000LL)
    throw FailedPrecondition("network '" + net.name + "' allows moves only within " +
                                 std::to_string(net.transfers.window_days) + " days of enrollment",
                             "person");
  if (net.transfers.max_moves != 0) {
    auto node = s.store->get_node(s.store_network_ids[k], r.person);
    if (node && node->moves >= net.transfers.max_moves)
      throw FailedPrecondition("person " + std::to_string(r.person.value()) + " has moved " +
                                   std::to_string(node->moves) + " times, the most network '" +
                                   net.name + "' allows",
                               "person");
  }
  if (parent == t.parent(n) && (!r.position || *r.position == t.position(n)) && r.with_downline)
    throw FailedPrecondition("person " + std::to_string(r.person.value()) + " is already there",
                             "new_parent");

  const NodePlacement from = place_of(t, n);
  const Node old_parent = t.parent(n);
  if (!r.with_downline) {
    if (!t.children_fit_above(n))
      throw FailedPrecondition("the children of person " + std::to_string(r.person.value()) +
                                   " do not fit under their parent's free positions",
                               "with_downline");
    // Out of the tree for a moment (their children move up), then placed
    // below; one undo puts the lift back.
    auto lifted = t.lift(n, NodeState::lobby);
    adj.on_undo(
        [&t, n, old_parent, from, lifted] { t.unlift(n, old_parent, from.position, lifted); });
    for (const auto& [c, old_position] : lifted)
      adj.changed({c, NodePlacement{person_of(n), old_position, NodeState::placed}, place_of(t, c),
                   "moved_up"});
  }
  std::uint32_t position = 0;
  if (parent != kNoNode) {
    const PlaceDecision d = check_explicit(net, t, parent, r.position);
    if (!d.problem.empty()) refuse(d, net.name, "new_parent");
    position = d.place.position;
    if (r.with_downline && net.max_depth != 0 && t.depth(parent) + 1 + t.height(n) > net.max_depth)
      throw FailedPrecondition("the downline of person " + std::to_string(r.person.value()) +
                                   " would go deeper than level " + std::to_string(net.max_depth),
                               "new_parent");
  }
  if (r.with_downline) {
    t.move(n, parent, position);
    adj.changed({n, from, place_of(t, n), "transferred"},
                [&t, n, from, old_parent] { t.move(n, old_parent, from.position); });
  } else {
    t.place(n, parent, position);
    adj.changed({n, from, place_of(t, n), "transferred"},
                [&t, n] { t.unplace(n, NodeState::lobby); });
  }
  return adj.commit(at, r.reason,
                    std::string(",\"with_downline\":") + (r.with_downline ? "true" : "false"));
}

AdjustmentOutcome Company::compress(const Actor& actor, const CompressionRequest& r,
                                    const ProgressFn& progress) {
  require_staff(actor, "compress a network");
  CompanyState& s = *state_;
  const std::size_t k = s.network_of(r.network);
  if (k < 2)
    throw InvalidArgument(
        "the " + r.network + " network records who enrolled whom; compress a placement network",
        "network");
  Adjustment adj(s, actor, k);
  const NetworkConfig& net = adj.config();
  NetworkTree& t = adj.tree();
  std::vector<Node> removed;
  if (!r.persons.empty()) {
    for (std::size_t i = 0; i < r.persons.size(); ++i) {
      const std::string field = "persons[" + std::to_string(i) + "]";
      if (!s.index.contains(r.persons[i]))
        throw NotFound("no person has id " + std::to_string(r.persons[i].value()), field);
      const Node n = GenealogyIndex::node_of(r.persons[i]);
      if (!t.placed(n))
        throw FailedPrecondition("person " + std::to_string(r.persons[i].value()) +
                                     " has no place in network '" + net.name + "'",
                                 field);
      removed.push_back(n);
    }
  } else {
    if (net.compress_statuses.empty())
      throw InvalidArgument(
          "network '" + net.name + "' has no compression statuses: name the persons to remove",
          "persons");
    for (Node n = 0; n < t.size(); ++n)
      if (t.placed(n) && std::find(net.compress_statuses.begin(), net.compress_statuses.end(),
                                   s.index.status(n)) != net.compress_statuses.end())
        removed.push_back(n);
  }
  const Instant at = adj.effective(r.effective_at);
  // Top down (pre-order): a removed person's children move up once, to the
  // nearest upline that stays.
  t.ensure_intervals();
  std::sort(removed.begin(), removed.end(),
            [&t](Node a, Node b) { return t.enter(a) < t.enter(b); });
  removed.erase(std::unique(removed.begin(), removed.end()), removed.end());
  for (std::size_t i = 0; i < removed.size(); ++i) {
    const Node n = removed[i];
    if (!t.children_fit_above(n))
      throw FailedPrecondition("the children of person " + std::to_string(n + 1) +
                                   " do not fit under their parent's free positions",
                               "persons");
    const NodePlacement from = place_of(t, n);
    const Node old_parent = t.parent(n);
    auto lifted = t.lift(n, NodeState::dropout);
    adj.changed({n, from, place_of(t, n), "dropped_out"}, [&t, n, old_parent, from, lifted] {
      t.unlift(n, old_parent, from.position, lifted);
    });
    for (const auto& [c, old_position] : lifted)
      adj.changed({c, NodePlacement{person_of(n), old_position, NodeState::placed}, place_of(t, c),
                   "moved_up"});
    if (progress && ((i + 1) % 4096 == 0 || i + 1 == removed.size()))
      progress(i + 1, removed.size());
  }
  return adj.commit(at, r.reason, "");
}

}  // namespace v0
}  // namespace downline

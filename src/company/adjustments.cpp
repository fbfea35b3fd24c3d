// Network adjustments (seed 002 §7.1.1.3): lobby placement, transfers and
// compression. Each call is one storage transaction; the index is changed
// first, under its exclusive lock, and changed back if anything fails.
#include <downline/company.hpp>

#include "company/company_state.hpp"
#include "genealogy/placement.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <functional>
#include <span>

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
        // Every person an adjustment writes (events, nodes, parents) is one
        // the index holds, hence stored: the store need not look them up.
        txn_(s.store->begin_write(KeyChecks::caller)),
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
  /// Room for this many more changes and undos (a large compression).
  void reserve(std::size_t changes, std::size_t undos) {
    changes_.reserve(changes_.size() + changes);
    undo_.reserve(undo_.size() + undos);
  }

  /// Writes the changes and commits; the outcome lists them.
  AdjustmentOutcome commit(Instant effective_at, const std::string& reason,
                           const std::string& extra_json) {
    AdjustmentOutcome out;
    if (changes_.empty()) {
      undo_.clear();
      return out;
    }
    const std::size_t n = changes_.size();
    const int store_network = s_.store_network_ids[network_];
    // Events in change order (other processes replay them in that order),
    // written in chunks whose rows, strings included, are reused.
    constexpr std::size_t kChunk = 1024;
    const Instant recorded_at = s_.clock->now();
    std::vector<EventRow> events(std::min(kChunk, n));
    for (EventRow& e : events) {
      e.recorded_at = recorded_at;
      e.effective_at = effective_at;
      e.actor = actor_.login;
      e.reason = reason;
    }
    std::vector<EventSeq> seqs(n);
    for (std::size_t begin = 0; begin < n; begin += kChunk) {
      const std::size_t count = std::min(kChunk, n - begin);
      for (std::size_t i = 0; i < count; ++i) {
        const Change& c = changes_[begin + i];
        EventRow& e = events[i];
        e.kind = c.kind;
        e.person = person_of(c.node);
        write_payload(e.payload, c, extra_json);
      }
      const EventSeq first = txn_->append_events(std::span(events).first(count));
      for (std::size_t i = 0; i < count; ++i)
        seqs[begin + i] = EventSeq{first.value() + static_cast<std::int64_t>(i)};
    }
    // Node and history rows in person order (a person's changes in event
    // order), in chunks: a large compression then walks both tables front
    // to back.
    std::vector<std::uint64_t> order(n);
    for (std::size_t i = 0; i < n; ++i)
      order[i] = std::uint64_t{changes_[i].node} << 32 | static_cast<std::uint32_t>(i);
    std::sort(order.begin(), order.end());
    std::vector<NodeUpdate> nodes;
    std::vector<ChangeRow> history;
    nodes.reserve(std::min(kChunk, n));
    history.reserve(std::min(kChunk, n));
    for (std::size_t begin = 0; begin < n; begin += kChunk) {
      nodes.clear();
      history.clear();
      for (std::size_t k = begin; k < std::min(begin + kChunk, n); ++k) {
        const std::size_t i = static_cast<std::uint32_t>(order[k]);
        const Change& c = changes_[i];
        const PersonId person = person_of(c.node);
        nodes.push_back({NodeRow{store_network, person, c.to.parent, c.to.position,
                                 static_cast<NodeStateRow>(c.to.state)},
                         std::string_view(c.kind) == "transferred"});
        history.push_back({seqs[i], store_network, person, c.to.parent, c.from.parent,
                           c.to.position, c.from.position, static_cast<NodeStateRow>(c.to.state),
                           static_cast<NodeStateRow>(c.from.state), effective_at});
      }
      txn_->update_nodes(nodes);
      txn_->insert_changes(history);
    }
    txn_->commit();
    undo_.clear();
    const auto moved = static_cast<std::size_t>(
        std::count_if(changes_.begin(), changes_.end(),
                      [](const Change& c) { return c.to.state == NodeState::placed; }));
    out.moved.reserve(moved);
    out.removed.reserve(n - moved);
    for (const Change& c : changes_)
      (c.to.state == NodeState::placed ? out.moved : out.removed).push_back(person_of(c.node));
    out.last_event = seqs.back();
    s_.applied(out.last_event.value());
    s_.last_change_at[network_] = std::max(s_.last_change_at[network_], effective_at);
    return out;
  }

  /// The event payload of a change: where the person is now, and was.
  void write_payload(std::string& out, const Change& c, const std::string& extra_json) const {
    // By hand: one per change, every value a number or a fixed name.
    const auto place = [&out](const NodePlacement& p) {
      out.append("\"parent\":");
      append_number(out, p.parent.value(), !p.parent);
      out.append(",\"position\":");
      append_number(out, p.position, false);
      out.append(",\"state\":\"").append(node_state_name(p.state)).append("\"");
    };
    out.assign("{\"network\":\"").append(config().name).append("\",");
    place(c.to);
    out.append(",\"from\":{");
    place(c.from);
    out.append("}").append(extra_json).append("}");
  }

  static void append_number(std::string& out, std::int64_t value, bool null) {
    if (null) {
      out.append("null");
      return;
    }
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
  }

  /// The effective time of a change: given or now, never after now nor
  /// before the network's latest change (history is appended, not rewritten).
  Instant effective(std::optional<Instant> given) const {
    const Instant now = s_.clock->now();
    const Instant at = given.value_or(now);
    // The index shows a change at once: one dated later would be replayed
    // after changes and enrollments recorded before it takes effect.
    if (at > now)
      throw FailedPrecondition("a change cannot take effect after now (" + now.to_rfc3339() + ")",
                               "effective_at");
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
    removed.reserve(r.persons.size());
    const auto field = [](std::size_t i) { return "persons[" + std::to_string(i) + "]"; };
    for (std::size_t i = 0; i < r.persons.size(); ++i) {
      if (!s.index.contains(r.persons[i]))
        throw NotFound("no person has id " + std::to_string(r.persons[i].value()), field(i));
      const Node n = GenealogyIndex::node_of(r.persons[i]);
      if (!t.placed(n))
        throw FailedPrecondition("person " + std::to_string(r.persons[i].value()) +
                                     " has no place in network '" + net.name + "'",
                                 field(i));
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
  // One change per removed person and one per child they have now: going
  // top down, no one's children change before they are removed themselves.
  std::size_t changes = removed.size();
  for (const Node n : removed) changes += t.child_count(n);
  adj.reserve(changes, removed.size());
  for (std::size_t i = 0; i < removed.size(); ++i) {
    const Node n = removed[i];
    if (!t.children_fit_above(n))
      throw FailedPrecondition("the children of person " + std::to_string(n + 1) +
                                   " do not fit under their parent's free positions",
                               "persons");
    const NodePlacement from = place_of(t, n);
    const Node old_parent = t.parent(n);
    auto lifted = t.lift(n, NodeState::dropout);
    // The undo keeps the list (moved in, not copied: its elements stay where
    // they are), the changes read it.
    const std::span<const std::pair<Node, std::uint32_t>> children(lifted);
    adj.on_undo([&t, n, old_parent, from, lifted = std::move(lifted)] {
      t.unlift(n, old_parent, from.position, lifted);
    });
    adj.changed({n, from, place_of(t, n), "dropped_out"});
    for (const auto& [c, old_position] : children)
      adj.changed({c, NodePlacement{person_of(n), old_position, NodeState::placed}, place_of(t, c),
                   "moved_up"});
    if (progress && ((i + 1) % 4096 == 0 || i + 1 == removed.size()))
      progress(i + 1, removed.size());
  }
  return adj.commit(at, r.reason, "");
}

}  // namespace v0
}  // namespace downline

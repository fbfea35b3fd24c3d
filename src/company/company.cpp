#include <downline/company.hpp>

#include "company/company_state.hpp"
#include "enrollment/masks.hpp"
#include "enrollment/validation.hpp"
#include "genealogy/placement.hpp"
#include "rules/rule_book.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <unordered_map>
#include <unordered_set>

namespace downline {
inline namespace v0 {

namespace internal {

namespace {

std::optional<NodeState> parse_node_state(std::string_view name) {
  if (name == "placed") return NodeState::placed;
  if (name == "lobby") return NodeState::lobby;
  if (name == "dropout") return NodeState::dropout;
  return std::nullopt;
}

[[noreturn]] void corrupt(const EventRow& e) {
  throw DataLoss("event " + std::to_string(e.seq.value()) + " is corrupt");
}

}  // namespace

CompanyState::CompanyState(Config cfg, std::unique_ptr<Store> st, std::shared_ptr<const Clock> clk)
    : config(std::move(cfg)),
      store(std::move(st)),
      clock(std::move(clk)),
      index(shapes_of(config)),
      last_change_at(config.networks.size()),
      figures_(config.networks.size()),
      spare_(config.networks.size()) {
  for (const auto& n : config.networks) store_network_ids.push_back(store->network_id(n.name));
}

std::vector<TreeShape> shapes_of(const Config& config) {
  std::vector<TreeShape> shapes;
  for (const auto& n : config.networks) shapes.push_back(shape_of(n));
  return shapes;
}

TreeShape shape_of(const NetworkConfig& n) {
  return TreeShape{
      n.width, n.max_depth,
      n.placement.policy == Policy::weaker_leg || n.placement.fallback == Policy::weaker_leg};
}

StoredIndex CompanyState::read_stored_index(const StoreFault& fault,
                                            const std::function<void()>& also,
                                            std::size_t only) const {
  StoredIndex st;
  st.trees.resize(config.networks.size());
  const auto report = [&](const std::string& network, Node n, std::string message) {
    if (!fault) throw DataLoss(message);
    fault(network, n, std::move(message));
  };
  std::unordered_map<std::string, std::uint32_t> zone_ids{{"", 0}};
  store->with_read_snapshot([&] {
    st.last = store->last_event_seq();
    bool dense = true;
    store->scan_persons([&](const PersonColumns& p) {
      if (!dense) return;
      if (p.id.value() != static_cast<std::int64_t>(st.types.size()) + 1) {
        dense = false;
        return report(
            "", kNoNode,
            "person ids in the store are not dense at id " + std::to_string(p.id.value()));
      }
      st.types.push_back(static_cast<std::uint8_t>(p.type));
      st.statuses.push_back(static_cast<std::uint8_t>(p.status));
      st.ranks.push_back(p.rank);
      st.enrolled_at.push_back(p.enrolled_at);
      auto [it, added] = zone_ids.try_emplace(std::string(p.zone),
                                              static_cast<std::uint32_t>(st.zone_names.size()));
      if (added) st.zone_names.emplace_back(p.zone);
      st.zones.push_back(it->second);
    });
    const std::size_t n = st.types.size();
    const auto known = [n](PersonId id) {
      return id.value() >= 1 && id.value() <= static_cast<std::int64_t>(n);
    };
    for (std::size_t k = 0; k < st.trees.size(); ++k) {
      if (only != SIZE_MAX && k != only) continue;
      TreeColumns& t = st.trees[k];
      const std::string& name = config.networks[k].name;
      t.parents.assign(n, kNoNode);
      t.positions.assign(n, 0);
      t.states.assign(n, NodeState::placed);
      store->scan_nodes(store_network_ids[k], [&](const NodeRow& row) {
        if (!known(row.person))
          return report(name, kNoNode,
                        "network node of unknown person " + std::to_string(row.person.value()));
        const Node v = GenealogyIndex::node_of(row.person);
        if (row.parent && !known(row.parent))
          return report(name, v,
                        "network node with unknown parent " + std::to_string(row.parent.value()));
        t.parents[v] = row.parent ? GenealogyIndex::node_of(row.parent) : kNoNode;
        t.positions[v] = row.position;
        t.states[v] = static_cast<NodeState>(row.state);
      });
    }
    if (also) also();
  });
  return st;
}

void CompanyState::rebuild_index() {
  std::lock_guard apply(apply_mu);
  std::unique_lock lock(index_mu);
  StoredIndex st = read_stored_index({}, [&] {
    for (std::size_t i = 0; i < config.networks.size(); ++i) {
      Instant latest{};
      store->scan_changes(store_network_ids[i],
                          [&](const ChangeRow& c) { latest = std::max(latest, c.effective_at); });
      last_change_at[i] = latest;
    }
  });
  index.assign(std::move(st.types), std::move(st.statuses), std::move(st.zones),
               std::move(st.ranks), std::move(st.zone_names), st.trees);
  last_applied.store(st.last.value());
}

void CompanyState::sync() const {
  std::lock_guard apply(apply_mu);
  if (!store->others_may_have_written()) return;
  for (;;) {
    auto events = store->events_after(EventSeq{last_applied.load()}, 10000);
    if (events.empty()) return;
    apply_events(events);
  }
}

void CompanyState::apply_change(std::size_t network, Node node, const NodePlacement& to) const {
  NetworkTree& t = index.tree(network);
  const Node parent = to.parent ? GenealogyIndex::node_of(to.parent) : kNoNode;
  if (to.state != NodeState::placed) {
    // The writer lifted the children up in the same step; the moved_up
    // events that follow find them there already.
    if (t.placed(node)) t.lift(node, to.state);
  } else if (t.placed(node)) {
    if (t.parent(node) == parent && t.position(node) == to.position) return;
    t.move(node, parent, to.position);
  } else {
    t.place(node, parent, to.position);
  }
}

void CompanyState::apply_events(const std::vector<EventRow>& events) const {
  std::unique_lock lock(index_mu);
  std::vector<NodePlacement> places(config.networks.size());
  for (const auto& e : events) {
    const bool enrolled = e.kind == "enrolled";
    const bool structural = e.kind == "placed" || e.kind == "transferred" || e.kind == "moved_up" ||
                            e.kind == "dropped_out";
    if (enrolled || structural) {
      auto payload = nlohmann::json::parse(e.payload, nullptr, false);
      if (payload.is_discarded() || !payload.is_object()) corrupt(e);
      if (enrolled) {
        auto type = parse_customer_type(payload.value("type", ""));
        auto status = parse_status(payload.value("status", ""));
        if (!type || !status) corrupt(e);
        const auto& p = payload["parents"];
        const auto& extra = payload.contains("places") ? payload["places"] : nlohmann::json{};
        for (std::size_t i = 0; i < places.size(); ++i) {
          const std::string& name = config.networks[i].name;
          auto it = p.find(name);
          places[i] = NodePlacement{};
          places[i].parent = it != p.end() && it->is_number_integer()
                                 ? PersonId{it->get<std::int64_t>()}
                                 : PersonId{};
          if (auto x = extra.find(name); extra.is_object() && x != extra.end()) {
            places[i].position = x->value("position", 0u);
            places[i].state =
                parse_node_state(x->value("state", "placed")).value_or(NodeState::placed);
          } else if (places[i].parent) {
            places[i].position = index.tree(i).free_slot(GenealogyIndex::node_of(places[i].parent));
          }
        }
        index.add_person(e.person, *type, *status, places,
                         index.zone_id(payload.value("zone", "")));
      } else {
        const int k = config.network_index(payload.value("network", ""));
        auto state = parse_node_state(payload.value("state", ""));
        if (k < 0 || !state || !index.contains(e.person)) corrupt(e);
        NodePlacement to;
        const auto& parent = payload["parent"];
        to.parent = parent.is_number_integer() ? PersonId{parent.get<std::int64_t>()} : PersonId{};
        to.position = payload.value("position", 0u);
        to.state = *state;
        apply_change(static_cast<std::size_t>(k), GenealogyIndex::node_of(e.person), to);
        last_change_at[static_cast<std::size_t>(k)] =
            std::max(last_change_at[static_cast<std::size_t>(k)], e.effective_at);
      }
    } else if (e.kind == "activated" || e.kind == "inactivated" || e.kind == "status_changed" ||
               e.kind == "approved" || e.kind == "rejected") {
      auto payload = nlohmann::json::parse(e.payload, nullptr, false);
      if (payload.is_discarded() || !payload.is_object() || !index.contains(e.person)) corrupt(e);
      // A decision on a work item changes a status only when it says so.
      if (payload.contains("status") || !payload.contains("item")) {
        auto status = parse_status(payload.value("status", ""));
        if (!status) corrupt(e);
        index.set_status(GenealogyIndex::node_of(e.person), *status);
      }
    } else if (e.kind == "converted" || e.kind == "rejoined") {
      auto payload = nlohmann::json::parse(e.payload, nullptr, false);
      if (payload.is_discarded() || !payload.is_object() || !index.contains(e.person)) corrupt(e);
      auto type = parse_customer_type(payload.value("type", ""));
      auto status = parse_status(payload.value("status", ""));
      if (!type || !status) corrupt(e);
      index.set_type(GenealogyIndex::node_of(e.person), *type);
      index.set_status(GenealogyIndex::node_of(e.person), *status);
    } else if (e.kind == "rank_changed") {
      auto payload = nlohmann::json::parse(e.payload, nullptr, false);
      if (payload.is_discarded() || !payload.is_object() || !index.contains(e.person)) corrupt(e);
      // A rank this configuration no longer declares counts as none.
      index.set_rank(GenealogyIndex::node_of(e.person),
                     rank_number(config, payload.value("rank", "")).value_or(0));
    }
    last_applied.store(e.seq.value());
  }
}

Scope CompanyState::scope_of(const Actor& actor) const {
  if (actor.sees_everyone()) return Scope{true, kNoNode};
  if (actor.person && index.contains(actor.person))
    return Scope{false, GenealogyIndex::node_of(actor.person)};
  throw PermissionDenied("actor '" + actor.login + "' sees no one: give it a role or a person",
                         "actor");
}

std::size_t CompanyState::network_of(std::string_view name) const {
  int i = config.network_index(name);
  if (i < 0) throw NotFound("unknown network '" + std::string(name) + "'", "network");
  return static_cast<std::size_t>(i);
}

namespace {

struct Resolved {
  PersonId id;                   // set when the person exists already
  std::size_t batch = SIZE_MAX;  // or index of the request in this batch
  Status status = Status::active;
  CustomerType type = CustomerType::consultant;
  explicit operator bool() const { return id || batch != SIZE_MAX; }
};

// The nearest person at or above `n` (in the sponsor network) who has a
// place in `tree`: a search starts there when the sponsor waits in a lobby
// or dropped out.
Node placed_at_or_above(const GenealogyIndex& index, const NetworkTree& tree, Node n) {
  while (n != kNoNode && !tree.placed(n)) n = index.tree(0).parent(n);
  return n;
}

}  // namespace

std::string_view node_state_name(NodeState state) {
  switch (state) {
    case NodeState::placed: return "placed";
    case NodeState::lobby: return "lobby";
    case NodeState::dropout: return "dropout";
  }
  return "placed";
}

NodePlacement place_newcomer(const CompanyState& s, const Scope& scope, const EnrollmentRequest& r,
                             std::size_t i, std::size_t k, const NodePlacement* earlier,
                             std::uint32_t zone, std::vector<Finding>& findings) {
  const NetworkConfig& net = s.config.networks[k];
  const NetworkTree& tree = s.index.tree(k);
  const std::string prefix = "[" + std::to_string(i) + "].";
  NodePlacement unplaced;  // while findings are collected, a failed place waits
  unplaced.state = NodeState::lobby;
  const PlacementChoice* choice = nullptr;
  std::string choice_field;
  for (std::size_t j = 0; j < r.placements.size(); ++j) {
    const std::string field = prefix + "placements[" + std::to_string(j) + "]";
    if (s.config.network_index(r.placements[j].network) != static_cast<int>(k)) continue;
    if (choice) {
      findings.push_back({Code::invalid_argument, "duplicate_placement", field + ".network",
                          "network '" + net.name + "' is chosen twice", net.name, "once"});
      return unplaced;
    }
    choice = &r.placements[j];
    choice_field = field;
  }
  const auto finding = [&](const PlaceDecision& d, const std::string& field) {
    const bool bad_input = d.problem == "invalid_position" || d.problem == "leg_required";
    findings.push_back({bad_input ? Code::invalid_argument : Code::failed_precondition, d.problem,
                        field, "network '" + net.name + "': " + d.message, "", ""});
    return unplaced;
  };

  if (choice && choice->parent) {
    const std::string field = choice_field + ".parent";
    if (!s.index.contains(choice->parent)) {
      findings.push_back({Code::not_found, "parent_not_found", field,
                          "no person has id " + std::to_string(choice->parent.value()),
                          std::to_string(choice->parent.value()), "an enrolled person"});
      return unplaced;
    }
    const Node parent = GenealogyIndex::node_of(choice->parent);
    if (!scope.sees(s.index, parent))
      throw PermissionDenied(
          "the actor may not place anyone under person " + std::to_string(choice->parent.value()),
          field);
    if (!net.transfers.across_territories && s.index.zone(parent) != zone) {
      findings.push_back({Code::failed_precondition, "other_territory", field,
                          "network '" + net.name + "' keeps each territory apart", "",
                          "a parent in the same zone"});
      return unplaced;
    }
    PlaceDecision d = check_explicit(net, tree, parent, choice->position);
    if (!d.problem.empty()) return finding(d, choice_field);
    return d.place;
  }

  if (net.structure == Structure::territorial) {
    // The nearest upline in the source network who is in the same zone.
    const std::size_t src = static_cast<std::size_t>(s.config.network_index(net.source));
    const PersonId first = earlier[src].parent;
    Node up = first ? GenealogyIndex::node_of(first) : kNoNode;
    while (up != kNoNode && (s.index.zone(up) != zone || !tree.placed(up)))
      up = s.index.tree(src).parent(up);
    if (up == kNoNode) return NodePlacement{};  // the first of their zone: a network parent
    PlaceDecision d = check_explicit(net, tree, up, std::nullopt);
    if (!d.problem.empty()) return finding(d, prefix + "sponsor");
    return d.place;
  }

  const PersonId from = net.placement.from == "referrer" ? earlier[1].parent : earlier[0].parent;
  const Node start =
      from ? placed_at_or_above(s.index, tree, GenealogyIndex::node_of(from)) : kNoNode;
  Policy policy = net.placement.policy;
  std::optional<std::uint32_t> leg;
  if (choice && choice->position) {
    leg = choice->position;
    policy = Policy::sponsor_leg;
  }
  std::shared_ptr<const RecalcSnapshot> figures;
  PlaceDecision d = decide_place(net, tree, start, policy, leg, s.group_volumes(k, figures));
  if (!d.problem.empty()) return finding(d, choice ? choice_field : prefix + "sponsor");
  return d.place;
}

}  // namespace internal

using internal::CompanyState;
using internal::GenealogyIndex;

namespace {

// The existing person an enrollment matches by external id, document or
// e-mail, in that order.
std::optional<PersonId> pre_existing(const CompanyState& s, const EnrollmentRequest& r) {
  const PersonData& p = r.person;
  if (!p.external_id.empty())
    if (auto id = s.store->find_external_id(p.external_id)) return id;
  if (!p.document_type.empty() && !p.document_number.empty())
    if (auto id = s.store->find_document_of(p.document_type,
                                            internal::normalize_document(p.document_number)))
      return id;
  if (!p.email.empty())
    if (auto id = s.store->find_email_key(internal::email_key(p.email))) return id;
  return std::nullopt;
}

}  // namespace
using internal::kNoNode;
using internal::Node;
using internal::NodePlacement;
using internal::NodeState;

Company::Company(std::unique_ptr<CompanyState> state) : state_(std::move(state)) {}
Company::Company(Company&&) noexcept = default;
Company& Company::operator=(Company&&) noexcept = default;
Company::~Company() = default;

Company Company::open(std::string_view uri, std::string_view config_json, OpenOptions options) {
  auto config = internal::parse_config(config_json);
  auto store = internal::open_store(uri, internal::StoreOptions{options.busy_timeout_ms});
  internal::check_contract_history(config, *store);
  std::shared_ptr<const Clock> clock =
      options.clock ? options.clock : std::make_shared<SystemClock>();
  auto state =
      std::make_unique<CompanyState>(std::move(config), std::move(store), std::move(clock));
  state->rebuild_index();
  return Company(std::move(state));
}

EnrollmentOutcome Company::enroll(const Actor& actor, const EnrollmentRequest& request) {
  if (state_->config.enrollment.continue_pre_existing)
    if (auto existing = pre_existing(*state_, request)) {
      // The person exists: the enrollment continues the flow for them. One
      // who is already what they ask to become is a finding, as a duplicate
      // would be.
      ConversionRequest conversion{*existing, request.type, request.channel, request.reason};
      try {
        return convert(actor, conversion);
      } catch (const FailedPrecondition& e) {
        EnrollmentOutcome out;
        out.findings.push_back({Code::already_exists, "already_enrolled",
                                e.field() == "type" ? "type" : "person", e.what(),
                                std::to_string(existing->value()), "a conversion or a rejoining"});
        return out;
      }
    }
  // A single request is the bulk path with one element; its "[0]." field
  // prefixes are dropped.
  const auto strip = [](const std::string& field) {
    return field.starts_with("[0].") ? field.substr(4) : field;
  };
  BulkEnrollmentOutcome bulk;
  try {
    bulk = enroll_many(actor, std::span<const EnrollmentRequest>(&request, 1));
  } catch (const Error& e) {
    throw_error(e.code(), e.what(), strip(e.field()));
  }
  EnrollmentOutcome out;
  out.accepted = bulk.accepted;
  if (bulk.accepted) {
    out.person = bulk.persons.front();
    out.event = bulk.last_event;
    if (!bulk.decisions.empty()) out.decisions = std::move(bulk.decisions.front());
    out.outcome = std::move(bulk.outcomes.front());
    out.quick_code = std::move(bulk.quick_codes.front());
    out.work_item = bulk.work_items.front();
  }
  out.findings = std::move(bulk.findings);
  for (auto& f : out.findings) f.field = strip(f.field);
  return out;
}

namespace {

// The facts an enrollment rule reads: the person as they are about to be
// written. Other sections (order, campaign, network) are absent. The rules
// in force at the enrollment's effective time decide, so a back-dated import
// is judged by the rules of its day.
std::vector<Decision> evaluate_enrollment_rules(const internal::RuleBookData& rules,
                                                const internal::PersonRow& row, PersonId sponsor) {
  nlohmann::json person = {{"id", std::to_string(row.id.value())},
                           {"kind", to_string(row.type)},
                           {"status", to_string(row.status)},
                           {"country", row.data.country},
                           {"channel", row.channel},
                           {"enrolled_at", row.enrolled_at.to_rfc3339()},
                           {"vip", false},
                           {"segments", nlohmann::json::array()},
                           {"rank", ""},
                           {"commercial_state", ""},
                           {"starter_kit", ""},
                           {"zone", row.data.zone}};
  // The rules see extended fields by slot ("1".."20"), as stored.
  if (auto extended = nlohmann::json::parse(row.extended_json, nullptr, false);
      extended.is_object() && !extended.empty())
    person["extended"] = std::move(extended);
  if (sponsor) person["sponsor"] = std::to_string(sponsor.value());
  return internal::evaluate_rules(rules, Trigger::enrollment, {{"person", std::move(person)}},
                                  row.enrolled_at, nullptr);
}

std::string draw_quick_code() {
  static constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string code(8, ' ');
  for (char& c : code) c = kAlphabet[rng() % kAlphabet.size()];
  return code;
}

// How an accepted enrollment ends, as the outcome and the event name it.
std::string_view outcome_name(internal::Outcome outcome, CustomerType type) {
  if (type == CustomerType::guest) return "guest";
  switch (outcome) {
    case internal::Outcome::pending_approval: return "pending_approval";
    case internal::Outcome::pending_kit: return "pending_kit";
    default: return "active";
  }
}

// The decisions the person's row holds today (status and type); the others
// are recorded in the event for the host and for the issues that store them.
void apply_to_row(const std::vector<Decision>& decisions, internal::PersonRow& row) {
  for (const Decision& d : decisions) {
    switch (d.action.type) {
      case ActionType::activate: row.status = Status::active; break;
      case ActionType::inactivate: row.status = Status::inactive; break;
      case ActionType::set_customer_type:
        row.type = parse_customer_type(d.action.target).value_or(row.type);
        break;
      default: break;
    }
  }
}

}  // namespace

BulkEnrollmentOutcome Company::enroll_many(const Actor& actor,
                                           std::span<const EnrollmentRequest> requests,
                                           const ProgressFn& progress) {
  using namespace internal;
  CompanyState& s = *state_;
  std::lock_guard writer(s.writer_mu);
  auto txn = s.store->begin_write();
  s.sync();  // under the store's write lock: no one else can commit now

  BulkEnrollmentOutcome out;
  const std::size_t n = requests.size();
  const std::size_t networks = s.config.networks.size();
  // parents[i * networks + k]: parent of request i in network k.
  std::vector<PersonId> parents(n * networks);
  std::vector<PersonId> ids(n);
  std::unordered_map<std::string_view, std::size_t> batch_ext;
  std::vector<bool> taken(n, false);  // request i's external id is a known duplicate
  std::vector<NormalizedPerson> norms(n);
  std::vector<Outcome> outcomes(n, Outcome::active);
  const auto duplicate = [&](std::size_t i) {
    const std::string& ext = requests[i].person.external_id;
    return Finding{Code::already_exists,
                   "duplicate_external_id",
                   "[" + std::to_string(i) + "].person.external_id",
                   "external id '" + ext + "' is taken",
                   ext,
                   "a new external id"};
  };
  const auto report = [&](std::size_t done) {
    if (progress && (done % 4096 == 0 || done == n)) progress(done, n);
  };
  {
    std::shared_lock lock(s.index_mu);
    const Scope scope = s.scope_of(actor);
    const PersonId first_id = s.index.next_id();
    const Status initial = s.config.enrollment.initial_status;

    auto resolve = [&](PersonId id, const std::string& ext, const std::string& prefix,
                       const char* what) -> Resolved {
      const std::string field = std::string(what);
      const auto existing = [&](PersonId found) {
        const Node v = GenealogyIndex::node_of(found);
        return Resolved{found, SIZE_MAX, s.index.status(v), s.index.type(v)};
      };
      if (id) {
        if (s.index.contains(id)) return existing(id);
        out.findings.push_back({Code::not_found, field + "_not_found", prefix + field,
                                "no person has id " + std::to_string(id.value()),
                                std::to_string(id.value()), "an enrolled person"});
        return {};
      }
      if (auto it = batch_ext.find(ext); it != batch_ext.end())
        return Resolved{{}, it->second, initial, requests[it->second].type};
      if (auto found = s.store->find_external_id(ext)) return existing(*found);
      out.findings.push_back(
          {Code::not_found, field + "_not_found", prefix + field + "_external_id",
           "no person has external id '" + ext + "'", ext, "an enrolled person"});
      return {};
    };

    const EnrollmentPolicy& policy = s.config.enrollment;
    const LocalDate today = utc_date(s.clock->now());
    // Whether a sponsor or referrer is of a type that may sponsor.
    const auto check_may_sponsor = [&](const Resolved& who, const std::string& field) {
      if (who && std::find(policy.sponsor_types.begin(), policy.sponsor_types.end(), who.type) ==
                     policy.sponsor_types.end())
        out.findings.push_back({Code::failed_precondition, "sponsor_not_allowed", field,
                                "a " + std::string(to_string(who.type)) + " may not sponsor",
                                std::string(to_string(who.type)), "a type that sponsors"});
    };
    // Whether the sponsor covers the newcomer's zone, when the company keeps
    // sponsors within a territory.
    const auto check_coverage = [&](const Resolved& sponsor, const EnrollmentRequest& r,
                                    const std::string& prefix) {
      if (!sponsor || !policy.territorial_coverage) return;
      std::string sponsor_zone;
      bool same;
      if (sponsor.id) {
        const std::uint32_t z = s.index.zone(GenealogyIndex::node_of(sponsor.id));
        same = s.index.find_zone(r.person.zone) == std::optional<std::uint32_t>(z);
        sponsor_zone = s.index.zone_name(z);
      } else {
        sponsor_zone = requests[sponsor.batch].person.zone;
        same = sponsor_zone == r.person.zone;
      }
      if (!same)
        out.findings.push_back({Code::failed_precondition, "sponsor_other_zone", prefix + "sponsor",
                                "the sponsor covers another territorial zone", sponsor_zone,
                                r.person.zone});
    };
    // A document identifies one person; an e-mail too when the company says
    // so; neither may be barred, nor the phone.
    std::unordered_map<std::string, std::size_t> batch_email, batch_document, batch_site;
    const auto check_unique_and_barred = [&](std::size_t i, const std::string& prefix) {
      const NormalizedPerson& p = norms[i];
      const PersonData& data = requests[i].person;
      const auto taken = [&](const char* reason, const std::string& field, const std::string& value,
                             const std::string& what) {
        out.findings.push_back({Code::already_exists, reason, prefix + field,
                                what + " '" + value + "' belongs to another person", value,
                                "a new " + what});
      };
      if (policy.unique_email && !p.email_key.empty()) {
        if (!batch_email.try_emplace(p.email_key, i).second || txn->find_email(p.email_key))
          taken("duplicate_email", "person.email", data.email, "e-mail");
      }
      if (!p.document_number.empty()) {
        const std::string key = data.document_type + '\0' + p.document_number;
        if (!batch_document.try_emplace(key, i).second ||
            txn->find_document(data.document_type, p.document_number))
          taken("duplicate_document", "person.document_number", data.document_number, "document");
      }
      if (!data.site.empty() &&
          (!batch_site.try_emplace(data.site, i).second || txn->find_site(data.site)))
        taken("duplicate_site", "person.site", data.site, "site");
      const auto barred = [&](BlacklistKind kind, const std::string& key, const char* field,
                              const std::string& value) {
        if (key.empty()) return;
        if (auto reason = txn->blacklisted(static_cast<std::uint8_t>(kind), key))
          out.findings.push_back(
              {Code::failed_precondition, "blacklisted", prefix + field,
               std::string(to_string(kind)) + " '" + value + "' is on the blacklist", *reason,
               "not on the blacklist"});
      };
      barred(BlacklistKind::document, p.document_number, "person.document_number",
             data.document_number);
      barred(BlacklistKind::email, p.email_key, "person.email", data.email);
      barred(BlacklistKind::phone, p.phone, "person.phone", data.phone);
    };

    // What the request's channel makes of it: its form, outcome and the
    // sponsor it implies (the backoffice's consultant, the site's owner).
    struct Intake {
      const FormConfig* form = nullptr;
      Outcome outcome = Outcome::active;
      PersonId sponsor, referrer;
    };
    const auto intake_of = [&](const EnrollmentRequest& r, const std::string& prefix) {
      Intake in;
      if (!r.site.empty()) {
        if (auto owner = txn->find_site(r.site)) {
          in.sponsor = in.referrer = *owner;
        } else {
          out.findings.push_back({Code::not_found, "site_not_found", prefix + "site",
                                  "no replicated site has the slug '" + r.site + "'", r.site,
                                  "a consultant's site"});
        }
      }
      if (s.config.channels.empty()) return in;
      const ChannelConfig* channel = s.config.channel(r.channel);
      if (channel == nullptr) {
        std::string known;
        for (const auto& c : s.config.channels)
          known.append(known.empty() ? "" : ", ").append(c.id);
        out.findings.push_back({Code::invalid_argument, "unknown_channel", prefix + "channel",
                                "'" + r.channel + "' is not a configured channel", r.channel,
                                known});
        return in;
      }
      switch (channel->kind) {
        case ChannelKind::backend:
        case ChannelKind::flat_file:
        case ChannelKind::api:
          if (!scope.everyone)
            throw PermissionDenied("channel '" + channel->id + "' is for the head office",
                                   prefix + "channel");
          break;
        case ChannelKind::backoffice:
          if (!actor.person && !scope.everyone)
            throw PermissionDenied("the backoffice enrolls for a consultant", prefix + "channel");
          in.sponsor = actor.person;
          break;
        case ChannelKind::replicated_site:
          if (r.site.empty())
            out.findings.push_back({Code::invalid_argument, "required", prefix + "site",
                                    "a replicated site enrollment names its site", "",
                                    "the site's slug"});
          break;
        default: break;
      }
      in.form = &channel->forms[static_cast<std::size_t>(r.type)];
      if (!in.form->offered)
        out.findings.push_back(
            {Code::failed_precondition, "form_not_offered", prefix + "type",
             "channel '" + channel->id + "' does not enroll a " + std::string(to_string(r.type)),
             std::string(to_string(r.type)), "a type the channel offers"});
      in.outcome = in.form->outcome;
      return in;
    };

    // History is appended, never rewritten: a back-dated enrollment may not
    // precede a change already recorded (an "as of" reader would rebuild a
    // tree where its place collides with the one history gives back).
    const Instant latest_change =
        *std::max_element(s.last_change_at.begin(), s.last_change_at.end());
    for (std::size_t i = 0; i < n; ++i) {
      const EnrollmentRequest& r = requests[i];
      const std::string prefix = "[" + std::to_string(i) + "].";
      const std::size_t before = out.findings.size();
      const Intake intake = intake_of(r, prefix);
      outcomes[i] = intake.outcome;
      validate_request(r, s.config,
                       intake.form && intake.form->required_fields
                           ? *intake.form->required_fields
                           : s.config.enrollment.required_fields,
                       prefix, out.findings, norms[i]);
      if (r.person.birth_date && *r.person.birth_date > today)
        out.findings.push_back({Code::invalid_argument, "invalid_birth_date",
                                prefix + "person.birth_date", "the birth date is in the future",
                                r.person.birth_date->to_string(), "a date up to today"});
      if (r.effective_at && *r.effective_at < latest_change)
        out.findings.push_back(
            {Code::failed_precondition, "before_latest_change", prefix + "effective_at",
             "the genealogy changed last at " + latest_change.to_rfc3339() +
                 "; history is appended, not rewritten",
             r.effective_at->to_rfc3339(), "at or after " + latest_change.to_rfc3339()});
      for (std::size_t j = 0; j < r.placements.size(); ++j)
        if (s.config.network_index(r.placements[j].network) < 2)
          out.findings.push_back({Code::invalid_argument, "unknown_network",
                                  prefix + "placements[" + std::to_string(j) + "].network",
                                  "'" + r.placements[j].network + "' is not a placement network",
                                  r.placements[j].network, "a configured placement network"});
      ids[i] = PersonId{first_id.value() + static_cast<std::int64_t>(i)};

      // A person named as their own sponsor or referrer is a finding of
      // validate_request; looking them up would only add "not found".
      const bool self_sponsor =
          !r.person.external_id.empty() && r.sponsor_external_id == r.person.external_id;
      const bool self_referrer =
          !r.person.external_id.empty() && r.referrer_external_id == r.person.external_id;
      const bool sponsor_given = r.sponsor || !r.sponsor_external_id.empty();
      const PersonId sponsor_id = sponsor_given ? r.sponsor : intake.sponsor;
      Resolved sponsor;
      if (!self_sponsor && (sponsor_id || !r.sponsor_external_id.empty())) {
        sponsor = resolve(sponsor_id, r.sponsor_external_id, prefix, "sponsor");
        if (sponsor && sponsor.status != Status::active)
          out.findings.push_back({Code::failed_precondition, "sponsor_inactive", prefix + "sponsor",
                                  "the sponsor is not active",
                                  std::string(to_string(sponsor.status)), "active"});
        if (sponsor.id && !scope.sees(s.index, GenealogyIndex::node_of(sponsor.id)))
          throw PermissionDenied("actor '" + actor.login + "' may not enroll under person " +
                                     std::to_string(sponsor.id.value()),
                                 prefix + "sponsor");
        check_may_sponsor(sponsor, prefix + "sponsor");
        check_coverage(sponsor, r, prefix);
      } else if (!self_sponsor && !scope.everyone) {
        throw PermissionDenied("only staff may enroll a person without a sponsor",
                               prefix + "sponsor");
      }
      Resolved referrer = self_referrer ? Resolved{} : sponsor;
      const bool referrer_given = r.referrer || !r.referrer_external_id.empty();
      if (!self_referrer && (referrer_given || intake.referrer)) {
        referrer = resolve(referrer_given ? r.referrer : intake.referrer, r.referrer_external_id,
                           prefix, "referrer");
        check_may_sponsor(referrer, prefix + "referrer");
        if (referrer.id && !scope.sees(s.index, GenealogyIndex::node_of(referrer.id)))
          throw PermissionDenied("actor '" + actor.login + "' may not see person " +
                                     std::to_string(referrer.id.value()),
                                 prefix + "referrer");
      }
      auto id_of = [&](const Resolved& x) {
        return x.id ? x.id : x.batch != SIZE_MAX ? ids[x.batch] : PersonId{};
      };
      parents[i * networks + 0] = id_of(sponsor);
      if (networks > 1) parents[i * networks + 1] = id_of(referrer);

      check_unique_and_barred(i, prefix);
      const std::string& ext = r.person.external_id;
      if (!ext.empty()) {
        if (batch_ext.count(ext)) {
          out.findings.push_back(duplicate(i));
          taken[i] = true;
        } else if (out.findings.size() == before) {
          batch_ext.emplace(ext, i);
        }
      }
      report(i + 1);
    }
  }
  // Whether an external id is taken in the store is asked one by one only
  // when the call is rejected anyway; on the way to a commit the UNIQUE index
  // answers while the rows are written.
  const auto reject_with_store_duplicates = [&](std::size_t from) {
    for (std::size_t i = from; i < n; ++i)
      if (!taken[i] && !requests[i].person.external_id.empty() &&
          txn->external_id_exists(requests[i].person.external_id))
        out.findings.push_back(duplicate(i));
    std::stable_sort(out.findings.begin(), out.findings.end(),
                     [](const Finding& a, const Finding& b) {
                       return std::stoull(a.field.substr(1)) < std::stoull(b.field.substr(1));
                     });
    // The transaction rolls back, with the events appended so far.
    out.last_event = EventSeq{};
    return out;
  };
  if (!out.findings.empty()) return reject_with_store_duplicates(0);

  const Instant now = s.clock->now();
  const Status initial = s.config.enrollment.initial_status;
  const RuleBookData& rules = *s.config.rules;
  const bool run_rules = !rules.by_trigger[static_cast<std::size_t>(Trigger::enrollment)].empty();
  std::vector<CustomerType> types(n);
  std::vector<Status> statuses(n, initial);
  // A guest's quick-access code: 8 of 32 letters and digits that are not
  // easily confused, drawn until unused.
  std::vector<std::string> quick_codes(n);
  {
    std::unordered_set<std::string> drawn;
    for (std::size_t i = 0; i < n; ++i) {
      if (requests[i].type != CustomerType::guest) continue;
      do quick_codes[i] = draw_quick_code();
      while (!drawn.insert(quick_codes[i]).second || txn->quick_code_taken(quick_codes[i]));
    }
  }
  if (run_rules) out.decisions.resize(n);
  PersonRow row;
  const auto fill_row = [&](std::size_t i) {
    const EnrollmentRequest& r = requests[i];
    row.id = ids[i];
    row.data = r.person;
    row.data.phone = norms[i].phone;
    row.data.document_number = norms[i].document_number;
    if (s.config.enrollment.identification == Identification::internal) {
      std::string digits = std::to_string(ids[i].value());
      row.data.document_type = "internal";
      row.data.document_number = s.config.enrollment.internal_prefix +
                                 std::string(10 - std::min<std::size_t>(10, digits.size()), '0') +
                                 digits;
    }
    row.email_key = norms[i].email_key;
    row.extended_json = norms[i].extended_json;
    row.quick_code = quick_codes[i];
    row.type = types[i];
    row.status = statuses[i];
    row.channel = r.channel;
    row.enrolled_at = r.effective_at.value_or(now);
  };
  for (std::size_t i = 0; i < n; ++i) {
    types[i] = requests[i].type;
    if (outcomes[i] == Outcome::pending_approval) statuses[i] = Status::pre_registered;
    if (outcomes[i] == Outcome::pending_kit) statuses[i] = Status::pending_kit;
    if (!run_rules) continue;
    fill_row(i);
    // Rules decide before anything is written: nothing half-applied if one
    // of them fails.
    try {
      out.decisions[i] = evaluate_enrollment_rules(rules, row, parents[i * networks]);
    } catch (const Error& e) {
      throw_error(e.code(), "enrollment rules, request [" + std::to_string(i) + "]: " + e.what(),
                  e.field());
    }
    apply_to_row(out.decisions[i], row);
    types[i] = row.type;
    statuses[i] = row.status;
  }

  // The index takes the newcomers before the commit, under its exclusive
  // lock (readers wait, none sees them early): a placement depends on the
  // places taken by the requests before it. Undone if anything fails.
  std::lock_guard apply(s.apply_mu);
  std::unique_lock index_lock(s.index_mu);
  const std::size_t first_node = s.index.size();
  struct Undo {
    GenealogyIndex& index;
    std::size_t size;
    bool armed = true;
    ~Undo() {
      if (armed) index.truncate(size);
    }
  } undo{s.index, first_node};
  std::vector<NodePlacement> places(n * networks);
  std::vector<std::uint32_t> zones(n);
  {
    const Scope scope = s.scope_of(actor);
    for (std::size_t i = 0; i < n; ++i) {
      NodePlacement* place = &places[i * networks];
      for (std::size_t k = 0; k < std::min<std::size_t>(networks, 2); ++k) {
        place[k].parent = parents[i * networks + k];
        if (place[k].parent)
          place[k].position = s.index.tree(k).free_slot(GenealogyIndex::node_of(place[k].parent));
      }
      zones[i] = s.index.zone_id(requests[i].person.zone);
      for (std::size_t k = 2; k < networks; ++k)
        place[k] = place_newcomer(s, scope, requests[i], i, k, place, zones[i], out.findings);
      s.index.add_person(ids[i], types[i], statuses[i],
                         std::span<const NodePlacement>(place, networks), zones[i]);
    }
  }
  if (!out.findings.empty()) return reject_with_store_duplicates(0);

  EventRow event;
  event.kind = "enrolled";
  event.recorded_at = now;
  event.actor = actor.login;
  std::string payload;
  for (std::size_t i = 0; i < n; ++i) {
    const EnrollmentRequest& r = requests[i];
    fill_row(i);
    try {
      txn->insert_person(row);
    } catch (const AlreadyExists&) {
      return reject_with_store_duplicates(i);
    }
    // Written by hand: this runs once per enrolled person and every value
    // is a number or a fixed name, so nothing needs escaping (the zone is
    // free text and goes through the JSON writer).
    payload.assign("{\"type\":\"").append(to_string(row.type));
    payload.append("\",\"status\":\"").append(to_string(row.status)).append("\",\"parents\":{");
    const NodePlacement* place = &places[i * networks];
    for (std::size_t k = 0; k < networks; ++k) {
      txn->insert_node(NodeRow{s.store_network_ids[k], ids[i], place[k].parent, place[k].position,
                               static_cast<NodeStateRow>(place[k].state)});
      if (k) payload += ',';
      payload.append("\"").append(s.config.networks[k].name).append("\":");
      payload.append(place[k].parent ? std::to_string(place[k].parent.value()) : "null");
    }
    payload.append("}");
    if (networks > 2) {
      payload.append(",\"places\":{");
      for (std::size_t k = 2; k < networks; ++k) {
        if (k > 2) payload += ',';
        payload.append("\"").append(s.config.networks[k].name).append("\":{\"position\":");
        payload.append(std::to_string(place[k].position)).append(",\"state\":\"");
        payload.append(node_state_name(place[k].state)).append("\"}");
      }
      payload.append("}");
    }
    if (!r.person.zone.empty())
      payload.append(",\"zone\":").append(nlohmann::json(r.person.zone).dump());
    if (run_rules && !out.decisions[i].empty()) {
      // Which rule version decided what: history keeps it when the rules change.
      nlohmann::ordered_json decided = nlohmann::ordered_json::array();
      for (const Decision& d : out.decisions[i]) decided.push_back(decision_to_json(d));
      payload.append(",\"rules\":").append(decided.dump());
    }
    payload.append(",\"outcome\":\"").append(outcome_name(outcomes[i], row.type)).append("\"");
    if (!r.accepted_contracts.empty()) {
      nlohmann::json accepted = nlohmann::json::array();
      for (const ContractRef& c : r.accepted_contracts)
        accepted.push_back({{"contract", c.contract}, {"version", c.version}});
      payload.append(",\"accepted_contracts\":").append(accepted.dump());
    }
    if (!r.attachments.empty())
      payload.append(",\"attachments\":").append(std::to_string(r.attachments.size()));
    payload.append("}");
    event.person = ids[i];
    event.effective_at = row.enrolled_at;
    event.reason = r.reason;
    event.payload = payload;
    out.last_event = txn->append_event(event);
    for (const ContractRef& c : r.accepted_contracts)
      txn->insert_acceptance(AcceptanceRow{ids[i], c.contract, c.version,
                                           s.config.contract(c.contract, c.version)->digest,
                                           "registration", row.enrolled_at, out.last_event});
    for (std::size_t a = 0; a < r.attachments.size(); ++a) {
      const AttachmentData& d = r.attachments[a];
      txn->insert_attachment(AttachmentRow{ids[i], out.last_event, static_cast<std::uint32_t>(a),
                                           d.type, d.file_name, file_extension(d.file_name),
                                           d.digest, d.uri, d.size_bytes, row.enrolled_at});
      if (s.config.workflow(WorkItemKind::document))
        txn->insert_work_item({0,
                               static_cast<std::uint8_t>(WorkItemKind::document),
                               ids[i],
                               0,
                               0,
                               {},
                               d.type + ":" + d.file_name,
                               row.enrolled_at,
                               out.last_event});
    }
    out.outcomes.emplace_back(outcome_name(outcomes[i], row.type));
    out.quick_codes.push_back(quick_codes[i]);
    out.work_items.push_back(
        row.status == Status::pre_registered && outcomes[i] == Outcome::pending_approval
            ? txn->insert_work_item({0,
                                     static_cast<std::uint8_t>(WorkItemKind::registration),
                                     ids[i],
                                     0,
                                     0,
                                     {},
                                     "",
                                     row.enrolled_at,
                                     out.last_event})
            : 0);
  }
  txn->commit();
  undo.armed = false;
  s.last_applied.store(out.last_event.value());
  out.accepted = true;
  out.persons = std::move(ids);
  return out;
}

Person Company::person(const Actor& actor, PersonId id) const {
  state_->sync();
  Person p;
  {
    std::shared_lock lock(state_->index_mu);
    auto scope = state_->scope_of(actor);
    if (!state_->index.contains(id))
      throw NotFound("no person has id " + std::to_string(id.value()), "person");
    const Node n = GenealogyIndex::node_of(id);
    if (!scope.sees(state_->index, n))
      throw PermissionDenied(
          "actor '" + actor.login + "' may not see person " + std::to_string(id.value()), "person");
    auto parent_of = [&](std::size_t k) {
      if (k >= state_->index.network_count()) return PersonId{};
      Node parent = state_->index.tree(k).parent(n);
      return parent == kNoNode ? PersonId{} : GenealogyIndex::id_of(parent);
    };
    p.sponsor = parent_of(0);
    p.referrer = parent_of(1);
    p.type = state_->index.type(n);
    p.status = state_->index.status(n);
  }
  auto row = state_->store->get_person(id);
  if (!row)
    throw Internal("person " + std::to_string(id.value()) + " is in the index, not the store");
  p.id = id;
  internal::fill_person_details(state_->config, *row, p);
  row->data.extended = std::move(p.data.extended);
  p.data = std::move(row->data);
  p.channel = std::move(row->channel);
  p.enrolled_at = row->enrolled_at;
  return p;
}

std::optional<PersonId> Company::find_person(const Actor& actor,
                                             std::string_view external_id) const {
  state_->sync();
  auto id = state_->store->find_external_id(external_id);
  std::shared_lock lock(state_->index_mu);
  auto scope = state_->scope_of(actor);
  if (!id || !state_->index.contains(*id) ||
      !scope.sees(state_->index, GenealogyIndex::node_of(*id)))
    return std::nullopt;
  return id;
}

std::uint64_t Company::person_count(const Actor& actor) const {
  state_->sync();
  std::shared_lock lock(state_->index_mu);
  auto scope = state_->scope_of(actor);
  if (scope.everyone) return state_->index.size();
  state_->index.tree(0).ensure_intervals();
  return state_->index.tree(0).downline_size(scope.self) + 1;
}

std::vector<NetworkMember> Company::upline(const Actor& actor, PersonId person,
                                           std::string_view network,
                                           std::optional<std::uint32_t> max_levels) const {
  return reader(actor, network).upline(person, max_levels);
}

DownlinePage Company::downline(const Actor& actor, PersonId person,
                               const DownlineQuery& query) const {
  if (query.as_of) return reader(actor, query.network, *query.as_of).downline(person, query);
  return reader(actor, query.network).downline(person, query);
}

bool Company::is_in_downline(const Actor& actor, PersonId person, PersonId of,
                             std::string_view network) const {
  return reader(actor, network).is_in_downline(person, of);
}

std::uint32_t Company::level(const Actor& actor, PersonId person, std::string_view network) const {
  return reader(actor, network).level(person);
}

std::uint32_t Company::relative_level(const Actor& actor, PersonId person, PersonId upline,
                                      std::string_view network) const {
  return reader(actor, network).relative_level(person, upline);
}

std::string Company::network_id(const Actor& actor, PersonId person,
                                std::string_view network) const {
  std::string out;
  for (PersonId id : reader(actor, network).path(person)) {
    if (!out.empty()) out += '.';
    out += std::to_string(id.value());
  }
  return out;
}

std::vector<std::uint64_t> Company::level_counts(const Actor& actor, PersonId person,
                                                 const DownlineQuery& query) const {
  if (query.as_of) return reader(actor, query.network, *query.as_of).level_counts(person, query);
  return reader(actor, query.network).level_counts(person, query);
}

std::uint32_t Company::generation(const Actor& actor, PersonId person, PersonId upline,
                                  std::string_view network) const {
  return reader(actor, network).generation(person, upline);
}

std::vector<std::uint64_t> Company::generation_counts(const Actor& actor, PersonId person,
                                                      const DownlineQuery& query) const {
  if (query.as_of)
    return reader(actor, query.network, *query.as_of).generation_counts(person, query);
  return reader(actor, query.network).generation_counts(person, query);
}

std::vector<LegTotals> Company::legs(const Actor& actor, PersonId person,
                                     std::string_view network) const {
  return reader(actor, network).legs(person);
}

std::vector<Event> Company::events(const Actor& actor, EventSeq after, std::size_t limit) const {
  if (!actor.sees_everyone()) throw PermissionDenied("only staff may read the event log", "actor");
  std::vector<Event> out;
  for (auto& e : state_->store->events_after(after, limit))
    out.push_back(Event{e.seq, std::move(e.kind), e.person, e.effective_at, e.recorded_at,
                        std::move(e.actor), std::move(e.reason), std::move(e.payload)});
  return out;
}

EventSeq Company::last_event() const {
  return EventSeq{state_->last_applied.load()};
}

void Company::refresh() const {
  state_->sync();
}

void Company::add_user(const Actor& actor, const Actor& user) {
  using namespace internal;
  if (std::find(actor.roles.begin(), actor.roles.end(), "admin") == actor.roles.end())
    throw PermissionDenied("only an admin may add users", "actor");
  if (user.login.empty() || user.login.size() > 200)
    throw InvalidArgument("a login is 1 to 200 bytes", "login");
  for (std::size_t i = 0; i < user.roles.size(); ++i) {
    const auto& role = user.roles[i];
    if (role.empty() || !std::all_of(role.begin(), role.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        }))
      throw InvalidArgument("a role is a lower-case name such as \"seller\"",
                            "roles[" + std::to_string(i) + "]");
  }
  CompanyState& s = *state_;
  std::lock_guard writer(s.writer_mu);
  auto txn = s.store->begin_write();
  s.sync();
  {
    std::shared_lock lock(s.index_mu);
    if (user.person && !s.index.contains(user.person))
      throw NotFound("no person has id " + std::to_string(user.person.value()), "person");
  }
  txn->insert_user(UserRow{user.login, user.person, user.roles});
  EventRow event;
  event.kind = "user_added";
  event.person = user.person;
  event.effective_at = event.recorded_at = s.clock->now();
  event.actor = actor.login;
  event.payload = nlohmann::json{{"login", user.login}, {"roles", user.roles}}.dump();
  const EventSeq seq = txn->append_event(event);
  txn->commit();
  std::lock_guard apply(s.apply_mu);
  if (s.last_applied.load() < seq.value()) s.last_applied.store(seq.value());
}

Actor Company::actor_for(std::string_view login) const {
  auto row = state_->store->get_user(login);
  if (!row) throw NotFound("no user has login '" + std::string(login) + "'", "login");
  return Actor{std::move(row->login), row->person, std::move(row->roles)};
}

std::vector<std::string> Company::networks() const {
  std::vector<std::string> names;
  for (const auto& n : state_->config.networks) names.push_back(n.name);
  return names;
}

}  // namespace v0
}  // namespace downline

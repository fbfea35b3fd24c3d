#include <downline/company.hpp>

#include "company/bulk.hpp"
#include "company/company_state.hpp"
#include "cycle/columns.hpp"
#include "cycle/orders.hpp"
#include "enrollment/masks.hpp"
#include "enrollment/validation.hpp"
#include "genealogy/placement.hpp"
#include "rules/rule_book.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <unordered_map>

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
  std::unordered_map<std::string, std::uint16_t> order_names{{"", 0}};
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
      st.purchased.push_back(p.purchased ? 1 : 0);
      st.commercial.push_back(commercial_number(config, p.commercial_state));
      auto [order_it, new_name] =
          order_names.try_emplace(std::string(p.last_order_campaign),
                                  static_cast<std::uint16_t>(st.last_order_names.size()));
      if (new_name) st.last_order_names.emplace_back(p.last_order_campaign);
      st.last_order.push_back(order_it->second);
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
    // The cycle is read in the same snapshot as the persons it counts.
    load_cycle({});
  });
  cycle.purchased = std::move(st.purchased);
  assign_marks(st);
  index.assign(std::move(st.types), std::move(st.statuses), std::move(st.zones),
               std::move(st.ranks), std::move(st.zone_names), st.trees);
  last_applied.store(st.last.value());
}

void CampaignTotals::apply(const OrderRow& order, OrderState counted_from, int sign) {
  const auto v = static_cast<std::size_t>(GenealogyIndex::node_of(order.owner));
  if (v >= pv.size()) {
    const std::size_t n = std::max<std::size_t>(v + 1, pv.size() * 3 / 2);
    pv.resize(n);
    amount.resize(n);
    orders.resize(n);
    drafts.resize(n);
  }
  const auto state = static_cast<OrderState>(order.state);
  if (order_counts(state, counted_from)) {
    pv[v] += sign * order.volume_micros;
    amount[v] += sign * order.amount_micros;
    orders[v] += static_cast<std::uint32_t>(sign);
  }
  if (state == OrderState::draft) drafts[v] += static_cast<std::uint32_t>(sign);
}

std::int64_t CycleState::campaigns_without_order(Node v, std::size_t k) const {
  const auto& list = calendar.campaigns;
  const std::int64_t joined = v < enrolled.size() ? enrolled[v] : INT64_MAX;
  // The first campaign they could order in: the first not over when they joined.
  auto first = std::partition_point(list.begin(), list.end(), [&](const Campaign& c) {
    return c.ends_at.micros_since_epoch <= joined;
  });
  auto base = static_cast<std::size_t>(first - list.begin());
  if (v < last_order.size() && last_order[v] != kNever) {
    auto at = std::partition_point(list.begin(), list.end(), [&](const Campaign& c) {
      return c.starts_at.micros_since_epoch <= last_order[v];
    });
    base = std::max(base, static_cast<std::size_t>(at - list.begin()));
  }
  return k >= base ? static_cast<std::int64_t>(k - base + 1) : 0;
}

void CompanyState::load_cycle(std::vector<std::uint8_t> purchased) const {
  Calendar calendar;
  for (CampaignRow& row : store->campaigns()) {
    Campaign c;
    c.id = std::move(row.id);
    c.start = row.start;
    c.end = row.end;
    c.starts_at = row.starts_at;
    c.ends_at = row.ends_at;
    c.state = static_cast<CampaignState>(row.state);
    c.closed_at = row.closed_at;
    calendar.campaigns.push_back(std::move(c));
  }
  std::map<std::string, CampaignTotals, std::less<>> totals;
  for (const Campaign& c : calendar.campaigns) {
    if (c.state == CampaignState::closed) continue;
    CampaignTotals& t = totals[c.id];
    store->scan_campaign_orders(c.id,
                                [&](const OrderRow& o) { t.apply(o, config.counted_from, 1); });
  }
  // The segments of the last close that gave any.
  std::vector<std::uint8_t> segment;
  for (auto c = calendar.campaigns.rbegin(); c != calendar.campaigns.rend(); ++c) {
    if (c->state != CampaignState::closed) continue;
    if (auto column = store->campaign_column(c->id, "segments.assigned")) {
      for (const std::int64_t n : decode_column(*column))
        segment.push_back(static_cast<std::uint8_t>(n));
      break;
    }
  }
  cycle.calendar = std::move(calendar);
  cycle.totals = std::move(totals);
  cycle.segment = std::move(segment);
  if (!purchased.empty()) cycle.purchased = std::move(purchased);
}

void CompanyState::assign_marks(StoredIndex& st) const {
  cycle.enrolled.resize(st.enrolled_at.size());
  for (std::size_t v = 0; v < st.enrolled_at.size(); ++v)
    cycle.enrolled[v] = st.enrolled_at[v].micros_since_epoch;
  cycle.commercial = std::move(st.commercial);
  std::vector<std::int64_t> starts(st.last_order_names.size(), CycleState::kNever);
  for (std::size_t i = 1; i < st.last_order_names.size(); ++i)
    if (const Campaign* c = cycle.calendar.find(st.last_order_names[i]))
      starts[i] = c->starts_at.micros_since_epoch;
  cycle.last_order.resize(st.last_order.size());
  for (std::size_t v = 0; v < st.last_order.size(); ++v)
    cycle.last_order[v] = starts[st.last_order[v]];
  marks_from_close();
}

void CompanyState::marks_from_close() const {
  const auto& list = cycle.calendar.campaigns;
  std::size_t k = list.size();
  while (k > 0 && list[k - 1].state != CampaignState::closed) --k;
  if (k == 0) return;
  const Campaign& c = list[k - 1];
  // Closes before these columns kept the marks in the persons' rows.
  const auto last_order = store->campaign_column(c.id, "states.last_order");
  if (!last_order) return;
  const std::vector<std::int64_t> seconds = internal::decode_column(*last_order);
  const auto states_data = store->campaign_column(c.id, "states.commercial");
  const std::vector<std::int64_t> states =
      states_data ? internal::decode_column(*states_data) : std::vector<std::int64_t>{};
  const std::size_t n = std::max(seconds.size(), states.size());
  if (n > cycle.last_order.size()) cycle.last_order.resize(n, CycleState::kNever);
  if (n > cycle.commercial.size()) cycle.commercial.resize(n, 0);
  const std::size_t states_in_catalog = config.rules->commercial_states.size();
  for (std::size_t v = 0; v < seconds.size(); ++v)
    cycle.last_order[v] = seconds[v] < 0 ? CycleState::kNever
                                         : c.starts_at.micros_since_epoch - seconds[v] * 1'000'000;
  for (std::size_t v = 0; v < states.size(); ++v)
    cycle.commercial[v] = states[v] >= 0 && static_cast<std::size_t>(states[v]) <= states_in_catalog
                              ? static_cast<std::uint8_t>(states[v])
                              : std::uint8_t{0};
  // The orders since the close that brought someone back.
  std::int64_t after = 0;
  for (const internal::CampaignRow& row : store->campaigns())
    if (row.id == c.id) {
      auto summary = nlohmann::json::parse(row.summary_json, nullptr, false);
      if (summary.is_object()) after = summary.value("seq", std::int64_t{0});
    }
  for (const internal::EventRow& e : store->events_of_kind_after("reinstated", EventSeq{after})) {
    auto payload = nlohmann::json::parse(e.payload, nullptr, false);
    const auto v = static_cast<std::size_t>(GenealogyIndex::node_of(e.person));
    if (payload.is_object() && v < cycle.commercial.size())
      cycle.commercial[v] = commercial_number(config, payload.value("state", ""));
  }
}

void CompanyState::reload_marks() const {
  store->scan_persons([&](const PersonColumns& p) {
    const auto v = static_cast<std::size_t>(GenealogyIndex::node_of(p.id));
    if (v >= cycle.enrolled.size()) return;  // not applied yet: its enrollment comes
    cycle.commercial[v] = commercial_number(config, p.commercial_state);
    const Campaign* c = cycle.calendar.find(p.last_order_campaign);
    cycle.last_order[v] = c ? c->starts_at.micros_since_epoch : CycleState::kNever;
  });
  marks_from_close();
}

void CompanyState::load_totals(const std::string& campaign) const {
  CampaignTotals t;
  store->scan_campaign_orders(campaign,
                              [&](const OrderRow& o) { t.apply(o, config.counted_from, 1); });
  cycle.totals[campaign] = std::move(t);
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
        cycle.add_person(e.effective_at);
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
    } else if (e.kind == "campaigns_added" || e.kind == "campaign_closed" ||
               e.kind == "campaign_pre_calculated") {
      // Another process changed the calendar: read it again, with the
      // totals of what is still open (and what its close decided).
      load_cycle({});
      if (e.kind == "campaign_closed") reload_marks();
    } else if (e.kind == "commercial_state_changed" || e.kind == "reinstated") {
      auto payload = nlohmann::json::parse(e.payload, nullptr, false);
      if (payload.is_discarded() || !payload.is_object() || !index.contains(e.person)) corrupt(e);
      const auto v = static_cast<std::size_t>(GenealogyIndex::node_of(e.person));
      if (v < cycle.commercial.size())
        cycle.commercial[v] = commercial_number(config, payload.value("state", ""));
      if (e.kind == "reinstated") index.set_status(v, Status::active);
    } else if (e.kind == "orders_reported") {
      auto payload = nlohmann::json::parse(e.payload, nullptr, false);
      if (payload.is_discarded() || !payload.is_object()) corrupt(e);
      for (const auto& c : payload.value("campaigns", nlohmann::json::array()))
        if (c.is_string() && cycle.calendar.find(c.get<std::string>()))
          load_totals(c.get<std::string>());
      if (payload.value("first_purchases", 0) > 0) {
        std::vector<std::uint8_t> purchased;
        store->scan_persons([&](const PersonColumns& p) {
          const auto v = static_cast<std::size_t>(GenealogyIndex::node_of(p.id));
          if (v >= purchased.size()) purchased.resize(v + 1);
          purchased[v] = p.purchased ? 1 : 0;
        });
        cycle.purchased = std::move(purchased);
      }
    } else if (e.kind == "rank_changed") {
      auto payload = nlohmann::json::parse(e.payload, nullptr, false);
      if (payload.is_discarded() || !payload.is_object() || !index.contains(e.person)) corrupt(e);
      // A rank this configuration no longer declares counts as none.
      index.set_rank(GenealogyIndex::node_of(e.person),
                     rank_number(config, payload.value("rank", "")).value_or(0));
    }
    last_applied.store(e.seq.value());
  }
  // Another process's events reach this Company's subscribers too.
  if (!events.empty()) bus.committed(events.back().seq);
}

std::uint8_t commercial_number(const Config& config, std::string_view state) {
  const auto& list = config.rules->commercial_states;
  for (std::size_t i = 0; i < list.size(); ++i)
    if (list[i].id == state) return static_cast<std::uint8_t>(i + 1);
  return 0;
}

void require_staff(const Actor& actor, const char* what) {
  if (!actor.sees_everyone())
    throw PermissionDenied(std::string("only staff may ") + what, "actor");
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

std::string_view node_state_name(NodeState state) {
  switch (state) {
    case NodeState::placed: return "placed";
    case NodeState::lobby: return "lobby";
    case NodeState::dropout: return "dropout";
  }
  return "placed";
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
  if (options.write_cache_mib < 1 || options.write_cache_mib > 65536)
    throw InvalidArgument("the write cache is 1 to 65536 MiB", "write_cache_mib");
  auto store = internal::open_store(
      uri, internal::StoreOptions{options.busy_timeout_ms, options.write_cache_mib});
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

BulkEnrollmentOutcome Company::enroll_many(const Actor& actor,
                                           std::span<const EnrollmentRequest> requests,
                                           const ProgressFn& progress) {
  return internal::enroll_batch(*state_, actor, requests, progress, {}, nullptr);
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
  p.vip = row->vip;
  if (row->rank > 0 && row->rank <= state_->config.rules->ranks.size())
    p.rank = state_->config.rules->ranks[row->rank - 1u].id;
  {
    std::shared_lock lock(state_->index_mu);
    const auto v = static_cast<std::size_t>(GenealogyIndex::node_of(id));
    // The closes keep the commercial states in the index, not in the rows.
    const auto& states = state_->config.rules->commercial_states;
    if (v < state_->cycle.commercial.size() && state_->cycle.commercial[v] > 0 &&
        state_->cycle.commercial[v] <= states.size())
      p.commercial_state = states[state_->cycle.commercial[v] - 1u].id;
    const auto& segments = state_->config.rules->segments;
    if (v < state_->cycle.segment.size() && state_->cycle.segment[v] > 0 &&
        state_->cycle.segment[v] <= segments.size())
      p.segment = segments[state_->cycle.segment[v] - 1u].id;
  }
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

std::uint64_t Company::subscribe(const Actor& actor, EventFn fn) {
  if (!actor.sees_everyone())
    throw PermissionDenied("only staff may follow the event log", "actor");
  if (!fn) throw InvalidArgument("the subscriber is empty", "fn");
  return state_->bus.subscribe(std::move(fn), EventSeq{state_->last_applied.load()});
}

void Company::unsubscribe(std::uint64_t id) {
  state_->bus.unsubscribe(id);
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
  s.applied(seq.value());
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

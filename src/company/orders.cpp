// The commercial cycle's facts: the campaign calendar and the orders the
// host reports, with the order rules they trigger.
#include <downline/company.hpp>

#include "company/close.hpp"
#include "company/company_state.hpp"
#include "cycle/calendar.hpp"
#include "cycle/columns.hpp"
#include "cycle/orders.hpp"
#include "rules/rule_book.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <unordered_map>

DOWNLINE_BEGIN_NAMESPACE
namespace {

using internal::CompanyState;
using internal::GenealogyIndex;
using internal::Node;
using internal::OrderRow;

constexpr std::size_t kProgressEvery = 4096;

bool paid(OrderState s) {
  return s >= OrderState::paid && s != OrderState::cancelled && s != OrderState::returned;
}

// A counted order's part in a person's campaign figures (for the rules'
// campaign facts while a call's orders are not applied yet).
struct Delta {
  std::int64_t pv = 0;
  std::int64_t orders = 0;
};

// What one call writes, applied to the index once it commits.
struct Run {
  EventSeq seq;  // the "orders_reported" event every written order names
  OrderBatchReport report;
  std::vector<OrderOutcome> outcomes;                                 // per accepted report
  std::vector<std::pair<std::optional<OrderRow>, OrderRow>> changed;  // before, after
  std::vector<PersonId> first_purchasers;
  std::unordered_map<std::int64_t, std::pair<CustomerType, Status>> persons;  // as written
  std::vector<internal::EventRow> person_events;
  std::set<std::string> campaigns;
  std::unordered_map<std::uint64_t, Delta> deltas;        // by campaign position << 32 | node
  std::unordered_map<std::int64_t, std::uint8_t> states;  // commercial states as written
};

// An order that starts to count brings back a consultant the commercial
// states inactivated, within the configured windows; returns "free", "fee",
// "reappointment" or "" (nothing to do).
std::string reinstate(CompanyState& s, const Actor& actor, internal::WriteTxn& txn, Instant now,
                      const OrderRow& row, Run& run) {
  const internal::Config& config = s.config;
  if (!config.reinstatement.configured) return "";
  const Node v = GenealogyIndex::node_of(row.owner);
  auto [type, status] = std::pair{s.index.type(v), s.index.status(v)};
  if (auto it = run.persons.find(row.owner.value()); it != run.persons.end())
    std::tie(type, status) = it->second;
  std::uint8_t state = v < s.cycle.commercial.size() ? s.cycle.commercial[v] : 0;
  if (auto it = run.states.find(row.owner.value()); it != run.states.end()) state = it->second;
  const auto rule = std::find_if(
      config.state_rules.begin(), config.state_rules.end(),
      [&](const internal::CommercialStateRule& r) { return r.number == state && r.inactivates; });
  if (status != Status::inactive || rule == config.state_rules.end()) return "";
  const std::size_t k = s.cycle.calendar.index_of(row.campaign);
  // The closed campaigns before this one without an order of theirs.
  const std::int64_t away = std::max<std::int64_t>(s.cycle.campaigns_without_order(v, k) - 1, 0);
  if (away > static_cast<std::int64_t>(config.reinstatement.fee_within)) return "reappointment";
  const bool fee = away > static_cast<std::int64_t>(config.reinstatement.free_within);
  // Back in the state of those who order (the one reached after no campaign
  // without an order), if one is configured.
  const auto& catalog = config.rules->commercial_states;
  const std::uint8_t base = !config.state_rules.empty() && config.state_rules.front().after == 0
                                ? config.state_rules.front().number
                                : std::uint8_t{0};
  const std::string base_id = base ? catalog[base - 1].id : "";
  txn.set_status(row.owner, Status::active);
  txn.set_cycle_marks(row.owner, base_id, "");
  internal::EventRow e;
  e.kind = "reinstated";
  e.person = row.owner;
  e.effective_at = row.state_at;
  e.recorded_at = now;
  e.actor = actor.login;
  e.reason = fee ? "reinstated with a fee" : "reinstated";
  e.payload = nlohmann::json{{"status", "active"}, {"previous_status", "inactive"},
                             {"state", base_id},   {"previous_state", catalog[state - 1].id},
                             {"fee", fee},         {"campaigns_without_order", away},
                             {"order", row.id}}
                  .dump();
  run.person_events.push_back(std::move(e));
  run.persons[row.owner.value()] = {type, Status::active};
  run.states[row.owner.value()] = base;
  return fee ? "fee" : "free";
}

nlohmann::json order_facts(const OrderRow& row, const std::optional<OrderRow>& before,
                           bool first_purchase) {
  nlohmann::json order = {
      {"id", row.id},
      {"state", to_string(static_cast<OrderState>(row.state))},
      {"amount", Decimal::from_micros(row.amount_micros).to_string()},
      {"volume", Decimal::from_micros(row.volume_micros).to_string()},
      {"first_purchase", first_purchase},
      {"created_by", std::to_string(row.created_by.value())},
      {"lines", nlohmann::json::parse(row.lines_json)},
  };
  for (auto& line : order["lines"])
    if (!line.contains("flags")) line["flags"] = nlohmann::json::array();
  if (before) order["previous_state"] = to_string(static_cast<OrderState>(before->state));
  return order;
}

// Applies the rules' status and type actions to a person; true when they
// changed. A VIP is exempt from automatic inactivation (seed 004 §7.2).
bool decide_person(const std::vector<Decision>& decisions, bool vip, CustomerType& type,
                   Status& status) {
  const CustomerType type0 = type;
  const Status status0 = status;
  for (const Decision& d : decisions) {
    switch (d.action.type) {
      case ActionType::activate: status = Status::active; break;
      case ActionType::inactivate:
        if (!vip) status = Status::inactive;
        break;
      case ActionType::set_customer_type:
        type = parse_customer_type(d.action.target).value_or(type);
        break;
      default: break;
    }
  }
  return type != type0 || status != status0;
}

internal::EventRow person_event(const Actor& actor, Instant now, const OrderRow& order,
                                CustomerType type0, Status status0, CustomerType type,
                                Status status, const std::vector<Decision>& decisions) {
  internal::EventRow e;
  nlohmann::json payload;
  if (type != type0) {
    e.kind = "converted";
    payload = {{"type", to_string(type)},
               {"status", to_string(status)},
               {"previous_type", to_string(type0)},
               {"previous_status", to_string(status0)}};
  } else {
    e.kind = status == Status::active     ? "activated"
             : status == Status::inactive ? "inactivated"
                                          : "status_changed";
    payload = {{"status", to_string(status)}, {"previous_status", to_string(status0)}};
  }
  payload["order"] = order.id;
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  for (const Decision& d : decisions) rules.push_back(internal::decision_to_json(d));
  payload["rules"] = nlohmann::json::parse(rules.dump());
  e.person = order.owner;
  e.effective_at = order.state_at;
  e.recorded_at = now;
  e.actor = actor.login;
  e.reason = "order rules";
  e.payload = payload.dump();
  return e;
}

// Plans and writes each report in order; the caller holds the writer lock,
// the transaction and a shared index lock.
void run_reports(CompanyState& s, const Actor& actor, internal::WriteTxn& txn,
                 std::span<const OrderReport> reports, bool single, const ProgressFn& progress,
                 Run& run) {
  const internal::RuleBookData& book = *s.config.rules;
  const bool rules =
      !book.by_trigger[static_cast<std::size_t>(Trigger::order_state_changed)].empty();
  const Instant now = s.clock->now();
  const internal::Calendar& calendar = s.cycle.calendar;
  std::unordered_map<std::int64_t, bool> purchased_now;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    if (progress && i && i % kProgressEvery == 0) progress(i, reports.size());
    const OrderReport& r = reports[i];
    std::optional<OrderRow> stored;
    if (!r.id.empty() && r.id.size() <= 64) stored = txn.find_order(r.id);
    // Planned with bare field names (short strings, no allocation); a
    // finding of a bulk call gets its "orders[i]." prefix afterwards.
    internal::OrderPlan plan =
        internal::plan_order(r, stored ? &*stored : nullptr, calendar, now, std::string());
    for (auto [who, field] : {std::pair{r.owner, "owner"}, std::pair{r.created_by, "created_by"}})
      if (who && !s.index.contains(who))
        plan.findings.push_back(Finding{Code::not_found, "unknown_person", field,
                                        "no person has id " + std::to_string(who.value()),
                                        std::to_string(who.value()), ""});
    if (!plan.findings.empty()) {
      if (!single) {
        const std::string prefix = "orders[" + std::to_string(i) + "].";
        for (Finding& f : plan.findings) f.field = prefix + f.field;
      }
      run.report.rejected.push_back(RejectedOrder{i, r.id, std::move(plan.findings)});
      continue;
    }
    // Only report_order returns an outcome; a bulk call counts.
    OrderOutcome out;
    out.result = plan.result;
    if (single) out.campaign = plan.row.campaign;
    if (plan.before) out.previous_state = static_cast<OrderState>(plan.before->state);
    if (plan.result == OrderResult::unchanged) {
      ++run.report.unchanged;
      if (single) run.outcomes.push_back(std::move(out));
      continue;
    }
    OrderRow& row = plan.row;
    row.seq = run.seq;
    if (plan.result == OrderResult::created) {
      txn.insert_order(row);
      ++run.report.created;
    } else {
      txn.update_order(row);
      ++run.report.changed;
    }
    if (plan.new_state)
      txn.insert_order_state(internal::OrderStateRow{row.oid, run.seq, row.state, row.state_at});
    const Node v = GenealogyIndex::node_of(row.owner);
    const auto state = static_cast<OrderState>(row.state);
    if (paid(state) && !(plan.before && paid(static_cast<OrderState>(plan.before->state))) &&
        !s.cycle.has_purchased(v) && !purchased_now[row.owner.value()]) {
      purchased_now[row.owner.value()] = true;
      txn.set_first_order(row.owner, row.id);
      run.first_purchasers.push_back(row.owner);
      out.first_purchase = true;
      ++run.report.first_purchases;
    }
    run.campaigns.insert(row.campaign);
    // The rules see the person's campaign with this call's orders in it
    // (kept only when there are rules to see it).
    Delta none;
    Delta& delta =
        rules ? run.deltas[static_cast<std::uint64_t>(calendar.index_of(row.campaign)) << 32 |
                           static_cast<Node>(v)]
              : none;
    const auto part = [&](const OrderRow& o, int sign) {
      if (!internal::order_counts(static_cast<OrderState>(o.state), s.config.counted_from)) return;
      delta.pv += sign * o.volume_micros;
      delta.orders += sign;
    };
    if (rules) {
      if (plan.before) part(*plan.before, -1);
      part(row, 1);
    }
    if (plan.new_state && internal::order_counts(state, s.config.counted_from) &&
        !(plan.before && internal::order_counts(static_cast<OrderState>(plan.before->state),
                                                s.config.counted_from)))
      out.reinstatement = reinstate(s, actor, txn, now, row, run);
    if (rules && plan.new_state) {
      auto person = s.store->get_person(row.owner);
      if (!person) throw Internal("person " + std::to_string(row.owner.value()) + " is not stored");
      if (auto it = run.persons.find(row.owner.value()); it != run.persons.end())
        std::tie(person->type, person->status) = it->second;
      // The close keeps the states in the index, not in the person's row.
      std::uint8_t state = v < s.cycle.commercial.size() ? s.cycle.commercial[v] : 0;
      if (auto it = run.states.find(row.owner.value()); it != run.states.end()) state = it->second;
      person->commercial_state = state ? s.config.rules->commercial_states[state - 1].id : "";
      const Node up = s.index.tree(0).parent(v);
      std::int64_t pv = 0, orders = 0;
      if (auto t = s.cycle.totals.find(row.campaign); t != s.cycle.totals.end()) {
        if (v < t->second.pv.size()) {
          pv = t->second.pv[v];
          orders = t->second.orders[v];
        }
      }
      nlohmann::json facts = {
          {"person", internal::person_facts(
                         s.config, *person,
                         up == internal::kNoNode ? PersonId{} : GenealogyIndex::id_of(up))},
          {"order", order_facts(row, plan.before, out.first_purchase)},
          {"campaign",
           {{"id", row.campaign},
            {"personal_volume", Decimal::from_micros(pv + delta.pv).to_string()},
            {"orders", orders + delta.orders}}}};
      try {
        out.decisions = internal::evaluate_rules(book, Trigger::order_state_changed, facts,
                                                 row.state_at, nullptr);
      } catch (const Error& e) {
        throw_error(e.code(), "order rules, order '" + row.id + "': " + e.what(), e.field());
      }
      CustomerType type = person->type;
      Status status = person->status;
      if (decide_person(out.decisions, person->vip, type, status)) {
        if (type != person->type) txn.set_type(row.owner, type);
        if (status != person->status) txn.set_status(row.owner, status);
        run.person_events.push_back(person_event(actor, now, row, person->type, person->status,
                                                 type, status, out.decisions));
        run.persons[row.owner.value()] = {type, status};
        ++run.report.rule_changes;
      }
    }
    out.seq = run.seq;
    run.changed.emplace_back(std::move(plan.before), std::move(row));
    if (single) run.outcomes.push_back(std::move(out));
  }
}

// Writes the call's event, commits and applies what it changed.
void finish(CompanyState& s, const Actor& actor, std::unique_ptr<internal::WriteTxn> txn,
            std::shared_lock<std::shared_mutex>& reading, Run& run, bool single) {
  const bool wrote = run.report.created + run.report.changed > 0;
  EventSeq last;
  if (wrote) {
    internal::EventRow e;
    e.kind = "orders_reported";
    e.recorded_at = s.clock->now();
    e.effective_at = e.recorded_at;
    e.actor = actor.login;
    nlohmann::json payload = {{"created", run.report.created},
                              {"changed", run.report.changed},
                              {"campaigns", run.campaigns},
                              {"first_purchases", run.report.first_purchases}};
    if (single) {
      const OrderRow& row = run.changed.front().second;
      const auto& before = run.changed.front().first;
      e.person = row.owner;
      e.effective_at = row.state_at;
      payload["order"] = row.id;
      payload["state"] = to_string(static_cast<OrderState>(row.state));
      if (before) payload["previous_state"] = to_string(static_cast<OrderState>(before->state));
    }
    e.payload = payload.dump();
    if (txn->append_event(e) != run.seq) throw Internal("the event log moved during a write");
    last = run.seq;
    if (!run.person_events.empty()) {
      txn->append_events(run.person_events);
      last = EventSeq{run.seq.value() + static_cast<std::int64_t>(run.person_events.size())};
    }
    run.report.seq = run.seq;
  }
  reading.unlock();
  txn->commit();
  if (!wrote) return;
  std::lock_guard apply(s.apply_mu);
  {
    std::unique_lock lock(s.index_mu);
    for (const auto& [before, after] : run.changed) {
      auto t = s.cycle.totals.find(after.campaign);
      if (t == s.cycle.totals.end()) continue;  // closed meanwhile: read from the store
      if (before) t->second.apply(*before, s.config.counted_from, -1);
      t->second.apply(after, s.config.counted_from, 1);
    }
    for (const PersonId p : run.first_purchasers) {
      const auto v = static_cast<std::size_t>(GenealogyIndex::node_of(p));
      if (v >= s.cycle.purchased.size()) s.cycle.purchased.resize(std::max(v + 1, s.index.size()));
      s.cycle.purchased[v] = 1;
    }
    for (const auto& [id, state] : run.states) {
      const auto v = static_cast<std::size_t>(GenealogyIndex::node_of(PersonId{id}));
      if (v < s.cycle.commercial.size()) s.cycle.commercial[v] = state;
    }
    for (const auto& [id, ts] : run.persons) {
      const Node v = GenealogyIndex::node_of(PersonId{id});
      s.index.set_type(v, ts.first);
      s.index.set_status(v, ts.second);
    }
  }
  s.applied(last.value());
}

}  // namespace

std::vector<Campaign> Company::add_campaigns(const Actor& actor,
                                             std::span<const CampaignSpec> campaigns) {
  internal::require_staff(actor, "add campaigns");
  CompanyState& s = *state_;
  std::lock_guard writer(s.writer_mu);
  auto txn = s.store->begin_write();
  s.sync();
  std::vector<Campaign> added;
  {
    std::shared_lock lock(s.index_mu);
    added = internal::plan_campaigns(s.cycle.calendar, campaigns, s.config.zone);
  }
  if (added.empty()) return added;
  internal::EventRow e;
  e.kind = "campaigns_added";
  e.effective_at = e.recorded_at = s.clock->now();
  e.actor = actor.login;
  nlohmann::json list = nlohmann::json::array();
  for (const Campaign& c : added)
    list.push_back({{"id", c.id},
                    {"start", c.start.to_string()},
                    {"end", c.end.to_string()},
                    {"starts_at", c.starts_at.to_rfc3339()},
                    {"ends_at", c.ends_at.to_rfc3339()}});
  e.payload = nlohmann::json{{"campaigns", std::move(list)}}.dump();
  const EventSeq seq = txn->append_event(e);
  for (const Campaign& c : added) {
    internal::CampaignRow row;
    row.id = c.id;
    row.start = c.start;
    row.end = c.end;
    row.starts_at = c.starts_at;
    row.ends_at = c.ends_at;
    row.state = static_cast<std::uint8_t>(c.state);
    row.seq = seq;
    txn->insert_campaign(row);
  }
  txn->commit();
  std::lock_guard apply(s.apply_mu);
  {
    std::unique_lock lock(s.index_mu);
    auto& list_ = s.cycle.calendar.campaigns;
    for (const Campaign& c : added) {
      list_.insert(std::upper_bound(list_.begin(), list_.end(), c,
                                    [](const Campaign& a, const Campaign& b) {
                                      return a.starts_at < b.starts_at;
                                    }),
                   c);
      s.cycle.totals.try_emplace(c.id);
    }
  }
  s.applied(seq.value());
  return added;
}

std::vector<Campaign> Company::campaigns() const {
  const CompanyState& s = *state_;
  s.sync();
  std::shared_lock lock(s.index_mu);
  return s.cycle.calendar.campaigns;
}

std::optional<Campaign> Company::campaign_at(Instant at) const {
  const CompanyState& s = *state_;
  s.sync();
  std::shared_lock lock(s.index_mu);
  const Campaign* c = s.cycle.calendar.at(at);
  if (!c) return std::nullopt;
  return *c;
}

namespace {

nlohmann::json summary_json(const CampaignSummary& s) {
  nlohmann::json states = nlohmann::json::array();
  for (const auto& [state, n] : s.commercial_states) states.push_back({state, n});
  nlohmann::json paid = nlohmann::json::array();
  for (const auto& [rank, n] : s.paid_as) paid.push_back({rank, n});
  nlohmann::json segments = nlohmann::json::array();
  for (const auto& [segment, n] : s.segments) segments.push_back({segment, n});
  return {{"orders", s.orders},
          {"persons_with_orders", s.persons_with_orders},
          {"drafts", s.drafts},
          {"volume", s.volume.to_string()},
          {"amount", s.amount.to_string()},
          {"commercial_states", std::move(states)},
          {"state_changes", s.state_changes},
          {"inactivated", s.inactivated},
          {"paid_as", std::move(paid)},
          {"promotions", s.promotions},
          {"segments", std::move(segments)}};
}

CampaignSummary summary_of(const std::string& campaign, const std::string& json, Instant at) {
  CampaignSummary out;
  out.campaign = campaign;
  out.closed_at = at;
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (!doc.is_object()) throw DataLoss("campaign '" + campaign + "' keeps no summary");
  try {
    out.orders = doc.at("orders").get<std::uint64_t>();
    out.persons_with_orders = doc.at("persons_with_orders").get<std::uint64_t>();
    out.drafts = doc.at("drafts").get<std::uint64_t>();
    out.volume = Decimal::parse(doc.at("volume").get<std::string>());
    out.amount = Decimal::parse(doc.at("amount").get<std::string>());
    for (const auto& pair : doc.value("commercial_states", nlohmann::json::array()))
      out.commercial_states.emplace_back(pair.at(0).get<std::string>(),
                                         pair.at(1).get<std::uint64_t>());
    out.state_changes = doc.value("state_changes", std::uint64_t{0});
    out.inactivated = doc.value("inactivated", std::uint64_t{0});
    for (const auto& pair : doc.value("paid_as", nlohmann::json::array()))
      out.paid_as.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::uint64_t>());
    out.promotions = doc.value("promotions", std::uint64_t{0});
    for (const auto& pair : doc.value("segments", nlohmann::json::array()))
      out.segments.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::uint64_t>());
    out.digest = doc.value("digest", std::string());
  } catch (const std::exception& e) {
    throw DataLoss("campaign '" + campaign + "' keeps a malformed summary: " + e.what());
  }
  return out;
}

}  // namespace

namespace {

// What a close decides of the persons, applied once it commits.
struct CloseMarks {
  std::vector<Node> ordered;                          // a counted order in the campaign
  std::vector<std::uint32_t> without;                 // by node: campaigns without an order
  std::vector<std::pair<Node, std::uint8_t>> states;  // new commercial states
  std::vector<Node> inactivated;
  std::vector<internal::EventRow> events;
};

// The commercial states of the consultants at the close of the campaign at
// calendar position `k` (seed 004 §6.3.3, §7.2.1.4): the state whose
// threshold of campaigns without an order they reached; one that
// inactivates inactivates them (a VIP excepted). Decides the marks and
// queues the events, writing nothing; fills the summary's counts.
CloseMarks commercial_states(const CompanyState& s, const Actor& actor, std::size_t k,
                             const internal::CampaignTotals* totals, Instant now,
                             CampaignSummary& out) {
  CloseMarks marks;
  marks.without.assign(s.index.size(), 0);
  const internal::Config& config = s.config;
  const auto& catalog = config.rules->commercial_states;
  const Campaign& campaign = s.cycle.calendar.campaigns[k];
  std::vector<std::uint64_t> counts(catalog.size() + 1);
  const std::string quoted_campaign = nlohmann::json(campaign.id).dump();
  for (Node v = 0; v < s.index.size(); ++v) {
    std::uint8_t state = v < s.cycle.commercial.size() ? s.cycle.commercial[v] : 0;
    const Status status = s.index.status(v);
    const bool evaluated = s.index.type(v) == CustomerType::consultant &&
                           (status == Status::active || status == Status::inactive);
    if (evaluated) {
      const bool ordered = totals && v < totals->orders.size() && totals->orders[v] > 0;
      const std::int64_t without = ordered ? 0 : s.cycle.campaigns_without_order(v, k);
      if (ordered || without > 0) {
        const internal::CommercialStateRule* rule = nullptr;
        for (const auto& r : config.state_rules)
          if (static_cast<std::int64_t>(r.after) <= without) rule = &r;
        const std::uint8_t next = rule ? rule->number : state;
        const PersonId person = GenealogyIndex::id_of(v);
        if (ordered) marks.ordered.push_back(v);
        marks.without[v] = static_cast<std::uint32_t>(std::min<std::int64_t>(without, UINT32_MAX));
        // A close's states and who ordered are kept as its columns
        // ("states.commercial", "states.without", "states.last_order"), not as
        // a row and an event per person: hundreds of thousands change at
        // every close (Company::commercial_state_history reads them back).
        if (next != state) {
          marks.states.emplace_back(v, next);
          ++out.state_changes;
          if (rule && rule->inactivates && status == Status::active) {
            if (!s.store->is_vip(person)) {
              internal::EventRow off;
              off.kind = "inactivated";
              off.person = person;
              off.effective_at = campaign.ends_at;
              off.recorded_at = now;
              off.actor = actor.login;
              off.reason = "commercial state " + rule->id;
              off.payload = "{\"campaign\":" + quoted_campaign +
                            ",\"previous_status\":\"active\",\"status\":\"inactive\"}";
              marks.events.push_back(std::move(off));
              marks.inactivated.push_back(v);
              ++out.inactivated;
            }
          }
          state = next;
        }
      }
    }
    if (state && s.index.type(v) == CustomerType::consultant) ++counts[state];
  }
  for (std::size_t i = 1; i < counts.size(); ++i)
    if (counts[i]) out.commercial_states.emplace_back(catalog[i - 1].id, counts[i]);
  return marks;
}

// A close (`closing`) or a pre-calculation of a campaign: the same figures,
// states, ranks and segments; a close writes and applies what it decided
// and locks the campaign, a pre-calculation keeps only the summary and the
// columns (re-runnable, orders still come in, nothing of the persons
// changes).
CampaignSummary settle(CompanyState& s, const Actor& actor, std::string_view campaign,
                       const ProgressFn& progress, bool closing) {
  internal::require_staff(actor, closing ? "close campaigns" : "pre-calculate campaigns");
  std::lock_guard writer(s.writer_mu);
  auto txn = s.store->begin_write();
  s.sync();
  std::shared_lock reading(s.index_mu);
  const std::size_t at = s.cycle.calendar.index_of(campaign);
  if (at == SIZE_MAX)
    throw NotFound("unknown campaign '" + std::string(campaign) + "'", "campaign");
  const Campaign& c = s.cycle.calendar.campaigns[at];
  if (c.state == CampaignState::closed && !closing)
    throw FailedPrecondition("campaign '" + c.id + "' is closed", "campaign");
  if (c.state == CampaignState::closed) {
    for (const internal::CampaignRow& row : s.store->campaigns())
      if (row.id == c.id) {
        CampaignSummary out =
            summary_of(row.id, row.summary_json, row.closed_at.value_or(Instant{}));
        out.already_closed = true;
        return out;
      }
    throw Internal("campaign '" + c.id + "' is not stored");
  }
  for (std::size_t i = 0; i < at; ++i)
    if (s.cycle.calendar.campaigns[i].state != CampaignState::closed)
      throw FailedPrecondition(
          "campaign '" + s.cycle.calendar.campaigns[i].id + "' comes first and is not closed",
          "campaign");
  const Instant now = s.clock->now();
  if (closing && now < c.ends_at)
    throw FailedPrecondition("campaign '" + c.id + "' runs until " + c.ends_at.to_rfc3339() +
                                 ": it closes after it ends",
                             "campaign");
  CampaignSummary out;
  out.campaign = c.id;
  out.closed_at = now;
  out.pre_calculated = !closing;
  // 128-bit sums: a company's campaign may exceed 64-bit micro-units.
  Decimal::Rep volume = 0, amount = 0;
  if (auto t = s.cycle.totals.find(c.id); t != s.cycle.totals.end()) {
    const internal::CampaignTotals& tt = t->second;
    for (std::size_t v = 0; v < tt.pv.size(); ++v) {
      out.orders += tt.orders[v];
      out.persons_with_orders += tt.orders[v] > 0;
      out.drafts += tt.drafts[v];
      volume += tt.pv[v];
      amount += tt.amount[v];
    }
  }
  out.volume = Decimal::from_micros(volume);
  out.amount = Decimal::from_micros(amount);
  // A throwing callback leaves nothing written: the transaction is not
  // committed until every stage has run.
  const auto stage = [&progress, closing](std::size_t done) {
    if (!progress) return;
    try {
      progress(done, 4);
    } catch (const std::exception& e) {
      throw Aborted(std::string(closing ? "the campaign was not closed"
                                        : "the campaign was not pre-calculated") +
                    ": the progress callback threw: " + e.what());
    }
  };
  stage(1);
  const auto totals = s.cycle.totals.find(c.id);
  const internal::CampaignTotals* held_totals =
      totals == s.cycle.totals.end() ? nullptr : &totals->second;
  CloseMarks marks = commercial_states(s, actor, at, held_totals, now, out);
  stage(2);
  internal::CareerClose career =
      internal::close_career(s, actor, at, held_totals, marks.inactivated, now, out);
  internal::SegmentClose segments = internal::close_segments(s, at, held_totals, out);
  stage(3);
  // The commercial states after the close, so that the digest covers them.
  std::vector<std::uint8_t> states(s.index.size(), 0);
  for (Node v = 0; v < states.size(); ++v)
    states[v] = v < s.cycle.commercial.size() ? s.cycle.commercial[v] : 0;
  for (const auto& [v, state] : marks.states) states[v] = state;
  auto columns = std::move(career.columns);
  for (auto& c : segments.columns) columns.push_back(std::move(c));
  columns.emplace_back("states.commercial", internal::encode_column(states));
  // Who last ordered when, as seconds before this campaign's start (-1:
  // never): the next open reads it instead of a row per person.
  {
    std::vector<std::int64_t> seconds(s.index.size(), -1);
    for (Node v = 0; v < seconds.size() && v < s.cycle.last_order.size(); ++v)
      if (s.cycle.last_order[v] != internal::CycleState::kNever)
        seconds[v] = (c.starts_at.micros_since_epoch - s.cycle.last_order[v]) / 1'000'000;
    for (const Node v : marks.ordered) seconds[v] = 0;
    columns.emplace_back("states.last_order", internal::encode_column(seconds));
  }
  columns.emplace_back("states.without", internal::encode_column(marks.without));
  // What the KPIs of a closed campaign read: its totals and who was what.
  {
    const std::size_t n = s.index.size();
    std::vector<std::int64_t> pv(n, 0), amount(n, 0);
    std::vector<std::uint32_t> orders(n, 0), drafts(n, 0);
    const auto take = [n](const auto& from, auto& to) {
      std::copy_n(from.begin(), std::min(from.size(), n), to.begin());
    };
    if (held_totals) {
      take(held_totals->pv, pv);
      take(held_totals->amount, amount);
      take(held_totals->orders, orders);
      take(held_totals->drafts, drafts);
    }
    std::vector<std::uint8_t> status(n), type(n);
    for (Node v = 0; v < n; ++v) {
      status[v] = static_cast<std::uint8_t>(s.index.status(v));
      type[v] = static_cast<std::uint8_t>(s.index.type(v));
    }
    for (const Node v : marks.inactivated) status[v] = static_cast<std::uint8_t>(Status::inactive);
    columns.emplace_back("totals.pv", internal::encode_column(pv));
    columns.emplace_back("totals.amount", internal::encode_column(amount));
    columns.emplace_back("totals.orders", internal::encode_column(orders));
    columns.emplace_back("totals.drafts", internal::encode_column(drafts));
    columns.emplace_back("persons.status", internal::encode_column(status));
    columns.emplace_back("persons.type", internal::encode_column(type));
  }
  std::sort(columns.begin(), columns.end());
  out.digest = internal::close_digest(summary_json(out).dump(), columns);
  nlohmann::json stored = summary_json(out);
  stored["digest"] = out.digest;
  internal::EventRow e;
  e.kind = closing ? "campaign_closed" : "campaign_pre_calculated";
  e.effective_at = e.recorded_at = now;
  e.actor = actor.login;
  nlohmann::json payload = stored;
  payload["campaign"] = c.id;
  e.payload = payload.dump();
  const EventSeq seq = txn->append_event(e);
  // Where the next open takes the reinstatements after this close from.
  stored["seq"] = seq.value();
  internal::CampaignRow row;
  row.id = c.id;
  row.state =
      static_cast<std::uint8_t>(closing ? CampaignState::closed : CampaignState::pre_calculated);
  if (closing) row.closed_at = now;
  row.summary_json = stored.dump();
  txn->update_campaign(row);
  for (const auto& [name, data] : columns) txn->put_campaign_column(c.id, name, data);
  EventSeq last = seq;
  if (!closing) {
    stage(4);
    reading.unlock();
    txn->commit();
    std::lock_guard apply(s.apply_mu);
    {
      std::unique_lock lock(s.index_mu);
      s.cycle.calendar.campaigns[at].state = CampaignState::pre_calculated;
    }
    s.applied(last.value());
    return out;
  }
  for (const Node v : marks.inactivated)
    txn->set_status(GenealogyIndex::id_of(v), Status::inactive);
  if (!marks.events.empty()) {
    txn->append_events(marks.events);
    last = EventSeq{seq.value() + static_cast<std::int64_t>(marks.events.size())};
  }
  if (!career.events.empty()) {
    txn->append_events(career.events);
    for (std::size_t i = 0; i < career.rank_rows.size(); ++i) {
      internal::RankChangeRow& r = career.rank_rows[i];
      r.seq = EventSeq{last.value() + 1 + static_cast<std::int64_t>(i)};
      txn->set_rank(r.person, career.promoted[i].second);
      txn->insert_rank_change(r);
    }
    last = EventSeq{last.value() + static_cast<std::int64_t>(career.events.size())};
  }
  stage(4);
  reading.unlock();
  txn->commit();
  std::lock_guard apply(s.apply_mu);
  {
    std::unique_lock lock(s.index_mu);
    Campaign& held = s.cycle.calendar.campaigns[at];
    held.state = CampaignState::closed;
    held.closed_at = now;
    for (const Node v : marks.ordered) s.cycle.last_order[v] = held.starts_at.micros_since_epoch;
    for (const auto& [v, state] : marks.states) s.cycle.commercial[v] = state;
    for (const Node v : marks.inactivated) s.index.set_status(v, Status::inactive);
    for (const auto& [v, rank] : career.promoted) s.index.set_rank(v, rank);
    if (!segments.assigned.empty()) s.cycle.segment = std::move(segments.assigned);
    s.cycle.totals.erase(held.id);
  }
  s.applied(last.value());
  return out;
}

}  // namespace

CampaignSummary Company::close_campaign(const Actor& actor, std::string_view campaign,
                                        const ProgressFn& progress) {
  return settle(*state_, actor, campaign, progress, true);
}

CampaignSummary Company::precalculate(const Actor& actor, std::string_view campaign,
                                      const ProgressFn& progress) {
  return settle(*state_, actor, campaign, progress, false);
}

namespace {

// One write call of order reports: plans and writes them under the writer
// lock, throws the first finding of a single report, commits and applies.
Run report(CompanyState& s, const Actor& actor, std::span<const OrderReport> reports, bool single,
           const ProgressFn& progress) {
  internal::require_staff(actor, "report orders");
  std::lock_guard writer(s.writer_mu);
  auto txn = s.store->begin_write(internal::KeyChecks::caller);
  s.sync();
  std::shared_lock reading(s.index_mu);
  Run run;
  run.seq = txn->next_event_seq();
  try {
    run_reports(s, actor, *txn, reports, single, progress, run);
    if (progress) progress(reports.size(), reports.size());
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Aborted(std::string("the orders were not written: the progress callback threw: ") +
                  e.what());
  }
  if (single && !run.report.rejected.empty()) {
    const Finding& f = run.report.rejected.front().findings.front();
    throw_error(f.code, f.message, f.field);
  }
  finish(s, actor, std::move(txn), reading, run, single);
  return run;
}

}  // namespace

OrderOutcome Company::report_order(const Actor& actor, const OrderReport& r) {
  return std::move(report(*state_, actor, std::span(&r, 1), true, {}).outcomes.front());
}

OrderBatchReport Company::report_orders(const Actor& actor, std::span<const OrderReport> reports,
                                        const ProgressFn& progress) {
  return std::move(report(*state_, actor, reports, false, progress).report);
}

void internal::check_sees(const CompanyState& s, const Actor& actor, PersonId person,
                          const char* field) {
  if (!s.index.contains(person))
    throw NotFound("no person has id " + std::to_string(person.value()), field);
  if (!s.scope_of(actor).sees(s.index, GenealogyIndex::node_of(person)))
    throw PermissionDenied(
        "actor '" + actor.login + "' does not see person " + std::to_string(person.value()), field);
}

Order Company::order(const Actor& actor, std::string_view id) const {
  const CompanyState& s = *state_;
  s.sync();
  auto row = s.store->get_order(id);
  if (!row) throw NotFound("no order has id '" + std::string(id) + "'", "id");
  {
    std::shared_lock lock(s.index_mu);
    check_sees(s, actor, row->owner, "id");
  }
  return internal::order_of(*row, s.store->order_history(row->oid), s.config.counted_from);
}

std::vector<Order> Company::orders(const Actor& actor, PersonId person,
                                   std::string_view campaign) const {
  const CompanyState& s = *state_;
  s.sync();
  {
    std::shared_lock lock(s.index_mu);
    check_sees(s, actor, person, "person");
    if (!s.cycle.calendar.find(campaign))
      throw NotFound("unknown campaign '" + std::string(campaign) + "'", "campaign");
  }
  std::vector<Order> out;
  for (const OrderRow& row : s.store->orders_of(person, campaign))
    out.push_back(internal::order_of(row, s.store->order_history(row.oid), s.config.counted_from));
  return out;
}

CampaignActivity Company::activity(const Actor& actor, PersonId person,
                                   std::string_view campaign) const {
  const CompanyState& s = *state_;
  s.sync();
  CampaignActivity a;
  a.campaign = std::string(campaign);
  {
    std::shared_lock lock(s.index_mu);
    check_sees(s, actor, person, "person");
    if (!s.cycle.calendar.find(campaign))
      throw NotFound("unknown campaign '" + std::string(campaign) + "'", "campaign");
    if (auto t = s.cycle.totals.find(campaign); t != s.cycle.totals.end()) {
      const auto v = static_cast<std::size_t>(GenealogyIndex::node_of(person));
      if (v < t->second.pv.size()) {
        a.orders = t->second.orders[v];
        a.personal_volume = Decimal::from_micros(t->second.pv[v]);
        a.amount = Decimal::from_micros(t->second.amount[v]);
        a.drafts = t->second.drafts[v];
      }
      return a;
    }
  }
  // A closed campaign's totals live in the store only.
  for (const OrderRow& row : s.store->orders_of(person, campaign)) {
    const auto state = static_cast<OrderState>(row.state);
    if (state == OrderState::draft) ++a.drafts;
    if (!internal::order_counts(state, s.config.counted_from)) continue;
    ++a.orders;
    a.personal_volume += Decimal::from_micros(row.volume_micros);
    a.amount += Decimal::from_micros(row.amount_micros);
  }
  return a;
}

DOWNLINE_END_NAMESPACE

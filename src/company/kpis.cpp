// What a campaign looked like for a part of the network (issue 6 §5): the
// KPIs, the genealogy list filtered by orders and traffic light, and a
// person's commercial states close by close. An open campaign is read from
// the live totals; a closed one from the columns its close kept, so that
// it answers as the close decided.
#include "company/close.hpp"
#include "company/company_state.hpp"
#include "cycle/columns.hpp"
#include "rules/rule_book.hpp"

#include <downline/company.hpp>

#include <algorithm>
#include <map>
#include <unordered_map>

DOWNLINE_BEGIN_NAMESPACE

namespace {

using internal::CompanyState;
using internal::GenealogyIndex;
using internal::NetworkTree;
using internal::Node;

__extension__ typedef __int128 Wide;

constexpr std::size_t kMostTop = 1000;

// One campaign's per-person figures, from the live totals or the close.
struct CampaignFigures {
  const CompanyState& s;
  const Campaign& campaign;
  std::size_t persons = 0;  // nodes counted: those a closed campaign's close saw
  std::vector<std::int64_t> pv, amount, orders, drafts;
  std::vector<std::int64_t> status, type, commercial, rank, segment;  // closed: the close's
  bool closed = false;

  CampaignFigures(const CompanyState& state, std::size_t k)
      : s(state), campaign(state.cycle.calendar.campaigns[k]) {
    closed = campaign.state == CampaignState::closed;
    const std::size_t n = s.index.size();
    persons = n;
    if (!closed) {
      if (auto t = s.cycle.totals.find(campaign.id); t != s.cycle.totals.end()) {
        pv.assign(t->second.pv.begin(), t->second.pv.end());
        amount.assign(t->second.amount.begin(), t->second.amount.end());
        orders.assign(t->second.orders.begin(), t->second.orders.end());
        drafts.assign(t->second.drafts.begin(), t->second.drafts.end());
      }
      commercial.assign(s.cycle.commercial.begin(), s.cycle.commercial.end());
      segment.assign(s.cycle.segment.begin(), s.cycle.segment.end());
      return;
    }
    const auto column = [&](const char* name) {
      auto data = s.store->campaign_column(campaign.id, name);
      return data ? internal::decode_column(*data) : std::vector<std::int64_t>{};
    };
    pv = column("totals.pv");
    amount = column("totals.amount");
    orders = column("totals.orders");
    drafts = column("totals.drafts");
    if (orders.empty()) {
      // A close before these columns: its orders are locked, add them up.
      internal::CampaignTotals t;
      s.store->scan_campaign_orders(
          campaign.id, [&](const internal::OrderRow& o) { t.apply(o, s.config.counted_from, 1); });
      pv.assign(t.pv.begin(), t.pv.end());
      amount.assign(t.amount.begin(), t.amount.end());
      orders.assign(t.orders.begin(), t.orders.end());
      drafts.assign(t.drafts.begin(), t.drafts.end());
    }
    status = column("persons.status");
    type = column("persons.type");
    commercial = column("states.commercial");
    // The persons the close saw: its columns have one value each.
    if (!status.empty())
      persons = status.size();
    else if (!commercial.empty())
      persons = commercial.size();
    rank = column("career.highest");
    segment = column("segments.assigned");
  }

  static std::int64_t at(const std::vector<std::int64_t>& c, Node v) {
    return v < c.size() ? c[v] : 0;
  }
  bool counted(Node v) const { return v < persons; }
  CustomerType type_of(Node v) const {
    return v < type.size() ? static_cast<CustomerType>(type[v]) : s.index.type(v);
  }
  Status status_of(Node v) const {
    return v < status.size() ? static_cast<Status>(status[v]) : s.index.status(v);
  }
  std::uint8_t rank_of(Node v) const {
    return static_cast<std::uint8_t>(closed && v < rank.size() ? rank[v] : s.index.rank(v));
  }
  std::int64_t pv_of(Node v) const { return at(pv, v); }
  std::int64_t amount_of(Node v) const { return at(amount, v); }
  std::uint32_t orders_of(Node v) const { return static_cast<std::uint32_t>(at(orders, v)); }
  std::uint32_t drafts_of(Node v) const { return static_cast<std::uint32_t>(at(drafts, v)); }
  bool active_consultant(Node v) const {
    return type_of(v) == CustomerType::consultant && status_of(v) == Status::active;
  }

  TrafficLight light(Node v) const {
    const internal::TrafficLightConfig& t = s.config.traffic_light;
    if (!t.configured || !active_consultant(v)) return TrafficLight::none;
    const std::int64_t m =
        t.measure == internal::TrafficLightConfig::Measure::personal_volume ? pv_of(v)
        : t.measure == internal::TrafficLightConfig::Measure::amount        ? amount_of(v)
                                                                            : orders_of(v);
    return m >= t.green    ? TrafficLight::green
           : m >= t.yellow ? TrafficLight::yellow
                           : TrafficLight::red;
  }
};

// The part of a network a question covers: a root's subtree (them
// included) or, without a root, every person.
struct Scope {
  std::size_t network = 0;
  Node root = internal::kNoNode;
  internal::Scope actor;
};

Scope scope_of(const CompanyState& s, const Actor& actor, const std::optional<PersonId>& root,
               std::string_view network) {
  Scope out;
  out.actor = s.scope_of(actor);
  out.network = s.network_of(network);
  if (root) {
    internal::check_sees(s, actor, *root, "root");
    out.root = GenealogyIndex::node_of(*root);
  } else if (!out.actor.everyone) {
    out.root = out.actor.self;
  }
  return out;
}

// Calls fn(v, level) for every counted person of the scope in pre-order
// (the persons outside the tree last, at level 0).
template <typename Fn>
void for_each_in_scope(const CompanyState& s, const Scope& scope, const CampaignFigures& f,
                       std::optional<std::uint32_t> max_depth, Fn&& fn) {
  const NetworkTree& tree = s.index.tree(scope.network);
  tree.ensure_intervals();
  const auto visit = [&](Node v, std::uint32_t level) {
    if (!f.counted(v) || (max_depth && level > *max_depth)) return;
    if (!scope.actor.everyone && !scope.actor.sees(s.index, v)) return;
    fn(v, level);
  };
  if (scope.root != internal::kNoNode) {
    const Node r = scope.root;
    if (!tree.placed(r)) {
      visit(r, 0);
      return;
    }
    const std::uint32_t base = tree.depth(r);
    for (std::uint32_t pos = tree.enter(r); pos < tree.exit(r); ++pos)
      visit(tree.at(pos), tree.depth_at(pos) - base);
    return;
  }
  for (std::uint32_t pos = 0; pos < tree.preorder_size(); ++pos)
    visit(tree.at(pos), tree.depth_at(pos));
  for (Node v = 0; v < s.index.size(); ++v)
    if (!tree.placed(v)) visit(v, 0);
}

const Campaign& campaign_of(const CompanyState& s, std::string_view id, std::size_t& k) {
  k = s.cycle.calendar.index_of(id);
  if (k == SIZE_MAX) throw NotFound("unknown campaign '" + std::string(id) + "'", "campaign");
  return s.cycle.calendar.campaigns[k];
}

std::string catalog_id(const std::vector<std::string>& ids, std::int64_t n) {
  return n > 0 && static_cast<std::size_t>(n) <= ids.size() ? ids[n - 1] : std::string();
}

// Counts by catalog number as (id, count) pairs in catalog order, zeros left out.
std::vector<std::pair<std::string, std::uint64_t>> by_id(const std::vector<std::string>& ids,
                                                         const std::vector<std::uint64_t>& n) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (std::size_t i = 1; i < n.size() && i <= ids.size(); ++i)
    if (n[i]) out.emplace_back(ids[i - 1], n[i]);
  return out;
}

template <typename Entry>
std::vector<std::string> ids_of(const std::vector<Entry>& catalog) {
  std::vector<std::string> out;
  for (const auto& e : catalog) out.push_back(e.id);
  return out;
}

// The ids of the catalogs a KPI counts by, by catalog number - 1.
struct Catalogs {
  std::vector<std::string> ranks, states, segments;
  explicit Catalogs(const internal::Config& config)
      : ranks(ids_of(config.rules->ranks)),
        states(ids_of(config.rules->commercial_states)),
        segments(ids_of(config.rules->segments)) {}
};

Decimal money(Wide v) {
  return Decimal::from_micros(static_cast<Decimal::Rep>(v));
}

}  // namespace

std::string_view to_string(TrafficLight light) {
  switch (light) {
    case TrafficLight::none: return "none";
    case TrafficLight::red: return "red";
    case TrafficLight::yellow: return "yellow";
    case TrafficLight::green: return "green";
  }
  return "none";
}

std::optional<TrafficLight> parse_traffic_light(std::string_view name) {
  for (TrafficLight l :
       {TrafficLight::none, TrafficLight::red, TrafficLight::yellow, TrafficLight::green})
    if (to_string(l) == name) return l;
  return std::nullopt;
}

CampaignKpis Company::kpis(const Actor& actor, const KpiQuery& query) const {
  const CompanyState& s = *state_;
  s.sync();
  if (query.top > kMostTop)
    throw InvalidArgument("at most " + std::to_string(kMostTop) + " entries per top list", "top");
  std::shared_lock lock(s.index_mu);
  std::size_t k = 0;
  const Campaign& c = campaign_of(s, query.campaign, k);
  const Scope scope = scope_of(s, actor, query.root, query.network);
  const CampaignFigures f(s, k);
  const Catalogs ids(s.config);

  CampaignKpis out;
  out.campaign = c.id;
  out.network = query.network;
  out.closed = f.closed;
  if (scope.root != internal::kNoNode) out.root = GenealogyIndex::id_of(scope.root);
  std::vector<std::uint64_t> ranks(ids.ranks.size() + 1), states(ids.states.size() + 1),
      segments(ids.segments.size() + 1), lights(4);
  std::vector<Wide> level_volume;
  std::map<std::uint32_t, std::pair<KpiZone, std::pair<std::int64_t, Node>>> zones;
  std::vector<Node> sellers;
  std::vector<std::uint8_t> in_scope(s.index.size(), 0);
  std::vector<Node> newcomers;
  Wide volume = 0, amount = 0;
  const std::int64_t start = c.starts_at.micros_since_epoch, end = c.ends_at.micros_since_epoch;

  for_each_in_scope(s, scope, f, std::nullopt, [&](Node v, std::uint32_t level) {
    in_scope[v] = 1;
    const CustomerType type = f.type_of(v);
    const Status status = f.status_of(v);
    const bool consultant = type == CustomerType::consultant;
    const std::uint32_t orders = f.orders_of(v);
    const std::int64_t pv = f.pv_of(v);
    ++out.persons;
    if (level >= out.levels.size()) {
      out.levels.resize(level + 1);
      level_volume.resize(level + 1, 0);
    }
    KpiLevel& l = out.levels[level];
    ++l.persons;
    level_volume[level] += pv;
    if (orders > 0) {
      ++out.persons_with_orders;
      ++l.with_orders;
      sellers.push_back(v);
    }
    out.orders += orders;
    out.with_drafts += f.drafts_of(v) > 0;
    volume += pv;
    amount += f.amount_of(v);
    const std::int64_t joined = v < s.cycle.enrolled.size() ? s.cycle.enrolled[v] : 0;
    const bool is_new = joined >= start && joined < end;
    if (is_new) newcomers.push_back(v);
    if (const std::int64_t g = CampaignFigures::at(f.segment, v);
        g > 0 && g < std::int64_t(segments.size()))
      ++segments[g];
    if (!consultant) {
      ++out.customers;
      out.new_customers += is_new;
      return;
    }
    ++out.consultants;
    ++l.consultants;
    out.new_consultants += is_new;
    if (status == Status::active) {
      ++out.active;
      ++l.active;
      ++(orders > 0 ? out.with_orders : out.without_orders);
    } else if (status == Status::inactive) {
      ++out.inactive;
    }
    if (const std::uint8_t r = f.rank_of(v); r > 0 && r < ranks.size()) ++ranks[r];
    if (const std::int64_t st = CampaignFigures::at(f.commercial, v);
        st > 0 && st < std::int64_t(states.size()))
      ++states[st];
    ++lights[static_cast<std::size_t>(f.light(v))];
    auto& [zone, best] = zones[s.index.zone(v)];
    ++zone.consultants;
    zone.with_orders += orders > 0;
    zone.volume += Decimal::from_micros(pv);
    if (orders > 0 && (!zone.top_seller || pv > best.first)) {
      zone.top_seller = GenealogyIndex::id_of(v);
      best = {pv, v};
    }
  });
  out.group_volume = money(volume);
  out.amount = money(amount);
  if (scope.root != internal::kNoNode && f.counted(scope.root))
    out.personal_volume = Decimal::from_micros(f.pv_of(scope.root));
  for (std::size_t i = 0; i < out.levels.size(); ++i) {
    out.levels[i].level = static_cast<std::uint32_t>(i);
    out.levels[i].volume = money(level_volume[i]);
  }
  out.ranks = by_id(ids.ranks, ranks);
  out.commercial_states = by_id(ids.states, states);
  out.segments = by_id(ids.segments, segments);
  for (TrafficLight l : {TrafficLight::green, TrafficLight::yellow, TrafficLight::red})
    if (lights[static_cast<std::size_t>(l)])
      out.traffic_lights.emplace_back(std::string(to_string(l)),
                                      lights[static_cast<std::size_t>(l)]);
  for (auto& [id, zone] : zones) {
    zone.first.zone = s.index.zone_name(id);
    out.zones.push_back(std::move(zone.first));
  }
  std::sort(out.zones.begin(), out.zones.end(),
            [](const KpiZone& a, const KpiZone& b) { return a.zone < b.zone; });

  // Top sellers: personal volume, then amount, then the lowest id.
  const auto seller_before = [&](Node a, Node b) {
    if (f.pv_of(a) != f.pv_of(b)) return f.pv_of(a) > f.pv_of(b);
    if (f.amount_of(a) != f.amount_of(b)) return f.amount_of(a) > f.amount_of(b);
    return a < b;
  };
  const std::size_t top_sellers = std::min(query.top, sellers.size());
  std::partial_sort(sellers.begin(), sellers.begin() + static_cast<std::ptrdiff_t>(top_sellers),
                    sellers.end(), seller_before);
  for (std::size_t i = 0; i < top_sellers; ++i) {
    const Node v = sellers[i];
    out.top_sellers.push_back(
        KpiLeader{GenealogyIndex::id_of(v), s.index.zone_name(s.index.zone(v)),
                  Decimal::from_micros(f.pv_of(v)), Decimal::from_micros(f.amount_of(v)), 0});
  }

  // Top recruiters: sponsors in the scope of the persons who joined in the campaign.
  std::unordered_map<Node, std::uint64_t> recruits;
  const NetworkTree& sponsors = s.index.tree(0);
  for (const Node v : newcomers)
    if (const Node p = sponsors.parent(v); p != internal::kNoNode && in_scope[p]) ++recruits[p];
  std::vector<std::pair<Node, std::uint64_t>> recruiters(recruits.begin(), recruits.end());
  const std::size_t top_recruiters = std::min(query.top, recruiters.size());
  std::partial_sort(recruiters.begin(),
                    recruiters.begin() + static_cast<std::ptrdiff_t>(top_recruiters),
                    recruiters.end(), [](const auto& a, const auto& b) {
                      return a.second != b.second ? a.second > b.second : a.first < b.first;
                    });
  for (std::size_t i = 0; i < top_recruiters; ++i) {
    const Node v = recruiters[i].first;
    out.top_recruiters.push_back(
        KpiLeader{GenealogyIndex::id_of(v), s.index.zone_name(s.index.zone(v)),
                  Decimal::from_micros(f.pv_of(v)), Decimal::from_micros(f.amount_of(v)),
                  recruiters[i].second});
  }

  // Re-entries: reinstated by an order, or rejoined, in the campaign.
  static constexpr std::string_view kBack[] = {"reinstated", "rejoined"};
  std::vector<PersonId> back = s.store->persons_with_events(kBack, c.starts_at, c.ends_at);
  std::sort(back.begin(), back.end());
  back.erase(std::unique(back.begin(), back.end()), back.end());
  for (const PersonId p : back)
    if (s.index.contains(p) && in_scope[GenealogyIndex::node_of(p)]) ++out.reentries;
  return out;
}

GenealogyList Company::genealogy_list(const Actor& actor, const GenealogyListQuery& query) const {
  const CompanyState& s = *state_;
  s.sync();
  std::shared_lock lock(s.index_mu);
  std::size_t k = 0;
  campaign_of(s, query.campaign, k);
  const Scope scope = scope_of(s, actor, query.root, query.network);
  const CampaignFigures f(s, k);
  const Catalogs ids(s.config);
  GenealogyList out;
  for_each_in_scope(s, scope, f, query.max_depth, [&](Node v, std::uint32_t level) {
    const std::uint32_t orders = f.orders_of(v);
    if (query.with_orders && *query.with_orders && orders == 0) return;
    if (query.with_orders && !*query.with_orders && (orders > 0 || !f.active_consultant(v))) return;
    const TrafficLight light = f.light(v);
    if (!query.lights.empty() &&
        std::find(query.lights.begin(), query.lights.end(), light) == query.lights.end())
      return;
    ++out.total;
    if (out.entries.size() >= query.limit) return;
    GenealogyListEntry e;
    e.person = GenealogyIndex::id_of(v);
    e.level = level;
    e.type = f.type_of(v);
    e.status = f.status_of(v);
    e.orders = orders;
    e.drafts = f.drafts_of(v);
    e.personal_volume = Decimal::from_micros(f.pv_of(v));
    e.amount = Decimal::from_micros(f.amount_of(v));
    e.light = light;
    e.commercial_state = catalog_id(ids.states, CampaignFigures::at(f.commercial, v));
    e.rank = catalog_id(ids.ranks, f.rank_of(v));
    e.segment = catalog_id(ids.segments, CampaignFigures::at(f.segment, v));
    out.entries.push_back(std::move(e));
  });
  return out;
}

std::vector<CommercialStateChange> Company::commercial_state_history(const Actor& actor,
                                                                     PersonId person) const {
  const CompanyState& s = *state_;
  s.sync();
  std::shared_lock lock(s.index_mu);
  internal::check_sees(s, actor, person, "person");
  const Node v = GenealogyIndex::node_of(person);
  const Catalogs ids(s.config);
  std::vector<CommercialStateChange> out;
  std::int64_t previous = 0;
  for (const Campaign& c : s.cycle.calendar.campaigns) {
    if (c.state != CampaignState::closed) break;
    const auto states = s.store->campaign_column(c.id, "states.commercial");
    if (!states) continue;
    const std::int64_t now = CampaignFigures::at(internal::decode_column(*states), v);
    if (now == previous) continue;
    CommercialStateChange change;
    change.campaign = c.id;
    change.state = catalog_id(ids.states, now);
    change.previous_state = catalog_id(ids.states, previous);
    change.effective_at = c.ends_at;
    if (auto without = s.store->campaign_column(c.id, "states.without"))
      change.campaigns_without_order =
          static_cast<std::uint32_t>(CampaignFigures::at(internal::decode_column(*without), v));
    out.push_back(std::move(change));
    previous = now;
  }
  return out;
}

DOWNLINE_END_NAMESPACE

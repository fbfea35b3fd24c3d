#include "cycle/career.hpp"

#include "cycle/columns.hpp"
#include "rules/rule_book.hpp"

#include <downline/error.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <map>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

namespace {

// Fills the derived part of a plan from its ids and requirements.
void derive(CareerPlan& plan) {
  const std::size_t n = plan.ranks.size();
  plan.cap_of.assign(n, -1);
  plan.leg_of.assign(n, -1);
  plan.streak_of.assign(n, -1);
  for (std::size_t r = 0; r < n; ++r) {
    const RankRequirements& q = plan.ranks[r];
    if (!q.configured) continue;
    if (q.max_per_leg) {
      auto it = std::find(plan.caps.begin(), plan.caps.end(), *q.max_per_leg);
      if (it == plan.caps.end()) it = plan.caps.insert(plan.caps.end(), *q.max_per_leg);
      plan.cap_of[r] = static_cast<int>(it - plan.caps.begin());
    }
    if (q.leg_rank) {
      auto it = std::find(plan.leg_ranks.begin(), plan.leg_ranks.end(), q.leg_rank);
      if (it == plan.leg_ranks.end()) it = plan.leg_ranks.insert(plan.leg_ranks.end(), q.leg_rank);
      plan.leg_of[r] = static_cast<int>(it - plan.leg_ranks.begin());
    }
    if (q.consecutive > 1) {
      plan.streak_of[r] = static_cast<int>(plan.streak_ranks.size());
      plan.streak_ranks.push_back(static_cast<std::uint8_t>(r + 1));
      plan.longest_streak = std::max(plan.longest_streak, q.consecutive);
    }
  }
}

// The requirements of rank number `r` against node v's measures; when
// `out` is given, each requirement is written to it. `streak_too` false
// leaves consecutive_campaigns out (what "qualified" means).
bool meets(const CareerPlan& plan, const CareerFigures& f, Node v, std::size_t r, bool streak_too,
           std::vector<RankRequirementResult>* out) {
  const RankRequirements& q = plan.ranks[r];
  bool all = true;
  auto note = [&](const char* what, std::int64_t actual, std::int64_t required, bool volume) {
    const bool met = actual >= required;
    all = all && met;
    if (out) {
      RankRequirementResult res;
      res.requirement = what;
      res.actual = volume ? Decimal::from_micros(actual) : Decimal::from_integer(actual);
      res.required = volume ? Decimal::from_micros(required) : Decimal::from_integer(required);
      res.met = met;
      out->push_back(std::move(res));
    }
    return met;
  };
  if (q.personal_volume) note("personal_volume", f.pv[v], *q.personal_volume, true);
  if (q.group_volume) {
    const int cap = plan.cap_of[r];
    note("group_volume", cap >= 0 ? f.capped[cap][v] : f.gv[v], *q.group_volume, true);
    if (out && q.max_per_leg) out->back().max_per_leg = Decimal::from_micros(*q.max_per_leg);
  }
  if (q.active_recruits) note("active_recruits", f.recruits[v], *q.active_recruits, false);
  if (q.leg_rank) {
    note("legs", f.legs[plan.leg_of[r]][v], q.legs, false);
    if (out) out->back().leg_rank = plan.ids[q.leg_rank - 1u];
  }
  if (streak_too && plan.streak_of[r] >= 0)
    note("consecutive_campaigns", f.streak[plan.streak_of[r]][v], q.consecutive, false);
  return all;
}

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// a + b for volumes; throws OutOfRange on overflow.
std::int64_t add(std::int64_t a, std::int64_t b) {
  if (b > 0 && a > kMax - b) throw OutOfRange("a group volume does not fit", "pv");
  return a + b;
}

}  // namespace

CareerPlan career_plan(const Config& config) {
  CareerPlan plan;
  for (const auto& r : config.rules->ranks) plan.ids.push_back(r.id);
  plan.ranks = config.career.ranks;
  plan.ranks.resize(plan.ids.size());
  derive(plan);
  return plan;
}

std::string plan_json(const CareerPlan& plan) {
  nlohmann::json ranks = nlohmann::json::array();
  for (std::size_t r = 0; r < plan.ids.size(); ++r) {
    const RankRequirements& q = plan.ranks[r];
    nlohmann::json e{{"id", plan.ids[r]}};
    if (q.configured) {
      nlohmann::json req = nlohmann::json::object();
      if (q.personal_volume) req["personal_volume"] = *q.personal_volume;
      if (q.group_volume) req["group_volume"] = *q.group_volume;
      if (q.max_per_leg) req["max_per_leg"] = *q.max_per_leg;
      if (q.active_recruits) req["active_recruits"] = *q.active_recruits;
      if (q.leg_rank) req["legs"] = {{"rank", q.leg_rank}, {"count", q.legs}};
      if (q.consecutive) req["consecutive_campaigns"] = q.consecutive;
      e["requirements"] = std::move(req);
    }
    ranks.push_back(std::move(e));
  }
  return nlohmann::json{{"ranks", std::move(ranks)}}.dump();
}

CareerPlan parse_plan_json(std::string_view text) {
  CareerPlan plan;
  try {
    const auto doc = nlohmann::json::parse(text);
    for (const auto& e : doc.at("ranks")) {
      plan.ids.push_back(e.at("id").get<std::string>());
      RankRequirements q;
      if (auto req = e.find("requirements"); req != e.end()) {
        q.configured = true;
        if (req->contains("personal_volume"))
          q.personal_volume = req->at("personal_volume").get<std::int64_t>();
        if (req->contains("group_volume"))
          q.group_volume = req->at("group_volume").get<std::int64_t>();
        if (req->contains("max_per_leg"))
          q.max_per_leg = req->at("max_per_leg").get<std::int64_t>();
        if (req->contains("active_recruits"))
          q.active_recruits = req->at("active_recruits").get<std::uint32_t>();
        if (auto legs = req->find("legs"); legs != req->end()) {
          q.leg_rank = legs->at("rank").get<std::uint8_t>();
          q.legs = legs->at("count").get<std::uint32_t>();
        }
        q.consecutive = req->value("consecutive_campaigns", 0u);
      }
      plan.ranks.push_back(q);
    }
  } catch (const nlohmann::json::exception& e) {
    throw DataLoss(std::string("a campaign's stored career plan is unreadable: ") + e.what());
  }
  for (const auto& q : plan.ranks)
    if (q.leg_rank > plan.ids.size())
      throw DataLoss("a campaign's stored career plan names an unknown rank");
  derive(plan);
  return plan;
}

CareerFigures evaluate_career(const CareerPlan& plan, const CareerInput& in) {
  const NetworkTree& t = *in.tree;
  const std::size_t n = t.size();
  if (in.pv.size() != n || in.eligible.size() != n || in.active.size() != n ||
      in.highest.size() != n)
    throw InvalidArgument("a career input does not cover the network", "pv");
  CareerFigures f;
  f.pv.assign(in.pv.begin(), in.pv.end());
  f.gv = f.pv;
  f.capped.assign(plan.caps.size(), f.pv);
  f.recruits.assign(n, 0);
  f.legs.assign(plan.leg_ranks.size(), std::vector<std::uint32_t>(n, 0));
  f.streak.assign(plan.streak_ranks.size(), std::vector<std::uint32_t>(n, 0));
  f.eligible.assign(in.eligible.begin(), in.eligible.end());
  f.qualified.assign(n, 0);
  f.paid_as.assign(n, 0);
  f.highest.assign(in.highest.begin(), in.highest.end());
  // The highest paid-as rank of each subtree, for the legs requirements.
  std::vector<std::uint8_t> best(n, 0);
  const std::size_t ranks = plan.ranks.size();
  std::vector<std::uint8_t> others(ranks + 1, 0);
  auto finish = [&](Node v) {
    if (!f.eligible[v]) return;
    std::uint8_t qualified = 0, paid = 0;
    for (std::size_t r = 0; r < ranks; ++r) {
      others[r] = plan.ranks[r].configured && meets(plan, f, v, r, false, nullptr);
      if (others[r]) qualified = static_cast<std::uint8_t>(r + 1);
    }
    for (std::size_t k = 0; k < plan.streak_ranks.size(); ++k) {
      const std::uint8_t r = plan.streak_ranks[k];
      if (!others[r - 1u]) continue;
      std::uint32_t run = 1;
      for (const auto& before : in.history) {
        if (v >= before.size() || before[v] < r) break;
        ++run;
      }
      f.streak[k][v] = run;
    }
    for (std::size_t r = 0; r < ranks; ++r)
      if (others[r] && (plan.streak_of[r] < 0 || meets(plan, f, v, r, true, nullptr)))
        paid = static_cast<std::uint8_t>(r + 1);
    f.qualified[v] = qualified;
    f.paid_as[v] = paid;
    f.highest[v] = std::max(f.highest[v], paid);
    best[v] = std::max(best[v], paid);
  };
  t.ensure_intervals();
  for (Node v = 0; v < n; ++v)
    if (!t.placed(v)) finish(v);
  for (std::size_t pos = t.preorder_size(); pos-- > 0;) {
    const auto at = static_cast<std::uint32_t>(pos);
    const Node v = t.at(at);
    finish(v);
    const Node p = t.parent_at(at);
    if (p == kNoNode) continue;
    f.gv[p] = add(f.gv[p], f.gv[v]);
    for (std::size_t k = 0; k < plan.caps.size(); ++k)
      f.capped[k][p] = add(f.capped[k][p], std::min(f.gv[v], plan.caps[k]));
    f.recruits[p] += in.active[v] ? 1u : 0u;
    for (std::size_t k = 0; k < plan.leg_ranks.size(); ++k)
      f.legs[k][p] += best[v] >= plan.leg_ranks[k] ? 1u : 0u;
    best[p] = std::max(best[p], best[v]);
  }
  return f;
}

std::vector<std::pair<std::string, std::string>> CareerFigures::columns() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.emplace_back("career.pv", encode_column(pv));
  out.emplace_back("career.gv", encode_column(gv));
  for (std::size_t k = 0; k < capped.size(); ++k)
    out.emplace_back("career.capped_gv." + std::to_string(k), encode_column(capped[k]));
  out.emplace_back("career.active_recruits", encode_column(recruits));
  for (std::size_t k = 0; k < legs.size(); ++k)
    out.emplace_back("career.legs." + std::to_string(k), encode_column(legs[k]));
  for (std::size_t k = 0; k < streak.size(); ++k)
    out.emplace_back("career.streak." + std::to_string(k), encode_column(streak[k]));
  out.emplace_back("career.eligible", encode_column(eligible));
  out.emplace_back("career.qualified", encode_column(qualified));
  out.emplace_back("career.paid_as", encode_column(paid_as));
  out.emplace_back("career.highest", encode_column(highest));
  std::sort(out.begin(), out.end());
  return out;
}

CareerFigures figures_from_columns(
    const CareerPlan& plan, const std::vector<std::pair<std::string, std::string>>& columns) {
  std::map<std::string_view, std::string_view> by_name;
  for (const auto& [name, data] : columns) by_name.emplace(name, data);
  auto column = [&](const std::string& name) {
    auto it = by_name.find(name);
    if (it == by_name.end()) throw DataLoss("a campaign's result column '" + name + "' is missing");
    return decode_column(it->second);
  };
  auto narrow = [](std::vector<std::int64_t> wide, auto& out) {
    out.assign(wide.begin(), wide.end());
  };
  CareerFigures f;
  f.pv = column("career.pv");
  f.gv = column("career.gv");
  for (std::size_t k = 0; k < plan.caps.size(); ++k)
    f.capped.push_back(column("career.capped_gv." + std::to_string(k)));
  narrow(column("career.active_recruits"), f.recruits);
  f.legs.resize(plan.leg_ranks.size());
  for (std::size_t k = 0; k < plan.leg_ranks.size(); ++k)
    narrow(column("career.legs." + std::to_string(k)), f.legs[k]);
  f.streak.resize(plan.streak_ranks.size());
  for (std::size_t k = 0; k < plan.streak_ranks.size(); ++k)
    narrow(column("career.streak." + std::to_string(k)), f.streak[k]);
  narrow(column("career.eligible"), f.eligible);
  narrow(column("career.qualified"), f.qualified);
  narrow(column("career.paid_as"), f.paid_as);
  narrow(column("career.highest"), f.highest);
  const std::size_t n = f.pv.size();
  bool same = f.gv.size() == n && f.recruits.size() == n && f.eligible.size() == n &&
              f.qualified.size() == n && f.paid_as.size() == n && f.highest.size() == n;
  for (const auto& c : f.capped) same = same && c.size() == n;
  for (const auto& c : f.legs) same = same && c.size() == n;
  for (const auto& c : f.streak) same = same && c.size() == n;
  if (!same) throw DataLoss("a campaign's result columns differ in length");
  return f;
}

RankReport explain_rank(const CareerPlan& plan, const CareerFigures& f, Node v) {
  RankReport out;
  const bool known = v < f.pv.size();
  out.evaluated = known && f.eligible[v];
  auto id = [&](std::uint8_t r) { return r ? plan.ids[r - 1u] : std::string(); };
  if (known) {
    out.paid_as = id(f.paid_as[v]);
    out.highest = id(f.highest[v]);
  }
  for (std::size_t r = 0; r < plan.ranks.size(); ++r) {
    if (!plan.ranks[r].configured) continue;
    RankEvaluation e;
    e.rank = plan.ids[r];
    if (known) e.met = meets(plan, f, v, r, true, &e.requirements) && out.evaluated;
    out.ranks.push_back(std::move(e));
  }
  return out;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

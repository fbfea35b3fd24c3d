// Ranks at a campaign's close (issue 6 §4): the career plan's sweep over the
// career network, promotions into the rank history, and the report card that
// answers "why didn't I reach Gold" from the figures the close stored.
#include "company/close.hpp"

#include "core/sha256.hpp"
#include "cycle/career.hpp"
#include "cycle/columns.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace downline {
inline namespace v0 {

using namespace internal;

namespace internal {

CareerClose close_career(const CompanyState& s, const Actor& actor, std::size_t k,
                         const CampaignTotals* totals, std::span<const Node> inactivated,
                         Instant now, CampaignSummary& out) {
  CareerClose result;
  if (!s.config.career.configured()) return result;
  const CareerPlan plan = career_plan(s.config);
  const Campaign& campaign = s.cycle.calendar.campaigns[k];
  const std::size_t n = s.index.size();
  std::vector<std::int64_t> pv(n, 0);
  std::vector<std::uint8_t> eligible(n, 0), active(n, 0), highest(n, 0);
  for (Node v = 0; v < n; ++v) {
    eligible[v] =
        s.index.type(v) == CustomerType::consultant && s.index.status(v) == Status::active;
    highest[v] = s.index.rank(v);
    if (totals && v < totals->pv.size()) {
      pv[v] = totals->pv[v];
      active[v] = eligible[v] && totals->orders[v] > 0;
    }
  }
  for (const Node v : inactivated) eligible[v] = active[v] = 0;
  CareerInput in;
  in.tree = &s.index.tree(s.config.career.network);
  in.pv = pv;
  in.eligible = eligible;
  in.active = active;
  in.highest = highest;
  for (std::size_t back = 1; back < plan.longest_streak && back <= k; ++back) {
    auto column =
        s.store->campaign_column(s.cycle.calendar.campaigns[k - back].id, "career.qualified");
    if (!column) break;
    in.history.push_back(decode_column(*column));
  }
  const CareerFigures f = evaluate_career(plan, in);
  result.columns = f.columns();
  result.columns.emplace_back("career.plan", plan_json(plan));
  std::sort(result.columns.begin(), result.columns.end());
  std::vector<std::uint64_t> counts(plan.ids.size() + 1, 0);
  for (Node v = 0; v < n; ++v) {
    ++counts[f.paid_as[v]];
    if (f.highest[v] <= highest[v]) continue;
    const PersonId person = GenealogyIndex::id_of(v);
    const std::string previous = highest[v] ? plan.ids[highest[v] - 1u] : std::string();
    const std::string rank = plan.ids[f.highest[v] - 1u];
    result.promoted.emplace_back(v, f.highest[v]);
    result.rank_rows.push_back(
        RankChangeRow{EventSeq{}, person, previous, rank, campaign.id, campaign.ends_at});
    EventRow e;
    e.kind = "rank_changed";
    e.person = person;
    e.effective_at = campaign.ends_at;
    e.recorded_at = now;
    e.actor = actor.login;
    e.reason = "campaign close";
    e.payload =
        nlohmann::json{{"rank", rank}, {"previous_rank", previous}, {"campaign", campaign.id}}
            .dump();
    result.events.push_back(std::move(e));
  }
  for (std::size_t r = 1; r < counts.size(); ++r)
    if (counts[r]) out.paid_as.emplace_back(plan.ids[r - 1], counts[r]);
  out.promotions = result.promoted.size();
  return result;
}

std::string close_digest(const std::string& summary_json,
                         const std::vector<std::pair<std::string, std::string>>& columns) {
  Sha256 h;
  h.update_int(static_cast<std::int64_t>(summary_json.size()));
  h.update(summary_json);
  for (const auto& [name, data] : columns) {
    h.update_int(static_cast<std::int64_t>(name.size()));
    h.update(name);
    h.update_int(static_cast<std::int64_t>(data.size()));
    h.update(data);
  }
  return h.hex();
}

}  // namespace internal

RankReport Company::rank_report(const Actor& actor, PersonId person,
                                std::string_view campaign) const {
  const CompanyState& s = *state_;
  s.sync();
  {
    std::shared_lock lock(s.index_mu);
    check_sees(s, actor, person, "person");
    const Campaign* c = s.cycle.calendar.find(campaign);
    if (!c) throw NotFound("unknown campaign '" + std::string(campaign) + "'", "campaign");
    if (c->state == CampaignState::open)
      throw FailedPrecondition("campaign '" + c->id +
                                   "' is neither closed nor pre-calculated: ranks are decided "
                                   "at the close",
                               "campaign");
  }
  const auto columns = s.store->campaign_columns(campaign);
  auto plan_at = std::find_if(columns.begin(), columns.end(),
                              [](const auto& c) { return c.first == "career.plan"; });
  if (plan_at == columns.end())
    throw FailedPrecondition("campaign '" + std::string(campaign) +
                                 "' closed without a career plan (no rank had requirements)",
                             "campaign");
  const CareerPlan plan = parse_plan_json(plan_at->second);
  const CareerFigures f = figures_from_columns(plan, columns);
  RankReport out = explain_rank(plan, f, GenealogyIndex::node_of(person));
  out.person = person;
  out.campaign = std::string(campaign);
  return out;
}

std::string RankReport::text() const {
  std::string out = "Rank report of person " + std::to_string(person.value()) + ", campaign " +
                    campaign + ": paid as " + (paid_as.empty() ? "no rank" : paid_as) +
                    ", highest " + (highest.empty() ? "no rank" : highest) +
                    (evaluated ? "" : " (not evaluated: not an active consultant at the close)") +
                    "\n";
  for (const RankEvaluation& e : ranks) {
    out += std::string("  [") + (e.met ? "x" : " ") + "] " + e.rank + "\n";
    for (const RankRequirementResult& r : e.requirements) {
      out += std::string("      [") + (r.met ? "x" : " ") + "] " + r.requirement + "  " +
             r.actual.to_string() + " of " + r.required.to_string();
      if (r.max_per_leg) out += " (at most " + r.max_per_leg->to_string() + " per leg)";
      if (!r.leg_rank.empty()) out += " holding " + r.leg_rank;
      out += "\n";
    }
  }
  return out;
}

}  // namespace v0
}  // namespace downline

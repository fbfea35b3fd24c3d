#include "cli/campaign.hpp"

#include "cli/progress.hpp"

#include <downline/downline.hpp>

#include <iomanip>
#include <iostream>

namespace downline::cli {

namespace {

const Actor& cli_actor() {
  static const Actor actor = Actor::staff("cli", {"admin"});
  return actor;
}

// One "  label      value" line of a summary table.
template <typename Value>
void print_row(std::ostream& out, int width, const std::string& label, const Value& value) {
  out << "  " << std::left << std::setw(width) << label << std::right << value << "\n";
}

}  // namespace

int run_campaign_list(const CampaignOptions& options) {
  const Company company = open_existing(options.db, company_config(options.config_path));
  const std::vector<Campaign> list = company.campaigns();
  if (options.json) {
    std::cout << json::to_json(list) << "\n" << std::flush;
    return 0;
  }
  std::cout << "id                    start       end         state\n";
  for (const Campaign& c : list)
    std::cout << std::left << std::setw(21) << c.id << " " << c.start.to_string() << "  "
              << c.end.to_string() << "  " << to_string(c.state) << "\n";
  std::cout << std::flush;
  return 0;
}

int run_campaign_close(const CampaignOptions& options) {
  Company company = open_existing(options.db, company_config(options.config_path));
  ProgressBar bar(options.progress,
                  (options.precalculate ? "pre-calculating " : "closing ") + options.campaign);
  const auto progress = [&bar](std::size_t done, std::size_t total) { bar.update(done, total); };
  const CampaignSummary s = options.precalculate
                                ? company.precalculate(cli_actor(), options.campaign, progress)
                                : company.close_campaign(cli_actor(), options.campaign, progress);
  if (options.json) {
    std::cout << json::to_json(s) << "\n" << std::flush;
    return 0;
  }
  const auto row = [](const std::string& label, const auto& value) {
    print_row(std::cout, 22, label, value);
  };
  std::cout << "campaign " << s.campaign
            << (s.pre_calculated   ? " pre-calculated (nothing changed: close it to apply)"
                : s.already_closed ? " (closed before: nothing changed)"
                                   : " closed")
            << " at " << s.closed_at.to_rfc3339() << "\n";
  row("orders", s.orders);
  row("persons with orders", s.persons_with_orders);
  row("drafts left", s.drafts);
  row("volume", s.volume.to_string(2));
  row("amount", s.amount.to_string(2));
  for (const auto& [state, n] : s.commercial_states) row("state " + state, n);
  row("state changes", s.state_changes);
  row("inactivated", s.inactivated);
  for (const auto& [rank, n] : s.paid_as) row("paid as " + rank, n);
  row("promotions", s.promotions);
  for (const auto& [segment, n] : s.segments) row("segment " + segment, n);
  row("digest", s.digest);
  std::cout << std::flush;
  return 0;
}

void print_kpis(std::ostream& out, const CampaignKpis& k) {
  const auto row = [&out](const std::string& label, const auto& value) {
    print_row(out, 26, label, value);
  };
  out << "KPIs of " << k.campaign << (k.closed ? " (closed)" : " (open)") << ", "
      << (k.root ? "the network of person " + std::to_string(k.root.value())
                 : std::string("the whole company"))
      << "\n";
  row("persons", k.persons);
  row("consultants", k.consultants);
  row("customers", k.customers);
  row("active consultants", k.active);
  row("inactive consultants", k.inactive);
  row("new consultants", k.new_consultants);
  row("new customers", k.new_customers);
  row("re-entries", k.reentries);
  row("active with an order", k.with_orders);
  row("active without an order", k.without_orders);
  row("orders", k.orders);
  row("persons with a draft", k.with_drafts);
  if (k.root) row("personal volume", k.personal_volume.to_string(2));
  row("group volume", k.group_volume.to_string(2));
  row("amount", k.amount.to_string(2));
  for (const auto& [light, n] : k.traffic_lights) row("traffic light " + light, n);
  for (const auto& [rank, n] : k.ranks) row("rank " + rank, n);
  for (const auto& [state, n] : k.commercial_states) row("state " + state, n);
  for (const auto& [segment, n] : k.segments) row("segment " + segment, n);
  out << "  level    persons  consultants  active  with orders        volume\n";
  for (const KpiLevel& l : k.levels)
    out << "  " << std::setw(5) << l.level << std::setw(11) << l.persons << std::setw(13)
        << l.consultants << std::setw(8) << l.active << std::setw(13) << l.with_orders
        << std::setw(14) << l.volume.to_string(2) << "\n";
  if (!k.top_sellers.empty()) out << "  top sellers (person, zone, volume)\n";
  for (const KpiLeader& l : k.top_sellers)
    out << "    " << std::setw(10) << l.person.value() << "  " << std::left << std::setw(12)
        << (l.zone.empty() ? "-" : l.zone) << std::right << std::setw(14) << l.volume.to_string(2)
        << "\n";
  if (!k.top_recruiters.empty()) out << "  top recruiters (person, recruits)\n";
  for (const KpiLeader& l : k.top_recruiters)
    out << "    " << std::setw(10) << l.person.value() << std::setw(10) << l.recruits << "\n";
  out << std::flush;
}

int run_campaign_kpis(const CampaignOptions& options) {
  const Company company = open_existing(options.db, company_config(options.config_path));
  KpiQuery q;
  q.campaign = options.campaign;
  if (!options.person.empty()) q.root = resolve_person(company, cli_actor(), options.person);
  const CampaignKpis k = company.kpis(cli_actor(), q);
  if (options.json)
    std::cout << json::to_json(k) << "\n" << std::flush;
  else
    print_kpis(std::cout, k);
  return 0;
}

int run_campaign_calls(const CampaignOptions& options) {
  const Company company = open_existing(options.db, company_config(options.config_path));
  GenealogyListQuery q;
  q.campaign = options.campaign;
  q.with_orders = false;
  q.limit = options.limit;
  if (!options.person.empty()) q.root = resolve_person(company, cli_actor(), options.person);
  const GenealogyList list = company.genealogy_list(cli_actor(), q);
  if (options.json) {
    std::cout << json::to_json(list) << "\n" << std::flush;
    return 0;
  }
  std::cout << list.total << " active consultants without an order in " << options.campaign
            << (list.entries.size() < list.total
                    ? " (the first " + std::to_string(list.entries.size()) + ")"
                    : std::string())
            << "\n    person  level  drafts  light   state\n";
  for (const GenealogyListEntry& e : list.entries)
    std::cout << std::setw(10) << e.person.value() << std::setw(7) << e.level << std::setw(8)
              << e.drafts << "  " << std::left << std::setw(7) << to_string(e.light) << " "
              << e.commercial_state << std::right << "\n";
  std::cout << std::flush;
  return 0;
}

int run_campaign_rank(const CampaignOptions& options) {
  const Company company = open_existing(options.db, company_config(options.config_path));
  const PersonId person = resolve_person(company, cli_actor(), options.person);
  const RankReport report = company.rank_report(cli_actor(), person, options.campaign);
  std::cout << (options.json ? json::to_json(report) + "\n" : report.text()) << std::flush;
  return 0;
}

}  // namespace downline::cli

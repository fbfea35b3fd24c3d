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
  ProgressBar bar(options.progress, "closing " + options.campaign);
  const CampaignSummary s = company.close_campaign(
      cli_actor(), options.campaign,
      [&bar](std::size_t done, std::size_t total) { bar.update(done, total); });
  if (options.json) {
    std::cout << json::to_json(s) << "\n" << std::flush;
    return 0;
  }
  auto row = [](const std::string& label, const auto& value) {
    std::cout << "  " << std::left << std::setw(22) << label << std::right << value << "\n";
  };
  std::cout << "campaign " << s.campaign
            << (s.already_closed ? " (closed before: nothing changed)" : " closed") << " at "
            << s.closed_at.to_rfc3339() << "\n";
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
  row("digest", s.digest);
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

// The `downline campaign` commands: list the calendar, close a campaign
// (pre-calculation, commercial states, ranks, digest in one transaction) and
// print a person's rank report card, the KPIs and the consultants to call.
#pragma once

#include "cli/demo.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>

namespace downline::cli {

struct CampaignOptions {
  std::string db = DemoOptions{}.db;  ///< the SQLite file; the demo's by default
  std::string config_path;            ///< empty: the sample configuration built in
  std::string campaign;               ///< close, rank: the campaign's id
  std::string person;                 ///< rank, kpis, calls: a person id, or ext:ID
  std::uint64_t limit = 50;           ///< calls: the most persons printed
  bool json = false;                  ///< print JSON instead of a table
  bool progress = true;               ///< draw the progress bar (close)
  bool precalculate = false;          ///< close: pre-calculate instead
};

/// Prints the calendar: id, local dates, state (or a JSON array); returns 0.
/// Throws downline::Error: NotFound (no such file), and what opening throws.
int run_campaign_list(const CampaignOptions& options);

/// Closes (or, with `precalculate`, pre-calculates) the campaign as the
/// staff actor "cli" and prints its summary as a table (or JSON); returns 0, also when it was
/// closed already. Throws downline::Error: NotFound (file, campaign), FailedPrecondition, and what
/// opening throws.
int run_campaign_close(const CampaignOptions& options);

/// Prints a campaign's KPIs (as a table) to `out`; never fails.
void print_kpis(std::ostream& out, const CampaignKpis& kpis);

/// Prints the KPIs of a campaign for the company or a person's network (or
/// their JSON); returns 0. Throws downline::Error: NotFound (file, person,
/// campaign), InvalidArgument (a bad person), and what opening throws.
int run_campaign_kpis(const CampaignOptions& options);

/// Prints the active consultants without an order in a campaign, the
/// opportunity list (or its JSON); returns 0. Throws like run_campaign_kpis.
int run_campaign_calls(const CampaignOptions& options);

/// Prints a person's rank report card for a closed campaign (or its JSON);
/// returns 0. Throws downline::Error: NotFound (file, person, campaign),
/// FailedPrecondition (not closed), InvalidArgument (a bad person).
int run_campaign_rank(const CampaignOptions& options);

}  // namespace downline::cli

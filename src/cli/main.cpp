// The downline command line.
#include <downline/downline.hpp>

#include "cli/campaign.hpp"
#include "cli/demo.hpp"
#include "cli/import.hpp"
#include "cli/rules.hpp"
#include "cli/statuses.hpp"
#include "cli/tree.hpp"
#include "cli/verify.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  CLI::App app{"downline — enrollment and genealogy of a direct-selling company"};
  app.set_version_flag("--version", std::string(downline::version()));
  app.require_subcommand(1);

  downline::cli::DemoOptions demo;
  auto* cmd = app.add_subcommand("demo",
                                 "create a demo company in a SQLite file, enroll a realistic "
                                 "sponsor tree, reopen it and print the network's figures");
  cmd->add_option("--db", demo.db, "SQLite file to create (replaced if it exists)")
      ->capture_default_str();
  cmd->add_option("-n,--persons", demo.persons, "persons to enroll")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{50'000'000}));
  cmd->add_option("--config", demo.config_path,
                  "company configuration JSON (default: the sample in examples/)");
  cmd->add_option("--seed", demo.seed, "random seed of the tree")->capture_default_str();
  bool no_progress = false;
  cmd->add_flag("--no-progress", no_progress, "do not draw the progress bar");

  auto* rules = app.add_subcommand("rules", "unit-test and evaluate business rules");
  rules->require_subcommand(1);
  downline::cli::RulesTestOptions test;
  auto* rules_test = rules->add_subcommand(
      "test", "run rule unit cases (facts + expected decisions); exit 1 with a diff on mismatch");
  rules_test->add_option("RULES", test.rules_path, "rules document or company configuration")
      ->required();
  rules_test->add_option("CASES", test.cases_path, "cases document")->required();
  rules_test->add_flag("--json", test.json, "print the report as JSON");
  downline::cli::RulesEvalOptions eval;
  auto* rules_eval =
      rules->add_subcommand("eval", "evaluate the rules of a trigger on facts; print decisions");
  rules_eval->add_option("RULES", eval.rules_path, "rules document or company configuration")
      ->required();
  rules_eval->add_option("FACTS", eval.facts_path, "facts JSON")->required();
  rules_eval
      ->add_option("--trigger", eval.trigger, "enrollment, order_state_changed, campaign_close")
      ->required();
  rules_eval->add_option("--at", eval.at, "RFC 3339 instant of the evaluation (default: now)");
  rules_eval->add_flag("--trace", eval.trace, "include every condition with the values it saw");

  downline::cli::TreeOptions tree;
  auto* tree_cmd = app.add_subcommand(
      "tree", "write a person and their downline as nested JSON, CSV or Graphviz DOT");
  tree_cmd->add_option("PERSON", tree.person, "a person id, or ext:ID for an external id")
      ->required();
  tree_cmd->add_option("--db", tree.db, "SQLite file of the company")->capture_default_str();
  tree_cmd->add_option("--config", tree.config_path,
                       "company configuration JSON (default: the sample the demo uses)");
  tree_cmd->add_option("--network", tree.network, "network to follow")->capture_default_str();
  tree_cmd->add_option("--depth", tree.depth,
                       "deepest relative level written: 0 the person alone, 1 their direct "
                       "recruits (default: all)");
  tree_cmd->add_option("--format", tree.format, "json, csv or dot")->capture_default_str();
  tree_cmd->add_option("-o,--output", tree.output, "file to write (default: standard output)");

  downline::cli::VerifyOptions verify;
  auto* verify_cmd = app.add_subcommand(
      "verify", "check the genealogy's invariants and the index against the stored rows");
  verify_cmd->add_option("--db", verify.db, "SQLite file of the company")->capture_default_str();
  verify_cmd->add_option("--config", verify.config_path,
                         "company configuration JSON (default: the sample the demo uses)");
  verify_cmd->add_flag("--json", verify.json, "print the report as JSON");

  downline::cli::ImportCommandOptions import;
  auto* import_cmd = app.add_subcommand(
      "import",
      "enroll the rows of a CSV file (a header names each column's field); print "
      "the rows rejected and why; a second run adds nothing");
  import_cmd->add_option("CSV", import.csv_path, "the file to import")->required();
  import_cmd->add_option("--db", import.db, "SQLite file of the company (created if missing)")
      ->capture_default_str();
  import_cmd->add_option("--config", import.config_path,
                         "company configuration JSON (default: the sample the demo uses)");
  import_cmd->add_option("--channel", import.channel, "the channel the rows come through")
      ->capture_default_str();
  import_cmd->add_option("--batch-size", import.batch_size, "rows committed together")
      ->capture_default_str();
  import_cmd->add_option("--delimiter", import.delimiter, "the cell separator")
      ->capture_default_str();
  std::vector<std::string> maps;
  import_cmd->add_option("--map", maps, "FROM=TO: the header FROM names the field TO (repeat)");
  import_cmd->add_option("--report", import.report_path,
                         "write the whole report (every rejected row) as JSON here");
  import_cmd->add_option("--show", import.show, "rejected rows printed")->capture_default_str();
  bool import_no_progress = false;
  import_cmd->add_flag("--no-progress", import_no_progress, "do not draw the progress bar");

  downline::cli::StatusesCommandOptions statuses;
  auto* statuses_cmd = app.add_subcommand(
      "statuses",
      "force the statuses and VIP flags a CSV file gives (external_id or person, "
      "and status, vip, reason), row by row; print the rows rejected and why");
  statuses_cmd->add_option("CSV", statuses.csv_path, "the file of changes")->required();
  statuses_cmd->add_option("--db", statuses.db, "SQLite file of the company")
      ->capture_default_str();
  statuses_cmd->add_option("--config", statuses.config_path,
                           "company configuration JSON (default: the sample the demo uses)");
  statuses_cmd->add_option("--status", statuses.status, "the status of rows without one")
      ->capture_default_str();
  statuses_cmd->add_option("--reason", statuses.reason, "recorded in the events");
  statuses_cmd->add_option("--show", statuses.show, "rejected rows printed")->capture_default_str();

  downline::cli::CampaignOptions campaign;
  auto* campaign_cmd = app.add_subcommand("campaign", "the commercial cycle's campaigns");
  campaign_cmd->require_subcommand(1);
  auto common = [&campaign](CLI::App* sub) {
    sub->add_option("--db", campaign.db, "SQLite file of the company")->capture_default_str();
    sub->add_option("--config", campaign.config_path,
                    "company configuration JSON (default: the sample the demo uses)");
    sub->add_flag("--json", campaign.json, "print JSON");
  };
  auto* campaign_list = campaign_cmd->add_subcommand("list", "print the calendar");
  common(campaign_list);
  auto* campaign_close = campaign_cmd->add_subcommand(
      "close",
      "close a campaign that has ended: commercial states, ranks and their explanations, the "
      "result digest, in one transaction; print the summary");
  campaign_close->add_option("ID", campaign.campaign, "the campaign")->required();
  common(campaign_close);
  bool campaign_no_progress = false;
  campaign_close->add_flag("--no-progress", campaign_no_progress, "do not draw the progress bar");
  auto* campaign_precalculate = campaign_cmd->add_subcommand(
      "precalculate",
      "pre-calculate a campaign: the close's figures, states, ranks and segments as they would be "
      "now, without changing anyone");
  campaign_precalculate->add_option("ID", campaign.campaign, "the campaign")->required();
  common(campaign_precalculate);
  campaign_precalculate->add_flag("--no-progress", campaign_no_progress,
                                  "do not draw the progress bar");
  auto* campaign_rank = campaign_cmd->add_subcommand(
      "rank", "print a person's rank report card for a closed campaign");
  campaign_rank->add_option("ID", campaign.campaign, "the campaign")->required();
  campaign_rank->add_option("PERSON", campaign.person, "a person id, or ext:ID")->required();
  common(campaign_rank);
  auto* campaign_kpis = campaign_cmd->add_subcommand(
      "kpis", "print a campaign's KPIs for the company or a person's network");
  campaign_kpis->add_option("ID", campaign.campaign, "the campaign")->required();
  campaign_kpis->add_option("--root", campaign.person, "a person id, or ext:ID: their network");
  common(campaign_kpis);
  auto* campaign_calls = campaign_cmd->add_subcommand(
      "calls", "list the active consultants without an order in a campaign");
  campaign_calls->add_option("ID", campaign.campaign, "the campaign")->required();
  campaign_calls->add_option("--root", campaign.person, "a person id, or ext:ID: their network");
  campaign_calls->add_option("--limit", campaign.limit, "the most persons printed")
      ->capture_default_str();
  common(campaign_calls);

  CLI11_PARSE(app, argc, argv);
  campaign.progress = !campaign_no_progress && isatty(STDERR_FILENO);
  import.progress = !import_no_progress && isatty(STDERR_FILENO);
  demo.progress = !no_progress && isatty(STDERR_FILENO);
  // Exit status: 0 done, 1 a rule test failed, verify found violations or an
  // import (or a file of statuses) had rows rejected, 2 an error.
  try {
    if (cmd->parsed()) return downline::cli::run_demo(demo);
    if (rules_test->parsed()) return downline::cli::run_rules_test(test);
    if (rules_eval->parsed()) return downline::cli::run_rules_eval(eval);
    if (tree_cmd->parsed()) return downline::cli::run_tree(tree);
    if (verify_cmd->parsed()) return downline::cli::run_verify(verify);
    if (statuses_cmd->parsed()) return downline::cli::run_statuses(statuses);
    if (campaign_list->parsed()) return downline::cli::run_campaign_list(campaign);
    if (campaign_close->parsed()) return downline::cli::run_campaign_close(campaign);
    if (campaign_precalculate->parsed()) {
      campaign.precalculate = true;
      return downline::cli::run_campaign_close(campaign);
    }
    if (campaign_rank->parsed()) return downline::cli::run_campaign_rank(campaign);
    if (campaign_kpis->parsed()) return downline::cli::run_campaign_kpis(campaign);
    if (campaign_calls->parsed()) return downline::cli::run_campaign_calls(campaign);
    if (import_cmd->parsed()) {
      for (const std::string& m : maps) {
        const std::size_t eq = m.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == m.size())
          throw downline::InvalidArgument("--map takes FROM=TO, not '" + m + "'", "--map");
        import.columns[m.substr(0, eq)] = m.substr(eq + 1);
      }
      return downline::cli::run_import(import);
    }
  } catch (const downline::Error& e) {
    std::cerr << "downline: " << downline::code_name(e.code()) << ": " << e.what()
              << (e.field().empty() ? "" : " (field " + e.field() + ")") << "\n";
    return 2;
  }
  return 0;
}

// The downline command line.
#include <downline/downline.hpp>

#include "cli/demo.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>
#include <iostream>

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

  CLI11_PARSE(app, argc, argv);
  demo.progress = !no_progress && isatty(STDERR_FILENO);
  try {
    if (cmd->parsed()) return downline::cli::run_demo(demo);
  } catch (const downline::Error& e) {
    std::cerr << "downline: " << downline::code_name(e.code()) << ": " << e.what()
              << (e.field().empty() ? "" : " (field " + e.field() + ")") << "\n";
    return 1;
  }
  return 0;
}

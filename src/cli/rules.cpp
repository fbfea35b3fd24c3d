#include "cli/rules.hpp"

#include <downline/downline.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

namespace downline::cli {
namespace {

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NotFound(std::string("cannot read the ") + what + " file '" + path + "'", what);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Errors inside a file name the file too.
template <typename Fn>
auto in_file(const std::string& path, Fn&& fn) {
  try {
    return fn();
  } catch (const Error& e) {
    throw_error(e.code(), path + ": " + e.what(), e.field());
  }
}

}  // namespace

int run_rules_test(const RulesTestOptions& options) {
  const RuleBook book = in_file(
      options.rules_path, [&] { return RuleBook::load(read_file(options.rules_path, "rules")); });
  const RuleTestReport report = in_file(
      options.cases_path, [&] { return book.test(read_file(options.cases_path, "cases")); });
  if (options.json) {
    std::cout << json::to_json(report) << '\n';
  } else {
    std::cout << report.text();
  }
  return report.passed() ? 0 : 1;
}

int run_rules_eval(const RulesEvalOptions& options) {
  const RuleBook book = in_file(
      options.rules_path, [&] { return RuleBook::load(read_file(options.rules_path, "rules")); });
  const auto trigger = parse_trigger(options.trigger);
  if (!trigger) {
    throw InvalidArgument("unknown trigger '" + options.trigger +
                              "' (enrollment, order_state_changed, campaign_close)",
                          "--trigger");
  }
  const Instant at = options.at.empty() ? SystemClock().now() : Instant::parse_rfc3339(options.at);
  const RuleEvaluation evaluation = in_file(options.facts_path, [&] {
    return book.evaluate(*trigger, read_file(options.facts_path, "facts"), at, options.trace);
  });
  std::cout << json::to_json(evaluation) << '\n';
  return 0;
}

}  // namespace downline::cli

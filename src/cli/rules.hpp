// `downline rules test` and `downline rules eval`.
#pragma once

#include <string>

namespace downline::cli {

struct RulesTestOptions {
  std::string rules_path;
  std::string cases_path;
  bool json = false;
};

struct RulesEvalOptions {
  std::string rules_path;
  std::string facts_path;
  std::string trigger;
  std::string at;  ///< RFC 3339; now when empty
  bool trace = false;
};

/// Runs the cases against the rules and prints the report; returns 0 when
/// every case passed, 1 otherwise. Throws downline::Error for unreadable or
/// malformed files.
int run_rules_test(const RulesTestOptions& options);

/// Evaluates one set of facts and prints the decisions (and trace) as JSON;
/// returns 0. Throws downline::Error for bad input.
int run_rules_eval(const RulesEvalOptions& options);

}  // namespace downline::cli

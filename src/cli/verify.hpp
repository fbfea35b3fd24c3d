// The `downline verify` command: the genealogy invariant checker
// (Company::verify) on a company's SQLite file.
#pragma once

#include "cli/demo.hpp"

#include <string>

namespace downline::cli {

struct VerifyOptions {
  std::string db = DemoOptions{}.db;  ///< the SQLite file; the demo's by default
  std::string config_path;            ///< empty: the sample configuration built in
  bool json = false;                  ///< print the report as JSON
};

/// Opens sqlite:<db> as the admin staff actor "cli", runs Company::verify
/// and prints "ok: N persons, M networks, 0 violations", or each violation
/// and a summary (or the JSON report with --json); returns 0 when there is
/// no violation, 1 otherwise. Throws downline::Error: NotFound (no such
/// file), Unavailable, and whatever opening the company throws.
int run_verify(const VerifyOptions& options);

}  // namespace downline::cli

// The `downline statuses` command: forced activation and inactivation from
// a CSV file (Company::change_statuses_csv_file), mass forced deactivation
// in seed 004 §7.2.2.2.
#pragma once

#include "cli/demo.hpp"

#include <cstddef>
#include <string>

namespace downline::cli {

struct StatusesCommandOptions {
  std::string csv_path;               ///< the file of changes
  std::string db = DemoOptions{}.db;  ///< the company's SQLite file
  std::string config_path;            ///< empty: the sample configuration built in
  std::string status = "inactive";    ///< the status of rows without one
  std::string reason;                 ///< recorded in the events of rows without one
  std::size_t show = 20;              ///< rejected rows printed
};

/// Applies the file as the admin staff actor "cli" and prints a summary and
/// the first rejected rows; returns 0 when no row was rejected, 1
/// otherwise. Throws downline::Error: NotFound (no such database or file),
/// InvalidArgument (a bad header or status), and what opening the company
/// throws.
int run_statuses(const StatusesCommandOptions& options);

}  // namespace downline::cli

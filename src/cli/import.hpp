// The `downline import` command: enrollment from a CSV file
// (Company::import_csv_file) into a company's SQLite file.
#pragma once

#include "cli/demo.hpp"

#include <cstddef>
#include <downline/enrollment.hpp>

#include <map>
#include <string>
#include <vector>

namespace downline::cli {

struct ImportCommandOptions {
  std::string csv_path;               ///< the file to import
  std::string db = DemoOptions{}.db;  ///< the SQLite file; created when missing
  std::string config_path;            ///< empty: the sample configuration built in
  std::string channel = "file";       ///< the channel the rows come through
  std::size_t batch_size = 10000;
  std::string delimiter = ",";
  std::map<std::string, std::string> columns;  ///< header → field, from --map FROM=TO
  std::string report_path;                     ///< where the JSON report goes (optional)
  std::size_t show = 20;                       ///< rejected rows printed
  bool progress = true;
};

/// Imports the file as the admin staff actor "cli", printing progress, a
/// summary and the first rejected rows (all of them in the --report JSON);
/// returns 0 when every row was enrolled or already was, 1 when some were
/// rejected. Throws downline::Error: InvalidArgument (a bad header, option
/// or delimiter), NotFound (no such file), and what opening the company
/// throws.
int run_import(const ImportCommandOptions& options);

/// Prints the first `show` rejected rows, a line each with every finding,
/// then how many more there are (and `hint` after that count). Never fails.
void print_rejected(const std::vector<RejectedRow>& rows, std::size_t show,
                    const std::string& hint = "");

}  // namespace downline::cli

// The `downline tree` command: a person and their downline as JSON, CSV or
// Graphviz DOT.
#pragma once

#include "cli/demo.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace downline::cli {

struct TreeOptions {
  std::string person;                  ///< a numeric id, or "ext:" + an external id
  std::string db = DemoOptions{}.db;   ///< the SQLite file; the demo's by default
  std::string config_path;             ///< empty: the sample configuration built in
  std::string network = "sponsor";     ///< the network followed
  std::optional<std::uint32_t> depth;  ///< deepest relative level; none = all
  std::string format = "json";         ///< json, csv or dot
  std::string output;                  ///< the file written; empty = standard output
};

/// Opens sqlite:<db> as the admin staff actor "cli" and writes the person's
/// subtree (Company::export_tree); returns 0. Throws downline::Error:
/// NotFound (no such file, person or network), InvalidArgument (a malformed
/// PERSON or --format, an unwritable --output), and whatever opening the
/// company throws.
int run_tree(const TreeOptions& options);

}  // namespace downline::cli

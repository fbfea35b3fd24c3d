// The `downline demo` command: the library's main job, end to end.
#pragma once

#include <cstdint>
#include <string>

namespace downline::cli {

struct DemoOptions {
  std::string db = "downline-demo.db";
  std::string config_path;  // empty: the sample configuration built in
  std::uint64_t persons = 100000;
  std::uint64_t seed = 2026;
  bool progress = true;
};

/// Creates the demo company, enrolls, reopens and prints the figures.
/// Returns the process exit code.
int run_demo(const DemoOptions& options);

/// The sample company configuration (examples/demo-company.json) compiled
/// into the command: the one the demo uses when given no --config. Never
/// fails; a static string.
const char* sample_config();

/// The company configuration a command runs with: the file at `path`, or
/// the sample when `path` is empty. Throws NotFound (field "--config") when
/// the file cannot be read.
std::string company_config(const std::string& path);

}  // namespace downline::cli

// The `downline demo` command: the library's main job, end to end.
#pragma once

#include <downline/downline.hpp>

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

/// Opens the company in the SQLite file `db` with `config`. Throws NotFound
/// (field "--db") when the file does not exist — opening a missing file
/// would create an empty company — and what Company::open throws.
Company open_existing(const std::string& db, const std::string& config);

/// "42", or "ext:A-17" for the person with that external id. Throws
/// NotFound (an unknown external id) or InvalidArgument, both on field `field`.
PersonId resolve_person(const Company& company, const Actor& actor, const std::string& text,
                        const char* field = "PERSON");

}  // namespace downline::cli

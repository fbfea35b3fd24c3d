#include "cli/verify.hpp"

#include <downline/downline.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace downline::cli {

int run_verify(const VerifyOptions& options) {
  // Opening a missing file would create an empty company.
  if (!std::filesystem::exists(options.db)) {
    throw NotFound("no company database '" + options.db +
                       "'; create one with `downline demo --db " + options.db + "`",
                   "--db");
  }
  const std::string config = company_config(options.config_path);
  const Company company = Company::open("sqlite:" + options.db, config);
  const Actor actor = Actor::staff("cli", {"admin"});
  const VerifyReport report = company.verify(actor);
  if (options.json) {
    std::cout << json::to_json(report) << "\n" << std::flush;
    return report.ok ? 0 : 1;
  }
  for (const InvariantViolation& v : report.violations) {
    std::cout << v.rule;
    if (!v.network.empty()) std::cout << " [" << v.network << "]";
    if (v.person) std::cout << " person " << v.person.value();
    std::cout << ": " << v.message << "\n";
  }
  std::cout << (report.ok ? "ok: " : "FAILED: ") << report.persons << " persons, "
            << company.networks().size() << " networks, " << report.violations.size()
            << (report.violations.size() == 1 ? " violation" : " violations") << "\n"
            << std::flush;
  return report.ok ? 0 : 1;
}

}  // namespace downline::cli

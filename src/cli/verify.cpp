#include "cli/verify.hpp"

#include <downline/downline.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace downline::cli {

int run_verify(const VerifyOptions& options) {
  const Company company = open_existing(options.db, company_config(options.config_path));
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

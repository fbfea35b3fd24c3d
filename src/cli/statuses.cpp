#include "cli/statuses.hpp"

#include "cli/import.hpp"

#include <downline/downline.hpp>

#include <filesystem>
#include <iostream>

namespace downline::cli {

int run_statuses(const StatusesCommandOptions& options) {
  // Opening a missing file would create an empty company.
  if (!std::filesystem::exists(options.db))
    throw NotFound("no company database '" + options.db + "'", "--db");
  StatusFileOptions o;
  const auto status = parse_status(options.status);
  if (!status) throw InvalidArgument("'" + options.status + "' is not a status", "--status");
  o.status = *status;
  o.reason = options.reason;
  Company company = Company::open("sqlite:" + options.db, company_config(options.config_path));
  const StatusFileReport report =
      company.change_statuses_csv_file(Actor::staff("cli", {"admin"}), options.csv_path, o);
  std::cout << "read " << report.rows << " rows: " << report.changed << " changed, "
            << report.unchanged << " unchanged, " << report.rejected.size() << " rejected\n";
  print_rejected(report.rejected, options.show);
  return report.rejected.empty() ? 0 : 1;
}

}  // namespace downline::cli

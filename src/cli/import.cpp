#include "cli/import.hpp"

#include <downline/downline.hpp>

#include "cli/progress.hpp"

#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace downline::cli {

void print_rejected(const std::vector<RejectedRow>& rows, std::size_t show,
                    const std::string& hint) {
  for (std::size_t i = 0; i < rows.size() && i < show; ++i) {
    const RejectedRow& r = rows[i];
    std::cout << "  line " << r.line;
    if (!r.external_id.empty()) std::cout << " (" << r.external_id << ")";
    for (const Finding& f : r.findings)
      std::cout << (&f == &r.findings.front() ? ": " : "; ") << f.reason << " " << f.field << ": "
                << f.message;
    std::cout << "\n";
  }
  if (rows.size() > show)
    std::cout << "  ... and " << rows.size() - show << " more" << hint << "\n";
  std::cout << std::flush;
}

int run_import(const ImportCommandOptions& options) {
  if (options.delimiter.size() != 1)
    throw InvalidArgument("the delimiter is one character, not '" + options.delimiter + "'",
                          "--delimiter");
  const std::string config = company_config(options.config_path);
  Company company = Company::open("sqlite:" + options.db, config);
  const Actor actor = Actor::staff("cli", {"admin"});
  ImportOptions o;
  o.channel = options.channel;
  o.batch_size = options.batch_size;
  o.delimiter = options.delimiter[0];
  o.columns = options.columns;
  ProgressBar bar(options.progress, "importing", " B");
  const auto start = std::chrono::steady_clock::now();
  const ImportReport report = company.import_csv_file(
      actor, options.csv_path, o,
      [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!options.report_path.empty()) {
    std::ofstream out(options.report_path, std::ios::binary);
    if (!out) throw NotFound("cannot write the report '" + options.report_path + "'", "--report");
    out << json::to_json(report) << "\n";
  }
  std::cout << "read " << report.rows << " rows in " << std::fixed << std::setprecision(1)
            << seconds << " s: " << report.enrolled << " enrolled, " << report.existing
            << " already enrolled, " << report.rejected.size() << " rejected\n";
  print_rejected(report.rejected, options.show,
                 options.report_path.empty() ? " (--report FILE writes them all)" : "");
  return report.rejected.empty() ? 0 : 1;
}

}  // namespace downline::cli

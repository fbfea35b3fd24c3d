#include "cli/demo.hpp"

#include "cli/campaign.hpp"

#include "cli/progress.hpp"

#include <downline/downline.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <random>
#include <sstream>

namespace downline::cli {
namespace {

// The sample configuration, kept in examples/ and compiled in.
constexpr const char* kSampleConfig =
#include "demo_company.inc"
    ;

using Clock = std::chrono::steady_clock;

// Days of the month of `d` (Gregorian).
unsigned days_in(LocalDate d) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
  return d.month == 2 && leap ? 29 : kDays[d.month - 1];
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string external_id(std::uint64_t n) {
  char ext[24];
  std::snprintf(ext, sizeof ext, "D%08llu", static_cast<unsigned long long>(n));
  return ext;
}

/// A realistic sponsor tree: a few founders, then each newcomer is sponsored
/// by a consultant chosen in proportion to how often they recruited already
/// (active recruiters keep recruiting); a third are customers, who buy but do
/// not recruit.
class TreeGenerator {
 public:
  explicit TreeGenerator(std::uint64_t seed) : rng_(seed) {}

  EnrollmentRequest next(std::uint64_t n) {
    static constexpr std::array<const char*, 12> kFirst{"Ana",   "Luis",   "Marta", "Jorge",
                                                        "Sofía", "Pedro",  "Lucía", "Diego",
                                                        "Carla", "Andrés", "Elena", "Tomás"};
    static constexpr std::array<const char*, 10> kLast{"García",  "Rodríguez", "López", "Martínez",
                                                       "Pérez",   "Gómez",     "Díaz",  "Torres",
                                                       "Ramírez", "Vargas"};
    static constexpr std::array<const char*, 4> kCountry{"CO", "MX", "PE", "EC"};
    EnrollmentRequest r;
    const PersonId id{static_cast<std::int64_t>(n)};
    const bool founder = n <= 5;
    const auto roll = rng_() % 100;
    r.type = founder || roll < 62 ? CustomerType::consultant
             : roll < 95          ? CustomerType::customer
                                  : CustomerType::guest;
    if (!founder) {
      r.sponsor = tickets_[rng_() % tickets_.size()];
      tickets_.push_back(r.sponsor);  // recruiting makes recruiting likelier
    }
    if (r.type == CustomerType::consultant) tickets_.push_back(id);
    r.channel = founder ? "backend" : roll % 3 == 0 ? "web" : "leader";
    r.person.external_id = external_id(n);
    r.person.first_name = kFirst[rng_() % kFirst.size()];
    r.person.last_name = kLast[rng_() % kLast.size()];
    r.person.email = "p" + std::to_string(n) + "@demo.example.com";
    r.person.country = kCountry[rng_() % kCountry.size()];
    static constexpr std::array<const char*, 3> kLines{"skin", "hair", "wellness"};
    r.person.extended["favorite_line"] = kLines[rng_() % kLines.size()];
    r.accepted_contracts = {{"terms", 1}};
    return r;
  }

 private:
  std::mt19937_64 rng_;
  std::vector<PersonId> tickets_;
};

}  // namespace

const char* sample_config() {
  return kSampleConfig;
}

std::string company_config(const std::string& path) {
  if (path.empty()) return kSampleConfig;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NotFound("cannot read the configuration file '" + path + "'", "--config");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Company open_existing(const std::string& db, const std::string& config) {
  if (!std::filesystem::exists(db))
    throw NotFound(
        "no company database '" + db + "'; create one with `downline demo --db " + db + "`",
        "--db");
  return Company::open("sqlite:" + db, config);
}

PersonId resolve_person(const Company& company, const Actor& actor, const std::string& text,
                        const char* field) {
  constexpr std::string_view kExternalPrefix = "ext:";
  if (std::string_view(text).starts_with(kExternalPrefix)) {
    const std::string external_id = text.substr(kExternalPrefix.size());
    if (const auto id = company.find_person(actor, external_id)) return *id;
    throw NotFound("no person has external id '" + external_id + "'", field);
  }
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || id <= 0) {
    throw InvalidArgument(
        std::string(field) + " must be a positive id or ext:<external id>, got '" + text + "'",
        field);
  }
  return PersonId{id};
}

int run_demo(const DemoOptions& options) {
  const std::string config = company_config(options.config_path);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(options.db + suffix);
  const auto admin = Actor::staff("demo", {"admin"});
  const std::uint64_t total = options.persons;

  std::cout << "downline " << version() << " demo: " << total
            << " persons into sqlite:" << options.db << "\n";
  double enroll_seconds = 0;
  {
    auto company = Company::open("sqlite:" + options.db, config);
    TreeGenerator gen(options.seed);
    ProgressBar bar(options.progress, "enrolling");
    const std::uint64_t batch_size = 10000;
    std::vector<EnrollmentRequest> batch;
    const auto start = Clock::now();
    for (std::uint64_t done = 0; done < total;) {
      batch.clear();
      for (std::uint64_t i = 0; i < batch_size && done + i < total; ++i) {
        batch.push_back(gen.next(done + i + 1));
        // A sponsor enrolled in this same batch has no id yet: name them by
        // external id.
        auto& r = batch.back();
        if (r.sponsor.value() > static_cast<std::int64_t>(done)) {
          r.sponsor_external_id = external_id(static_cast<std::uint64_t>(r.sponsor.value()));
          r.sponsor = {};
        }
      }
      const std::uint64_t base = done;
      auto out = company.enroll_many(
          admin, batch, [&](std::size_t d, std::size_t) { bar.update(base + d, total); });
      if (!out.accepted) {
        for (const auto& f : out.findings)
          std::cerr << "rejected: " << f.field << ": " << f.message << "\n";
        return 1;
      }
      done += batch.size();
    }
    enroll_seconds = seconds_since(start);
  }

  const auto open_start = Clock::now();
  auto company = Company::open("sqlite:" + options.db, config);
  const double open_seconds = seconds_since(open_start);

  // Last month's campaign: six persons in ten placed one paid order (a
  // seeded volume below 200), reported in bulk; the campaign is closed.
  // Then one recalculation over those volumes, and the ten largest leaders
  // made directors, each starting a generation.
  // A day back: on the 1st, before local midnight west of Greenwich, the
  // month before has not ended yet.
  const LocalDate today =
      utc_date(Instant{SystemClock{}.now().micros_since_epoch - 24LL * 3600 * 1'000'000});
  const LocalDate month_start{today.month == 1 ? today.year - 1 : today.year,
                              today.month == 1 ? 12u : today.month - 1, 1};
  const CampaignSpec last_month[] = {
      {"demo", month_start, {month_start.year, month_start.month, days_in(month_start)}}};
  const Campaign campaign = company.add_campaigns(admin, last_month).front();
  std::mt19937_64 rng(options.seed);
  RecalculationRequest recalc;
  std::vector<OrderReport> orders;
  for (std::uint64_t id = 1; id <= total; ++id)
    if (rng() % 10 < 6) {
      const PersonId person{static_cast<std::int64_t>(id)};
      const Decimal volume = Decimal::from_micros(rng() % 200'000'000);
      recalc.personal_volumes.push_back({person, volume});
      OrderReport& o = orders.emplace_back();
      o.id = "demo-" + std::to_string(id);
      o.owner = person;
      o.state = OrderState::paid;
      // Somewhere in the campaign's first three weeks.
      o.at = Instant{campaign.starts_at.micros_since_epoch +
                     static_cast<std::int64_t>(rng() % (21ULL * 24 * 3600)) * 1'000'000};
      o.lines.push_back(OrderLine{
          "LINE-" + std::to_string(id % 12), 1, volume * Decimal::from_integer(1000), volume, {}});
    }
  const auto orders_start = Clock::now();
  {
    ProgressBar bar(options.progress, "orders");
    for (std::size_t at = 0; at < orders.size(); at += 50'000) {
      const std::size_t n = std::min<std::size_t>(50'000, orders.size() - at);
      const auto report = company.report_orders(admin, std::span(orders.data() + at, n));
      if (!report.rejected.empty()) {
        std::cerr << "order rejected: " << report.rejected.front().findings.front().message << "\n";
        return 1;
      }
      bar.update(at + n, orders.size());
    }
  }
  const double orders_seconds = seconds_since(orders_start);
  const CampaignSummary closed = company.close_campaign(admin, campaign.id);
  const auto recalc_start = Clock::now();
  const auto recalculated = company.recalculate(admin, recalc);
  const double recalc_ms = seconds_since(recalc_start) * 1000;
  std::vector<DownlineSize> largest;
  {
    auto reader = company.reader(admin);
    largest = reader.largest_downlines(10);
  }
  for (const auto& d : largest) {
    RankChange promotion;
    promotion.person = d.id;
    promotion.rank = "director";
    promotion.campaign = "demo";
    company.change_rank(admin, promotion);
  }
  auto reader = company.reader(admin);
  const auto summary = reader.summary();

  std::cout << std::fixed << std::setprecision(2);
  std::cout << "enrolled " << total << " persons in " << enroll_seconds << " s ("
            << static_cast<std::uint64_t>(total / std::max(enroll_seconds, 1e-9))
            << " persons/s); reopened in " << open_seconds << " s\n\n";
  std::cout << "sponsor network\n";
  std::cout << "  persons            " << summary.persons << "\n";
  std::cout << "  network parents    " << summary.parents << "\n";
  std::cout << "  depth              " << summary.depth << "\n\n";
  std::cout << "  level    persons\n";
  for (std::size_t level = 0; level < summary.per_level.size(); ++level)
    std::cout << "  " << std::setw(5) << level << "  " << std::setw(9) << summary.per_level[level]
              << "\n";
  std::cout << "\ncampaign " << campaign.start.to_string() << " .. " << campaign.end.to_string()
            << " (America/Bogota), closed\n"
            << "  orders reported    " << orders.size() << " in " << orders_seconds << " s\n"
            << "  persons ordering   " << closed.persons_with_orders << "\n"
            << "  volume             " << closed.volume.to_string(2) << "\n"
            << "  amount             " << closed.amount.to_string(2) << "\n";
  for (const auto& [rank, n] : closed.paid_as)
    std::cout << "  paid as " << std::left << std::setw(11) << rank << std::right << n << "\n";
  for (const auto& [segment, n] : closed.segments)
    std::cout << "  segment " << std::left << std::setw(11) << segment << std::right << n << "\n";
  std::cout << "  promotions         " << closed.promotions << "\n"
            << "  digest             " << closed.digest << "\n";
  std::cout << "\n  recalculated " << recalculated.persons << " persons in " << recalc_ms
            << " ms: personal volume " << recalculated.total_volume.to_string(2) << "\n";
  std::cout << "\n  largest downlines (made directors)\n"
            << "  id        name                       downline  level  group volume  "
               "1st generation  line\n";
  for (const auto& d : largest) {
    Person p = company.person(admin, d.id);
    const std::string name = p.data.first_name + " " + p.data.last_name;
    const auto figures = company.figures(admin, d.id);
    DownlineQuery first;
    first.max_generation = 1;
    // setw counts bytes; names are UTF-8, so pad by code points.
    const auto width = static_cast<std::size_t>(
        std::count_if(name.begin(), name.end(), [](char c) { return (c & 0xC0) != 0x80; }));
    std::cout << "  " << std::left << std::setw(9) << d.id.value() << " " << name
              << std::string(width < 26 ? 26 - width : 0, ' ') << std::right << std::setw(9)
              << d.size << "  " << std::setw(5) << reader.level(d.id) << "  " << std::setw(12)
              << figures.group_volume.to_string(2) << "  " << std::setw(14)
              << reader.downline(d.id, first).total << "  " << p.data.extended["favorite_line"]
              << "\n";
  }
  if (!largest.empty()) {
    // The largest leader's report card: why they were paid as what they were.
    std::cout << "\n  " << company.rank_report(admin, largest.front().id, campaign.id).text();
  }
  // The campaign's KPIs as the close left them, and the first to call.
  KpiQuery kpis;
  kpis.campaign = campaign.id;
  kpis.top = 5;
  std::cout << "\n";
  print_kpis(std::cout, company.kpis(admin, kpis));
  std::cout << "\n  contract terms v1 accepted by " << company.acceptances_of(admin, "terms").size()
            << " persons at registration\n";
  return 0;
}

}  // namespace downline::cli

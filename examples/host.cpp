// A host program in C++: open a company, enroll a small network, ask about it.
//
//   example_host path/to/demo-company.json
#include <downline/downline.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: example_host CONFIG.json\n";
    return 2;
  }
  std::ifstream file(argv[1]);
  std::stringstream config;
  config << file.rdbuf();
  const auto db = std::filesystem::temp_directory_path() / "downline-example-host.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);

  try {
    auto company = downline::Company::open("sqlite:" + db.string(), config.str());
    const auto backend = downline::Actor::staff("erp-backend", {"admin"});

    // The company's channels, its terms and an extended field (see the
    // configuration): the head office enrolls through its backend.
    downline::EnrollmentRequest leader;
    leader.channel = "backend";
    leader.person = {"L-1", "Lucía", "Gómez", "lucia@example.com", "", "CO", {}};
    leader.person.extended["favorite_line"] = "skin";
    leader.accepted_contracts = {{"terms", 1}};
    const auto lucia = company.enroll(backend, leader).person;

    downline::EnrollmentRequest recruit = leader;
    recruit.sponsor = lucia;
    recruit.person = {"L-2", "Pedro", "Díaz", "pedro@example.com", "", "CO", {}};
    const auto pedro = company.enroll(backend, recruit).person;

    // A rejected enrollment is data: every finding at once, nothing written.
    downline::EnrollmentRequest bad = recruit;
    bad.sponsor = pedro;
    bad.person = {};
    bad.person.email = "not-an-address";
    auto rejected = company.enroll(backend, bad);
    for (const auto& f : rejected.findings)
      std::cout << "rejected: " << f.field << " (" << f.reason << "): " << f.message << "\n";

    // Lucía, logged in, sees her own downline.
    const auto as_lucia = downline::Actor::of_person(lucia);
    for (const auto& m : company.downline(as_lucia, lucia).members)
      std::cout << "downline of Lucía: " << company.person(as_lucia, m.id).data.first_name
                << " at level " << m.relative_level << "\n";
    std::cout << "network id of Pedro: " << company.network_id(backend, pedro) << "\n";
    return rejected.accepted || !company.is_in_downline(backend, pedro, lucia) ? 1 : 0;
  } catch (const downline::Error& e) {
    std::cerr << downline::code_name(e.code()) << ": " << e.what() << "\n";
    return 1;
  }
}

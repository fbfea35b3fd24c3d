// Helpers shared by the tests: a small configuration, actors and requests.
#pragma once

#include <downline/downline.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

namespace downline::testing {

inline const char* kConfig =
    R"({"company": {"name": "Test", "currency": "USD", "time_zone": "UTC"}})";

inline Actor admin() {
  return Actor::staff("backend", {"admin"});
}

inline EnrollmentRequest request(const std::string& name, PersonId sponsor = {},
                                 CustomerType type = CustomerType::consultant) {
  EnrollmentRequest r;
  r.type = type;
  r.sponsor = sponsor;
  r.person.external_id = "ext-" + name;
  r.person.first_name = name;
  r.person.last_name = "Tester";
  r.person.email = name + "@example.com";
  return r;
}

/// Expects opening a company with `config` to fail with InvalidArgument
/// naming `field`.
inline void expect_config_error(const std::string& config, const std::string& field) {
  SCOPED_TRACE(config);
  try {
    Company::open("memory:", config);
    ADD_FAILURE() << "accepted";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), field) << e.what();
  }
}

/// A whole-downline query in one network.
inline DownlineQuery in_network(const std::string& network) {
  DownlineQuery q;
  q.network = network;
  return q;
}

/// A fresh SQLite file path under the system temp dir, removed first.
inline std::string temp_db(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / "downline-tests";
  std::filesystem::create_directories(dir);
  auto path = dir / (name + "-" + std::to_string(::getpid()) + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path.string();
}

/// A seed printed by the test and replayed from DOWNLINE_SEED when set.
inline std::uint64_t test_seed() {
  if (const char* env = std::getenv("DOWNLINE_SEED")) return std::stoull(env);
  return std::random_device{}();
}

}  // namespace downline::testing

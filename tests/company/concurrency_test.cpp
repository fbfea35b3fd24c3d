// Readers and a writer on one Company, and two processes on one SQLite file:
// every read sees a consistent network. CI also runs this under
// ThreadSanitizer.
#include <downline/downline.hpp>

#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <random>
#include <sstream>
#include <thread>

namespace downline {
namespace {

using testing::admin;

constexpr int kWrites = 400;

/// One consistent view: a single tree under person 1, so every figure must
/// agree with the person count seen in the same view.
std::uint64_t check_view(const Company& co, std::mt19937_64& rng) {
  auto rd = co.reader(admin());
  auto sum = rd.summary();
  if (sum.persons == 0) return 0;
  std::uint64_t per_level = 0;
  for (auto c : sum.per_level) per_level += c;
  EXPECT_EQ(per_level, sum.persons);
  EXPECT_EQ(sum.parents, 1u);
  EXPECT_EQ(rd.downline(PersonId{1}, {}).total, sum.persons - 1);
  auto top = rd.largest_downlines(1);
  EXPECT_EQ(top.at(0).id, PersonId{1});
  const PersonId x{1 + static_cast<std::int64_t>(rng() % sum.persons)};
  auto up = rd.upline(x);
  EXPECT_EQ(up.size(), rd.level(x));
  if (!up.empty()) {
    EXPECT_EQ(up.back().id, PersonId{1});
    EXPECT_TRUE(rd.is_in_downline(x, up.front().id));
  }
  EXPECT_EQ(rd.path(x).size(), up.size() + 1);
  return sum.persons;
}

void write_some(Company& co, int from, int count) {
  std::mt19937_64 rng(from);
  for (int i = from; i < from + count; ++i) {
    PersonId sponsor{i == 1 ? 0 : 1 + static_cast<std::int64_t>(rng() % (i - 1))};
    if (i % 10 == 0 && i + 1 < from + count) {
      std::vector<EnrollmentRequest> batch{testing::request("p" + std::to_string(i), sponsor),
                                           testing::request("q" + std::to_string(i), sponsor)};
      ASSERT_TRUE(co.enroll_many(admin(), batch).accepted);
      ++i;
    } else {
      ASSERT_TRUE(co.enroll(admin(), testing::request("p" + std::to_string(i), sponsor)).accepted);
    }
  }
}

class Concurrency : public ::testing::TestWithParam<bool> {};

TEST_P(Concurrency, FourReadersAndOneWriterAlwaysSeeAConsistentNetwork) {
  const std::string uri = GetParam() ? "sqlite:" + testing::temp_db("threads") : "memory:";
  auto co = Company::open(uri, testing::kConfig);
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  std::atomic<std::uint64_t> reads{0};
  for (int t = 0; t < 4; ++t)
    readers.emplace_back([&, t] {
      std::mt19937_64 rng(t);
      std::uint64_t last = 0;
      while (!done.load()) {
        const auto seen = check_view(co, rng);
        EXPECT_GE(seen, last) << "a reader saw the network shrink";
        last = seen;
        if (seen) {
          const PersonId newest{static_cast<std::int64_t>(seen)};
          EXPECT_EQ(co.person(admin(), newest).id, newest);
        }
        ++reads;
      }
    });
  // Start writing once every reader is reading, so that they overlap.
  while (reads.load() < 4) std::this_thread::yield();
  write_some(co, 1, kWrites);
  done = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(co.person_count(admin()), static_cast<std::uint64_t>(kWrites));
  EXPECT_GT(reads.load(), 0u);
}

TEST(Concurrency, TwoProcessesShareOneSqliteFile) {
  const std::string path = testing::temp_db("processes");
  Company::open("sqlite:" + path, testing::kConfig);  // create the schema
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int code = 0;
    try {
      auto writer = Company::open("sqlite:" + path, testing::kConfig);
      write_some(writer, 1, kWrites);
      code = ::testing::Test::HasFailure() ? 2 : 0;
    } catch (...) {
      code = 3;
    }
    _exit(code);
  }
  auto co = Company::open("sqlite:" + path, testing::kConfig);
  std::mt19937_64 rng(7);
  std::uint64_t last = 0;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    const auto seen = check_view(co, rng);
    EXPECT_GE(seen, last);
    last = seen;
  }
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  // The other process's writes arrive without reopening.
  EXPECT_EQ(co.person_count(admin()), static_cast<std::uint64_t>(kWrites));
  EXPECT_EQ(check_view(co, rng), static_cast<std::uint64_t>(kWrites));
  // And a third writer continues from there.
  EXPECT_TRUE(co.enroll(admin(), testing::request("late", PersonId{1})).accepted);
  EXPECT_EQ(co.person(admin(), PersonId{kWrites + 1}).data.first_name, "late");
}

// An import validates and looks up its next batch on other threads (and
// another SQLite connection) while it writes one; a reader queries and a
// subscriber is called meanwhile.
TEST(Concurrency, AnImportReadersAndASubscriberRunTogether) {
  const std::string path = testing::temp_db("concurrent-import");
  Company co = Company::open("sqlite:" + path, testing::kConfig);
  constexpr int kRows = 3000;
  std::string csv = "external_id,first_name,last_name,email,sponsor_external_id\n";
  std::mt19937_64 rng(testing::test_seed());
  for (int i = 0; i < kRows; ++i) {
    csv += "P" + std::to_string(i) + ",Ana,Gómez,p" + std::to_string(i) + "@example.com,";
    if (i > 0) csv += "P" + std::to_string(rng() % i);
    csv += "\n";
  }
  std::atomic<int> delivered{0};
  std::atomic<std::int64_t> last_seen{0};
  const std::uint64_t id = co.subscribe(admin(), [&](const Event& e) {
    ++delivered;
    last_seen = e.seq.value();
  });
  std::atomic<bool> done{false};
  std::thread reader([&] {
    std::mt19937_64 r(1);
    std::uint64_t last = 0;
    while (!done) {
      const auto seen = check_view(co, r);
      EXPECT_GE(seen, last);
      last = seen;
    }
  });
  std::istringstream in(csv);
  ImportOptions options;
  options.batch_size = 250;
  const ImportReport report = co.import_csv(admin(), in, options);
  done = true;
  reader.join();
  EXPECT_EQ(report.enrolled, static_cast<std::uint64_t>(kRows));
  EXPECT_TRUE(report.rejected.empty());
  for (int i = 0; i < 1000 && last_seen.load() < report.last_event.value(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  co.unsubscribe(id);
  EXPECT_EQ(delivered.load(), kRows);
  EXPECT_TRUE(co.verify(admin()).ok);
}

INSTANTIATE_TEST_SUITE_P(Stores, Concurrency, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "sqlite" : "memory"; });

}  // namespace
}  // namespace downline

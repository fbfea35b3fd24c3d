// Durability: a child enrolling in batches is killed (SIGKILL) at random
// moments; every acknowledged batch must survive, no partial batch may, and
// the index rebuilt from storage must equal the one the child had.
#include <downline/downline.hpp>

#include "company/company_state.hpp"
#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <sstream>

namespace downline {
namespace {

constexpr int kBatch = 40;

std::int64_t sponsor_of(std::int64_t id) {
  if (id == 1) return 0;
  std::uint64_t h = static_cast<std::uint64_t>(id) * 0x9E3779B97F4A7C15ull;
  return 1 + static_cast<std::int64_t>((h >> 17) % static_cast<std::uint64_t>(id - 1));
}

std::vector<EnrollmentRequest> batch_requests(std::int64_t first_id) {
  std::vector<EnrollmentRequest> batch;
  for (std::int64_t id = first_id; id < first_id + kBatch; ++id) {
    // Sponsors from the same batch are named by external id: their ids do
    // not exist until the batch commits.
    auto r = testing::request("p" + std::to_string(id));
    if (id > 1) r.sponsor_external_id = "ext-p" + std::to_string(sponsor_of(id));
    if (id % 7 == 0) r.referrer_external_id = "ext-p" + std::to_string(1 + (id * 31) % (id - 1));
    batch.push_back(std::move(r));
  }
  return batch;
}

std::uint64_t digest(const Company& co) {
  const auto& s = internal::CompanyAccess::state(co);
  std::shared_lock lock(s.index_mu);
  return s.index.digest();
}

[[noreturn]] void run_child(const std::string& path, int fd) {
  try {
    auto co = Company::open("sqlite:" + path, testing::kConfig);
    for (;;) {
      const auto next = static_cast<std::int64_t>(co.person_count(testing::admin())) + 1;
      auto out = co.enroll_many(testing::admin(), batch_requests(next));
      if (!out.accepted) _exit(3);
      std::string line =
          std::to_string(out.persons.back().value()) + " " + std::to_string(digest(co)) + "\n";
      if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
    }
  } catch (...) {
    _exit(5);
  }
}

TEST(Durability, SurvivesFiftyKillsWithoutLosingOrTearingABatch) {
  const auto seed = testing::test_seed();
  std::cout << "DOWNLINE_SEED=" << seed << "\n";
  std::mt19937_64 rng(seed);
  const std::string path = testing::temp_db("crash");
  std::map<std::int64_t, std::uint64_t> acked;  // last person id of a batch → child's digest
  int kills_mid_batch_window = 0;
  std::int64_t last_count = 0;  // persons in the store after the previous round
  for (int round = 0; round < 50; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      run_child(path, fds[1]);
    }
    close(fds[1]);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    std::string buffer;
    const auto drain = [&] {
      pollfd p{fds[0], POLLIN, 0};
      poll(&p, 1, 1);
      char chunk[4096];
      for (ssize_t got; (got = read(fds[0], chunk, sizeof chunk)) > 0;) buffer.append(chunk, got);
    };
    // Every other round waits for the child's first acknowledged batch, so
    // that slow (sanitizer) builds also kill while batches are in flight; the
    // other rounds may kill anywhere, opening included.
    if (round % 2 == 0) {
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (buffer.find('\n') == std::string::npos && std::chrono::steady_clock::now() < give_up)
        drain();
    }
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::microseconds(2000 + rng() % 40000);
    while (std::chrono::steady_clock::now() < deadline) drain();
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
    char chunk[4096];
    for (ssize_t got; (got = read(fds[0], chunk, sizeof chunk)) > 0;) buffer.append(chunk, got);
    close(fds[0]);
    std::istringstream lines(buffer);
    std::int64_t last;
    std::uint64_t d;
    while (lines >> last >> d) acked[last] = d;

    auto co = Company::open("sqlite:" + path, testing::kConfig);
    const auto count = static_cast<std::int64_t>(co.person_count(testing::admin()));
    const std::int64_t acked_count = acked.empty() ? 0 : acked.rbegin()->first;
    // What the store held before this round counts as acknowledged too: a
    // batch committed but not acknowledged by an earlier child stays.
    const std::int64_t durable = std::max(acked_count, last_count);
    ASSERT_EQ(count % kBatch, 0) << "a partial batch is in the store";
    ASSERT_GE(count, durable) << "an acknowledged batch was lost";
    ASSERT_LE(count, durable + kBatch) << "more than the one batch in flight was committed";
    if (count > durable) ++kills_mid_batch_window;
    last_count = count;
    if (auto it = acked.find(count); it != acked.end()) {
      EXPECT_EQ(digest(co), it->second) << "rebuilt index differs from the child's";
    }
    // And the store agrees with the deterministic model.
    for (std::int64_t id = std::max<std::int64_t>(1, count - 2 * kBatch); id <= count; ++id) {
      auto p = co.person(testing::admin(), PersonId{id});
      EXPECT_EQ(p.sponsor.value(), sponsor_of(id));
    }
    EXPECT_EQ(co.last_event().value(), count);
  }
  ASSERT_FALSE(acked.empty()) << "no batch was ever acknowledged";
  std::cout << "persons enrolled: " << acked.rbegin()->first
            << ", kills between commit and acknowledgement: " << kills_mid_batch_window << "\n";
}

}  // namespace
}  // namespace downline

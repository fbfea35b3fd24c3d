// The genealogy queries against a tiny reference model: a parent map walked
// naively. Seeded; replay a failure with DOWNLINE_SEED=<seed>.
#include <downline/downline.hpp>

#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>

namespace downline {
namespace {

using testing::admin;
using testing::request;

struct Model {
  std::vector<std::int64_t> sponsor{0}, referrer{0};  // index = id; 0 = none
  std::vector<CustomerType> type{CustomerType::guest};

  std::vector<std::int64_t> children(const std::vector<std::int64_t>& parent,
                                     std::int64_t p) const {
    std::vector<std::int64_t> out;
    for (std::size_t i = 1; i < parent.size(); ++i)
      if (parent[i] == p) out.push_back(static_cast<std::int64_t>(i));
    return out;
  }
  void preorder(const std::vector<std::int64_t>& parent, std::int64_t p, std::uint32_t depth,
                std::vector<std::pair<std::int64_t, std::uint32_t>>& out) const {
    for (auto c : children(parent, p)) {
      out.push_back({c, depth + 1});
      preorder(parent, c, depth + 1, out);
    }
  }
  std::uint32_t level(const std::vector<std::int64_t>& parent, std::int64_t p) const {
    std::uint32_t l = 0;
    while (parent[p]) p = parent[p], ++l;
    return l;
  }
};

class GenealogyQueries : public ::testing::Test {
 protected:
  void build(Company& co, Model& m, std::mt19937_64& rng, int n) {
    for (int i = 1; i <= n; ++i) {
      std::int64_t sponsor = i == 1 || rng() % 20 == 0 ? 0 : 1 + rng() % (i - 1);
      std::int64_t referrer = sponsor && rng() % 3 == 0 ? 1 + rng() % (i - 1) : sponsor;
      auto type = static_cast<CustomerType>(rng() % 3);
      auto r = request("p" + std::to_string(i), PersonId{sponsor}, type);
      r.referrer = PersonId{referrer};
      auto out = co.enroll(admin(), r);
      ASSERT_TRUE(out.accepted);
      ASSERT_EQ(out.person.value(), i);
      m.sponsor.push_back(sponsor);
      m.referrer.push_back(referrer);
      m.type.push_back(type);
    }
  }

  void check(const Company& co, const Model& m, std::mt19937_64& rng) {
    const auto n = static_cast<std::int64_t>(m.sponsor.size()) - 1;
    for (const char* net : {kSponsorNetwork, kReferralNetwork}) {
      const auto& parent = std::string(net) == kSponsorNetwork ? m.sponsor : m.referrer;
      for (int probe = 0; probe < 60; ++probe) {
        const std::int64_t x = 1 + rng() % n;
        const std::int64_t y = 1 + rng() % n;
        // upline: nearest first
        std::vector<std::int64_t> up;
        for (auto p = parent[x]; p; p = parent[p]) up.push_back(p);
        auto got = co.upline(admin(), PersonId{x}, net);
        ASSERT_EQ(got.size(), up.size());
        for (std::size_t i = 0; i < up.size(); ++i) {
          EXPECT_EQ(got[i].id.value(), up[i]);
          EXPECT_EQ(got[i].relative_level, i + 1);
        }
        EXPECT_EQ(co.upline(admin(), PersonId{x}, net, 2).size(),
                  std::min<std::size_t>(2, up.size()));
        // is in downline / levels / network id
        const bool below = std::find(up.begin(), up.end(), y) != up.end();
        EXPECT_EQ(co.is_in_downline(admin(), PersonId{x}, PersonId{y}, net), below);
        EXPECT_EQ(co.level(admin(), PersonId{x}, net), m.level(parent, x));
        if (below)
          EXPECT_EQ(co.relative_level(admin(), PersonId{x}, PersonId{y}, net),
                    m.level(parent, x) - m.level(parent, y));
        else
          EXPECT_THROW(co.relative_level(admin(), PersonId{x}, PersonId{y}, net),
                       FailedPrecondition);
        std::string path = std::to_string(x);
        for (auto p : up) path = std::to_string(p) + "." + path;
        EXPECT_EQ(co.network_id(admin(), PersonId{x}, net), path);
        // downline with depth and type filters, paged
        std::vector<std::pair<std::int64_t, std::uint32_t>> all;
        m.preorder(parent, x, 0, all);
        DownlineQuery q;
        q.network = net;
        q.max_depth = 1 + rng() % 4;
        q.types = {CustomerType::consultant, CustomerType::guest};
        std::vector<std::int64_t> expected;
        std::vector<std::uint64_t> per_level;
        for (auto [id, d] : all)
          if (d <= *q.max_depth && m.type[id] != CustomerType::customer) {
            expected.push_back(id);
            if (per_level.size() < d) per_level.resize(d);
            ++per_level[d - 1];
          }
        q.offset = rng() % 3;
        q.limit = 1 + rng() % 5;
        auto page = co.downline(admin(), PersonId{x}, q);
        EXPECT_EQ(page.total, expected.size());
        for (std::size_t i = 0; i < page.members.size(); ++i)
          EXPECT_EQ(page.members[i].id.value(), expected[q.offset + i]);
        EXPECT_EQ(page.members.size(),
                  std::min<std::size_t>(
                      q.limit, expected.size() > q.offset ? expected.size() - q.offset : 0));
        EXPECT_EQ(co.level_counts(admin(), PersonId{x}, q), per_level);
      }
    }
  }
};

TEST_F(GenealogyQueries, AgreeWithAReferenceModelOnMemoryAndAfterReopen) {
  const auto seed = testing::test_seed();
  std::cout << "DOWNLINE_SEED=" << seed << "\n";
  std::mt19937_64 rng(seed);
  Model m;
  const std::string path = testing::temp_db("model");
  {
    auto co = Company::open("sqlite:" + path, testing::kConfig);
    build(co, m, rng, 300);
    check(co, m, rng);
  }
  auto reopened = Company::open("sqlite:" + path, testing::kConfig);
  check(reopened, m, rng);
}

TEST_F(GenealogyQueries, DownlineIsInStablePreOrderWithLevels) {
  auto co = Company::open("memory:", testing::kConfig);
  auto r = co.enroll(admin(), request("r")).person;       // 1
  auto a = co.enroll(admin(), request("a", r)).person;    // 2
  auto b = co.enroll(admin(), request("b", r)).person;    // 3
  auto a1 = co.enroll(admin(), request("a1", a)).person;  // 4
  auto b1 = co.enroll(admin(), request("b1", b)).person;  // 5
  auto a2 = co.enroll(admin(), request("a2", a)).person;  // 6
  auto page = co.downline(admin(), r);
  std::vector<PersonId> ids;
  for (auto& mbr : page.members) ids.push_back(mbr.id);
  EXPECT_EQ(ids, (std::vector<PersonId>{a, a1, a2, b, b1}));
  EXPECT_EQ(page.members[1].relative_level, 2u);
  EXPECT_EQ(page.members[1].level, 2u);
  EXPECT_EQ(page.members[1].parent, a);
  EXPECT_EQ(co.level_counts(admin(), r), (std::vector<std::uint64_t>{2, 3}));
  DownlineQuery none;
  none.limit = 0;
  EXPECT_EQ(co.downline(admin(), r, none).total, 5u);
  EXPECT_TRUE(co.downline(admin(), r, none).members.empty());
  EXPECT_EQ(co.downline(admin(), a1).total, 0u);
  auto rd = co.reader(admin());
  EXPECT_EQ(rd.largest_downlines(2), (std::vector<DownlineSize>{{r, 5}, {a, 2}}));
  auto sum = rd.summary();
  EXPECT_EQ(sum.persons, 6u);
  EXPECT_EQ(sum.parents, 1u);
  EXPECT_EQ(sum.depth, 2u);
  EXPECT_EQ(sum.per_level, (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST_F(GenealogyQueries, UnknownPersonAndNetworkAreNotFound) {
  auto co = Company::open("memory:", testing::kConfig);
  auto r = co.enroll(admin(), request("r")).person;
  EXPECT_THROW(co.upline(admin(), PersonId{42}), NotFound);
  EXPECT_THROW(co.person(admin(), PersonId{0}), NotFound);
  DownlineQuery binary;
  binary.network = "binary";
  EXPECT_THROW(co.downline(admin(), r, binary), NotFound);
}

}  // namespace
}  // namespace downline

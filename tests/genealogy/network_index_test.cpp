#include "genealogy/network_index.hpp"

#include <downline/error.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <random>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {
namespace {

TEST(NetworkTree, IntervalsNestLikeTheTree) {
  NetworkTree t;
  // 0 ─ 1 ─ 3
  //   └ 2      4 (second root)
  t.append(0, kNoNode);
  t.append(1, 0);
  t.append(2, 0);
  t.append(3, 1);
  t.append(4, kNoNode);
  t.ensure_intervals();
  EXPECT_TRUE(t.is_below(3, 0));
  EXPECT_TRUE(t.is_below(3, 1));
  EXPECT_FALSE(t.is_below(3, 2));
  EXPECT_FALSE(t.is_below(0, 0));  // strictly below
  EXPECT_FALSE(t.is_below(4, 0));
  EXPECT_EQ(t.downline_size(0), 3u);
  EXPECT_EQ(t.downline_size(4), 0u);
  EXPECT_EQ(t.depth(3), 2u);
  std::vector<Node> order;
  for (std::uint32_t p = 0; p < t.size(); ++p) order.push_back(t.at(p));
  EXPECT_EQ(order, (std::vector<Node>{0, 1, 3, 2, 4}));
}

TEST(NetworkTree, RebuildsIntervalsLazilyAfterAnAppend) {
  NetworkTree t;
  t.append(0, kNoNode);
  t.ensure_intervals();
  EXPECT_EQ(t.downline_size(0), 0u);
  t.append(1, 0);
  t.ensure_intervals();
  EXPECT_EQ(t.downline_size(0), 1u);
  EXPECT_TRUE(t.is_below(1, 0));
}

TEST(NetworkTree, AssignRejectsACycle) {
  NetworkTree t;
  std::vector<Node> parents{kNoNode, 2, 1};  // 1 and 2 are each other's parent
  EXPECT_THROW(t.assign(parents), DataLoss);
}

TEST(NetworkTree, AssignAcceptsAParentWithALargerNode) {
  NetworkTree t;
  std::vector<Node> parents{2, kNoNode, 1};  // 1 ─ 2 ─ 0
  t.assign(parents);
  EXPECT_EQ(t.depth(0), 2u);
  EXPECT_TRUE(t.is_below(0, 1));
}

// The two ways of answering "is X below Y" (intervals, walk up) and the
// pre-order itself against a naive recursive model. Seeded by DOWNLINE_SEED.
TEST(NetworkTree, IntervalsAndWalksAgreeWithANaiveModel) {
  const char* env = std::getenv("DOWNLINE_SEED");
  const std::uint64_t seed = env ? std::stoull(env) : std::random_device{}();
  std::cout << "DOWNLINE_SEED=" << seed << "\n";
  std::mt19937_64 rng(seed);
  NetworkTree t;
  std::vector<Node> parent;
  for (Node v = 0; v < 400; ++v) {
    const Node p = v == 0 || rng() % 15 == 0 ? kNoNode : static_cast<Node>(rng() % v);
    t.append(v, p);
    parent.push_back(p);
  }
  auto naive_below = [&](Node n, Node of) {
    for (Node x = parent[n]; x != kNoNode; x = parent[x])
      if (x == of) return true;
    return false;
  };
  std::vector<Node> order;
  std::function<void(Node)> visit = [&](Node v) {
    order.push_back(v);
    for (Node c = 0; c < parent.size(); ++c)
      if (parent[c] == v) visit(c);
  };
  for (Node r = 0; r < parent.size(); ++r)
    if (parent[r] == kNoNode) visit(r);
  ASSERT_FALSE(t.intervals_fresh());
  for (int i = 0; i < 3000; ++i) {  // stale: answered by walking up
    const Node a = static_cast<Node>(rng() % parent.size()),
               b = static_cast<Node>(rng() % parent.size());
    ASSERT_EQ(t.is_below(a, b), naive_below(a, b)) << a << " " << b;
  }
  t.ensure_intervals();
  ASSERT_TRUE(t.intervals_fresh());
  for (std::uint32_t pos = 0; pos < order.size(); ++pos) ASSERT_EQ(t.at(pos), order[pos]);
  for (Node a = 0; a < parent.size(); ++a)
    for (Node b = 0; b < parent.size(); b += 7) ASSERT_EQ(t.is_below(a, b), naive_below(a, b));
}

TEST(GenealogyIndex, RefusesPersonsOutOfOrder) {
  GenealogyIndex idx(2);
  std::vector<PersonId> none(2);
  idx.add_person(PersonId{1}, CustomerType::consultant, Status::active, none);
  EXPECT_THROW(idx.add_person(PersonId{3}, CustomerType::consultant, Status::active, none),
               Internal);
  std::vector<PersonId> unknown{PersonId{9}, PersonId{}};
  EXPECT_THROW(idx.add_person(PersonId{2}, CustomerType::consultant, Status::active, unknown),
               Internal);
  EXPECT_EQ(idx.size(), 1u);
}

TEST(GenealogyIndex, DigestChangesWithAnyColumn) {
  GenealogyIndex a(2), b(2);
  std::vector<PersonId> none(2);
  a.add_person(PersonId{1}, CustomerType::consultant, Status::active, none);
  b.add_person(PersonId{1}, CustomerType::customer, Status::active, none);
  EXPECT_NE(a.digest(), b.digest());
  GenealogyIndex c(2);
  c.add_person(PersonId{1}, CustomerType::consultant, Status::active, none);
  EXPECT_EQ(a.digest(), c.digest());
}

}  // namespace
}  // namespace internal
DOWNLINE_END_NAMESPACE

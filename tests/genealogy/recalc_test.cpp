// The recalculation pass against a naive reference (every node walks up its
// parent chain, adding itself to each ancestor) on seeded random trees of
// several shapes, one and two threads; a hand-worked network; bad input;
// the int64 range of group volumes. Replay a run with DOWNLINE_SEED=<seed>.
#include "genealogy/recalc.hpp"

#include <downline/error.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {
namespace {

constexpr std::int64_t kUnit = 1'000'000;  // micro-units per volume unit
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

/// The figures by walking up from every node: O(nodes × depth), obviously
/// right. `overflow` is set when a group volume leaves the int64 range.
NetworkFigures reference(const std::vector<Node>& parents, const std::vector<std::int64_t>& pv,
                         const std::vector<std::uint8_t>& active, std::uint32_t levels,
                         bool* overflow = nullptr) {
  const std::size_t n = parents.size();
  NetworkFigures f;
  f.levels = levels;
  f.downline.assign(n, 0);
  f.active_downline.assign(n, 0);
  f.level_counts.assign(n * levels, 0);
  f.active_level_counts.assign(n * levels, 0);
  __extension__ std::vector<__int128> gv(pv.begin(), pv.end());
  for (std::size_t v = 0; v < n; ++v) {
    std::uint32_t level = 0;
    for (Node a = parents[v]; a != kNoNode; a = parents[a]) {
      ++level;
      gv[a] += pv[v];
      ++f.downline[a];
      f.active_downline[a] += active[v] != 0;
      if (level <= levels) {
        ++f.level_counts[a * levels + level - 1];
        f.active_level_counts[a * levels + level - 1] += active[v] != 0;
      }
    }
  }
  if (overflow != nullptr) *overflow = false;
  for (const auto g : gv) {
    if (g > kMax || g < std::numeric_limits<std::int64_t>::min()) {
      if (overflow != nullptr) *overflow = true;
    }
    f.gv_micros.push_back(static_cast<std::int64_t>(g));
  }
  return f;
}

/// "" when `got` equals `want`, else the first difference, readable.
std::string difference(const NetworkFigures& got, const NetworkFigures& want) {
  if (got.levels != want.levels) return "levels " + std::to_string(got.levels);
  auto first = [](const auto& a, const auto& b, const char* name,
                  std::size_t per_node) -> std::string {
    if (a.size() != b.size())
      return std::string(name) + " has " + std::to_string(a.size()) + " entries, expected " +
             std::to_string(b.size());
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i] != b[i])
        return std::string(name) + " of node " + std::to_string(i / per_node) +
               (per_node > 1 ? " level " + std::to_string(i % per_node + 1) : std::string()) +
               ": " + std::to_string(a[i]) + ", expected " + std::to_string(b[i]);
    return {};
  };
  const std::size_t per = std::max<std::size_t>(want.levels, 1);
  for (std::string d :
       {first(got.gv_micros, want.gv_micros, "gv_micros", 1),
        first(got.downline, want.downline, "downline", 1),
        first(got.active_downline, want.active_downline, "active_downline", 1),
        first(got.level_counts, want.level_counts, "level_counts", per),
        first(got.active_level_counts, want.active_level_counts, "active_level_counts", per)})
    if (!d.empty()) return d;
  return {};
}

/// DOWNLINE_SEED when set, else a random seed; printed for a replay.
std::uint64_t seed() {
  const char* env = std::getenv("DOWNLINE_SEED");
  const std::uint64_t s = env != nullptr ? std::stoull(env) : std::random_device{}();
  std::cout << "DOWNLINE_SEED=" << s << "\n";
  return s;
}

/// A named way of drawing a parent array of n nodes.
struct Shape {
  const char* name;
  std::function<std::vector<Node>(std::size_t, std::mt19937_64&)> parents;
};

/// Node 0 a network parent, every later node under a uniformly random earlier one.
std::vector<Node> uniform_parents(std::size_t n, std::mt19937_64& rng) {
  std::vector<Node> p(n, kNoNode);
  for (std::size_t i = 1; i < n; ++i)
    p[i] = std::uniform_int_distribution<Node>(0, static_cast<Node>(i - 1))(rng);
  return p;
}

/// Every shape the random test draws.
const std::vector<Shape>& shapes() {
  static const std::vector<Shape> all = {
      {"uniform", uniform_parents},
      {"chain",
       [](std::size_t n, std::mt19937_64&) {
         std::vector<Node> p(n, kNoNode);
         for (std::size_t i = 1; i < n; ++i) p[i] = static_cast<Node>(i - 1);
         return p;
       }},
      {"star",
       [](std::size_t n, std::mt19937_64&) {
         std::vector<Node> p(n, 0);
         p[0] = kNoNode;
         return p;
       }},
      {"forest",  // about one node in fifty starts a tree of its own
       [](std::size_t n, std::mt19937_64& rng) {
         std::vector<Node> p = uniform_parents(n, rng);
         for (std::size_t i = 1; i < n; ++i)
           if (rng() % 50 == 0) p[i] = kNoNode;
         return p;
       }},
      {"deep",  // a long chain with random branches hanging from it
       [](std::size_t n, std::mt19937_64& rng) {
         std::vector<Node> p(n, kNoNode);
         for (std::size_t i = 1; i < n; ++i)
           p[i] = rng() % 3 == 0
                      ? std::uniform_int_distribution<Node>(0, static_cast<Node>(i - 1))(rng)
                      : static_cast<Node>(i - 1);
         return p;
       }},
      {"shuffled",  // uniform, renumbered: parents often have larger numbers
       [](std::size_t n, std::mt19937_64& rng) {
         const std::vector<Node> p = uniform_parents(n, rng);
         std::vector<Node> label(n);
         std::iota(label.begin(), label.end(), Node{0});
         std::shuffle(label.begin(), label.end(), rng);
         std::vector<Node> q(n, kNoNode);
         for (std::size_t i = 0; i < n; ++i) q[label[i]] = p[i] == kNoNode ? kNoNode : label[p[i]];
         return q;
       }},
  };
  return all;
}

/// Personal volumes with returns (some negative), ~70% active; active flags
/// other than 1 also count.
void draw_inputs(std::size_t n, std::mt19937_64& rng, std::vector<std::int64_t>& pv,
                 std::vector<std::uint8_t>& active) {
  pv.resize(n);
  active.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    pv[i] = std::uniform_int_distribution<std::int64_t>(-50 * kUnit, 2000 * kUnit)(rng);
    const auto draw = rng() % 100;
    active[i] = draw < 70 ? (draw < 5 ? 7 : 1) : 0;
  }
}

TEST(Recalculate, MatchesTheReferenceOnRandomTreesOfEveryShape) {
  std::mt19937_64 rng(seed());
  for (const Shape& shape : shapes()) {
    for (const std::size_t n : {1u, 2u, 3u, 17u, 2500u}) {
      const std::vector<Node> parents = shape.parents(n, rng);
      std::vector<std::int64_t> pv;
      std::vector<std::uint8_t> active;
      draw_inputs(n, rng, pv, active);
      NetworkTree tree;
      tree.assign(parents);
      for (const std::uint32_t levels : {0u, 1u, 3u, 4u, 5u, 9u}) {
        const NetworkFigures want = reference(parents, pv, active, levels);
        for (const std::uint32_t threads : {1u, 2u, 0u}) {
          const NetworkFigures got = recalculate(tree, {pv, active, levels, threads});
          EXPECT_EQ(difference(got, want), "") << shape.name << " tree of " << n << " nodes, "
                                               << levels << " levels, " << threads << " threads";
        }
      }
    }
  }
}

// Above the size where a second thread is used by default.
TEST(Recalculate, MatchesTheReferenceOnALargeTreeWithTheDefaultThreads) {
  std::mt19937_64 rng(seed());
  const std::size_t n = 150'000;
  const std::vector<Node> parents = shapes()[5].parents(n, rng);
  std::vector<std::int64_t> pv;
  std::vector<std::uint8_t> active;
  draw_inputs(n, rng, pv, active);
  NetworkTree tree;
  tree.assign(parents);
  const RecalcInput in{pv, active};
  EXPECT_EQ(difference(recalculate(tree, in), reference(parents, pv, active, 3)), "");
}

// 0 ─┬─ 1 ─┬─ 3 ── 5        6 ── 7   (a second network parent)
//    │     └─ 4
//    └─ 2
// PV 10, 20, 3, 5, 7, 1, 100, 50; active: 0, 2, 3, 5, 6.
TEST(Recalculate, GivesTheHandWorkedFigures) {
  const std::vector<Node> parents{kNoNode, 0, 0, 1, 1, 3, kNoNode, 6};
  std::vector<std::int64_t> pv{10, 20, 3, 5, 7, 1, 100, 50};
  for (auto& v : pv) v *= kUnit;
  const std::vector<std::uint8_t> active{1, 0, 1, 1, 0, 1, 1, 0};
  NetworkTree tree;
  tree.assign(parents);
  for (const std::uint32_t threads : {1u, 2u}) {
    const NetworkFigures f = recalculate(tree, {pv, active, 3, threads});
    EXPECT_EQ(f.levels, 3u);
    EXPECT_EQ(f.gv_micros,
              (std::vector<std::int64_t>{46 * kUnit, 33 * kUnit, 3 * kUnit, 6 * kUnit, 7 * kUnit,
                                         1 * kUnit, 150 * kUnit, 50 * kUnit}));
    EXPECT_EQ(f.downline, (std::vector<std::uint32_t>{5, 3, 0, 1, 0, 0, 1, 0}));
    EXPECT_EQ(f.active_downline, (std::vector<std::uint32_t>{3, 2, 0, 1, 0, 0, 0, 0}));
    EXPECT_EQ(f.level_counts, (std::vector<std::uint32_t>{2, 2, 1,  // 0: {1,2} {3,4} {5}
                                                          2, 1, 0,  // 1: {3,4} {5}
                                                          0, 0, 0,  //
                                                          1, 0, 0,  // 3: {5}
                                                          0, 0, 0,  //
                                                          0, 0, 0,  //
                                                          1, 0, 0,  // 6: {7}
                                                          0, 0, 0}));
    EXPECT_EQ(f.active_level_counts, (std::vector<std::uint32_t>{1, 1, 1,  // 0: {2} {3} {5}
                                                                 1, 1, 0,  // 1: {3} {5}
                                                                 0, 0, 0,  //
                                                                 1, 0, 0,  // 3: {5}
                                                                 0, 0, 0,  //
                                                                 0, 0, 0,  //
                                                                 0, 0, 0,  // 6: 7 inactive
                                                                 0, 0, 0}));
  }
  // One level keeps only the first column; no level keeps none.
  EXPECT_EQ(recalculate(tree, {pv, active, 1}).level_counts,
            (std::vector<std::uint32_t>{2, 2, 0, 1, 0, 0, 1, 0}));
  EXPECT_TRUE(recalculate(tree, {pv, active, 0}).level_counts.empty());
}

TEST(Recalculate, NodesOutsideTheTreeHaveNoFiguresAndCountForNoOne) {
  // 0 ─ 1 ─ 3; 2 waits in a lobby; 4 dropped out (its child 5 moved up to 1).
  const std::vector<Node> parents{kNoNode, 0, kNoNode, 1, kNoNode, 1};
  const std::vector<NodeState> states{NodeState::placed, NodeState::placed,  NodeState::lobby,
                                      NodeState::placed, NodeState::dropout, NodeState::placed};
  std::vector<std::int64_t> pv{1, 2, 40, 8, 160, 32};
  for (auto& v : pv) v *= kUnit;
  const std::vector<std::uint8_t> active{1, 1, 1, 1, 1, 1};
  NetworkTree tree;
  tree.assign(parents, {}, states);
  for (const std::uint32_t threads : {1u, 2u}) {
    const NetworkFigures f = recalculate(tree, {pv, active, 2, threads});
    EXPECT_EQ(f.gv_micros,
              (std::vector<std::int64_t>{43 * kUnit, 42 * kUnit, 0, 8 * kUnit, 0, 32 * kUnit}));
    EXPECT_EQ(f.downline, (std::vector<std::uint32_t>{3, 2, 0, 0, 0, 0}));
    EXPECT_EQ(f.level_counts, (std::vector<std::uint32_t>{1, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  }
}

TEST(Recalculate, ReusedFiguresAreOverwrittenWhole) {
  std::mt19937_64 rng(seed());
  NetworkFigures out;
  for (const std::size_t n : {3000u, 40u, 700u}) {
    const std::vector<Node> parents = uniform_parents(n, rng);
    std::vector<std::int64_t> pv;
    std::vector<std::uint8_t> active;
    draw_inputs(n, rng, pv, active);
    NetworkTree tree;
    tree.assign(parents);
    const std::uint32_t levels = n == 40 ? 5 : 3;
    recalculate(tree, {pv, active, levels, 2}, out);
    EXPECT_EQ(difference(out, reference(parents, pv, active, levels)), "") << n << " nodes";
  }
}

TEST(Recalculate, EmptyTreeHasNoFigures) {
  NetworkTree tree;
  const NetworkFigures f = recalculate(tree, {});
  EXPECT_TRUE(f.gv_micros.empty());
  EXPECT_TRUE(f.level_counts.empty());
  EXPECT_EQ(f.levels, 3u);
}

TEST(Recalculate, RejectsSpansOfTheWrongSize) {
  NetworkTree tree;
  tree.assign(std::vector<Node>{kNoNode, 0, 0});
  const std::vector<std::int64_t> pv3(3, kUnit), pv2(2, kUnit);
  const std::vector<std::uint8_t> active3(3, 1), active4(4, 1);
  auto field_of = [&](const RecalcInput& in) -> std::string {
    try {
      recalculate(tree, in);
    } catch (const InvalidArgument& e) {
      return e.field();
    }
    return "(no error)";
  };
  EXPECT_EQ(field_of({pv2, active3}), "pv_micros");
  EXPECT_EQ(field_of({pv3, active4}), "active");
  EXPECT_EQ(field_of({{}, active3}), "pv_micros");
  EXPECT_EQ(field_of({pv3, active3, kMaxRecalcLevels + 1}), "levels");
  EXPECT_EQ(field_of({pv3, active3, kMaxRecalcLevels}), "(no error)");
  EXPECT_EQ(recalculate(tree, {pv3, active3, kMaxRecalcLevels}).level_counts.size(),
            3 * kMaxRecalcLevels);
}

/// The field of the OutOfRange that recalculating `pv` over `parents` throws
/// with `threads`, or "(no error)" with the root's group volume in `root_gv`.
std::string overflow_field(const std::vector<Node>& parents, const std::vector<std::int64_t>& pv,
                           std::uint32_t threads, std::int64_t* root_gv = nullptr) {
  NetworkTree tree;
  tree.assign(parents);
  const std::vector<std::uint8_t> active(parents.size(), 1);
  try {
    const NetworkFigures f = recalculate(tree, {pv, active, 3, threads});
    if (root_gv != nullptr) *root_gv = f.gv_micros[0];
  } catch (const OutOfRange& e) {
    return e.field();
  }
  return "(no error)";
}

TEST(Recalculate, GroupVolumeBeyondInt64IsOutOfRange) {
  constexpr std::int64_t k62 = std::int64_t{1} << 62;
  const std::vector<Node> star{kNoNode, 0, 0};
  for (const std::uint32_t threads : {1u, 2u}) {
    std::int64_t root = 0;
    EXPECT_EQ(overflow_field(star, {0, k62, k62}, threads), "pv");  // 2^63
    EXPECT_EQ(overflow_field(star, {0, k62, k62 - 1}, threads, &root), "(no error)");
    EXPECT_EQ(root, kMax);
    EXPECT_EQ(overflow_field(star, {-1, -k62, -k62}, threads), "pv");
    EXPECT_EQ(overflow_field(star, {0, -k62, -k62}, threads, &root), "(no error)");
    EXPECT_EQ(root, std::numeric_limits<std::int64_t>::min());
    // A partial sum beyond int64 is no overflow when the group volume fits.
    EXPECT_EQ(overflow_field(star, {-k62, k62, k62}, threads, &root), "(no error)");
    EXPECT_EQ(root, k62);
  }
}

// Two threads split a chain of 8 at position 4: nodes 0..3 are completed with
// the sums of 4..7, so their range can only be judged afterwards.
TEST(Recalculate, GroupVolumeAcrossTheThreadSplitIsJudgedWhole) {
  constexpr std::int64_t k62 = std::int64_t{1} << 62;
  std::vector<Node> chain(8, kNoNode);
  for (Node i = 1; i < 8; ++i) chain[i] = i - 1;
  for (const std::uint32_t threads : {1u, 2u}) {
    std::int64_t root = 0;
    EXPECT_EQ(overflow_field(chain, {k62, k62, 0, 0, 0, 0, 0, 0}, threads), "pv");
    EXPECT_EQ(overflow_field(chain, {k62, 0, 0, 0, k62, 0, 0, 0}, threads), "pv");
    EXPECT_EQ(overflow_field(chain, {k62, k62, 0, 0, -5, 0, 0, 0}, threads, &root), "(no error)");
    EXPECT_EQ(root, kMax - 4);
    EXPECT_EQ(overflow_field(chain, {k62, 0, 0, 0, k62 - 1, 0, 0, 0}, threads, &root),
              "(no error)");
    EXPECT_EQ(root, kMax);
  }
}

}  // namespace
}  // namespace internal
DOWNLINE_END_NAMESPACE

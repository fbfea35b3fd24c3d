#include "genealogy/recalc.hpp"

#include <downline/error.hpp>

#include <algorithm>
#include <cstring>
#include <exception>
#include <limits>
#include <string>
#include <thread>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {
namespace {

// Sums of int64 volumes are kept exact in 128 bits (2^32 nodes of 2^63 cannot
// leave the range), so that only the finished group volumes need a range
// check and a negative PV cannot make a partial sum fail spuriously.
__extension__ typedef __int128 Wide;

// The length of the pre-order: placed nodes only (those waiting in a lobby
// or dropped out are outside the tree and keep zero figures).
std::size_t preorder_length(const NetworkTree& tree) {
  return tree.preorder_size();
}

// Below this many nodes a second thread costs more than it saves.
constexpr std::size_t kTwoThreadsFrom = std::size_t{1} << 16;

// The node order is a random permutation of the pre-order, so every record
// the sweep reads or writes is a cache (and TLB) miss; fetching those of the
// node this many positions ahead overlaps them (measured: 16 is the knee).
constexpr std::uint32_t kPrefetchDistance = 16;

// The sweep writes each node's figures as one record in out.scratch, one or
// two cache lines, rather than into five columns: scattered writes cost a
// line each, and one record instead of five halved the time of a pass
// (1M persons: 37 -> 19 ms, 10M: 700 -> 350 ms). A sequential pass copies
// the records into the columns. Words of a record: the group volume (two,
// int64), then a copy of the node's children sums (Pending's count columns:
// downline, active downline, the level counts, the active level counts).
constexpr std::size_t kGvWords = 2;
std::size_t record_words(std::size_t levels) {
  return kGvWords + 2 + 2 * levels;
}

// A kernel instantiated for this many levels takes the count at run time.
constexpr std::uint32_t kAnyLevels = std::numeric_limits<std::uint32_t>::max();

bool fits_int64(Wide v) {
  return v >= std::numeric_limits<std::int64_t>::min() &&
         v <= std::numeric_limits<std::int64_t>::max();
}

// The sums of the finished subtrees that wait for their parent, by depth: in
// reverse pre-order, the next node met at depth d - 1 is the parent of every
// finished node at depth d not yet claimed, so one row per depth suffices
// and a node's children sums are the row below its own, read once and
// cleared. Count columns: [0] persons, [1] active persons, [2, 2 + L)
// persons at each relative level of the subtrees (0: their roots), then
// [2 + L, 2 + 2L) the same for active persons.
class Pending {
 public:
  explicit Pending(std::uint32_t levels) : stride_(2 + 2 * std::size_t{levels}) { grow(64); }

  std::size_t stride() const { return stride_; }
  /// Makes rows `depth` and `depth + 1` exist.
  void reserve(std::uint32_t depth) {
    if (depth + std::size_t{2} > gv_.size()) grow(std::max(gv_.size() * 2, depth + std::size_t{2}));
  }
  Wide& gv(std::uint32_t depth) { return gv_[depth]; }
  std::uint32_t* counts(std::uint32_t depth) { return counts_.data() + depth * stride_; }
  /// Row 0; the rows follow each other every stride() counts.
  std::uint32_t* counts() { return counts_.data(); }

 private:
  void grow(std::size_t depths) {
    gv_.resize(depths, 0);
    counts_.resize(depths * stride_, 0);
  }

  std::size_t stride_;
  std::vector<Wide> gv_;
  std::vector<std::uint32_t> counts_;
};

// One contiguous range of pre-order positions swept on its own.
struct Part {
  explicit Part(std::uint32_t levels) : pending(levels) {}

  Pending pending;
  // For a part with another after it: the partial group volumes of the
  // ancestors of the first node after the part (the spine), by depth. They
  // lack the other part's subtrees, so their range is checked after those
  // are added.
  std::vector<Wide> spine_gv;
  bool overflow = false;
};

// Sweeps positions [begin, end) in reverse pre-order into `records`. Every
// node whose subtree lies inside the range gets its final figures;
// `spine_depth` is the depth of the node at `end` when a part follows (0
// otherwise), whose ancestors get partial figures completed by
// add_following_part.
template <std::uint32_t kLevels>
void sweep(const NetworkTree& tree, const RecalcInput& in, std::uint32_t* records,
           std::uint32_t begin, std::uint32_t end, std::uint32_t spine_depth, Part& part) {
  const std::size_t levels = kLevels == kAnyLevels ? in.levels : kLevels;
  const std::size_t stride = 2 + 2 * levels;  // a constant for a fixed level count
  const std::size_t words = kGvWords + stride;
  const std::int64_t* const pv = in.pv_micros.data();
  const std::uint8_t* const active = in.active.data();
  Pending& pending = part.pending;
  part.spine_gv.assign(spine_depth, 0);
  std::uint32_t spine = spine_depth;
  bool overflow = false;

  for (std::uint32_t pos = end; pos-- > begin;) {
    if (pos >= begin + kPrefetchDistance) {
      const std::size_t ahead = tree.at(pos - kPrefetchDistance);
      __builtin_prefetch(pv + ahead);
      __builtin_prefetch(active + ahead);
      __builtin_prefetch(records + ahead * words, 1);
      __builtin_prefetch(records + ahead * words + words - 1, 1);
    }
    const std::size_t v = tree.at(pos);
    const std::uint32_t d = tree.depth_at(pos);
    pending.reserve(d);
    std::uint32_t* const here = pending.counts() + d * stride;
    std::uint32_t* const below = here + stride;
    const Wide g = pv[v] + pending.gv(d + 1);
    // Going backwards from `end`, the first node shallower than every node
    // met so far is the next ancestor of the node at `end`.
    if (d < spine) {
      part.spine_gv[d] = g;
      spine = d;
    } else if (!fits_int64(g)) {
      overflow = true;
    }
    const std::uint32_t a = active[v] != 0;
    std::uint32_t* const record = records + v * words;
    const auto gv = static_cast<std::int64_t>(g);
    std::memcpy(record, &gv, sizeof gv);
    std::memcpy(record + kGvWords, below, stride * sizeof(std::uint32_t));
    here[0] += 1 + below[0];
    here[1] += a + below[1];
    if (levels > 0) {
      here[2] += 1;
      here[2 + levels] += a;
      for (std::size_t k = 1; k < levels; ++k) {
        here[2 + k] += below[1 + k];
        here[2 + levels + k] += below[1 + levels + k];
      }
    }
    pending.gv(d) += g;
    pending.gv(d + 1) = 0;
    std::fill_n(below, stride, 0u);
  }
  part.overflow = overflow;
}

// Completes the records of the ancestors of the node at position `split`,
// swept by `lower` without the subtrees of positions [split, end): `upper`'s
// leftover sums at depth j + 1 are children sums of the ancestor at depth j,
// and each ancestor's change reaches its own parent one level further down.
void add_following_part(const NetworkTree& tree, std::uint32_t levels, std::uint32_t split,
                        Part& upper, const Part& lower, std::uint32_t* records, bool& overflow) {
  const std::size_t stride = upper.pending.stride();
  const std::size_t words = record_words(levels);
  std::vector<std::uint32_t> carry(stride, 0), delta(stride);
  Wide carry_gv = 0;
  Node ancestor = tree.at(split);
  for (std::uint32_t j = tree.depth_at(split); j-- > 0;) {
    ancestor = tree.parent(ancestor);
    std::uint32_t* const record = records + std::size_t{ancestor} * words;
    const std::uint32_t* const left = upper.pending.counts(j + 1);
    for (std::size_t k = 0; k < stride; ++k) delta[k] = left[k] + carry[k];
    const Wide delta_gv = upper.pending.gv(j + 1) + carry_gv;
    const Wide g = lower.spine_gv[j] + delta_gv;
    if (!fits_int64(g)) overflow = true;
    const auto gv = static_cast<std::int64_t>(g);
    std::memcpy(record, &gv, sizeof gv);
    for (std::size_t k = 0; k < stride; ++k) record[kGvWords + k] += delta[k];
    carry_gv = delta_gv;
    carry[0] = delta[0];
    carry[1] = delta[1];
    for (std::size_t k = 0; k < levels; ++k) {
      carry[2 + k] = k == 0 ? 0 : delta[1 + k];
      carry[2 + levels + k] = k == 0 ? 0 : delta[1 + levels + k];
    }
  }
}

// Copies the records of nodes [begin, end) into the columns of `out`.
template <std::uint32_t kLevels>
void unpack(const std::uint32_t* records, NetworkFigures& out, std::size_t begin, std::size_t end) {
  const std::size_t levels = kLevels == kAnyLevels ? out.levels : kLevels;
  const std::size_t words = kGvWords + 2 + 2 * levels;
  for (std::size_t v = begin; v < end; ++v) {
    const std::uint32_t* const record = records + v * words;
    std::memcpy(&out.gv_micros[v], record, sizeof(std::int64_t));
    out.downline[v] = record[kGvWords];
    out.active_downline[v] = record[kGvWords + 1];
    if (levels > 0) {
      std::memcpy(&out.level_counts[v * levels], record + kGvWords + 2,
                  levels * sizeof(std::uint32_t));
      std::memcpy(&out.active_level_counts[v * levels], record + kGvWords + 2 + levels,
                  levels * sizeof(std::uint32_t));
    }
  }
}

// Runs `helper_work` on a second thread and `own_work` on this one; returns
// when both are done, rethrowing the helper's exception if it threw.
template <typename Helper, typename Own>
void in_two_threads(Helper helper_work, Own own_work) {
  std::exception_ptr helper_failed;
  {
    std::jthread helper([&] {
      try {
        helper_work();
      } catch (...) {
        helper_failed = std::current_exception();
      }
    });
    own_work();
  }
  if (helper_failed) std::rethrow_exception(helper_failed);
}

template <std::uint32_t kLevels>
void run(const NetworkTree& tree, const RecalcInput& in, NetworkFigures& out, std::uint32_t length,
         bool two_threads) {
  std::uint32_t* const records = out.scratch.data();
  const std::size_t n = tree.size();
  bool overflow = false;
  if (!two_threads) {
    Part whole(in.levels);
    sweep<kLevels>(tree, in, records, 0, length, 0, whole);
    overflow = whole.overflow;
    if (!overflow) unpack<kLevels>(records, out, 0, n);
  } else {
    // Two halves of the pre-order, each complete for the subtrees inside it;
    // only the ancestors of the split point need the upper half's sums, so
    // the figures are the same as one sweep's, whatever the timing.
    const std::uint32_t split = length / 2;
    Part lower(in.levels), upper(in.levels);
    in_two_threads(
        [&] { sweep<kLevels>(tree, in, records, split, length, 0, upper); },
        [&] { sweep<kLevels>(tree, in, records, 0, split, tree.depth_at(split), lower); });
    overflow = lower.overflow || upper.overflow;
    add_following_part(tree, in.levels, split, upper, lower, records, overflow);
    if (!overflow)
      in_two_threads([&] { unpack<kLevels>(records, out, n / 2, n); },
                     [&] { unpack<kLevels>(records, out, 0, n / 2); });
  }
  if (overflow)
    throw OutOfRange("a group volume does not fit in 64-bit micro-units (above 9.2e12 units)",
                     "pv");
}

}  // namespace

void recalculate(const NetworkTree& tree, const RecalcInput& in, NetworkFigures& out) {
  const std::size_t n = tree.size();
  if (in.pv_micros.size() != n)
    throw InvalidArgument("recalculation: " + std::to_string(in.pv_micros.size()) +
                              " personal volumes for a tree of " + std::to_string(n) + " nodes",
                          "pv_micros");
  if (in.active.size() != n)
    throw InvalidArgument("recalculation: " + std::to_string(in.active.size()) +
                              " active flags for a tree of " + std::to_string(n) + " nodes",
                          "active");
  if (in.levels > kMaxRecalcLevels)
    throw InvalidArgument("recalculation: at most " + std::to_string(kMaxRecalcLevels) +
                              " levels, not " + std::to_string(in.levels),
                          "levels");
  tree.ensure_intervals();
  const auto length = static_cast<std::uint32_t>(preorder_length(tree));
  const std::size_t levels = in.levels;
  out.levels = in.levels;
  out.gv_micros.resize(n);
  out.downline.resize(n);
  out.active_downline.resize(n);
  out.level_counts.resize(n * levels);
  out.active_level_counts.resize(n * levels);
  out.scratch.resize(n * record_words(levels));
  // The sweep writes the record of every placed node; only the others would
  // keep old values.
  if (length < n) std::fill(out.scratch.begin(), out.scratch.end(), 0u);
  const bool two_threads =
      length >= 2 && (in.threads >= 2 || (in.threads == 0 && length >= kTwoThreadsFrom &&
                                          std::thread::hardware_concurrency() >= 2));
  switch (in.levels) {
    case 0: run<0>(tree, in, out, length, two_threads); break;
    case 1: run<1>(tree, in, out, length, two_threads); break;
    case 2: run<2>(tree, in, out, length, two_threads); break;
    case 3: run<3>(tree, in, out, length, two_threads); break;
    case 4: run<4>(tree, in, out, length, two_threads); break;
    default: run<kAnyLevels>(tree, in, out, length, two_threads); break;
  }
}

NetworkFigures recalculate(const NetworkTree& tree, const RecalcInput& in) {
  NetworkFigures out;
  recalculate(tree, in, out);
  std::vector<std::uint32_t>().swap(out.scratch);  // nobody will reuse it
  return out;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

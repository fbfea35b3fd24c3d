// The reference model of the genealogy simulation (simulation_test.cpp): the
// company's networks as plain parent pointers with ordered child lists — no
// open depths, no intervals, no subtree sizes kept — and every documented
// rule (docs/configuration.md, include/downline/*.hpp) written out naively:
// placement by breadth-first search and leg walks, subtree counts by
// recursion, history as a change log replayed for "as of" questions.
//
// Where the documents leave a choice open, the model follows the library's
// stated tie-breaks (network_index.hpp, placement.cpp comments) and says so:
//  - which refusal wins when several apply: the order the library checks in;
//  - children moved up in an unlimited network arrive last (genealogy.hpp
//    says "the first takes the freed position", true of width-limited ones);
//  - "within": "extreme" inside any leg but the first walks the rightmost slot;
//  - a search starting from a referrer without a place walks up the sponsor
//    network to the nearest placed person;
//  - an earlier request of the same bulk call named as sponsor is judged by
//    the initial status, before the enrollment rules change it.
#pragma once

#include <downline/downline.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace downline::sim {

using Node = std::int32_t;  ///< person id - 1
inline constexpr Node kNone = -1;

inline Node node_of(PersonId id) {
  return static_cast<Node>(id.value() - 1);
}
inline PersonId id_of(Node n) {
  return n == kNone ? PersonId{} : PersonId{static_cast<std::int64_t>(n) + 1};
}

inline constexpr std::int64_t kHourUs = 3'600'000'000LL;
inline constexpr std::int64_t kDayUs = 24 * kHourUs;

/// What the model expects a call to throw.
struct Refusal {
  Code code;
  std::string why;
};
[[noreturn]] inline void refuse(Code code, std::string why) {
  throw Refusal{code, std::move(why)};
}

enum class Structure : std::uint8_t { unilevel, binary, matrix, territorial };
enum class Policy : std::uint8_t {
  spillover,
  extreme_left,
  extreme_right,
  weaker_leg,
  sponsor_leg,
  lobby
};

inline const char* policy_name(Policy p) {
  switch (p) {
    case Policy::spillover: return "spillover";
    case Policy::extreme_left: return "extreme_left";
    case Policy::extreme_right: return "extreme_right";
    case Policy::weaker_leg: return "weaker_leg";
    case Policy::sponsor_leg: return "sponsor_leg";
    case Policy::lobby: return "lobby";
  }
  return "spillover";
}

/// One network of the configuration, as the simulation writes it.
struct NetSpec {
  std::string name;
  Structure structure = Structure::unilevel;
  std::uint32_t width = 0;      ///< 0 = unlimited (binary: 2)
  std::uint32_t depth = 0;      ///< matrix only
  std::uint32_t max_depth = 0;  ///< 0 = unlimited
  std::string source = "sponsor";
  bool from_referrer = false;
  Policy policy = Policy::spillover;
  bool within_extreme = false;
  std::uint32_t lobby_hours = 72;
  Policy fallback = Policy::spillover;
  std::uint32_t window_days = 0;
  std::uint32_t max_moves = 0;
  bool across_territories = true;  ///< forced false for territorial
  std::vector<Status> compress;

  bool fixed() const { return name == "sponsor" || name == "referral"; }

  std::string to_json() const {
    std::string j = "{\"name\": \"" + name + "\"";
    const char* s[] = {"unilevel", "binary", "matrix", "territorial"};
    j += ", \"structure\": \"" + std::string(s[static_cast<int>(structure)]) + "\"";
    if (structure != Structure::binary && width) j += ", \"width\": " + std::to_string(width);
    if (structure == Structure::matrix) j += ", \"depth\": " + std::to_string(depth);
    if (max_depth) j += ", \"max_depth\": " + std::to_string(max_depth);
    if (structure == Structure::territorial) j += ", \"source\": \"" + source + "\"";
    if (!fixed() && structure != Structure::territorial) {
      j += ", \"placement\": {\"from\": \"";
      j += from_referrer ? "referrer" : "sponsor";
      j += "\", \"policy\": \"" + std::string(policy_name(policy)) + "\"";
      j += ", \"within\": \"" + std::string(within_extreme ? "extreme" : "spillover") + "\"";
      j += ", \"lobby_hours\": " + std::to_string(lobby_hours);
      j += ", \"fallback\": \"" + std::string(policy_name(fallback)) + "\"}";
    }
    if (window_days || max_moves || !across_territories) {
      j += ", \"transfers\": {";
      std::string sep;
      if (window_days) j += "\"window_days\": " + std::to_string(window_days), sep = ", ";
      if (max_moves) j += sep + "\"max_moves\": " + std::to_string(max_moves), sep = ", ";
      if (!across_territories && structure != Structure::territorial)
        j += sep + "\"across_territories\": false";
      j += "}";
    }
    if (!compress.empty()) {
      j += ", \"compression\": {\"statuses\": [";
      for (std::size_t i = 0; i < compress.size(); ++i)
        j += (i ? ", \"" : "\"") + std::string(to_string(compress[i])) + "\"";
      j += "]}";
    }
    return j + "}";
  }
};

enum class Where : std::uint8_t { placed, lobby, dropout };

inline const char* where_name(Where w) {
  return w == Where::placed ? "placed" : w == Where::lobby ? "lobby" : "dropout";
}

struct Place {
  Node parent = kNone;
  std::uint32_t position = 0;
  Where where = Where::placed;
};

/// One network's tree: parent pointers, and each parent's children kept in
/// position order (slot order; arrival order in an unlimited network). A
/// node not placed has no parent and no children.
class Tree {
 public:
  Tree(std::uint32_t width, std::uint32_t max_depth) : width_(width), max_depth_(max_depth) {}

  std::uint32_t width() const { return width_; }
  std::uint32_t max_depth() const { return max_depth_; }
  std::size_t size() const { return parent_.size(); }
  Node parent(Node n) const { return parent_[n]; }
  std::uint32_t position(Node n) const { return position_[n]; }
  Where where(Node n) const { return where_[n]; }
  bool placed(Node n) const { return where_[n] == Where::placed; }
  const std::vector<Node>& kids(Node n) const { return kids_[n]; }
  const std::vector<Node>& roots() const { return roots_; }

  /// A new node, outside the tree.
  void add(Where where) {
    parent_.push_back(kNone);
    position_.push_back(0);
    where_.push_back(where == Where::placed ? Where::lobby : where);
    kids_.emplace_back();
  }
  /// Puts `n` (outside the tree, or just detached with its downline) under `p`.
  void attach(Node n, Node p, std::uint32_t position) {
    where_[n] = Where::placed;
    parent_[n] = p;
    position_[n] = position;
    if (p == kNone) {
      roots_.push_back(n);  // network parents in the order they became one
      return;
    }
    auto& k = kids_[p];
    auto it = std::find_if(k.begin(), k.end(), [&](Node c) { return position_[c] > position; });
    k.insert(it, n);
  }
  /// Takes `n` off its parent's list (its own children stay with it).
  void detach(Node n) {
    auto& list = parent_[n] == kNone ? roots_ : kids_[parent_[n]];
    list.erase(std::find(list.begin(), list.end(), n));
    parent_[n] = kNone;
  }
  /// Takes the childless or detached-children node out of the tree.
  void set_outside(Node n, Where where) {
    where_[n] = where;
    parent_[n] = kNone;
    position_[n] = 0;
  }

  std::uint32_t depth(Node n) const {
    std::uint32_t d = 0;
    for (Node u = parent_[n]; u != kNone; u = parent_[u]) ++d;
    return d;
  }
  /// True when `n` is strictly below `of` (both placed).
  bool is_below(Node n, Node of) const {
    if (!placed(n) || !placed(of)) return false;
    for (Node u = parent_[n]; u != kNone; u = parent_[u])
      if (u == of) return true;
    return false;
  }
  Node child_at(Node p, std::uint32_t slot) const {
    for (Node c : kids_[p])
      if (position_[c] == slot) return c;
    return kNone;
  }
  /// A free slot under `p` and `p` above the deepest level.
  bool has_room(Node p) const {
    if (max_depth_ && depth(p) >= max_depth_) return false;
    return width_ == 0 || kids_[p].size() < width_;
  }
  bool slot_free(Node p, std::uint32_t slot) const {
    if (!has_room(p)) return false;
    if (width_ == 0) return true;
    return slot < width_ && child_at(p, slot) == kNone;
  }
  /// The lowest free slot; in an unlimited network the next arrival number.
  std::uint32_t free_slot(Node p) const {
    if (width_ == 0) return kids_[p].empty() ? 0 : position_[kids_[p].back()] + 1;
    for (std::uint32_t s = 0;; ++s)
      if (child_at(p, s) == kNone) return s;
  }
  /// Persons below `n`.
  std::uint32_t downline_count(Node n) const {
    std::uint32_t count = 0;
    for (Node c : kids_[n]) count += 1 + downline_count(c);
    return count;
  }
  /// Levels below `n` (0 when childless).
  std::uint32_t height(Node n) const {
    std::uint32_t h = 0;
    for (Node c : kids_[n]) h = std::max(h, 1 + height(c));
    return h;
  }
  /// `n` and its downline, depth first, children in position order.
  void preorder(Node n, std::vector<Node>& out) const {
    out.push_back(n);
    for (Node c : kids_[n]) preorder(c, out);
  }
  std::vector<Node> preorder() const {
    std::vector<Node> out;
    for (Node r : roots_) preorder(r, out);
    return out;
  }

 private:
  std::uint32_t width_, max_depth_;
  std::vector<Node> parent_;
  std::vector<std::uint32_t> position_;
  std::vector<Where> where_;
  std::vector<std::vector<Node>> kids_;
  std::vector<Node> roots_;
};

/// One structural change, as the history keeps it.
struct Change {
  Instant at;
  Node node;
  Place to;
};

struct Net {
  NetSpec spec;
  Tree tree;
  std::vector<std::uint32_t> moves;  ///< transfers of each person
  Instant last_change{};             ///< latest effective time of a change
  std::vector<Place> first_place;    ///< the place enrollment gave
  std::vector<Change> log;           ///< in commit order
};

struct PersonRec {
  std::string ext;
  Status status = Status::active;
  CustomerType type = CustomerType::consultant;
  std::string zone;
  Instant enrolled;
};

/// A place decided, or the finding that stops it.
struct Decision {
  Place place;
  std::string problem;
};

inline Code problem_code(const std::string& problem) {
  return problem == "invalid_position" || problem == "leg_required" ? Code::invalid_argument
                                                                    : Code::failed_precondition;
}

struct EnrollExpect {
  Code code = Code::ok;  ///< thrown error, or ok
  std::string why;
  bool accepted = false;
  std::vector<PersonId> persons;
  std::vector<std::pair<Code, std::string>> findings;  ///< sorted (code, reason)
  std::int64_t last_event = 0;
};

struct AdjustExpect {
  Code code = Code::ok;
  std::string why;
  std::vector<PersonId> moved, removed;
  std::int64_t last_event = 0;  ///< 0 when nothing changed
};

/// Who an actor sees.
struct Scope {
  bool everyone = false;
  Node self = kNone;
};

class Model {
 public:
  Model(std::vector<NetSpec> specs, std::string dormant_channel)
      : dormant_(std::move(dormant_channel)) {
    for (auto& s : specs) {
      if (s.structure == Structure::binary) s.width = 2;
      if (s.structure == Structure::territorial) s.across_territories = false;
      nets_.push_back(Net{s, Tree(s.width, s.max_depth), {}, Instant{}, {}, {}});
    }
  }

  const std::vector<Net>& nets() const { return nets_; }
  const Net& net(std::size_t k) const { return nets_[k]; }
  const std::vector<PersonRec>& persons() const { return persons_; }
  std::size_t size() const { return persons_.size(); }
  std::int64_t events() const { return events_; }
  int network_index(const std::string& name) const {
    for (std::size_t k = 0; k < nets_.size(); ++k)
      if (nets_[k].spec.name == name) return static_cast<int>(k);
    return -1;
  }
  bool exists(PersonId id) const {
    return id.value() >= 1 && static_cast<std::size_t>(id.value()) <= persons_.size();
  }
  std::optional<Node> find_ext(const std::string& ext) const {
    auto it = by_ext_.find(ext);
    if (it == by_ext_.end()) return std::nullopt;
    return it->second;
  }

  // --- visibility ------------------------------------------------------------

  Scope scope_of(const Actor& actor) const {
    if (actor.sees_everyone()) return Scope{true, kNone};
    if (actor.person && exists(actor.person)) return Scope{false, node_of(actor.person)};
    refuse(Code::permission_denied, "actor sees no one");
  }
  bool sees(const Scope& s, Node n) const {
    return s.everyone || n == s.self || nets_[0].tree.is_below(n, s.self);
  }

  // --- placement ---------------------------------------------------------------

  /// Leftmost open position breadth first below `start` (itself first),
  /// the open parent at most `window` - 1 levels down (0 = unlimited).
  static Decision first_open(const Tree& t, Node start, std::uint32_t window) {
    std::vector<Node> level{start}, next;
    for (std::uint32_t rel = 0; !level.empty(); ++rel) {
      if (window && rel >= window) break;
      for (Node u : level)
        if (t.has_room(u)) return Decision{Place{u, t.free_slot(u), Where::placed}, ""};
      next.clear();
      for (Node u : level)
        for (Node c : t.kids(u)) next.push_back(c);
      level.swap(next);
    }
    return Decision{{}, "network_full"};
  }
  /// The bottom of the leg through slot `side`.
  static Decision extreme(const Tree& t, Node start, std::uint32_t side) {
    Node u = start;
    while (t.child_at(u, side) != kNone) u = t.child_at(u, side);
    if (!t.slot_free(u, side)) return Decision{{}, "network_full"};
    return Decision{Place{u, side, Where::placed}, ""};
  }
  static Decision into_leg(const NetSpec& spec, const Tree& t, Node start, std::uint32_t leg) {
    const Node top = t.child_at(start, leg);
    if (top == kNone) {
      if (!t.has_room(start)) return Decision{{}, "network_full"};
      return Decision{Place{start, leg, Where::placed}, ""};
    }
    // Inside the leg: its bottom (leg 0 down the left slot, any other leg
    // down the rightmost), or breadth first within the matrix's levels left.
    if (spec.within_extreme) return extreme(t, top, leg == 0 ? 0 : spec.width - 1);
    if (spec.depth == 1) return Decision{{}, "network_full"};
    return first_open(t, top, spec.depth == 0 ? 0 : spec.depth - 1);
  }
  static Decision decide(const NetSpec& spec, const Tree& t, Node start, Policy policy,
                         std::optional<std::uint32_t> leg) {
    if (policy == Policy::lobby) return Decision{Place{kNone, 0, Where::lobby}, ""};
    if (start == kNone) return Decision{};  // a network parent
    switch (policy) {
      case Policy::spillover: return first_open(t, start, spec.depth);
      case Policy::extreme_left: return extreme(t, start, 0);
      case Policy::extreme_right: return extreme(t, start, spec.width - 1);
      case Policy::sponsor_leg:
        if (!leg) return Decision{{}, "leg_required"};
        if (*leg >= spec.width) return Decision{{}, "invalid_position"};
        return into_leg(spec, t, start, *leg);
      case Policy::weaker_leg: {
        // Fewest persons; an empty leg counts 0; ties to the leftmost.
        std::uint32_t best = 0, best_count = UINT32_MAX;
        for (std::uint32_t s = 0; s < spec.width; ++s) {
          const Node c = t.child_at(start, s);
          const std::uint32_t count = c == kNone ? 0 : 1 + t.downline_count(c);
          if (count < best_count) best = s, best_count = count;
        }
        return into_leg(spec, t, start, best);
      }
      case Policy::lobby: break;
    }
    return Decision{};
  }
  static Decision check_explicit(const NetSpec& spec, const Tree& t, Node parent,
                                 std::optional<std::uint32_t> position) {
    if (!t.placed(parent)) return Decision{{}, "parent_not_placed"};
    if (!t.has_room(parent)) return Decision{{}, "network_full"};
    if (spec.width && position && *position >= spec.width) return Decision{{}, "invalid_position"};
    const std::uint32_t slot = position && spec.width ? *position : t.free_slot(parent);
    if (!t.slot_free(parent, slot)) return Decision{{}, "position_taken"};
    return Decision{Place{parent, slot, Where::placed}, ""};
  }
  /// The nearest person at or above `n` in the sponsor network placed in `t`.
  Node placed_at_or_above(const Tree& t, Node n) const {
    while (n != kNone && !t.placed(n)) n = nets_[0].tree.parent(n);
    return n;
  }

  // --- enrollment --------------------------------------------------------------

  EnrollExpect enroll(const Actor& actor, const std::vector<EnrollmentRequest>& requests,
                      Instant now) {
    EnrollExpect out;
    Model next = *this;  // changed, then kept only when accepted
    try {
      next.enroll_into(actor, requests, now, out);
    } catch (const Refusal& r) {
      out = EnrollExpect{};
      out.code = r.code;
      out.why = r.why;
      return out;
    }
    std::sort(out.findings.begin(), out.findings.end());
    if (out.accepted) *this = std::move(next);
    return out;
  }

  // --- adjustments -------------------------------------------------------------

  AdjustExpect transfer(const Actor& actor, const TransferRequest& r, Instant now) {
    return adjust([&](Model& m, AdjustExpect& out) { m.transfer_into(actor, r, now, out); });
  }
  AdjustExpect compress(const Actor& actor, const CompressionRequest& r, Instant now) {
    return adjust([&](Model& m, AdjustExpect& out) { m.compress_into(actor, r, now, out); });
  }
  AdjustExpect place(const Actor& actor, PersonId person, const PlacementChoice& where,
                     Instant now) {
    return adjust(
        [&](Model& m, AdjustExpect& out) { m.place_into(actor, person, where, now, out); });
  }
  AdjustExpect place_expired(const Actor& actor, const std::string& network, Instant now) {
    return adjust(
        [&](Model& m, AdjustExpect& out) { m.place_expired_into(actor, network, now, out); });
  }

  // --- history -----------------------------------------------------------------

  /// Network `k` as of `at`: each person enrolled by then at the place of
  /// their latest change at or before `at` (else where enrollment put them);
  /// one whose parent was not enrolled or not placed then is a network parent.
  /// `conflict` tells when those places do not form a tree (two persons in
  /// one slot, a cycle): history that cannot be replayed.
  struct PastTree {
    Tree tree;
    std::vector<bool> present;
    bool conflict = false;
    std::string conflict_why;
  };
  PastTree tree_at(std::size_t k, Instant at) const {
    const Net& net = nets_[k];
    const std::size_t n = persons_.size();
    PastTree past{Tree(net.tree.width(), net.tree.max_depth()), std::vector<bool>(n), false, ""};
    std::vector<Place> places = net.first_place;
    for (const Change& c : net.log)
      if (c.at <= at) places[c.node] = c.to;
    for (std::size_t v = 0; v < n; ++v) past.present[v] = persons_[v].enrolled <= at;
    for (std::size_t v = 0; v < n; ++v) {
      if (!past.present[v]) {
        places[v] = Place{kNone, 0, Where::lobby};
      } else if (places[v].parent != kNone && !past.present[places[v].parent]) {
        places[v].parent = kNone;
      }
    }
    for (std::size_t v = 0; v < n; ++v)
      if (places[v].parent != kNone && places[places[v].parent].where != Where::placed)
        places[v].parent = kNone;
    for (std::size_t v = 0; v < n; ++v) past.tree.add(places[v].where);
    // Network parents in id order, children by position.
    for (std::size_t v = 0; v < n; ++v) {
      const Place& p = places[v];
      if (p.where != Where::placed) continue;
      const Node node = static_cast<Node>(v);
      if (p.parent != kNone) {
        for (Node c : past.tree.kids(p.parent))
          if (past.tree.position(c) == p.position) {
            past.conflict = true;
            past.conflict_why = "persons " + std::to_string(c + 1) + " and " +
                                std::to_string(v + 1) + " in slot " + std::to_string(p.position) +
                                " under " + std::to_string(p.parent + 1);
          }
      }
      past.tree.attach(node, p.parent, p.position);
    }
    for (std::size_t v = 0; v < n; ++v) {
      std::size_t steps = 0;
      for (Node u = past.tree.placed(static_cast<Node>(v)) ? past.tree.parent(static_cast<Node>(v))
                                                           : kNone;
           u != kNone && !past.conflict; u = past.tree.parent(u))
        if (++steps > n) {
          past.conflict = true;
          past.conflict_why = "a cycle through person " + std::to_string(v + 1);
        }
    }
    return past;
  }

  // --- private steps, public for the simulation's reports ----------------------

  template <class Fn>
  AdjustExpect adjust(Fn&& fn) {
    AdjustExpect out;
    Model next = *this;
    try {
      fn(next, out);
    } catch (const Refusal& r) {
      out = AdjustExpect{};
      out.code = r.code;
      out.why = r.why;
      return out;
    }
    *this = std::move(next);
    return out;
  }

  std::size_t net_of(const std::string& name) const {
    const int k = network_index(name);
    if (k < 0) refuse(Code::not_found, "unknown network '" + name + "'");
    return static_cast<std::size_t>(k);
  }
  Node existing(PersonId id, const char* what) const {
    if (!exists(id)) refuse(Code::not_found, std::string("unknown ") + what);
    return node_of(id);
  }
  static void require_staff(const Actor& actor, const char* what) {
    if (!actor.sees_everyone()) refuse(Code::permission_denied, std::string("staff only: ") + what);
  }
  /// The effective time: given or now, never after now (the trees show a
  /// change at once), never before the network's latest change.
  Instant effective(std::size_t k, std::optional<Instant> given, Instant now) const {
    const Instant at = given.value_or(now);
    if (at > now) refuse(Code::failed_precondition, "in the future");
    if (at < nets_[k].last_change) refuse(Code::failed_precondition, "before the latest change");
    return at;
  }

  /// Records one change of network `k` (one event) in `out`.
  void record(std::size_t k, Node n, Instant at, AdjustExpect& out) {
    Net& net = nets_[k];
    const Place to{net.tree.parent(n), net.tree.position(n), net.tree.where(n)};
    net.log.push_back(Change{at, n, to});
    out.last_event = ++events_;
    (to.where == Where::placed ? out.moved : out.removed).push_back(id_of(n));
  }
  /// Closes an adjustment of network `k` effective `at`.
  void close(std::size_t k, Instant at, const AdjustExpect& out) {
    if (out.last_event) nets_[k].last_change = std::max(nets_[k].last_change, at);
  }

  /// Takes `n` out with its children moving up to its parent: the first
  /// takes its slot in a width-limited network, the others the lowest free
  /// slots; in an unlimited network each arrives last; under no parent they
  /// become network parents. Returns the children moved, in slot order.
  std::vector<Node> lift(Tree& t, Node n, Where where) {
    const Node p = t.parent(n);
    const std::uint32_t slot = t.position(n);
    const std::vector<Node> kids = t.kids(n);
    t.detach(n);
    bool first = true;
    for (Node c : kids) {
      t.detach(c);
      std::uint32_t position = 0;
      if (p != kNone) position = first && t.width() ? slot : t.free_slot(p);
      first = false;
      t.attach(c, p, position);
    }
    t.set_outside(n, where);
    return kids;
  }
  /// True when `n`'s children fit under its parent once `n`'s slot is free.
  static bool children_fit_above(const Tree& t, Node n) {
    const Node p = t.parent(n);
    if (p == kNone || t.width() == 0) return true;
    return t.kids(n).size() <= t.width() - t.kids(p).size() + 1;
  }

  Decision by_policy(std::size_t k, Node n, Policy policy, std::optional<std::uint32_t> leg) const {
    const Net& net = nets_[k];
    Node start = net.spec.from_referrer ? nets_[1].tree.parent(n) : nets_[0].tree.parent(n);
    start = placed_at_or_above(net.tree, start);
    if (leg) policy = Policy::sponsor_leg;
    return decide(net.spec, net.tree, start, policy, leg);
  }

  void transfer_into(const Actor& actor, const TransferRequest& r, Instant now, AdjustExpect& out) {
    require_staff(actor, "transfer");
    const std::size_t k = net_of(r.network);
    Net& net = nets_[k];
    Tree& t = net.tree;
    const Node n = existing(r.person, "person");
    if (!t.placed(n)) refuse(Code::failed_precondition, "person not placed");
    Node parent = kNone;
    if (r.new_parent) {
      parent = existing(r.new_parent, "new parent");
      if (parent == n || t.is_below(parent, n))
        refuse(Code::failed_precondition, "under their own downline");
      if (!t.placed(parent)) refuse(Code::failed_precondition, "new parent not placed");
      if (!net.spec.across_territories && persons_[parent].zone != persons_[n].zone)
        refuse(Code::failed_precondition, "another territory");
    } else if (r.position && *r.position != 0) {
      refuse(Code::invalid_argument, "a network parent has no position");
    }
    if (r.position && net.spec.width && *r.position >= net.spec.width)
      refuse(Code::invalid_argument, "position outside the width");
    const Instant at = effective(k, r.effective_at, now);
    const Instant enrolled = persons_[n].enrolled;
    if (at < enrolled) refuse(Code::failed_precondition, "before the enrollment");
    if (net.spec.window_days && at.micros_since_epoch - enrolled.micros_since_epoch >
                                    static_cast<std::int64_t>(net.spec.window_days) * kDayUs)
      refuse(Code::failed_precondition, "outside the move window");
    if (net.spec.max_moves && net.moves[n] >= net.spec.max_moves)
      refuse(Code::failed_precondition, "too many moves");
    if (parent == t.parent(n) && (!r.position || *r.position == t.position(n)) && r.with_downline)
      refuse(Code::failed_precondition, "already there");
    std::vector<Node> lifted;
    if (!r.with_downline) {
      if (!children_fit_above(t, n)) refuse(Code::failed_precondition, "children do not fit");
      lifted = lift(t, n, Where::lobby);
    }
    std::uint32_t position = 0;
    if (parent != kNone) {
      const Decision d = check_explicit(net.spec, t, parent, r.position);
      if (!d.problem.empty()) refuse(problem_code(d.problem), d.problem);
      position = d.place.position;
      if (r.with_downline && net.spec.max_depth &&
          t.depth(parent) + 1 + t.height(n) > net.spec.max_depth)
        refuse(Code::failed_precondition, "too deep");
    }
    for (Node c : lifted) record(k, c, at, out);
    if (r.with_downline) t.detach(n);
    t.attach(n, parent, position);
    ++net.moves[n];
    record(k, n, at, out);
    close(k, at, out);
  }

  void compress_into(const Actor& actor, const CompressionRequest& r, Instant now,
                     AdjustExpect& out) {
    require_staff(actor, "compress");
    const std::size_t k = net_of(r.network);
    if (k < 2) refuse(Code::invalid_argument, "compressing the " + r.network + " network");
    Net& net = nets_[k];
    Tree& t = net.tree;
    std::vector<Node> removed;
    if (!r.persons.empty()) {
      for (PersonId id : r.persons) {
        const Node n = existing(id, "person to remove");
        if (!t.placed(n)) refuse(Code::failed_precondition, "person to remove not placed");
        removed.push_back(n);
      }
    } else {
      if (net.spec.compress.empty())
        refuse(Code::invalid_argument, "no compression statuses configured");
      for (Node n = 0; n < static_cast<Node>(t.size()); ++n)
        if (t.placed(n) && std::find(net.spec.compress.begin(), net.spec.compress.end(),
                                     persons_[n].status) != net.spec.compress.end())
          removed.push_back(n);
    }
    const Instant at = effective(k, r.effective_at, now);
    // Top down: in the tree's pre-order, so that each child moves up once.
    const std::vector<Node> order = t.preorder();
    std::vector<Node> sorted;
    for (Node n : order)
      if (std::find(removed.begin(), removed.end(), n) != removed.end()) sorted.push_back(n);
    for (Node n : sorted) {
      if (!children_fit_above(t, n)) refuse(Code::failed_precondition, "children do not fit");
      const std::vector<Node> lifted = lift(t, n, Where::dropout);
      record(k, n, at, out);
      for (Node c : lifted) record(k, c, at, out);
    }
    close(k, at, out);
  }

  void place_into(const Actor& actor, PersonId person, const PlacementChoice& where, Instant now,
                  AdjustExpect& out) {
    const std::size_t k = net_of(where.network);
    Net& net = nets_[k];
    const Scope scope = scope_of(actor);
    const Node n = existing(person, "person");
    if (!sees(scope, n)) refuse(Code::permission_denied, "may not see the person");
    if (net.tree.where(n) != Where::lobby) refuse(Code::failed_precondition, "not in the lobby");
    const Instant at = effective(k, std::nullopt, now);
    if (!scope.everyone &&
        now.micros_since_epoch > persons_[n].enrolled.micros_since_epoch +
                                     static_cast<std::int64_t>(net.spec.lobby_hours) * kHourUs)
      refuse(Code::failed_precondition, "the lobby window is over");
    Decision d;
    if (where.parent) {
      const Node parent = existing(where.parent, "parent");
      if (!sees(scope, parent)) refuse(Code::permission_denied, "may not see the parent");
      if (!net.spec.across_territories && persons_[parent].zone != persons_[n].zone)
        refuse(Code::failed_precondition, "another territory");
      d = check_explicit(net.spec, net.tree, parent, where.position);
    } else {
      d = by_policy(k, n, net.spec.fallback, where.position);
    }
    if (!d.problem.empty()) refuse(problem_code(d.problem), d.problem);
    net.tree.attach(n, d.place.parent, d.place.position);
    record(k, n, at, out);
    close(k, at, out);
  }

  void place_expired_into(const Actor& actor, const std::string& network, Instant now,
                          AdjustExpect& out) {
    require_staff(actor, "place the expired");
    const std::size_t k = net_of(network);
    Net& net = nets_[k];
    const Instant at = effective(k, std::nullopt, now);
    const std::int64_t window = static_cast<std::int64_t>(net.spec.lobby_hours) * kHourUs;
    for (Node n = 0; n < static_cast<Node>(net.tree.size()); ++n) {
      if (net.tree.where(n) != Where::lobby) continue;
      if (persons_[n].enrolled.micros_since_epoch + window > now.micros_since_epoch) continue;
      const Decision d = by_policy(k, n, net.spec.fallback, std::nullopt);
      if (!d.problem.empty()) refuse(problem_code(d.problem), d.problem);
      net.tree.attach(n, d.place.parent, d.place.position);
      record(k, n, at, out);
    }
    close(k, at, out);
  }

  /// Where a newcomer goes in placement network `k`; a finding when it
  /// cannot (the newcomer then waits outside the tree until the call ends).
  Place place_newcomer(const Scope& scope, const EnrollmentRequest& r, std::size_t k,
                       const std::vector<Place>& earlier, const std::string& zone,
                       std::vector<std::pair<Code, std::string>>& findings) const {
    const Net& net = nets_[k];
    const Tree& t = net.tree;
    const Place unplaced{kNone, 0, Where::lobby};
    const PlacementChoice* choice = nullptr;
    for (const auto& p : r.placements) {
      if (network_index(p.network) != static_cast<int>(k)) continue;
      if (choice) {
        findings.emplace_back(Code::invalid_argument, "duplicate_placement");
        return unplaced;
      }
      choice = &p;
    }
    const auto finding = [&](const Decision& d) {
      findings.emplace_back(problem_code(d.problem), d.problem);
      return unplaced;
    };
    if (choice && choice->parent) {
      if (!exists(choice->parent)) {
        findings.emplace_back(Code::not_found, "parent_not_found");
        return unplaced;
      }
      const Node parent = node_of(choice->parent);
      if (!sees(scope, parent)) refuse(Code::permission_denied, "may not place under the parent");
      if (!net.spec.across_territories && persons_[parent].zone != zone) {
        findings.emplace_back(Code::failed_precondition, "other_territory");
        return unplaced;
      }
      const Decision d = check_explicit(net.spec, t, parent, choice->position);
      if (!d.problem.empty()) return finding(d);
      return d.place;
    }
    if (net.spec.structure == Structure::territorial) {
      // The nearest upline in the source network of the same zone, placed here.
      const std::size_t src = static_cast<std::size_t>(network_index(net.spec.source));
      Node up = earlier[src].parent;
      while (up != kNone && (persons_[up].zone != zone || !t.placed(up)))
        up = nets_[src].tree.parent(up);
      if (up == kNone) return Place{};
      const Decision d = check_explicit(net.spec, t, up, std::nullopt);
      if (!d.problem.empty()) return finding(d);
      return d.place;
    }
    const Node from = net.spec.from_referrer ? earlier[1].parent : earlier[0].parent;
    const Node start = placed_at_or_above(t, from);
    Policy policy = net.spec.policy;
    std::optional<std::uint32_t> leg;
    if (choice && choice->position) {
      leg = choice->position;
      policy = Policy::sponsor_leg;
    }
    const Decision d = decide(net.spec, t, start, policy, leg);
    if (!d.problem.empty()) return finding(d);
    return d.place;
  }

  void enroll_into(const Actor& actor, const std::vector<EnrollmentRequest>& requests, Instant now,
                   EnrollExpect& out) {
    const Scope scope = scope_of(actor);
    const std::size_t n = requests.size();
    const std::size_t first = persons_.size();
    auto& findings = out.findings;
    std::map<std::string, std::size_t> batch_ext;
    std::vector<bool> taken(n, false);
    std::vector<Node> sponsor(n, kNone), referrer(n, kNone);
    struct Resolved {
      Node node = kNone;
      bool found = false;
      Status status = Status::active;
    };
    const auto resolve = [&](PersonId id, const std::string& ext, const char* what) {
      if (id) {
        if (exists(id)) return Resolved{node_of(id), true, persons_[node_of(id)].status};
        findings.emplace_back(Code::not_found, std::string(what) + "_not_found");
        return Resolved{};
      }
      // An earlier request of the call is judged by the status it starts with.
      if (auto it = batch_ext.find(ext); it != batch_ext.end())
        return Resolved{static_cast<Node>(first + it->second), true, initial_};
      if (auto found = find_ext(ext)) return Resolved{*found, true, persons_[*found].status};
      findings.emplace_back(Code::not_found, std::string(what) + "_not_found");
      return Resolved{};
    };
    const auto is_earlier_request = [&](Node v) { return v >= static_cast<Node>(first); };
    for (std::size_t i = 0; i < n; ++i) {
      const EnrollmentRequest& r = requests[i];
      const std::size_t before = findings.size();
      const auto blank = [](const std::string& s) {
        return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
      };
      if (blank(r.person.first_name)) findings.emplace_back(Code::invalid_argument, "required");
      if (blank(r.person.last_name)) findings.emplace_back(Code::invalid_argument, "required");
      if (blank(r.person.email)) findings.emplace_back(Code::invalid_argument, "required");
      if (!blank(r.person.email) && r.person.email.find('@') == std::string::npos)
        findings.emplace_back(Code::invalid_argument, "invalid_email");
      if (r.sponsor && !r.sponsor_external_id.empty())
        findings.emplace_back(Code::invalid_argument, "ambiguous_sponsor");
      if (r.referrer && !r.referrer_external_id.empty())
        findings.emplace_back(Code::invalid_argument, "ambiguous_referrer");
      for (const auto& p : r.placements)
        if (network_index(p.network) < 2)
          findings.emplace_back(Code::invalid_argument, "unknown_network");
      Resolved sp;
      if (r.sponsor || !r.sponsor_external_id.empty()) {
        sp = resolve(r.sponsor, r.sponsor_external_id, "sponsor");
        if (sp.found && sp.status != Status::active)
          findings.emplace_back(Code::failed_precondition, "sponsor_inactive");
        if (sp.found && !is_earlier_request(sp.node) && !sees(scope, sp.node))
          refuse(Code::permission_denied, "may not enroll under the sponsor");
      } else if (!scope.everyone) {
        refuse(Code::permission_denied, "only staff enroll a network parent");
      }
      Resolved rf = sp;
      if (r.referrer || !r.referrer_external_id.empty()) {
        rf = resolve(r.referrer, r.referrer_external_id, "referrer");
        if (rf.found && !is_earlier_request(rf.node) && !sees(scope, rf.node))
          refuse(Code::permission_denied, "may not see the referrer");
      }
      sponsor[i] = sp.node;
      referrer[i] = rf.node;
      const std::string& ext = r.person.external_id;
      if (!ext.empty()) {
        if (batch_ext.count(ext)) {
          findings.emplace_back(Code::already_exists, "duplicate_external_id");
          taken[i] = true;
        } else if (findings.size() == before) {
          batch_ext.emplace(ext, i);
        }
      }
    }
    const auto store_duplicates = [&] {
      for (std::size_t i = 0; i < n; ++i)
        if (!taken[i] && !requests[i].person.external_id.empty() &&
            find_ext(requests[i].person.external_id))
          findings.emplace_back(Code::already_exists, "duplicate_external_id");
    };
    if (!findings.empty()) return store_duplicates();

    // Placement, request by request: each sees the places taken before it.
    const std::size_t nets = nets_.size();
    std::vector<std::vector<Place>> places(n, std::vector<Place>(nets));
    for (std::size_t i = 0; i < n; ++i) {
      const EnrollmentRequest& r = requests[i];
      std::vector<Place>& place = places[i];
      const Node parents[2] = {sponsor[i], referrer[i]};
      for (std::size_t k = 0; k < 2; ++k) {
        place[k].parent = parents[k];
        if (parents[k] != kNone) place[k].position = nets_[k].tree.free_slot(parents[k]);
      }
      for (std::size_t k = 2; k < nets; ++k)
        place[k] = place_newcomer(scope, r, k, place, r.person.zone, findings);
      add_person(r, now, place);
    }
    // The store's unique index answers for external ids taken before.
    store_duplicates();
    if (!findings.empty()) return;
    out.accepted = true;
    for (std::size_t i = 0; i < n; ++i) {
      out.persons.push_back(id_of(static_cast<Node>(first + i)));
      if (!requests[i].person.external_id.empty())
        by_ext_.emplace(requests[i].person.external_id, static_cast<Node>(first + i));
    }
    events_ += static_cast<std::int64_t>(n);
    out.last_event = events_;
  }

  void add_person(const EnrollmentRequest& r, Instant now, const std::vector<Place>& place) {
    const Node v = static_cast<Node>(persons_.size());
    PersonRec p;
    p.ext = r.person.external_id;
    p.status = r.channel == dormant_ ? Status::inactive : initial_;
    p.type = r.type;
    p.zone = r.person.zone;
    p.enrolled = r.effective_at.value_or(now);
    persons_.push_back(p);
    for (std::size_t k = 0; k < nets_.size(); ++k) {
      Net& net = nets_[k];
      net.tree.add(place[k].where);
      if (place[k].where == Where::placed) net.tree.attach(v, place[k].parent, place[k].position);
      net.moves.push_back(0);
      net.first_place.push_back(Place{net.tree.parent(v), net.tree.position(v), net.tree.where(v)});
    }
  }

 private:
  std::vector<Net> nets_;
  std::vector<PersonRec> persons_;
  std::map<std::string, Node> by_ext_;
  std::int64_t events_ = 0;
  Status initial_ = Status::active;
  std::string dormant_;
};

}  // namespace downline::sim

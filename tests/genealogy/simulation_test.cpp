// The seeded simulation of the genealogy (issue 5): a generator issues mixed
// operations — enrollments (one and in batches, every placement policy,
// chosen places), transfers with and without the downline, compressions,
// lobby placement, clock moves, questions "now" and "as of" — about 30% of
// them invalid on purpose, against the library and against the reference
// model of reference_model.hpp. After every operation the return codes, the
// returned sets and the full state of every network must agree, and the
// index's invariants must hold, and after every write (accepted or
// refused) Company::verify must find the index and the store in agreement.
//
// Times: changes are effective now or at an earlier instant no sooner than
// the network's latest change (later ones and earlier ones are refusals the
// generator aims at); a back-dated enrollment is never dated before any
// network's latest change: its place could then collide, as of some
// instants, with a place history gives back (an "as of" reader answers
// DATA_LOSS in a width-limited network, two persons at one position in an
// unlimited one). That is an open question of the library, not modelled.
// Compare as sets: the network parents of a tree and, when a compression
// spans several of their trees, its outcome (their order is the live
// index's history, not a rule).
//
// A failure prints the seed; DOWNLINE_SEED=<n> replays exactly that seed
// (DOWNLINE_SIM_TRACE=1 prints each operation as it runs). DOWNLINE_SEEDS
// (how many) and DOWNLINE_SEED_FIRST (the first) change the range;
// DOWNLINE_SIM_STATS=1 prints what was done and refused.
#include <downline/downline.hpp>

#include "company/company_state.hpp"
#include "genealogy/verify.hpp"
#include "reference_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace downline::sim {
namespace {

constexpr int kOpsPerSeed = 300;
constexpr int kShards = 8;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr std::uint64_t kDefaultSeeds = 200;  // the sanitizers cost ~10x
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr std::uint64_t kDefaultSeeds = 200;
#else
constexpr std::uint64_t kDefaultSeeds = 2000;
#endif
#else
constexpr std::uint64_t kDefaultSeeds = 2000;
#endif

const char* kDormant = "dormant";

std::optional<std::uint64_t> env_number(const char* name) {
  const char* text = std::getenv(name);
  if (!text || !*text) return std::nullopt;
  return std::stoull(text);
}

// --- configurations ------------------------------------------------------------

NetSpec net(std::string name, Structure structure, std::uint32_t width = 0,
            std::uint32_t depth = 0) {
  NetSpec s;
  s.name = std::move(name);
  s.structure = structure;
  s.width = width;
  s.depth = depth;
  return s;
}

/// Three hybrid plans over the same persons; a seed uses one.
std::vector<NetSpec> variant(int v) {
  std::vector<NetSpec> nets{net("sponsor", Structure::unilevel),
                            net("referral", Structure::unilevel)};
  const auto add = [&](NetSpec s) -> NetSpec& { return nets.emplace_back(std::move(s)); };
  if (v == 0) {
    auto& bin = add(net("bin", Structure::binary));
    bin.window_days = 7, bin.max_moves = 2, bin.compress = {Status::inactive};
    auto& mat = add(net("mat", Structure::matrix, 3, 2));
    mat.compress = {Status::inactive, Status::retired};
    auto& uni = add(net("uni", Structure::unilevel, 2));
    uni.max_depth = 7, uni.max_moves = 3;
    auto& left = add(net("left", Structure::binary));
    left.policy = Policy::extreme_left, left.from_referrer = true;
    auto& weak = add(net("weak", Structure::binary));
    weak.policy = Policy::weaker_leg, weak.compress = {Status::inactive};
    auto& leg = add(net("leg", Structure::binary));
    leg.policy = Policy::sponsor_leg;
    auto& lob = add(net("lob", Structure::binary));
    lob.policy = Policy::lobby, lob.lobby_hours = 2, lob.fallback = Policy::spillover;
    lob.compress = {Status::inactive};
    auto& zone = add(net("zone", Structure::territorial, 4));
    zone.compress = {Status::inactive};
    auto& flat = add(net("flat", Structure::unilevel));
    flat.max_depth = 6, flat.from_referrer = true, flat.compress = {Status::inactive};
    flat.across_territories = false;
  } else if (v == 1) {
    auto& bin = add(net("bin", Structure::binary));
    bin.policy = Policy::extreme_right, bin.window_days = 3, bin.max_moves = 1;
    auto& mat = add(net("mat", Structure::matrix, 3, 3));
    mat.max_depth = 6, mat.from_referrer = true, mat.compress = {Status::inactive};
    auto& uni = add(net("uni", Structure::unilevel, 3));
    uni.max_depth = 6, uni.compress = {Status::inactive};
    auto& weak = add(net("weak", Structure::binary));
    weak.policy = Policy::weaker_leg, weak.within_extreme = true, weak.max_moves = 2;
    auto& leg = add(net("leg", Structure::matrix, 3, 2));
    leg.policy = Policy::sponsor_leg, leg.within_extreme = true, leg.compress = {Status::inactive};
    auto& lob = add(net("lob", Structure::matrix, 3, 2));
    lob.policy = Policy::lobby, lob.lobby_hours = 3, lob.fallback = Policy::weaker_leg;
    lob.compress = {Status::inactive};
    auto& zone = add(net("zone", Structure::territorial));
    zone.source = "referral", zone.max_depth = 4;
    auto& lob2 = add(net("lob2", Structure::binary));
    lob2.policy = Policy::lobby, lob2.lobby_hours = 1, lob2.fallback = Policy::extreme_left;
    lob2.from_referrer = true;
  } else {
    auto& lob = add(net("lob", Structure::unilevel));
    lob.policy = Policy::lobby, lob.lobby_hours = 2, lob.compress = {Status::inactive};
    auto& mat = add(net("mat1", Structure::matrix, 5, 1));
    mat.policy = Policy::weaker_leg, mat.compress = {Status::inactive};
    auto& right = add(net("right", Structure::binary));
    right.policy = Policy::extreme_right, right.compress = {Status::inactive};
    auto& leg = add(net("leg", Structure::binary));
    leg.policy = Policy::sponsor_leg, leg.within_extreme = true;
    auto& zone = add(net("zone", Structure::territorial, 3));
    zone.max_depth = 6, zone.compress = {Status::inactive};
    auto& uni = add(net("uni", Structure::unilevel, 2));
    uni.window_days = 5, uni.max_moves = 2;
    auto& bin = add(net("bin", Structure::binary));
    bin.compress = {Status::inactive, Status::retired};
    auto& wide = add(net("wide", Structure::matrix, 4, 2));
    wide.policy = Policy::weaker_leg, wide.within_extreme = true, wide.max_depth = 6;
  }
  return nets;
}

std::string config_json(const std::vector<NetSpec>& nets) {
  std::string j = R"({"company": {"name": "Sim", "currency": "USD", "time_zone": "UTC"}, )";
  j += R"("rules": [{"id": "dormant", "trigger": "enrollment", )";
  j += R"("when": {"==": [{"var": "person.channel"}, "dormant"]}, )";
  j += R"("then": [{"action": "inactivate"}]}], "networks": [)";
  for (std::size_t k = 2; k < nets.size(); ++k) j += (k > 2 ? ", " : "") + nets[k].to_json();
  return j + "]}";
}

// --- operations ----------------------------------------------------------------

struct Query {
  enum Kind : std::uint8_t {
    upline,
    downline,
    children,
    level,
    relative_level,
    is_in_downline,
    path,
    level_counts,
    open_positions,
    lobby,
    summary,
    largest,
    person,
    kinds
  } kind = upline;
  std::string network;
  std::optional<Instant> as_of;
  PersonId a, b;
  std::optional<std::uint32_t> max_levels;
  DownlineQuery q;
  std::size_t limit = 10;
};

const char* query_name(Query::Kind k) {
  static const char* names[] = {"upline",         "downline",       "children", "level",
                                "relative_level", "is_in_downline", "path",     "level_counts",
                                "open_positions", "lobby",          "summary",  "largest",
                                "person"};
  return names[k];
}

struct Op {
  enum Kind : std::uint8_t {
    enroll,
    enroll_many,
    transfer,
    compress,
    place,
    place_expired,
    advance,
    query
  } kind = enroll;
  Actor actor;
  std::vector<EnrollmentRequest> requests;
  TransferRequest move;
  CompressionRequest compression;
  PersonId person;
  PlacementChoice where;
  std::string network;
  std::int64_t advance_us = 0;
  Query question;
  std::string meant;  ///< the invalid case aimed at, or "" for a valid one
};

std::string id_text(PersonId id) {
  return id ? std::to_string(id.value()) : "-";
}

std::string actor_text(const Actor& a) {
  if (a.sees_everyone()) return a.login;
  if (a.person) return "person " + std::to_string(a.person.value());
  return a.login + " (no one)";
}

std::string instant_text(std::optional<Instant> t) {
  return t ? t->to_rfc3339() : "now";
}

std::string describe(const Op& op) {
  std::ostringstream o;
  static const char* kinds[] = {"enroll", "enroll_many",   "transfer", "compress",
                                "place",  "place_expired", "advance",  "query"};
  o << kinds[op.kind] << " by " << actor_text(op.actor);
  if (!op.meant.empty()) o << " [meant invalid: " << op.meant << "]";
  switch (op.kind) {
    case Op::enroll:
    case Op::enroll_many:
      for (const auto& r : op.requests) {
        o << "\n    {ext=" << r.person.external_id << " sponsor=" << id_text(r.sponsor);
        if (!r.sponsor_external_id.empty()) o << " sponsor_ext=" << r.sponsor_external_id;
        if (r.referrer) o << " referrer=" << id_text(r.referrer);
        o << " zone=" << r.person.zone << " channel=" << r.channel << " email=" << r.person.email
          << " first=" << r.person.first_name << " at=" << instant_text(r.effective_at);
        for (const auto& p : r.placements)
          o << " place[" << p.network << ":" << id_text(p.parent) << "/"
            << (p.position ? std::to_string(*p.position) : "-") << "]";
        o << "}";
      }
      break;
    case Op::transfer:
      o << " " << id_text(op.move.person) << " in " << op.move.network << " to "
        << id_text(op.move.new_parent) << "/"
        << (op.move.position ? std::to_string(*op.move.position) : "-")
        << (op.move.with_downline ? " with downline" : " alone") << " at "
        << instant_text(op.move.effective_at);
      break;
    case Op::compress:
      o << " " << op.compression.network << " persons";
      for (PersonId p : op.compression.persons) o << " " << p.value();
      if (op.compression.persons.empty()) o << " (by status)";
      o << " at " << instant_text(op.compression.effective_at);
      break;
    case Op::place:
      o << " " << id_text(op.person) << " in " << op.where.network << " under "
        << id_text(op.where.parent) << "/"
        << (op.where.position ? std::to_string(*op.where.position) : "-");
      break;
    case Op::place_expired: o << " " << op.network; break;
    case Op::advance: o << " " << op.advance_us / 1'000'000 << " s"; break;
    case Op::query: {
      const Query& q = op.question;
      o << " " << query_name(q.kind) << " in " << q.network << " as of " << instant_text(q.as_of)
        << " a=" << id_text(q.a) << " b=" << id_text(q.b);
      if (q.max_levels) o << " max_levels=" << *q.max_levels;
      if (q.q.max_depth) o << " max_depth=" << *q.q.max_depth;
      if (!q.q.statuses.empty()) o << " status=" << to_string(q.q.statuses.front());
      if (!q.q.types.empty()) o << " type=" << to_string(q.q.types.front());
      if (q.q.offset || q.q.limit != UINT64_MAX) o << " page=" << q.q.offset << "+" << q.q.limit;
      o << " limit=" << q.limit;
      break;
    }
  }
  return o.str();
}

// --- answers as text, from both sides ----------------------------------------

std::string members_text(const std::vector<NetworkMember>& ms) {
  std::string s;
  for (const auto& m : ms)
    s += std::to_string(m.id.value()) + "<" + id_text(m.parent) + " L" + std::to_string(m.level) +
         " R" + std::to_string(m.relative_level) + " " + std::string(to_string(m.type)) + " " +
         std::string(to_string(m.status)) + " @" + std::to_string(m.position) + "; ";
  return s;
}

template <class T>
std::string list_text(const std::vector<T>& xs) {
  std::string s;
  for (const auto& x : xs) s += std::to_string(x) + " ";
  return s;
}

std::string ids_text(const std::vector<PersonId>& ids) {
  std::string s;
  for (PersonId id : ids) s += std::to_string(id.value()) + " ";
  return s;
}

std::string slots_text(const std::vector<OpenSlot>& slots) {
  std::string s;
  for (const auto& o : slots)
    s += std::to_string(o.parent.value()) + "/" + std::to_string(o.position) + " L" +
         std::to_string(o.level) + "; ";
  return s;
}

std::string summary_text(const NetworkSummary& x) {
  return "persons=" + std::to_string(x.persons) + " parents=" + std::to_string(x.parents) +
         " depth=" + std::to_string(x.depth) + " per_level=" + list_text(x.per_level);
}

std::string sizes_text(const std::vector<DownlineSize>& xs) {
  std::string s;
  for (const auto& x : xs) s += std::to_string(x.id.value()) + ":" + std::to_string(x.size) + " ";
  return s;
}

/// The answer of a question: the text of the result, or the error's class.
struct Answer {
  Code code = Code::ok;
  std::string text;
  bool operator==(const Answer& o) const { return code == o.code && text == o.text; }
};

std::string answer_text(const Answer& a) {
  if (a.code != Code::ok) return std::string(code_name(a.code));
  return "OK " + a.text;
}

Answer ask_library(const Company& co, const Actor& actor, const Query& q) {
  try {
    // Some through the Company's one-shot calls, the others through a reader.
    DownlineQuery dq = q.q;
    dq.network = q.network;
    dq.as_of = q.as_of;
    if (q.kind == Query::downline) {
      const DownlinePage page = co.downline(actor, q.a, dq);
      return {Code::ok, "total=" + std::to_string(page.total) + " " + members_text(page.members)};
    }
    if (q.kind == Query::level_counts)
      return {Code::ok, list_text(co.level_counts(actor, q.a, dq))};
    if (q.kind == Query::path && !q.as_of) {
      std::string id = co.network_id(actor, q.a, q.network);
      std::replace(id.begin(), id.end(), '.', ' ');
      return {Code::ok, id.empty() ? id : id + " "};
    }
    if (q.kind == Query::person) {
      const Person p = co.person(actor, q.a);
      return {Code::ok, "sponsor=" + id_text(p.sponsor) + " referrer=" + id_text(p.referrer) + " " +
                            std::string(to_string(p.type)) + " " +
                            std::string(to_string(p.status)) + " " + p.data.external_id};
    }
    NetworkReader r = q.as_of ? co.reader(actor, q.network, *q.as_of) : co.reader(actor, q.network);
    switch (q.kind) {
      case Query::upline: return {Code::ok, members_text(r.upline(q.a, q.max_levels))};
      case Query::downline: {
        const DownlinePage page = r.downline(q.a, q.q);
        return {Code::ok, "total=" + std::to_string(page.total) + " " + members_text(page.members)};
      }
      case Query::children: return {Code::ok, members_text(r.children(q.a))};
      case Query::level: return {Code::ok, std::to_string(r.level(q.a))};
      case Query::relative_level: return {Code::ok, std::to_string(r.relative_level(q.a, q.b))};
      case Query::is_in_downline: return {Code::ok, r.is_in_downline(q.a, q.b) ? "yes" : "no"};
      case Query::path: return {Code::ok, ids_text(r.path(q.a))};
      case Query::level_counts: return {Code::ok, list_text(r.level_counts(q.a, q.q))};
      case Query::open_positions: return {Code::ok, slots_text(r.open_positions(q.a, q.limit))};
      case Query::lobby: return {Code::ok, ids_text(r.lobby())};
      case Query::summary: return {Code::ok, summary_text(r.summary())};
      case Query::largest: return {Code::ok, sizes_text(r.largest_downlines(q.limit))};
      case Query::person:
      case Query::kinds: break;
    }
  } catch (const Error& e) {
    return {e.code(), e.what()};
  }
  return {Code::internal, "unknown question"};
}

/// The model's answer: the same questions over its trees, naively.
class ModelReader {
 public:
  ModelReader(const Model& m, const Actor& actor, const Query& q) : m_(m), q_(q) {
    k_ = m.net_of(q.network);
    if (q.as_of) {
      past_.emplace(m.tree_at(k_, *q.as_of));
      if (past_->conflict) refuse(Code::data_loss, "history conflict: " + past_->conflict_why);
    }
    scope_ = m.scope_of(actor);
  }
  const Tree& tree() const { return past_ ? past_->tree : m_.net(k_).tree; }
  bool sees(Node n) const { return m_.sees(scope_, n); }

  Node visible(PersonId id) const {
    if (!m_.exists(id)) refuse(Code::not_found, "unknown person");
    const Node n = node_of(id);
    if (past_ && !past_->present[n]) refuse(Code::not_found, "not enrolled then");
    if (!sees(n)) refuse(Code::permission_denied, "invisible");
    return n;
  }
  Node placed(PersonId id) const {
    const Node n = visible(id);
    if (!tree().placed(n)) refuse(Code::failed_precondition, "not placed");
    return n;
  }
  NetworkMember member(Node n, std::uint32_t relative) const {
    const PersonRec& p = m_.persons()[n];
    return NetworkMember{id_of(n), id_of(tree().parent(n)), tree().depth(n), relative, p.type,
                         p.status, tree().position(n)};
  }
  /// The members of `root`'s downline the query admits, in pre-order.
  std::vector<NetworkMember> matches(Node root, const DownlineQuery& q) const {
    std::vector<Node> order;
    tree().preorder(root, order);
    std::vector<NetworkMember> out;
    const std::uint32_t base = tree().depth(root);
    for (std::size_t i = 1; i < order.size(); ++i) {
      const Node n = order[i];
      const std::uint32_t rel = tree().depth(n) - base;
      if (q.max_depth && rel > *q.max_depth) continue;
      const PersonRec& p = m_.persons()[n];
      if (!q.types.empty() && std::find(q.types.begin(), q.types.end(), p.type) == q.types.end())
        continue;
      if (!q.statuses.empty() &&
          std::find(q.statuses.begin(), q.statuses.end(), p.status) == q.statuses.end())
        continue;
      if (!sees(n)) continue;
      out.push_back(member(n, rel));
    }
    return out;
  }

  Answer answer() const {
    const Query& q = q_;
    const Tree& t = tree();
    switch (q.kind) {
      case Query::upline: {
        Node n = placed(q.a);
        std::vector<NetworkMember> out;
        for (std::uint32_t up = 1; up <= q.max_levels.value_or(UINT32_MAX); ++up) {
          n = t.parent(n);
          if (n == kNone || !sees(n)) break;
          out.push_back(member(n, up));
        }
        return {Code::ok, members_text(out)};
      }
      case Query::downline: {
        const auto all = matches(placed(q.a), q.q);
        std::vector<NetworkMember> page;
        for (std::uint64_t i = 0; i < all.size(); ++i)
          if (i >= q.q.offset && i - q.q.offset < q.q.limit) page.push_back(all[i]);
        return {Code::ok, "total=" + std::to_string(all.size()) + " " + members_text(page)};
      }
      case Query::children: {
        const Node n = visible(q.a);
        std::vector<NetworkMember> out;
        if (t.placed(n))
          for (Node c : t.kids(n))
            if (sees(c)) out.push_back(member(c, 1));
        return {Code::ok, members_text(out)};
      }
      case Query::level: return {Code::ok, std::to_string(t.depth(placed(q.a)))};
      case Query::relative_level: {
        const Node n = placed(q.a);
        const Node u = placed(q.b);
        if (!t.is_below(n, u)) refuse(Code::failed_precondition, "not above");
        return {Code::ok, std::to_string(t.depth(n) - t.depth(u))};
      }
      case Query::is_in_downline: {
        const Node n = visible(q.a);
        const Node o = visible(q.b);
        return {Code::ok, t.is_below(n, o) ? "yes" : "no"};
      }
      case Query::path: {
        std::vector<PersonId> out;
        for (Node n = placed(q.a); n != kNone && sees(n); n = t.parent(n)) out.push_back(id_of(n));
        std::reverse(out.begin(), out.end());
        return {Code::ok, ids_text(out)};
      }
      case Query::level_counts: {
        std::vector<std::uint64_t> counts;
        const Node root = placed(q.a);
        for (const auto& m : matches(root, q.q)) {
          if (counts.size() < m.relative_level) counts.resize(m.relative_level, 0);
          ++counts[m.relative_level - 1];
        }
        return {Code::ok, list_text(counts)};
      }
      case Query::open_positions: {
        // Breadth first below the person, their own free slots first; in a
        // matrix within the person's matrix depth.
        const Node start = visible(q.a);
        std::vector<OpenSlot> out;
        if (!t.placed(start) || q.limit == 0) return {Code::ok, ""};
        const std::uint32_t window = m_.net(k_).spec.depth;
        std::vector<Node> level{start}, next;
        for (std::uint32_t rel = 1; !level.empty() && out.size() < q.limit; ++rel) {
          if (window && rel > window) break;
          next.clear();
          for (Node u : level) {
            if (t.has_room(u)) {
              if (t.width() == 0) {
                out.push_back({id_of(u), t.free_slot(u), t.depth(u) + 1});
              } else {
                for (std::uint32_t s = 0; s < t.width() && out.size() < q.limit; ++s)
                  if (t.child_at(u, s) == kNone) out.push_back({id_of(u), s, t.depth(u) + 1});
              }
            }
            if (out.size() >= q.limit) break;
            for (Node c : t.kids(u)) next.push_back(c);
          }
          level.swap(next);
        }
        return {Code::ok, slots_text(out)};
      }
      case Query::lobby: {
        // Those waiting then; persons enrolled later are not there yet.
        std::vector<PersonId> out;
        for (Node n = 0; n < static_cast<Node>(t.size()); ++n)
          if (t.where(n) == Where::lobby && (!past_ || past_->present[n]) && sees(n))
            out.push_back(id_of(n));
        return {Code::ok, ids_text(out)};
      }
      case Query::summary: {
        NetworkSummary s;
        for (Node n = 0; n < static_cast<Node>(t.size()); ++n) {
          if (!t.placed(n) || !sees(n)) continue;
          ++s.persons;
          if (t.parent(n) == kNone || !sees(t.parent(n))) ++s.parents;
          const std::uint32_t d = t.depth(n);
          if (s.per_level.size() <= d) s.per_level.resize(d + 1, 0);
          ++s.per_level[d];
          s.depth = std::max(s.depth, d);
        }
        return {Code::ok, summary_text(s)};
      }
      case Query::largest: {
        std::vector<DownlineSize> all;
        for (Node n = 0; n < static_cast<Node>(t.size()); ++n) {
          if (!t.placed(n) || !sees(n)) continue;
          std::vector<Node> order;
          t.preorder(n, order);
          std::uint64_t size = 0;
          for (std::size_t i = 1; i < order.size(); ++i) size += sees(order[i]) ? 1 : 0;
          all.push_back({id_of(n), size});
        }
        std::sort(all.begin(), all.end(), [](const DownlineSize& a, const DownlineSize& b) {
          return a.size != b.size ? a.size > b.size : a.id < b.id;
        });
        if (all.size() > q.limit) all.resize(q.limit);
        return {Code::ok, sizes_text(all)};
      }
      case Query::person:
      case Query::kinds: break;
    }
    return {Code::internal, "unknown question"};
  }

 private:
  const Model& m_;
  const Query& q_;
  std::size_t k_ = 0;
  std::optional<Model::PastTree> past_;
  Scope scope_;
};

Answer ask_model(const Model& m, const Actor& actor, const Query& q) {
  try {
    if (q.kind == Query::person) {
      // A person's card: sponsor and referrer as the networks have them today.
      const Scope scope = m.scope_of(actor);
      if (!m.exists(q.a)) refuse(Code::not_found, "unknown person");
      const Node n = node_of(q.a);
      if (!m.sees(scope, n)) refuse(Code::permission_denied, "invisible");
      const PersonRec& p = m.persons()[n];
      return {Code::ok, "sponsor=" + id_text(id_of(m.net(0).tree.parent(n))) +
                            " referrer=" + id_text(id_of(m.net(1).tree.parent(n))) + " " +
                            std::string(to_string(p.type)) + " " +
                            std::string(to_string(p.status)) + " " + p.ext};
    }
    return ModelReader(m, actor, q).answer();
  } catch (const Refusal& r) {
    return {r.code, r.why};
  }
}

// --- the simulation ------------------------------------------------------------

/// Counts of what a run did, for the summary line.
struct Tally {
  std::uint64_t ops = 0, refused = 0, meant_invalid = 0, verifies = 0;
  std::array<std::uint64_t, 8> by_kind{}, refused_by_kind{};
  std::map<std::string, std::uint64_t> refusals;  ///< error class or finding
  void add(const Tally& o) {
    ops += o.ops, refused += o.refused, meant_invalid += o.meant_invalid, verifies += o.verifies;
    for (std::size_t i = 0; i < by_kind.size(); ++i)
      by_kind[i] += o.by_kind[i], refused_by_kind[i] += o.refused_by_kind[i];
    for (const auto& [k, v] : o.refusals) refusals[k] += v;
  }
};

class Simulation {
 public:
  Simulation(std::uint64_t seed, bool trace)
      : seed_(seed),
        trace_(trace),
        rng_(seed * 0x9E3779B97F4A7C15ull + 1),
        variant_(static_cast<int>(seed % 3)),
        specs_(variant(variant_)),
        model_(specs_, kDormant) {
    start_ = Instant::parse_rfc3339("2026-01-01T00:00:00Z");
    clock_ = std::make_shared<ManualClock>(start_);
    co_.emplace(Company::open("memory:", config_json(specs_), OpenOptions{clock_, 5000}));
    for (const auto& name : co_->networks()) names_.push_back(name);
  }

  /// Runs the operations; returns "" or what first went wrong.
  std::string run(int ops) {
    for (op_ = 0; op_ < ops; ++op_) {
      const Op op = next_op();
      if (trace_) std::cout << "#" << op_ << " " << describe(op) << "\n";
      recent_.push_back(describe(op));
      if (recent_.size() > 6) recent_.pop_front();
      std::string problem = apply(op);
      // Company::verify after every write (reads and clock moves change nothing).
      if (problem.empty()) problem = check_state(op.kind != Op::query && op.kind != Op::advance);
      if (!problem.empty()) return failure(describe(op), problem);
    }
    const std::string problem = check_state(true);
    if (!problem.empty()) return failure("the end of the run", problem);
    return "";
  }
  const Tally& tally() const { return tally_; }

 private:
  // --- randomness --------------------------------------------------------------
  std::uint64_t below(std::uint64_t n) { return n ? rng_() % n : 0; }
  // Plain arithmetic on the engine's output (fully specified), so that a
  // seed replays the same on every standard library.
  bool chance(double p) { return static_cast<double>(rng_() >> 11) * 0x1.0p-53 < p; }
  template <class T>
  const T& one_of(const std::vector<T>& xs) {
    return xs[below(xs.size())];
  }

  Instant now() const { return clock_->now(); }
  std::size_t persons() const { return model_.size(); }
  PersonId any_person() {
    return persons() ? PersonId{1 + static_cast<std::int64_t>(below(persons()))} : PersonId{};
  }
  PersonId unknown_person() {
    return PersonId{static_cast<std::int64_t>(persons()) + 1 + static_cast<std::int64_t>(below(3))};
  }
  std::vector<Node> in_state(std::size_t k, Where w) const {
    std::vector<Node> out;
    const Tree& t = model_.net(k).tree;
    for (Node n = 0; n < static_cast<Node>(t.size()); ++n)
      if (t.where(n) == w) out.push_back(n);
    return out;
  }
  PersonId placed_in(std::size_t k) {
    auto xs = in_state(k, Where::placed);
    return xs.empty() ? any_person() : id_of(one_of(xs));
  }
  /// A placed person with a free slot in network `k`, if any.
  PersonId with_room(std::size_t k) {
    std::vector<Node> xs;
    const Tree& t = model_.net(k).tree;
    for (Node n : in_state(k, Where::placed))
      if (t.has_room(n)) xs.push_back(n);
    return xs.empty() ? PersonId{} : id_of(one_of(xs));
  }
  PersonId not_placed_in(std::size_t k) {
    auto xs = in_state(k, Where::lobby);
    for (Node n : in_state(k, Where::dropout)) xs.push_back(n);
    return xs.empty() ? PersonId{} : id_of(one_of(xs));
  }
  PersonId active_person() {
    std::vector<Node> xs;
    for (Node n = 0; n < static_cast<Node>(persons()); ++n)
      if (model_.persons()[n].status == Status::active) xs.push_back(n);
    return xs.empty() ? PersonId{} : id_of(one_of(xs));
  }
  PersonId inactive_person() {
    std::vector<Node> xs;
    for (Node n = 0; n < static_cast<Node>(persons()); ++n)
      if (model_.persons()[n].status != Status::active) xs.push_back(n);
    return xs.empty() ? PersonId{} : id_of(one_of(xs));
  }
  std::size_t placement_net() { return 2 + below(specs_.size() - 2); }
  std::size_t any_net() { return chance(0.15) ? below(2) : placement_net(); }
  /// Someone who sees `id`: the person or one of their sponsor upline.
  PersonId leader_of(PersonId id) {
    std::vector<Node> up{node_of(id)};
    for (Node u = model_.net(0).tree.parent(node_of(id)); u != kNone;
         u = model_.net(0).tree.parent(u))
      up.push_back(u);
    return id_of(one_of(up));
  }
  /// Someone who does not see `id`, if anyone.
  PersonId outsider_of(PersonId id) {
    for (int tries = 0; tries < 8; ++tries) {
      const PersonId p = any_person();
      const Node n = node_of(id), o = node_of(p);
      if (o != n && !model_.net(0).tree.is_below(n, o)) return p;
    }
    return {};
  }

  static Actor admin() { return Actor::staff("backend", {"admin"}); }
  static Actor operator_() { return Actor::staff("ops", {"operator"}); }
  static Actor of(PersonId p) { return Actor::of_person(p, "p" + std::to_string(p.value())); }
  static Actor nobody() { return Actor{"nobody", PersonId{}, {"seller"}}; }
  Actor staff() { return chance(0.85) ? admin() : operator_(); }

  // --- the generator -----------------------------------------------------------

  Op next_op() {
    const std::uint64_t r = below(1000);
    const bool bad = chance(0.3);
    if (persons() < 3 || r < 260) return enroll_op(bad, false);
    if (r < 330) return enroll_op(bad, true);
    if (r < 480) return transfer_op(bad);
    if (r < 550) return compress_op(bad);
    if (r < 610) return place_op(bad);
    if (r < 630) return place_expired_op(bad);
    if (r < 700) return advance_op();
    return query_op(bad);
  }

  EnrollmentRequest base_request(PersonId sponsor) {
    EnrollmentRequest r;
    const std::string name = "g" + std::to_string(++ext_counter_);
    const std::uint64_t t = below(10);
    r.type = t < 8   ? CustomerType::consultant
             : t < 9 ? CustomerType::customer
                     : CustomerType::guest;
    r.person.external_id = "ext-" + name;
    r.person.first_name = name;
    r.person.last_name = "Sim";
    r.person.email = name + "@example.com";
    static const std::vector<std::string> zones{"", "north", "south", "north"};
    r.person.zone = one_of(zones);
    r.channel = chance(0.12) ? kDormant : "web";
    r.sponsor = sponsor;
    if (sponsor && chance(0.2)) r.referrer = any_person();
    // The leg of every sponsor_leg network; sometimes a leader's choice of
    // parent and slot (one with room), or of a leg only, in one network.
    const std::size_t chosen = chance(0.25) ? placement_net() : 0;
    for (std::size_t k = 2; k < specs_.size(); ++k) {
      const NetSpec& s = model_.net(k).spec;
      if (s.policy == Policy::sponsor_leg) {
        r.placements.push_back({s.name, {}, static_cast<std::uint32_t>(below(s.width))});
      } else if (k == chosen &&
                 (!s.width || s.structure == Structure::territorial || chance(0.7))) {
        const PersonId parent = with_room(k);
        std::optional<std::uint32_t> pos;
        if (parent && s.width && chance(0.7)) pos = model_.net(k).tree.free_slot(node_of(parent));
        r.placements.push_back({s.name, parent, pos});
      } else if (k == chosen) {
        r.placements.push_back({s.name, {}, static_cast<std::uint32_t>(below(s.width))});
      }
    }
    if (chance(0.05)) {
      // An import back-dated, but not before any network's latest change.
      Instant floor = start_;
      for (const auto& n : model_.nets()) floor = std::max(floor, n.last_change);
      const std::int64_t span = now().micros_since_epoch - floor.micros_since_epoch;
      r.effective_at =
          Instant{floor.micros_since_epoch +
                  static_cast<std::int64_t>(below(static_cast<std::uint64_t>(span) + 1))};
    }
    return r;
  }

  /// Spoils a request in one of the ways enrollment must refuse.
  void spoil(EnrollmentRequest& r, Op& op) {
    std::vector<std::string> ways{"unknown_sponsor",   "unknown_sponsor_ext", "duplicate_ext",
                                  "bad_email",         "blank_name",          "fixed_network_place",
                                  "unknown_parent",    "bad_position",        "taken_position",
                                  "parent_not_placed", "missing_leg",         "bad_leg",
                                  "duplicate_place",   "ambiguous_sponsor",   "unknown_referrer"};
    if (inactive_person()) ways.push_back("inactive_sponsor");
    const std::string way = persons() ? one_of(ways) : "bad_email";
    op.meant = way;
    const auto k = placement_net();
    const NetSpec& s = model_.net(k).spec;
    if (way == "unknown_sponsor") {
      r.sponsor = unknown_person();
    } else if (way == "unknown_sponsor_ext") {
      r.sponsor = {};
      r.sponsor_external_id = "ext-nobody";
    } else if (way == "duplicate_ext" && persons()) {
      r.person.external_id = model_.persons()[node_of(any_person())].ext;
    } else if (way == "bad_email") {
      r.person.email = "not-an-email";
    } else if (way == "blank_name") {
      r.person.first_name = "  ";
    } else if (way == "fixed_network_place") {
      r.placements.push_back({chance(0.5) ? "sponsor" : "nowhere", {}, 0});
    } else if (way == "unknown_parent") {
      r.placements.push_back({s.name, unknown_person(), {}});
    } else if (way == "bad_position") {
      r.placements.push_back(
          {s.name, placed_in(k), s.width + static_cast<std::uint32_t>(below(2))});
    } else if (way == "taken_position") {
      const PersonId parent = placed_in(k);
      const auto& kids = model_.net(k).tree.kids(node_of(parent));
      std::uint32_t pos = 0;
      if (!kids.empty()) pos = model_.net(k).tree.position(kids[below(kids.size())]);
      r.placements.push_back({s.name, parent, pos});
    } else if (way == "parent_not_placed") {
      r.placements.push_back({s.name, not_placed_in(k), {}});
    } else if (way == "missing_leg" || way == "bad_leg") {
      for (auto it = r.placements.begin(); it != r.placements.end(); ++it)
        if (model_.net(static_cast<std::size_t>(model_.network_index(it->network))).spec.policy ==
            Policy::sponsor_leg) {
          if (way == "missing_leg")
            r.placements.erase(it);
          else
            it->position = 7;
          break;
        }
    } else if (way == "duplicate_place") {
      r.placements.push_back({s.name, {}, {}});
      r.placements.push_back({s.name, {}, {}});
    } else if (way == "ambiguous_sponsor") {
      r.sponsor_external_id = "ext-g1";
    } else if (way == "unknown_referrer") {
      r.referrer = unknown_person();
    } else if (way == "inactive_sponsor") {
      r.sponsor = inactive_person();
    }
  }

  Op enroll_op(bool bad, bool many) {
    Op op;
    op.kind = many ? Op::enroll_many : Op::enroll;
    op.actor = staff();
    const std::size_t n = many ? 2 + below(3) : 1;
    for (std::size_t i = 0; i < n; ++i) {
      PersonId sponsor = persons() == 0 || chance(0.04) ? PersonId{} : active_person();
      if (!sponsor && persons() && chance(0.5)) sponsor = active_person();
      EnrollmentRequest r = base_request(sponsor);
      if (i > 0 && chance(0.4)) {
        // Sponsored by an earlier request of the same call, by external id.
        r.sponsor = {};
        r.sponsor_external_id = op.requests[below(i)].person.external_id;
      }
      op.requests.push_back(std::move(r));
    }
    if (bad) {
      const std::uint64_t w = below(10);
      if (w < 7) {
        spoil(op.requests[below(n)], op);
      } else if (w < 8) {
        op.meant = "nobody";
        op.actor = nobody();
      } else if (persons()) {
        // A consultant outside their sponsor downline, or enrolling a root.
        const PersonId sponsor = op.requests.front().sponsor;
        const PersonId outsider = sponsor ? outsider_of(sponsor) : PersonId{};
        op.meant = outsider ? "consultant_outside" : "consultant_root";
        op.actor = of(outsider ? outsider : any_person());
        if (!outsider) op.requests.front().sponsor = {};
      }
    } else if (chance(0.1) && op.requests.front().sponsor) {
      // A leader enrolling in their own downline.
      op.actor = of(leader_of(op.requests.front().sponsor));
      for (auto& r : op.requests)
        for (auto& p : r.placements)
          if (p.parent && chance(0.5)) p.parent = {};
    }
    return op;
  }

  std::optional<Instant> effective_for(std::size_t k, bool bad, std::string& meant) {
    const Instant last = model_.net(k).last_change;
    if (bad && chance(0.3) && last > start_) {
      meant = "before_latest_change";
      return Instant{last.micros_since_epoch - 1 - static_cast<std::int64_t>(below(kHourUs))};
    }
    if (bad && chance(0.3)) {
      meant = "in_the_future";
      return Instant{now().micros_since_epoch + 1 + static_cast<std::int64_t>(below(kDayUs))};
    }
    if (chance(0.15)) {
      const Instant floor = std::max(last, start_);
      const std::int64_t span = now().micros_since_epoch - floor.micros_since_epoch;
      if (span >= 0)
        return Instant{floor.micros_since_epoch +
                       static_cast<std::int64_t>(below(static_cast<std::uint64_t>(span) + 1))};
    }
    return std::nullopt;
  }

  Op transfer_op(bool bad) {
    Op op;
    op.kind = Op::transfer;
    op.actor = staff();
    const std::size_t k = any_net();
    const NetSpec& s = model_.net(k).spec;
    const Tree& t = model_.net(k).tree;
    TransferRequest& r = op.move;
    r.network = s.name;
    r.person = placed_in(k);
    r.with_downline = chance(0.6);
    // A new parent outside the person's downline, or none.
    if (!chance(0.05)) {
      const bool roomy = chance(0.7);
      for (int tries = 0; tries < 6; ++tries) {
        r.new_parent = roomy ? with_room(k) : placed_in(k);
        if (!r.new_parent) r.new_parent = placed_in(k);
        if (r.new_parent != r.person && !t.is_below(node_of(r.new_parent), node_of(r.person)))
          break;
      }
    }
    if (r.new_parent && s.width && chance(0.5) && t.placed(node_of(r.new_parent))) {
      const Node p = node_of(r.new_parent);
      r.position = t.kids(p).size() < s.width ? t.free_slot(p) : 0;
    }
    r.reason = "sim";
    if (bad) {
      static const std::vector<std::string> ways{
          "staff_only",    "unknown_person",    "unknown_network", "not_placed",
          "own_downline",  "parent_not_placed", "bad_position",    "taken_position",
          "root_position", "before_enrollment", "already_there",   "unknown_parent",
          "effective"};
      const std::string way = one_of(ways);
      op.meant = way;
      if (way == "staff_only") {
        op.actor = chance(0.5) ? nobody() : of(any_person());
      } else if (way == "unknown_person") {
        r.person = unknown_person();
      } else if (way == "unknown_network") {
        r.network = "nowhere";
      } else if (way == "not_placed") {
        if (PersonId p = not_placed_in(k)) r.person = p;
      } else if (way == "own_downline") {
        const auto& kids =
            t.placed(node_of(r.person)) ? t.kids(node_of(r.person)) : std::vector<Node>{};
        r.new_parent = kids.empty() ? r.person : id_of(kids[below(kids.size())]);
      } else if (way == "parent_not_placed") {
        if (PersonId p = not_placed_in(k)) r.new_parent = p;
      } else if (way == "bad_position") {
        r.position = s.width ? s.width : 3;
        if (!s.width) r.new_parent = {};
      } else if (way == "taken_position" && r.new_parent && t.placed(node_of(r.new_parent))) {
        const auto& kids = t.kids(node_of(r.new_parent));
        if (!kids.empty()) r.position = t.position(kids[below(kids.size())]);
      } else if (way == "root_position") {
        r.new_parent = {};
        r.position = 1;
      } else if (way == "before_enrollment" && persons()) {
        r.effective_at =
            Instant{model_.persons()[node_of(r.person)].enrolled.micros_since_epoch - 1};
      } else if (way == "already_there" && t.placed(node_of(r.person))) {
        r.new_parent = id_of(t.parent(node_of(r.person)));
        r.with_downline = true;
        if (chance(0.5)) r.position = t.position(node_of(r.person));
      } else if (way == "unknown_parent") {
        r.new_parent = unknown_person();
      }
      if (way == "effective" || chance(0.1)) r.effective_at = effective_for(k, true, op.meant);
    } else {
      r.effective_at = effective_for(k, false, op.meant);
    }
    return op;
  }

  Op compress_op(bool bad) {
    Op op;
    op.kind = Op::compress;
    op.actor = staff();
    const std::size_t k = placement_net();
    const NetSpec& s = model_.net(k).spec;
    CompressionRequest& r = op.compression;
    r.network = s.name;
    r.reason = "sim";
    if (s.compress.empty() || chance(0.6)) {
      const std::size_t n = 1 + below(3);
      for (std::size_t i = 0; i < n; ++i) r.persons.push_back(placed_in(k));
      // Sometimes a person and someone of their downline together.
      const Tree& t = model_.net(k).tree;
      if (chance(0.3) && t.placed(node_of(r.persons.front())) &&
          !t.kids(node_of(r.persons.front())).empty())
        r.persons.push_back(id_of(t.kids(node_of(r.persons.front())).front()));
    }
    if (bad) {
      static const std::vector<std::string> ways{"staff_only", "fixed_network", "unknown_person",
                                                 "not_placed", "no_statuses",   "unknown_network",
                                                 "effective"};
      const std::string way = one_of(ways);
      op.meant = way;
      if (way == "staff_only") {
        op.actor = chance(0.5) ? nobody() : of(any_person());
      } else if (way == "fixed_network") {
        r.network = chance(0.5) ? "sponsor" : "referral";
      } else if (way == "unknown_person") {
        r.persons.push_back(unknown_person());
      } else if (way == "not_placed") {
        if (PersonId p = not_placed_in(k)) r.persons.insert(r.persons.begin(), p);
      } else if (way == "no_statuses") {
        for (std::size_t j = 2; j < specs_.size(); ++j)
          if (model_.net(j).spec.compress.empty()) r.network = model_.net(j).spec.name;
        r.persons.clear();
      } else if (way == "unknown_network") {
        r.network = "nowhere";
      }
      if (way == "effective" || chance(0.1)) r.effective_at = effective_for(k, true, op.meant);
    } else {
      r.effective_at = effective_for(k, false, op.meant);
    }
    return op;
  }

  /// A placement network with a lobby, if the plan has one.
  std::optional<std::size_t> lobby_net() {
    std::vector<std::size_t> xs;
    for (std::size_t k = 2; k < specs_.size(); ++k)
      if (model_.net(k).spec.policy == Policy::lobby) xs.push_back(k);
    if (xs.empty()) return std::nullopt;
    return one_of(xs);
  }

  Op place_op(bool bad) {
    Op op;
    op.kind = Op::place;
    op.actor = staff();
    const std::size_t k = lobby_net().value_or(placement_net());
    const NetSpec& s = model_.net(k).spec;
    const auto waiting = in_state(k, Where::lobby);
    op.person = waiting.empty() ? any_person() : id_of(one_of(waiting));
    op.where.network = s.name;
    if (chance(0.5)) {
      op.where.parent = placed_in(k);
      const Tree& t = model_.net(k).tree;
      if (s.width && chance(0.7) && t.placed(node_of(op.where.parent)) &&
          t.kids(node_of(op.where.parent)).size() < s.width)
        op.where.position = t.free_slot(node_of(op.where.parent));
    } else if (s.width && chance(0.3)) {
      op.where.position = static_cast<std::uint32_t>(below(s.width));
    }
    if (chance(0.35) && persons()) {
      // A leader placing someone of their downline (within the window or not).
      op.actor = of(leader_of(op.person));
      if (op.where.parent && chance(0.5)) op.where.parent = {};
    }
    if (bad) {
      static const std::vector<std::string> ways{
          "not_waiting",    "unknown_network", "unknown_person",  "bad_position",
          "taken_position", "nobody",          "invisible_parent"};
      const std::string way = one_of(ways);
      op.meant = way;
      const Tree& t = model_.net(k).tree;
      if (way == "not_waiting") {
        op.person = placed_in(k);
      } else if (way == "unknown_network") {
        op.where.network = "nowhere";
      } else if (way == "unknown_person") {
        op.person = unknown_person();
      } else if (way == "bad_position") {
        op.where.position = s.width ? s.width + 1 : 5;
        if (!s.width) op.where.parent = placed_in(k);
      } else if (way == "taken_position") {
        op.where.parent = placed_in(k);
        const Node p = node_of(op.where.parent);
        if (t.placed(p) && !t.kids(p).empty()) op.where.position = t.position(t.kids(p).front());
      } else if (way == "nobody") {
        op.actor = nobody();
      } else if (way == "invisible_parent") {
        op.actor = of(leader_of(op.person));
        if (PersonId o = outsider_of(op.actor.person)) op.where.parent = o;
      }
    }
    return op;
  }

  Op place_expired_op(bool bad) {
    Op op;
    op.kind = Op::place_expired;
    op.actor = staff();
    op.network = model_.net(lobby_net().value_or(placement_net())).spec.name;
    if (bad) {
      op.meant = chance(0.5) ? "staff_only" : "unknown_network";
      if (op.meant == "staff_only")
        op.actor = chance(0.5) ? nobody() : of(any_person());
      else
        op.network = "nowhere";
    }
    return op;
  }

  Op advance_op() {
    Op op;
    op.kind = Op::advance;
    const std::uint64_t w = below(10);
    const std::int64_t minute = 60'000'000LL;
    if (w < 4)
      op.advance_us = minute * static_cast<std::int64_t>(1 + below(59));
    else if (w < 8)
      op.advance_us = kHourUs * static_cast<std::int64_t>(1 + below(6));
    else
      op.advance_us = kDayUs * static_cast<std::int64_t>(1 + below(3));
    op.advance_us += static_cast<std::int64_t>(below(1'000'000));
    return op;
  }

  Op query_op(bool bad) {
    Op op;
    op.kind = Op::query;
    Query& q = op.question;
    const std::size_t k = chance(0.25) ? below(2) : placement_net();
    q.network = specs_[k].name;
    q.kind = static_cast<Query::Kind>(below(Query::kinds));
    q.a = chance(0.85) ? placed_in(k) : any_person();
    q.b = chance(0.5) ? placed_in(k) : any_person();
    if (q.kind == Query::relative_level || q.kind == Query::is_in_downline) {
      // Often a real upline.
      const Tree& t = model_.net(k).tree;
      if (chance(0.6) && t.placed(node_of(q.a)) && t.parent(node_of(q.a)) != kNone) {
        Node u = t.parent(node_of(q.a));
        while (chance(0.4) && t.parent(u) != kNone) u = t.parent(u);
        q.b = id_of(u);
      }
    }
    if (chance(0.4)) q.max_levels = static_cast<std::uint32_t>(below(4));
    if (chance(0.3)) q.q.max_depth = static_cast<std::uint32_t>(1 + below(3));
    if (chance(0.15)) q.q.statuses = {chance(0.5) ? Status::active : Status::inactive};
    if (chance(0.1)) q.q.types = {chance(0.5) ? CustomerType::consultant : CustomerType::guest};
    if (chance(0.2)) {
      q.q.offset = below(4);
      q.q.limit = below(6);
    }
    q.limit = below(8);
    op.actor = admin();
    if (chance(0.2)) {
      // A leader asking about their downline.
      op.actor = of(chance(0.8) ? leader_of(q.a) : any_person());
      const Tree& sponsor = model_.net(0).tree;
      const Node self = node_of(op.actor.person);
      if (node_of(q.b) != self && !sponsor.is_below(node_of(q.b), self)) q.b = q.a;
    }
    if (chance(0.3)) {
      // As of an earlier instant: any, a person's enrollment, a change's.
      const std::uint64_t w = below(4);
      const auto& log = model_.net(k).log;
      if (w == 0 && !log.empty()) {
        q.as_of = one_of(log).at;
      } else if (w == 1) {
        q.as_of = model_.persons()[node_of(any_person())].enrolled;
        if (chance(0.5)) q.as_of = Instant{q.as_of->micros_since_epoch - 1};
      } else {
        const std::int64_t span = now().micros_since_epoch - start_.micros_since_epoch;
        q.as_of = Instant{start_.micros_since_epoch +
                          static_cast<std::int64_t>(below(static_cast<std::uint64_t>(span) + 1))};
      }
    }
    if (bad) {
      static const std::vector<std::string> ways{"unknown_person", "unknown_network", "nobody",
                                                 "not_placed", "invisible"};
      const std::string way = one_of(ways);
      op.meant = way;
      if (way == "unknown_person") {
        q.a = unknown_person();
      } else if (way == "unknown_network") {
        q.network = "nowhere";
      } else if (way == "nobody") {
        op.actor = nobody();
      } else if (way == "not_placed") {
        if (PersonId p = not_placed_in(k)) q.a = p;
      } else if (way == "invisible") {
        if (PersonId o = outsider_of(q.a)) op.actor = of(o);
      }
    }
    return op;
  }

  // --- running and comparing ---------------------------------------------------

  void count(const Op& op, Code code, const std::string& what) {
    ++tally_.ops;
    ++tally_.by_kind[op.kind];
    if (!op.meant.empty()) ++tally_.meant_invalid;
    if (code != Code::ok || !what.empty()) {
      ++tally_.refused;
      ++tally_.refused_by_kind[op.kind];
      ++tally_.refusals[what.empty() ? std::string(code_name(code)) : what];
    }
  }

  static std::string findings_text(const std::vector<std::pair<Code, std::string>>& fs) {
    std::string s;
    for (const auto& [code, reason] : fs) s += std::string(code_name(code)) + ":" + reason + " ";
    return s;
  }

  std::string apply(const Op& op) {
    switch (op.kind) {
      case Op::enroll:
      case Op::enroll_many: return apply_enroll(op);
      case Op::transfer:
      case Op::compress:
      case Op::place:
      case Op::place_expired: return apply_adjustment(op);
      case Op::advance:
        clock_->advance_micros(op.advance_us);
        count(op, Code::ok, "");
        return "";
      case Op::query: {
        const Answer lib = ask_library(*co_, op.actor, op.question);
        const Answer exp = ask_model(model_, op.actor, op.question);
        count(op, lib.code, "");
        if (lib.code == exp.code && (lib.code != Code::ok || lib.text == exp.text)) return "";
        return "answers differ\n  library: " + answer_text(lib) +
               "\n  model:   " + answer_text(exp) +
               (exp.code != Code::ok ? " (" + exp.text + ")" : "");
      }
    }
    return "";
  }

  std::string apply_enroll(const Op& op) {
    Code code = Code::ok;
    std::string what;
    bool accepted = false;
    std::vector<PersonId> ids;
    std::int64_t last = 0;
    std::vector<std::pair<Code, std::string>> findings;
    try {
      if (op.kind == Op::enroll) {
        auto out = co_->enroll(op.actor, op.requests.front());
        accepted = out.accepted;
        if (accepted) ids.push_back(out.person);
        last = out.event.value();
        for (const auto& f : out.findings) findings.emplace_back(f.code, f.reason);
      } else {
        auto out = co_->enroll_many(op.actor, op.requests);
        accepted = out.accepted;
        ids = out.persons;
        last = out.last_event.value();
        for (const auto& f : out.findings) findings.emplace_back(f.code, f.reason);
      }
    } catch (const Error& e) {
      code = e.code();
      what = e.what();
    }
    std::sort(findings.begin(), findings.end());
    const EnrollExpect exp = model_.enroll(op.actor, op.requests, now());
    count(op, code, findings.empty() ? "" : findings.front().second);
    std::ostringstream o;
    if (code != exp.code)
      o << "error differs: library " << code_name(code) << " (" << what << "), model "
        << code_name(exp.code) << " (" << exp.why << ")";
    else if (accepted != exp.accepted || findings != exp.findings)
      o << "outcome differs: library " << (accepted ? "accepted" : "rejected") << " "
        << findings_text(findings) << "; model " << (exp.accepted ? "accepted" : "rejected") << " "
        << findings_text(exp.findings);
    else if (ids != exp.persons || last != exp.last_event)
      o << "persons or event differ: library " << ids_text(ids) << "/" << last << ", model "
        << ids_text(exp.persons) << "/" << exp.last_event;
    return o.str();
  }

  /// True when everyone a compression would take out is in one network
  /// parent's tree (then the order of its outcome is the tree's pre-order).
  bool in_one_tree(const CompressionRequest& r) const {
    const int k = model_.network_index(r.network);
    if (k < 0) return true;
    const Net& net = model_.net(static_cast<std::size_t>(k));
    std::vector<Node> out;
    if (!r.persons.empty()) {
      for (PersonId id : r.persons)
        if (model_.exists(id)) out.push_back(node_of(id));
    } else {
      for (Node n = 0; n < static_cast<Node>(model_.size()); ++n)
        if (std::find(net.spec.compress.begin(), net.spec.compress.end(),
                      model_.persons()[n].status) != net.spec.compress.end())
          out.push_back(n);
    }
    Node root = kNone;
    for (Node n : out) {
      if (!net.tree.placed(n)) continue;
      Node r = n;
      while (net.tree.parent(r) != kNone) r = net.tree.parent(r);
      if (root != kNone && r != root) return false;
      root = r;
    }
    return true;
  }

  std::string apply_adjustment(const Op& op) {
    Code code = Code::ok;
    std::string what;
    AdjustmentOutcome out;
    AdjustExpect exp;
    const bool one_tree = op.kind == Op::compress && in_one_tree(op.compression);
    try {
      switch (op.kind) {
        case Op::transfer: out = co_->transfer(op.actor, op.move); break;
        case Op::compress: out = co_->compress(op.actor, op.compression); break;
        case Op::place: out = co_->place(op.actor, op.person, op.where, "sim"); break;
        default: out = co_->place_expired(op.actor, op.network); break;
      }
    } catch (const Error& e) {
      code = e.code();
      what = e.what();
    }
    switch (op.kind) {
      case Op::transfer: exp = model_.transfer(op.actor, op.move, now()); break;
      case Op::compress: exp = model_.compress(op.actor, op.compression, now()); break;
      case Op::place: exp = model_.place(op.actor, op.person, op.where, now()); break;
      default: exp = model_.place_expired(op.actor, op.network, now()); break;
    }
    count(op, code, "");
    if (op.kind == Op::compress && !one_tree) {
      // Separate trees are compressed in the order of the live index's list
      // of network parents, which its history decides (a reopen lists them
      // by id): compare those outcomes as sets.
      for (auto* ids : {&out.moved, &out.removed, &exp.moved, &exp.removed})
        std::sort(ids->begin(), ids->end());
    }
    std::ostringstream o;
    if (code != exp.code)
      o << "error differs: library " << code_name(code) << " (" << what << "), model "
        << code_name(exp.code) << " (" << exp.why << ")";
    else if (out.moved != exp.moved || out.removed != exp.removed ||
             out.last_event.value() != exp.last_event)
      o << "outcome differs: library moved " << ids_text(out.moved) << "removed "
        << ids_text(out.removed) << "event " << out.last_event.value() << "; model moved "
        << ids_text(exp.moved) << "removed " << ids_text(exp.removed) << "event " << exp.last_event;
    return o.str();
  }

  /// The library's state against the model's, every network, every person;
  /// the index's invariants; with `deep`, Company::verify too.
  std::string check_state(bool deep) {
    const auto& s = internal::CompanyAccess::state(*co_);
    std::ostringstream o;
    if (s.index.size() != model_.size())
      return "persons: library " + std::to_string(s.index.size()) + ", model " +
             std::to_string(model_.size());
    if (co_->last_event().value() != model_.events())
      return "last event: library " + std::to_string(co_->last_event().value()) + ", model " +
             std::to_string(model_.events());
    for (std::size_t k = 0; k < specs_.size(); ++k) {
      const internal::NetworkTree& lt = s.index.tree(k);
      const Tree& mt = model_.net(k).tree;
      for (Node n = 0; n < static_cast<Node>(model_.size()); ++n) {
        const auto ln = static_cast<internal::Node>(n);
        const Node lp =
            lt.parent(ln) == internal::kNoNode ? kNone : static_cast<Node>(lt.parent(ln));
        const auto lw = static_cast<Where>(lt.state(ln));
        if (lp != mt.parent(n) || lt.position(ln) != mt.position(n) || lw != mt.where(n))
          o << specs_[k].name << ": person " << n + 1 << " library " << id_text(id_of(lp)) << "/"
            << lt.position(ln) << " " << where_name(lw) << ", model "
            << id_text(id_of(mt.parent(n))) << "/" << mt.position(n) << " "
            << where_name(mt.where(n)) << "\n";
      }
      // Network parents as a set: their order is the live index's history.
      std::vector<Node> roots, model_roots = mt.roots();
      for (auto r = lt.first_root(); r != internal::kNoNode; r = lt.next_sibling(r))
        roots.push_back(static_cast<Node>(r));
      std::sort(roots.begin(), roots.end());
      std::sort(model_roots.begin(), model_roots.end());
      if (roots != model_roots)
        o << specs_[k].name << ": network parents library " << list_text(roots) << "model "
          << list_text(model_roots) << "\n";
      if (s.last_change_at[k] != model_.net(k).last_change)
        o << specs_[k].name << ": latest change library " << s.last_change_at[k].to_rfc3339()
          << ", model " << model_.net(k).last_change.to_rfc3339() << "\n";
    }
    for (Node n = 0; n < static_cast<Node>(model_.size()); ++n) {
      const auto ln = static_cast<internal::Node>(n);
      if (s.index.status(ln) != model_.persons()[n].status ||
          s.index.type(ln) != model_.persons()[n].type)
        o << "person " << n + 1 << ": status/type library " << to_string(s.index.status(ln)) << "/"
          << to_string(s.index.type(ln)) << ", model " << to_string(model_.persons()[n].status)
          << "/" << to_string(model_.persons()[n].type) << "\n";
    }
    if (!o.str().empty()) return "state differs:\n" + o.str();
    for (const auto& v : internal::check_index(s.index, names_, 5))
      o << "invariant " << v.rule << " in '" << v.network << "' person " << v.person.value() << ": "
        << v.message << "\n";
    if (deep) {
      ++tally_.verifies;
      const VerifyReport report = co_->verify(admin());
      for (const auto& v : report.violations)
        o << "verify " << v.rule << " in '" << v.network << "' person " << v.person.value() << ": "
          << v.message << "\n";
      if (!report.ok && report.violations.empty()) o << "verify: not ok\n";
    }
    return o.str();
  }

  std::string failure(const std::string& what, const std::string& problem) {
    std::ostringstream o;
    o << "seed " << seed_ << " (plan " << variant_ << "), operation " << op_ << ": " << what << "\n"
      << problem << "\nthe operations before it:\n";
    for (std::size_t i = 0; i + 1 < recent_.size(); ++i) o << "  " << recent_[i] << "\n";
    o << "replay: DOWNLINE_SEED=" << seed_
      << " DOWNLINE_SIM_TRACE=1 ./genealogy_test --gtest_filter='*GenealogySimulation*'";
    return o.str();
  }

  std::uint64_t seed_;
  bool trace_;
  std::mt19937_64 rng_;
  int variant_;
  std::vector<NetSpec> specs_;
  Model model_;
  Instant start_;
  std::shared_ptr<ManualClock> clock_;
  std::optional<Company> co_;
  std::vector<std::string> names_;
  int ext_counter_ = 0;
  int op_ = 0;
  std::deque<std::string> recent_;
  Tally tally_;
};

// --- the test ------------------------------------------------------------------

class GenealogySimulation : public ::testing::TestWithParam<int> {};

TEST_P(GenealogySimulation, LibraryAndReferenceModelAgreeAfterEveryOperation) {
  const int shard = GetParam();
  std::uint64_t first = env_number("DOWNLINE_SEED_FIRST").value_or(1);
  std::uint64_t count = env_number("DOWNLINE_SEEDS").value_or(kDefaultSeeds);
  bool trace = false;
  if (auto one = env_number("DOWNLINE_SEED")) {
    if (shard != 0) GTEST_SKIP() << "DOWNLINE_SEED replays one seed, in shard 0";
    first = *one;
    count = 1;
    trace = env_number("DOWNLINE_SIM_TRACE").value_or(0) != 0;
  }
  const std::uint64_t per = (count + kShards - 1) / kShards;
  const std::uint64_t begin = first + per * static_cast<std::uint64_t>(shard);
  const std::uint64_t end = std::min(first + count, begin + per);
  Tally total;
  const auto started = std::chrono::steady_clock::now();
  for (std::uint64_t seed = begin; seed < end; ++seed) {
    Simulation sim(seed, trace);
    const std::string problem = sim.run(kOpsPerSeed);
    total.add(sim.tally());
    ASSERT_TRUE(problem.empty()) << problem;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "seeds " << begin << ".." << (end ? end - 1 : 0) << ": " << total.ops
            << " operations, " << total.refused << " refused ("
            << (total.ops ? 100 * total.refused / total.ops : 0) << "%), " << total.meant_invalid
            << " meant invalid, " << total.verifies << " full verifications, " << seconds << " s\n";
  if (env_number("DOWNLINE_SIM_STATS").value_or(0)) {
    static const char* kinds[] = {"enroll", "enroll_many",   "transfer", "compress",
                                  "place",  "place_expired", "advance",  "query"};
    for (std::size_t i = 0; i < total.by_kind.size(); ++i)
      std::cout << "  " << kinds[i] << ": " << total.by_kind[i] << " (" << total.refused_by_kind[i]
                << " refused)\n";
    for (const auto& [what, n] : total.refusals)
      std::cout << "  refused " << what << ": " << n << "\n";
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, GenealogySimulation, ::testing::Range(0, kShards),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return "Shard" + std::to_string(info.param);
                         });

}  // namespace
}  // namespace downline::sim

#include "config/config.hpp"

#include "rules/rule_book.hpp"

#include <downline/error.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {
namespace {

using nlohmann::json;

void check_keys(const json& obj, const std::string& path,
                std::initializer_list<const char*> known) {
  if (!obj.is_object())
    throw InvalidArgument("expected an object", path.empty() ? std::string("$") : path);
  for (const auto& [key, value] : obj.items()) {
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; }))
      throw InvalidArgument("unknown key '" + key + "'", path.empty() ? key : path + "." + key);
  }
}

std::string get_string(const json& obj, const char* key, const std::string& path,
                       std::string fallback) {
  auto it = obj.find(key);
  if (it == obj.end()) return fallback;
  if (!it->is_string()) throw InvalidArgument("expected a string", path + key);
  return it->get<std::string>();
}

std::uint32_t get_count(const json& obj, const char* key, const std::string& path,
                        std::uint32_t fallback, std::uint32_t least, std::uint32_t most) {
  auto it = obj.find(key);
  if (it == obj.end()) return fallback;
  if (!it->is_number_integer() || it->get<std::int64_t>() < least || it->get<std::int64_t>() > most)
    throw InvalidArgument(
        "expected an integer from " + std::to_string(least) + " to " + std::to_string(most),
        path + key);
  return static_cast<std::uint32_t>(it->get<std::int64_t>());
}

Policy parse_policy(const std::string& name, const std::string& path) {
  static const std::pair<const char*, Policy> kPolicies[] = {
      {"spillover", Policy::spillover},         {"extreme_left", Policy::extreme_left},
      {"extreme_right", Policy::extreme_right}, {"weaker_leg", Policy::weaker_leg},
      {"sponsor_leg", Policy::sponsor_leg},     {"lobby", Policy::lobby}};
  for (const auto& [n, p] : kPolicies)
    if (name == n) return p;
  throw InvalidArgument("unknown placement policy '" + name +
                            "' (spillover, extreme_left, extreme_right, weaker_leg, sponsor_leg, "
                            "lobby)",
                        path);
}

bool is_name(const std::string& s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

NetworkConfig parse_network(const json& obj, const std::string& path, const RuleBookData& rules) {
  check_keys(obj, path,
             {"name", "structure", "width", "depth", "max_depth", "source", "placement",
              "transfers", "compression", "generations"});
  const std::string p = path + ".";
  NetworkConfig n;
  n.name = get_string(obj, "name", p, "");
  if (!is_name(n.name))
    throw InvalidArgument("a network name is 1 to 64 of a-z, 0-9, _", p + "name");
  const std::string structure = get_string(obj, "structure", p, "unilevel");
  if (structure == "unilevel")
    n.structure = Structure::unilevel;
  else if (structure == "binary")
    n.structure = Structure::binary;
  else if (structure == "matrix")
    n.structure = Structure::matrix;
  else if (structure == "territorial")
    n.structure = Structure::territorial;
  else
    throw InvalidArgument(
        "unknown structure '" + structure + "' (unilevel, binary, matrix, territorial)",
        p + "structure");
  constexpr std::uint32_t kMost = 1'000'000;
  n.width = get_count(obj, "width", p, 0, 1, kMost);
  n.max_depth = get_count(obj, "max_depth", p, 0, 1, kMost);
  n.depth = get_count(obj, "depth", p, 0, 1, 64);
  switch (n.structure) {
    case Structure::binary:
      if (obj.contains("width") && n.width != 2)
        throw InvalidArgument("a binary network is 2 wide", p + "width");
      n.width = 2;
      break;
    case Structure::matrix:
      if (!obj.contains("width")) throw InvalidArgument("a matrix needs a width", p + "width");
      if (!obj.contains("depth")) throw InvalidArgument("a matrix needs a depth", p + "depth");
      break;
    default:
      if (obj.contains("depth"))
        throw InvalidArgument("only a matrix has a depth; limit levels with max_depth",
                              p + "depth");
  }
  const bool fixed = n.name == "sponsor" || n.name == "referral";
  if (fixed && (n.structure != Structure::unilevel || n.width || n.max_depth))
    throw InvalidArgument(
        "the " + n.name + " network is unlimited unilevel: it is who enrolled whom",
        p + "structure");
  if (n.structure == Structure::territorial) {
    n.source = get_string(obj, "source", p, "sponsor");
  } else if (obj.contains("source")) {
    throw InvalidArgument("only a territorial network has a source", p + "source");
  }
  if (auto it = obj.find("placement"); it != obj.end()) {
    const std::string pp = p + "placement";
    if (fixed || n.structure == Structure::territorial)
      throw InvalidArgument("the " + n.name + " network places by who enrolled whom", pp);
    check_keys(*it, pp, {"from", "policy", "by", "within", "lobby_hours", "fallback"});
    const std::string q = pp + ".";
    n.placement.from = get_string(*it, "from", q, "sponsor");
    if (n.placement.from != "sponsor" && n.placement.from != "referrer")
      throw InvalidArgument("expected \"sponsor\" or \"referrer\"", q + "from");
    n.placement.policy = parse_policy(get_string(*it, "policy", q, "spillover"), q + "policy");
    const bool legs =
        n.placement.policy == Policy::weaker_leg || n.placement.policy == Policy::sponsor_leg ||
        n.placement.policy == Policy::extreme_left || n.placement.policy == Policy::extreme_right;
    if (legs && n.width == 0)
      throw InvalidArgument("legs need a width-limited network (binary or matrix)", q + "policy");
    const std::string by = get_string(*it, "by", q, "count");
    if (by != "count" && by != "volume")
      throw InvalidArgument("expected \"count\" or \"volume\"", q + "by");
    n.placement.by_volume = by == "volume";
    const std::string within = get_string(*it, "within", q, "spillover");
    if (within != "spillover" && within != "extreme")
      throw InvalidArgument("expected \"spillover\" or \"extreme\"", q + "within");
    n.placement.within_extreme = within == "extreme";
    n.placement.lobby_hours = get_count(*it, "lobby_hours", q, 72, 1, 24 * 366);
    n.placement.fallback =
        parse_policy(get_string(*it, "fallback", q, "spillover"), q + "fallback");
    if (n.placement.fallback == Policy::lobby || n.placement.fallback == Policy::sponsor_leg)
      throw InvalidArgument("the fallback must place without anyone's choice", q + "fallback");
    if ((n.placement.fallback == Policy::extreme_left ||
         n.placement.fallback == Policy::extreme_right ||
         n.placement.fallback == Policy::weaker_leg) &&
        n.width == 0)
      throw InvalidArgument("legs need a width-limited network (binary or matrix)", q + "fallback");
  }
  if (auto it = obj.find("transfers"); it != obj.end()) {
    const std::string q = p + "transfers.";
    check_keys(*it, p + "transfers", {"window_days", "max_moves", "across_territories"});
    n.transfers.window_days = get_count(*it, "window_days", q, 0, 1, 36600);
    n.transfers.max_moves = get_count(*it, "max_moves", q, 0, 1, kMost);
    if (auto a = it->find("across_territories"); a != it->end()) {
      if (!a->is_boolean())
        throw InvalidArgument("expected true or false", q + "across_territories");
      n.transfers.across_territories = a->get<bool>();
    }
  }
  if (n.structure == Structure::territorial) n.transfers.across_territories = false;
  if (auto it = obj.find("compression"); it != obj.end()) {
    check_keys(*it, p + "compression", {"statuses"});
    const std::string q = p + "compression.statuses";
    auto st = it->find("statuses");
    if (st == it->end() || !st->is_array() || st->empty())
      throw InvalidArgument("expected a non-empty array of statuses", q);
    for (std::size_t k = 0; k < st->size(); ++k) {
      const std::string e = q + "[" + std::to_string(k) + "]";
      if (!(*st)[k].is_string()) throw InvalidArgument("expected a string", e);
      auto status = parse_status((*st)[k].get<std::string>());
      if (!status) throw InvalidArgument("unknown status", e);
      if (*status == Status::active)
        throw InvalidArgument("active persons are never compressed", e);
      n.compress_statuses.push_back(*status);
    }
  }
  if (auto it = obj.find("generations"); it != obj.end()) {
    check_keys(*it, p + "generations", {"rank"});
    const std::string rank = get_string(*it, "rank", p + "generations.", "");
    for (std::size_t r = 0; r < rules.ranks.size(); ++r)
      if (rules.ranks[r].id == rank) n.generation_rank = static_cast<std::uint8_t>(r + 1);
    if (n.generation_rank == 0)
      throw InvalidArgument("unknown rank '" + rank + "' (declare it in ranks)",
                            p + "generations.rank");
  }
  return n;
}

}  // namespace

const std::vector<std::string>& person_field_names() {
  static const std::vector<std::string> names{"external_id", "first_name", "last_name",  "email",
                                              "phone",       "country",    "birth_date", "zone"};
  return names;
}

int Config::network_index(std::string_view name) const {
  for (std::size_t i = 0; i < networks.size(); ++i)
    if (networks[i].name == name) return static_cast<int>(i);
  return -1;
}

Config parse_config(std::string_view json_text) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw InvalidArgument(std::string("the configuration is not valid JSON: ") + e.what(), "$");
  }
  check_keys(
      doc, "",
      {"company", "networks", "enrollment", "ranks", "segments", "commercial_states", "rules"});
  Config config;

  if (auto it = doc.find("company"); it != doc.end()) {
    check_keys(*it, "company", {"name", "currency", "time_zone"});
    config.name = get_string(*it, "name", "company.", "");
    config.currency = get_string(*it, "currency", "company.", config.currency);
    config.time_zone = get_string(*it, "time_zone", "company.", config.time_zone);
    if (config.currency.size() != 3 || !std::all_of(config.currency.begin(), config.currency.end(),
                                                    [](char c) { return c >= 'A' && c <= 'Z'; }))
      throw InvalidArgument("expected an ISO 4217 code such as \"USD\"", "company.currency");
  }

  config.rules = parse_rule_book(doc);
  if (auto it = doc.find("networks"); it != doc.end()) {
    if (!it->is_array()) throw InvalidArgument("expected an array", "networks");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const std::string path = "networks[" + std::to_string(i) + "]";
      NetworkConfig network = parse_network((*it)[i], path, *config.rules);
      if (config.network_index(network.name) >= 0)
        throw InvalidArgument("network '" + network.name + "' is declared twice", path + ".name");
      config.networks.push_back(std::move(network));
    }
    for (std::size_t i = 0; i < config.networks.size(); ++i) {
      const auto& n = config.networks[i];
      if (n.structure == Structure::territorial &&
          (n.source == n.name ||
           (n.source != "sponsor" && n.source != "referral" && config.network_index(n.source) < 0)))
        throw InvalidArgument("unknown network '" + n.source + "'",
                              "networks[" + std::to_string(i) + "].source");
    }
  }
  if (config.rules->ranks.size() > 254) throw InvalidArgument("at most 254 ranks", "ranks");
  // The sponsor and referral networks always exist, in this order.
  for (const char* name : {"sponsor", "referral"})
    if (config.network_index(name) < 0) {
      NetworkConfig network;
      network.name = name;
      config.networks.push_back(std::move(network));
    }
  std::stable_sort(config.networks.begin(), config.networks.end(),
                   [](const NetworkConfig& a, const NetworkConfig& b) {
                     auto rank = [](const std::string& n) {
                       return n == "sponsor" ? 0 : n == "referral" ? 1 : 2;
                     };
                     return rank(a.name) < rank(b.name);
                   });
  if (auto it = doc.find("enrollment"); it != doc.end()) {
    check_keys(*it, "enrollment", {"required_fields", "initial_status"});
    if (auto rf = it->find("required_fields"); rf != it->end()) {
      if (!rf->is_array()) throw InvalidArgument("expected an array", "enrollment.required_fields");
      config.enrollment.required_fields.clear();
      for (std::size_t i = 0; i < rf->size(); ++i) {
        const std::string path = "enrollment.required_fields[" + std::to_string(i) + "]";
        if (!(*rf)[i].is_string()) throw InvalidArgument("expected a string", path);
        auto field = (*rf)[i].get<std::string>();
        const auto& known = person_field_names();
        if (std::find(known.begin(), known.end(), field) == known.end())
          throw InvalidArgument("unknown person field '" + field + "'", path);
        config.enrollment.required_fields.push_back(std::move(field));
      }
    }
    auto status = get_string(*it, "initial_status", "enrollment.", "active");
    auto parsed = parse_status(status);
    if (!parsed)
      throw InvalidArgument("unknown status '" + status + "'", "enrollment.initial_status");
    config.enrollment.initial_status = *parsed;
  }
  return config;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

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

}  // namespace

const std::vector<std::string>& person_field_names() {
  static const std::vector<std::string> names{"external_id", "first_name", "last_name", "email",
                                              "phone",       "country",    "birth_date"};
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

  if (auto it = doc.find("networks"); it != doc.end()) {
    if (!it->is_array()) throw InvalidArgument("expected an array", "networks");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const std::string path = "networks[" + std::to_string(i) + "]";
      check_keys((*it)[i], path, {"name", "structure"});
      NetworkConfig network;
      network.name = get_string((*it)[i], "name", path + ".", "");
      network.structure = get_string((*it)[i], "structure", path + ".", network.structure);
      if (network.name != "sponsor" && network.name != "referral")
        throw Unimplemented("only the sponsor and referral networks exist yet", path + ".name");
      if (network.structure != "unilevel")
        throw Unimplemented("the " + network.name + " network is unilevel", path + ".structure");
      if (config.network_index(network.name) >= 0)
        throw InvalidArgument("network '" + network.name + "' is declared twice", path + ".name");
      config.networks.push_back(std::move(network));
    }
  }
  // The sponsor and referral networks always exist, in this order.
  for (const char* name : {"sponsor", "referral"})
    if (config.network_index(name) < 0) config.networks.push_back({name, "unilevel"});
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
  config.rules = parse_rule_book(doc);
  return config;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

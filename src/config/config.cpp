#include "config/config.hpp"

#include "cycle/calendar.hpp"

#include "enrollment/masks.hpp"
#include "enrollment/validation.hpp"
#include "rules/rule_book.hpp"

#include <downline/error.hpp>
#include <downline/money.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <limits>
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

bool get_bool(const json& obj, const char* key, const std::string& path, bool fallback) {
  auto it = obj.find(key);
  if (it == obj.end()) return fallback;
  if (!it->is_boolean()) throw InvalidArgument("expected true or false", path + key);
  return it->get<bool>();
}

// An array of strings under `key` (absent: empty), each checked by `check`.
std::vector<std::string> get_strings(
    const json& obj, const char* key, const std::string& path,
    const std::function<void(const std::string&, const std::string&)>& check) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end()) return out;
  const std::string at = path + key;
  if (!it->is_array()) throw InvalidArgument("expected an array of strings", at);
  for (std::size_t i = 0; i < it->size(); ++i) {
    const std::string e = at + "[" + std::to_string(i) + "]";
    if (!(*it)[i].is_string()) throw InvalidArgument("expected a string", e);
    out.push_back((*it)[i].get<std::string>());
    if (check) check(out.back(), e);
    if (std::count(out.begin(), out.end(), out.back()) > 1)
      throw InvalidArgument("'" + out.back() + "' is listed twice", e);
  }
  return out;
}

bool is_country(const std::string& s) {
  return s.size() == 2 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

void check_country(const std::string& s, const std::string& path) {
  if (!is_country(s))
    throw InvalidArgument("expected an ISO 3166-1 alpha-2 code such as \"CO\"", path);
}

// An id catalog entry: 1 to 64 of a-z, A-Z, 0-9, _ and -.
void check_id(const std::string& s, const std::string& path) {
  if (s.empty() || s.size() > 64 || !std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
      }))
    throw InvalidArgument("an id is 1 to 64 of a-z, A-Z, 0-9, _ and -", path);
}

// Each element of the array `key` of `doc`, parsed by `parse` with its path.
template <typename T, typename Parse>
std::vector<T> parse_list(const json& doc, const char* key, Parse parse) {
  std::vector<T> out;
  auto it = doc.find(key);
  if (it == doc.end()) return out;
  if (!it->is_array()) throw InvalidArgument("expected an array", key);
  for (std::size_t i = 0; i < it->size(); ++i)
    out.push_back(parse((*it)[i], std::string(key) + "[" + std::to_string(i) + "]"));
  return out;
}

// Throws naming `list[i].field` when item i repeats the key of an earlier one.
template <typename T, typename Key>
void check_unique(const std::vector<T>& items, const char* list, const char* field, Key key) {
  for (std::size_t i = 0; i < items.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (key(items[i]) == key(items[j]))
        throw InvalidArgument("'" + key(items[i]) + "' is declared twice",
                              std::string(list) + "[" + std::to_string(i) + "]." + field);
}

FieldType parse_field_type(const std::string& name, const std::string& path) {
  static const std::pair<const char*, FieldType> kTypes[] = {
      {"text", FieldType::text}, {"integer", FieldType::integer}, {"decimal", FieldType::decimal},
      {"date", FieldType::date}, {"boolean", FieldType::boolean}, {"choice", FieldType::choice}};
  for (const auto& [n, t] : kTypes)
    if (name == n) return t;
  throw InvalidArgument(
      "unknown field type '" + name + "' (text, integer, decimal, date, boolean, choice)", path);
}

void parse_enrollment_catalogs(const json& doc, Config& config) {
  config.extended_fields = parse_list<ExtendedFieldConfig>(
      doc, "extended_fields", [&](const json& obj, const std::string& path) {
        check_keys(obj, path, {"slot", "id", "label", "type", "required", "max_length", "options"});
        const std::string p = path + ".";
        ExtendedFieldConfig f;
        if (!obj.contains("slot")) throw InvalidArgument("slot is required", p + "slot");
        f.slot = get_count(obj, "slot", p, 0, 1, 20);
        f.id = get_string(obj, "id", p, "");
        if (!is_name(f.id)) throw InvalidArgument("an id is 1 to 64 of a-z, 0-9, _", p + "id");
        f.label = get_string(obj, "label", p, f.id);
        f.type = parse_field_type(get_string(obj, "type", p, "text"), p + "type");
        f.required = get_bool(obj, "required", p, false);
        f.max_length = get_count(obj, "max_length", p, 200, 1, 10000);
        f.options = get_strings(obj, "options", p, {});
        if (f.type == FieldType::choice && f.options.empty())
          throw InvalidArgument("a choice needs its options", p + "options");
        if (f.type != FieldType::choice && obj.contains("options"))
          throw InvalidArgument("only a choice has options", p + "options");
        return f;
      });
  check_unique(config.extended_fields, "extended_fields", "slot",
               [](const ExtendedFieldConfig& f) { return "slot " + std::to_string(f.slot); });
  check_unique(config.extended_fields, "extended_fields", "id",
               [](const ExtendedFieldConfig& f) { return f.id; });

  config.document_types = parse_list<DocumentTypeConfig>(
      doc, "document_types", [&](const json& obj, const std::string& path) {
        check_keys(obj, path, {"id", "name", "countries", "mask"});
        const std::string p = path + ".";
        DocumentTypeConfig d;
        d.id = get_string(obj, "id", p, "");
        check_id(d.id, p + "id");
        d.name = get_string(obj, "name", p, d.id);
        d.countries = get_strings(obj, "countries", p, check_country);
        d.mask = get_string(obj, "mask", p, "");
        if (!d.mask.empty() && !is_valid_mask(d.mask))
          throw InvalidArgument(
              "a mask is 1 to 64 printable characters with at least one of #, A, *", p + "mask");
        return d;
      });
  check_unique(config.document_types, "document_types", "id",
               [](const DocumentTypeConfig& d) { return d.id; });

  config.display_masks =
      parse_list<DisplayMasks>(doc, "masks", [&](const json& obj, const std::string& path) {
        check_keys(obj, path, {"country", "phone", "birth_date"});
        const std::string p = path + ".";
        DisplayMasks m;
        m.country = get_string(obj, "country", p, "");
        check_country(m.country, p + "country");
        m.phone = get_string(obj, "phone", p, "");
        if (!m.phone.empty() && !is_valid_mask(m.phone))
          throw InvalidArgument(
              "a mask is 1 to 64 printable characters with at least one of #, A, *", p + "phone");
        m.birth_date = get_string(obj, "birth_date", p, "");
        if (!m.birth_date.empty() && !is_valid_date_mask(m.birth_date))
          throw InvalidArgument("a date mask holds DD, MM and YYYY once each (\"DD/MM/YYYY\")",
                                p + "birth_date");
        return m;
      });
  check_unique(config.display_masks, "masks", "country",
               [](const DisplayMasks& m) { return "masks of " + m.country; });

  config.attachment_types = parse_list<AttachmentTypeConfig>(
      doc, "attachment_types", [&](const json& obj, const std::string& path) {
        check_keys(obj, path, {"id", "label", "extensions", "mandatory", "max_bytes"});
        const std::string p = path + ".";
        AttachmentTypeConfig a;
        a.id = get_string(obj, "id", p, "");
        check_id(a.id, p + "id");
        a.label = get_string(obj, "label", p, a.id);
        a.extensions =
            get_strings(obj, "extensions", p, [](const std::string& e, const std::string& at) {
              if (e.empty() || e.size() > 16 || !std::all_of(e.begin(), e.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
                  }))
                throw InvalidArgument(
                    "an extension is lower-case letters and digits, no dot (\"pdf\")", at);
            });
        if (a.extensions.empty())
          throw InvalidArgument("expected a non-empty array of extensions", p + "extensions");
        a.mandatory = get_bool(obj, "mandatory", p, false);
        if (auto it = obj.find("max_bytes"); it != obj.end()) {
          if (!it->is_number_integer() || it->get<std::int64_t>() < 1)
            throw InvalidArgument("expected a positive integer", p + "max_bytes");
          a.max_bytes = it->get<std::uint64_t>();
        }
        return a;
      });
  check_unique(config.attachment_types, "attachment_types", "id",
               [](const AttachmentTypeConfig& a) { return a.id; });

  const auto& ranks = config.rules->ranks;
  config.contracts =
      parse_list<ContractConfig>(doc, "contracts", [&](const json& obj, const std::string& path) {
        check_keys(
            obj, path,
            {"id", "version", "title", "digest", "countries", "ranks", "active", "mandatory"});
        const std::string p = path + ".";
        ContractConfig c;
        c.id = get_string(obj, "id", p, "");
        check_id(c.id, p + "id");
        c.version = get_count(obj, "version", p, 1, 1, 1'000'000);
        c.title = get_string(obj, "title", p, c.id);
        c.digest = get_string(obj, "digest", p, "");
        if (!is_sha256_digest(c.digest))
          throw InvalidArgument(
              "expected the content's digest, \"sha256:\" and 64 lower-case hex digits",
              p + "digest");
        c.countries = get_strings(obj, "countries", p, check_country);
        for (const auto& r : get_strings(obj, "ranks", p, {})) {
          std::uint8_t number = 0;
          for (std::size_t k = 0; k < ranks.size(); ++k)
            if (ranks[k].id == r) number = static_cast<std::uint8_t>(k + 1);
          if (number == 0)
            throw InvalidArgument("unknown rank '" + r + "' (declare it in ranks)", p + "ranks");
          c.ranks.push_back(number);
        }
        c.active = get_bool(obj, "active", p, true);
        c.mandatory = get_bool(obj, "mandatory", p, true);
        return c;
      });
  check_unique(config.contracts, "contracts", "version", [](const ContractConfig& c) {
    return c.id + " version " + std::to_string(c.version);
  });

  config.blacklist_reasons = get_strings(doc, "blacklist_reasons", "", check_id);

  config.workflows =
      parse_list<WorkflowConfig>(doc, "workflows", [&](const json& obj, const std::string& path) {
        check_keys(obj, path, {"item", "steps"});
        const std::string p = path + ".";
        WorkflowConfig w;
        const std::string item = get_string(obj, "item", p, "");
        if (auto kind = parse_work_item_kind(item))
          w.kind = *kind;
        else
          throw InvalidArgument("expected \"registration\", \"document\" or \"credit_request\"",
                                p + "item");
        auto steps = obj.find("steps");
        if (steps == obj.end() || !steps->is_array() || steps->empty())
          throw InvalidArgument("expected a non-empty array of steps", p + "steps");
        for (std::size_t i = 0; i < steps->size(); ++i) {
          const std::string sp = p + "steps[" + std::to_string(i) + "]";
          check_keys((*steps)[i], sp, {"id", "roles"});
          WorkflowStepConfig step;
          step.id = get_string((*steps)[i], "id", sp + ".", "step" + std::to_string(i + 1));
          check_id(step.id, sp + ".id");
          step.roles = get_strings(
              (*steps)[i], "roles", sp + ".", [](const std::string& r, const std::string& at) {
                if (!is_name(r))
                  throw InvalidArgument("a role is a lower-case name such as \"sales\"", at);
              });
          if (step.roles.empty())
            throw InvalidArgument("a step needs the roles that decide it", sp + ".roles");
          w.steps.push_back(std::move(step));
        }
        return w;
      });
  check_unique(config.workflows, "workflows", "item", [](const WorkflowConfig& w) {
    return "the workflow of " + std::string(to_string(w.kind)) + " items";
  });

  config.channels =
      parse_list<ChannelConfig>(doc, "channels", [&](const json& obj, const std::string& path) {
        check_keys(obj, path, {"id", "kind", "forms"});
        const std::string p = path + ".";
        ChannelConfig c;
        c.id = get_string(obj, "id", p, "");
        check_id(c.id, p + "id");
        static const std::pair<const char*, ChannelKind> kKinds[] = {
            {"corporate_site", ChannelKind::corporate_site},
            {"replicated_site", ChannelKind::replicated_site},
            {"chatbot", ChannelKind::chatbot},
            {"backoffice", ChannelKind::backoffice},
            {"backend", ChannelKind::backend},
            {"flat_file", ChannelKind::flat_file},
            {"api", ChannelKind::api}};
        const std::string kind = get_string(obj, "kind", p, "");
        bool known = false;
        for (const auto& [n, k] : kKinds)
          if (kind == n) c.kind = k, known = true;
        if (!known)
          throw InvalidArgument("unknown channel kind '" + kind +
                                    "' (corporate_site, replicated_site, chatbot, backoffice, "
                                    "backend, flat_file, api)",
                                p + "kind");
        auto forms = obj.find("forms");
        if (forms == obj.end()) return c;  // every form, as the enrollment section says
        const std::string fp = p + "forms";
        check_keys(*forms, fp, {"guest", "customer", "consultant"});
        for (auto type : {CustomerType::guest, CustomerType::customer, CustomerType::consultant}) {
          FormConfig& f = c.forms[static_cast<std::size_t>(type)];
          const std::string name(to_string(type));
          auto it = forms->find(name);
          if (it == forms->end()) {
            f.offered = false;
            continue;
          }
          const std::string q = fp + "." + name;
          check_keys(*it, q, {"required_fields", "outcome"});
          if (it->contains("required_fields"))
            f.required_fields =
                get_strings(*it, "required_fields", q + ".",
                            [](const std::string& field, const std::string& at) {
                              const auto& known_fields = person_field_names();
                              if (std::find(known_fields.begin(), known_fields.end(), field) ==
                                  known_fields.end())
                                throw InvalidArgument("unknown person field '" + field + "'", at);
                            });
          const std::string outcome = get_string(*it, "outcome", q + ".", "active");
          if (outcome == "active")
            f.outcome = Outcome::active;
          else if (outcome == "pending_approval")
            f.outcome = Outcome::pending_approval;
          else if (outcome == "pending_kit")
            f.outcome = Outcome::pending_kit;
          else
            throw InvalidArgument("expected \"active\", \"pending_approval\" or \"pending_kit\"",
                                  q + ".outcome");
          if (type == CustomerType::guest && f.outcome != Outcome::active)
            throw InvalidArgument("a guest is registered at once, with a quick-access code",
                                  q + ".outcome");
          if (type == CustomerType::customer && f.outcome == Outcome::pending_kit)
            throw InvalidArgument("a starter kit makes a consultant: use the consultant form",
                                  q + ".outcome");
          if (f.outcome == Outcome::pending_approval &&
              std::none_of(
                  config.workflows.begin(), config.workflows.end(),
                  [](const WorkflowConfig& w) { return w.kind == WorkItemKind::registration; }))
            throw InvalidArgument("approval needs a registration workflow (workflows)",
                                  q + ".outcome");
        }
        return c;
      });
  check_unique(config.channels, "channels", "id", [](const ChannelConfig& c) { return c.id; });
}

}  // namespace

const std::vector<std::string>& person_field_names() {
  static const std::vector<std::string> names{
      "external_id", "first_name", "last_name", "email",         "phone",
      "country",     "birth_date", "zone",      "document_type", "document_number"};
  return names;
}

int Config::network_index(std::string_view name) const {
  for (std::size_t i = 0; i < networks.size(); ++i)
    if (networks[i].name == name) return static_cast<int>(i);
  return -1;
}

namespace {

// The thresholds of the commercial states (their catalog is the rule
// book's) and the reinstatement windows.
void parse_commercial_cycle(const json& doc, Config& config) {
  if (auto it = doc.find("commercial_states"); it != doc.end() && it->is_array()) {
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& entry = (*it)[i];
      const std::string path = "commercial_states[" + std::to_string(i) + "].";
      auto after = entry.find("after_campaigns_without_order");
      if (after == entry.end()) continue;  // assigned by rules only
      if (!after->is_number_unsigned() || after->get<std::uint64_t>() > 10000)
        throw InvalidArgument("expected a number of campaigns from 0 to 10000",
                              path + "after_campaigns_without_order");
      CommercialStateRule rule;
      rule.id = entry.value("id", "");
      rule.number = static_cast<std::uint8_t>(i + 1);
      rule.after = after->get<std::uint32_t>();
      if (auto in = entry.find("inactivates"); in != entry.end()) {
        if (!in->is_boolean())
          throw InvalidArgument("expected true or false", path + "inactivates");
        rule.inactivates = in->get<bool>();
      }
      for (const auto& other : config.state_rules)
        if (other.after == rule.after)
          throw InvalidArgument("commercial state '" + other.id + "' has the same threshold",
                                path + "after_campaigns_without_order");
      config.state_rules.push_back(std::move(rule));
    }
    if (it->size() > 254)
      throw InvalidArgument("at most 254 commercial states", "commercial_states");
    std::sort(config.state_rules.begin(), config.state_rules.end(),
              [](const CommercialStateRule& a, const CommercialStateRule& b) {
                return a.after < b.after;
              });
  }
  if (auto it = doc.find("reinstatement"); it != doc.end()) {
    check_keys(*it, "reinstatement", {"free_within", "fee_within"});
    ReinstatementConfig& r = config.reinstatement;
    r.configured = true;
    for (auto [key, value] :
         {std::pair{"free_within", &r.free_within}, std::pair{"fee_within", &r.fee_within}}) {
      auto v = it->find(key);
      if (v == it->end()) continue;
      if (!v->is_number_unsigned() || v->get<std::uint64_t>() > 10000)
        throw InvalidArgument("expected a number of campaigns from 0 to 10000",
                              std::string("reinstatement.") + key);
      *value = v->get<std::uint32_t>();
    }
    if (r.fee_within < r.free_within) r.fee_within = r.free_within;
    if (config.state_rules.empty())
      throw InvalidArgument(
          "reinstatement needs a commercial state with \"after_campaigns_without_order\"",
          "reinstatement");
  }
}

// A volume of a rank requirement: a decimal string or an integer, zero or more.
std::int64_t volume_at(const json& value, const std::string& path) {
  std::string text;
  if (value.is_string())
    text = value.get<std::string>();
  else if (value.is_number_integer())
    text = std::to_string(value.get<std::int64_t>());
  else
    throw InvalidArgument("expected a volume such as \"100\" or \"99.5\"", path);
  Decimal d;
  try {
    d = Decimal::parse(text);
  } catch (const Error&) {
    throw InvalidArgument("expected a volume such as \"100\" or \"99.5\"", path);
  }
  if (d.micros() < 0 || d.micros() > std::numeric_limits<std::int64_t>::max())
    throw InvalidArgument("a volume is zero or more (at most 9223372036854.775807)", path);
  return static_cast<std::int64_t>(d.micros());
}

// The career plan: the network ranks are evaluated in, and what each rank
// of the catalog asks (issue 6 §4).
void parse_career(const json& doc, Config& config) {
  const auto& ranks = config.rules->ranks;
  config.career.ranks.assign(ranks.size(), RankRequirements{});
  if (auto it = doc.find("career"); it != doc.end()) {
    check_keys(*it, "career", {"network"});
    const std::string network = get_string(*it, "network", "career.", "sponsor");
    const int at = config.network_index(network);
    if (at < 0) throw InvalidArgument("unknown network '" + network + "'", "career.network");
    config.career.network = static_cast<std::size_t>(at);
  }
  auto list = doc.find("ranks");
  if (list == doc.end() || !list->is_array()) return;
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto req = (*list)[i].find("requirements");
    if (req == (*list)[i].end()) continue;
    const std::string path = "ranks[" + std::to_string(i) + "].requirements";
    check_keys(*req, path,
               {"personal_volume", "group_volume", "max_per_leg", "active_recruits", "legs",
                "consecutive_campaigns"});
    RankRequirements& r = config.career.ranks[i];
    r.configured = true;
    if (auto v = req->find("personal_volume"); v != req->end())
      r.personal_volume = volume_at(*v, path + ".personal_volume");
    if (auto v = req->find("group_volume"); v != req->end())
      r.group_volume = volume_at(*v, path + ".group_volume");
    if (auto v = req->find("max_per_leg"); v != req->end()) {
      if (!r.group_volume)
        throw InvalidArgument("max_per_leg caps a group_volume requirement", path + ".max_per_leg");
      r.max_per_leg = volume_at(*v, path + ".max_per_leg");
    }
    if (req->contains("active_recruits"))
      r.active_recruits = get_count(*req, "active_recruits", path + ".", 0, 0, 1000000);
    r.consecutive = get_count(*req, "consecutive_campaigns", path + ".", 0, 1, 120);
    if (auto legs = req->find("legs"); legs != req->end()) {
      const std::string lp = path + ".legs";
      check_keys(*legs, lp, {"rank", "count"});
      const std::string rank = get_string(*legs, "rank", lp + ".", "");
      for (std::size_t k = 0; k < ranks.size(); ++k)
        if (ranks[k].id == rank) r.leg_rank = static_cast<std::uint8_t>(k + 1);
      if (r.leg_rank == 0)
        throw InvalidArgument("unknown rank '" + rank + "' (declare it in ranks)", lp + ".rank");
      if (!legs->contains("count"))
        throw InvalidArgument("expected a number of legs", lp + ".count");
      r.legs = get_count(*legs, "count", lp + ".", 1, 1, 1000000);
    }
  }
}

// The bounds of one measure: {"above": x, "at_least": x, "below": x, "at_most": x}.
std::vector<SegmentBound> bounds_at(const json& obj, const std::string& path, bool volume) {
  check_keys(obj, path, {"above", "at_least", "below", "at_most"});
  std::vector<SegmentBound> out;
  const std::pair<const char*, SegmentBound::Op> ops[] = {{"above", SegmentBound::Op::above},
                                                          {"at_least", SegmentBound::Op::at_least},
                                                          {"below", SegmentBound::Op::below},
                                                          {"at_most", SegmentBound::Op::at_most}};
  for (auto [key, op] : ops) {
    auto v = obj.find(key);
    if (v == obj.end()) continue;
    SegmentBound b;
    b.op = op;
    b.value =
        volume ? volume_at(*v, path + "." + key) : get_count(obj, key, path + ".", 0, 0, 10000);
    out.push_back(b);
  }
  if (out.empty())
    throw InvalidArgument("expected a bound: above, at_least, below or at_most", path);
  return out;
}

// The close's segments (seed 002 §7.3.1): by average order and campaigns in
// a row with an order, checked in order.
void parse_segmentation(const json& doc, Config& config) {
  auto list = doc.find("segmentation");
  if (list == doc.end()) return;
  if (!list->is_array())
    throw InvalidArgument("expected an array of segment rules", "segmentation");
  const auto& catalog = config.rules->segments;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json& e = (*list)[i];
    const std::string path = "segmentation[" + std::to_string(i) + "]";
    check_keys(e, path, {"segment", "average_order", "consecutive_campaigns"});
    SegmentRule rule;
    rule.id = get_string(e, "segment", path + ".", "");
    for (std::size_t k = 0; k < catalog.size(); ++k)
      if (catalog[k].id == rule.id) rule.number = static_cast<std::uint8_t>(k + 1);
    if (rule.number == 0)
      throw InvalidArgument("unknown segment '" + rule.id + "' (declare it in segments)",
                            path + ".segment");
    if (auto a = e.find("average_order"); a != e.end())
      rule.average_order = bounds_at(*a, path + ".average_order", true);
    if (auto c = e.find("consecutive_campaigns"); c != e.end())
      rule.consecutive = bounds_at(*c, path + ".consecutive_campaigns", false);
    config.segmentation.push_back(std::move(rule));
  }
  if (catalog.size() > 254) throw InvalidArgument("at most 254 segments", "segments");
}

// {"measure": "personal_volume", "green": "100", "yellow": "50"}.
void parse_traffic_light(const json& doc, Config& config) {
  auto it = doc.find("traffic_light");
  if (it == doc.end()) return;
  const std::string path = "traffic_light";
  if (!it->is_object()) throw InvalidArgument("expected an object", path);
  check_keys(*it, path, {"measure", "green", "yellow"});
  TrafficLightConfig& t = config.traffic_light;
  const std::string measure = get_string(*it, "measure", path + ".", "personal_volume");
  if (measure == "personal_volume")
    t.measure = TrafficLightConfig::Measure::personal_volume;
  else if (measure == "amount")
    t.measure = TrafficLightConfig::Measure::amount;
  else if (measure == "orders")
    t.measure = TrafficLightConfig::Measure::orders;
  else
    throw InvalidArgument("unknown measure '" + measure + "' (personal_volume, amount or orders)",
                          path + ".measure");
  for (const char* key : {"green", "yellow"})
    if (!it->contains(key)) throw InvalidArgument("missing threshold", path + "." + key);
  const bool count = t.measure == TrafficLightConfig::Measure::orders;
  t.green = count ? get_count(*it, "green", path + ".", 0, 0, 1000000)
                  : volume_at(it->at("green"), path + ".green");
  t.yellow = count ? get_count(*it, "yellow", path + ".", 0, 0, 1000000)
                   : volume_at(it->at("yellow"), path + ".yellow");
  if (t.yellow > t.green)
    throw InvalidArgument("the yellow threshold is above the green one", path + ".yellow");
  t.configured = true;
}

}  // namespace

Config parse_config(std::string_view json_text) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw InvalidArgument(std::string("the configuration is not valid JSON: ") + e.what(), "$");
  }
  check_keys(doc, "",
             {"company",
              "networks",
              "enrollment",
              "ranks",
              "segments",
              "commercial_states",
              "rules",
              "extended_fields",
              "document_types",
              "masks",
              "attachment_types",
              "contracts",
              "blacklist_reasons",
              "channels",
              "workflows",
              "orders",
              "reinstatement",
              "career",
              "segmentation",
              "traffic_light"});
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
  config.zone = find_zone(config.time_zone, "company.time_zone");
  if (auto it = doc.find("orders"); it != doc.end()) {
    check_keys(*it, "orders", {"counted_from"});
    const std::string from = get_string(*it, "counted_from", "orders.", "placed");
    auto state = parse_order_state(from);
    if (!state || *state == OrderState::draft || *state >= OrderState::cancelled)
      throw InvalidArgument("expected \"placed\", \"paid\", \"invoiced\" or \"shipped\"",
                            "orders.counted_from");
    config.counted_from = *state;
  }

  config.rules = parse_rule_book(doc);
  parse_commercial_cycle(doc, config);
  parse_enrollment_catalogs(doc, config);
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
    check_keys(
        *it, "enrollment",
        {"required_fields", "initial_status", "unique_email", "identification", "internal_prefix",
         "territorial_coverage", "sponsor_types", "max_text_bytes", "pre_existence"});
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
    EnrollmentPolicy& e = config.enrollment;
    e.unique_email = get_bool(*it, "unique_email", "enrollment.", false);
    const std::string identification = get_string(*it, "identification", "enrollment.", "optional");
    if (identification == "optional")
      e.identification = Identification::optional;
    else if (identification == "document")
      e.identification = Identification::document;
    else if (identification == "internal")
      e.identification = Identification::internal;
    else
      throw InvalidArgument("expected \"optional\", \"document\" or \"internal\"",
                            "enrollment.identification");
    e.internal_prefix = get_string(*it, "internal_prefix", "enrollment.", e.internal_prefix);
    if (e.internal_prefix.size() > 16 ||
        !std::all_of(e.internal_prefix.begin(), e.internal_prefix.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }))
      throw InvalidArgument("a prefix is up to 16 of A-Z and 0-9", "enrollment.internal_prefix");
    e.territorial_coverage = get_bool(*it, "territorial_coverage", "enrollment.", false);
    if (it->contains("sponsor_types")) {
      e.sponsor_types.clear();
      for (const auto& t : get_strings(*it, "sponsor_types", "enrollment.", {})) {
        auto type = parse_customer_type(t);
        if (!type)
          throw InvalidArgument("unknown customer type '" + t + "' (guest, customer, consultant)",
                                "enrollment.sponsor_types");
        e.sponsor_types.push_back(*type);
      }
    }
    e.max_text_bytes = get_count(*it, "max_text_bytes", "enrollment.", 200, 16, 65536);
    const std::string pre = get_string(*it, "pre_existence", "enrollment.", "reject");
    if (pre != "reject" && pre != "continue")
      throw InvalidArgument("expected \"reject\" or \"continue\"", "enrollment.pre_existence");
    e.continue_pre_existing = pre == "continue";
  }
  if (config.enrollment.identification == Identification::document && config.document_types.empty())
    throw InvalidArgument("identification by document needs document_types",
                          "enrollment.identification");
  parse_career(doc, config);
  parse_segmentation(doc, config);
  parse_traffic_light(doc, config);
  return config;
}

const ExtendedFieldConfig* Config::extended_field(std::string_view id) const {
  for (const auto& f : extended_fields)
    if (f.id == id) return &f;
  return nullptr;
}

const DocumentTypeConfig* Config::document_type(std::string_view id) const {
  for (const auto& d : document_types)
    if (d.id == id) return &d;
  return nullptr;
}

const DisplayMasks* Config::display_masks_of(std::string_view country) const {
  for (const auto& m : display_masks)
    if (m.country == country) return &m;
  return nullptr;
}

const AttachmentTypeConfig* Config::attachment_type(std::string_view id) const {
  for (const auto& a : attachment_types)
    if (a.id == id) return &a;
  return nullptr;
}

const ChannelConfig* Config::channel(std::string_view id) const {
  for (const auto& c : channels)
    if (c.id == id) return &c;
  return nullptr;
}

const WorkflowConfig* Config::workflow(WorkItemKind kind) const {
  for (const auto& w : workflows)
    if (w.kind == kind) return &w;
  return nullptr;
}

const ContractConfig* Config::contract(std::string_view id, std::uint32_t version) const {
  for (const auto& c : contracts)
    if (c.id == id && c.version == version) return &c;
  return nullptr;
}

bool contract_applies(const ContractConfig& contract, std::string_view country, std::uint8_t rank) {
  const bool here = contract.countries.empty() ||
                    std::find(contract.countries.begin(), contract.countries.end(), country) !=
                        contract.countries.end();
  const bool ranked =
      contract.ranks.empty() ||
      std::find(contract.ranks.begin(), contract.ranks.end(), rank) != contract.ranks.end();
  return here && ranked;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

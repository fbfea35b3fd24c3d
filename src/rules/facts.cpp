#include "rules/facts.hpp"

#include "rules/jsonlogic.hpp"

#include <downline/error.hpp>
#include <downline/time.hpp>

#include <algorithm>
#include <charconv>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {
namespace {

using Json = nlohmann::json;
using Kind = FactType::Kind;

FactType leaf(Kind kind, std::string doc, std::vector<std::string> values = {}) {
  FactType type;
  type.kind = kind;
  type.doc = std::move(doc);
  type.values = std::move(values);
  return type;
}

FactType array_of(FactType element, std::string doc) {
  FactType type;
  type.kind = Kind::array;
  type.element.push_back(std::move(element));
  type.doc = std::move(doc);
  return type;
}

FactType object_of(std::vector<std::pair<std::string, FactType>> fields, std::string doc = {}) {
  FactType type;
  type.kind = Kind::object;
  type.fields = std::move(fields);
  type.doc = std::move(doc);
  return type;
}

std::vector<std::string> order_states() {
  return {"draft", "placed", "paid", "invoiced", "shipped", "cancelled", "returned"};
}

FactType build_model() {
  std::vector<std::pair<std::string, FactType>> extended;
  for (int i = 1; i <= 20; ++i) {
    extended.emplace_back(std::to_string(i),
                          leaf(Kind::any, "extended field " + std::to_string(i)));
  }
  FactType person = object_of({
      {"id", leaf(Kind::string, "the person's id")},
      {"kind", leaf(Kind::string, "customer type", {"guest", "customer", "consultant"})},
      {"status",
       leaf(Kind::string, "life-cycle status",
            {"pre_registered", "pending_kit", "active", "inactive", "blocked", "retired"})},
      {"commercial_state", leaf(Kind::string, "commercial state id (\"\" when none)")},
      {"rank", leaf(Kind::string, "rank id (\"\" when none)")},
      {"segments", array_of(leaf(Kind::string, "segment id"), "segment ids the person holds")},
      {"country", leaf(Kind::string, "ISO 3166-1 alpha-2 country")},
      {"zone", leaf(Kind::string, "territorial zone")},
      {"extended", object_of(std::move(extended), "extended fields \"1\" to \"20\"")},
      {"starter_kit", leaf(Kind::string, "starter kit id (\"\" when none)")},
      {"vip", leaf(Kind::boolean, "VIP flag")},
      {"enrolled_at", leaf(Kind::instant, "enrollment instant")},
      {"sponsor", leaf(Kind::string, "the sponsor's id")},
      {"channel", leaf(Kind::string, "enrollment channel")},
  });
  FactType line = object_of({
      {"sku", leaf(Kind::string, "product code")},
      {"quantity", leaf(Kind::integer, "units")},
      {"amount", leaf(Kind::decimal, "line amount")},
      {"volume", leaf(Kind::decimal, "line volume")},
      {"flags", array_of(leaf(Kind::string, "flag"), "flags such as \"starter_kit\", \"gift\"")},
  });
  FactType order = object_of({
      {"id", leaf(Kind::string, "the host's order id")},
      {"state", leaf(Kind::string, "state after the change", order_states())},
      {"previous_state", leaf(Kind::string, "state before the change", order_states())},
      {"amount", leaf(Kind::decimal, "order amount")},
      {"volume", leaf(Kind::decimal, "order volume")},
      {"first_purchase", leaf(Kind::boolean, "the person's first paid order")},
      {"created_by", leaf(Kind::string, "who placed it (an order on behalf of the owner)")},
      {"lines", array_of(std::move(line), "order lines")},
  });
  FactType campaign = object_of({
      {"id", leaf(Kind::string, "campaign id")},
      {"personal_volume", leaf(Kind::decimal, "the person's volume in the campaign")},
      {"orders", leaf(Kind::integer, "the person's orders in the campaign")},
      {"consecutive_campaigns",
       leaf(Kind::integer, "consecutive campaigns with an order, up to this one")},
      {"average_order", leaf(Kind::decimal, "average order amount")},
  });
  FactType network = object_of({
      {"direct_recruits", leaf(Kind::integer, "persons sponsored directly")},
      {"active_direct_recruits", leaf(Kind::integer, "active persons sponsored directly")},
      {"active_legs", leaf(Kind::integer, "direct legs with an active person")},
      {"group_volume", leaf(Kind::decimal, "volume of the person and their downline")},
  });
  return object_of({
      {"person", std::move(person)},
      {"order", std::move(order)},
      {"campaign", std::move(campaign)},
      {"network", std::move(network)},
  });
}

bool canonical_index(const std::string& segment) {
  if (segment.empty() || segment.size() > 18) return false;
  if (segment.size() > 1 && segment[0] == '0') return false;
  return std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; });
}

[[noreturn]] void wrong_type(const FactType& type, const std::string& path) {
  throw InvalidArgument("expected " + std::string(kind_name(type.kind)) + " (" + type.doc + ")",
                        path);
}

}  // namespace

const FactType* FactType::field(std::string_view name) const {
  for (const auto& [key, type] : fields) {
    if (key == name) return &type;
  }
  return nullptr;
}

const FactType& fact_model() {
  static const FactType model = build_model();
  return model;
}

std::string_view kind_name(FactType::Kind kind) {
  switch (kind) {
    case Kind::any: return "any value";
    case Kind::string: return "a string";
    case Kind::integer: return "an integer";
    case Kind::decimal: return "a decimal";
    case Kind::boolean: return "a boolean";
    case Kind::instant: return "an RFC 3339 instant";
    case Kind::object: return "an object";
    case Kind::array: return "an array";
  }
  return "any value";
}

const FactType* resolve_fact(const FactType& scope, const std::vector<std::string>& path) {
  const FactType* current = &scope;
  for (const std::string& segment : path) {
    if (current->kind == Kind::any) return current;
    if (current->kind == Kind::object) {
      current = current->field(segment);
    } else if (current->kind == Kind::array && canonical_index(segment)) {
      current = &current->element.front();
    } else {
      return nullptr;
    }
    if (current == nullptr) return nullptr;
  }
  return current;
}

void check_facts(const Json& facts, const FactType& type, const std::string& path) {
  if (facts.is_null()) return;
  auto child = [&path](const std::string& key) { return path.empty() ? key : path + "." + key; };
  switch (type.kind) {
    case Kind::any: return;
    case Kind::object:
      if (!facts.is_object()) wrong_type(type, path.empty() ? "$" : path);
      for (const auto& [key, value] : facts.items()) {
        const FactType* field = type.field(key);
        if (field == nullptr)
          throw InvalidArgument("unknown fact '" + child(key) + "'", child(key));
        check_facts(value, *field, child(key));
      }
      return;
    case Kind::array:
      if (!facts.is_array()) wrong_type(type, path);
      for (std::size_t i = 0; i < facts.size(); ++i) {
        check_facts(facts[i], type.element.front(), path + "[" + std::to_string(i) + "]");
      }
      return;
    case Kind::string:
      if (!facts.is_string()) wrong_type(type, path);
      if (!type.values.empty() && std::find(type.values.begin(), type.values.end(),
                                            facts.get<std::string>()) == type.values.end()) {
        std::string allowed;
        for (const std::string& value : type.values)
          allowed += (allowed.empty() ? "" : ", ") + value;
        throw InvalidArgument("'" + facts.get<std::string>() + "' is not one of " + allowed, path);
      }
      return;
    case Kind::integer:
      if (!facts.is_number_integer()) wrong_type(type, path);
      return;
    case Kind::boolean:
      if (!facts.is_boolean()) wrong_type(type, path);
      return;
    case Kind::decimal:
      if (!(facts.is_string() || facts.is_number()) || !to_decimal(facts)) wrong_type(type, path);
      return;
    case Kind::instant:
      if (!facts.is_string()) wrong_type(type, path);
      try {
        Instant::parse_rfc3339(facts.get<std::string>());
      } catch (const Error&) {
        wrong_type(type, path);
      }
      return;
  }
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

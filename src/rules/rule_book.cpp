#include "rules/rule_book.hpp"

#include "rules/facts.hpp"

#include <downline/error.hpp>
#include <downline/person.hpp>

#include <algorithm>
#include <limits>
#include <set>
#include <sstream>
#include <utility>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

std::string key_path(const std::string& path, std::string_view key) {
  if (path.empty() || path == "$") return std::string(key);
  if (key.empty()) return path;
  return path + "." + std::string(key);
}

std::string item_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

void check_object(const Json& value, const std::string& path, std::string_view what) {
  if (!value.is_object()) {
    throw InvalidArgument(
        "expected " + std::string(what) + " (a JSON object), got " + std::string(value.type_name()),
        path.empty() ? "$" : path);
  }
}

void check_keys(const Json& obj, const std::string& path,
                std::initializer_list<std::string_view> known, std::string_view what) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      throw InvalidArgument("unknown key '" + key + "' in " + std::string(what),
                            key_path(path, key));
    }
  }
}

const Json* find(const Json& obj, std::string_view key) {
  const auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::string string_at(const Json& obj, std::string_view key, const std::string& path, bool required,
                      bool non_empty = true) {
  const Json* value = find(obj, key);
  if (value == nullptr) {
    if (required) throw InvalidArgument("missing '" + std::string(key) + "'", key_path(path, key));
    return {};
  }
  if (!value->is_string()) throw InvalidArgument("expected a string", key_path(path, key));
  std::string text = value->get<std::string>();
  if (non_empty && text.empty()) throw InvalidArgument("must not be empty", key_path(path, key));
  return text;
}

std::optional<Instant> instant_at(const Json& obj, std::string_view key, const std::string& path) {
  const Json* value = find(obj, key);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (!value->is_string()) {
    throw InvalidArgument("expected an RFC 3339 instant string", key_path(path, key));
  }
  try {
    return Instant::parse_rfc3339(value->get<std::string>());
  } catch (const Error& e) {
    throw InvalidArgument(e.what(), key_path(path, key));
  }
}

// ---------------------------------------------------------------------------
// Catalogs.

// `extra` lists the keys other parts of the configuration read from the
// same entries (the commercial cycle's thresholds of commercial states).
std::vector<CatalogEntry> parse_catalog(const Json& doc, std::string_view key,
                                        std::initializer_list<const char*> extra = {}) {
  std::vector<CatalogEntry> out;
  const Json* list = find(doc, key);
  if (list == nullptr) return out;
  const std::string path(key);
  if (!list->is_array()) throw InvalidArgument("expected an array", path);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string here = item_path(path, i);
    const Json& entry = (*list)[i];
    check_object(entry, here, "an entry {\"id\", \"name\"}");
    for (const auto& [k, value] : entry.items())
      if (k != "id" && k != "name" &&
          std::none_of(extra.begin(), extra.end(), [&k](const char* e) { return k == e; }))
        throw InvalidArgument("unknown key '" + k + "' in an entry", key_path(here, k));
    CatalogEntry item{string_at(entry, "id", here, true), string_at(entry, "name", here, false)};
    if (!seen.insert(item.id).second) {
      throw InvalidArgument("'" + item.id + "' is declared twice", key_path(here, "id"));
    }
    out.push_back(std::move(item));
  }
  return out;
}

std::string catalog_id(const Json& obj, std::string_view key, const std::string& path,
                       const std::vector<CatalogEntry>& catalog, std::string_view what,
                       std::string_view catalog_key) {
  std::string id = string_at(obj, key, path, true);
  const bool known = std::any_of(catalog.begin(), catalog.end(),
                                 [&id](const CatalogEntry& entry) { return entry.id == id; });
  if (!known) {
    std::string message = "unknown " + std::string(what) + " '" + id + "'";
    if (catalog.empty()) {
      message += " (the configuration declares no \"" + std::string(catalog_key) + "\")";
    } else {
      message += " (declared in \"" + std::string(catalog_key) + "\": ";
      for (std::size_t i = 0; i < catalog.size(); ++i) message += (i ? ", " : "") + catalog[i].id;
      message += ")";
    }
    throw InvalidArgument(message, key_path(path, key));
  }
  return id;
}

// ---------------------------------------------------------------------------
// Actions.

Decimal decimal_param(const Json& obj, std::string_view key, const std::string& path) {
  const Json& value = obj.at(key);
  const std::optional<Decimal> parsed =
      value.is_string() || value.is_number() ? to_decimal(value) : std::nullopt;
  if (!parsed) throw InvalidArgument("expected a decimal such as \"10.5\"", key_path(path, key));
  if (*parsed <= Decimal{}) throw InvalidArgument("must be greater than 0", key_path(path, key));
  return *parsed;
}

Benefit parse_benefit(const Json& obj, const std::string& path) {
  Benefit benefit;
  const std::string kind = string_at(obj, "benefit", path, true);
  if (kind == "gift_product") {
    benefit.kind = BenefitKind::gift_product;
    check_keys(obj, path, {"action", "benefit", "sku", "quantity", "description"},
               "a gift_product benefit");
    benefit.sku = string_at(obj, "sku", path, true);
    if (const Json* quantity = find(obj, "quantity")) {
      if (!quantity->is_number_integer() || quantity->get<std::int64_t>() < 1 ||
          quantity->get<std::int64_t>() > std::numeric_limits<std::uint32_t>::max()) {
        throw InvalidArgument("expected a positive integer", key_path(path, "quantity"));
      }
      benefit.quantity = quantity->get<std::uint32_t>();
    }
  } else if (kind == "coupon" || kind == "discount") {
    benefit.kind = kind == "coupon" ? BenefitKind::coupon : BenefitKind::discount;
    if (benefit.kind == BenefitKind::coupon) {
      check_keys(obj, path, {"action", "benefit", "code", "percent", "amount", "description"},
                 "a coupon benefit");
      benefit.code = string_at(obj, "code", path, true);
    } else {
      check_keys(obj, path, {"action", "benefit", "percent", "amount", "description"},
                 "a discount benefit");
    }
    if (find(obj, "percent") != nullptr) {
      benefit.percent = decimal_param(obj, "percent", path);
      if (*benefit.percent > Decimal::from_integer(100)) {
        throw InvalidArgument("a percentage is at most 100", key_path(path, "percent"));
      }
    }
    if (find(obj, "amount") != nullptr) benefit.amount = decimal_param(obj, "amount", path);
    if (benefit.percent && benefit.amount) {
      throw InvalidArgument("give either 'percent' or 'amount', not both",
                            key_path(path, "amount"));
    }
    if (benefit.kind == BenefitKind::discount && !benefit.percent && !benefit.amount) {
      throw InvalidArgument("a discount needs 'percent' or 'amount'", key_path(path, "percent"));
    }
  } else {
    throw InvalidArgument("unknown benefit '" + kind + "' (gift_product, coupon, discount)",
                          key_path(path, "benefit"));
  }
  benefit.description = string_at(obj, "description", path, false, false);
  return benefit;
}

Action parse_action(const Json& obj, const std::string& path, const RuleBookData& book) {
  check_object(obj, path, "an action");
  const std::string name = string_at(obj, "action", path, true);
  const std::optional<ActionType> type = parse_action_type(name);
  if (!type) {
    throw InvalidArgument(
        "unknown action '" + name +
            "' (activate, inactivate, set_customer_type, set_commercial_state, assign_segment, "
            "remove_segment, set_vip, set_rank, grant_benefit, require_starter_kit, "
            "flag_for_review)",
        key_path(path, "action"));
  }
  Action action;
  action.type = *type;
  const std::string what = "action '" + name + "'";
  switch (*type) {
    case ActionType::activate: check_keys(obj, path, {"action"}, what); break;
    case ActionType::inactivate:
      check_keys(obj, path, {"action", "reason"}, what);
      action.reason = string_at(obj, "reason", path, false, false);
      break;
    case ActionType::set_customer_type: {
      check_keys(obj, path, {"action", "customer_type"}, what);
      action.target = string_at(obj, "customer_type", path, true);
      if (!parse_customer_type(action.target)) {
        throw InvalidArgument(
            "unknown customer type '" + action.target + "' (guest, customer, consultant)",
            key_path(path, "customer_type"));
      }
      break;
    }
    case ActionType::set_commercial_state:
      check_keys(obj, path, {"action", "state"}, what);
      action.target = catalog_id(obj, "state", path, book.commercial_states, "commercial state",
                                 "commercial_states");
      break;
    case ActionType::assign_segment:
    case ActionType::remove_segment:
      check_keys(obj, path, {"action", "segment"}, what);
      action.target = catalog_id(obj, "segment", path, book.segments, "segment", "segments");
      break;
    case ActionType::set_vip: {
      check_keys(obj, path, {"action", "vip"}, what);
      const Json* vip = find(obj, "vip");
      if (vip == nullptr || !vip->is_boolean()) {
        throw InvalidArgument("expected \"vip\": true or false", key_path(path, "vip"));
      }
      action.vip = vip->get<bool>();
      break;
    }
    case ActionType::set_rank:
      check_keys(obj, path, {"action", "rank"}, what);
      action.target = catalog_id(obj, "rank", path, book.ranks, "rank", "ranks");
      break;
    case ActionType::grant_benefit: action.benefit = parse_benefit(obj, path); break;
    case ActionType::require_starter_kit:
      check_keys(obj, path, {"action", "kit"}, what);
      action.target = string_at(obj, "kit", path, false);
      break;
    case ActionType::flag_for_review:
      check_keys(obj, path, {"action", "reason", "workflow"}, what);
      action.reason = string_at(obj, "reason", path, true);
      action.workflow = string_at(obj, "workflow", path, false);
      if (action.workflow.empty()) action.workflow = "review";
      break;
  }
  return action;
}

// ---------------------------------------------------------------------------
// Rules.

// Re-throws an error from inside a rule's condition with the rule's path.
[[noreturn]] void rethrow_in(const Error& e, const std::string& path) {
  std::string field = path;
  if (!e.field().empty()) field += (e.field().front() == '[' ? "" : ".") + e.field();
  throw_error(e.code(), e.what(), field);
}

Rule parse_rule(const Json& obj, const std::string& path, const RuleBookData& book) {
  check_object(obj, path, "a rule");
  check_keys(obj, path,
             {"id", "version", "trigger", "priority", "stop_processing", "effective_from",
              "effective_to", "description", "when", "then"},
             "a rule");
  Rule rule;
  rule.path = path;
  rule.id = string_at(obj, "id", path, true);
  if (const Json* version = find(obj, "version")) {
    if (!version->is_number_integer() || version->get<std::int64_t>() < 1 ||
        version->get<std::int64_t>() > std::numeric_limits<std::uint32_t>::max()) {
      throw InvalidArgument("expected a positive integer", key_path(path, "version"));
    }
    rule.version = version->get<std::uint32_t>();
  }
  const std::string trigger = string_at(obj, "trigger", path, true);
  const std::optional<Trigger> parsed = parse_trigger(trigger);
  if (!parsed) {
    throw InvalidArgument(
        "unknown trigger '" + trigger + "' (enrollment, order_state_changed, campaign_close)",
        key_path(path, "trigger"));
  }
  rule.trigger = *parsed;
  if (const Json* priority = find(obj, "priority")) {
    if (!priority->is_number_integer()) {
      throw InvalidArgument("expected an integer", key_path(path, "priority"));
    }
    rule.priority = priority->get<std::int64_t>();
  }
  if (const Json* stop = find(obj, "stop_processing")) {
    if (!stop->is_boolean())
      throw InvalidArgument("expected a boolean", key_path(path, "stop_processing"));
    rule.stop_processing = stop->get<bool>();
  }
  rule.effective_from = instant_at(obj, "effective_from", path);
  rule.effective_to = instant_at(obj, "effective_to", path);
  if (rule.effective_from && rule.effective_to && !(*rule.effective_from < *rule.effective_to)) {
    throw InvalidArgument("effective_to must be after effective_from",
                          key_path(path, "effective_to"));
  }
  rule.description = string_at(obj, "description", path, false, false);
  if (const Json* when = find(obj, "when")) {
    try {
      rule.when = CompiledLogic::compile(*when, LogicLimits{}, &fact_model());
    } catch (const Error& e) {
      rethrow_in(e, key_path(path, "when"));
    }
  }
  const Json* then = find(obj, "then");
  if (then == nullptr)
    throw InvalidArgument("missing 'then' (the actions)", key_path(path, "then"));
  if (!then->is_array() || then->empty()) {
    throw InvalidArgument("expected a non-empty array of actions", key_path(path, "then"));
  }
  for (std::size_t i = 0; i < then->size(); ++i) {
    rule.then.push_back(parse_action((*then)[i], item_path(key_path(path, "then"), i), book));
  }
  return rule;
}

bool windows_overlap(const Rule& a, const Rule& b) {
  // [from, to) intervals, unbounded where absent.
  const bool a_before_b =
      a.effective_to && b.effective_from && *a.effective_to <= *b.effective_from;
  const bool b_before_a =
      b.effective_to && a.effective_from && *b.effective_to <= *a.effective_from;
  return !a_before_b && !b_before_a;
}

void check_versions(const RuleBookData& book) {
  for (std::size_t j = 0; j < book.rules.size(); ++j) {
    const Rule& later = book.rules[j];
    for (std::size_t i = 0; i < j; ++i) {
      const Rule& earlier = book.rules[i];
      if (earlier.id != later.id) continue;
      if (earlier.version == later.version) {
        throw InvalidArgument("rule '" + later.id + "' version " + std::to_string(later.version) +
                                  " is declared twice (also at " + earlier.path + ")",
                              key_path(later.path, "version"));
      }
      if (windows_overlap(earlier, later)) {
        throw InvalidArgument("versions " + std::to_string(earlier.version) + " and " +
                                  std::to_string(later.version) + " of rule '" + later.id +
                                  "' would both be effective at once: close the older one with "
                                  "effective_to where the newer one's effective_from starts",
                              key_path(later.path, "effective_from"));
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Rendering.

std::string decision_line(const OrderedJson& action) {
  OrderedJson params = action;
  const std::string name = params.value("action", std::string());
  params.erase("action");
  params.erase("rule");
  params.erase("version");
  return name + (params.empty() ? "" : " " + params.dump());
}

std::string value_text(const Json& arg) {
  std::string out;
  if (arg.contains("var")) out = arg["var"].get<std::string>() + "=";
  out += arg.value("value", Json()).dump();
  return out;
}

bool is_infix(std::string_view op) {
  static constexpr std::array<std::string_view, 14> kInfix{
      "==", "===", "!=", "!==", ">", ">=", "<", "<=", "in", "+", "-", "*", "/", "%"};
  return std::find(kInfix.begin(), kInfix.end(), op) != kInfix.end();
}

// One line per condition: "and[0].>: campaign.average_order="300000" > "300000" -> false".
void render_conditions(const Json& conditions, const std::string& indent, std::ostringstream& out) {
  for (const Json& entry : conditions) {
    const std::string op = entry.value("op", std::string());
    if (op == "and" || op == "or" || op == "if" || op == "?:") continue;
    const Json& args = entry["args"];
    out << indent << entry.value("path", std::string()) << ": ";
    if (is_infix(op) && args.size() == 2) {
      out << value_text(args[0]) << ' ' << op << ' ' << value_text(args[1]);
    } else {
      out << op << '(';
      for (std::size_t i = 0; i < args.size(); ++i) out << (i ? ", " : "") << value_text(args[i]);
      out << ')';
    }
    out << " -> " << entry["result"].dump() << '\n';
  }
}

std::string render_trace(const Json& trace) {
  std::ostringstream out;
  for (const Json& rule : trace) {
    out << "    rule " << rule["rule"].get<std::string>() << " v"
        << rule["version"].get<std::uint32_t>() << ": " << rule["outcome"].get<std::string>();
    if (rule.contains("stopped_by")) {
      out << " (stopped by " << rule["stopped_by"].get<std::string>() << ")";
    }
    out << '\n';
    if (rule.contains("conditions")) render_conditions(rule["conditions"], "      ", out);
  }
  return out.str();
}

struct ExpectedDecision {
  OrderedJson action;  // action_to_json form
  std::optional<std::string> rule;
  std::optional<std::uint32_t> version;
};

bool matches(const ExpectedDecision& expected, const Decision& actual) {
  if (expected.rule && *expected.rule != actual.rule) return false;
  if (expected.version && *expected.version != actual.version) return false;
  return expected.action == action_to_json(actual.action);
}

std::string expected_line(const ExpectedDecision& e) {
  std::string line = decision_line(e.action);
  if (e.rule) {
    line += "  (rule " + *e.rule + (e.version ? " v" + std::to_string(*e.version) : "") + ")";
  }
  return line;
}

std::string actual_line(const Decision& d) {
  return decision_line(action_to_json(d.action)) + "  (rule " + d.rule + " v" +
         std::to_string(d.version) + ")";
}

// A line diff of expected against actual decisions (longest common
// subsequence), as "  same", "- expected only", "+ decided only".
std::string diff_decisions(const std::vector<ExpectedDecision>& expected,
                           const std::vector<Decision>& actual) {
  const std::size_t n = expected.size();
  const std::size_t m = actual.size();
  std::vector<std::vector<std::size_t>> lcs(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] = matches(expected[i], actual[j]) ? lcs[i + 1][j + 1] + 1
                                                  : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::ostringstream out;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && matches(expected[i], actual[j])) {
      out << "    " << actual_line(actual[j]) << '\n';
      ++i;
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out << "  - " << expected_line(expected[i++]) << '\n';
    } else {
      out << "  + " << actual_line(actual[j++]) << '\n';
    }
  }
  if (n == 0 && m == 0) out << "    (no decisions)\n";
  return out.str();
}

}  // namespace

// ---------------------------------------------------------------------------

bool Rule::effective_at(Instant at) const {
  if (effective_from && at < *effective_from) return false;
  if (effective_to && !(at < *effective_to)) return false;
  return true;
}

std::shared_ptr<const RuleBookData> parse_rule_book(const Json& doc) {
  check_object(doc, "$", "a rules document");
  auto book = std::make_shared<RuleBookData>();
  book->ranks = parse_catalog(doc, "ranks", {"requirements"});
  book->segments = parse_catalog(doc, "segments");
  book->commercial_states =
      parse_catalog(doc, "commercial_states", {"after_campaigns_without_order", "inactivates"});
  if (const Json* rules = find(doc, "rules")) {
    if (!rules->is_array()) throw InvalidArgument("expected an array of rules", "rules");
    for (std::size_t i = 0; i < rules->size(); ++i) {
      book->rules.push_back(parse_rule((*rules)[i], item_path("rules", i), *book));
    }
  }
  check_versions(*book);
  for (std::size_t i = 0; i < book->rules.size(); ++i) {
    book->by_trigger[static_cast<std::size_t>(book->rules[i].trigger)].push_back(i);
  }
  for (auto& order : book->by_trigger) {
    std::stable_sort(order.begin(), order.end(), [&book](std::size_t a, std::size_t b) {
      return book->rules[a].priority < book->rules[b].priority;
    });
  }
  return book;
}

void check_input_facts(const Json& facts) {
  if (!facts.is_object()) {
    throw InvalidArgument(
        "expected the facts (a JSON object with person, order, campaign, network)", "$");
  }
  check_facts(facts, fact_model(), "");
}

std::vector<Decision> evaluate_rules(const RuleBookData& book, Trigger trigger, const Json& facts,
                                     Instant at, Json* trace) {
  if (trace != nullptr && !trace->is_array()) *trace = Json::array();
  std::vector<Decision> decisions;
  const Rule* stopped_by = nullptr;
  for (const std::size_t index : book.by_trigger[static_cast<std::size_t>(trigger)]) {
    const Rule& rule = book.rules[index];
    Json entry;
    if (trace != nullptr) {
      entry = {{"rule", rule.id}, {"version", rule.version}, {"priority", rule.priority}};
    }
    if (stopped_by != nullptr) {
      if (trace != nullptr) {
        entry["outcome"] = "skipped";
        entry["stopped_by"] = stopped_by->id;
        trace->push_back(std::move(entry));
      }
      continue;
    }
    if (!rule.effective_at(at)) {
      if (trace != nullptr) {
        entry["outcome"] = "not_effective";
        trace->push_back(std::move(entry));
      }
      continue;
    }
    bool fired = true;
    if (rule.when) {
      Json conditions = Json::array();
      Json result;
      try {
        result = rule.when->evaluate(facts, trace != nullptr ? &conditions : nullptr);
      } catch (const Error& e) {
        rethrow_in(e, key_path(rule.path, "when"));
      }
      fired = logic_truthy(result);
      if (trace != nullptr) {
        entry["conditions"] = std::move(conditions);
        entry["result"] = std::move(result);
      }
    }
    if (trace != nullptr) entry["outcome"] = fired ? "fired" : "not_met";
    if (fired) {
      for (const Action& action : rule.then) decisions.push_back({rule.id, rule.version, action});
      if (rule.stop_processing) stopped_by = &rule;
    }
    if (trace != nullptr) trace->push_back(std::move(entry));
  }
  return decisions;
}

OrderedJson action_to_json(const Action& action) {
  OrderedJson out = {{"action", to_string(action.type)}};
  switch (action.type) {
    case ActionType::activate: break;
    case ActionType::inactivate:
      if (!action.reason.empty()) out["reason"] = action.reason;
      break;
    case ActionType::set_customer_type: out["customer_type"] = action.target; break;
    case ActionType::set_commercial_state: out["state"] = action.target; break;
    case ActionType::assign_segment:
    case ActionType::remove_segment: out["segment"] = action.target; break;
    case ActionType::set_vip: out["vip"] = action.vip; break;
    case ActionType::set_rank: out["rank"] = action.target; break;
    case ActionType::grant_benefit: {
      const Benefit& b = *action.benefit;
      out["benefit"] = to_string(b.kind);
      if (b.kind == BenefitKind::gift_product) {
        out["sku"] = b.sku;
        out["quantity"] = b.quantity;
      }
      if (b.kind == BenefitKind::coupon) out["code"] = b.code;
      if (b.percent) out["percent"] = b.percent->to_string();
      if (b.amount) out["amount"] = b.amount->to_string();
      if (!b.description.empty()) out["description"] = b.description;
      break;
    }
    case ActionType::require_starter_kit:
      if (!action.target.empty()) out["kit"] = action.target;
      break;
    case ActionType::flag_for_review:
      out["reason"] = action.reason;
      out["workflow"] = action.workflow;
      break;
  }
  return out;
}

OrderedJson decision_to_json(const Decision& decision) {
  OrderedJson out = OrderedJson::object();
  out["rule"] = decision.rule;
  out["version"] = decision.version;
  const OrderedJson action = action_to_json(decision.action);
  for (auto it = action.begin(); it != action.end(); ++it) out[it.key()] = it.value();
  return out;
}

RuleTestReport test_rules(const RuleBookData& book, const Json& document, Instant now) {
  const Json* cases = &document;
  std::string base = "";
  if (document.is_object()) {
    check_keys(document, "", {"cases"}, "a cases document");
    cases = find(document, "cases");
    base = "cases";
    if (cases == nullptr) throw InvalidArgument("missing 'cases'", "cases");
  }
  if (!cases->is_array()) {
    throw InvalidArgument("expected an array of cases (or {\"cases\": [...]})",
                          base.empty() ? "$" : base);
  }
  RuleTestReport report;
  for (std::size_t c = 0; c < cases->size(); ++c) {
    const std::string path = base.empty() ? "[" + std::to_string(c) + "]" : item_path(base, c);
    const Json& spec = (*cases)[c];
    check_object(spec, path, "a case");
    check_keys(spec, path, {"name", "trigger", "at", "facts", "expect", "description"}, "a case");
    RuleCaseResult result;
    result.name = string_at(spec, "name", path, true);
    const std::string trigger_name = string_at(spec, "trigger", path, true);
    const std::optional<Trigger> trigger = parse_trigger(trigger_name);
    if (!trigger) {
      throw InvalidArgument("unknown trigger '" + trigger_name + "'", key_path(path, "trigger"));
    }
    const Instant at = instant_at(spec, "at", path).value_or(now);
    const Json* facts = find(spec, "facts");
    const Json empty = Json::object();
    const Json* expect = find(spec, "expect");
    if (expect == nullptr || !expect->is_array()) {
      throw InvalidArgument("expected an array of the decisions expected",
                            key_path(path, "expect"));
    }
    std::vector<ExpectedDecision> expected;
    for (std::size_t i = 0; i < expect->size(); ++i) {
      const std::string here = item_path(key_path(path, "expect"), i);
      const Json& item = (*expect)[i];
      check_object(item, here, "an expected decision");
      Json action_json = item;
      ExpectedDecision e;
      if (const Json* rule = find(item, "rule")) {
        if (!rule->is_string()) throw InvalidArgument("expected a string", key_path(here, "rule"));
        e.rule = rule->get<std::string>();
        action_json.erase("rule");
      }
      if (const Json* version = find(item, "version")) {
        if (!version->is_number_unsigned()) {
          throw InvalidArgument("expected a positive integer", key_path(here, "version"));
        }
        e.version = version->get<std::uint32_t>();
        action_json.erase("version");
      }
      e.action = action_to_json(parse_action(action_json, here, book));
      expected.push_back(std::move(e));
    }
    const Json& case_facts = facts ? *facts : empty;
    try {
      check_input_facts(case_facts);
      result.decisions = evaluate_rules(book, *trigger, case_facts, at, nullptr);
    } catch (const Error& e) {
      // A rule's fault keeps the rule's path; a fact's gets the case's.
      const std::string& field = e.field();
      if (field.rfind("rules[", 0) == 0) {
        throw_error(e.code(), "case '" + result.name + "': " + e.what(), field);
      }
      throw_error(e.code(), e.what(),
                  key_path(key_path(path, "facts"), field == "$" ? std::string() : field));
    }
    result.passed = expected.size() == result.decisions.size() &&
                    std::equal(expected.begin(), expected.end(), result.decisions.begin(), matches);
    if (!result.passed) {
      ++report.failed;
      // Traced only to explain a failure: a trace costs many evaluations.
      Json trace = Json::array();
      evaluate_rules(book, *trigger, case_facts, at, &trace);
      result.diff = "  decisions (- expected, + decided):\n" +
                    diff_decisions(expected, result.decisions) + "  rules that ran:\n" +
                    render_trace(trace);
    }
    report.cases.push_back(std::move(result));
  }
  return report;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

#include <downline/rules.hpp>

#include "config/config.hpp"
#include "rules/rule_book.hpp"

#include <downline/error.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <sstream>

DOWNLINE_BEGIN_NAMESPACE
namespace {

using Json = nlohmann::json;

constexpr std::array<std::string_view, 3> kTriggers{"enrollment", "order_state_changed",
                                                    "campaign_close"};
constexpr std::array<std::string_view, 11> kActions{
    "activate",       "inactivate",          "set_customer_type", "set_commercial_state",
    "assign_segment", "remove_segment",      "set_vip",           "set_rank",
    "grant_benefit",  "require_starter_kit", "flag_for_review"};
constexpr std::array<std::string_view, 3> kBenefits{"gift_product", "coupon", "discount"};

template <typename Enum, std::size_t N>
std::optional<Enum> parse_name(const std::array<std::string_view, N>& names,
                               std::string_view name) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

Json parse_json(std::string_view text, std::string_view what) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw InvalidArgument(std::string(what) + " is not valid JSON: " + e.what(), "$");
  }
}

}  // namespace

std::string_view to_string(Trigger trigger) noexcept {
  return kTriggers[static_cast<std::size_t>(trigger)];
}
std::string_view to_string(ActionType type) noexcept {
  return kActions[static_cast<std::size_t>(type)];
}
std::string_view to_string(BenefitKind kind) noexcept {
  return kBenefits[static_cast<std::size_t>(kind)];
}
std::optional<Trigger> parse_trigger(std::string_view name) noexcept {
  return parse_name<Trigger>(kTriggers, name);
}
std::optional<ActionType> parse_action_type(std::string_view name) noexcept {
  return parse_name<ActionType>(kActions, name);
}

std::string RuleTestReport::text() const {
  std::ostringstream out;
  out << "rules test: " << cases.size() << " case" << (cases.size() == 1 ? "" : "s") << ", "
      << cases.size() - failed << " passed, " << failed << " failed\n";
  for (const RuleCaseResult& result : cases) {
    out << (result.passed ? "PASS  " : "FAIL  ") << result.name << '\n';
    if (!result.passed) out << result.diff;
  }
  return out.str();
}

RuleBook::RuleBook(std::shared_ptr<const internal::RuleBookData> data) : data_(std::move(data)) {}

RuleBook RuleBook::load(std::string_view json_text) {
  const Json doc = parse_json(json_text, "the rules document");
  if (doc.is_object() &&
      (doc.contains("company") || doc.contains("networks") || doc.contains("enrollment"))) {
    // A whole company configuration: checked as one.
    return RuleBook(internal::parse_config(json_text).rules);
  }
  if (doc.is_object()) {
    for (const auto& [key, value] : doc.items()) {
      const auto& known = internal::kRuleBookKeys;
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        throw InvalidArgument("unknown key '" + key +
                                  "' in a rules document (ranks, segments, commercial_states, "
                                  "rules)",
                              key);
      }
    }
  }
  return RuleBook(internal::parse_rule_book(doc));
}

RuleEvaluation RuleBook::evaluate(Trigger trigger, std::string_view facts_json, Instant at,
                                  bool trace) const {
  const Json facts = parse_json(facts_json, "the facts");
  RuleEvaluation out;
  Json entries = Json::array();
  internal::check_input_facts(facts);
  out.decisions = internal::evaluate_rules(*data_, trigger, facts, at, trace ? &entries : nullptr);
  if (trace) out.trace_json = entries.dump();
  return out;
}

RuleTestReport RuleBook::test(std::string_view cases_json) const {
  return internal::test_rules(*data_, parse_json(cases_json, "the cases document"),
                              SystemClock().now());
}

std::size_t RuleBook::size() const noexcept {
  return data_->rules.size();
}

DOWNLINE_END_NAMESPACE

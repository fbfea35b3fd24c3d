// downline — business rules: conditions in JsonLogic over a documented fact
// model, typed actions checked when the rules load, rule sets per trigger,
// and their unit tests. docs/rules.md is the reference.
//
// A rule book evaluates without a store: RuleBook::evaluate(trigger, facts)
// returns the decisions and, on request, a trace of every condition with the
// values it saw. A Company runs the rules of its configuration on its own
// triggers and records which rule version decided what in the event log.
#pragma once

#include <downline/export.hpp>
#include <downline/money.hpp>
#include <downline/time.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE

/// When a rule set runs.
enum class Trigger : std::uint8_t {
  enrollment,           ///< a person is enrolled
  order_state_changed,  ///< the host reports an order's new state
  campaign_close,       ///< a campaign closes, once per person
};

/// What a rule does when its condition holds.
enum class ActionType : std::uint8_t {
  activate,
  inactivate,
  set_customer_type,
  set_commercial_state,
  assign_segment,
  remove_segment,
  set_vip,
  set_rank,
  grant_benefit,        ///< recorded for the host to fulfil
  require_starter_kit,  ///< the person stays pending until the kit is paid
  flag_for_review,      ///< opens an approval workflow item
};

/// What a granted benefit is.
enum class BenefitKind : std::uint8_t { gift_product, coupon, discount };

/// Lower-case name ("order_state_changed"); never fails.
DOWNLINE_API std::string_view to_string(Trigger trigger) noexcept;
/// Lower-case name ("assign_segment"); never fails.
DOWNLINE_API std::string_view to_string(ActionType type) noexcept;
/// Lower-case name ("gift_product"); never fails.
DOWNLINE_API std::string_view to_string(BenefitKind kind) noexcept;
/// Parses a lower-case name; std::nullopt when unknown.
DOWNLINE_API std::optional<Trigger> parse_trigger(std::string_view name) noexcept;
/// Parses a lower-case name; std::nullopt when unknown.
DOWNLINE_API std::optional<ActionType> parse_action_type(std::string_view name) noexcept;

/// A gift, coupon or discount a rule grants; the host delivers it.
struct Benefit {
  BenefitKind kind = BenefitKind::gift_product;
  std::string sku;                 ///< gift_product: the product given
  std::uint32_t quantity = 1;      ///< gift_product: units given
  std::string code;                ///< coupon: the coupon code
  std::optional<Decimal> percent;  ///< coupon, discount: percentage off
  std::optional<Decimal> amount;   ///< coupon, discount: amount off, company currency
  std::string description;
  friend bool operator==(const Benefit&, const Benefit&) = default;
};

/// One typed, validated action.
struct Action {
  ActionType type = ActionType::activate;
  /// What the action names: the customer type, commercial state, segment,
  /// rank or starter kit; "" for the other actions.
  std::string target;
  bool vip = false;                ///< set_vip: the new flag
  std::string reason;              ///< inactivate, flag_for_review
  std::string workflow;            ///< flag_for_review: the workflow ("review")
  std::optional<Benefit> benefit;  ///< grant_benefit
  friend bool operator==(const Action&, const Action&) = default;
};

/// An action a rule decided, with the rule version that decided it.
struct Decision {
  std::string rule;           ///< the rule's id
  std::uint32_t version = 0;  ///< the version of the rule that decided
  Action action;
  friend bool operator==(const Decision&, const Decision&) = default;
};

/// What an evaluation decided.
struct RuleEvaluation {
  /// In the order the rules ran (priority, then document order).
  std::vector<Decision> decisions;
  /// When asked for: a JSON array with one entry per rule of the trigger —
  /// {"rule", "version", "priority", "outcome": "fired" | "not_met" |
  /// "not_effective" | "skipped", "conditions": [...], "result"} where each
  /// condition is {"path", "op", "args": [{"var"?, "value"}], "result"}.
  std::string trace_json;
};

/// How one case of a rules unit test went.
struct RuleCaseResult {
  std::string name;
  bool passed = false;
  std::vector<Decision> decisions;  ///< what the rules decided
  /// A readable explanation when the case failed: expected vs actual
  /// decisions as a line diff ("- " expected only, "+ " decided only) and
  /// the conditions of each rule that ran. "" when it passed.
  std::string diff;
};

/// The result of RuleBook::test.
struct RuleTestReport {
  std::vector<RuleCaseResult> cases;
  std::size_t failed = 0;

  /// True when every case passed.
  bool passed() const noexcept { return failed == 0; }
  /// A printable report: a summary line, then PASS/FAIL per case with the
  /// diff of each failure. Never fails.
  DOWNLINE_API std::string text() const;
};

namespace internal {
struct RuleBookData;
}  // namespace internal

/// A compiled set of rules with the catalogs they name (ranks, segments,
/// commercial states). Immutable: cheap to copy, safe to use from many
/// threads at once.
class DOWNLINE_API RuleBook {
 public:
  /// Loads a rules document — {"ranks", "segments", "commercial_states",
  /// "rules"}, or a whole company configuration (which holds the same keys).
  /// Every rule's condition is compiled and checked against the fact model
  /// and every action against the catalogs. Throws InvalidArgument naming
  /// the JSON path of the fault ("rules[2].then[0].segment").
  static RuleBook load(std::string_view json_text);

  /// Evaluates the rules of `trigger` effective at `at` on `facts_json`
  /// (an object with "person", "order", "campaign", "network"; see
  /// docs/rules.md), in priority order, until a fired rule stops the
  /// processing. Needs no store. Throws InvalidArgument for facts outside
  /// the model (the field is their path), ResourceExhausted when a rule
  /// exceeds its evaluation budget and OutOfRange when a decimal overflows
  /// (the field names the rule).
  RuleEvaluation evaluate(Trigger trigger, std::string_view facts_json, Instant at,
                          bool trace = false) const;

  /// Runs unit test cases — a JSON array (or {"cases": [...]}) of
  /// {"name", "trigger", "at"?, "facts", "expect": [decisions]} — and
  /// reports each. An expected decision is an action ({"action":
  /// "assign_segment", "segment": "AA"}) with optional "rule" and "version"
  /// that must then match too; decisions compare in order. Throws
  /// InvalidArgument for a malformed case file (the field is its path).
  RuleTestReport test(std::string_view cases_json) const;

  /// Number of rule versions loaded.
  std::size_t size() const noexcept;

 private:
  explicit RuleBook(std::shared_ptr<const internal::RuleBookData> data);
  std::shared_ptr<const internal::RuleBookData> data_;
};

DOWNLINE_END_NAMESPACE

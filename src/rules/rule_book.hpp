// Rule books: the catalogs rules name, rules compiled at load, evaluation
// per trigger, and the unit-test runner. The public face is
// <downline/rules.hpp>; a Company holds the rule book of its configuration.
#pragma once

#include "rules/jsonlogic.hpp"

#include <downline/rules.hpp>
#include <downline/time.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// An id a configuration declares (a rank, a segment, a commercial state).
struct CatalogEntry {
  std::string id;
  std::string name;
};

/// One version of one rule, compiled.
struct Rule {
  std::string id;
  std::uint32_t version = 1;
  Trigger trigger = Trigger::enrollment;
  std::int64_t priority = 0;
  bool stop_processing = false;
  std::optional<Instant> effective_from;  ///< inclusive
  std::optional<Instant> effective_to;    ///< exclusive
  std::string description;
  std::optional<CompiledLogic> when;  ///< absent: always
  std::vector<Action> then;
  std::string path;  ///< "rules[3]": where it was declared

  /// True when `at` is inside the rule's effective window.
  bool effective_at(Instant at) const;
};

struct RuleBookData {
  /// Ranks lowest first, as declared.
  std::vector<CatalogEntry> ranks;
  std::vector<CatalogEntry> segments;
  std::vector<CatalogEntry> commercial_states;
  std::vector<Rule> rules;  ///< as declared
  /// Per trigger, indexes into `rules` in running order.
  std::array<std::vector<std::size_t>, 3> by_trigger;
};

/// The top-level keys a rule book reads from a configuration.
inline constexpr std::array<const char*, 4> kRuleBookKeys{"ranks", "segments", "commercial_states",
                                                          "rules"};

/// Reads the catalogs and rules of `doc` (its other keys are ignored), compiles
/// every condition against the fact model and checks every action. Throws
/// InvalidArgument naming the JSON path of the first fault.
std::shared_ptr<const RuleBookData> parse_rule_book(const nlohmann::json& doc);

/// Throws InvalidArgument (the field is the fact's path) when `facts`, given
/// by a caller, is not an object of the fact model.
void check_input_facts(const nlohmann::json& facts);

/// Runs the rules of `trigger` effective at `at` on `facts`, which must fit
/// the fact model (check_input_facts for a caller's; the library's own are
/// built to fit). Appends the per-rule trace to `trace` when not null.
/// Throws like RuleBook::evaluate.
std::vector<Decision> evaluate_rules(const RuleBookData& book, Trigger trigger,
                                     const nlohmann::json& facts, Instant at,
                                     nlohmann::json* trace);

/// Runs unit test cases (see RuleBook::test); `now` stands for a case's
/// missing "at".
RuleTestReport test_rules(const RuleBookData& book, const nlohmann::json& cases, Instant now);

/// {"rule", "version", "action", ...parameters}: the form the event log,
/// the C API and Python use.
nlohmann::ordered_json decision_to_json(const Decision& decision);
/// {"action", ...parameters}.
nlohmann::ordered_json action_to_json(const Action& action);

}  // namespace internal
DOWNLINE_END_NAMESPACE

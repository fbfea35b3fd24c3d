// A JsonLogic (jsonlogic.com) engine: a rule is compiled once into a tree of
// nodes (operator enum, children, literal) and evaluated many times on
// nlohmann::json data. Passes the official suite (tests/rules).
//
// Semantics follow json-logic-js, with JavaScript's coercions (loose ==,
// relational comparison of strings and numbers, Number() and parseFloat()),
// and JsonLogic's truthiness (an empty array is falsy). Deliberate choices:
// - A rule that is an object with other than exactly one key is a literal.
// - == and === compare arrays and objects structurally (JavaScript compares
//   identities, which rules cannot observe meaningfully).
// - NaN and infinities (1/0, "+" of "abc") are kept while evaluating and come
//   out as null, as JSON.stringify writes them.
// - "var" indexes arrays and objects only ("abc".1 is not "b"); substr counts
//   code points, not UTF-16 units; strings compare by UTF-8 bytes.
// - "max"/"min" with no argument give null; "and"/"or" need an argument.
// - "log" writes the value to std::clog and returns it.
#pragma once

#include <downline/error.hpp>
#include <downline/export.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <memory>
#include <utility>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// Bounds on what a rule may cost.
struct LogicLimits {
  /// Deepest nesting of operators and arrays in a rule; the root is depth 1.
  int max_depth = 64;
  /// Operations one evaluation may perform: one per node evaluated, plus one
  /// per element copied by merge and one per 64 bytes built by cat.
  std::size_t max_operations = 1'000'000;
  /// Largest array an evaluation may build (map, filter, merge, missing, ...).
  std::size_t max_array = 100'000;
  /// Longest string (in bytes) an evaluation may build (cat, substr).
  std::size_t max_string = 1'000'000;
};

struct LogicNode;

/// A compiled rule. Cheap to copy (the tree is shared and immutable);
/// evaluate() is const and safe to call from many threads at once.
class CompiledLogic {
 public:
  /// Compiles `rule`. Throws InvalidArgument for an unknown operator, a wrong
  /// number of arguments to an operator of fixed arity ("!", "==", "in", ...),
  /// or a rule deeper than `limits.max_depth`. The error's field is the path
  /// of the offending operator inside the rule, dotted like the rest of the
  /// library: operator names joined by '.', argument indexes in brackets —
  /// "and[1].==" is the "==" that is the second argument of the root "and";
  /// "[2].var" is the "var" third element of a root array.
  static CompiledLogic compile(const nlohmann::json& rule, const LogicLimits& limits = {});

  /// Evaluates the rule on `data` and returns the result. Throws ResourceExhausted
  /// with a message starting "resource exhausted:" when the evaluation would
  /// exceed `max_operations`, `max_array` or `max_string`. Thread-safe.
  nlohmann::json evaluate(const nlohmann::json& data) const;

  /// The limits the rule was compiled with.
  const LogicLimits& limits() const noexcept { return limits_; }

 private:
  CompiledLogic(std::shared_ptr<const LogicNode> root, const LogicLimits& limits)
      : root_(std::move(root)), limits_(limits) {}

  std::shared_ptr<const LogicNode> root_;
  LogicLimits limits_;
};

/// JsonLogic truthiness: false, null, 0, NaN, "" and [] are falsy.
bool logic_truthy(const nlohmann::json& value);

}  // namespace internal
DOWNLINE_END_NAMESPACE

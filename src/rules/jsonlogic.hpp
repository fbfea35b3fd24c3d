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
//
// Exact decimals (docs/rules.md): {"dec": "300000.50"} is a decimal literal,
// and a var naming a decimal fact of the fact model (money, volume) is a
// decimal. When an operand is a decimal, comparisons and + - * / % min max
// are exact (6 decimal places, * and / rounded half-even) and the result is
// a decimal, written as a JSON string ("300000.5"). Other numbers keep
// JsonLogic's double semantics.
#pragma once

#include <downline/error.hpp>
#include <downline/export.hpp>
#include <downline/money.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <memory>
#include <optional>
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
struct FactType;

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
  ///
  /// With a `facts` scope, every var with a literal name must name a fact of
  /// that model (inside map, filter, all, none, some and reduce over a fact
  /// array: a field of its elements), else InvalidArgument "unknown
  /// variable"; a var whose name is computed is refused there, and vars on
  /// decimal facts are exact decimals.
  static CompiledLogic compile(const nlohmann::json& rule, const LogicLimits& limits = {},
                               const FactType* facts = nullptr);

  /// Evaluates the rule on `data` and returns the result. Throws ResourceExhausted
  /// with a message starting "resource exhausted:" when the evaluation would
  /// exceed `max_operations`, `max_array` or `max_string`, OutOfRange when a
  /// decimal overflows. Thread-safe.
  ///
  /// With `trace`, appends to it one entry per operator evaluated (outside
  /// the per-element logic of map, filter, ...), innermost first:
  /// {"path": "and[1].>=", "op": ">=", "args": [{"var": "x", "value": 5},
  /// {"value": 3}], "result": true}. Operands never evaluated (short circuit)
  /// are not listed.
  nlohmann::json evaluate(const nlohmann::json& data, nlohmann::json* trace = nullptr) const;

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

/// The exact decimal a JSON value stands for, or std::nullopt (not a number,
/// like JavaScript's NaN). Strings are read like JavaScript's Number() but
/// exactly ("12.50", " 7 ", "1e3"; "" is 0); numbers by their shortest
/// round-trip text, so 0.1 is 0.1; null and false are 0, true is 1. More
/// than 6 decimals round half-even. Throws OutOfRange when the value does
/// not fit.
std::optional<Decimal> to_decimal(const nlohmann::json& value);

}  // namespace internal
DOWNLINE_END_NAMESPACE

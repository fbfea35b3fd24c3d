// The fact model: what a rule's condition may read. One JSON object with the
// sections "person", "order", "campaign" and "network"; docs/rules.md lists
// every fact. Rules are checked against it when they load (an unknown
// variable is an error there, not a silent null at evaluation), and facts
// handed to an evaluation are checked against it too.
#pragma once

#include <downline/export.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// The type of one fact, or of a section of facts.
struct FactType {
  enum class Kind : std::uint8_t {
    any,      ///< anything (a scope the checker cannot know, e.g. a reduce accumulator)
    string,   ///< text; `values` lists the allowed ones when not empty
    integer,  ///< a whole number
    decimal,  ///< money or volume: exact, a JSON string "12.50" or a number
    boolean,
    instant,  ///< an RFC 3339 UTC instant, as a string
    object,   ///< named `fields`
    array,    ///< elements of `element[0]`
  };
  Kind kind = Kind::any;
  std::vector<std::pair<std::string, FactType>> fields;
  std::vector<FactType> element;
  std::vector<std::string> values;
  std::string doc;

  /// The field named `name` of an object, or nullptr.
  const FactType* field(std::string_view name) const;
};

/// The documented fact model (the root object).
const FactType& fact_model();

/// Lower-case name of a kind ("decimal").
std::string_view kind_name(FactType::Kind kind);

/// The type at a dotted var path below `scope` ("order.lines.0.sku"), or
/// nullptr when the path names no fact. Array elements are reached by a
/// canonical index.
const FactType* resolve_fact(const FactType& scope, const std::vector<std::string>& path);

/// Throws InvalidArgument naming `path` + the offending key when `facts` has
/// a key the model does not know or a value of the wrong type. Missing facts
/// are allowed (a var on them gives null).
void check_facts(const nlohmann::json& facts, const FactType& type, const std::string& path);

}  // namespace internal
DOWNLINE_END_NAMESPACE

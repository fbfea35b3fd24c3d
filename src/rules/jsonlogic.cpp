#include "rules/jsonlogic.hpp"

#include "rules/facts.hpp"

#include <downline/error.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

using Json = nlohmann::json;

enum class Op : std::uint8_t {
  literal,
  array,
  var,
  missing,
  missing_some,
  if_,
  eq,
  strict_eq,
  ne,
  strict_ne,
  not_,
  truthy,
  or_,
  and_,
  gt,
  ge,
  lt,
  le,
  max,
  min,
  add,
  sub,
  mul,
  div,
  mod,
  map,
  filter,
  reduce,
  all,
  none,
  some,
  merge,
  in,
  cat,
  substr,
  log,
  dec,
};

struct LogicNode {
  Op op = Op::literal;
  std::vector<LogicNode> args;
  Json value;                        // the literal
  bool static_path = false;          // var: `path` was known when compiling
  bool whole_data = false;           // var: the path is "" or null
  std::vector<std::string> path;     // var: the path's segments
  bool decimal = false;              // the value is an exact decimal
  bool exact = false;                // an operand is a decimal: compute on decimals
  std::optional<Decimal> dec_value;  // a decimal literal, parsed once
  std::string where;                 // the operator's path in the rule, for traces
};

namespace {

constexpr std::size_t kAny = std::numeric_limits<std::size_t>::max();

struct OpInfo {
  std::string_view name;
  Op op;
  std::size_t min_args;
  std::size_t max_args;
};

// Fixed arities are those of the operators' definitions in json-logic-js;
// variadic operators accept any count.
constexpr std::array kOps{
    OpInfo{"var", Op::var, 0, 2},
    OpInfo{"missing", Op::missing, 0, kAny},
    OpInfo{"missing_some", Op::missing_some, 2, 2},
    OpInfo{"if", Op::if_, 0, kAny},
    OpInfo{"?:", Op::if_, 0, kAny},
    OpInfo{"==", Op::eq, 2, 2},
    OpInfo{"===", Op::strict_eq, 2, 2},
    OpInfo{"!=", Op::ne, 2, 2},
    OpInfo{"!==", Op::strict_ne, 2, 2},
    OpInfo{"!", Op::not_, 1, 1},
    OpInfo{"!!", Op::truthy, 1, 1},
    OpInfo{"or", Op::or_, 1, kAny},
    OpInfo{"and", Op::and_, 1, kAny},
    OpInfo{">", Op::gt, 2, 2},
    OpInfo{">=", Op::ge, 2, 2},
    OpInfo{"<", Op::lt, 2, 3},
    OpInfo{"<=", Op::le, 2, 3},
    OpInfo{"max", Op::max, 0, kAny},
    OpInfo{"min", Op::min, 0, kAny},
    OpInfo{"+", Op::add, 0, kAny},
    OpInfo{"-", Op::sub, 1, 2},
    OpInfo{"*", Op::mul, 1, kAny},
    OpInfo{"/", Op::div, 2, 2},
    OpInfo{"%", Op::mod, 2, 2},
    OpInfo{"map", Op::map, 2, 2},
    OpInfo{"filter", Op::filter, 2, 2},
    OpInfo{"reduce", Op::reduce, 2, 3},
    OpInfo{"all", Op::all, 2, 2},
    OpInfo{"none", Op::none, 2, 2},
    OpInfo{"some", Op::some, 2, 2},
    OpInfo{"merge", Op::merge, 0, kAny},
    OpInfo{"in", Op::in, 2, 2},
    OpInfo{"cat", Op::cat, 0, kAny},
    OpInfo{"substr", Op::substr, 2, 3},
    OpInfo{"log", Op::log, 1, 1},
    OpInfo{"dec", Op::dec, 1, 1},
};

std::string_view op_name(Op op) {
  for (const OpInfo& info : kOps) {
    if (info.op == op) return info.name;
  }
  return "";
}

// ---------------------------------------------------------------------------
// JavaScript conversions.

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Number::toString: shortest round-trip digits, laid out as ECMA-262 says.
std::string number_to_string(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x == 0) return "0";
  std::array<char, 64> buf{};
  const auto res =
      std::to_chars(buf.data(), buf.data() + buf.size(), x, std::chars_format::scientific);
  const std::string_view sci(buf.data(), static_cast<std::size_t>(res.ptr - buf.data()));
  std::string out;
  std::size_t i = 0;
  if (sci[0] == '-') {
    out += '-';
    i = 1;
  }
  const std::size_t e_pos = sci.find('e');
  std::string digits;
  for (std::size_t j = i; j < e_pos; ++j) {
    if (sci[j] != '.') digits += sci[j];
  }
  int exponent = 0;
  const char* exp_begin = sci.data() + e_pos + 1;
  if (*exp_begin == '+') ++exp_begin;
  std::from_chars(exp_begin, sci.data() + sci.size(), exponent);
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out += '.';
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += n - 1 >= 0 ? '+' : '-';
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

void append_js_string(const Json& value, std::string& out) {
  switch (value.type()) {
    case Json::value_t::null: out += "null"; break;
    case Json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; break;
    case Json::value_t::number_integer: out += std::to_string(value.get<std::int64_t>()); break;
    case Json::value_t::number_unsigned: out += std::to_string(value.get<std::uint64_t>()); break;
    case Json::value_t::number_float: out += number_to_string(value.get<double>()); break;
    case Json::value_t::string: out += value.get_ref<const std::string&>(); break;
    case Json::value_t::array: {
      // Array.prototype.join: null elements are empty.
      bool first = true;
      for (const Json& element : value) {
        if (!first) out += ',';
        first = false;
        if (!element.is_null()) append_js_string(element, out);
      }
      break;
    }
    default: out += "[object Object]"; break;
  }
}

std::string to_js_string(const Json& value) {
  std::string out;
  append_js_string(value, out);
  return out;
}

bool is_js_space(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_js_space(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && is_js_space(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Length of the longest prefix of `s` that is an unsigned decimal literal
// (digits, optional fraction, optional exponent); 0 if there is none.
std::size_t scan_decimal(std::string_view s) {
  std::size_t i = 0;
  std::size_t mantissa_digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++mantissa_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    const std::size_t exp_start = j;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    if (j > exp_start) i = j;
  }
  return i;
}

double parse_decimal(std::string_view digits) {
  double out = 0;
  const auto res = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  if (res.ec == std::errc::result_out_of_range) {
    // Overflow gives infinity and underflow zero, as in JavaScript.
    const bool underflow =
        digits.find("e-") != std::string_view::npos || digits.find("E-") != std::string_view::npos;
    return underflow ? 0.0 : kInf;
  }
  return out;
}

// Number(string).
double string_to_number(std::string_view text) {
  std::string_view s = trim(text);
  if (s.empty()) return 0;
  if (s.size() > 2 && s[0] == '0') {
    int base = 0;
    if (s[1] == 'x' || s[1] == 'X') base = 16;
    if (s[1] == 'o' || s[1] == 'O') base = 8;
    if (s[1] == 'b' || s[1] == 'B') base = 2;
    if (base != 0) {
      double out = 0;
      for (const char c : s.substr(2)) {
        int digit = -1;
        if (c >= '0' && c <= '9') digit = c - '0';
        if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
        if (digit < 0 || digit >= base) return kNaN;
        out = out * base + digit;
      }
      return out;
    }
  }
  double sign = 1;
  if (s[0] == '+' || s[0] == '-') {
    if (s[0] == '-') sign = -1;
    s.remove_prefix(1);
  }
  if (s == "Infinity") return sign * kInf;
  const std::size_t length = scan_decimal(s);
  if (length == 0 || length != s.size()) return kNaN;
  return sign * parse_decimal(s);
}

// Number(value).
double to_number(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return 0;
    case Json::value_t::boolean: return value.get<bool>() ? 1 : 0;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return value.get<double>();
    case Json::value_t::string: return string_to_number(value.get_ref<const std::string&>());
    case Json::value_t::array: return string_to_number(to_js_string(value));
    default: return kNaN;
  }
}

// parseFloat(value).
double parse_float(const Json& value) {
  if (value.is_number()) return value.get<double>();
  const std::string text = value.is_string() ? value.get<std::string>() : to_js_string(value);
  std::string_view s = text;
  while (!s.empty() && is_js_space(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  double sign = 1;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    if (s[0] == '-') sign = -1;
    s.remove_prefix(1);
  }
  if (s.substr(0, 8) == "Infinity") return sign * kInf;
  const std::size_t length = scan_decimal(s);
  if (length == 0) return kNaN;
  return sign * parse_decimal(s.substr(0, length));
}

Json number_json(double x) {
  constexpr double kExact = 9007199254740992.0;  // 2^53
  if (std::isfinite(x) && x == std::trunc(x) && std::fabs(x) <= kExact) {
    return Json(static_cast<std::int64_t>(x));
  }
  return Json(x);
}

// ---------------------------------------------------------------------------
// Exact decimals.

[[noreturn]] void decimal_overflow() {
  throw OutOfRange("a decimal in a rule does not fit (more than 31 integer digits)");
}

// Micro-units of the unsigned literal `s` (as scan_decimal accepts it),
// rounded half-even to 6 decimals.
Decimal::Rep literal_micros(std::string_view s) {
  std::string digits;
  int fraction_digits = 0;
  std::size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) digits += s[i];
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++fraction_digits) digits += s[i];
  }
  long exponent = 0;
  if (i < s.size()) {  // 'e' or 'E'
    ++i;
    bool negative = false;
    if (s[i] == '+' || s[i] == '-') negative = s[i++] == '-';
    for (; i < s.size() && exponent < 100'000; ++i) exponent = exponent * 10 + (s[i] - '0');
    if (negative) exponent = -exponent;
  }
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;
  digits.erase(0, first);
  const long shift = exponent - fraction_digits + Decimal::kScale;
  if (shift >= 0) {
    if (static_cast<long>(digits.size()) + shift > 38) decimal_overflow();
    digits.append(static_cast<std::size_t>(shift), '0');
  } else {
    const auto drop = static_cast<std::size_t>(-shift);
    if (drop > digits.size()) return 0;  // below half a micro-unit
    const std::string kept = digits.substr(0, digits.size() - drop);
    const std::string rest = digits.substr(digits.size() - drop);
    const std::string half = "5" + std::string(drop - 1, '0');
    const int c = rest.compare(half);
    Decimal::Rep micros = 0;
    for (const char d : kept) micros = micros * 10 + (d - '0');
    const bool odd = !kept.empty() && (kept.back() - '0') % 2 == 1;
    if (c > 0 || (c == 0 && odd)) micros += 1;
    return micros;
  }
  Decimal::Rep micros = 0;
  for (const char d : digits) micros = micros * 10 + (d - '0');
  return micros;
}

// Number(text), exactly.
std::optional<Decimal> decimal_from_text(std::string_view text) {
  std::string_view s = trim(text);
  if (s.empty()) return Decimal{};
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  const std::size_t length = scan_decimal(s);
  if (length == 0 || length != s.size()) return std::nullopt;
  try {
    const Decimal::Rep micros = literal_micros(s);
    return Decimal::from_micros(negative ? Decimal::Rep(-micros) : micros);
  } catch (const std::overflow_error&) {
    decimal_overflow();
  }
}

std::optional<Decimal> decimal_operand(const LogicNode& node, const Json& value) {
  if (node.dec_value) return node.dec_value;
  return to_decimal(value);
}

Json decimal_json(const std::optional<Decimal>& value) {
  return value ? Json(value->to_string()) : Json(kNaN);
}

// ---------------------------------------------------------------------------
// Truthiness, equality and comparison.

bool truthy(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return false;
    case Json::value_t::boolean: return value.get<bool>();
    case Json::value_t::number_integer: return value.get<std::int64_t>() != 0;
    case Json::value_t::number_unsigned: return value.get<std::uint64_t>() != 0;
    case Json::value_t::number_float: {
      const double x = value.get<double>();
      return x != 0 && !std::isnan(x);
    }
    case Json::value_t::string: return !value.get_ref<const std::string&>().empty();
    case Json::value_t::array: return !value.empty();
    default: return true;
  }
}

// Truthiness of `node`'s value: a decimal is truthy when not zero.
bool truthy_of(const LogicNode& node, const Json& value) {
  if (!node.decimal) return truthy(value);
  const std::optional<Decimal> d = decimal_operand(node, value);
  return d && *d != Decimal{};
}

bool strict_equal(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_number_integer() && b.is_number_integer()) return a == b;
    return a.get<double>() == b.get<double>();
  }
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!strict_equal(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (const auto& [key, value] : a.items()) {
      const auto other = b.find(key);
      if (other == b.end() || !strict_equal(value, *other)) return false;
    }
    return true;
  }
  return a == b;
}

bool is_container(const Json& v) {
  return v.is_array() || v.is_object();
}

bool same_js_type(const Json& a, const Json& b) {
  return (a.is_number() && b.is_number()) || a.type() == b.type();
}

// The abstract equality comparison (==), without `undefined`.
bool loose_equal(const Json& a, const Json& b) {
  if (same_js_type(a, b)) return strict_equal(a, b);
  if (a.is_null() || b.is_null()) return false;
  if (a.is_boolean()) return loose_equal(Json(a.get<bool>() ? 1 : 0), b);
  if (b.is_boolean()) return loose_equal(a, Json(b.get<bool>() ? 1 : 0));
  if (a.is_number() && b.is_string()) return a.get<double>() == to_number(b);
  if (a.is_string() && b.is_number()) return to_number(a) == b.get<double>();
  if (is_container(a) && !is_container(b)) return loose_equal(Json(to_js_string(a)), b);
  if (is_container(b) && !is_container(a)) return loose_equal(a, Json(to_js_string(b)));
  return false;
}

// The primitive of `v` is a string: `out` views it (owned by `storage` for
// arrays and objects).
bool primitive_string(const Json& v, std::string& storage, std::string_view& out) {
  if (v.is_string()) {
    out = v.get_ref<const std::string&>();
    return true;
  }
  if (is_container(v)) {
    storage = to_js_string(v);
    out = storage;
    return true;
  }
  return false;
}

// The abstract relational comparison: -1, 0, 1, or nothing when a NaN is
// involved (every comparison is then false).
std::optional<int> js_compare(const Json& a, const Json& b) {
  std::string a_storage;
  std::string b_storage;
  std::string_view a_text;
  std::string_view b_text;
  const bool a_string = primitive_string(a, a_storage, a_text);
  const bool b_string = primitive_string(b, b_storage, b_text);
  if (a_string && b_string) {
    const int c = a_text.compare(b_text);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  const double x = a_string ? string_to_number(a_text) : to_number(a);
  const double y = b_string ? string_to_number(b_text) : to_number(b);
  if (std::isnan(x) || std::isnan(y)) return std::nullopt;
  return x < y ? -1 : (x > y ? 1 : 0);
}

// ---------------------------------------------------------------------------
// Paths.

std::vector<std::string> split_path(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    out.push_back(text.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

// A var path is the whole data when it is null or "".
bool is_whole_data(const Json& key) {
  return key.is_null() || (key.is_string() && key.get_ref<const std::string&>().empty());
}

const Json* child_of(const Json& value, const std::string& segment) {
  if (value.is_object()) {
    const auto it = value.find(segment);
    return it == value.end() ? nullptr : &*it;
  }
  if (value.is_array()) {
    // A canonical array index: digits without a leading zero.
    if (segment.empty() || segment.size() > 18) return nullptr;
    if (segment.size() > 1 && segment[0] == '0') return nullptr;
    std::size_t index = 0;
    const auto res = std::from_chars(segment.data(), segment.data() + segment.size(), index);
    if (res.ec != std::errc() || res.ptr != segment.data() + segment.size()) return nullptr;
    return index < value.size() ? &value[index] : nullptr;
  }
  return nullptr;
}

const Json* walk(const Json& data, const std::vector<std::string>& path) {
  const Json* current = &data;
  for (const std::string& segment : path) {
    if (current->is_null()) return nullptr;
    current = child_of(*current, segment);
    if (current == nullptr) return nullptr;
  }
  return current;
}

const Json* lookup(const Json& data, const Json& key) {
  if (is_whole_data(key)) return &data;
  return walk(data, split_path(to_js_string(key)));
}

// ---------------------------------------------------------------------------
// Strings by code point.

std::vector<std::size_t> code_point_offsets(const std::string& s) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  out.push_back(s.size());
  return out;
}

double to_integer(double x) {
  if (std::isnan(x)) return 0;
  return std::trunc(x);
}

// String.prototype.substr(start, length) counted in code points.
std::string js_substr(const std::string& s, double start, double length) {
  const std::vector<std::size_t> offsets = code_point_offsets(s);
  const double size = static_cast<double>(offsets.size() - 1);
  double from = to_integer(start);
  if (from < 0) from = std::max(size + from, 0.0);
  from = std::min(from, size);
  const double count = std::clamp(to_integer(length), 0.0, size - from);
  const auto begin = static_cast<std::size_t>(from);
  const auto end = static_cast<std::size_t>(from + count);
  return s.substr(offsets[begin], offsets[end] - offsets[begin]);
}

std::size_t code_point_count(const std::string& s) {
  return code_point_offsets(s).size() - 1;
}

// ---------------------------------------------------------------------------
// Compiling.

std::string op_path(const std::string& path, std::string_view name) {
  std::string out = path;
  if (!out.empty()) out += '.';
  out += name;
  return out;
}

std::string index_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

void set_static_path(LogicNode& node) {
  if (node.args.empty()) {
    node.static_path = node.whole_data = true;
    return;
  }
  if (node.args[0].op != Op::literal) return;
  const Json& key = node.args[0].value;
  node.static_path = true;
  node.whole_data = is_whole_data(key);
  if (!node.whole_data) node.path = split_path(to_js_string(key));
}

const FactType& any_fact() {
  static const FactType any;
  return any;
}

std::string join_path(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& segment : path) out += (out.empty() ? "" : ".") + segment;
  return out;
}

bool is_scoped(Op op) {
  return op == Op::map || op == Op::filter || op == Op::reduce || op == Op::all || op == Op::none ||
         op == Op::some;
}

// Checks a var (or a missing key) against the fact scope; returns its type.
const FactType* check_variable(const LogicNode& node, const FactType* scope,
                               const std::string& here) {
  if (scope == nullptr || scope->kind == FactType::Kind::any) return nullptr;
  if (!node.static_path) {
    throw InvalidArgument(
        "a variable's name must be a literal here, so that it can be checked against the fact "
        "model",
        here);
  }
  if (node.whole_data) return scope;
  const FactType* type = resolve_fact(*scope, node.path);
  if (type == nullptr)
    throw InvalidArgument("unknown variable '" + join_path(node.path) + "'", here);
  return type;
}

void check_missing_keys(const LogicNode& node, const FactType* scope, const std::string& here) {
  if (scope == nullptr || scope->kind == FactType::Kind::any) return;
  auto check = [&](const Json& key) {
    if (is_whole_data(key)) return;
    const std::vector<std::string> path = split_path(to_js_string(key));
    if (resolve_fact(*scope, path) == nullptr) {
      throw InvalidArgument("unknown variable '" + join_path(path) + "'", here);
    }
  };
  const std::size_t first = node.op == Op::missing_some ? 1 : 0;
  for (std::size_t i = first; i < node.args.size(); ++i) {
    if (node.args[i].op != Op::literal) continue;
    const Json& keys = node.args[i].value;
    if (keys.is_array()) {
      for (const Json& key : keys) check(key);
    } else {
      check(keys);
    }
  }
}

// Static types: which nodes hold decimals and which compute on them.
void type_node(LogicNode& node) {
  const auto any_decimal = [&node](std::size_t from, std::size_t step) {
    for (std::size_t i = from; i < node.args.size(); i += step) {
      if (node.args[i].decimal) return true;
    }
    return false;
  };
  switch (node.op) {
    case Op::add:
    case Op::sub:
    case Op::mul:
    case Op::div:
    case Op::mod:
    case Op::max:
    case Op::min: node.decimal = node.exact = any_decimal(0, 1); break;
    case Op::eq:
    case Op::ne:
    case Op::strict_eq:
    case Op::strict_ne:
    case Op::gt:
    case Op::ge:
    case Op::lt:
    case Op::le: node.exact = any_decimal(0, 1); break;
    case Op::if_: {
      node.decimal = any_decimal(1, 2);
      if (node.args.size() % 2 == 1 && node.args.back().decimal) node.decimal = true;
      break;
    }
    default: break;
  }
}

LogicNode compile_node(const Json& rule, const std::string& path, int depth,
                       const LogicLimits& limits, const FactType* scope) {
  if (depth > limits.max_depth) {
    throw InvalidArgument(
        "rule is nested deeper than " + std::to_string(limits.max_depth) + " levels", path);
  }
  LogicNode node;
  if (rule.is_array()) {
    node.op = Op::array;
    bool all_literal = true;
    for (std::size_t i = 0; i < rule.size(); ++i) {
      node.args.push_back(compile_node(rule[i], index_path(path, i), depth + 1, limits, scope));
      all_literal = all_literal && node.args.back().op == Op::literal;
    }
    if (all_literal) {
      // From the elements' values: a decimal literal is not its rule text.
      node.op = Op::literal;
      node.value = Json::array();
      for (LogicNode& arg : node.args) node.value.push_back(std::move(arg.value));
      node.args.clear();
    }
    return node;
  }
  if (!rule.is_object() || rule.size() != 1) {
    node.value = rule;
    return node;
  }
  const auto entry = rule.begin();
  const std::string& name = entry.key();
  const Json& operand = entry.value();
  const std::string here = op_path(path, name);
  const auto info =
      std::find_if(kOps.begin(), kOps.end(), [&name](const OpInfo& op) { return op.name == name; });
  if (info == kOps.end()) throw InvalidArgument("unknown operator '" + name + "'", here);
  node.op = info->op;
  node.where = here;
  if (is_scoped(node.op) && operand.is_array() && operand.size() >= 2) {
    // The per-element logic reads the elements (reduce: current and
    // accumulator) of the array its first operand names.
    node.args.push_back(compile_node(operand[0], index_path(here, 0), depth + 1, limits, scope));
    const FactType* inner = scope == nullptr ? nullptr : &any_fact();
    const LogicNode& items = node.args.front();
    if (scope != nullptr && scope->kind != FactType::Kind::any && items.op == Op::var &&
        items.static_path) {
      const FactType* type = items.whole_data ? scope : resolve_fact(*scope, items.path);
      if (type != nullptr && type->kind == FactType::Kind::array) inner = &type->element.front();
    }
    FactType reduce_scope;
    if (node.op == Op::reduce && inner != nullptr) {
      reduce_scope.kind = FactType::Kind::object;
      reduce_scope.fields = {{"current", *inner}, {"accumulator", any_fact()}};
      inner = &reduce_scope;
    }
    node.args.push_back(compile_node(operand[1], index_path(here, 1), depth + 1, limits, inner));
    for (std::size_t i = 2; i < operand.size(); ++i) {
      node.args.push_back(compile_node(operand[i], index_path(here, i), depth + 1, limits, scope));
    }
  } else if (operand.is_array()) {
    for (std::size_t i = 0; i < operand.size(); ++i) {
      node.args.push_back(compile_node(operand[i], index_path(here, i), depth + 1, limits, scope));
    }
  } else {
    node.args.push_back(compile_node(operand, index_path(here, 0), depth + 1, limits, scope));
  }
  const std::size_t count = node.args.size();
  if (count < info->min_args || count > info->max_args) {
    std::string expected;
    if (info->min_args == info->max_args) {
      expected = std::to_string(info->min_args);
    } else if (info->max_args == kAny) {
      expected = "at least " + std::to_string(info->min_args);
    } else {
      expected = std::to_string(info->min_args) + " to " + std::to_string(info->max_args);
    }
    throw InvalidArgument("operator '" + name + "' takes " + expected + " argument" +
                              (expected == "1" ? "" : "s") + ", got " + std::to_string(count),
                          here);
  }
  if (node.op == Op::var) {
    set_static_path(node);
    const FactType* type = check_variable(node, scope, here);
    node.decimal = type != nullptr && type->kind == FactType::Kind::decimal;
  }
  if (node.op == Op::missing || node.op == Op::missing_some) check_missing_keys(node, scope, here);
  if (node.op == Op::dec) {
    node.decimal = true;
    if (node.args[0].op == Op::literal) {
      // A decimal literal: checked and parsed once.
      const Json literal = node.args[0].value;
      const std::optional<Decimal> value =
          literal.is_string() || literal.is_number() ? to_decimal(literal) : std::nullopt;
      if (!value) throw InvalidArgument("not a decimal: " + literal.dump(), here);
      node.op = Op::literal;
      node.args.clear();
      node.value = value->to_string();
      node.dec_value = value;
    }
  }
  type_node(node);
  return node;
}

// ---------------------------------------------------------------------------
// Evaluating.

struct Context {
  explicit Context(const LogicLimits& bounds) : limits(bounds) {}

  const LogicLimits& limits;
  std::size_t operations = 0;
  Json* trace = nullptr;     // the entries, when tracing
  std::vector<Json> frames;  // operands seen by the operators being evaluated
  int quiet = 0;             // > 0 inside per-element logic, which is not traced

  bool tracing() const { return trace != nullptr && quiet == 0; }

  // Tells the operator being evaluated what one of its operands came to.
  void report(const LogicNode& node, const Json& value) {
    if (frames.empty()) return;
    Json entry = Json::object();
    if (node.op == Op::var && node.static_path) {
      entry["var"] = node.whole_data ? std::string() : join_path(node.path);
    } else if (node.op != Op::literal && node.op != Op::array) {
      entry["op"] = op_name(node.op);
    }
    entry["value"] = value;
    frames.back().push_back(std::move(entry));
  }

  void charge(std::size_t count) {
    operations += count;
    if (operations > limits.max_operations) {
      throw ResourceExhausted("resource exhausted: more than " +
                              std::to_string(limits.max_operations) + " operations");
    }
  }
  void check_array(std::size_t size) const {
    if (size > limits.max_array) {
      throw ResourceExhausted("resource exhausted: an array of more than " +
                              std::to_string(limits.max_array) + " elements");
    }
  }
  void check_string(std::size_t size) const {
    if (size > limits.max_string) {
      throw ResourceExhausted("resource exhausted: a string of more than " +
                              std::to_string(limits.max_string) + " bytes");
    }
  }
};

// Per-element logic is not traced: a map over 1,000 lines would bury the
// conditions that matter.
struct QuietScope {
  explicit QuietScope(Context& ctx) : ctx_(ctx) { ++ctx_.quiet; }
  ~QuietScope() { --ctx_.quiet; }
  QuietScope(const QuietScope&) = delete;
  QuietScope& operator=(const QuietScope&) = delete;

 private:
  Context& ctx_;
};

Json eval(const LogicNode& node, const Json& data, Context& ctx);

// Evaluates without copying literals and variables: the result refers to the
// node, to `data`, or to `storage`.
const Json& eval_ref(const LogicNode& node, const Json& data, Context& ctx, Json& storage) {
  if (ctx.tracing()) [[unlikely]] {
    storage = eval(node, data, ctx);
    return storage;
  }
  if (node.op == Op::literal) {
    ctx.charge(1);
    return node.value;
  }
  if (node.op == Op::var && node.static_path) {
    ctx.charge(1);
    const Json* found = node.whole_data ? &data : walk(data, node.path);
    if (found != nullptr) return *found;
    storage = node.args.size() > 1 ? eval(node.args[1], data, ctx) : Json(nullptr);
    return storage;
  }
  storage = eval(node, data, ctx);
  return storage;
}

Json eval_var(const LogicNode& node, const Json& data, Context& ctx) {
  const Json* found = nullptr;
  if (node.static_path) {
    found = node.whole_data ? &data : walk(data, node.path);
  } else {
    Json storage;
    found = lookup(data, eval_ref(node.args[0], data, ctx, storage));
  }
  if (found != nullptr) return *found;
  return node.args.size() > 1 ? eval(node.args[1], data, ctx) : Json(nullptr);
}

std::vector<Json> eval_all(const LogicNode& node, const Json& data, Context& ctx) {
  std::vector<Json> out;
  out.reserve(node.args.size());
  for (const LogicNode& arg : node.args) out.push_back(eval(arg, data, ctx));
  return out;
}

bool is_missing(const Json& data, const Json& key) {
  const Json* found = lookup(data, key);
  return found == nullptr || found->is_null() ||
         (found->is_string() && found->get_ref<const std::string&>().empty());
}

Json eval_missing(const Json& keys_or_first, const std::vector<Json>& all, const Json& data,
                  Context& ctx) {
  Json out = Json::array();
  auto visit = [&](const Json& key) {
    ctx.charge(1);
    if (is_missing(data, key)) {
      out.push_back(key);
      ctx.check_array(out.size());
    }
  };
  if (keys_or_first.is_array()) {
    for (const Json& key : keys_or_first) visit(key);
  } else {
    for (const Json& key : all) visit(key);
  }
  return out;
}

std::optional<int> decimal_compare(const std::optional<Decimal>& a,
                                   const std::optional<Decimal>& b) {
  if (!a || !b) return std::nullopt;
  return *a < *b ? -1 : (*a > *b ? 1 : 0);
}

// Compares operands i and j of `node`, exactly when an operand is a decimal.
std::optional<int> compare_operands(const LogicNode& node, std::size_t i, const Json& a,
                                    std::size_t j, const Json& b) {
  if (node.exact) {
    return decimal_compare(decimal_operand(node.args[i], a), decimal_operand(node.args[j], b));
  }
  return js_compare(a, b);
}

Json compare(const LogicNode& node, const Json& data, Context& ctx,
             bool (*accept)(std::optional<int>)) {
  Json s0;
  Json s1;
  const Json& a = eval_ref(node.args[0], data, ctx, s0);
  const Json& b = eval_ref(node.args[1], data, ctx, s1);
  if (node.args.size() == 2) return accept(compare_operands(node, 0, a, 1, b));
  if (!accept(compare_operands(node, 0, a, 1, b))) return false;
  Json s2;
  const Json& c = eval_ref(node.args[2], data, ctx, s2);
  return accept(compare_operands(node, 1, b, 2, c));
}

// + - * / % min max on decimals. A NaN operand (not a number) gives NaN.
Json decimal_arithmetic(const LogicNode& node, const Json& data, Context& ctx) {
  std::vector<std::optional<Decimal>> values;
  values.reserve(node.args.size());
  for (const LogicNode& arg : node.args) {
    Json s;
    values.push_back(decimal_operand(arg, eval_ref(arg, data, ctx, s)));
  }
  if (values.empty()) {
    if (node.op == Op::max || node.op == Op::min) return nullptr;
    return decimal_json(node.op == Op::mul ? Decimal::from_integer(1) : Decimal{});
  }
  for (const auto& value : values) {
    if (!value) return decimal_json(std::nullopt);
  }
  const Decimal zero;
  switch (node.op) {
    case Op::add:
    case Op::mul: {
      Decimal result = *values.front();
      for (std::size_t i = 1; i < values.size(); ++i) {
        result = node.op == Op::add ? result + *values[i] : result * *values[i];
      }
      return decimal_json(result);
    }
    case Op::sub: return decimal_json(values.size() == 1 ? -*values[0] : *values[0] - *values[1]);
    case Op::div:
      if (*values[1] == zero) return decimal_json(std::nullopt);
      return decimal_json(*values[0] / *values[1]);
    case Op::mod:
      // Truncated remainder with the dividend's sign, as JavaScript's %.
      if (*values[1] == zero) return decimal_json(std::nullopt);
      return decimal_json(Decimal::from_micros(values[0]->micros() % values[1]->micros()));
    default: {  // max, min
      Decimal best = *values.front();
      for (const auto& value : values) {
        best = node.op == Op::max ? std::max(best, *value) : std::min(best, *value);
      }
      return decimal_json(best);
    }
  }
}

// The scoped operators: map, filter, reduce, all, none, some.
Json eval_scoped(const LogicNode& node, const Json& data, Context& ctx) {
  Json storage;
  const Json& items = eval_ref(node.args[0], data, ctx, storage);
  const LogicNode& logic = node.args[1];
  if (node.op == Op::reduce) {
    Json accumulator = node.args.size() > 2 ? eval(node.args[2], data, ctx) : Json(nullptr);
    if (!items.is_array()) return accumulator;
    const QuietScope quiet(ctx);
    Json scope = Json::object();
    scope["current"] = nullptr;
    scope["accumulator"] = nullptr;
    for (const Json& item : items) {
      scope["current"] = item;
      scope["accumulator"] = std::move(accumulator);
      accumulator = eval(logic, scope, ctx);
    }
    return accumulator;
  }
  const bool is_array = items.is_array();
  const QuietScope quiet(ctx);
  switch (node.op) {
    case Op::map: {
      Json out = Json::array();
      if (!is_array) return out;
      for (const Json& item : items) {
        out.push_back(eval(logic, item, ctx));
        ctx.check_array(out.size());
      }
      return out;
    }
    case Op::filter: {
      Json out = Json::array();
      if (!is_array) return out;
      for (const Json& item : items) {
        Json s;
        if (truthy_of(logic, eval_ref(logic, item, ctx, s))) {
          out.push_back(item);
          ctx.check_array(out.size());
        }
      }
      return out;
    }
    case Op::all: {
      if (!is_array || items.empty()) return false;
      for (const Json& item : items) {
        Json s;
        if (!truthy_of(logic, eval_ref(logic, item, ctx, s))) return false;
      }
      return true;
    }
    default: {  // none, some
      bool found = false;
      if (is_array) {
        for (const Json& item : items) {
          Json s;
          if (truthy_of(logic, eval_ref(logic, item, ctx, s))) {
            found = true;
            break;
          }
        }
      }
      return node.op == Op::some ? found : !found;
    }
  }
}

Json eval_body(const LogicNode& node, const Json& data, Context& ctx) {
  ctx.charge(1);
  switch (node.op) {
    case Op::literal: return node.value;
    case Op::array: {
      Json out = Json::array();
      for (const LogicNode& arg : node.args) out.push_back(eval(arg, data, ctx));
      ctx.check_array(out.size());
      return out;
    }
    case Op::var: return eval_var(node, data, ctx);
    case Op::missing: {
      const std::vector<Json> args = eval_all(node, data, ctx);
      if (args.empty()) return Json::array();
      return eval_missing(args[0], args, data, ctx);
    }
    case Op::missing_some: {
      const Json needed = eval(node.args[0], data, ctx);
      const Json options = eval(node.args[1], data, ctx);
      const std::vector<Json> single{options};
      const Json missing = eval_missing(options, single, data, ctx);
      const double present = static_cast<double>(options.is_array() ? options.size() : 1) -
                             static_cast<double>(missing.size());
      if (present >= to_number(needed)) return Json::array();
      return missing;
    }
    case Op::if_: {
      const std::size_t count = node.args.size();
      std::size_t i = 0;
      for (; i + 1 < count; i += 2) {
        Json s;
        if (truthy_of(node.args[i], eval_ref(node.args[i], data, ctx, s))) {
          return eval(node.args[i + 1], data, ctx);
        }
      }
      if (i + 1 == count) return eval(node.args[i], data, ctx);
      return nullptr;
    }
    case Op::eq:
    case Op::ne:
    case Op::strict_eq:
    case Op::strict_ne: {
      Json s0;
      Json s1;
      const Json& a = eval_ref(node.args[0], data, ctx, s0);
      const Json& b = eval_ref(node.args[1], data, ctx, s1);
      const bool loose = node.op == Op::eq || node.op == Op::ne;
      bool equal = false;
      if (node.exact) {
        const auto c = compare_operands(node, 0, a, 1, b);
        equal = c && *c == 0;
      } else {
        equal = loose ? loose_equal(a, b) : strict_equal(a, b);
      }
      return (node.op == Op::eq || node.op == Op::strict_eq) ? equal : !equal;
    }
    case Op::not_:
    case Op::truthy: {
      Json s;
      const bool value = truthy_of(node.args[0], eval_ref(node.args[0], data, ctx, s));
      return node.op == Op::truthy ? value : !value;
    }
    case Op::or_:
    case Op::and_: {
      Json current;
      for (const LogicNode& arg : node.args) {
        current = eval(arg, data, ctx);
        if (truthy_of(arg, current) == (node.op == Op::or_)) return current;
      }
      return current;
    }
    case Op::gt: return compare(node, data, ctx, [](std::optional<int> c) { return c && *c > 0; });
    case Op::ge: return compare(node, data, ctx, [](std::optional<int> c) { return c && *c >= 0; });
    case Op::lt: return compare(node, data, ctx, [](std::optional<int> c) { return c && *c < 0; });
    case Op::le: return compare(node, data, ctx, [](std::optional<int> c) { return c && *c <= 0; });
    case Op::max:
    case Op::min: {
      if (node.exact) return decimal_arithmetic(node, data, ctx);
      if (node.args.empty()) return nullptr;
      double best = node.op == Op::max ? -kInf : kInf;
      for (const LogicNode& arg : node.args) {
        Json s;
        const double x = to_number(eval_ref(arg, data, ctx, s));
        if (std::isnan(x)) {
          best = kNaN;
        } else if (!std::isnan(best)) {
          best = node.op == Op::max ? std::max(best, x) : std::min(best, x);
        }
      }
      return number_json(best);
    }
    case Op::add:
    case Op::mul: {
      if (node.exact) return decimal_arithmetic(node, data, ctx);
      double result = node.op == Op::add ? 0 : 1;
      for (const LogicNode& arg : node.args) {
        Json s;
        const double x = parse_float(eval_ref(arg, data, ctx, s));
        result = node.op == Op::add ? result + x : result * x;
      }
      return number_json(result);
    }
    case Op::sub:
    case Op::div:
    case Op::mod: {
      if (node.exact) return decimal_arithmetic(node, data, ctx);
      Json s0;
      const double a = to_number(eval_ref(node.args[0], data, ctx, s0));
      if (node.args.size() == 1) return number_json(-a);
      Json s1;
      const double b = to_number(eval_ref(node.args[1], data, ctx, s1));
      if (node.op == Op::sub) return number_json(a - b);
      if (node.op == Op::div) return number_json(a / b);
      return number_json(std::fmod(a, b));
    }
    case Op::map:
    case Op::filter:
    case Op::reduce:
    case Op::all:
    case Op::none:
    case Op::some: return eval_scoped(node, data, ctx);
    case Op::merge: {
      Json out = Json::array();
      for (const LogicNode& arg : node.args) {
        Json s;
        const Json& value = eval_ref(arg, data, ctx, s);
        if (value.is_array()) {
          ctx.charge(value.size());
          ctx.check_array(out.size() + value.size());
          for (const Json& element : value) out.push_back(element);
        } else {
          ctx.check_array(out.size() + 1);
          out.push_back(value);
        }
      }
      return out;
    }
    case Op::in: {
      Json s0;
      Json s1;
      const Json& needle = eval_ref(node.args[0], data, ctx, s0);
      const Json& haystack = eval_ref(node.args[1], data, ctx, s1);
      if (haystack.is_array()) {
        ctx.charge(haystack.size());
        return std::any_of(haystack.begin(), haystack.end(),
                           [&](const Json& element) { return strict_equal(element, needle); });
      }
      if (haystack.is_string()) {
        return haystack.get_ref<const std::string&>().find(to_js_string(needle)) !=
               std::string::npos;
      }
      return false;
    }
    case Op::cat: {
      std::string out;
      for (const LogicNode& arg : node.args) {
        Json s;
        append_js_string(eval_ref(arg, data, ctx, s), out);
        ctx.check_string(out.size());
      }
      ctx.charge(out.size() / 64);
      return out;
    }
    case Op::substr: {
      Json s0;
      Json s1;
      const std::string source = to_js_string(eval_ref(node.args[0], data, ctx, s0));
      ctx.check_string(source.size());
      ctx.charge(source.size() / 64);
      const double start = to_number(eval_ref(node.args[1], data, ctx, s1));
      if (node.args.size() < 3) return js_substr(source, start, kInf);
      Json s2;
      const Json& end = eval_ref(node.args[2], data, ctx, s2);
      const auto sign = js_compare(end, Json(0));
      if (sign && *sign < 0) {
        // temp.substr(0, temp.length + end): `+` concatenates when `end` is
        // a string (or an array), which makes the length NaN, hence 0.
        const std::string tail = js_substr(source, start, kInf);
        const double size = static_cast<double>(code_point_count(tail));
        std::string text_storage;
        std::string_view text;
        const double length = primitive_string(end, text_storage, text)
                                  ? string_to_number(number_to_string(size) + std::string(text))
                                  : size + to_number(end);
        return js_substr(tail, 0, length);
      }
      const double length = to_number(end);
      return js_substr(source, start, length);
    }
    case Op::log: {
      Json value = eval(node.args[0], data, ctx);
      std::clog << value.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
      return value;
    }
    case Op::dec: {
      Json s;
      return decimal_json(to_decimal(eval_ref(node.args[0], data, ctx, s)));
    }
  }
  throw Internal("jsonlogic: unhandled operator");
}

Json eval(const LogicNode& node, const Json& data, Context& ctx) {
  if (!ctx.tracing()) [[likely]] {
    return eval_body(node, data, ctx);
  }
  ctx.frames.emplace_back(Json::array());
  Json value = eval_body(node, data, ctx);
  Json operands = std::move(ctx.frames.back());
  ctx.frames.pop_back();
  if (node.op != Op::literal && node.op != Op::array && node.op != Op::var) {
    ctx.trace->push_back({{"path", node.where},
                          {"op", op_name(node.op)},
                          {"args", std::move(operands)},
                          {"result", value}});
  }
  ctx.report(node, value);
  return value;
}

// NaN and infinities come out as null, as JSON.stringify writes them.
void sanitize(Json& value) {
  if (value.is_number_float() && !std::isfinite(value.get<double>())) {
    value = nullptr;
  } else if (value.is_array() || value.is_object()) {
    for (Json& element : value) sanitize(element);
  }
}

}  // namespace

bool logic_truthy(const Json& value) {
  return truthy(value);
}

std::optional<Decimal> to_decimal(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return Decimal{};
    case Json::value_t::boolean: return Decimal::from_integer(value.get<bool>() ? 1 : 0);
    case Json::value_t::number_integer: return Decimal::from_integer(value.get<std::int64_t>());
    case Json::value_t::number_unsigned:
      return decimal_from_text(std::to_string(value.get<std::uint64_t>()));
    case Json::value_t::number_float: {
      const double x = value.get<double>();
      if (!std::isfinite(x)) return std::nullopt;
      std::array<char, 64> buf{};
      const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), x);
      return decimal_from_text(std::string_view(buf.data(), res.ptr - buf.data()));
    }
    case Json::value_t::string: return decimal_from_text(value.get_ref<const std::string&>());
    case Json::value_t::array: return decimal_from_text(to_js_string(value));
    default: return std::nullopt;
  }
}

CompiledLogic CompiledLogic::compile(const Json& rule, const LogicLimits& limits,
                                     const FactType* facts) {
  auto root = std::make_shared<const LogicNode>(compile_node(rule, "", 1, limits, facts));
  return CompiledLogic(std::move(root), limits);
}

Json CompiledLogic::evaluate(const Json& data, Json* trace) const {
  Context ctx(limits_);
  if (trace != nullptr) {
    if (!trace->is_array()) *trace = Json::array();
    ctx.trace = trace;
  }
  Json result = eval(*root_, data, ctx);
  sanitize(result);
  return result;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

#include <downline/error.hpp>
#include <downline/json.hpp>

#include "rules/rule_book.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <utility>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE

namespace json {

namespace {

using Json = nlohmann::json;
// Output keeps the documented key order, which a plain (sorted) object would not.
using OrderedJson = nlohmann::ordered_json;

// Our documents are at most four levels deep; the limit keeps hostile input
// from building arbitrarily deep trees.
constexpr std::size_t kMaxDepth = 64;

std::string child(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out = path;
  out += '.';
  out += key;
  return out;
}

std::string element(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

// ---------------------------------------------------------------------------
// Parsing into a DOM. nlohmann's own parser silently keeps the last of two
// equal keys, and its callback parser rescans the parent container after each
// nested value (quadratic on bulk arrays), so the DOM is built here.

class DomBuilder final : public nlohmann::json_sax<Json> {
 public:
  Json take() { return std::move(root_); }

  bool null() override { return put(nullptr); }
  bool boolean(bool value) override { return put(value); }
  bool number_integer(number_integer_t value) override { return put(value); }
  bool number_unsigned(number_unsigned_t value) override { return put(value); }
  bool number_float(number_float_t value, const string_t&) override { return put(value); }
  bool string(string_t& value) override { return put(std::move(value)); }
  bool binary(binary_t&) override {
    throw InvalidArgument("malformed JSON: binary values are not JSON", path());
  }

  bool start_object(std::size_t) override { return open(Json::object(), false); }
  bool key(string_t& name) override {
    Frame& top = frames_.back();
    top.key = name;
    if (!top.keys.insert(name).second) {
      throw InvalidArgument("duplicate key '" + name + "'", path());
    }
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(Json::array(), true); }
  bool end_array() override { return close(); }

  bool parse_error(std::size_t, const std::string&, const Json::exception& error) override {
    // Drop nlohmann's "[json.exception.parse_error.101] " tag.
    std::string_view what = error.what();
    if (const auto tag_end = what.find("] ");
        !what.empty() && what[0] == '[' && tag_end != std::string_view::npos) {
      what.remove_prefix(tag_end + 2);
    }
    throw InvalidArgument("malformed JSON: " + std::string(what));
  }

 private:
  struct Frame {
    Json* container;
    bool is_array;
    std::string key;  // current key of an object
    std::unordered_set<std::string> keys;
  };

  // Stores `value` where the parser stands and returns where it went.
  Json* place(Json value) {
    if (frames_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Frame& top = frames_.back();
    if (top.is_array) {
      top.container->push_back(std::move(value));
      return &top.container->back();
    }
    Json& slot = (*top.container)[top.key];
    slot = std::move(value);
    return &slot;
  }

  template <class Value>
  bool put(Value&& value) {
    place(Json(std::forward<Value>(value)));
    return true;
  }

  bool open(Json container, bool is_array) {
    if (frames_.size() >= kMaxDepth) {
      throw InvalidArgument(
          "malformed JSON: nested deeper than " + std::to_string(kMaxDepth) + " levels", path());
    }
    // The pointer stays valid: a container is not modified while a child of
    // it is open.
    Json* where = place(std::move(container));
    frames_.push_back(Frame{where, is_array, {}, {}});
    return true;
  }

  bool close() {
    frames_.pop_back();
    return true;
  }

  // The path of the value the parser stands at. An array below the top frame
  // is at its last element (the open child); the top array at its next one.
  std::string path() const {
    std::string out;
    for (std::size_t i = 0; i < frames_.size(); ++i) {
      const Frame& frame = frames_[i];
      if (!frame.is_array) {
        out = child(out, frame.key);
        continue;
      }
      const std::size_t size = frame.container->size();
      out = element(out, i + 1 < frames_.size() ? size - 1 : size);
    }
    return out;
  }

  Json root_;
  std::vector<Frame> frames_;
};

Json parse_document(std::string_view text) {
  DomBuilder builder;
  try {
    Json::sax_parse(text.begin(), text.end(), &builder);
  } catch (const Json::exception& error) {
    throw InvalidArgument("malformed JSON: " + std::string(error.what()));
  }
  return builder.take();
}

// ---------------------------------------------------------------------------
// Typed readers. Each names the JSON path of what it reads in its errors.

std::string described(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "the integer " + value.dump();
    case Json::value_t::number_float: return "the number " + value.dump();
    default: return "an unsupported value";
  }
}

[[noreturn]] void throw_expected(std::string_view expected, const Json& actual,
                                 const std::string& path) {
  throw InvalidArgument("expected " + std::string(expected) + ", got " + described(actual), path);
}

void require_object(const Json& value, const std::string& path, std::string_view what) {
  if (!value.is_object()) throw_expected(what, value, path);
}

void reject_unknown_keys(const Json& object, const std::string& path,
                         std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string message = "unknown key '" + key + "'; expected ";
    std::size_t i = 0;
    for (std::string_view name : allowed) {
      if (i > 0) message += i + 1 == allowed.size() ? " or " : ", ";
      message += name;
      ++i;
    }
    throw InvalidArgument(std::move(message), child(path, key));
  }
}

// The member `key` of `object`, or null when absent or JSON null: an optional
// key given as null keeps its default.
const Json* member(const Json& object, std::string_view key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string read_string(const Json& value, const std::string& path) {
  if (!value.is_string()) throw_expected("a string", value, path);
  return value.get<std::string>();
}

PersonId read_id(const Json& value, const std::string& path) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  constexpr std::string_view kExpected = "an id: a positive integer or a string of digits";
  std::uint64_t id = 0;
  if (value.is_number_unsigned()) {
    id = value.get<std::uint64_t>();
  } else if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    const bool digits = !text.empty() && std::all_of(text.begin(), text.end(),
                                                     [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) {
      throw InvalidArgument("expected " + std::string(kExpected) + ", got \"" + text + "\"", path);
    }
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (error != std::errc{} || id > kMax) {
      throw InvalidArgument(
          "id " + text + " is out of range; ids are at most " + std::to_string(kMax), path);
    }
  } else {
    throw_expected(kExpected, value, path);
  }
  if (id == 0) throw InvalidArgument("invalid id 0: ids start at 1", path);
  if (id > kMax) {
    throw InvalidArgument(
        "id " + std::to_string(id) + " is out of range; ids are at most " + std::to_string(kMax),
        path);
  }
  return PersonId{static_cast<std::int64_t>(id)};
}

std::uint64_t read_count(const Json& value, const std::string& path) {
  if (!value.is_number_unsigned()) throw_expected("a non-negative integer", value, path);
  return value.get<std::uint64_t>();
}

std::uint32_t read_depth(const Json& value, const std::string& path) {
  const std::uint64_t depth = read_count(value, path);
  constexpr std::uint64_t kMaxDepthValue = std::numeric_limits<std::uint32_t>::max();
  if (depth > kMaxDepthValue) {
    throw InvalidArgument(path + " " + std::to_string(depth) + " is out of range; at most " +
                              std::to_string(kMaxDepthValue),
                          path);
  }
  return static_cast<std::uint32_t>(depth);
}

TreeFormat read_tree_format(const Json& value, const std::string& path) {
  const std::string name = read_string(value, path);
  if (name == "json") return TreeFormat::json;
  if (name == "csv") return TreeFormat::csv;
  if (name == "dot") return TreeFormat::dot;
  throw InvalidArgument("unknown tree format '" + name + "'; expected json, csv or dot", path);
}

std::vector<std::string> read_strings(const Json& value, const std::string& path) {
  if (!value.is_array()) throw_expected("an array of strings", value, path);
  std::vector<std::string> out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    out.push_back(read_string(value[i], element(path, i)));
  }
  return out;
}

CustomerType read_customer_type(const Json& value, const std::string& path) {
  const std::string name = read_string(value, path);
  if (const auto type = parse_customer_type(name)) return *type;
  throw InvalidArgument(
      "unknown customer type '" + name + "'; expected guest, customer or consultant", path);
}

Status read_status(const Json& value, const std::string& path) {
  const std::string name = read_string(value, path);
  if (const auto status = parse_status(name)) return *status;
  throw InvalidArgument("unknown status '" + name +
                            "'; expected pre_registered, pending_kit, active, inactive, blocked "
                            "or retired",
                        path);
}

// Money and volume travel as decimal strings: a floating-point number would
// already have lost the exact value.
Decimal read_decimal(const Json& value, const std::string& path) {
  if (value.is_number_unsigned() &&
      value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
    throw OutOfRange("the value does not fit", path);
  if (value.is_number_integer()) return Decimal::from_integer(value.get<std::int64_t>());
  if (!value.is_string()) throw_expected("a decimal string such as \"12.50\"", value, path);
  try {
    return Decimal::parse(value.get_ref<const std::string&>());
  } catch (const InvalidArgument& error) {
    throw InvalidArgument(error.what(), path);
  } catch (const OutOfRange& error) {
    throw OutOfRange(error.what(), path);
  }
}

// Time parsers throw without a field; the path is added here.
Instant read_instant(const Json& value, const std::string& path) {
  const std::string text = read_string(value, path);
  try {
    return Instant::parse_rfc3339(text);
  } catch (const InvalidArgument& error) {
    throw InvalidArgument(error.what(), path);
  }
}

LocalDate read_date(const Json& value, const std::string& path) {
  const std::string text = read_string(value, path);
  try {
    return LocalDate::parse(text);
  } catch (const InvalidArgument& error) {
    throw InvalidArgument(error.what(), path);
  }
}

// `key` of `object` when present and not null; InvalidArgument naming it
// otherwise.
const Json& required_member(const Json& object, const std::string& path, std::string_view key) {
  const Json* v = member(object, key);
  if (v == nullptr) throw InvalidArgument(std::string(key) + " is required", child(path, key));
  return *v;
}

PersonData read_person_data(const Json& value, const std::string& path) {
  require_object(value, path, "an object");
  reject_unknown_keys(
      value, path,
      {"external_id", "first_name", "last_name", "email", "phone", "country", "birth_date", "zone",
       "document_type", "document_number", "extended", "site"});
  PersonData data;
  const auto text = [&](std::string_view key, std::string& out) {
    if (const Json* v = member(value, key)) out = read_string(*v, child(path, key));
  };
  text("external_id", data.external_id);
  text("first_name", data.first_name);
  text("last_name", data.last_name);
  text("email", data.email);
  text("phone", data.phone);
  text("country", data.country);
  if (const Json* v = member(value, "birth_date")) {
    data.birth_date = read_date(*v, child(path, "birth_date"));
  }
  text("zone", data.zone);
  text("document_type", data.document_type);
  text("document_number", data.document_number);
  text("site", data.site);
  if (const Json* v = member(value, "extended")) {
    const std::string at = child(path, "extended");
    require_object(*v, at, "an object of extended fields");
    for (const auto& [key, item] : v->items()) {
      const std::string here = child(at, key);
      // Text travels as is; integers and booleans as their text. A
      // floating-point number would already have lost a decimal's value.
      if (item.is_string())
        data.extended.emplace(key, item.get<std::string>());
      else if (item.is_boolean())
        data.extended.emplace(key, item.get<bool>() ? "true" : "false");
      else if (item.is_number_integer())
        data.extended.emplace(key, item.dump());
      else
        throw_expected("a string, an integer or true/false (decimals as strings)", item, here);
    }
  }
  return data;
}

ContractRef read_contract_ref(const Json& value, const std::string& path) {
  require_object(value, path, "a contract {\"contract\", \"version\"}");
  reject_unknown_keys(value, path, {"contract", "version"});
  ContractRef ref;
  ref.contract = read_string(required_member(value, path, "contract"), child(path, "contract"));
  const std::uint64_t version =
      read_count(required_member(value, path, "version"), child(path, "version"));
  if (version > std::numeric_limits<std::uint32_t>::max())
    throw OutOfRange("the version does not fit", child(path, "version"));
  ref.version = static_cast<std::uint32_t>(version);
  return ref;
}

AttachmentData read_attachment(const Json& value, const std::string& path) {
  require_object(value, path, "an attachment object");
  reject_unknown_keys(value, path, {"type", "file_name", "size_bytes", "digest", "uri"});
  AttachmentData a;
  a.type = read_string(required_member(value, path, "type"), child(path, "type"));
  a.file_name = read_string(required_member(value, path, "file_name"), child(path, "file_name"));
  a.size_bytes = read_count(required_member(value, path, "size_bytes"), child(path, "size_bytes"));
  a.digest = read_string(required_member(value, path, "digest"), child(path, "digest"));
  if (const Json* v = member(value, "uri")) a.uri = read_string(*v, child(path, "uri"));
  return a;
}

std::uint32_t read_position(const Json& value, const std::string& path) {
  const std::uint64_t position = read_count(value, path);
  if (position > std::numeric_limits<std::uint32_t>::max()) {
    throw InvalidArgument("position " + std::to_string(position) + " is out of range; at most " +
                              std::to_string(std::numeric_limits<std::uint32_t>::max()),
                          path);
  }
  return static_cast<std::uint32_t>(position);
}

bool read_bool(const Json& value, const std::string& path) {
  if (!value.is_boolean()) throw_expected("true or false", value, path);
  return value.get<bool>();
}

PlacementChoice read_placement_choice(const Json& value, const std::string& path) {
  require_object(value, path, "a placement object");
  reject_unknown_keys(value, path, {"network", "parent", "position"});
  PlacementChoice choice;
  choice.network = read_string(required_member(value, path, "network"), child(path, "network"));
  if (const Json* v = member(value, "parent")) choice.parent = read_id(*v, child(path, "parent"));
  if (const Json* v = member(value, "position")) {
    choice.position = read_position(*v, child(path, "position"));
  }
  return choice;
}

std::vector<PersonId> read_ids(const Json& value, const std::string& path) {
  if (!value.is_array()) throw_expected("an array of ids", value, path);
  std::vector<PersonId> out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    out.push_back(read_id(value[i], element(path, i)));
  }
  return out;
}

EnrollmentRequest read_enrollment_request(const Json& value, const std::string& path) {
  require_object(value, path, "an enrollment request object");
  reject_unknown_keys(value, path,
                      {"type", "person", "sponsor", "sponsor_external_id", "referrer",
                       "referrer_external_id", "channel", "effective_at", "reason", "placements",
                       "accepted_contracts", "attachments", "site"});
  EnrollmentRequest request;
  const auto text = [&](std::string_view key, std::string& out) {
    if (const Json* v = member(value, key)) out = read_string(*v, child(path, key));
  };
  if (const Json* v = member(value, "type"))
    request.type = read_customer_type(*v, child(path, "type"));
  if (const Json* v = member(value, "person")) {
    request.person = read_person_data(*v, child(path, "person"));
  }
  if (const Json* v = member(value, "sponsor"))
    request.sponsor = read_id(*v, child(path, "sponsor"));
  text("sponsor_external_id", request.sponsor_external_id);
  if (const Json* v = member(value, "referrer")) {
    request.referrer = read_id(*v, child(path, "referrer"));
  }
  text("referrer_external_id", request.referrer_external_id);
  text("channel", request.channel);
  if (const Json* v = member(value, "effective_at")) {
    request.effective_at = read_instant(*v, child(path, "effective_at"));
  }
  text("reason", request.reason);
  text("site", request.site);
  if (const Json* v = member(value, "placements")) {
    const std::string at = child(path, "placements");
    if (!v->is_array()) throw_expected("an array of placements", *v, at);
    for (std::size_t i = 0; i < v->size(); ++i) {
      request.placements.push_back(read_placement_choice((*v)[i], element(at, i)));
    }
  }
  if (const Json* v = member(value, "accepted_contracts")) {
    const std::string at = child(path, "accepted_contracts");
    if (!v->is_array()) throw_expected("an array of contracts", *v, at);
    for (std::size_t i = 0; i < v->size(); ++i)
      request.accepted_contracts.push_back(read_contract_ref((*v)[i], element(at, i)));
  }
  if (const Json* v = member(value, "attachments")) {
    const std::string at = child(path, "attachments");
    if (!v->is_array()) throw_expected("an array of attachments", *v, at);
    for (std::size_t i = 0; i < v->size(); ++i)
      request.attachments.push_back(read_attachment((*v)[i], element(at, i)));
  }
  return request;
}

// ---------------------------------------------------------------------------
// Output.

template <class Tag>
OrderedJson id_json(StrongId<Tag> id) {
  if (!id) return nullptr;
  return std::to_string(id.value());
}

OrderedJson ids_json(const std::vector<PersonId>& ids) {
  OrderedJson out = OrderedJson::array();
  for (PersonId id : ids) out.push_back(id_json(id));
  return out;
}

OrderedJson finding_json(const Finding& finding) {
  OrderedJson out = OrderedJson::object();
  out["code"] = code_name(finding.code);
  out["reason"] = finding.reason;
  out["field"] = finding.field;
  out["message"] = finding.message;
  out["actual"] = finding.actual;
  out["required"] = finding.required;
  return out;
}

OrderedJson findings_json(const std::vector<Finding>& findings) {
  OrderedJson out = OrderedJson::array();
  for (const Finding& finding : findings) out.push_back(finding_json(finding));
  return out;
}

OrderedJson member_json(const NetworkMember& member) {
  OrderedJson out = OrderedJson::object();
  out["id"] = id_json(member.id);
  out["parent"] = id_json(member.parent);
  out["level"] = member.level;
  out["relative_level"] = member.relative_level;
  out["position"] = member.position;
  out["type"] = to_string(member.type);
  out["status"] = to_string(member.status);
  out["generation"] = member.generation;
  return out;
}

OrderedJson members_json(const std::vector<NetworkMember>& members) {
  OrderedJson out = OrderedJson::array();
  for (const NetworkMember& member : members) out.push_back(member_json(member));
  return out;
}

// Invalid UTF-8 in stored text becomes U+FFFD rather than failing the whole
// answer: serialising never throws on content.
OrderedJson decisions_json(const std::vector<Decision>& decisions) {
  OrderedJson out = OrderedJson::array();
  for (const Decision& d : decisions) out.push_back(internal::decision_to_json(d));
  return out;
}

std::string dump(const OrderedJson& value) {
  return value.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

}  // namespace

Actor parse_actor(std::string_view text) {
  const Json document = parse_document(text);
  const std::string path;
  require_object(document, path, "an actor object");
  reject_unknown_keys(document, path, {"login", "person", "roles"});
  Actor actor;
  if (const Json* v = member(document, "login")) actor.login = read_string(*v, "login");
  if (const Json* v = member(document, "person")) actor.person = read_id(*v, "person");
  if (const Json* v = member(document, "roles")) actor.roles = read_strings(*v, "roles");
  return actor;
}

BlacklistEntry parse_blacklist_entry(std::string_view text) {
  const Json document = parse_document(text);
  const std::string path;
  require_object(document, path, "a blacklist entry object");
  reject_unknown_keys(document, path, {"kind", "value", "country", "reason", "note"});
  BlacklistEntry entry;
  const std::string kind = read_string(required_member(document, path, "kind"), "kind");
  const auto parsed = parse_blacklist_kind(kind);
  if (!parsed)
    throw InvalidArgument(
        "unknown blacklist kind '" + kind + "'; expected document, email or phone", "kind");
  entry.kind = *parsed;
  entry.value = read_string(required_member(document, path, "value"), "value");
  if (const Json* v = member(document, "country")) entry.country = read_string(*v, "country");
  if (const Json* v = member(document, "reason")) entry.reason = read_string(*v, "reason");
  if (const Json* v = member(document, "note")) entry.note = read_string(*v, "note");
  return entry;
}

ConversionRequest parse_conversion(std::string_view text) {
  const Json document = parse_document(text);
  const std::string path;
  require_object(document, path, "a conversion object");
  reject_unknown_keys(document, path, {"person", "type", "channel", "reason"});
  ConversionRequest r;
  r.person = read_id(required_member(document, path, "person"), "person");
  r.type = read_customer_type(required_member(document, path, "type"), "type");
  if (const Json* v = member(document, "channel")) r.channel = read_string(*v, "channel");
  if (const Json* v = member(document, "reason")) r.reason = read_string(*v, "reason");
  return r;
}

StatusChange parse_status_change(std::string_view text) {
  const Json document = parse_document(text);
  const std::string path;
  require_object(document, path, "a status change object");
  reject_unknown_keys(document, path, {"person", "status", "reason"});
  StatusChange change;
  change.person = read_id(required_member(document, path, "person"), "person");
  change.status = read_status(required_member(document, path, "status"), "status");
  if (const Json* v = member(document, "reason")) change.reason = read_string(*v, "reason");
  return change;
}

namespace {
// What every file's options have: rows per batch, the delimiter, and
// header → name mappings.
void read_file_options(const Json& document, std::size_t& batch_size, char& delimiter,
                       std::map<std::string, std::string>& columns) {
  if (const Json* v = member(document, "batch_size")) batch_size = read_count(*v, "batch_size");
  if (const Json* v = member(document, "delimiter")) {
    const std::string d = read_string(*v, "delimiter");
    if (d.size() != 1) throw InvalidArgument("the delimiter is one character", "delimiter");
    delimiter = d[0];
  }
  if (const Json* v = member(document, "columns")) {
    require_object(*v, "columns", "an object of header: name");
    for (const auto& [header, name] : v->items())
      columns[header] = read_string(name, child("columns", header));
  }
}
}  // namespace

ImportOptions parse_import_options(std::string_view text) {
  const Json document = parse_document(text);
  const std::string path;
  require_object(document, path, "an import options object");
  reject_unknown_keys(document, path,
                      {"channel", "type", "columns", "batch_size", "delimiter", "reason"});
  ImportOptions o;
  if (const Json* v = member(document, "channel")) o.channel = read_string(*v, "channel");
  if (const Json* v = member(document, "type")) o.type = read_customer_type(*v, "type");
  if (const Json* v = member(document, "reason")) o.reason = read_string(*v, "reason");
  read_file_options(document, o.batch_size, o.delimiter, o.columns);
  return o;
}

StatusFileOptions parse_status_file_options(std::string_view text) {
  const Json document = parse_document(text);
  const std::string path;
  require_object(document, path, "a status file options object");
  reject_unknown_keys(document, path, {"status", "reason", "columns", "batch_size", "delimiter"});
  StatusFileOptions o;
  if (const Json* v = member(document, "status")) o.status = read_status(*v, "status");
  if (const Json* v = member(document, "reason")) o.reason = read_string(*v, "reason");
  read_file_options(document, o.batch_size, o.delimiter, o.columns);
  return o;
}

WorkDecisionRequest parse_work_decision(std::string_view text) {
  const Json document = parse_document(text);
  const std::string path;
  require_object(document, path, "a work decision object");
  reject_unknown_keys(document, path, {"item", "approve", "reason", "amount"});
  WorkDecisionRequest d;
  d.item = read_id(required_member(document, path, "item"), "item").value();
  d.approve = read_bool(required_member(document, path, "approve"), "approve");
  if (const Json* v = member(document, "reason")) d.reason = read_string(*v, "reason");
  if (const Json* v = member(document, "amount")) d.amount = read_decimal(*v, "amount");
  return d;
}

CreditRequest parse_credit_request(std::string_view text) {
  const Json document = parse_document(text);
  const std::string path;
  require_object(document, path, "a credit request object");
  reject_unknown_keys(document, path, {"person", "amount", "references", "attachments"});
  CreditRequest r;
  r.person = read_id(required_member(document, path, "person"), "person");
  if (const Json* v = member(document, "amount")) r.amount = read_decimal(*v, "amount");
  if (const Json* v = member(document, "references")) {
    if (!v->is_array()) throw_expected("an array of references", *v, "references");
    for (std::size_t i = 0; i < v->size(); ++i)
      r.references.push_back(read_string((*v)[i], element("references", i)));
  }
  if (const Json* v = member(document, "attachments")) {
    if (!v->is_array()) throw_expected("an array of attachments", *v, "attachments");
    for (std::size_t i = 0; i < v->size(); ++i)
      r.attachments.push_back(read_attachment((*v)[i], element("attachments", i)));
  }
  return r;
}

WorkItemQuery parse_work_item_query(std::string_view text) {
  const Json document = parse_document(text);
  const std::string path;
  require_object(document, path, "a work item query object");
  reject_unknown_keys(document, path, {"kind", "state", "person", "decidable_only"});
  WorkItemQuery q;
  if (const Json* v = member(document, "kind")) {
    const std::string name = read_string(*v, "kind");
    q.kind = parse_work_item_kind(name);
    if (!q.kind)
      throw InvalidArgument(
          "unknown kind '" + name + "'; expected registration, document or credit_request", "kind");
  }
  // Present and null: every state.
  if (auto it = document.find("state"); it != document.end()) {
    q.state.reset();
    if (!it->is_null()) {
      const std::string name = read_string(*it, "state");
      for (auto state : {WorkItemState::open, WorkItemState::approved, WorkItemState::rejected})
        if (name == to_string(state)) q.state = state;
      if (!q.state)
        throw InvalidArgument("unknown state '" + name + "'; expected open, approved or rejected",
                              "state");
    }
  }
  if (const Json* v = member(document, "person")) q.person = read_id(*v, "person");
  if (const Json* v = member(document, "decidable_only"))
    q.decidable_only = read_bool(*v, "decidable_only");
  return q;
}

ContractRef parse_contract_ref(std::string_view text) {
  return read_contract_ref(parse_document(text), "");
}

EnrollmentRequest parse_enrollment_request(std::string_view text) {
  return read_enrollment_request(parse_document(text), "");
}

std::vector<EnrollmentRequest> parse_enrollment_requests(std::string_view text) {
  const Json document = parse_document(text);
  if (!document.is_array()) throw_expected("an array of enrollment requests", document, "");
  std::vector<EnrollmentRequest> requests;
  requests.reserve(document.size());
  for (std::size_t i = 0; i < document.size(); ++i) {
    requests.push_back(read_enrollment_request(document[i], element("", i)));
  }
  return requests;
}

DownlineQuery parse_downline_query(std::string_view text) {
  const Json document = parse_document(text);
  const std::string path;
  require_object(document, path, "a downline query object");
  reject_unknown_keys(
      document, path,
      {"network", "max_depth", "max_generation", "types", "statuses", "offset", "limit"});
  DownlineQuery query;
  if (const Json* v = member(document, "network")) query.network = read_string(*v, "network");
  if (const Json* v = member(document, "max_depth")) query.max_depth = read_depth(*v, "max_depth");
  if (const Json* v = member(document, "max_generation")) {
    query.max_generation = read_depth(*v, "max_generation");
  }
  if (const Json* v = member(document, "types")) {
    if (!v->is_array()) throw_expected("an array of customer types", *v, "types");
    for (std::size_t i = 0; i < v->size(); ++i) {
      query.types.push_back(read_customer_type((*v)[i], element("types", i)));
    }
  }
  if (const Json* v = member(document, "statuses")) {
    if (!v->is_array()) throw_expected("an array of statuses", *v, "statuses");
    for (std::size_t i = 0; i < v->size(); ++i) {
      query.statuses.push_back(read_status((*v)[i], element("statuses", i)));
    }
  }
  if (const Json* v = member(document, "offset")) query.offset = read_count(*v, "offset");
  if (const Json* v = member(document, "limit")) query.limit = read_count(*v, "limit");
  return query;
}

TreeExportOptions parse_tree_export_options(std::string_view text) {
  const Json document = parse_document(text);
  const std::string path;
  require_object(document, path, "a tree export options object");
  reject_unknown_keys(document, path, {"network", "max_depth", "format"});
  TreeExportOptions options;
  if (const Json* v = member(document, "network")) options.network = read_string(*v, "network");
  if (const Json* v = member(document, "max_depth")) {
    options.max_depth = read_depth(*v, "max_depth");
  }
  if (const Json* v = member(document, "format")) options.format = read_tree_format(*v, "format");
  return options;
}

PlacementChoice parse_placement_choice(std::string_view text) {
  return read_placement_choice(parse_document(text), "");
}

TransferRequest parse_transfer_request(std::string_view text) {
  const Json document = parse_document(text);
  const std::string path;
  require_object(document, path, "a transfer request object");
  reject_unknown_keys(
      document, path,
      {"person", "network", "new_parent", "position", "with_downline", "effective_at", "reason"});
  TransferRequest request;
  request.person = read_id(required_member(document, path, "person"), "person");
  if (const Json* v = member(document, "network")) request.network = read_string(*v, "network");
  if (const Json* v = member(document, "new_parent")) {
    request.new_parent = read_id(*v, "new_parent");
  }
  if (const Json* v = member(document, "position")) {
    request.position = read_position(*v, "position");
  }
  if (const Json* v = member(document, "with_downline")) {
    request.with_downline = read_bool(*v, "with_downline");
  }
  if (const Json* v = member(document, "effective_at")) {
    request.effective_at = read_instant(*v, "effective_at");
  }
  if (const Json* v = member(document, "reason")) request.reason = read_string(*v, "reason");
  return request;
}

CompressionRequest parse_compression_request(std::string_view text) {
  const Json document = parse_document(text);
  const std::string path;
  require_object(document, path, "a compression request object");
  reject_unknown_keys(document, path, {"network", "persons", "effective_at", "reason"});
  CompressionRequest request;
  request.network = read_string(required_member(document, path, "network"), "network");
  if (const Json* v = member(document, "persons")) request.persons = read_ids(*v, "persons");
  if (const Json* v = member(document, "effective_at")) {
    request.effective_at = read_instant(*v, "effective_at");
  }
  if (const Json* v = member(document, "reason")) request.reason = read_string(*v, "reason");
  return request;
}

RankChange parse_rank_change(std::string_view text) {
  const Json document = parse_document(text);
  const std::string path;
  require_object(document, path, "a rank change object");
  reject_unknown_keys(document, path, {"person", "rank", "campaign", "effective_at", "reason"});
  RankChange change;
  change.person = read_id(required_member(document, path, "person"), "person");
  change.rank = read_string(required_member(document, path, "rank"), "rank");
  if (const Json* v = member(document, "campaign")) change.campaign = read_string(*v, "campaign");
  if (const Json* v = member(document, "effective_at")) {
    change.effective_at = read_instant(*v, "effective_at");
  }
  if (const Json* v = member(document, "reason")) change.reason = read_string(*v, "reason");
  return change;
}

RecalculationRequest parse_recalculation_request(std::string_view text) {
  const Json document = parse_document(text);
  const std::string path;
  require_object(document, path, "a recalculation request object");
  reject_unknown_keys(document, path, {"network", "personal_volumes", "levels"});
  RecalculationRequest request;
  if (const Json* v = member(document, "network")) request.network = read_string(*v, "network");
  if (const Json* v = member(document, "personal_volumes")) {
    if (!v->is_array()) throw_expected("an array of personal volumes", *v, "personal_volumes");
    request.personal_volumes.reserve(v->size());
    for (std::size_t i = 0; i < v->size(); ++i) {
      const std::string here = element("personal_volumes", i);
      const Json& item = (*v)[i];
      require_object(item, here, "a personal volume {\"person\", \"volume\"}");
      reject_unknown_keys(item, here, {"person", "volume"});
      request.personal_volumes.push_back(
          {read_id(required_member(item, here, "person"), here + ".person"),
           read_decimal(required_member(item, here, "volume"), here + ".volume")});
    }
  }
  if (const Json* v = member(document, "levels")) request.levels = read_depth(*v, "levels");
  return request;
}

std::string to_json(const EnrollmentOutcome& outcome) {
  OrderedJson out = OrderedJson::object();
  out["accepted"] = outcome.accepted;
  out["person"] = outcome.accepted ? id_json(outcome.person) : OrderedJson(nullptr);
  out["event"] = outcome.accepted ? id_json(outcome.event) : OrderedJson(nullptr);
  out["findings"] = findings_json(outcome.findings);
  out["decisions"] = decisions_json(outcome.decisions);
  if (outcome.accepted) {
    out["outcome"] = outcome.outcome;
    out["quick_code"] =
        outcome.quick_code.empty() ? OrderedJson(nullptr) : OrderedJson(outcome.quick_code);
    out["work_item"] =
        outcome.work_item ? OrderedJson(std::to_string(outcome.work_item)) : OrderedJson(nullptr);
    out["continuation"] =
        outcome.continuation.empty() ? OrderedJson(nullptr) : OrderedJson(outcome.continuation);
  }
  return dump(out);
}

std::string to_json(const BulkEnrollmentOutcome& outcome) {
  OrderedJson out = OrderedJson::object();
  out["accepted"] = outcome.accepted;
  OrderedJson persons = OrderedJson::array();
  for (PersonId id : outcome.persons) persons.push_back(id_json(id));
  out["persons"] = std::move(persons);
  out["last_event"] = outcome.accepted ? id_json(outcome.last_event) : OrderedJson(nullptr);
  out["findings"] = findings_json(outcome.findings);
  OrderedJson decisions = OrderedJson::array();
  for (const auto& per_request : outcome.decisions)
    decisions.push_back(decisions_json(per_request));
  out["decisions"] = std::move(decisions);
  if (outcome.accepted) {
    out["outcomes"] = outcome.outcomes;
    OrderedJson codes = OrderedJson::array(), items = OrderedJson::array();
    for (const auto& code : outcome.quick_codes)
      codes.push_back(code.empty() ? OrderedJson(nullptr) : OrderedJson(code));
    for (std::int64_t item : outcome.work_items)
      items.push_back(item ? OrderedJson(std::to_string(item)) : OrderedJson(nullptr));
    out["quick_codes"] = std::move(codes);
    out["work_items"] = std::move(items);
  }
  return dump(out);
}

namespace {
OrderedJson rejected_rows_json(const std::vector<RejectedRow>& rows) {
  OrderedJson rejected = OrderedJson::array();
  for (const RejectedRow& row : rows) {
    OrderedJson r = OrderedJson::object();
    r["line"] = row.line;
    r["external_id"] = row.external_id;
    r["findings"] = findings_json(row.findings);
    rejected.push_back(std::move(r));
  }
  return rejected;
}
}  // namespace

std::string to_json(const ImportReport& report) {
  OrderedJson out = OrderedJson::object();
  out["rows"] = report.rows;
  out["enrolled"] = report.enrolled;
  out["existing"] = report.existing;
  out["rejected"] = rejected_rows_json(report.rejected);
  out["last_event"] = id_json(report.last_event);
  return dump(out);
}

std::string to_json(const Event& event) {
  OrderedJson out = OrderedJson::object();
  out["seq"] = id_json(event.seq);
  out["kind"] = event.kind;
  out["person"] = id_json(event.person);
  out["effective_at"] = event.effective_at.to_rfc3339();
  out["recorded_at"] = event.recorded_at.to_rfc3339();
  out["actor"] = event.actor;
  out["reason"] = event.reason;
  // The log holds the payload as JSON text: embedded, not quoted.
  OrderedJson payload = OrderedJson::parse(event.payload_json, nullptr, false);
  out["payload"] = payload.is_discarded() ? OrderedJson(event.payload_json) : std::move(payload);
  return dump(out);
}

std::string to_json(const StatusFileReport& report) {
  OrderedJson out = OrderedJson::object();
  out["rows"] = report.rows;
  out["changed"] = report.changed;
  out["unchanged"] = report.unchanged;
  out["rejected"] = rejected_rows_json(report.rejected);
  out["last_event"] = id_json(report.last_event);
  return dump(out);
}

std::string to_json(const Person& person) {
  OrderedJson out = OrderedJson::object();
  out["id"] = id_json(person.id);
  out["external_id"] = person.data.external_id;
  out["first_name"] = person.data.first_name;
  out["last_name"] = person.data.last_name;
  out["email"] = person.data.email;
  out["phone"] = person.data.phone;
  out["country"] = person.data.country;
  out["birth_date"] =
      person.data.birth_date ? OrderedJson(person.data.birth_date->to_string()) : nullptr;
  out["zone"] = person.data.zone;
  out["type"] = to_string(person.type);
  out["status"] = to_string(person.status);
  out["sponsor"] = id_json(person.sponsor);
  out["referrer"] = id_json(person.referrer);
  out["channel"] = person.channel;
  out["enrolled_at"] = person.enrolled_at.to_rfc3339();
  out["document_type"] = person.data.document_type;
  out["document_number"] = person.data.document_number;
  OrderedJson extended = OrderedJson::object();
  for (const auto& [key, value] : person.data.extended) extended[key] = value;
  out["extended"] = std::move(extended);
  out["site"] = person.data.site;
  out["credit_limit"] = person.credit_limit.to_string();
  out["vip"] = person.vip;
  out["commercial_state"] = person.commercial_state;
  out["rank"] = person.rank;
  out["segment"] = person.segment;
  out["display"] = {{"phone", person.display.phone},
                    {"birth_date", person.display.birth_date},
                    {"document", person.display.document}};
  return dump(out);
}

std::string to_json(const std::vector<BlacklistEntry>& entries) {
  OrderedJson out = OrderedJson::array();
  for (const BlacklistEntry& e : entries) {
    OrderedJson item = OrderedJson::object();
    item["kind"] = to_string(e.kind);
    item["value"] = e.value;
    item["key"] = e.key;
    item["country"] = e.country;
    item["reason"] = e.reason;
    item["note"] = e.note;
    item["added_at"] = e.added_at.to_rfc3339();
    item["added_by"] = e.added_by;
    out.push_back(std::move(item));
  }
  return dump(out);
}

std::string to_json(const std::vector<ContractVersion>& versions) {
  OrderedJson out = OrderedJson::array();
  for (const ContractVersion& c : versions) {
    OrderedJson item = OrderedJson::object();
    item["contract"] = c.contract;
    item["version"] = c.version;
    item["title"] = c.title;
    item["digest"] = c.digest;
    item["countries"] = c.countries;
    item["ranks"] = c.ranks;
    item["active"] = c.active;
    item["mandatory"] = c.mandatory;
    out.push_back(std::move(item));
  }
  return dump(out);
}

std::string to_json(const std::vector<ContractAcceptance>& acceptances) {
  OrderedJson out = OrderedJson::array();
  for (const ContractAcceptance& a : acceptances) {
    OrderedJson item = OrderedJson::object();
    item["person"] = id_json(a.person);
    item["contract"] = a.contract.contract;
    item["version"] = a.contract.version;
    item["digest"] = a.digest;
    item["channel"] = a.channel;
    item["accepted_at"] = a.accepted_at.to_rfc3339();
    item["event"] = id_json(a.event);
    out.push_back(std::move(item));
  }
  return dump(out);
}

std::string to_json(const std::vector<Attachment>& attachments) {
  OrderedJson out = OrderedJson::array();
  for (const Attachment& a : attachments) {
    OrderedJson item = OrderedJson::object();
    item["person"] = id_json(a.person);
    item["type"] = a.data.type;
    item["file_name"] = a.data.file_name;
    item["extension"] = a.extension;
    item["size_bytes"] = a.data.size_bytes;
    item["digest"] = a.data.digest;
    item["uri"] = a.data.uri;
    item["added_at"] = a.added_at.to_rfc3339();
    item["event"] = id_json(a.event);
    out.push_back(std::move(item));
  }
  return dump(out);
}

namespace {
OrderedJson work_item_json(const WorkItem& item) {
  OrderedJson out = OrderedJson::object();
  out["id"] = std::to_string(item.id);
  out["kind"] = to_string(item.kind);
  out["person"] = id_json(item.person);
  out["state"] = to_string(item.state);
  out["step"] = item.step_id;
  out["roles"] = item.roles;
  out["amount"] = item.amount ? OrderedJson(item.amount->to_string()) : OrderedJson(nullptr);
  out["detail"] = item.detail;
  out["created_at"] = item.created_at.to_rfc3339();
  OrderedJson decisions = OrderedJson::array();
  for (const WorkDecision& d : item.decisions) {
    OrderedJson x = OrderedJson::object();
    x["step"] = d.step_id;
    x["by"] = d.by;
    x["approved"] = d.approved;
    x["reason"] = d.reason;
    x["amount"] = d.amount ? OrderedJson(d.amount->to_string()) : OrderedJson(nullptr);
    x["at"] = d.at.to_rfc3339();
    decisions.push_back(std::move(x));
  }
  out["decisions"] = std::move(decisions);
  return out;
}
}  // namespace

std::string to_json(const WorkItem& item) {
  return dump(work_item_json(item));
}

std::string to_json(const std::vector<WorkItem>& items) {
  OrderedJson out = OrderedJson::array();
  for (const WorkItem& item : items) out.push_back(work_item_json(item));
  return dump(out);
}

std::string to_json(const ProfileCompletion& completion) {
  OrderedJson out = OrderedJson::object();
  out["filled"] = completion.filled;
  out["total"] = completion.total;
  out["percent"] = completion.percent;
  out["missing"] = completion.missing;
  return dump(out);
}

std::string to_json(const std::vector<NetworkMember>& members) {
  return dump(members_json(members));
}

std::string to_json(const DownlinePage& page) {
  OrderedJson out = OrderedJson::object();
  out["total"] = page.total;
  out["members"] = members_json(page.members);
  return dump(out);
}

std::string to_json(const AdjustmentOutcome& outcome) {
  OrderedJson out = OrderedJson::object();
  out["moved"] = ids_json(outcome.moved);
  out["removed"] = ids_json(outcome.removed);
  out["last_event"] = id_json(outcome.last_event);
  return dump(out);
}

std::string to_json(const std::vector<OpenSlot>& slots) {
  OrderedJson out = OrderedJson::array();
  for (const OpenSlot& slot : slots) {
    OrderedJson item = OrderedJson::object();
    item["parent"] = id_json(slot.parent);
    item["position"] = slot.position;
    item["level"] = slot.level;
    out.push_back(std::move(item));
  }
  return dump(out);
}

std::string to_json(const std::vector<PersonId>& ids) {
  return dump(ids_json(ids));
}

std::string to_json(const Actor& actor) {
  OrderedJson out = OrderedJson::object();
  out["login"] = actor.login;
  out["person"] = id_json(actor.person);
  out["roles"] = actor.roles;
  return dump(out);
}

std::string to_json(const Finding& finding) {
  return dump(finding_json(finding));
}

std::string to_json(const Decision& decision) {
  return dump(internal::decision_to_json(decision));
}

std::string to_json(const RuleEvaluation& evaluation) {
  OrderedJson out = OrderedJson::object();
  out["decisions"] = decisions_json(evaluation.decisions);
  out["trace"] = evaluation.trace_json.empty() ? OrderedJson(nullptr)
                                               : OrderedJson::parse(evaluation.trace_json);
  return dump(out);
}

std::string to_json(const RuleTestReport& report) {
  OrderedJson out = OrderedJson::object();
  out["passed"] = report.passed();
  out["total"] = report.cases.size();
  out["failed"] = report.failed;
  out["cases"] = OrderedJson::array();
  for (const RuleCaseResult& result : report.cases) {
    OrderedJson item = OrderedJson::object();
    item["name"] = result.name;
    item["passed"] = result.passed;
    item["decisions"] = decisions_json(result.decisions);
    item["diff"] = result.diff;
    out["cases"].push_back(std::move(item));
  }
  out["text"] = report.text();
  return dump(out);
}

std::string to_json(const std::vector<std::uint64_t>& counts) {
  return dump(OrderedJson(counts));
}

std::string to_json(const std::vector<LegTotals>& legs) {
  OrderedJson out = OrderedJson::array();
  for (const LegTotals& leg : legs) {
    OrderedJson item = OrderedJson::object();
    item["leg"] = id_json(leg.leg);
    item["position"] = leg.position;
    item["persons"] = leg.persons;
    item["active"] = leg.active;
    out.push_back(std::move(item));
  }
  return dump(out);
}

std::string to_json(const std::vector<RankPeriod>& history) {
  OrderedJson out = OrderedJson::array();
  for (const RankPeriod& p : history) {
    OrderedJson item = OrderedJson::object();
    item["rank"] = p.rank;
    item["previous_rank"] = p.previous_rank;
    item["campaign"] = p.campaign;
    item["from"] = p.from.to_rfc3339();
    item["until"] = p.until ? OrderedJson(p.until->to_rfc3339()) : OrderedJson(nullptr);
    item["held_days"] = p.held_days;
    item["event"] = id_json(p.event);
    out.push_back(std::move(item));
  }
  return dump(out);
}

std::string to_json(const RecalculationSummary& summary) {
  OrderedJson out = OrderedJson::object();
  out["network"] = summary.network;
  out["persons"] = summary.persons;
  out["total_volume"] = summary.total_volume.to_string();
  out["at"] = summary.at.to_rfc3339();
  return dump(out);
}

std::string to_json(const PersonFigures& figures) {
  OrderedJson out = OrderedJson::object();
  out["person"] = id_json(figures.person);
  out["personal_volume"] = figures.personal_volume.to_string();
  out["group_volume"] = figures.group_volume.to_string();
  out["downline"] = figures.downline;
  out["active_downline"] = figures.active_downline;
  out["level_counts"] = figures.level_counts;
  out["active_level_counts"] = figures.active_level_counts;
  out["legs"] = OrderedJson::array();
  for (const LegVolume& leg : figures.legs) {
    OrderedJson item = OrderedJson::object();
    item["leg"] = id_json(leg.leg);
    item["position"] = leg.position;
    item["persons"] = leg.persons;
    item["group_volume"] = leg.group_volume.to_string();
    out["legs"].push_back(std::move(item));
  }
  out["recalculated_at"] = figures.recalculated_at.to_rfc3339();
  return dump(out);
}

std::string to_json(const VerifyReport& report) {
  OrderedJson out = OrderedJson::object();
  out["ok"] = report.ok;
  out["persons"] = std::to_string(report.persons);
  out["violations"] = OrderedJson::array();
  for (const InvariantViolation& v : report.violations) {
    OrderedJson item = OrderedJson::object();
    item["rule"] = v.rule;
    item["network"] = v.network;
    item["person"] = id_json(v.person);
    item["message"] = v.message;
    out["violations"].push_back(std::move(item));
  }
  return dump(out);
}

namespace {

OrderState read_order_state(const Json& value, const std::string& path) {
  const std::string name = read_string(value, path);
  if (const auto state = parse_order_state(name)) return *state;
  throw InvalidArgument("unknown order state '" + name +
                            "'; expected draft, placed, paid, invoiced, shipped, cancelled or "
                            "returned",
                        path);
}

CampaignSpec read_campaign_spec(const Json& value, const std::string& path) {
  require_object(value, path, "a campaign object");
  reject_unknown_keys(value, path, {"id", "start", "end"});
  CampaignSpec c;
  c.id = read_string(required_member(value, path, "id"), child(path, "id"));
  c.start = read_date(required_member(value, path, "start"), child(path, "start"));
  c.end = read_date(required_member(value, path, "end"), child(path, "end"));
  return c;
}

OrderReport read_order_report(const Json& value, const std::string& path) {
  require_object(value, path, "an order report object");
  reject_unknown_keys(value, path,
                      {"id", "owner", "created_by", "campaign", "state", "at", "amount", "volume",
                       "lines", "comments"});
  OrderReport r;
  r.id = read_string(required_member(value, path, "id"), child(path, "id"));
  if (const Json* v = member(value, "owner")) r.owner = read_id(*v, child(path, "owner"));
  if (const Json* v = member(value, "created_by"))
    r.created_by = read_id(*v, child(path, "created_by"));
  if (const Json* v = member(value, "campaign"))
    r.campaign = read_string(*v, child(path, "campaign"));
  if (const Json* v = member(value, "state")) r.state = read_order_state(*v, child(path, "state"));
  if (const Json* v = member(value, "at")) r.at = read_instant(*v, child(path, "at"));
  if (const Json* v = member(value, "amount")) r.amount = read_decimal(*v, child(path, "amount"));
  if (const Json* v = member(value, "volume")) r.volume = read_decimal(*v, child(path, "volume"));
  if (const Json* v = member(value, "lines")) {
    const std::string at = child(path, "lines");
    if (!v->is_array()) throw_expected("an array of lines", *v, at);
    for (std::size_t i = 0; i < v->size(); ++i) {
      const Json& l = (*v)[i];
      const std::string lp = element(at, i);
      require_object(l, lp, "an order line object");
      reject_unknown_keys(l, lp, {"sku", "quantity", "amount", "volume", "flags"});
      OrderLine line;
      line.sku = read_string(required_member(l, lp, "sku"), child(lp, "sku"));
      if (const Json* q = member(l, "quantity")) {
        const std::uint64_t n = read_count(*q, child(lp, "quantity"));
        if (n > UINT32_MAX) throw OutOfRange("the quantity does not fit", child(lp, "quantity"));
        line.quantity = static_cast<std::uint32_t>(n);
      }
      if (const Json* a = member(l, "amount")) line.amount = read_decimal(*a, child(lp, "amount"));
      if (const Json* a = member(l, "volume")) line.volume = read_decimal(*a, child(lp, "volume"));
      if (const Json* f = member(l, "flags")) line.flags = read_strings(*f, child(lp, "flags"));
      r.lines.push_back(std::move(line));
    }
  }
  if (const Json* v = member(value, "comments")) {
    const std::string at = child(path, "comments");
    if (!v->is_array()) throw_expected("an array of comments", *v, at);
    for (std::size_t i = 0; i < v->size(); ++i) {
      const Json& c = (*v)[i];
      const std::string cp = element(at, i);
      require_object(c, cp, "a comment object");
      reject_unknown_keys(c, cp, {"stage", "text"});
      r.comments.push_back(
          OrderComment{read_string(required_member(c, cp, "stage"), child(cp, "stage")),
                       read_string(required_member(c, cp, "text"), child(cp, "text"))});
    }
  }
  return r;
}

OrderedJson campaign_json(const Campaign& c) {
  OrderedJson out = OrderedJson::object();
  out["id"] = c.id;
  out["start"] = c.start.to_string();
  out["end"] = c.end.to_string();
  out["starts_at"] = c.starts_at.to_rfc3339();
  out["ends_at"] = c.ends_at.to_rfc3339();
  out["state"] = to_string(c.state);
  out["closed_at"] = c.closed_at ? OrderedJson(c.closed_at->to_rfc3339()) : nullptr;
  return out;
}

OrderedJson order_json(const Order& o) {
  OrderedJson out = OrderedJson::object();
  out["id"] = o.id;
  out["owner"] = id_json(o.owner);
  out["created_by"] = id_json(o.created_by);
  out["campaign"] = o.campaign;
  out["state"] = to_string(o.state);
  out["amount"] = o.amount.to_string();
  out["volume"] = o.volume.to_string();
  out["counted"] = o.counted;
  OrderedJson lines = OrderedJson::array();
  for (const OrderLine& l : o.lines) {
    OrderedJson line = OrderedJson::object();
    line["sku"] = l.sku;
    line["quantity"] = l.quantity;
    line["amount"] = l.amount.to_string();
    line["volume"] = l.volume.to_string();
    line["flags"] = l.flags;
    lines.push_back(std::move(line));
  }
  out["lines"] = std::move(lines);
  OrderedJson comments = OrderedJson::array();
  for (const OrderComment& c : o.comments)
    comments.push_back(OrderedJson{{"stage", c.stage}, {"text", c.text}});
  out["comments"] = std::move(comments);
  OrderedJson history = OrderedJson::array();
  for (const OrderStateChange& h : o.history) {
    OrderedJson item = OrderedJson::object();
    item["state"] = to_string(h.state);
    item["at"] = h.at.to_rfc3339();
    item["event"] = id_json(h.seq);
    history.push_back(std::move(item));
  }
  out["history"] = std::move(history);
  return out;
}

}  // namespace

std::vector<CampaignSpec> parse_campaign_specs(std::string_view text) {
  const Json document = parse_document(text);
  if (!document.is_array()) throw_expected("an array of campaigns", document, "");
  std::vector<CampaignSpec> out;
  for (std::size_t i = 0; i < document.size(); ++i)
    out.push_back(read_campaign_spec(document[i], element("", i)));
  return out;
}

OrderReport parse_order_report(std::string_view text) {
  return read_order_report(parse_document(text), "");
}

std::vector<OrderReport> parse_order_reports(std::string_view text) {
  const Json document = parse_document(text);
  if (!document.is_array()) throw_expected("an array of order reports", document, "");
  std::vector<OrderReport> out;
  out.reserve(document.size());
  for (std::size_t i = 0; i < document.size(); ++i)
    out.push_back(read_order_report(document[i], element("", i)));
  return out;
}

std::vector<RfmTransaction> parse_rfm_transactions(std::string_view text) {
  const Json document = parse_document(text);
  if (!document.is_array()) throw_expected("an array of transactions", document, "");
  std::vector<RfmTransaction> out;
  out.reserve(document.size());
  for (std::size_t i = 0; i < document.size(); ++i) {
    const Json& t = document[i];
    const std::string path = element("", i);
    require_object(t, path, "a transaction object");
    reject_unknown_keys(t, path, {"customer", "date", "revenue"});
    RfmTransaction r;
    r.customer = read_string(required_member(t, path, "customer"), child(path, "customer"));
    r.date = read_date(required_member(t, path, "date"), child(path, "date"));
    r.revenue = read_decimal(required_member(t, path, "revenue"), child(path, "revenue"));
    out.push_back(std::move(r));
  }
  return out;
}

RfmOptions parse_rfm_options(std::string_view text) {
  const Json document = parse_document(text);
  require_object(document, "", "an RFM options object");
  reject_unknown_keys(document, "", {"analysis_date", "bins", "thresholds", "segments"});
  RfmOptions o;
  o.analysis_date =
      read_date(required_member(document, "", "analysis_date"), child("", "analysis_date"));
  const std::pair<const char*, std::uint32_t*> bins[] = {{"recency", &o.recency_bins},
                                                         {"frequency", &o.frequency_bins},
                                                         {"monetary", &o.monetary_bins}};
  if (const Json* b = member(document, "bins")) {
    require_object(*b, "bins", "an object of bin counts");
    reject_unknown_keys(*b, "bins", {"recency", "frequency", "monetary"});
    for (auto [key, target] : bins)
      if (const Json* v = member(*b, key)) {
        const std::uint64_t n = read_count(*v, child("bins", key));
        if (n > 9) throw InvalidArgument("expected 1 to 9 bins", child("bins", key));
        *target = static_cast<std::uint32_t>(n);
      }
  }
  const std::pair<const char*, std::vector<Decimal>*> fixed[] = {
      {"recency", &o.recency_thresholds},
      {"frequency", &o.frequency_thresholds},
      {"monetary", &o.monetary_thresholds}};
  if (const Json* t = member(document, "thresholds")) {
    require_object(*t, "thresholds", "an object of threshold lists");
    reject_unknown_keys(*t, "thresholds", {"recency", "frequency", "monetary"});
    for (auto [key, target] : fixed)
      if (const Json* v = member(*t, key)) {
        const std::string at = child("thresholds", key);
        if (!v->is_array()) throw_expected("an array of thresholds", *v, at);
        for (std::size_t i = 0; i < v->size(); ++i)
          target->push_back(read_decimal((*v)[i], element(at, i)));
      }
  }
  if (const Json* list = member(document, "segments")) {
    if (!list->is_array()) throw_expected("an array of segments", *list, "segments");
    for (std::size_t i = 0; i < list->size(); ++i) {
      const Json& e = (*list)[i];
      const std::string path = element("segments", i);
      require_object(e, path, "a segment object");
      reject_unknown_keys(e, path, {"name", "recency", "frequency", "monetary"});
      RfmSegment seg;
      seg.name = read_string(required_member(e, path, "name"), child(path, "name"));
      const std::tuple<const char*, std::uint8_t*, std::uint8_t*> ranges[] = {
          {"recency", &seg.recency_lower, &seg.recency_upper},
          {"frequency", &seg.frequency_lower, &seg.frequency_upper},
          {"monetary", &seg.monetary_lower, &seg.monetary_upper}};
      for (auto [key, lo, hi] : ranges)
        if (const Json* r = member(e, key)) {
          const std::string at = child(path, key);
          if (!r->is_array() || r->size() != 2) throw_expected("[lower, upper]", *r, at);
          const std::uint64_t a = read_count((*r)[0], element(at, 0));
          const std::uint64_t b = read_count((*r)[1], element(at, 1));
          if (a > 9 || b > 9) throw InvalidArgument("scores go from 1 to 9", at);
          *lo = static_cast<std::uint8_t>(a);
          *hi = static_cast<std::uint8_t>(b);
        }
      o.segments.push_back(std::move(seg));
    }
  }
  return o;
}

namespace {

TrafficLight read_traffic_light(const Json& value, const std::string& path) {
  if (value.is_string())
    if (auto light = parse_traffic_light(value.get<std::string>())) return *light;
  throw_expected("a traffic light: none, red, yellow or green", value, path);
}

}  // namespace

KpiQuery parse_kpi_query(std::string_view text) {
  const Json document = parse_document(text);
  require_object(document, "", "a KPI query object");
  reject_unknown_keys(document, "", {"campaign", "root", "network", "top"});
  KpiQuery query;
  const Json* campaign = member(document, "campaign");
  if (!campaign) throw InvalidArgument("a KPI query needs a campaign", "campaign");
  query.campaign = read_string(*campaign, "campaign");
  if (const Json* v = member(document, "root")) query.root = read_id(*v, "root");
  if (const Json* v = member(document, "network")) query.network = read_string(*v, "network");
  if (const Json* v = member(document, "top")) query.top = read_count(*v, "top");
  return query;
}

GenealogyListQuery parse_genealogy_list_query(std::string_view text) {
  const Json document = parse_document(text);
  require_object(document, "", "a genealogy list query object");
  reject_unknown_keys(
      document, "", {"campaign", "root", "network", "with_orders", "lights", "max_depth", "limit"});
  GenealogyListQuery query;
  const Json* campaign = member(document, "campaign");
  if (!campaign) throw InvalidArgument("a genealogy list query needs a campaign", "campaign");
  query.campaign = read_string(*campaign, "campaign");
  if (const Json* v = member(document, "root")) query.root = read_id(*v, "root");
  if (const Json* v = member(document, "network")) query.network = read_string(*v, "network");
  if (const Json* v = member(document, "with_orders"))
    query.with_orders = read_bool(*v, "with_orders");
  if (const Json* v = member(document, "lights")) {
    if (!v->is_array()) throw_expected("an array of traffic lights", *v, "lights");
    for (std::size_t i = 0; i < v->size(); ++i)
      query.lights.push_back(read_traffic_light((*v)[i], element("lights", i)));
  }
  if (const Json* v = member(document, "max_depth")) query.max_depth = read_depth(*v, "max_depth");
  if (const Json* v = member(document, "limit")) query.limit = read_count(*v, "limit");
  return query;
}

namespace {

OrderedJson counts_object(const std::vector<std::pair<std::string, std::uint64_t>>& counts) {
  OrderedJson out = OrderedJson::object();
  for (const auto& [key, n] : counts) out[key] = n;
  return out;
}

OrderedJson leader_json(const KpiLeader& l, bool recruiter) {
  OrderedJson out = OrderedJson::object();
  out["person"] = std::to_string(l.person.value());
  out["zone"] = l.zone;
  out["volume"] = l.volume.to_string();
  out["amount"] = l.amount.to_string();
  if (recruiter) out["recruits"] = l.recruits;
  return out;
}

}  // namespace

std::string to_json(const CampaignKpis& k) {
  OrderedJson out = OrderedJson::object();
  out["campaign"] = k.campaign;
  out["root"] = k.root ? OrderedJson(std::to_string(k.root.value())) : OrderedJson(nullptr);
  out["network"] = k.network;
  out["closed"] = k.closed;
  out["persons"] = k.persons;
  out["consultants"] = k.consultants;
  out["customers"] = k.customers;
  out["active"] = k.active;
  out["inactive"] = k.inactive;
  out["new_consultants"] = k.new_consultants;
  out["new_customers"] = k.new_customers;
  out["reentries"] = k.reentries;
  out["with_orders"] = k.with_orders;
  out["without_orders"] = k.without_orders;
  out["persons_with_orders"] = k.persons_with_orders;
  out["orders"] = k.orders;
  out["with_drafts"] = k.with_drafts;
  out["personal_volume"] = k.personal_volume.to_string();
  out["group_volume"] = k.group_volume.to_string();
  out["amount"] = k.amount.to_string();
  OrderedJson levels = OrderedJson::array();
  for (const KpiLevel& l : k.levels) {
    OrderedJson level = OrderedJson::object();
    level["level"] = l.level;
    level["persons"] = l.persons;
    level["consultants"] = l.consultants;
    level["active"] = l.active;
    level["with_orders"] = l.with_orders;
    level["volume"] = l.volume.to_string();
    levels.push_back(std::move(level));
  }
  out["levels"] = std::move(levels);
  out["ranks"] = counts_object(k.ranks);
  out["commercial_states"] = counts_object(k.commercial_states);
  out["segments"] = counts_object(k.segments);
  out["traffic_lights"] = counts_object(k.traffic_lights);
  OrderedJson sellers = OrderedJson::array(), recruiters = OrderedJson::array(),
              zones = OrderedJson::array();
  for (const KpiLeader& l : k.top_sellers) sellers.push_back(leader_json(l, false));
  for (const KpiLeader& l : k.top_recruiters) recruiters.push_back(leader_json(l, true));
  for (const KpiZone& z : k.zones) {
    OrderedJson zone = OrderedJson::object();
    zone["zone"] = z.zone;
    zone["consultants"] = z.consultants;
    zone["with_orders"] = z.with_orders;
    zone["volume"] = z.volume.to_string();
    zone["top_seller"] =
        z.top_seller ? OrderedJson(std::to_string(z.top_seller->value())) : OrderedJson(nullptr);
    zones.push_back(std::move(zone));
  }
  out["top_sellers"] = std::move(sellers);
  out["top_recruiters"] = std::move(recruiters);
  out["zones"] = std::move(zones);
  return dump(out);
}

std::string to_json(const GenealogyList& list) {
  OrderedJson entries = OrderedJson::array();
  for (const GenealogyListEntry& e : list.entries) {
    OrderedJson entry = OrderedJson::object();
    entry["person"] = std::to_string(e.person.value());
    entry["level"] = e.level;
    entry["type"] = std::string(to_string(e.type));
    entry["status"] = std::string(to_string(e.status));
    entry["orders"] = e.orders;
    entry["drafts"] = e.drafts;
    entry["personal_volume"] = e.personal_volume.to_string();
    entry["amount"] = e.amount.to_string();
    entry["light"] = std::string(to_string(e.light));
    entry["commercial_state"] = e.commercial_state;
    entry["rank"] = e.rank;
    entry["segment"] = e.segment;
    entries.push_back(std::move(entry));
  }
  OrderedJson out = OrderedJson::object();
  out["entries"] = std::move(entries);
  out["total"] = list.total;
  return dump(out);
}

std::string to_json(const std::vector<CommercialStateChange>& history) {
  OrderedJson out = OrderedJson::array();
  for (const CommercialStateChange& c : history) {
    OrderedJson change = OrderedJson::object();
    change["campaign"] = c.campaign;
    change["state"] = c.state;
    change["previous_state"] = c.previous_state;
    change["campaigns_without_order"] = c.campaigns_without_order;
    change["effective_at"] = c.effective_at.to_rfc3339();
    out.push_back(std::move(change));
  }
  return dump(out);
}

std::string to_json(const RfmResult& result) {
  OrderedJson rows = OrderedJson::array();
  for (const RfmRow& r : result.rows) {
    OrderedJson row = OrderedJson::object();
    row["customer"] = r.customer;
    row["most_recent"] = r.most_recent.to_string();
    row["recency_days"] = r.recency_days;
    row["transactions"] = r.transactions;
    row["amount"] = r.amount.to_string();
    row["recency_score"] = r.recency_score;
    row["frequency_score"] = r.frequency_score;
    row["monetary_score"] = r.monetary_score;
    row["rfm_score"] = r.rfm_score;
    row["segment"] = r.segment;
    rows.push_back(std::move(row));
  }
  auto bins = [](const std::vector<RfmBin>& list) {
    OrderedJson out = OrderedJson::array();
    for (const RfmBin& b : list)
      out.push_back(
          {{"lower", b.lower.to_string()}, {"upper", b.upper.to_string()}, {"score", b.score}});
    return out;
  };
  OrderedJson out = OrderedJson::object();
  out["rows"] = std::move(rows);
  out["bins"] = {{"recency", bins(result.recency)},
                 {"frequency", bins(result.frequency)},
                 {"monetary", bins(result.monetary)}};
  return dump(out);
}

std::string to_json(const Campaign& campaign) {
  return dump(campaign_json(campaign));
}

std::string to_json(const std::vector<Campaign>& campaigns) {
  OrderedJson out = OrderedJson::array();
  for (const Campaign& c : campaigns) out.push_back(campaign_json(c));
  return dump(out);
}

std::string to_json(const OrderOutcome& outcome) {
  OrderedJson out = OrderedJson::object();
  out["result"] = to_string(outcome.result);
  out["campaign"] = outcome.campaign;
  out["previous_state"] =
      outcome.previous_state ? OrderedJson(to_string(*outcome.previous_state)) : nullptr;
  out["first_purchase"] = outcome.first_purchase;
  out["reinstatement"] =
      outcome.reinstatement.empty() ? OrderedJson(nullptr) : OrderedJson(outcome.reinstatement);
  out["decisions"] = decisions_json(outcome.decisions);
  out["event"] = id_json(outcome.seq);
  return dump(out);
}

std::string to_json(const OrderBatchReport& report) {
  OrderedJson out = OrderedJson::object();
  out["created"] = report.created;
  out["changed"] = report.changed;
  out["unchanged"] = report.unchanged;
  OrderedJson rejected = OrderedJson::array();
  for (const RejectedOrder& r : report.rejected) {
    OrderedJson item = OrderedJson::object();
    item["index"] = r.index;
    item["id"] = r.id;
    item["findings"] = findings_json(r.findings);
    rejected.push_back(std::move(item));
  }
  out["rejected"] = std::move(rejected);
  out["first_purchases"] = report.first_purchases;
  out["rule_changes"] = report.rule_changes;
  out["event"] = id_json(report.seq);
  return dump(out);
}

std::string to_json(const Order& order) {
  return dump(order_json(order));
}

std::string to_json(const std::vector<Order>& orders) {
  OrderedJson out = OrderedJson::array();
  for (const Order& o : orders) out.push_back(order_json(o));
  return dump(out);
}

std::string to_json(const CampaignActivity& activity) {
  OrderedJson out = OrderedJson::object();
  out["campaign"] = activity.campaign;
  out["orders"] = activity.orders;
  out["personal_volume"] = activity.personal_volume.to_string();
  out["amount"] = activity.amount.to_string();
  out["drafts"] = activity.drafts;
  return dump(out);
}

std::string to_json(const CampaignSummary& summary) {
  OrderedJson out = OrderedJson::object();
  out["campaign"] = summary.campaign;
  out["orders"] = summary.orders;
  out["persons_with_orders"] = summary.persons_with_orders;
  out["drafts"] = summary.drafts;
  out["volume"] = summary.volume.to_string();
  out["amount"] = summary.amount.to_string();
  out["closed_at"] = summary.closed_at.to_rfc3339();
  out["already_closed"] = summary.already_closed;
  out["pre_calculated"] = summary.pre_calculated;
  OrderedJson states = OrderedJson::object();
  for (const auto& [state, n] : summary.commercial_states) states[state] = n;
  out["commercial_states"] = std::move(states);
  out["state_changes"] = summary.state_changes;
  out["inactivated"] = summary.inactivated;
  OrderedJson paid = OrderedJson::object();
  for (const auto& [rank, n] : summary.paid_as) paid[rank] = n;
  out["paid_as"] = std::move(paid);
  out["promotions"] = summary.promotions;
  OrderedJson segments = OrderedJson::object();
  for (const auto& [segment, n] : summary.segments) segments[segment] = n;
  out["segments"] = std::move(segments);
  out["digest"] = summary.digest;
  return dump(out);
}

std::string to_json(const RankReport& report) {
  OrderedJson out = OrderedJson::object();
  out["person"] = std::to_string(report.person.value());
  out["campaign"] = report.campaign;
  out["evaluated"] = report.evaluated;
  out["paid_as"] = report.paid_as;
  out["highest"] = report.highest;
  OrderedJson ranks = OrderedJson::array();
  for (const RankEvaluation& e : report.ranks) {
    OrderedJson requirements = OrderedJson::array();
    for (const RankRequirementResult& r : e.requirements) {
      OrderedJson q = OrderedJson::object();
      q["requirement"] = r.requirement;
      // Volumes stay decimal strings (exact); counts are integers.
      const bool volume = r.requirement == "personal_volume" || r.requirement == "group_volume";
      if (volume) {
        q["actual"] = r.actual.to_string();
        q["required"] = r.required.to_string();
      } else {
        q["actual"] = static_cast<std::int64_t>(r.actual.micros() / 1'000'000);
        q["required"] = static_cast<std::int64_t>(r.required.micros() / 1'000'000);
      }
      q["met"] = r.met;
      if (r.max_per_leg) q["max_per_leg"] = r.max_per_leg->to_string();
      if (!r.leg_rank.empty()) q["rank"] = r.leg_rank;
      requirements.push_back(std::move(q));
    }
    ranks.push_back({{"rank", e.rank}, {"met", e.met}, {"requirements", std::move(requirements)}});
  }
  out["ranks"] = std::move(ranks);
  return dump(out);
}

}  // namespace json

DOWNLINE_END_NAMESPACE

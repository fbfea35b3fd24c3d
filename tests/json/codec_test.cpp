#include <downline/error.hpp>
#include <downline/json.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace downline {
namespace {

constexpr std::int64_t kSecond = 1'000'000;
// 2026-11-23T10:54:00Z, computed independently with Python's datetime.
constexpr std::int64_t k20261123T105400 = 1'795'431'240 * kSecond;

// What a parser threw: the InvalidArgument's field and message.
struct Failure {
  bool threw = false;
  std::string field;
  std::string message;
};

Failure failure_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const InvalidArgument& error) {
    return Failure{true, error.field(), error.what()};
  } catch (const std::exception& error) {
    ADD_FAILURE() << "threw something other than InvalidArgument: " << error.what();
    return {};
  }
  ADD_FAILURE() << "did not throw";
  return {};
}

Failure actor_failure(std::string_view text) {
  return failure_of([&] { json::parse_actor(text); });
}
Failure request_failure(std::string_view text) {
  return failure_of([&] { json::parse_enrollment_request(text); });
}
Failure requests_failure(std::string_view text) {
  return failure_of([&] { json::parse_enrollment_requests(text); });
}
Failure query_failure(std::string_view text) {
  return failure_of([&] { json::parse_downline_query(text); });
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// --- Malformed documents ---------------------------------------------------

TEST(JsonCodec, RejectsMalformedJsonWithoutAField) {
  for (std::string_view text :
       {"", "   ", "{", "{\"login\": }", "{} x", "{'login': 'a'}", "{\"login\": \"a\",}", "[1, 2",
        "nul", "{\"a\" 1}", "// comment\n{}", "\"\\x\""}) {
    SCOPED_TRACE(text);
    for (const Failure& f : {actor_failure(text), request_failure(text), requests_failure(text),
                             query_failure(text)}) {
      EXPECT_TRUE(f.threw);
      EXPECT_EQ(f.field, "");
      EXPECT_TRUE(contains(f.message, "malformed JSON")) << f.message;
    }
  }
}

TEST(JsonCodec, RejectsInvalidUtf8AsMalformedJson) {
  const Failure f = actor_failure("{\"login\": \"\xff\xfe\"}");
  EXPECT_TRUE(f.threw);
  EXPECT_EQ(f.field, "");
  EXPECT_TRUE(contains(f.message, "malformed JSON")) << f.message;
}

TEST(JsonCodec, RejectsDuplicateKeyNamingItsPath) {
  Failure f = actor_failure(R"({"login": "a", "login": "b"})");
  EXPECT_EQ(f.field, "login");
  EXPECT_EQ(f.message, "duplicate key 'login'");

  f = requests_failure(R"([{}, {"person": {"email": "a@x.co", "email": "b@x.co"}}])");
  EXPECT_EQ(f.field, "[1].person.email");

  // Duplicates are found while parsing, before the schema is checked.
  f = actor_failure(R"({"roles": ["a", "b", {"x": 1, "x": 2}]})");
  EXPECT_EQ(f.field, "roles[2].x");
}

TEST(JsonCodec, AcceptsEqualKeysInDifferentObjects) {
  const auto requests = json::parse_enrollment_requests(
      R"([{"person": {"email": "a@x.co"}}, {"person": {"email": "b@x.co"}}])");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].person.email, "b@x.co");
}

TEST(JsonCodec, RejectsDocumentsNestedTooDeeply) {
  const std::string deep = std::string(1000, '[') + std::string(1000, ']');
  const Failure f = requests_failure(deep);
  EXPECT_TRUE(f.threw);
  EXPECT_TRUE(contains(f.message, "nested deeper")) << f.message;
}

TEST(JsonCodec, RejectsUnknownKeyNamingItsPath) {
  Failure f = actor_failure(R"({"logn": "a"})");
  EXPECT_EQ(f.field, "logn");
  EXPECT_EQ(f.message, "unknown key 'logn'; expected login, person or roles");

  f = request_failure(R"({"person": {"emial": "a@x.co"}})");
  EXPECT_EQ(f.field, "person.emial");
  EXPECT_TRUE(contains(f.message, "unknown key 'emial'")) << f.message;

  f = request_failure(R"({"sponsr": "1"})");
  EXPECT_EQ(f.field, "sponsr");

  f = requests_failure(R"([{}, {"person": {}, "sponsr": "1"}])");
  EXPECT_EQ(f.field, "[1].sponsr");

  f = query_failure(R"({"depth": 3})");
  EXPECT_EQ(f.field, "depth");
  EXPECT_TRUE(contains(f.message, "max_depth")) << f.message;
}

TEST(JsonCodec, RejectsKeysThatDifferOnlyInCase) {
  EXPECT_EQ(request_failure(R"({"Type": "guest"})").field, "Type");
}

// --- Ids -------------------------------------------------------------------

TEST(JsonCodec, AcceptsIdsAsStringsOfDigitsOrAsIntegers) {
  EXPECT_EQ(json::parse_actor(R"({"person": "42"})").person, PersonId{42});
  EXPECT_EQ(json::parse_actor(R"({"person": 42})").person, PersonId{42});
  EXPECT_EQ(json::parse_actor(R"({"person": "1"})").person, PersonId{1});
  EXPECT_EQ(json::parse_actor(R"({"person": 1})").person, PersonId{1});
}

TEST(JsonCodec, AcceptsTheLargestId) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(json::parse_actor(R"({"person": "9223372036854775807"})").person, PersonId{kMax});
  EXPECT_EQ(json::parse_actor(R"({"person": 9223372036854775807})").person, PersonId{kMax});
}

TEST(JsonCodec, RejectsIdZero) {
  for (std::string_view text : {R"({"person": "0"})", R"({"person": 0})", R"({"person": "000"})"}) {
    SCOPED_TRACE(text);
    const Failure f = actor_failure(text);
    EXPECT_EQ(f.field, "person");
    EXPECT_TRUE(contains(f.message, "ids start at 1")) << f.message;
  }
}

TEST(JsonCodec, RejectsIdsThatAreNotPositiveIntegersOrDigitStrings) {
  for (std::string_view id :
       {R"(-1)", R"("-1")", R"("4x")", R"("")", R"(" 42")", R"("+42")", R"("4.2")", R"(1.5)",
        R"(42.0)", R"(1e3)", R"(true)", R"([42])", R"({"id": 42})"}) {
    SCOPED_TRACE(id);
    const Failure f = request_failure(R"({"sponsor": )" + std::string(id) + "}");
    EXPECT_EQ(f.field, "sponsor");
    EXPECT_TRUE(contains(f.message, "expected an id")) << f.message;
  }
}

TEST(JsonCodec, RejectsIdsBeyondTheInt64Range) {
  for (std::string_view id : {R"("9223372036854775808")", R"(9223372036854775808)",
                              R"("99999999999999999999999")", R"(18446744073709551615)"}) {
    SCOPED_TRACE(id);
    const Failure f = request_failure(R"({"referrer": )" + std::string(id) + "}");
    EXPECT_EQ(f.field, "referrer");
    EXPECT_TRUE(contains(f.message, "out of range")) << f.message;
  }
  // Beyond uint64 nlohmann reads a floating-point number: still not an id.
  EXPECT_EQ(request_failure(R"({"referrer": 99999999999999999999999})").field, "referrer");
}

// --- parse_actor -----------------------------------------------------------

TEST(JsonCodec, ParsesAnActorWithLoginPersonAndRoles) {
  const Actor actor = json::parse_actor(R"({"login": "ana", "person": "42", "roles": ["admin"]})");
  EXPECT_EQ(actor.login, "ana");
  EXPECT_EQ(actor.person, PersonId{42});
  EXPECT_EQ(actor.roles, std::vector<std::string>{"admin"});
  EXPECT_TRUE(actor.sees_everyone());
}

TEST(JsonCodec, ParsesAnEmptyObjectAsAnActorWhoSeesNoOne) {
  const Actor actor = json::parse_actor("{}");
  EXPECT_EQ(actor.login, "");
  EXPECT_FALSE(actor.person);
  EXPECT_TRUE(actor.roles.empty());
  EXPECT_FALSE(actor.sees_everyone());
}

TEST(JsonCodec, ParsesAnActorWithAnEmptyRoleList) {
  const Actor actor = json::parse_actor(R"({"login": "x", "roles": []})");
  EXPECT_TRUE(actor.roles.empty());
}

TEST(JsonCodec, TreatsNullAsAnAbsentOptionalKey) {
  const Actor actor = json::parse_actor(R"({"login": null, "person": null, "roles": null})");
  EXPECT_EQ(actor.login, "");
  EXPECT_FALSE(actor.person);
  EXPECT_TRUE(actor.roles.empty());

  const EnrollmentRequest request = json::parse_enrollment_request(
      R"({"type": null, "sponsor": null, "person": {"birth_date": null}, "effective_at": null})");
  EXPECT_EQ(request.type, CustomerType::consultant);
  EXPECT_FALSE(request.sponsor);
  EXPECT_FALSE(request.person.birth_date);
  EXPECT_FALSE(request.effective_at);

  EXPECT_FALSE(json::parse_downline_query(R"({"max_depth": null})").max_depth);
}

TEST(JsonCodec, RejectsAnActorThatIsNotAnObject) {
  for (std::string_view text : {"[]", "null", "\"admin\"", "42", "true"}) {
    SCOPED_TRACE(text);
    const Failure f = actor_failure(text);
    EXPECT_EQ(f.field, "");
    EXPECT_TRUE(contains(f.message, "expected an actor object")) << f.message;
  }
}

TEST(JsonCodec, RejectsActorFieldsOfTheWrongType) {
  Failure f = actor_failure(R"({"login": 5})");
  EXPECT_EQ(f.field, "login");
  EXPECT_EQ(f.message, "expected a string, got the integer 5");

  f = actor_failure(R"({"roles": "admin"})");
  EXPECT_EQ(f.field, "roles");
  EXPECT_EQ(f.message, "expected an array of strings, got a string");

  f = actor_failure(R"({"roles": ["admin", 7]})");
  EXPECT_EQ(f.field, "roles[1]");
  EXPECT_EQ(f.message, "expected a string, got the integer 7");
}

// --- parse_enrollment_request ----------------------------------------------

TEST(JsonCodec, ParsesAFullEnrollmentRequest) {
  const EnrollmentRequest r = json::parse_enrollment_request(R"({
    "type": "customer",
    "person": {"external_id": "EXT-1", "first_name": "Ana", "last_name": "Gómez",
               "email": "ana@example.co", "phone": "+57 300 0000000", "country": "CO",
               "birth_date": "1990-02-28"},
    "sponsor": "1",
    "sponsor_external_id": "EXT-0",
    "referrer": 2,
    "referrer_external_id": "EXT-00",
    "channel": "web",
    "effective_at": "2026-11-23T10:54:00Z",
    "reason": "signup"
  })");
  EXPECT_EQ(r.type, CustomerType::customer);
  EXPECT_EQ(r.person.external_id, "EXT-1");
  EXPECT_EQ(r.person.first_name, "Ana");
  EXPECT_EQ(r.person.last_name, "Gómez");
  EXPECT_EQ(r.person.email, "ana@example.co");
  EXPECT_EQ(r.person.phone, "+57 300 0000000");
  EXPECT_EQ(r.person.country, "CO");
  ASSERT_TRUE(r.person.birth_date);
  EXPECT_EQ(*r.person.birth_date, (LocalDate{1990, 2, 28}));
  EXPECT_EQ(r.sponsor, PersonId{1});
  EXPECT_EQ(r.sponsor_external_id, "EXT-0");
  EXPECT_EQ(r.referrer, PersonId{2});
  EXPECT_EQ(r.referrer_external_id, "EXT-00");
  EXPECT_EQ(r.channel, "web");
  ASSERT_TRUE(r.effective_at);
  EXPECT_EQ(r.effective_at->micros_since_epoch, k20261123T105400);
  EXPECT_EQ(r.reason, "signup");
}

TEST(JsonCodec, DefaultsAnEmptyRequestToAConsultantWithNoSponsor) {
  const EnrollmentRequest r = json::parse_enrollment_request("{}");
  EXPECT_EQ(r.type, CustomerType::consultant);
  EXPECT_FALSE(r.sponsor);
  EXPECT_FALSE(r.referrer);
  EXPECT_EQ(r.person.first_name, "");
  EXPECT_FALSE(r.person.birth_date);
  EXPECT_FALSE(r.effective_at);
  EXPECT_EQ(r.channel, "");
}

TEST(JsonCodec, ParsesEveryCustomerType) {
  for (CustomerType type :
       {CustomerType::guest, CustomerType::customer, CustomerType::consultant}) {
    const std::string text = R"({"type": ")" + std::string(to_string(type)) + R"("})";
    EXPECT_EQ(json::parse_enrollment_request(text).type, type);
  }
}

TEST(JsonCodec, RejectsAnUnknownCustomerTypeListingTheKnownOnes) {
  Failure f = request_failure(R"({"type": "x"})");
  EXPECT_EQ(f.field, "type");
  EXPECT_EQ(f.message, "unknown customer type 'x'; expected guest, customer or consultant");
  // Enum names are lower case only.
  EXPECT_EQ(request_failure(R"({"type": "Consultant"})").field, "type");
  f = request_failure(R"({"type": 2})");
  EXPECT_EQ(f.field, "type");
  EXPECT_EQ(f.message, "expected a string, got the integer 2");
}

TEST(JsonCodec, RejectsARequestThatIsNotAnObject) {
  for (std::string_view text : {"[]", "null", "\"consultant\"", "1"}) {
    SCOPED_TRACE(text);
    const Failure f = request_failure(text);
    EXPECT_EQ(f.field, "");
    EXPECT_TRUE(contains(f.message, "expected an enrollment request object")) << f.message;
  }
}

TEST(JsonCodec, RejectsRequestFieldsOfTheWrongTypeNamingTheirPath) {
  struct Case {
    std::string_view text;
    std::string_view field;
    std::string_view message;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"person": "Ana"})", "person", "expected an object, got a string"},
           {R"({"person": {"email": 5}})", "person.email", "expected a string, got the integer 5"},
           {R"({"person": {"first_name": ["Ana"]}})", "person.first_name",
            "expected a string, got an array"},
           {R"({"person": {"external_id": 12}})", "person.external_id",
            "expected a string, got the integer 12"},
           {R"({"person": {"last_name": null, "phone": true}})", "person.phone",
            "expected a string, got a boolean"},
           {R"({"person": {"country": {}}})", "person.country", "expected a string, got an object"},
           {R"({"person": {"birth_date": 19900228}})", "person.birth_date",
            "expected a string, got the integer 19900228"},
           {R"({"sponsor_external_id": 1})", "sponsor_external_id",
            "expected a string, got the integer 1"},
           {R"({"referrer_external_id": false})", "referrer_external_id",
            "expected a string, got a boolean"},
           {R"({"channel": 1.5})", "channel", "expected a string, got the number 1.5"},
           {R"({"effective_at": 0})", "effective_at", "expected a string, got the integer 0"},
           {R"({"reason": []})", "reason", "expected a string, got an array"},
       }) {
    SCOPED_TRACE(c.text);
    const Failure f = request_failure(c.text);
    EXPECT_EQ(f.field, c.field);
    EXPECT_EQ(f.message, c.message);
  }
}

TEST(JsonCodec, RejectsABirthDateThatIsNotAnExistingDate) {
  for (std::string_view date :
       {"2026-02-30", "30/01/1990", "1990-1-1", "", "1990-01-01T00:00:00Z", "1990-13-01"}) {
    SCOPED_TRACE(date);
    const Failure f =
        request_failure(R"({"person": {"birth_date": ")" + std::string(date) + "\"}}");
    EXPECT_EQ(f.field, "person.birth_date");
    EXPECT_TRUE(contains(f.message, "YYYY-MM-DD")) << f.message;
  }
}

TEST(JsonCodec, AcceptsALeapDayBirthDate) {
  const auto r = json::parse_enrollment_request(R"({"person": {"birth_date": "2000-02-29"}})");
  EXPECT_EQ(*r.person.birth_date, (LocalDate{2000, 2, 29}));
}

TEST(JsonCodec, RejectsAnEffectiveAtThatIsNotRfc3339) {
  for (std::string_view instant : {"2026-11-23", "2026-11-23 10:54:00Z", "2026-11-23T10:54:00",
                                   "2026-11-23T25:00:00Z", "yesterday", ""}) {
    SCOPED_TRACE(instant);
    const Failure f = request_failure(R"({"effective_at": ")" + std::string(instant) + "\"}");
    EXPECT_EQ(f.field, "effective_at");
    EXPECT_TRUE(contains(f.message, "RFC 3339")) << f.message;
  }
}

TEST(JsonCodec, ParsesAnEffectiveAtWithAnOffsetAsUtc) {
  const auto r = json::parse_enrollment_request(R"({"effective_at": "2026-11-23T05:54:00-05:00"})");
  EXPECT_EQ(r.effective_at->micros_since_epoch, k20261123T105400);
}

// --- parse_enrollment_requests ---------------------------------------------

TEST(JsonCodec, ParsesAnArrayOfRequestsInOrder) {
  const auto requests = json::parse_enrollment_requests(R"([
    {"person": {"external_id": "A"}},
    {"type": "guest", "sponsor_external_id": "A"},
    {"sponsor": 7}
  ])");
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].person.external_id, "A");
  EXPECT_EQ(requests[1].type, CustomerType::guest);
  EXPECT_EQ(requests[1].sponsor_external_id, "A");
  EXPECT_EQ(requests[2].sponsor, PersonId{7});
}

TEST(JsonCodec, ParsesAnEmptyArrayOfRequests) {
  EXPECT_TRUE(json::parse_enrollment_requests("[]").empty());
  EXPECT_TRUE(json::parse_enrollment_requests(" [ ] ").empty());
}

TEST(JsonCodec, RejectsBulkRequestsThatAreNotAnArray) {
  for (std::string_view text : {"{}", "null", "\"[]\"", "3"}) {
    SCOPED_TRACE(text);
    const Failure f = requests_failure(text);
    EXPECT_EQ(f.field, "");
    EXPECT_TRUE(contains(f.message, "expected an array of enrollment requests")) << f.message;
  }
}

TEST(JsonCodec, PrefixesBulkFieldPathsWithTheRequestIndex) {
  Failure f = requests_failure(R"([{}, {}, {}, {"person": {"email": 5}}])");
  EXPECT_EQ(f.field, "[3].person.email");
  EXPECT_EQ(f.message, "expected a string, got the integer 5");

  f = requests_failure(R"([{}, "oops"])");
  EXPECT_EQ(f.field, "[1]");
  EXPECT_TRUE(contains(f.message, "expected an enrollment request object")) << f.message;

  f = requests_failure(R"([{"sponsor": "0"}])");
  EXPECT_EQ(f.field, "[0].sponsor");

  f = requests_failure(R"([{}, {"type": "boss"}])");
  EXPECT_EQ(f.field, "[1].type");

  f = requests_failure(R"([{}, {}, {"person": {"birth_date": "2026-02-30"}}])");
  EXPECT_EQ(f.field, "[2].person.birth_date");

  f = requests_failure(R"([{"effective_at": "now"}])");
  EXPECT_EQ(f.field, "[0].effective_at");
}

// --- parse_downline_query --------------------------------------------------

TEST(JsonCodec, ParsesAnEmptyQueryToTheDefaults) {
  const DownlineQuery q = json::parse_downline_query("{}");
  const DownlineQuery defaults;
  EXPECT_EQ(q.network, defaults.network);
  EXPECT_EQ(q.network, kSponsorNetwork);
  EXPECT_FALSE(q.max_depth);
  EXPECT_TRUE(q.types.empty());
  EXPECT_TRUE(q.statuses.empty());
  EXPECT_EQ(q.offset, defaults.offset);
  EXPECT_EQ(q.limit, defaults.limit);
}

TEST(JsonCodec, ParsesAFullDownlineQuery) {
  const DownlineQuery q = json::parse_downline_query(R"({
    "network": "referral", "max_depth": 3, "types": ["consultant", "guest"],
    "statuses": ["active", "pending_kit"], "offset": 20, "limit": 10
  })");
  EXPECT_EQ(q.network, kReferralNetwork);
  EXPECT_EQ(q.max_depth, 3u);
  EXPECT_EQ(q.types, (std::vector<CustomerType>{CustomerType::consultant, CustomerType::guest}));
  EXPECT_EQ(q.statuses, (std::vector<Status>{Status::active, Status::pending_kit}));
  EXPECT_EQ(q.offset, 20u);
  EXPECT_EQ(q.limit, 10u);
}

TEST(JsonCodec, ParsesEveryStatus) {
  const DownlineQuery q = json::parse_downline_query(
      R"({"statuses": ["pre_registered", "pending_kit", "active", "inactive", "blocked",
                       "retired"]})");
  EXPECT_EQ(q.statuses,
            (std::vector<Status>{Status::pre_registered, Status::pending_kit, Status::active,
                                 Status::inactive, Status::blocked, Status::retired}));
}

TEST(JsonCodec, AcceptsZeroAndExtremeQueryBounds) {
  DownlineQuery q = json::parse_downline_query(R"({"max_depth": 0, "offset": 0, "limit": 0})");
  EXPECT_EQ(q.max_depth, 0u);
  EXPECT_EQ(q.offset, 0u);
  EXPECT_EQ(q.limit, 0u);

  q = json::parse_downline_query(
      R"({"max_depth": 4294967295, "offset": 18446744073709551615,
          "limit": 18446744073709551615})");
  EXPECT_EQ(q.max_depth, std::numeric_limits<std::uint32_t>::max());
  EXPECT_EQ(q.offset, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(q.limit, std::numeric_limits<std::uint64_t>::max());
}

TEST(JsonCodec, AcceptsEmptyTypeAndStatusFilters) {
  const DownlineQuery q = json::parse_downline_query(R"({"types": [], "statuses": []})");
  EXPECT_TRUE(q.types.empty());
  EXPECT_TRUE(q.statuses.empty());
}

TEST(JsonCodec, RejectsAMaxDepthBeyond32Bits) {
  const Failure f = query_failure(R"({"max_depth": 4294967296})");
  EXPECT_EQ(f.field, "max_depth");
  EXPECT_TRUE(contains(f.message, "out of range")) << f.message;
}

TEST(JsonCodec, RejectsQueryNumbersThatAreNotNonNegativeIntegers) {
  for (std::string_view key : {"max_depth", "offset", "limit"}) {
    for (std::string_view value : {"-1", "1.5", "\"10\"", "true", "[]", "1e2"}) {
      const std::string text = "{\"" + std::string(key) + "\": " + std::string(value) + "}";
      SCOPED_TRACE(text);
      const Failure f = query_failure(text);
      EXPECT_EQ(f.field, key);
      EXPECT_TRUE(contains(f.message, "expected a non-negative integer")) << f.message;
    }
  }
  EXPECT_EQ(query_failure(R"({"offset": -1})").message,
            "expected a non-negative integer, got the integer -1");
  // Beyond uint64 the number is read as floating point.
  EXPECT_EQ(query_failure(R"({"limit": 18446744073709551616})").field, "limit");
}

TEST(JsonCodec, RejectsQueryFiltersOfTheWrongShape) {
  Failure f = query_failure(R"({"network": 1})");
  EXPECT_EQ(f.field, "network");
  EXPECT_EQ(f.message, "expected a string, got the integer 1");

  f = query_failure(R"({"types": "guest"})");
  EXPECT_EQ(f.field, "types");
  EXPECT_EQ(f.message, "expected an array of customer types, got a string");

  f = query_failure(R"({"types": ["guest", "vip"]})");
  EXPECT_EQ(f.field, "types[1]");
  EXPECT_EQ(f.message, "unknown customer type 'vip'; expected guest, customer or consultant");

  f = query_failure(R"({"types": [null]})");
  EXPECT_EQ(f.field, "types[0]");
  EXPECT_EQ(f.message, "expected a string, got null");

  f = query_failure(R"({"statuses": {"active": true}})");
  EXPECT_EQ(f.field, "statuses");
  EXPECT_EQ(f.message, "expected an array of statuses, got an object");

  f = query_failure(R"({"statuses": ["active", "asleep"]})");
  EXPECT_EQ(f.field, "statuses[1]");
  EXPECT_EQ(f.message,
            "unknown status 'asleep'; expected pre_registered, pending_kit, active, inactive, "
            "blocked or retired");
}

TEST(JsonCodec, RejectsAQueryThatIsNotAnObject) {
  const Failure f = query_failure("[]");
  EXPECT_EQ(f.field, "");
  EXPECT_EQ(f.message, "expected a downline query object, got an array");
}

// --- parse_tree_export_options ---------------------------------------------

Failure tree_options_failure(std::string_view text) {
  return failure_of([&] { json::parse_tree_export_options(text); });
}

TEST(JsonCodec, ParsesEmptyTreeExportOptionsToTheDefaults) {
  const TreeExportOptions o = json::parse_tree_export_options("{}");
  EXPECT_EQ(o.network, kSponsorNetwork);
  EXPECT_FALSE(o.max_depth);
  EXPECT_EQ(o.format, TreeFormat::json);
}

TEST(JsonCodec, ParsesFullTreeExportOptions) {
  TreeExportOptions o = json::parse_tree_export_options(
      R"({"network": "referral", "max_depth": 0, "format": "dot"})");
  EXPECT_EQ(o.network, kReferralNetwork);
  EXPECT_EQ(o.max_depth, 0u);
  EXPECT_EQ(o.format, TreeFormat::dot);
  o = json::parse_tree_export_options(R"({"format": "csv", "max_depth": null})");
  EXPECT_EQ(o.format, TreeFormat::csv);
  EXPECT_FALSE(o.max_depth);
}

TEST(JsonCodec, RejectsBadTreeExportOptionsNamingTheKey) {
  Failure f = tree_options_failure(R"({"format": "xml"})");
  EXPECT_EQ(f.field, "format");
  EXPECT_EQ(f.message, "unknown tree format 'xml'; expected json, csv or dot");
  f = tree_options_failure(R"({"format": "JSON"})");
  EXPECT_EQ(f.field, "format");
  EXPECT_EQ(tree_options_failure(R"({"format": 1})").field, "format");
  EXPECT_EQ(tree_options_failure(R"({"max_depth": -1})").field, "max_depth");
  EXPECT_EQ(tree_options_failure(R"({"max_depth": 4294967296})").field, "max_depth");
  EXPECT_EQ(tree_options_failure(R"({"depth": 1})").field, "depth");
  EXPECT_EQ(tree_options_failure("[]").field, "");
}

// --- Placements, transfers and compression ----------------------------------

Failure choice_failure(std::string_view text) {
  return failure_of([&] { json::parse_placement_choice(text); });
}
Failure transfer_failure(std::string_view text) {
  return failure_of([&] { json::parse_transfer_request(text); });
}
Failure compression_failure(std::string_view text) {
  return failure_of([&] { json::parse_compression_request(text); });
}

TEST(JsonCodec, ParsesAZoneAndPlacementsInAnEnrollmentRequest) {
  const EnrollmentRequest r = json::parse_enrollment_request(
      R"({"person": {"zone": "north"}, "placements": [)"
      R"({"network": "bin", "parent": "12", "position": 1},)"
      R"({"network": "m", "parent": 3, "position": null}, {"network": "l"}]})");
  EXPECT_EQ(r.person.zone, "north");
  ASSERT_EQ(r.placements.size(), 3u);
  EXPECT_EQ(r.placements[0].network, "bin");
  EXPECT_EQ(r.placements[0].parent, PersonId{12});
  EXPECT_EQ(r.placements[0].position, 1u);
  EXPECT_EQ(r.placements[1].parent, PersonId{3});
  EXPECT_FALSE(r.placements[1].position);
  EXPECT_FALSE(r.placements[2].parent);
  EXPECT_FALSE(r.placements[2].position);
  EXPECT_TRUE(json::parse_enrollment_request(R"({"placements": []})").placements.empty());
  EXPECT_TRUE(json::parse_enrollment_request(R"({"placements": null})").placements.empty());
  EXPECT_EQ(json::parse_enrollment_request("{}").person.zone, "");
}

TEST(JsonCodec, RejectsBadPlacementsNamingTheirPath) {
  EXPECT_EQ(request_failure(R"({"person": {"zone": 1}})").field, "person.zone");
  EXPECT_EQ(request_failure(R"({"placements": {"network": "bin"}})").field, "placements");
  EXPECT_EQ(request_failure(R"({"placements": [1]})").field, "placements[0]");
  Failure f = request_failure(R"({"placements": [{"parent": "1"}]})");
  EXPECT_EQ(f.field, "placements[0].network");
  EXPECT_TRUE(contains(f.message, "required")) << f.message;
  EXPECT_EQ(request_failure(R"({"placements": [{"network": "bin", "leg": 0}]})").field,
            "placements[0].leg");
  EXPECT_EQ(request_failure(R"({"placements": [{"network": "b"}, {"network": 2}]})").field,
            "placements[1].network");
  EXPECT_EQ(request_failure(R"({"placements": [{"network": "b", "parent": 0}]})").field,
            "placements[0].parent");
  EXPECT_EQ(request_failure(R"({"placements": [{"network": "b", "position": -1}]})").field,
            "placements[0].position");
  EXPECT_EQ(request_failure(R"({"placements": [{"network": "b", "position": 1.5}]})").field,
            "placements[0].position");
  f = request_failure(R"({"placements": [{"network": "b", "position": 4294967296}]})");
  EXPECT_EQ(f.field, "placements[0].position");
  EXPECT_TRUE(contains(f.message, "out of range")) << f.message;
  EXPECT_EQ(requests_failure(R"([{}, {"placements": [{}]}])").field, "[1].placements[0].network");
}

TEST(JsonCodec, ParsesAPlacementChoice) {
  PlacementChoice c = json::parse_placement_choice(R"({"network": "l"})");
  EXPECT_EQ(c.network, "l");
  EXPECT_FALSE(c.parent);
  EXPECT_FALSE(c.position);
  c = json::parse_placement_choice(R"({"network": "bin", "parent": "7", "position": 4294967295})");
  EXPECT_EQ(c.parent, PersonId{7});
  EXPECT_EQ(c.position, std::numeric_limits<std::uint32_t>::max());
  c = json::parse_placement_choice(R"({"network": "bin", "position": 0})");
  EXPECT_EQ(c.position, 0u);
}

TEST(JsonCodec, RejectsBadPlacementChoicesNamingTheKey) {
  EXPECT_EQ(choice_failure("{}").field, "network");
  EXPECT_EQ(choice_failure(R"({"network": null})").field, "network");
  EXPECT_EQ(choice_failure(R"({"network": "l", "parent": "x"})").field, "parent");
  EXPECT_EQ(choice_failure(R"({"network": "l", "position": "1"})").field, "position");
  EXPECT_EQ(choice_failure(R"({"network": "l", "person": "1"})").field, "person");
  EXPECT_EQ(choice_failure("[]").field, "");
  const Failure f = choice_failure("{");
  EXPECT_EQ(f.field, "");
  EXPECT_TRUE(contains(f.message, "malformed JSON")) << f.message;
}

TEST(JsonCodec, ParsesATransferRequestWithItsDefaults) {
  const TransferRequest r = json::parse_transfer_request(R"({"person": "7"})");
  EXPECT_EQ(r.person, PersonId{7});
  EXPECT_EQ(r.network, kSponsorNetwork);
  EXPECT_FALSE(r.new_parent);
  EXPECT_FALSE(r.position);
  EXPECT_TRUE(r.with_downline);
  EXPECT_FALSE(r.effective_at);
  EXPECT_EQ(r.reason, "");
}

TEST(JsonCodec, ParsesAFullTransferRequest) {
  const TransferRequest r = json::parse_transfer_request(
      R"({"person": 7, "network": "bin", "new_parent": "3", "position": 1,)"
      R"( "with_downline": false, "effective_at": "2026-11-23T10:54:00Z", "reason": "realign"})");
  EXPECT_EQ(r.person, PersonId{7});
  EXPECT_EQ(r.network, "bin");
  EXPECT_EQ(r.new_parent, PersonId{3});
  EXPECT_EQ(r.position, 1u);
  EXPECT_FALSE(r.with_downline);
  ASSERT_TRUE(r.effective_at);
  EXPECT_EQ(r.effective_at->micros_since_epoch, k20261123T105400);
  EXPECT_EQ(r.reason, "realign");
  // null keeps a default: a network parent, the first free slot.
  const TransferRequest n = json::parse_transfer_request(
      R"({"person": "7", "new_parent": null, "position": null, "with_downline": null})");
  EXPECT_FALSE(n.new_parent);
  EXPECT_FALSE(n.position);
  EXPECT_TRUE(n.with_downline);
}

TEST(JsonCodec, RejectsBadTransferRequestsNamingTheKey) {
  Failure f = transfer_failure(R"({"new_parent": "3"})");
  EXPECT_EQ(f.field, "person");
  EXPECT_EQ(f.message, "person is required");
  EXPECT_EQ(transfer_failure(R"({"person": null})").field, "person");
  EXPECT_EQ(transfer_failure(R"({"person": "0"})").field, "person");
  EXPECT_EQ(transfer_failure(R"({"person": "7", "new_parent": -3})").field, "new_parent");
  EXPECT_EQ(transfer_failure(R"({"person": "7", "network": 1})").field, "network");
  EXPECT_EQ(transfer_failure(R"({"person": "7", "position": -1})").field, "position");
  f = transfer_failure(R"({"person": "7", "with_downline": "yes"})");
  EXPECT_EQ(f.field, "with_downline");
  EXPECT_EQ(f.message, "expected true or false, got a string");
  EXPECT_EQ(transfer_failure(R"({"person": "7", "with_downline": 1})").field, "with_downline");
  EXPECT_EQ(transfer_failure(R"({"person": "7", "effective_at": "2026-11-23"})").field,
            "effective_at");
  EXPECT_EQ(transfer_failure(R"({"person": "7", "reason": 3})").field, "reason");
  EXPECT_EQ(transfer_failure(R"({"person": "7", "parent": "3"})").field, "parent");
  EXPECT_EQ(transfer_failure(R"({"person": "7", "person": "8"})").field, "person");
  EXPECT_EQ(transfer_failure(R"(["7"])").field, "");
}

TEST(JsonCodec, ParsesACompressionRequest) {
  CompressionRequest r = json::parse_compression_request(R"({"network": "comp"})");
  EXPECT_EQ(r.network, "comp");
  EXPECT_TRUE(r.persons.empty());
  EXPECT_FALSE(r.effective_at);
  EXPECT_EQ(r.reason, "");
  r = json::parse_compression_request(
      R"({"network": "comp", "persons": ["4", 9], "effective_at": "2026-11-23T05:54:00-05:00",)"
      R"( "reason": "campaign close"})");
  EXPECT_EQ(r.persons, (std::vector<PersonId>{PersonId{4}, PersonId{9}}));
  ASSERT_TRUE(r.effective_at);
  EXPECT_EQ(r.effective_at->micros_since_epoch, k20261123T105400);
  EXPECT_EQ(r.reason, "campaign close");
  EXPECT_TRUE(
      json::parse_compression_request(R"({"network": "c", "persons": []})").persons.empty());
}

TEST(JsonCodec, RejectsBadCompressionRequestsNamingTheKey) {
  EXPECT_EQ(compression_failure(R"({"persons": ["4"]})").field, "network");
  EXPECT_EQ(compression_failure(R"({"network": "c", "persons": "4"})").field, "persons");
  EXPECT_EQ(compression_failure(R"({"network": "c", "persons": ["4", 0]})").field, "persons[1]");
  EXPECT_EQ(compression_failure(R"({"network": "c", "persons": ["x"]})").field, "persons[0]");
  EXPECT_EQ(compression_failure(R"({"network": "c", "effective_at": 1})").field, "effective_at");
  EXPECT_EQ(compression_failure(R"({"network": "c", "person": "4"})").field, "person");
  EXPECT_EQ(compression_failure("null").field, "");
}

// --- to_json ---------------------------------------------------------------

Person sample_person() {
  Person p;
  p.id = PersonId{42};
  p.data.external_id = "EXT-42";
  p.data.first_name = "Ana";
  p.data.last_name = "Gómez";
  p.data.email = "ana@example.co";
  p.data.phone = "+57 300 0000000";
  p.data.country = "CO";
  p.data.birth_date = LocalDate{1990, 2, 28};
  p.data.zone = "north";
  p.data.document_type = "CC";
  p.data.document_number = "1234567890";
  p.data.extended = {{"children", "2"}, {"co_debtor", "Luis"}};
  p.display = {"300 000 00 00", "28/02/1990", "1.234.567.890"};
  p.type = CustomerType::consultant;
  p.status = Status::pending_kit;
  p.sponsor = PersonId{1};
  p.referrer = PersonId{2};
  p.channel = "web";
  p.enrolled_at = Instant{k20261123T105400};
  return p;
}

Finding sample_finding() {
  return Finding{Code::failed_precondition, "sponsor_inactive", "sponsor",
                 "the sponsor is inactive", "inactive",         "active"};
}

TEST(JsonCodec, WritesAFinding) {
  EXPECT_EQ(json::to_json(sample_finding()),
            R"({"code":"FAILED_PRECONDITION","reason":"sponsor_inactive","field":"sponsor",)"
            R"("message":"the sponsor is inactive","actual":"inactive","required":"active"})");
  EXPECT_EQ(json::to_json(Finding{}),
            R"({"code":"INVALID_ARGUMENT","reason":"","field":"","message":"","actual":"",)"
            R"("required":""})");
}

TEST(JsonCodec, WritesAnUnknownCodeAsUnknown) {
  Finding f;
  f.code = static_cast<Code>(99);
  EXPECT_TRUE(contains(json::to_json(f), R"("code":"UNKNOWN")"));
}

TEST(JsonCodec, WritesAPerson) {
  EXPECT_EQ(
      json::to_json(sample_person()),
      R"({"id":"42","external_id":"EXT-42","first_name":"Ana","last_name":"Gómez",)"
      R"("email":"ana@example.co","phone":"+57 300 0000000","country":"CO",)"
      R"("birth_date":"1990-02-28","zone":"north","type":"consultant","status":"pending_kit",)"
      R"("sponsor":"1","referrer":"2","channel":"web",)"
      R"("enrolled_at":"2026-11-23T10:54:00.000000Z","document_type":"CC",)"
      R"("document_number":"1234567890","extended":{"children":"2","co_debtor":"Luis"},)"
      R"("site":"","credit_limit":"0","vip":false,"commercial_state":"","rank":"","segment":"","display":{"phone":"300 000 00 00","birth_date":"28/02/1990",)"
      R"("document":"1.234.567.890"}})");
}

TEST(JsonCodec, WritesAbsentBirthDateAndUnsetParentsAsNull) {
  Person p = sample_person();
  p.data.birth_date.reset();
  p.sponsor = PersonId{};
  p.referrer = PersonId{};
  const std::string text = json::to_json(p);
  EXPECT_TRUE(contains(text, R"("birth_date":null)")) << text;
  EXPECT_TRUE(contains(text, R"("sponsor":null)")) << text;
  EXPECT_TRUE(contains(text, R"("referrer":null)")) << text;
}

TEST(JsonCodec, EscapesTextInOutput) {
  Person p = sample_person();
  p.data.first_name = "A \"quoted\"\\ name\n\t\x01";
  const std::string text = json::to_json(p);
  EXPECT_TRUE(contains(text, R"("first_name":"A \"quoted\"\\ name\n\t\u0001")")) << text;
}

TEST(JsonCodec, ReplacesInvalidUtf8InOutputInsteadOfFailing) {
  Person p = sample_person();
  p.data.last_name = "G\xff";
  const std::string text = json::to_json(p);
  EXPECT_TRUE(contains(text, "\"last_name\":\"G\xef\xbf\xbd\"")) << text;
}

TEST(JsonCodec, WritesAnAcceptedEnrollmentOutcome) {
  EnrollmentOutcome o;
  o.accepted = true;
  o.person = PersonId{42};
  o.event = EventSeq{7};
  o.outcome = "pending_approval";
  o.work_item = 5;
  EXPECT_EQ(json::to_json(o), R"({"accepted":true,"person":"42","event":"7","findings":[],)"
                              R"("decisions":[],"outcome":"pending_approval","quick_code":null,)"
                              R"("work_item":"5","continuation":null})");
  o.outcome = "guest";
  o.quick_code = "ABCD2345";
  o.work_item = 0;
  EXPECT_TRUE(contains(json::to_json(o), R"("quick_code":"ABCD2345","work_item":null,)"));
  o.continuation = "rejoined";
  EXPECT_TRUE(contains(json::to_json(o), R"("continuation":"rejoined"})"));
}

TEST(JsonCodec, WritesARejectedEnrollmentOutcomeWithEveryFinding) {
  EnrollmentOutcome o;
  o.findings = {sample_finding(),
                Finding{Code::invalid_argument, "email_invalid", "email", "bad e-mail", "x", ""}};
  EXPECT_EQ(json::to_json(o),
            R"({"accepted":false,"person":null,"event":null,"findings":[)"
            R"({"code":"FAILED_PRECONDITION","reason":"sponsor_inactive","field":"sponsor",)"
            R"("message":"the sponsor is inactive","actual":"inactive","required":"active"},)"
            R"({"code":"INVALID_ARGUMENT","reason":"email_invalid","field":"email",)"
            R"("message":"bad e-mail","actual":"x","required":""}],"decisions":[]})");
}

TEST(JsonCodec, WritesNullForTheIdsOfARejectedOutcomeEvenIfSet) {
  EnrollmentOutcome o;
  o.person = PersonId{42};
  o.event = EventSeq{7};
  EXPECT_EQ(json::to_json(o),
            R"({"accepted":false,"person":null,"event":null,"findings":[],"decisions":[]})");
}

TEST(JsonCodec, WritesABulkEnrollmentOutcome) {
  BulkEnrollmentOutcome accepted;
  accepted.accepted = true;
  accepted.persons = {PersonId{10}, PersonId{11}, PersonId{12}};
  accepted.last_event = EventSeq{9};
  accepted.outcomes = {"active", "guest", "pending_approval"};
  accepted.quick_codes = {"", "ABCD2345", ""};
  accepted.work_items = {0, 0, 3};
  EXPECT_EQ(json::to_json(accepted),
            R"({"accepted":true,"persons":["10","11","12"],"last_event":"9","findings":[],)"
            R"("decisions":[],"outcomes":["active","guest","pending_approval"],)"
            R"("quick_codes":[null,"ABCD2345",null],"work_items":[null,null,"3"]})");

  BulkEnrollmentOutcome rejected;
  Finding f = sample_finding();
  f.field = "[3].sponsor";
  rejected.findings = {f};
  EXPECT_EQ(json::to_json(rejected),
            R"({"accepted":false,"persons":[],"last_event":null,"findings":[)"
            R"({"code":"FAILED_PRECONDITION","reason":"sponsor_inactive","field":"[3].sponsor",)"
            R"("message":"the sponsor is inactive","actual":"inactive","required":"active"}],)"
            R"("decisions":[]})");
}

TEST(JsonCodec, WritesAnAcceptedEmptyBulkOutcome) {
  BulkEnrollmentOutcome o;
  o.accepted = true;
  EXPECT_EQ(json::to_json(o),
            R"({"accepted":true,"persons":[],"last_event":null,"findings":[],"decisions":[],)"
            R"("outcomes":[],"quick_codes":[],"work_items":[]})");
}

TEST(JsonCodec, WritesTheDecisionsOfEnrollmentRules) {
  BulkEnrollmentOutcome o;
  o.accepted = true;
  o.persons = {PersonId{3}};
  Decision review{"review-foreign", 2, {}};
  review.action.type = ActionType::flag_for_review;
  review.action.reason = "country \"XX\"";
  review.action.workflow = "review";
  o.decisions = {{review}};
  EXPECT_EQ(json::to_json(o),
            R"({"accepted":true,"persons":["3"],"last_event":null,"findings":[],"decisions":[[)"
            R"({"rule":"review-foreign","version":2,"action":"flag_for_review",)"
            R"("reason":"country \"XX\"","workflow":"review"}]],)"
            R"("outcomes":[],"quick_codes":[],"work_items":[]})");
}

TEST(JsonCodec, WritesNetworkMembers) {
  const std::vector<NetworkMember> members{
      {PersonId{1}, PersonId{}, 0, 0, CustomerType::consultant, Status::active},
      {PersonId{5}, PersonId{1}, 1, 1, CustomerType::guest, Status::retired, 1, 2},
  };
  EXPECT_EQ(json::to_json(members),
            R"([{"id":"1","parent":null,"level":0,"relative_level":0,"position":0,)"
            R"("type":"consultant","status":"active","generation":0},{"id":"5","parent":"1",)"
            R"("level":1,"relative_level":1,"position":1,"type":"guest","status":"retired",)"
            R"("generation":2}])");
  EXPECT_EQ(json::to_json(std::vector<NetworkMember>{}), "[]");
}

TEST(JsonCodec, WritesTheLargestLevelsAndIds) {
  const std::vector<NetworkMember> members{
      {PersonId{std::numeric_limits<std::int64_t>::max()}, PersonId{1},
       std::numeric_limits<std::uint32_t>::max(), std::numeric_limits<std::uint32_t>::max(),
       CustomerType::customer, Status::blocked, std::numeric_limits<std::uint32_t>::max(),
       std::numeric_limits<std::uint32_t>::max()}};
  EXPECT_EQ(json::to_json(members),
            R"([{"id":"9223372036854775807","parent":"1","level":4294967295,)"
            R"("relative_level":4294967295,"position":4294967295,"type":"customer",)"
            R"("status":"blocked","generation":4294967295}])");
}

TEST(JsonCodec, WritesADownlinePage) {
  DownlinePage page;
  page.total = 25;
  page.members = {{PersonId{5}, PersonId{1}, 2, 1, CustomerType::customer, Status::inactive, 0, 1}};
  EXPECT_EQ(json::to_json(page),
            R"({"total":25,"members":[{"id":"5","parent":"1","level":2,"relative_level":1,)"
            R"("position":0,"type":"customer","status":"inactive","generation":1}]})");
  EXPECT_EQ(json::to_json(DownlinePage{}), R"({"total":0,"members":[]})");
}

TEST(JsonCodec, WritesAnAdjustmentOutcome) {
  AdjustmentOutcome o;
  o.moved = {PersonId{3}, PersonId{4}};
  o.removed = {PersonId{2}};
  o.last_event = EventSeq{17};
  EXPECT_EQ(json::to_json(o), R"({"moved":["3","4"],"removed":["2"],"last_event":"17"})");
  EXPECT_EQ(json::to_json(AdjustmentOutcome{}), R"({"moved":[],"removed":[],"last_event":null})");
}

TEST(JsonCodec, WritesOpenSlots) {
  const std::vector<OpenSlot> slots{{PersonId{1}, 0, 1},
                                    {PersonId{std::numeric_limits<std::int64_t>::max()},
                                     std::numeric_limits<std::uint32_t>::max(), 7}};
  EXPECT_EQ(json::to_json(slots), R"([{"parent":"1","position":0,"level":1},)"
                                  R"({"parent":"9223372036854775807","position":4294967295,)"
                                  R"("level":7}])");
  EXPECT_EQ(json::to_json(std::vector<OpenSlot>{}), "[]");
}

TEST(JsonCodec, WritesAListOfIds) {
  EXPECT_EQ(json::to_json(std::vector<PersonId>{PersonId{3}, PersonId{40}}), R"(["3","40"])");
  EXPECT_EQ(json::to_json(std::vector<PersonId>{}), "[]");
}

// --- Round trips -----------------------------------------------------------
//
// Nothing is parsed back from its own to_json, but the output vocabulary
// (ids, enum names, dates, instants) is the input vocabulary: what the
// library writes, a host can send back.

TEST(JsonCodec, RoundTripsAPersonIntoAnEnrollmentRequest) {
  const Person p = sample_person();
  const std::string text = json::to_json(p);
  // Rebuild a request from the person's JSON by keeping its request keys:
  // every value is copied verbatim, so the output forms are the input forms.
  std::string request = "{\"person\":{";
  for (std::string_view key :
       {"external_id", "first_name", "last_name", "email", "phone", "country", "birth_date", "zone",
        "document_type", "document_number"}) {
    const std::string needle = "\"" + std::string(key) + "\":";
    const auto begin = text.find(needle);
    ASSERT_NE(begin, std::string::npos) << key;
    const auto end = text.find(",\"", begin + needle.size());
    if (request.back() != '{') request += ',';
    request += text.substr(begin, end - begin);
  }
  request += "}";
  for (std::string_view key : {"type", "sponsor", "referrer", "channel"}) {
    const std::string needle = "\"" + std::string(key) + "\":";
    const auto begin = text.find(needle);
    ASSERT_NE(begin, std::string::npos) << key;
    const auto end = text.find(",\"", begin + needle.size());
    request += ',' + text.substr(begin, end - begin);
  }
  const std::string needle = "\"enrolled_at\":";
  const auto begin = text.find(needle) + needle.size();
  request += ",\"effective_at\":" + text.substr(begin, text.find(",\"", begin) - begin) + "}";

  const EnrollmentRequest r = json::parse_enrollment_request(request);
  EXPECT_EQ(r.person.external_id, p.data.external_id);
  EXPECT_EQ(r.person.first_name, p.data.first_name);
  EXPECT_EQ(r.person.last_name, p.data.last_name);
  EXPECT_EQ(r.person.email, p.data.email);
  EXPECT_EQ(r.person.phone, p.data.phone);
  EXPECT_EQ(r.person.country, p.data.country);
  EXPECT_EQ(r.person.birth_date, p.data.birth_date);
  EXPECT_EQ(r.person.zone, p.data.zone);
  EXPECT_EQ(r.person.document_type, p.data.document_type);
  EXPECT_EQ(r.person.document_number, p.data.document_number);
  EXPECT_EQ(r.type, p.type);
  EXPECT_EQ(r.sponsor, p.sponsor);
  EXPECT_EQ(r.referrer, p.referrer);
  EXPECT_EQ(r.channel, p.channel);
  EXPECT_EQ(r.effective_at, p.enrolled_at);
}

TEST(JsonCodec, RoundTripsAnAdjustmentOutcomeAndOpenSlotsIntoRequests) {
  // The persons moved can be compressed away, and an open slot is a place.
  AdjustmentOutcome o;
  o.moved = {PersonId{3}, PersonId{std::numeric_limits<std::int64_t>::max()}};
  const std::string outcome = json::to_json(o);
  const auto moved_at = outcome.find("\"moved\":") + 8;
  const std::string moved = outcome.substr(moved_at, outcome.find(']', moved_at) + 1 - moved_at);
  EXPECT_EQ(json::parse_compression_request(R"({"network":"c","persons":)" + moved + "}").persons,
            o.moved);

  const std::string slots = json::to_json(std::vector<OpenSlot>{{PersonId{12}, 1, 3}});
  const std::string slot = slots.substr(2, slots.find(",\"level\"") - 2);  // "parent":...
  const PlacementChoice c = json::parse_placement_choice(R"({"network":"bin",)" + slot + "}");
  EXPECT_EQ(c.parent, PersonId{12});
  EXPECT_EQ(c.position, 1u);

  const std::vector<NetworkMember> members{
      {PersonId{5}, PersonId{12}, 2, 1, CustomerType::consultant, Status::active, 1}};
  const std::string member = json::to_json(members);
  const auto position_at = member.find("\"position\":");
  const TransferRequest t = json::parse_transfer_request(
      R"({"person":"5","new_parent":"12",)" +
      member.substr(position_at, member.find(',', position_at) - position_at) + "}");
  EXPECT_EQ(t.position, 1u);
}

TEST(JsonCodec, RoundTripsWrittenIdsThroughParsing) {
  for (std::int64_t id :
       {std::int64_t{1}, std::int64_t{42}, std::numeric_limits<std::int64_t>::max()}) {
    EnrollmentOutcome o;
    o.accepted = true;
    o.person = PersonId{id};
    o.event = EventSeq{1};
    const std::string text = json::to_json(o);
    const std::string quoted = "\"" + std::to_string(id) + "\"";
    ASSERT_TRUE(contains(text, "\"person\":" + quoted)) << text;
    EXPECT_EQ(json::parse_actor("{\"person\":" + quoted + "}").person, PersonId{id});
  }
}

TEST(JsonCodec, RoundTripsWrittenEnumNamesThroughAQuery) {
  for (CustomerType type :
       {CustomerType::guest, CustomerType::customer, CustomerType::consultant}) {
    for (Status status : {Status::pre_registered, Status::pending_kit, Status::active,
                          Status::inactive, Status::blocked, Status::retired}) {
      const std::vector<NetworkMember> members{{PersonId{3}, PersonId{1}, 1, 1, type, status}};
      const std::string text = json::to_json(members);
      const std::string type_json = "\"" + std::string(to_string(type)) + "\"";
      const std::string status_json = "\"" + std::string(to_string(status)) + "\"";
      ASSERT_TRUE(contains(text, "\"type\":" + type_json)) << text;
      ASSERT_TRUE(contains(text, "\"status\":" + status_json)) << text;
      const DownlineQuery q = json::parse_downline_query("{\"types\":[" + type_json +
                                                         "],\"statuses\":[" + status_json + "]}");
      EXPECT_EQ(q.types, std::vector<CustomerType>{type});
      EXPECT_EQ(q.statuses, std::vector<Status>{status});
    }
  }
}

TEST(JsonCodec, RoundTripsInstantsAndDatesWithMicrosecondPrecision) {
  for (std::int64_t micros : {std::int64_t{0}, k20261123T105400 + 1, std::int64_t{-1}}) {
    Person p = sample_person();
    p.enrolled_at = Instant{micros};
    p.data.birth_date = LocalDate{1904, 2, 29};
    const std::string text = json::to_json(p);
    const std::string at = "\"" + Instant{micros}.to_rfc3339() + "\"";
    ASSERT_TRUE(contains(text, "\"enrolled_at\":" + at)) << text;
    const auto r = json::parse_enrollment_request("{\"effective_at\":" + at +
                                                  ",\"person\":{\"birth_date\":\"1904-02-29\"}}");
    EXPECT_EQ(r.effective_at->micros_since_epoch, micros);
    EXPECT_EQ(r.person.birth_date, p.data.birth_date);
  }
}

}  // namespace
}  // namespace downline

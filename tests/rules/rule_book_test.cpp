// Rule books: the fact model, exact decimals, actions, rule sets, traces,
// unit-test reports, and every kind of bad input with its code and path.
#include "rules/facts.hpp"
#include "rules/jsonlogic.hpp"

#include <downline/company.hpp>
#include <downline/error.hpp>
#include <downline/json.hpp>
#include <downline/rules.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>
#include <sstream>
#include <string>

namespace {

using downline::Code;
using downline::Instant;
using downline::RuleBook;
using downline::Trigger;
using downline::internal::CompiledLogic;
using downline::internal::fact_model;
using downline::internal::LogicLimits;
using Json = nlohmann::json;

std::string read(const std::string& name) {
  std::ifstream in(std::string(DOWNLINE_EXAMPLES_RULES) + "/" + name);
  EXPECT_TRUE(in) << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// What a call threw: its code, field and message.
struct Thrown {
  bool threw = false;
  Code code = Code::ok;
  std::string field;
  std::string message;
};

Thrown thrown(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const downline::Error& e) {
    return {true, e.code(), e.field(), e.what()};
  }
  return {};
}

// Evaluates a condition compiled against the fact model.
Json eval_facts(const Json& rule, const Json& facts) {
  return CompiledLogic::compile(rule, LogicLimits{}, &fact_model()).evaluate(facts);
}

Thrown compile_facts(const Json& rule) {
  return thrown([&] { CompiledLogic::compile(rule, LogicLimits{}, &fact_model()); });
}

const Instant kAt = Instant::parse_rfc3339("2026-03-01T12:00:00Z");

// A rules document with the given rules and a small catalog.
std::string book_with(const Json& rules) {
  Json doc = {{"ranks", {{{"id", "gold"}}, {{"id", "platinum"}}}},
              {"segments", {{{"id", "AA"}}, {{"id", "A"}}}},
              {"commercial_states", {{{"id", "active"}}}},
              {"rules", rules}};
  return doc.dump();
}

Thrown load_failure(const Json& rules) {
  return thrown([&] { RuleBook::load(book_with(rules)); });
}

Json rule(const Json& when, const Json& then, const std::string& id = "r") {
  Json out = {{"id", id}, {"trigger", "campaign_close"}, {"then", then}};
  if (!when.is_null()) out["when"] = when;
  return out;
}

const Json kAssignAA = Json::array({{{"action", "assign_segment"}, {"segment", "AA"}}});

std::vector<std::string> decided_segments(const RuleBook& book, const Json& facts,
                                          Instant at = kAt) {
  std::vector<std::string> out;
  for (const auto& d : book.evaluate(Trigger::campaign_close, facts.dump(), at).decisions) {
    out.push_back(d.rule + ":" + d.action.target);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Exact decimals.

TEST(Decimals, DecimalLiteralsAreExactWherePlainNumbersAreNot) {
  const Json exact =
      Json::parse(R"({"==": [{"+": [{"dec": "0.1"}, {"dec": "0.2"}]}, {"dec": "0.3"}]})");
  const Json plain = Json::parse(R"({"==": [{"+": [0.1, 0.2]}, 0.3]})");
  EXPECT_EQ(CompiledLogic::compile(exact).evaluate(nullptr), Json(true));
  EXPECT_EQ(CompiledLogic::compile(plain).evaluate(nullptr), Json(false));  // JsonLogic's doubles
  EXPECT_EQ(CompiledLogic::compile(Json::parse(R"({"+": [{"dec": "0.1"}, {"dec": "0.2"}]})"))
                .evaluate(nullptr),
            Json("0.3"));
}

TEST(Decimals, MoneyFactsCompareExactly) {
  const Json above =
      Json::parse(R"({">": [{"var": "campaign.average_order"}, {"dec": "300000"}]})");
  EXPECT_EQ(eval_facts(above, {{"campaign", {{"average_order", "300000.01"}}}}), Json(true));
  EXPECT_EQ(eval_facts(above, {{"campaign", {{"average_order", "300000.00"}}}}), Json(false));
  EXPECT_EQ(eval_facts(above, {{"campaign", {{"average_order", 300000.000001}}}}), Json(true));
  // A decimal fact given as a JSON number keeps the digits it was written with.
  const Json tenth = Json::parse(R"({"==": [{"var": "order.amount"}, {"dec": "0.1"}]})");
  EXPECT_EQ(eval_facts(tenth, {{"order", {{"amount", 0.1}}}}), Json(true));
  // A plain number on the other side is converted exactly too.
  const Json plain_side = Json::parse(R"({"<=": [{"var": "order.volume"}, 12.35]})");
  EXPECT_EQ(eval_facts(plain_side, {{"order", {{"volume", "12.35"}}}}), Json(true));
  EXPECT_EQ(eval_facts(plain_side, {{"order", {{"volume", "12.350001"}}}}), Json(false));
}

TEST(Decimals, ArithmeticRoundsHalfEvenToSixPlaces) {
  auto eval = [](const char* rule) {
    return CompiledLogic::compile(Json::parse(rule)).evaluate(nullptr);
  };
  EXPECT_EQ(eval(R"({"*": [{"dec": "100.10"}, {"dec": "0.19"}]})"), Json("19.019"));
  EXPECT_EQ(eval(R"({"/": [{"dec": "2"}, {"dec": "3"}]})"), Json("0.666667"));
  EXPECT_EQ(eval(R"({"/": [{"dec": "1"}, {"dec": "3"}]})"), Json("0.333333"));
  EXPECT_EQ(eval(R"({"%": [{"dec": "10.5"}, {"dec": "3"}]})"), Json("1.5"));
  EXPECT_EQ(eval(R"({"%": [{"dec": "-10.5"}, {"dec": "3"}]})"), Json("-1.5"));
  EXPECT_EQ(eval(R"({"-": [{"dec": "5"}]})"), Json("-5"));
  EXPECT_EQ(eval(R"({"max": [{"dec": "1.5"}, 2, "0.25"]})"), Json("2"));
  EXPECT_EQ(eval(R"({"min": [{"dec": "1.5"}, 2, "0.25"]})"), Json("0.25"));
  EXPECT_EQ(eval(R"({"dec": "0.0000005"})"), Json("0"));         // a tie: to even
  EXPECT_EQ(eval(R"({"dec": "0.0000015"})"), Json("0.000002"));  // a tie: to even
  EXPECT_EQ(eval(R"({"dec": "1.5e3"})"), Json("1500"));
  EXPECT_EQ(eval(R"({"/": [{"dec": "1"}, 0]})"), Json(nullptr));  // NaN, as JavaScript
  EXPECT_EQ(eval(R"({">": [{"dec": "1"}, "abc"]})"), Json(false));
}

TEST(Decimals, ReduceOverLinesStaysExact) {
  const Json total = Json::parse(R"({"reduce": [{"var": "order.lines"},
      {"+": [{"var": "accumulator"}, {"var": "current.amount"}]}, 0]})");
  Json lines = Json::array();
  for (int i = 0; i < 10; ++i) lines.push_back({{"sku", "P"}, {"amount", 0.1}});
  const Json facts = {{"order", {{"lines", lines}}}};
  EXPECT_EQ(eval_facts(total, facts), Json("1"));
  // Without the fact model the same rule sums JsonLogic doubles: not 1.
  const Json plain = CompiledLogic::compile(total).evaluate(facts);
  ASSERT_TRUE(plain.is_number_float());
  EXPECT_NE(plain.get<double>(), 1.0);
}

TEST(Decimals, ZeroDecimalIsFalsy) {
  const Json rule = Json::parse(R"({"if": [{"var": "campaign.personal_volume"}, "yes", "no"]})");
  EXPECT_EQ(eval_facts(rule, {{"campaign", {{"personal_volume", "0.00"}}}}), Json("no"));
  EXPECT_EQ(eval_facts(rule, {{"campaign", {{"personal_volume", "0.01"}}}}), Json("yes"));
  EXPECT_EQ(
      eval_facts(Json::parse(R"({"!": {"var": "order.amount"}})"), {{"order", {{"amount", "0"}}}}),
      Json(true));
}

TEST(Decimals, OverflowIsOutOfRangeAndBadLiteralsInvalid) {
  const CompiledLogic huge =
      CompiledLogic::compile(Json::parse(R"({"*": [{"dec": "1e30"}, {"dec": "1e30"}]})"));
  EXPECT_EQ(thrown([&] { huge.evaluate(nullptr); }).code, Code::out_of_range);
  const Thrown bad =
      thrown([] { CompiledLogic::compile(Json::parse(R"({"and": [{"dec": "abc"}]})")); });
  EXPECT_EQ(bad.code, Code::invalid_argument);
  EXPECT_EQ(bad.field, "and[0].dec");
  EXPECT_EQ(thrown([] { CompiledLogic::compile(Json::parse(R"({"dec": "1e40"})")); }).code,
            Code::out_of_range);
}

// ---------------------------------------------------------------------------
// The fact model.

TEST(FactModel, UnknownVariablesFailWhenTheRuleLoads) {
  Thrown t = compile_facts(Json::parse(R"({"==": [{"var": "person.rnk"}, "gold"]})"));
  EXPECT_EQ(t.code, Code::invalid_argument);
  EXPECT_EQ(t.field, "==[0].var");
  EXPECT_NE(t.message.find("unknown variable 'person.rnk'"), std::string::npos) << t.message;
  EXPECT_EQ(compile_facts(Json::parse(R"({"var": "rank"})")).field, "var");
  EXPECT_EQ(compile_facts(Json::parse(R"({"var": "person.rank.name"})")).field, "var");
  // Inside map, filter, all, none, some: the fields of the array's elements.
  EXPECT_FALSE(
      compile_facts(
          Json::parse(R"({"some": [{"var": "order.lines"}, {"==": [{"var": "sku"}, "X"]}]})"))
          .threw);
  EXPECT_EQ(
      compile_facts(
          Json::parse(R"({"some": [{"var": "order.lines"}, {"==": [{"var": "skuu"}, "X"]}]})"))
          .field,
      "some[1].==[0].var");
  EXPECT_EQ(compile_facts(Json::parse(R"({"reduce": [{"var": "order.lines"},
                {"+": [{"var": "accumulator"}, {"var": "current.bogus"}]}, 0]})"))
                .field,
            "reduce[1].+[1].var");
  EXPECT_EQ(compile_facts(Json::parse(R"({"missing": ["person.rank", "person.rnk"]})")).field,
            "missing");
  EXPECT_FALSE(compile_facts(Json::parse(R"({"var": "order.lines.0.sku"})")).threw);
  EXPECT_FALSE(compile_facts(Json::parse(R"({"var": "person.extended.20"})")).threw);
  EXPECT_TRUE(compile_facts(Json::parse(R"({"var": "person.extended.21"})")).threw);
  // A computed name cannot be checked: refused.
  EXPECT_EQ(compile_facts(Json::parse(R"({"var": {"cat": ["person.", "rank"]}})")).field, "var");
  // Plain JsonLogic (no fact model) reads anything.
  EXPECT_NO_THROW(CompiledLogic::compile(Json::parse(R"({"var": "person.rnk"})")));
}

TEST(FactModel, FactsOutsideTheModelAreRefused) {
  const RuleBook book = RuleBook::load(book_with(Json::array({rule(nullptr, kAssignAA)})));
  auto facts_failure = [&](const Json& facts) {
    return thrown([&] { book.evaluate(Trigger::campaign_close, facts.dump(), kAt); });
  };
  EXPECT_EQ(facts_failure({{"person", {{"rnk", "gold"}}}}).field, "person.rnk");
  EXPECT_EQ(facts_failure({{"campaign", {{"orders", "3"}}}}).field, "campaign.orders");
  EXPECT_EQ(facts_failure({{"person", {{"status", "sleeping"}}}}).field, "person.status");
  EXPECT_EQ(facts_failure({{"order", {{"amount", "12,50"}}}}).field, "order.amount");
  EXPECT_EQ(facts_failure({{"order", {{"lines", {{{"qty", 1}}}}}}}).field, "order.lines[0].qty");
  EXPECT_EQ(facts_failure({{"person", {{"enrolled_at", "yesterday"}}}}).field,
            "person.enrolled_at");
  EXPECT_EQ(facts_failure(Json::array()).field, "$");
  EXPECT_EQ(facts_failure({{"weather", "sunny"}}).code, Code::invalid_argument);
}

// ---------------------------------------------------------------------------
// Loading: every bad input with its code and path.

TEST(RuleBookLoad, NonObjectRuleSetsAndDocuments) {
  EXPECT_EQ(thrown([] { RuleBook::load("[1, 2]"); }).field, "$");
  EXPECT_EQ(thrown([] { RuleBook::load("{\"rules\": {}}"); }).field, "rules");
  Thrown t = load_failure(Json::array({42}));
  EXPECT_EQ(t.code, Code::invalid_argument);
  EXPECT_EQ(t.field, "rules[0]");
  EXPECT_EQ(load_failure(Json::array({rule(nullptr, kAssignAA), "r2"})).field, "rules[1]");
  EXPECT_EQ(thrown([] { RuleBook::load("{\"rules\": [}"); }).field, "$");
  EXPECT_EQ(thrown([] { RuleBook::load("{\"rulez\": []}"); }).field, "rulez");
}

TEST(RuleBookLoad, ConditionFaultsNameTheirPathInsideTheRule) {
  Thrown t =
      load_failure(Json::array({rule(nullptr, kAssignAA, "a"),
                                rule(Json::parse(R"({"and": [true, {"foo": [1]}]})"), kAssignAA)}));
  EXPECT_EQ(t.code, Code::invalid_argument);
  EXPECT_EQ(t.field, "rules[1].when.and[1].foo");
  EXPECT_NE(t.message.find("unknown operator 'foo'"), std::string::npos);

  t = load_failure(Json::array({rule(Json::parse(R"({"==": [1]})"), kAssignAA)}));
  EXPECT_EQ(t.field, "rules[0].when.==");
  EXPECT_NE(t.message.find("takes 2 arguments, got 1"), std::string::npos) << t.message;

  t = load_failure(
      Json::array({rule(Json::parse(R"({">": [{"var": "network.legs"}, 3]})"), kAssignAA)}));
  EXPECT_EQ(t.field, "rules[0].when.>[0].var");
  EXPECT_NE(t.message.find("unknown variable 'network.legs'"), std::string::npos);

  Json deep = true;
  for (int i = 0; i < 70; ++i) deep = {{"!", deep}};
  t = load_failure(Json::array({rule(deep, kAssignAA)}));
  EXPECT_EQ(t.code, Code::invalid_argument);
  EXPECT_EQ(t.field.rfind("rules[0].when.!", 0), 0u) << t.field;
  EXPECT_NE(t.message.find("deeper than 64"), std::string::npos);
}

TEST(RuleBookLoad, ActionsAreTypedAndCheckedAgainstTheCatalogs) {
  auto action_failure = [](const Json& action) {
    return load_failure(Json::array({rule(nullptr, Json::array({action}))}));
  };
  Thrown t = action_failure({{"action", "teleport"}});
  EXPECT_EQ(t.code, Code::invalid_argument);
  EXPECT_EQ(t.field, "rules[0].then[0].action");
  EXPECT_NE(t.message.find("unknown action 'teleport'"), std::string::npos);

  t = action_failure({{"action", "assign_segment"}, {"segment", "ZZ"}});
  EXPECT_EQ(t.field, "rules[0].then[0].segment");
  EXPECT_NE(t.message.find("unknown segment 'ZZ' (declared in \"segments\": AA, A)"),
            std::string::npos)
      << t.message;
  t = action_failure({{"action", "set_rank"}, {"rank", "diamond"}});
  EXPECT_EQ(t.field, "rules[0].then[0].rank");
  EXPECT_NE(t.message.find("unknown rank 'diamond'"), std::string::npos);
  EXPECT_EQ(action_failure({{"action", "set_commercial_state"}, {"state", "asleep"}}).field,
            "rules[0].then[0].state");
  EXPECT_EQ(action_failure({{"action", "set_customer_type"}, {"customer_type", "boss"}}).field,
            "rules[0].then[0].customer_type");
  EXPECT_EQ(action_failure({{"action", "assign_segment"}}).field, "rules[0].then[0].segment");
  EXPECT_EQ(action_failure({{"action", "set_vip"}, {"vip", "yes"}}).field, "rules[0].then[0].vip");
  EXPECT_EQ(action_failure({{"action", "activate"}, {"segment", "AA"}}).field,
            "rules[0].then[0].segment");
  EXPECT_EQ(action_failure({{"action", "flag_for_review"}}).field, "rules[0].then[0].reason");
  EXPECT_EQ(action_failure({{"action", "grant_benefit"}, {"benefit", "cash"}}).field,
            "rules[0].then[0].benefit");
  EXPECT_EQ(action_failure({{"action", "grant_benefit"}, {"benefit", "gift_product"}}).field,
            "rules[0].then[0].sku");
  EXPECT_EQ(action_failure({{"action", "grant_benefit"}, {"benefit", "discount"}}).field,
            "rules[0].then[0].percent");
  EXPECT_EQ(
      action_failure({{"action", "grant_benefit"}, {"benefit", "discount"}, {"percent", "150"}})
          .field,
      "rules[0].then[0].percent");
  EXPECT_EQ(load_failure(Json::array({rule(nullptr, Json::array())})).field, "rules[0].then");
  // No catalog at all: the message says so.
  t = thrown([] {
    RuleBook::load(R"({"rules": [{"id": "r", "trigger": "enrollment",
                     "then": [{"action": "set_rank", "rank": "gold"}]}]})");
  });
  EXPECT_NE(t.message.find("declares no \"ranks\""), std::string::npos) << t.message;
}

TEST(RuleBookLoad, RuleFieldsAndVersions) {
  Json r = rule(nullptr, kAssignAA);
  r["trigger"] = "on_sunday";
  EXPECT_EQ(load_failure(Json::array({r})).field, "rules[0].trigger");
  r = rule(nullptr, kAssignAA);
  r["thn"] = Json::array();
  EXPECT_EQ(load_failure(Json::array({r})).field, "rules[0].thn");
  r = rule(nullptr, kAssignAA);
  r["effective_from"] = "2026-02-01T00:00:00Z";
  r["effective_to"] = "2026-01-01T00:00:00Z";
  EXPECT_EQ(load_failure(Json::array({r})).field, "rules[0].effective_to");
  r["effective_to"] = "soon";
  EXPECT_EQ(load_failure(Json::array({r})).field, "rules[0].effective_to");

  Json v1 = rule(nullptr, kAssignAA);
  Json v2 = rule(nullptr, kAssignAA);
  v2["version"] = 1;
  EXPECT_EQ(load_failure(Json::array({v1, v2})).field, "rules[1].version");  // declared twice
  v2["version"] = 2;
  Thrown t = load_failure(Json::array({v1, v2}));  // both always effective
  EXPECT_EQ(t.field, "rules[1].effective_from");
  EXPECT_NE(t.message.find("both be effective"), std::string::npos);
  v1["effective_to"] = "2026-03-01T00:00:00Z";
  v2["effective_from"] = "2026-03-01T00:00:00Z";
  EXPECT_FALSE(load_failure(Json::array({v1, v2})).threw);
  v2["version"] = 0;
  EXPECT_EQ(load_failure(Json::array({v1, v2})).field, "rules[1].version");
}

TEST(RuleBookLoad, ACompanyConfigurationCarriesItsRules) {
  const std::string config = R"({"company": {"name": "X"},
      "segments": [{"id": "AA"}],
      "rules": [{"id": "r", "trigger": "campaign_close",
                 "then": [{"action": "assign_segment", "segment": "AA"}]}]})";
  EXPECT_EQ(RuleBook::load(config).size(), 1u);
  EXPECT_NO_THROW(downline::Company::open("memory:", config));
  const Thrown t = thrown([] {
    downline::Company::open("memory:", R"({"company": {"name": "X"},
      "rules": [{"id": "r", "trigger": "campaign_close",
                 "then": [{"action": "assign_segment", "segment": "AA"}]}]})");
  });
  EXPECT_EQ(t.code, Code::invalid_argument);
  EXPECT_EQ(t.field, "rules[0].then[0].segment");
}

// ---------------------------------------------------------------------------
// Evaluation.

TEST(RuleBookEvaluate, PriorityOrdersAndStopProcessingStops) {
  Json late = rule(nullptr, kAssignAA, "late");
  late["priority"] = 20;
  Json early =
      rule(nullptr, Json::array({{{"action", "assign_segment"}, {"segment", "A"}}}), "early");
  early["priority"] = 10;
  Json middle = rule(Json::parse(R"({">=": [{"var": "campaign.orders"}, 3]})"),
                     Json::array({{{"action", "set_rank"}, {"rank", "gold"}}}), "middle");
  middle["priority"] = 15;
  middle["stop_processing"] = true;
  const RuleBook book = RuleBook::load(book_with(Json::array({late, early, middle})));
  EXPECT_EQ(decided_segments(book, {{"campaign", {{"orders", 1}}}}),
            (std::vector<std::string>{"early:A", "late:AA"}));
  EXPECT_EQ(decided_segments(book, {{"campaign", {{"orders", 3}}}}),
            (std::vector<std::string>{"early:A", "middle:gold"}));
  const auto traced = book.evaluate(Trigger::campaign_close,
                                    Json({{"campaign", {{"orders", 3}}}}).dump(), kAt, true);
  const Json trace = Json::parse(traced.trace_json);
  ASSERT_EQ(trace.size(), 3u);
  EXPECT_EQ(trace[2]["rule"], "late");
  EXPECT_EQ(trace[2]["outcome"], "skipped");
  EXPECT_EQ(trace[2]["stopped_by"], "middle");
  // Other triggers' rules do not run.
  EXPECT_TRUE(book.evaluate(Trigger::enrollment, "{}", kAt).decisions.empty());
}

TEST(RuleBookEvaluate, EffectiveWindowsAndVersions) {
  Json v1 = rule(nullptr, kAssignAA, "seg");
  v1["effective_to"] = "2026-03-01T00:00:00Z";
  Json v2 = rule(nullptr, Json::array({{{"action", "assign_segment"}, {"segment", "A"}}}), "seg");
  v2["version"] = 2;
  v2["effective_from"] = "2026-03-01T00:00:00Z";
  v2["effective_to"] = "2026-04-01T00:00:00Z";
  const RuleBook book = RuleBook::load(book_with(Json::array({v1, v2})));
  auto decide = [&](const char* at) {
    const auto decisions =
        book.evaluate(Trigger::campaign_close, "{}", Instant::parse_rfc3339(at)).decisions;
    std::string out;
    for (const auto& d : decisions) out += d.action.target + "@v" + std::to_string(d.version);
    return out;
  };
  EXPECT_EQ(decide("2026-02-28T23:59:59.999999Z"), "AA@v1");
  EXPECT_EQ(decide("2026-03-01T00:00:00Z"), "A@v2");  // from is inclusive, to exclusive
  EXPECT_EQ(decide("2026-03-31T23:59:59Z"), "A@v2");
  EXPECT_EQ(decide("2026-04-01T00:00:00Z"), "");
}

TEST(RuleBookEvaluate, TraceShowsEachConditionWithTheValuesItSaw) {
  const RuleBook book = RuleBook::load(read("seeds.rules.json"));
  const auto result = book.evaluate(
      Trigger::campaign_close,
      R"({"campaign": {"average_order": "300000.00", "consecutive_campaigns": 6}})", kAt, true);
  ASSERT_EQ(result.decisions.size(), 1u);
  EXPECT_EQ(result.decisions[0].rule, "segment-b");
  EXPECT_EQ(result.decisions[0].version, 1u);
  const Json trace = Json::parse(result.trace_json);
  const Json* aa = nullptr;
  for (const Json& entry : trace) {
    if (entry["rule"] == "segment-aa") aa = &entry;
  }
  ASSERT_NE(aa, nullptr);
  EXPECT_EQ((*aa)["outcome"], "not_met");
  const Json& first = (*aa)["conditions"][0];
  EXPECT_EQ(first["path"], "and[0].>");
  EXPECT_EQ(first["args"][0]["var"], "campaign.average_order");
  EXPECT_EQ(first["args"][0]["value"], "300000.00");
  EXPECT_EQ(first["args"][1]["value"], "300000");
  EXPECT_EQ(first["result"], false);
  // "and" stopped at the first false: the second condition was not evaluated.
  EXPECT_EQ((*aa)["conditions"].size(), 2u);  // the ">" and the "and"
  EXPECT_EQ((*aa)["conditions"][1]["op"], "and");
  // Without a trace request there is none.
  EXPECT_TRUE(book.evaluate(Trigger::campaign_close, "{}", kAt).trace_json.empty());
}

TEST(RuleBookEvaluate, HostileRulesAreResourceExhaustedWithTheRulePath) {
  // An array past the bound: a map over a fact array of 200,000 lines.
  const RuleBook book = RuleBook::load(book_with(
      Json::array({rule(nullptr, kAssignAA, "ok"),
                   rule(Json::parse(R"({"map": [{"var": "order.lines"}, {"var": "sku"}]})"),
                        kAssignAA, "hostile")})));
  Json lines = Json::array();
  for (int i = 0; i < 200'000; ++i) lines.push_back({{"sku", "P"}});
  const std::string facts = Json({{"order", {{"lines", lines}}}}).dump();
  Thrown t = thrown([&] { book.evaluate(Trigger::campaign_close, facts, kAt); });
  EXPECT_EQ(t.code, Code::resource_exhausted);
  EXPECT_EQ(t.field, "rules[1].when");
  EXPECT_NE(t.message.find("an array of more than 100000 elements"), std::string::npos);
  // An operation budget past the bound: 2,000 lines x 1,000 literal elements.
  Json inner = Json::array();
  for (int i = 0; i < 1000; ++i) inner.push_back(i);
  const Json spin = {
      {"some", {{{"var", "order.lines"}}, {{"some", {inner, {{">", {{{"var", ""}}, 5000}}}}}}}}};
  const RuleBook spinning = RuleBook::load(book_with(Json::array({rule(spin, kAssignAA)})));
  lines = Json::array();
  for (int i = 0; i < 2'000; ++i) lines.push_back({{"sku", "P"}});
  t = thrown([&] {
    spinning.evaluate(Trigger::campaign_close, Json({{"order", {{"lines", lines}}}}).dump(), kAt);
  });
  EXPECT_EQ(t.code, Code::resource_exhausted);
  EXPECT_EQ(t.field, "rules[0].when");
}

// ---------------------------------------------------------------------------
// Unit tests of rules: the seeds' examples.

TEST(RuleTests, TheSeedsExamplesPass) {
  const RuleBook book = RuleBook::load(read("seeds.rules.json"));
  const downline::RuleTestReport report = book.test(read("seeds.cases.json"));
  EXPECT_TRUE(report.passed()) << report.text();
  EXPECT_EQ(report.cases.size(), 13u);
  EXPECT_EQ(report.failed, 0u);
  EXPECT_EQ(report.text().rfind("rules test: 13 cases, 13 passed, 0 failed\n", 0), 0u);
}

TEST(RuleTests, AFailingCaseShowsItsDiff) {
  const RuleBook book = RuleBook::load(read("seeds.rules.json"));
  const downline::RuleTestReport report = book.test(read("failing.cases.json"));
  EXPECT_FALSE(report.passed());
  EXPECT_EQ(report.failed, 1u);
  ASSERT_EQ(report.cases.size(), 2u);
  EXPECT_TRUE(report.cases[0].passed);
  EXPECT_TRUE(report.cases[0].diff.empty());
  const std::string& diff = report.cases[1].diff;
  EXPECT_NE(diff.find("  - assign_segment {\"segment\":\"AA\"}\n"), std::string::npos) << diff;
  EXPECT_NE(diff.find("  + assign_segment {\"segment\":\"B\"}  (rule segment-b v1)\n"),
            std::string::npos)
      << diff;
  EXPECT_EQ(report.text(), read("failing.expected.txt"));
  const Json as_json = Json::parse(downline::json::to_json(report));
  EXPECT_EQ(as_json["passed"], false);
  EXPECT_EQ(as_json["cases"][1]["decisions"][0]["segment"], "B");
}

TEST(RuleTests, ExpectationsMatchRuleAndVersionWhenGiven) {
  const RuleBook book = RuleBook::load(read("seeds.rules.json"));
  auto passes = [&](const Json& expect) {
    const Json cases = Json::array({{{"name", "n"},
                                     {"trigger", "campaign_close"},
                                     {"facts", {{"campaign", {{"average_order", "1"}}}}},
                                     {"expect", expect}}});
    return book.test(cases.dump()).passed();
  };
  EXPECT_TRUE(passes({{{"action", "assign_segment"}, {"segment", "C"}}}));
  EXPECT_TRUE(passes({{{"action", "assign_segment"}, {"segment", "C"}, {"rule", "segment-c"}}}));
  EXPECT_FALSE(passes({{{"action", "assign_segment"}, {"segment", "C"}, {"rule", "segment-b"}}}));
  EXPECT_FALSE(passes({{{"action", "assign_segment"}, {"segment", "C"}, {"version", 2}}}));
  EXPECT_FALSE(passes(Json::array()));
}

TEST(RuleTests, MalformedCaseFilesNameThePath) {
  const RuleBook book = RuleBook::load(read("seeds.rules.json"));
  EXPECT_EQ(thrown([&] { book.test("{\"cases\": 3}"); }).field, "cases");
  EXPECT_EQ(thrown([&] { book.test("[{\"trigger\": \"enrollment\", \"expect\": []}]"); }).field,
            "[0].name");
  EXPECT_EQ(thrown([&] {
              book.test(R"({"cases": [{"name": "x", "trigger": "enrollment", "expect": [],
                          "facts": {"person": {"rnk": 1}}}]})");
            }).field,
            "cases[0].facts.person.rnk");
  EXPECT_EQ(thrown([&] {
              book.test(R"([{"name": "x", "trigger": "campaign_close",
                           "expect": [{"action": "assign_segment", "segment": "Z"}]}])");
            }).field,
            "[0].expect[0].segment");
}

}  // namespace

#include "rules/jsonlogic.hpp"

#include <downline/error.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstddef>
#include <exception>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace downline {
namespace {

using internal::CompiledLogic;
using internal::LogicLimits;
using Json = nlohmann::json;

Json evaluate(const Json& rule, const Json& data = Json::object()) {
  return CompiledLogic::compile(rule).evaluate(data);
}

// What compile() threw: the InvalidArgument's field and message.
struct Failure {
  bool threw = false;
  std::string field;
  std::string message;
};

Failure compile_failure(const Json& rule, const LogicLimits& limits = {}) {
  try {
    CompiledLogic::compile(rule, limits);
  } catch (const InvalidArgument& error) {
    return Failure{true, error.field(), error.what()};
  } catch (const std::exception& error) {
    ADD_FAILURE() << "threw something other than InvalidArgument: " << error.what();
    return {};
  }
  ADD_FAILURE() << "did not throw for " << rule.dump();
  return {};
}

// The message of the ResourceExhausted that `call` threw ("" if none).
std::string resource_failure(const std::function<void()>& call) {
  try {
    call();
  } catch (const ResourceExhausted& error) {
    return error.what();
  } catch (const std::exception& error) {
    ADD_FAILURE() << "threw something other than ResourceExhausted: " << error.what();
    return {};
  }
  ADD_FAILURE() << "did not throw";
  return {};
}

TEST(JsonLogic, OfficialSuite) {
  std::ifstream file(DOWNLINE_JSONLOGIC_TESTS);
  ASSERT_TRUE(file.is_open()) << "missing suite: " << DOWNLINE_JSONLOGIC_TESTS;
  const Json suite = Json::parse(file);
  ASSERT_TRUE(suite.is_array());
  std::size_t ran = 0;
  std::size_t passed = 0;
  for (const Json& entry : suite) {
    if (entry.is_string()) continue;  // a comment
    ++ran;
    ASSERT_TRUE(entry.is_array() && entry.size() == 3) << "malformed case: " << entry.dump();
    const Json& rule = entry[0];
    const Json& data = entry[1];
    const Json& expected = entry[2];
    std::string actual;
    try {
      const Json result = CompiledLogic::compile(rule).evaluate(data);
      if (result == expected) {
        ++passed;
        continue;
      }
      actual = result.dump();
    } catch (const std::exception& error) {
      actual = std::string("exception: ") + error.what();
    }
    ADD_FAILURE() << "rule " << rule.dump() << "\n  data     " << data.dump() << "\n  expected "
                  << expected.dump() << "\n  actual   " << actual;
  }
  EXPECT_GE(ran, 280u);
  EXPECT_EQ(passed, ran);
  std::cout << "JsonLogic suite: " << passed << " of " << ran << " cases passed\n";
}

TEST(JsonLogic, JavaScriptCoercions) {
  EXPECT_EQ(evaluate({{"+", "abc"}}), Json(nullptr));  // NaN comes out as null
  EXPECT_EQ(evaluate({{"/", {1, 0}}}), Json(nullptr));
  EXPECT_EQ(evaluate({{"==", {Json::array({1}), 1}}}), Json(true));
  EXPECT_EQ(evaluate({{"==", {nullptr, 0}}}), Json(false));
  EXPECT_EQ(evaluate({{"==", {false, "0"}}}), Json(true));
  EXPECT_EQ(evaluate({{"<", {"10", "9"}}}), Json(true));  // both strings: lexicographic
  EXPECT_EQ(evaluate({{"<", {"10", 9}}}), Json(false));
  EXPECT_EQ(evaluate({{"cat", {0.1, 1e21, 1e-7, true, nullptr}}}), Json("0.11e+211e-7truenull"));
  EXPECT_EQ(evaluate({{"/", {1, 3}}}), Json(1.0 / 3.0));
  EXPECT_EQ(evaluate({{"substr", {"héllo", 1, 3}}}), Json("éll"));
  // An object with two keys is a literal, not an operator.
  const Json two_keys = {{"a", 1}, {"b", 2}};
  EXPECT_EQ(evaluate(two_keys), two_keys);
}

TEST(JsonLogic, UnknownOperatorNamesItsPath) {
  const Failure failure = compile_failure(Json::parse(R"({"and": [true, {"foo": [1]}]})"));
  EXPECT_EQ(failure.field, "and[1].foo");
  EXPECT_NE(failure.message.find("unknown operator 'foo'"), std::string::npos) << failure.message;

  EXPECT_EQ(compile_failure(Json::parse(R"([1, {"var": "x"}, {"bogus": 1}])")).field, "[2].bogus");
}

TEST(JsonLogic, WrongArity) {
  Failure failure = compile_failure(Json::parse(R"({"or": [false, {"!": [true, false]}]})"));
  EXPECT_EQ(failure.field, "or[1].!");
  EXPECT_NE(failure.message.find("takes 1 argument, got 2"), std::string::npos) << failure.message;
  EXPECT_EQ(compile_failure(Json::parse(R"({"==": [1]})")).field, "==");
  EXPECT_EQ(compile_failure(Json::parse(R"({"<": [1, 2, 3, 4]})")).field, "<");
  EXPECT_EQ(compile_failure(Json::parse(R"({"map": [[1, 2]]})")).field, "map");
  EXPECT_EQ(compile_failure(Json::parse(R"({"if": [true, {"substr": "abc"}]})")).field,
            "if[1].substr");
}

TEST(JsonLogic, TooDeepRule) {
  auto nested = [](int levels) {
    Json rule = true;
    for (int i = 0; i < levels; ++i) rule = Json{{"!", rule}};
    return rule;
  };
  // 63 "!" around a literal: 64 levels, the limit.
  EXPECT_EQ(CompiledLogic::compile(nested(63)).evaluate(nullptr), Json(false));
  const Failure failure = compile_failure(nested(64));
  EXPECT_NE(failure.message.find("deeper than 64"), std::string::npos) << failure.message;
  EXPECT_EQ(failure.field.rfind("![0].![0]", 0), 0u) << failure.field;

  LogicLimits shallow;
  shallow.max_depth = 3;
  EXPECT_TRUE(compile_failure(Json::parse(R"({"and": [{"or": [{"!": 1}]}]})"), shallow).threw);
  EXPECT_NO_THROW(CompiledLogic::compile(Json::parse(R"({"and": [{"or": [1]}]})"), shallow));
}

TEST(JsonLogic, OperationBudget) {
  // A map over 300 arrays of 300 numbers: about 270,000 operations.
  Json inner = Json::array();
  for (int i = 0; i < 300; ++i) inner.push_back(i);
  Json data = Json::object();
  data["rows"] = Json::array();
  for (int i = 0; i < 300; ++i) data["rows"].push_back({{"cells", inner}});
  const Json rule = Json::parse(
      R"({"map": [{"var": "rows"}, {"map": [{"var": "cells"}, {"*": [{"var": ""}, 2]}]}]})");

  LogicLimits small;
  small.max_operations = 100'000;
  const CompiledLogic limited = CompiledLogic::compile(rule, small);
  const std::string message = resource_failure([&] { limited.evaluate(data); });
  EXPECT_EQ(message.rfind("resource exhausted:", 0), 0u) << message;

  // The default budget is enough.
  const Json result = CompiledLogic::compile(rule).evaluate(data);
  ASSERT_EQ(result.size(), 300u);
  EXPECT_EQ(result[299][299], Json(598));
}

TEST(JsonLogic, OversizedMerge) {
  LogicLimits small;
  small.max_array = 10;
  const CompiledLogic merge =
      CompiledLogic::compile(Json::parse(R"({"merge": [{"var": "a"}, {"var": "a"}]})"), small);
  EXPECT_EQ(merge.evaluate(Json::parse(R"({"a": [1, 2, 3, 4, 5]})")).size(), 10u);
  std::string message =
      resource_failure([&] { merge.evaluate(Json::parse(R"({"a": [1, 2, 3, 4, 5, 6]})")); });
  EXPECT_EQ(message.rfind("resource exhausted:", 0), 0u) << message;

  // Doubling an array twenty times passes the default limit of 100,000.
  const CompiledLogic doubling = CompiledLogic::compile(Json::parse(
      R"({"reduce": [{"var": "n"},
                     {"merge": [{"var": "accumulator"}, {"var": "accumulator"}]}, [1]]})"));
  Json n = Json::array();
  for (int i = 0; i < 20; ++i) n.push_back(i);
  message = resource_failure([&] { doubling.evaluate({{"n", n}}); });
  EXPECT_EQ(message.rfind("resource exhausted:", 0), 0u) << message;
}

TEST(JsonLogic, ReusableAndThreadSafe) {
  const CompiledLogic rule = CompiledLogic::compile(Json::parse(
      R"({"if": [{">=": [{"var": "volume"}, 100]},
                 {"cat": ["gold-", {"var": "id"}]},
                 {"reduce": [{"var": "orders"},
                             {"+": [{"var": "accumulator"}, {"var": "current.amount"}]}, 0]}]})"));
  auto data_for = [](int i) {
    return Json{{"id", i}, {"volume", i % 200}, {"orders", {{{"amount", i}}, {{"amount", 1}}}}};
  };
  auto expected_for = [](int i) {
    return i % 200 >= 100 ? Json("gold-" + std::to_string(i)) : Json(i + 1);
  };
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t * 1000; i < (t + 1) * 1000; ++i) {
        if (rule.evaluate(data_for(i)) != expected_for(i)) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
  // A copy shares the tree and gives the same answers.
  const CompiledLogic copy = rule;
  EXPECT_EQ(copy.evaluate(data_for(150)), Json("gold-150"));
}

}  // namespace
}  // namespace downline

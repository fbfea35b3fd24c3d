// Company::export_tree: the exact CSV of a small tree, JSON nesting, DOT
// structure and escaping, depth limits, visibility and errors.
#include <downline/downline.hpp>

#include "support/company_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace downline {
namespace {

using testing::admin;

EnrollmentRequest person(const std::string& first, const std::string& last,
                         const std::string& external_id, PersonId sponsor = {}) {
  EnrollmentRequest r;
  r.type = CustomerType::consultant;
  r.sponsor = sponsor;
  r.person.external_id = external_id;
  r.person.first_name = first;
  r.person.last_name = last;
  r.person.email = external_id + "@example.com";
  return r;
}

TreeExportOptions as(TreeFormat format, std::optional<std::uint32_t> max_depth = {},
                     std::string network = kSponsorNetwork) {
  TreeExportOptions o;
  o.format = format;
  o.max_depth = max_depth;
  o.network = std::move(network);
  return o;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::size_t count_matching(const std::string& text, const std::regex& re) {
  std::size_t n = 0;
  for (const auto& line : lines(text)) n += std::regex_match(line, re) ? 1 : 0;
  return n;
}

// root ─ ana ─ carla ─ eva
//      └ bruno
// Names hold a comma, a double quote, a backslash and non-ASCII letters.
class TreeExport : public ::testing::Test {
 protected:
  void SetUp() override {
    root = enroll(person("Root", "Org", "R"));
    ana = enroll(person("Ana", "Pérez, Jr.", "A", root));
    bruno = enroll(person("Bruno", "Ñúñez", "B", root));
    carla = enroll(person("Carla \"La Jefa\"", "Díaz", "C", ana));
    eva = enroll(person("Eva", "Back\\Slash", "E", carla));
  }

  PersonId enroll(const EnrollmentRequest& r) {
    auto out = co.enroll(admin(), r);
    EXPECT_TRUE(out.accepted);
    return out.person;
  }

  // The slot the library's queries give `id` under its sponsor, as text.
  std::string position(PersonId id) const {
    if (id == root) return std::to_string(co.upline(admin(), ana, kSponsorNetwork, 1)[0].position);
    for (const auto& m : co.downline(admin(), root).members)
      if (m.id == id) return std::to_string(m.position);
    ADD_FAILURE() << "no person " << id.value();
    return "";
  }

  Company co = Company::open("memory:", testing::kConfig);
  PersonId root, ana, bruno, carla, eva;
};

TEST_F(TreeExport, CsvIsOneQuotedRowPerPersonInPreOrder) {
  // Ids 1..5 in enrollment order; pre-order is root, ana, carla, eva, bruno.
  ASSERT_EQ(root.value(), 1);
  ASSERT_EQ(eva.value(), 5);
  const std::string expected =
      "id,external_id,name,parent,level,relative_level,position,type,status,path\n"
      "1,R,Root Org,,0,0," +
      position(root) +
      ",consultant,active,1\n"
      "2,A,\"Ana Pérez, Jr.\",1,1,1," +
      position(ana) +
      ",consultant,active,1.2\n"
      "4,C,\"Carla \"\"La Jefa\"\" Díaz\",2,2,2," +
      position(carla) +
      ",consultant,active,1.2.4\n"
      "5,E,Eva Back\\Slash,4,3,3," +
      position(eva) +
      ",consultant,active,1.2.4.5\n"
      "3,B,Bruno Ñúñez,1,1,1," +
      position(bruno) + ",consultant,active,1.3\n";
  EXPECT_EQ(co.export_tree(admin(), root, as(TreeFormat::csv)), expected);
}

TEST_F(TreeExport, CsvOfASubtreeCountsLevelsFromItsRoot) {
  const std::string expected =
      "id,external_id,name,parent,level,relative_level,position,type,status,path\n"
      "4,C,\"Carla \"\"La Jefa\"\" Díaz\",2,2,0," +
      position(carla) +
      ",consultant,active,1.2.4\n"
      "5,E,Eva Back\\Slash,4,3,1," +
      position(eva) + ",consultant,active,1.2.4.5\n";
  EXPECT_EQ(co.export_tree(admin(), carla, as(TreeFormat::csv)), expected);
}

TEST_F(TreeExport, JsonNestsExactlyAsTheTreeInPreOrder) {
  const std::string text = co.export_tree(admin(), root);  // JSON is the default
  const auto doc = nlohmann::ordered_json::parse(text);

  // Keys in their documented order.
  std::vector<std::string> keys;
  for (const auto& [key, value] : doc.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"id", "external_id", "name", "parent", "level",
                                            "relative_level", "position", "type", "status", "path",
                                            "children"}));

  // Walked in pre-order, the document lists the same persons as downline(),
  // each child naming the object it sits in as its parent.
  std::vector<std::string> ids;
  std::vector<std::string> names;
  std::function<void(const nlohmann::ordered_json&)> walk = [&](const auto& node) {
    ids.push_back(node["id"].template get<std::string>());
    names.push_back(node["name"].template get<std::string>());
    for (const auto& child : node["children"]) {
      EXPECT_EQ(child["parent"], node["id"]);
      EXPECT_EQ(child["level"].template get<int>(), node["level"].template get<int>() + 1);
      EXPECT_EQ(
          child["path"].template get<std::string>(),
          node["path"].template get<std::string>() + "." + child["id"].template get<std::string>());
      walk(child);
    }
  };
  walk(doc);
  std::vector<std::string> expected{std::to_string(root.value())};
  for (const auto& m : co.downline(admin(), root).members)
    expected.push_back(std::to_string(m.id.value()));
  EXPECT_EQ(ids, expected);
  EXPECT_EQ(names, (std::vector<std::string>{"Root Org", "Ana Pérez, Jr.", "Carla \"La Jefa\" Díaz",
                                             "Eva Back\\Slash", "Bruno Ñúñez"}));

  EXPECT_EQ(doc["parent"], nullptr);
  EXPECT_EQ(doc["external_id"], "R");
  EXPECT_EQ(doc["type"], "consultant");
  EXPECT_EQ(doc["status"], "active");
  EXPECT_EQ(doc["path"], "1");
  ASSERT_EQ(doc["children"].size(), 2u);
  EXPECT_EQ(doc["children"][0]["id"], "2");
  EXPECT_EQ(doc["children"][1]["id"], "3");
  EXPECT_EQ(doc["children"][0]["children"][0]["children"][0]["path"], "1.2.4.5");
  EXPECT_EQ(doc["children"][0]["children"][0]["children"][0]["relative_level"], 3);
  EXPECT_TRUE(doc["children"][1]["children"].empty());
}

TEST_F(TreeExport, MaxDepthLimitsTheLevelsWritten) {
  // 0: the person alone.
  EXPECT_EQ(lines(co.export_tree(admin(), root, as(TreeFormat::csv, 0))).size(), 2u);
  const auto alone = nlohmann::json::parse(co.export_tree(admin(), root, as(TreeFormat::json, 0)));
  EXPECT_EQ(alone["id"], "1");
  EXPECT_TRUE(alone["children"].empty());
  // 1: direct recruits only.
  const auto one = nlohmann::json::parse(co.export_tree(admin(), root, as(TreeFormat::json, 1)));
  ASSERT_EQ(one["children"].size(), 2u);
  EXPECT_TRUE(one["children"][0]["children"].empty());
  const std::string csv = co.export_tree(admin(), root, as(TreeFormat::csv, 1));
  EXPECT_EQ(lines(csv).size(), 4u);  // header, root, ana, bruno
  // 2 below ana reaches eva; 1 does not.
  EXPECT_NE(co.export_tree(admin(), ana, as(TreeFormat::csv, 2)).find("\n5,E,"), std::string::npos);
  EXPECT_EQ(co.export_tree(admin(), ana, as(TreeFormat::csv, 1)).find("\n5,E,"), std::string::npos);
  // Deeper than the tree: everything.
  EXPECT_EQ(co.export_tree(admin(), root, as(TreeFormat::csv, 100)),
            co.export_tree(admin(), root, as(TreeFormat::csv)));
}

TEST_F(TreeExport, DotHasOneNodePerPersonAndOneEdgePerParentLink) {
  const std::string dot = co.export_tree(admin(), root, as(TreeFormat::dot));
  EXPECT_EQ(dot.rfind("digraph downline {\n", 0), 0u) << dot;
  EXPECT_NE(dot.find("rankdir=TB;"), std::string::npos);
  EXPECT_TRUE(dot.ends_with("}\n"));
  EXPECT_EQ(count_matching(dot, std::regex(R"(  "\d+" \[label=".*"\];)")), 5u) << dot;
  EXPECT_EQ(count_matching(dot, std::regex(R"(  "\d+" -> "\d+";)")), 4u) << dot;
  EXPECT_NE(dot.find("  \"2\" -> \"4\";\n"), std::string::npos);
  EXPECT_NE(dot.find("  \"1\" -> \"3\";\n"), std::string::npos);
  // The quote and the backslash are escaped; \n breaks the label's line.
  EXPECT_NE(dot.find(R"([label="Carla \"La Jefa\" Díaz #4\nconsultant / active"];)"),
            std::string::npos)
      << dot;
  EXPECT_NE(dot.find(R"([label="Eva Back\\Slash #5\nconsultant / active"];)"), std::string::npos)
      << dot;
  // Depth 1: root and two recruits.
  const std::string shallow = co.export_tree(admin(), root, as(TreeFormat::dot, 1));
  EXPECT_EQ(count_matching(shallow, std::regex(R"(  "\d+" \[label=".*"\];)")), 3u);
  EXPECT_EQ(count_matching(shallow, std::regex(R"(  "\d+" -> "\d+";)")), 2u);
}

TEST_F(TreeExport, DotRendersWithGraphviz) {
#ifndef DOWNLINE_DOT_EXECUTABLE
  GTEST_SKIP() << "Graphviz `dot` was not found when the build was configured";
#else
  const auto dir = std::filesystem::temp_directory_path() / "downline-tests";
  std::filesystem::create_directories(dir);
  const auto base = dir / ("tree-" + std::to_string(::getpid()));
  const std::string dot_path = base.string() + ".dot", svg_path = base.string() + ".svg";
  std::ofstream(dot_path, std::ios::binary) << co.export_tree(admin(), root, as(TreeFormat::dot));
  const std::string command = std::string("\"") + DOWNLINE_DOT_EXECUTABLE + "\" -Tsvg \"" +
                              dot_path + "\" -o \"" + svg_path + "\"";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  EXPECT_GT(std::filesystem::file_size(svg_path), 0u);
  std::filesystem::remove(dot_path);
  std::filesystem::remove(svg_path);
#endif
}

TEST_F(TreeExport, ConsultantExportsOnlyTheirOwnDownline) {
  const auto as_ana = Actor::of_person(ana);
  const std::string csv = co.export_tree(as_ana, ana, as(TreeFormat::csv));
  const auto rows = lines(csv);
  ASSERT_EQ(rows.size(), 4u) << csv;  // header, ana, carla, eva
  // Her sponsor is not hers to see: no parent, and the path starts with her.
  EXPECT_EQ(rows[1], "2,A,\"Ana Pérez, Jr.\",,1,0," + position(ana) + ",consultant,active,2");
  EXPECT_TRUE(rows[3].starts_with("5,E,")) << rows[3];
  EXPECT_THROW(co.export_tree(as_ana, root), PermissionDenied);
  EXPECT_THROW(co.export_tree(as_ana, bruno, as(TreeFormat::dot)), PermissionDenied);
}

TEST_F(TreeExport, ReferralTreeSkipsPersonsTheConsultantMayNotSee) {
  // xavier: sponsored by root (hidden from ana), referred by ana; yara:
  // sponsored by ana (hers), referred by xavier.
  auto x = person("Xavier", "Hidden", "X", root);
  x.referrer = ana;
  const PersonId xavier = enroll(x);
  auto y = person("Yara", "Seen", "Y", ana);
  y.referrer = xavier;
  const PersonId yara = enroll(y);
  const auto as_ana = Actor::of_person(ana);

  const auto doc = nlohmann::json::parse(
      co.export_tree(as_ana, ana, as(TreeFormat::json, {}, kReferralNetwork)));
  const std::string text = doc.dump();
  EXPECT_EQ(text.find("Xavier"), std::string::npos) << text;
  // Yara hangs from the nearest person written above her: ana.
  bool found = false;
  for (const auto& child : doc["children"])
    if (child["id"] == std::to_string(yara.value())) {
      found = true;
      EXPECT_EQ(child["parent"], std::to_string(xavier.value()));
      EXPECT_EQ(child["path"], co.network_id(as_ana, yara, kReferralNetwork));
    }
  EXPECT_TRUE(found) << text;

  const std::string dot = co.export_tree(as_ana, ana, as(TreeFormat::dot, {}, kReferralNetwork));
  EXPECT_NE(dot.find("  \"2\" -> \"" + std::to_string(yara.value()) + "\" [style=dashed];\n"),
            std::string::npos)
      << dot;
  EXPECT_EQ(dot.find("\"" + std::to_string(xavier.value()) + "\""), std::string::npos) << dot;
  // The administrator sees xavier and the plain edge.
  EXPECT_NE(co.export_tree(admin(), ana, as(TreeFormat::dot, {}, kReferralNetwork))
                .find("  \"" + std::to_string(xavier.value()) + "\" -> \"" +
                      std::to_string(yara.value()) + "\";\n"),
            std::string::npos);
}

TEST_F(TreeExport, UnknownPersonOrNetworkIsNotFound) {
  try {
    co.export_tree(admin(), PersonId{99});
    FAIL() << "expected NotFound";
  } catch (const NotFound& e) {
    EXPECT_EQ(e.field(), "person");
  }
  try {
    co.export_tree(admin(), root, as(TreeFormat::csv, {}, "nope"));
    FAIL() << "expected NotFound";
  } catch (const NotFound& e) {
    EXPECT_EQ(e.field(), "network");
  }
}

TEST_F(TreeExport, SameTreeGivesByteIdenticalOutput) {
  for (auto format : {TreeFormat::json, TreeFormat::csv, TreeFormat::dot}) {
    EXPECT_EQ(co.export_tree(admin(), root, as(format)), co.export_tree(admin(), root, as(format)));
  }
}

TEST(TreeExportSqlite, ReopenedCompanyExportsTheSameText) {
  const std::string path = testing::temp_db("tree-export");
  std::string before;
  {
    auto co = Company::open("sqlite:" + path, testing::kConfig);
    const auto root = co.enroll(admin(), person("Root", "Org", "R")).person;
    co.enroll(admin(), person("Zoë", "O'Neil, \"Z\"", "Z", root));
    before = co.export_tree(admin(), root, as(TreeFormat::csv));
  }
  auto co = Company::open("sqlite:" + path, testing::kConfig);
  EXPECT_EQ(co.export_tree(admin(), PersonId{1}, as(TreeFormat::csv)), before);
  EXPECT_NE(before.find("\"Zoë O'Neil, \"\"Z\"\"\""), std::string::npos) << before;
}

TEST(TreeExportLarge, DeepChainClosesEveryLevel) {
  // Nesting by a stack over the pre-order: 3000 levels, 3000 closings. (Paths
  // make the text of a chain quadratic, so it stays short.)
  auto co = Company::open("memory:", testing::kConfig);
  constexpr int kDepth = 3000;
  std::vector<EnrollmentRequest> batch;
  for (int i = 1; i <= kDepth; ++i) {
    auto r = person("P" + std::to_string(i), "Chain", "P" + std::to_string(i));
    if (i > 1) r.sponsor_external_id = "P" + std::to_string(i - 1);
    batch.push_back(r);
  }
  ASSERT_TRUE(co.enroll_many(admin(), batch).accepted);
  std::string closing;
  for (int i = 0; i < kDepth; ++i) closing += "]}";
  const std::string json = co.export_tree(admin(), PersonId{1});
  EXPECT_TRUE(json.ends_with("\"children\":[" + closing)) << json.substr(json.size() - 200);
  EXPECT_EQ(lines(co.export_tree(admin(), PersonId{1}, as(TreeFormat::csv))).size(), kDepth + 1u);
  EXPECT_EQ(count_matching(co.export_tree(admin(), PersonId{1}, as(TreeFormat::dot, 10)),
                           std::regex(R"(  "\d+" -> "\d+";)")),
            10u);
}

}  // namespace
}  // namespace downline

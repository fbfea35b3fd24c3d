// What enrollment keeps beside the person (issue 4): configuration of the
// enrollment catalogs, contract versions that are never edited in place,
// internal identifications, extended fields seen by the rules, status
// changes, profile completion.
#include <downline/downline.hpp>

#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace downline::testing {
namespace {

std::string digest(char c) {
  return "sha256:" + std::string(64, c);
}

EnrollmentRequest with_contracts(EnrollmentRequest r, std::vector<ContractRef> contracts) {
  r.accepted_contracts = std::move(contracts);
  return r;
}

TEST(EnrollmentConfig, ErrorsNameTheirPath) {
  const std::string d = digest('1');
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"extended_fields": [{"id": "a"}]})", "extended_fields[0].slot"},
      {R"({"extended_fields": [{"slot": 21, "id": "a"}]})", "extended_fields[0].slot"},
      {R"({"extended_fields": [{"slot": 1, "id": "A b"}]})", "extended_fields[0].id"},
      {R"({"extended_fields": [{"slot": 1, "id": "a", "type": "money"}]})",
       "extended_fields[0].type"},
      {R"({"extended_fields": [{"slot": 1, "id": "a", "type": "choice"}]})",
       "extended_fields[0].options"},
      {R"({"extended_fields": [{"slot": 1, "id": "a", "options": ["x"]}]})",
       "extended_fields[0].options"},
      {R"({"extended_fields": [{"slot": 1, "id": "a"}, {"slot": 1, "id": "b"}]})",
       "extended_fields[1].slot"},
      {R"({"extended_fields": [{"slot": 1, "id": "a"}, {"slot": 2, "id": "a"}]})",
       "extended_fields[1].id"},
      {R"({"document_types": [{"id": "CC", "mask": ""}, {"id": "CC"}]})", "document_types[1].id"},
      {R"({"document_types": [{"id": "CC", "mask": "...."}]})", "document_types[0].mask"},
      {R"({"document_types": [{"id": "CC", "countries": ["Colombia"]}]})",
       "document_types[0].countries[0]"},
      {R"({"masks": [{"country": "CO", "birth_date": "DD/MM/YY"}]})", "masks[0].birth_date"},
      {R"({"masks": [{"country": "CO", "phone": "--"}]})", "masks[0].phone"},
      {R"({"attachment_types": [{"id": "x", "extensions": [".pdf"]}]})",
       "attachment_types[0].extensions[0]"},
      {R"({"attachment_types": [{"id": "x", "extensions": []}]})",
       "attachment_types[0].extensions"},
      {R"({"contracts": [{"id": "t", "digest": "abc"}]})", "contracts[0].digest"},
      {R"({"contracts": [{"id": "t", "digest": ")" + d + R"(", "ranks": ["gold"]}]})",
       "contracts[0].ranks"},
      {R"({"contracts": [{"id": "t", "digest": ")" + d + R"("}, {"id": "t", "digest": ")" + d +
           R"("}]})",
       "contracts[1].version"},
      {R"({"blacklist_reasons": ["fraud", "fraud"]})", "blacklist_reasons[1]"},
      {R"({"enrollment": {"identification": "passport"}})", "enrollment.identification"},
      {R"({"enrollment": {"identification": "document"}})", "enrollment.identification"},
      {R"({"enrollment": {"sponsor_types": ["vip"]}})", "enrollment.sponsor_types"},
      {R"({"enrollment": {"unique_email": "yes"}})", "enrollment.unique_email"},
      {R"({"enrollment": {"internal_prefix": "id-"}})", "enrollment.internal_prefix"},
  };
  for (const auto& [config, field] : bad) expect_config_error(config, field);
}

std::string contract_config(const std::string& versions) {
  return R"({"ranks": [{"id": "director"}], "contracts": [)" + versions + "]}";
}

TEST(Contracts, AnAcceptedVersionIsNeverEditedInPlace) {
  const std::string path = temp_db("contracts-history");
  const std::string v1 = R"({"id": "terms", "version": 1, "digest": ")" + digest('1') + R"("})";
  PersonId ana;
  {
    auto co = Company::open("sqlite:" + path, contract_config(v1));
    auto out = co.enroll(admin(), with_contracts(request("ana"), {{"terms", 1}}));
    ASSERT_TRUE(out.accepted);
    ana = out.person;
  }
  // The same version with other content: refused, naming the version.
  const std::string edited = R"({"id": "terms", "version": 1, "digest": ")" + digest('9') + R"("})";
  try {
    Company::open("sqlite:" + path, contract_config(edited));
    ADD_FAILURE() << "an edited contract was accepted";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "contracts[0].digest");
  }
  // A new version, the old one deactivated: the person has it pending.
  const std::string v2 = R"({"id": "terms", "version": 1, "active": false, "digest": ")" +
                         digest('1') + R"("}, {"id": "terms", "version": 2, "digest": ")" +
                         digest('2') + R"("})";
  auto co = Company::open("sqlite:" + path, contract_config(v2));
  auto pending = co.pending_contracts(admin(), ana);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].version, 2u);
  // A newcomer must accept the new version; the old one is inactive.
  auto old = co.enroll(admin(), with_contracts(request("bea"), {{"terms", 1}}));
  ASSERT_FALSE(old.accepted);
  EXPECT_EQ(old.findings[0].reason, "contract_inactive");
  EXPECT_THROW(co.accept_contract(admin(), ana, {"terms", 1}, "login"), FailedPrecondition);
  co.accept_contract(Actor::of_person(ana), ana, {"terms", 2}, "login");
  EXPECT_TRUE(co.pending_contracts(admin(), ana).empty());
  const auto report = co.acceptances_of(admin(), "terms");
  ASSERT_EQ(report.size(), 2u);
  EXPECT_EQ(report[0].contract.version, 1u);
  EXPECT_EQ(report[0].channel, "registration");
  EXPECT_EQ(report[1].contract.version, 2u);
  EXPECT_EQ(report[1].digest, digest('2'));
}

TEST(Contracts, AContractForARankIsPendingOnceTheRankIsHeld) {
  const std::string config = contract_config(
      R"({"id": "pact", "ranks": ["director"], "digest": ")" + digest('5') + R"("})");
  auto co = Company::open("memory:", config);
  auto ana = co.enroll(admin(), request("ana")).person;
  EXPECT_TRUE(co.pending_contracts(admin(), ana).empty());
  EXPECT_THROW(co.accept_contract(admin(), ana, {"pact", 1}, "profile"), FailedPrecondition);
  co.change_rank(admin(), {ana, "director", "2026-11", {}, ""});
  ASSERT_EQ(co.pending_contracts(admin(), ana).size(), 1u);
  co.accept_contract(admin(), ana, {"pact", 1}, "profile");
  EXPECT_TRUE(co.pending_contracts(admin(), ana).empty());
}

TEST(Identification, InternalIdentificationsAreConsecutive) {
  auto co = Company::open(
      "memory:", R"({"enrollment": {"identification": "internal", "internal_prefix": "AC"}})");
  auto first = co.enroll(admin(), request("a"));
  auto second = co.enroll(admin(), request("b", first.person));
  ASSERT_TRUE(first.accepted && second.accepted);
  EXPECT_EQ(co.person(admin(), first.person).data.document_number, "AC0000000001");
  EXPECT_EQ(co.person(admin(), second.person).data.document_number, "AC0000000002");
  EXPECT_EQ(co.person(admin(), second.person).data.document_type, "internal");
  auto given = request("c", first.person);
  given.person.document_number = "123";
  auto out = co.enroll(admin(), given);
  ASSERT_FALSE(out.accepted);
  EXPECT_EQ(out.findings[0].reason, "document_not_asked");
  EXPECT_EQ(out.findings[0].field, "person.document_number");
}

TEST(Identification, WithoutADocumentTypeADocumentIsOptionalButChecked) {
  auto co = Company::open("memory:", R"({"document_types": [{"id": "PAS"}]})");
  EXPECT_TRUE(co.enroll(admin(), request("a")).accepted);
  auto r = request("b");
  r.person.document_type = "PAS";
  r.person.document_number = "ab-12 34";
  auto out = co.enroll(admin(), r);
  ASSERT_TRUE(out.accepted);
  EXPECT_EQ(co.person(admin(), out.person).data.document_number, "AB1234");
}

TEST(ExtendedFields, AreStoredCanonicalAndSeenByTheRules) {
  const std::string config = R"({
    "segments": [{"id": "big_family"}],
    "extended_fields": [{"slot": 3, "id": "children", "type": "integer"},
                        {"slot": 4, "id": "income", "type": "decimal"}],
    "rules": [{"id": "family", "trigger": "enrollment",
               "when": {">=": [{"var": "person.extended.3"}, 3]},
               "then": [{"action": "flag_for_review", "reason": "large family"}]}]})";
  const std::string path = temp_db("extended");
  PersonId id;
  {
    auto co = Company::open("sqlite:" + path, config);
    auto r = request("a");
    r.person.extended = {{"children", "+04"}, {"income", "1250.50"}};
    auto out = co.enroll(admin(), r);
    ASSERT_TRUE(out.accepted);
    ASSERT_EQ(out.decisions.size(), 1u);
    EXPECT_EQ(out.decisions[0].rule, "family");
    id = out.person;
    auto small = request("b", id);
    small.person.extended = {{"children", "1"}};
    EXPECT_TRUE(co.enroll(admin(), small).decisions.empty());
  }
  auto co = Company::open("sqlite:" + path, config);
  const auto extended = co.person(admin(), id).data.extended;
  EXPECT_EQ(extended.at("children"), "4");
  EXPECT_EQ(extended.at("income"), "1250.5");
}

TEST(StatusChanges, AreRecordedAppliedAndSeenByOtherProcesses) {
  const std::string path = temp_db("status");
  auto co = Company::open("sqlite:" + path, kConfig);
  auto leader = co.enroll(admin(), request("leader")).person;
  auto recruit = co.enroll(admin(), request("recruit", leader)).person;
  auto other = Company::open("sqlite:" + path, kConfig);
  const EventSeq seq = co.change_status(admin(), {recruit, Status::inactive, "no orders"});
  EXPECT_EQ(co.events(admin(), EventSeq{seq.value() - 1}, 1)[0].kind, "inactivated");
  EXPECT_EQ(other.person(admin(), recruit).status, Status::inactive);
  // An inactive sponsor enrolls no one.
  auto out = other.enroll(admin(), request("late", recruit));
  ASSERT_FALSE(out.accepted);
  EXPECT_EQ(out.findings[0].reason, "sponsor_inactive");
  EXPECT_THROW(other.change_status(Actor::of_person(recruit), {recruit, Status::active, ""}),
               PermissionDenied);
  EXPECT_THROW(other.change_status(Actor::of_person(leader), {recruit, Status::blocked, ""}),
               PermissionDenied);
  other.change_status(Actor::of_person(leader), {recruit, Status::active, "back"});
  EXPECT_EQ(co.person(admin(), recruit).status, Status::active);
  EXPECT_THROW(co.change_status(admin(), {PersonId{99}, Status::active, ""}), NotFound);
}

TEST(ProfileCompletion, CountsFieldsExtendedFieldsAndAttachments) {
  auto co = Company::open("memory:", R"({
    "extended_fields": [{"slot": 1, "id": "co_debtor"}, {"slot": 2, "id": "reference"}],
    "attachment_types": [{"id": "id_copy", "extensions": ["pdf"]}]})");
  auto r = request("a");
  r.person.extended = {{"co_debtor", "Luis"}};
  auto id = co.enroll(admin(), r).person;
  const ProfileCompletion p = co.profile_completion(admin(), id);
  // first, last name and e-mail of 7 person fields, 1 of 2 extended, 0 of 1 attachment.
  EXPECT_EQ(p.filled, 4u);
  EXPECT_EQ(p.total, 10u);
  EXPECT_EQ(p.percent, 40u);
  EXPECT_EQ(p.missing, (std::vector<std::string>{"person.phone", "person.country",
                                                 "person.document_number", "person.birth_date",
                                                 "extended.reference", "attachments.id_copy"}));
  EXPECT_THROW(co.profile_completion(Actor::of_person(PersonId{99}), id), PermissionDenied);
}

// Seed 004 §7.2.1.1: a document workflow opens one item per attachment; each
// is decided on its own and none changes the person's status.
TEST(DocumentWorkflow, OpensAnItemPerAttachmentDecidedOneByOne) {
  auto co = Company::open("memory:", R"({
    "attachment_types": [{"id": "id_copy", "extensions": ["pdf", "jpg"]},
                         {"id": "rut", "extensions": ["pdf"]}],
    "workflows": [{"item": "document", "steps": [{"id": "check", "roles": ["compliance"]}]}]})");
  auto r = request("a");
  r.attachments = {{"id_copy", "front.jpg", 2048, digest('a'), "s3://docs/front.jpg"},
                   {"rut", "rut.pdf", 4096, digest('b'), "s3://docs/rut.pdf"}};
  const EnrollmentOutcome out = co.enroll(admin(), r);
  ASSERT_TRUE(out.accepted);
  WorkItemQuery query;
  query.kind = WorkItemKind::document;
  query.person = out.person;
  std::vector<WorkItem> items = co.work_items(admin(), query);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].detail, "id_copy:front.jpg");
  EXPECT_EQ(items[1].detail, "rut:rut.pdf");
  EXPECT_EQ(items[0].roles, std::vector<std::string>{"compliance"});
  const Actor compliance = Actor::staff("carla", {"operator", "compliance"});
  const WorkItem approved = co.decide(compliance, {items[0].id, true, "", std::nullopt});
  EXPECT_EQ(approved.state, WorkItemState::approved);
  // The other stays open; the person's status is the enrollment's.
  items = co.work_items(admin(), query);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].detail, "rut:rut.pdf");
  EXPECT_THROW(co.decide(Actor::staff("sam", {"operator", "sales"}), {items[0].id, true, "", {}}),
               PermissionDenied);
  const WorkItem rejected = co.decide(compliance, {items[0].id, false, "illegible", {}});
  EXPECT_EQ(rejected.state, WorkItemState::rejected);
  EXPECT_EQ(co.person(admin(), out.person).status, Status::active);
  EXPECT_TRUE(co.work_items(admin(), query).empty());
}

}  // namespace
}  // namespace downline::testing

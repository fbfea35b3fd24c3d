// The bad-input catalogue of enrollment (issue 4, seed 004 §3.1 and 003
// §6.3.5–6.3.9): each case breaks one thing of an otherwise valid request
// and must come back with its own finding (code, reason, field) and leave
// the store exactly as it was.
#include <downline/downline.hpp>

#include "storage/store.hpp"
#include "support/company_fixture.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace downline::testing {
namespace {

std::string digest(char c) {
  return "sha256:" + std::string(64, c);
}

std::string catalogue_config() {
  return R"({
    "company": {"name": "Catalogue", "currency": "COP", "time_zone": "America/Bogota"},
    "ranks": [{"id": "consultant", "name": "Consultant"}, {"id": "director", "name": "Director"}],
    "enrollment": {"required_fields": ["first_name", "last_name", "email"],
                   "unique_email": true, "identification": "document",
                   "territorial_coverage": true, "sponsor_types": ["consultant"]},
    "document_types": [
      {"id": "CC", "name": "Cédula", "countries": ["CO"], "mask": "##########"},
      {"id": "RUT", "name": "RUT", "countries": ["CL"], "mask": "########-*"},
      {"id": "PAS", "name": "Passport"}],
    "masks": [{"country": "CO", "phone": "### ### ## ##", "birth_date": "DD/MM/YYYY"}],
    "extended_fields": [
      {"slot": 1, "id": "co_debtor", "label": "Co-debtor", "max_length": 40},
      {"slot": 2, "id": "children", "type": "integer"},
      {"slot": 3, "id": "income", "type": "decimal"},
      {"slot": 4, "id": "since", "type": "date"},
      {"slot": 5, "id": "owns_car", "type": "boolean"},
      {"slot": 6, "id": "size", "type": "choice", "options": ["S", "M", "L"]},
      {"slot": 7, "id": "reference", "label": "Personal reference", "required": true}],
    "attachment_types": [
      {"id": "id_copy", "label": "Copy of the ID", "extensions": ["pdf", "jpg"],
       "mandatory": true, "max_bytes": 5000000},
      {"id": "rut", "extensions": ["pdf"]}],
    "contracts": [
      {"id": "terms", "version": 1, "title": "Terms", "digest": ")" +
         digest('1') + R"(", "active": false},
      {"id": "terms", "version": 2, "title": "Terms", "digest": ")" +
         digest('2') + R"("},
      {"id": "habeas", "version": 1, "title": "Habeas data", "countries": ["CO"], "digest": ")" +
         digest('3') + R"("},
      {"id": "cl_terms", "version": 1, "countries": ["CL"], "digest": ")" +
         digest('4') + R"("},
      {"id": "director_pact", "version": 1, "ranks": ["director"], "digest": ")" +
         digest('5') + R"("},
      {"id": "newsletter", "version": 1, "mandatory": false, "digest": ")" +
         digest('6') + R"("}],
    "blacklist_reasons": ["fraud", "chargebacks"]
  })";
}

EnrollmentRequest person_request(const std::string& ext, const std::string& document,
                                 const std::string& email, const std::string& zone) {
  EnrollmentRequest r;
  r.type = CustomerType::consultant;
  r.person.external_id = ext;
  r.person.first_name = "Ana";
  r.person.last_name = "Gómez";
  r.person.email = email;
  r.person.phone = "304 535 15 81";
  r.person.country = "CO";
  r.person.zone = zone;
  r.person.document_type = "CC";
  r.person.document_number = document;
  r.person.extended = {{"reference", "Luis"}};
  r.accepted_contracts = {{"terms", 2}, {"habeas", 1}};
  r.attachments = {{"id_copy", "id.pdf", 1000, digest('a'), "s3://bucket/id.pdf"}};
  return r;
}

BlacklistEntry bar(BlacklistKind kind, std::string value, std::string country, std::string reason) {
  BlacklistEntry e;
  e.kind = kind;
  e.value = std::move(value);
  e.country = std::move(country);
  e.reason = std::move(reason);
  return e;
}

struct Ids {
  PersonId leader, customer, south, inactive;
};

class EnrollmentCatalogue : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = temp_db("catalogue");
    company_.emplace(Company::open("sqlite:" + path_, catalogue_config()));
    auto enroll = [&](EnrollmentRequest r) {
      auto out = company_->enroll(admin(), r);
      EXPECT_TRUE(out.accepted) << (out.findings.empty() ? "" : out.findings[0].message);
      return out.person;
    };
    leader_ = enroll(person_request("L1", "1000000001", "leader@example.com", "north"));
    auto customer = person_request("C1", "1000000002", "customer@example.com", "north");
    customer.type = CustomerType::customer;
    customer.sponsor = leader_;
    customer.person.phone = "";
    customer_ = enroll(customer);
    auto south = person_request("S1", "1000000003", "south@example.com", "south");
    south.person.phone = "";
    south_ = enroll(south);
    auto taken = person_request("T1", "1111111111", "taken@example.com", "north");
    taken.sponsor = leader_;
    taken.person.phone = "";
    enroll(taken);
    auto inactive = person_request("I1", "1000000004", "inactive@example.com", "north");
    inactive.sponsor = leader_;
    inactive.person.phone = "";
    inactive_ = enroll(inactive);
    company_->add_to_blacklist(admin(), bar(BlacklistKind::document, "998.887.7766", "", "fraud"));
    company_->add_to_blacklist(admin(), bar(BlacklistKind::email, "Bad@Example.com", "", "fraud"));
    company_->add_to_blacklist(admin(),
                               bar(BlacklistKind::phone, "+57 300 123 4567", "CO", "chargebacks"));
    company_->change_status(admin(), {inactive_, Status::inactive, "left"});
  }

  // Every table's row count, through a connection of the test's own.
  std::string internal_counts() const {
    auto store = internal::open_store("sqlite:" + path_, {});
    const auto c = store->counts();
    return std::to_string(c.persons) + "/" + std::to_string(c.customers) + "/" +
           std::to_string(c.nodes) + "/" + std::to_string(c.events) + "/" +
           std::to_string(c.changes) + "/" + std::to_string(c.blacklist) + "/" +
           std::to_string(c.acceptances) + "/" + std::to_string(c.attachments);
  }

  EnrollmentRequest valid() const {
    auto r = person_request("N1", "1234567890", "ana@example.com", "north");
    r.sponsor = leader_;
    return r;
  }

  std::string path_;
  std::optional<Company> company_;
  PersonId leader_, customer_, south_, inactive_;
};

struct Case {
  const char* name;
  std::function<void(EnrollmentRequest&, const Ids&)> breaks;
  // Every finding the case must give, in order: reason, field, code.
  std::vector<std::tuple<std::string, std::string, Code>> expect;
};

constexpr Code kInvalid = Code::invalid_argument;
constexpr Code kExists = Code::already_exists;
constexpr Code kPrecondition = Code::failed_precondition;
constexpr Code kNotFound = Code::not_found;

using R = EnrollmentRequest;
using I = Ids;

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      // e-mail
      {"email without domain", [](R& r, const I&) { r.person.email = "ana@"; },
       {{"invalid_email", "person.email", kInvalid}}},
      {"email with two @", [](R& r, const I&) { r.person.email = "ana@@example.com"; },
       {{"invalid_email", "person.email", kInvalid}}},
      {"email with a space", [](R& r, const I&) { r.person.email = "an a@example.com"; },
       {{"invalid_email", "person.email", kInvalid}}},
      {"email without a dot in the domain", [](R& r, const I&) { r.person.email = "ana@example"; },
       {{"invalid_email", "person.email", kInvalid}}},
      {"email taken", [](R& r, const I&) { r.person.email = "taken@example.com"; },
       {{"duplicate_email", "person.email", kExists}}},
      {"email taken in another letter case",
       [](R& r, const I&) { r.person.email = "TAKEN@Example.com"; },
       {{"duplicate_email", "person.email", kExists}}},
      {"email blacklisted", [](R& r, const I&) { r.person.email = "bad@example.com"; },
       {{"blacklisted", "person.email", kPrecondition}}},
      {"email blacklisted in another letter case",
       [](R& r, const I&) { r.person.email = "BAD@example.COM"; },
       {{"blacklisted", "person.email", kPrecondition}}},
      // phones
      {"phone too short", [](R& r, const I&) { r.person.phone = "123"; },
       {{"invalid_phone", "person.phone", kInvalid}}},
      {"phone of letters", [](R& r, const I&) { r.person.phone = "abc"; },
       {{"invalid_phone", "person.phone", kInvalid}}},
      {"phone of another country", [](R& r, const I&) { r.person.phone = "+1 201 555 0123"; },
       {{"invalid_phone", "person.phone", kInvalid}}},
      {"phone too long", [](R& r, const I&) { r.person.phone = "304 535 15 81 99 99"; },
       {{"invalid_phone", "person.phone", kInvalid}}},
      {"phone with letters after it", [](R& r, const I&) { r.person.phone = "304 535 15 81 xyz"; },
       {{"invalid_phone", "person.phone", kInvalid}}},
      {"phone blacklisted", [](R& r, const I&) { r.person.phone = "300 123 4567"; },
       {{"blacklisted", "person.phone", kPrecondition}}},
      {"phone blacklisted in another format",
       [](R& r, const I&) { r.person.phone = "+57 (300) 123-45-67"; },
       {{"blacklisted", "person.phone", kPrecondition}}},
      // documents
      {"document too short for its mask", [](R& r, const I&) { r.person.document_number = "12345"; },
       {{"invalid_document", "person.document_number", kInvalid}}},
      {"document too long for its mask",
       [](R& r, const I&) { r.person.document_number = "12345678901"; },
       {{"invalid_document", "person.document_number", kInvalid}}},
      {"document with letters where digits go",
       [](R& r, const I&) { r.person.document_number = "12345678AB"; },
       {{"invalid_document", "person.document_number", kInvalid}}},
      {"document with a comma", [](R& r, const I&) { r.person.document_number = "1234,567890"; },
       {{"invalid_document", "person.document_number", kInvalid}}},
      {"document of no mask with symbols",
       [](R& r, const I&) {
         r.person.document_type = "PAS";
         r.person.document_number = "AB#123";
       },
       {{"invalid_document", "person.document_number", kInvalid}}},
      {"unknown document type", [](R& r, const I&) { r.person.document_type = "XX"; },
       {{"unknown_document_type", "person.document_type", kInvalid}}},
      {"document type of another country",
       [](R& r, const I&) {
         r.person.document_type = "RUT";
         r.person.document_number = "12345678-K";
       },
       {{"document_type_other_country", "person.document_type", kInvalid}}},
      {"document number missing", [](R& r, const I&) { r.person.document_number = ""; },
       {{"required", "person.document_number", kInvalid}}},
      {"document missing where the company asks for one",
       [](R& r, const I&) {
         r.person.document_type = "";
         r.person.document_number = "";
       },
       {{"required", "person.document_number", kInvalid}}},
      {"document number without its type", [](R& r, const I&) { r.person.document_type = ""; },
       {{"required", "person.document_type", kInvalid}}},
      {"document taken", [](R& r, const I&) { r.person.document_number = "1111111111"; },
       {{"duplicate_document", "person.document_number", kExists}}},
      {"document taken, written with separators",
       [](R& r, const I&) { r.person.document_number = "111.111.1111"; },
       {{"duplicate_document", "person.document_number", kExists}}},
      {"document blacklisted", [](R& r, const I&) { r.person.document_number = "9988877766"; },
       {{"blacklisted", "person.document_number", kPrecondition}}},
      {"document blacklisted in another format",
       [](R& r, const I&) { r.person.document_number = "998 887 7766"; },
       {{"blacklisted", "person.document_number", kPrecondition}}},
      // sponsor and referrer
      {"sponsor in another zone", [](R& r, const I& ids) { r.sponsor = ids.south; },
       {{"sponsor_other_zone", "sponsor", kPrecondition}}},
      {"enrollee in another zone", [](R& r, const I&) { r.person.zone = "south"; },
       {{"sponsor_other_zone", "sponsor", kPrecondition}}},
      {"self-sponsor",
       [](R& r, const I&) {
         r.sponsor = {};
         r.sponsor_external_id = "N1";
       },
       {{"self_sponsor", "sponsor_external_id", kInvalid}}},
      {"self-referrer", [](R& r, const I&) { r.referrer_external_id = "N1"; },
       {{"self_referrer", "referrer_external_id", kInvalid}}},
      {"unknown sponsor id", [](R& r, const I&) { r.sponsor = PersonId{999999}; },
       {{"sponsor_not_found", "sponsor", kNotFound}}},
      {"unknown sponsor external id",
       [](R& r, const I&) {
         r.sponsor = {};
         r.sponsor_external_id = "nobody";
       },
       {{"sponsor_not_found", "sponsor_external_id", kNotFound}}},
      {"sponsor given twice", [](R& r, const I&) { r.sponsor_external_id = "L1"; },
       {{"ambiguous_sponsor", "sponsor", kInvalid}}},
      {"inactive sponsor", [](R& r, const I& ids) { r.sponsor = ids.inactive; },
       {{"sponsor_inactive", "sponsor", kPrecondition}}},
      {"a customer may not sponsor", [](R& r, const I& ids) { r.sponsor = ids.customer; },
       {{"sponsor_not_allowed", "sponsor", kPrecondition}}},
      {"a customer may not refer", [](R& r, const I& ids) { r.referrer = ids.customer; },
       {{"sponsor_not_allowed", "referrer", kPrecondition}}},
      {"unknown referrer", [](R& r, const I&) { r.referrer = PersonId{999999}; },
       {{"referrer_not_found", "referrer", kNotFound}}},
      {"external id taken", [](R& r, const I&) { r.person.external_id = "T1"; },
       {{"duplicate_external_id", "person.external_id", kExists}}},
      // contracts
      {"mandatory contract missing", [](R& r, const I&) { r.accepted_contracts = {{"terms", 2}}; },
       {{"contract_required", "accepted_contracts", kPrecondition}}},
      {"no contract accepted", [](R& r, const I&) { r.accepted_contracts.clear(); },
       {{"contract_required", "accepted_contracts", kPrecondition},
        {"contract_required", "accepted_contracts", kPrecondition}}},
      {"inactive contract version",
       [](R& r, const I&) { r.accepted_contracts = {{"terms", 1}, {"habeas", 1}}; },
       {{"contract_inactive", "accepted_contracts[0]", kPrecondition},
        {"contract_required", "accepted_contracts", kPrecondition}}},
      {"unknown contract", [](R& r, const I&) { r.accepted_contracts.push_back({"nope", 1}); },
       {{"unknown_contract", "accepted_contracts[2]", kNotFound}}},
      {"unknown contract version",
       [](R& r, const I&) { r.accepted_contracts.push_back({"terms", 9}); },
       {{"unknown_contract", "accepted_contracts[2]", kNotFound}}},
      {"contract of another country",
       [](R& r, const I&) { r.accepted_contracts.push_back({"cl_terms", 1}); },
       {{"contract_not_applicable", "accepted_contracts[2]", kPrecondition}}},
      {"contract of a rank the person does not hold",
       [](R& r, const I&) { r.accepted_contracts.push_back({"director_pact", 1}); },
       {{"contract_not_applicable", "accepted_contracts[2]", kPrecondition}}},
      {"contract accepted twice",
       [](R& r, const I&) { r.accepted_contracts.push_back({"habeas", 1}); },
       {{"duplicate_contract", "accepted_contracts[2]", kInvalid}}},
      // attachments
      {"mandatory attachment missing", [](R& r, const I&) { r.attachments.clear(); },
       {{"attachment_required", "attachments", kInvalid}}},
      {"attachment of a wrong extension",
       [](R& r, const I&) { r.attachments[0].file_name = "id.docx"; },
       {{"attachment_extension", "attachments[0].file_name", kInvalid}}},
      {"attachment without extension", [](R& r, const I&) { r.attachments[0].file_name = "id"; },
       {{"attachment_extension", "attachments[0].file_name", kInvalid}}},
      {"attachment of an unknown type",
       [](R& r, const I&) {
         r.attachments.push_back({"selfie", "me.jpg", 10, digest('b'), ""});
       },
       {{"unknown_attachment_type", "attachments[1].type", kInvalid}}},
      {"attachment too large", [](R& r, const I&) { r.attachments[0].size_bytes = 5000001; },
       {{"attachment_too_large", "attachments[0].size_bytes", kInvalid}}},
      {"empty attachment", [](R& r, const I&) { r.attachments[0].size_bytes = 0; },
       {{"empty_attachment", "attachments[0].size_bytes", kInvalid}}},
      {"attachment with a bad digest", [](R& r, const I&) { r.attachments[0].digest = "md5:abc"; },
       {{"invalid_digest", "attachments[0].digest", kInvalid}}},
      {"second attachment type with a wrong extension",
       [](R& r, const I&) {
         r.attachments.push_back({"rut", "rut.jpg", 10, digest('c'), ""});
       },
       {{"attachment_extension", "attachments[1].file_name", kInvalid}}},
      // extended fields
      {"unknown extended field", [](R& r, const I&) { r.person.extended["hobby"] = "chess"; },
       {{"unknown_extended_field", "person.extended.hobby", kInvalid}}},
      {"integer field given a word", [](R& r, const I&) { r.person.extended["children"] = "two"; },
       {{"invalid_extended_field", "person.extended.children", kInvalid}}},
      {"integer field given a fraction",
       [](R& r, const I&) { r.person.extended["children"] = "2.5"; },
       {{"invalid_extended_field", "person.extended.children", kInvalid}}},
      {"decimal field with a comma", [](R& r, const I&) { r.person.extended["income"] = "12,5"; },
       {{"invalid_extended_field", "person.extended.income", kInvalid}}},
      {"date field on a day that does not exist",
       [](R& r, const I&) { r.person.extended["since"] = "2024-02-30"; },
       {{"invalid_extended_field", "person.extended.since", kInvalid}}},
      {"boolean field given yes", [](R& r, const I&) { r.person.extended["owns_car"] = "yes"; },
       {{"invalid_extended_field", "person.extended.owns_car", kInvalid}}},
      {"choice field off the list", [](R& r, const I&) { r.person.extended["size"] = "XL"; },
       {{"invalid_extended_field", "person.extended.size", kInvalid}}},
      {"text field over its length",
       [](R& r, const I&) { r.person.extended["co_debtor"] = std::string(41, 'x'); },
       {{"too_long", "person.extended.co_debtor", kInvalid}}},
      {"required extended field missing", [](R& r, const I&) { r.person.extended.clear(); },
       {{"required", "person.extended.reference", kInvalid}}},
      {"required extended field blank",
       [](R& r, const I&) { r.person.extended["reference"] = "  "; },
       {{"required", "person.extended.reference", kInvalid}}},
      {"extended field not UTF-8",
       [](R& r, const I&) { r.person.extended["co_debtor"] = "Jos\xe9"; },
       {{"invalid_utf8", "person.extended.co_debtor", kInvalid}}},
      // texts
      {"first name missing", [](R& r, const I&) { r.person.first_name = ""; },
       {{"required", "person.first_name", kInvalid}}},
      {"last name blank", [](R& r, const I&) { r.person.last_name = "  "; },
       {{"required", "person.last_name", kInvalid}}},
      {"first name oversized", [](R& r, const I&) { r.person.first_name = std::string(201, 'a'); },
       {{"too_long", "person.first_name", kInvalid}}},
      {"reason oversized", [](R& r, const I&) { r.reason = std::string(201, 'a'); },
       {{"too_long", "reason", kInvalid}}},
      {"first name not UTF-8", [](R& r, const I&) { r.person.first_name = "\xff"; },
       {{"invalid_utf8", "person.first_name", kInvalid}}},
      {"last name with a truncated sequence",
       [](R& r, const I&) { r.person.last_name = "G\xc3"; },
       {{"invalid_utf8", "person.last_name", kInvalid}}},
      {"channel with an overlong form", [](R& r, const I&) { r.channel = "\xe0\x80\xaf"; },
       {{"invalid_utf8", "channel", kInvalid}}},
      {"country not a code",
       [](R& r, const I&) {
         r.person.country = "Colombia";
         r.person.phone = "";
       },
       {{"invalid_country", "person.country", kInvalid},
        {"document_type_other_country", "person.document_type", kInvalid},
        {"contract_not_applicable", "accepted_contracts[1]", kPrecondition}}},
      {"phone without a country",
       [](R& r, const I&) {
         r.person.country = "";
         r.person.document_type = "PAS";
         r.accepted_contracts = {{"terms", 2}};
       },
       {{"invalid_phone", "person.phone", kInvalid}}},
      {"birth date in the future",
       [](R& r, const I&) { r.person.birth_date = LocalDate{2999, 1, 1}; },
       {{"invalid_birth_date", "person.birth_date", kInvalid}}},
  };
  return all;
}

TEST_F(EnrollmentCatalogue, EveryBadInputHasItsFindingAndWritesNothing) {
  ASSERT_GE(cases().size(), 60u);
  const Ids ids{leader_, customer_, south_, inactive_};
  std::set<std::string> reasons;
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    EnrollmentRequest r = valid();
    c.breaks(r, ids);
    const auto before = internal_counts();
    const auto last = company_->last_event();
    const EnrollmentOutcome out = company_->enroll(admin(), r);
    EXPECT_FALSE(out.accepted);
    std::vector<std::tuple<std::string, std::string, Code>> got;
    for (const Finding& f : out.findings) got.emplace_back(f.reason, f.field, f.code);
    EXPECT_EQ(got, c.expect);
    for (const Finding& f : out.findings) {
      EXPECT_FALSE(f.message.empty());
      reasons.insert(f.reason);
    }
    EXPECT_EQ(internal_counts(), before);
    EXPECT_EQ(company_->last_event(), last);
  }
  EXPECT_GE(reasons.size(), 35u);
}

TEST_F(EnrollmentCatalogue, TheValidRequestIsAccepted) {
  auto out = company_->enroll(admin(), valid());
  ASSERT_TRUE(out.accepted) << out.findings[0].field << ": " << out.findings[0].message;
  const Person p = company_->person(admin(), out.person);
  EXPECT_EQ(p.data.phone, "+573045351581");
  EXPECT_EQ(p.data.document_number, "1234567890");
  EXPECT_EQ(p.display.phone, "304 535 15 81");
}

}  // namespace
}  // namespace downline::testing

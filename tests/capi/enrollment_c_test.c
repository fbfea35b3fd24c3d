/* Enrollment with documents, phones, extended fields, contracts and
 * attachments; the blacklist, status changes, pending contracts and profile
 * completion, from a plain C99 program, with bad inputs. */
#include "downline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define DIGEST1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define DIGEST2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define DIGESTA "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const char kConfig[] =
    "{\"enrollment\":{\"unique_email\":true,\"identification\":\"document\"},"
    "\"document_types\":[{\"id\":\"CC\",\"countries\":[\"CO\"],\"mask\":\"##########\"}],"
    "\"masks\":[{\"country\":\"CO\",\"phone\":\"### ### ## ##\",\"birth_date\":\"DD/MM/YYYY\"}],"
    "\"extended_fields\":[{\"slot\":1,\"id\":\"co_debtor\"},"
    "{\"slot\":2,\"id\":\"children\",\"type\":\"integer\"}],"
    "\"attachment_types\":[{\"id\":\"id_copy\",\"extensions\":[\"pdf\"],\"mandatory\":true}],"
    "\"contracts\":[{\"id\":\"terms\",\"version\":1,\"digest\":\"" DIGEST1
    "\"},"
    "{\"id\":\"privacy\",\"version\":1,\"mandatory\":false,\"digest\":\"" DIGEST2
    "\"}],"
    "\"blacklist_reasons\":[\"fraud\"]}";
static const char kAdmin[] = "{\"login\":\"backend\",\"roles\":[\"admin\"]}";

/* A valid request for the person `ext` with document `doc` and e-mail
 * `email`, under `sponsor` (0: none). */
static void request_with(char *buf, size_t size, const char *ext, const char *doc,
                         const char *email, int sponsor, const char *children) {
  char sponsor_part[32] = "";
  if (sponsor > 0) snprintf(sponsor_part, sizeof sponsor_part, "\"sponsor\":\"%d\",", sponsor);
  snprintf(buf, size,
           "{%s\"person\":{\"external_id\":\"%s\",\"first_name\":\"Ana\",\"last_name\":\"G\","
           "\"email\":\"%s\",\"phone\":\"304 535 15 81\",\"country\":\"CO\","
           "\"birth_date\":\"1986-10-10\",\"document_type\":\"CC\",\"document_number\":\"%s\","
           "\"extended\":{\"co_debtor\":\"Luis\",\"children\":%s}},"
           "\"accepted_contracts\":[{\"contract\":\"terms\",\"version\":1}],"
           "\"attachments\":[{\"type\":\"id_copy\",\"file_name\":\"id.PDF\",\"size_bytes\":10,"
           "\"digest\":\"" DIGESTA "\",\"uri\":\"s3://b/id.pdf\"}]}",
           sponsor_part, ext, email, doc, children);
}

static void request(char *buf, size_t size, const char *ext, const char *doc, const char *email,
                    int sponsor) {
  request_with(buf, size, ext, doc, email, sponsor, "2");
}

static void test_enrollment(downline_company *co) {
  downline_buf out = DOWNLINE_BUF_INIT;
  char req[1024];
  int64_t event = 0;
  request(req, sizeof req, "L1", "123.456.7890", "Leader@Example.com", 0);
  CHECK_OK(downline_enroll_json(&out, co, kAdmin, req));
  CHECK_CONTAINS(out.ptr, "\"accepted\":true,\"person\":\"1\"");
  downline_buf_dispose(&out);
  CHECK_OK(downline_person_json(&out, co, kAdmin, 1));
  CHECK_CONTAINS(out.ptr, "\"phone\":\"+573045351581\"");
  CHECK_CONTAINS(out.ptr, "\"document_number\":\"1234567890\"");
  CHECK_CONTAINS(out.ptr, "\"extended\":{\"children\":\"2\",\"co_debtor\":\"Luis\"}");
  CHECK_CONTAINS(out.ptr,
                 "\"display\":{\"phone\":\"304 535 15 81\",\"birth_date\":\"10/10/1986\","
                 "\"document\":\"1234567890\"}");
  downline_buf_dispose(&out);

  /* Every finding at once: the e-mail taken in another case, the document
   * taken in another format, an extended field of the wrong type. */
  /* A fraction would lose a decimal's value: refused before any check. */
  request_with(req, sizeof req, "N1", "1234567890", "leader@example.com", 1, "2.5");
  CHECK_FAILS(downline_enroll_json(&out, co, kAdmin, req), DOWNLINE_INVALID_ARGUMENT,
              "person.extended.children");
  request(req, sizeof req, "N1", "1234567890", "leader@example.com", 1);
  CHECK_OK(downline_enroll_json(&out, co, kAdmin, req));
  CHECK_CONTAINS(out.ptr, "\"accepted\":false");
  CHECK_CONTAINS(out.ptr, "\"reason\":\"duplicate_email\",\"field\":\"person.email\"");
  CHECK_CONTAINS(out.ptr, "\"reason\":\"duplicate_document\",\"field\":\"person.document_number\"");
  downline_buf_dispose(&out);

  /* The blacklist bars a document in any format. */
  CHECK_OK(downline_blacklist_add_json(
      &event, co, kAdmin,
      "{\"kind\":\"document\",\"value\":\"555-555-5555\",\"reason\":\"fraud\",\"note\":\"x\"}"));
  CHECK(event > 0);
  request(req, sizeof req, "N2", "5555555555", "n2@example.com", 1);
  CHECK_OK(downline_enroll_json(&out, co, kAdmin, req));
  CHECK_CONTAINS(out.ptr, "\"reason\":\"blacklisted\",\"field\":\"person.document_number\"");
  downline_buf_dispose(&out);
  CHECK_OK(downline_blacklist_json(&out, co, kAdmin));
  CHECK_CONTAINS(out.ptr,
                 "\"kind\":\"document\",\"value\":\"555-555-5555\",\"key\":\"5555555555\"");
  downline_buf_dispose(&out);
  CHECK_STATUS(downline_blacklist_add_json(
                   &event, co, kAdmin,
                   "{\"kind\":\"document\",\"value\":\"5555555555\",\"reason\":\"fraud\"}"),
               DOWNLINE_ALREADY_EXISTS);
  CHECK_ERROR(
      downline_blacklist_add_json(&event, co, kAdmin,
                                  "{\"kind\":\"email\",\"value\":\"a@b.co\",\"reason\":\"spam\"}"),
      DOWNLINE_INVALID_ARGUMENT, "reason");
  CHECK_OK(downline_blacklist_remove_json(&event, co, kAdmin,
                                          "{\"kind\":\"document\",\"value\":\"5555555555\"}"));
  CHECK_STATUS(downline_blacklist_remove_json(&event, co, kAdmin,
                                              "{\"kind\":\"document\",\"value\":\"5555555555\"}"),
               DOWNLINE_NOT_FOUND);
  CHECK_OK(downline_enroll_json(&out, co, kAdmin, req));
  CHECK_CONTAINS(out.ptr, "\"accepted\":true,\"person\":\"2\"");
  downline_buf_dispose(&out);
}

static void test_contracts_and_profile(downline_company *co) {
  downline_buf out = DOWNLINE_BUF_INIT;
  int64_t event = 0;
  CHECK_OK(downline_contracts_json(&out, co));
  CHECK_CONTAINS(out.ptr, "{\"contract\":\"terms\",\"version\":1,\"title\":\"terms\"");
  downline_buf_dispose(&out);
  /* The optional privacy notice is pending until accepted at login. */
  CHECK_OK(downline_pending_contracts_json(&out, co, kAdmin, 2));
  CHECK_CONTAINS(out.ptr, "\"contract\":\"privacy\"");
  CHECK(strstr(out.ptr, "\"contract\":\"terms\"") == NULL);
  downline_buf_dispose(&out);
  CHECK_OK(downline_accept_contract_json(&event, co, "{\"login\":\"ana\",\"person\":\"2\"}", 2,
                                         "{\"contract\":\"privacy\",\"version\":1}", "login"));
  CHECK_OK(downline_pending_contracts_json(&out, co, kAdmin, 2));
  CHECK_STR(out.ptr, "[]");
  downline_buf_dispose(&out);
  CHECK_STATUS(downline_accept_contract_json(&event, co, kAdmin, 2,
                                             "{\"contract\":\"privacy\",\"version\":1}", "login"),
               DOWNLINE_ALREADY_EXISTS);
  CHECK_STATUS(downline_accept_contract_json(&event, co, kAdmin, 2,
                                             "{\"contract\":\"privacy\",\"version\":1}", "email"),
               DOWNLINE_INVALID_ARGUMENT);
  CHECK_STATUS(downline_accept_contract_json(&event, co, "{\"login\":\"ana\",\"person\":\"2\"}", 1,
                                             "{\"contract\":\"privacy\",\"version\":1}", "profile"),
               DOWNLINE_PERMISSION_DENIED);
  CHECK_OK(downline_contract_acceptances_json(&out, co, kAdmin, 2));
  CHECK_CONTAINS(out.ptr, "\"contract\":\"terms\",\"version\":1,\"digest\":\"" DIGEST1
                          "\",\"channel\":\"registration\"");
  CHECK_CONTAINS(out.ptr, "\"contract\":\"privacy\",\"version\":1,\"digest\":\"" DIGEST2
                          "\",\"channel\":\"login\"");
  downline_buf_dispose(&out);
  CHECK_OK(downline_acceptances_of_json(&out, co, kAdmin, "terms"));
  CHECK_CONTAINS(out.ptr, "{\"person\":\"1\",\"contract\":\"terms\"");
  CHECK_CONTAINS(out.ptr, "{\"person\":\"2\",\"contract\":\"terms\"");
  downline_buf_dispose(&out);
  CHECK_STATUS(downline_acceptances_of_json(&out, co, kAdmin, "nope"), DOWNLINE_NOT_FOUND);
  CHECK_OK(downline_attachments_json(&out, co, kAdmin, 2));
  CHECK_CONTAINS(out.ptr,
                 "\"type\":\"id_copy\",\"file_name\":\"id.PDF\",\"extension\":\"pdf\","
                 "\"size_bytes\":10");
  downline_buf_dispose(&out);
  /* 7 person fields + 2 extended + 1 attachment type, all filled. */
  CHECK_OK(downline_profile_completion_json(&out, co, kAdmin, 2));
  CHECK_STR(out.ptr, "{\"filled\":10,\"total\":10,\"percent\":100,\"missing\":[]}");
  downline_buf_dispose(&out);
}

static void test_status(downline_company *co) {
  downline_buf out = DOWNLINE_BUF_INIT;
  int64_t event = 0;
  CHECK_OK(downline_change_status_json(&event, co, kAdmin,
                                       "{\"person\":\"2\",\"status\":\"inactive\","
                                       "\"reason\":\"forced\"}"));
  CHECK_OK(downline_person_json(&out, co, kAdmin, 2));
  CHECK_CONTAINS(out.ptr, "\"status\":\"inactive\"");
  downline_buf_dispose(&out);
  CHECK_STATUS(
      downline_change_status_json(&event, co, kAdmin, "{\"person\":\"2\",\"status\":\"inactive\"}"),
      DOWNLINE_FAILED_PRECONDITION);
  /* The leader brings their recruit back; the recruit may not do it alone. */
  CHECK_STATUS(downline_change_status_json(&event, co, "{\"login\":\"ana\",\"person\":\"2\"}",
                                           "{\"person\":\"2\",\"status\":\"active\"}"),
               DOWNLINE_PERMISSION_DENIED);
  CHECK_OK(downline_change_status_json(&event, co, "{\"login\":\"lead\",\"person\":\"1\"}",
                                       "{\"person\":\"2\",\"status\":\"active\"}"));
  CHECK_STATUS(
      downline_change_status_json(&event, co, kAdmin, "{\"person\":\"2\",\"status\":\"gone\"}"),
      DOWNLINE_INVALID_ARGUMENT);
  CHECK_STATUS(downline_change_status_json(NULL, co, kAdmin, "{}"), DOWNLINE_INVALID_ARGUMENT);
}

int main(void) {
  downline_company *co = NULL;
  CHECK_OK(downline_company_open(&co, "memory:", kConfig, DOWNLINE_NUL_TERMINATED));
  test_enrollment(co);
  test_contracts_and_profile(co);
  test_status(co);
  downline_company_close(co);
  puts("enrollment_c_test: ok");
  return 0;
}

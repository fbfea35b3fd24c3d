/* Three journeys of seed 004 from a plain C99 program: a guest and their
 * quick-access code, a consultant through a two-step approval, and a credit
 * request approved with an amount; with bad inputs. */
#include "downline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const char kConfig[] =
    "{\"workflows\":[{\"item\":\"registration\",\"steps\":[{\"id\":\"sales\",\"roles\":[\"sales\"]}"
    ","
    "{\"id\":\"compliance\",\"roles\":[\"compliance\"]}]},"
    "{\"item\":\"credit_request\",\"steps\":[{\"id\":\"credit\",\"roles\":[\"credit\"]}]}],"
    "\"channels\":[{\"id\":\"web\",\"kind\":\"corporate_site\",\"forms\":{"
    "\"guest\":{\"required_fields\":[\"first_name\",\"email\"]},\"customer\":{},"
    "\"consultant\":{\"outcome\":\"pending_approval\"}}},"
    "{\"id\":\"backend\",\"kind\":\"backend\"}]}";
static const char kAdmin[] = "{\"login\":\"backend\",\"roles\":[\"admin\"]}";
static const char kSales[] = "{\"login\":\"sam\",\"roles\":[\"operator\",\"sales\"]}";
static const char kCompliance[] = "{\"login\":\"cleo\",\"roles\":[\"operator\",\"compliance\"]}";
static const char kCredit[] = "{\"login\":\"cris\",\"roles\":[\"operator\",\"credit\"]}";

/* The quoted value after `key` in `json`, copied into `value`. */
static void value_of(const char *json, const char *key, char *value, size_t size) {
  const char *at = strstr(json, key);
  size_t n = 0;
  CHECK(at != NULL);
  at += strlen(key);
  while (at[n] != '"' && n + 1 < size) ++n;
  memcpy(value, at, n);
  value[n] = '\0';
}

static void test_guest(downline_company *co) {
  downline_buf out = DOWNLINE_BUF_INIT;
  char code[16];
  int64_t person = -1;
  CHECK_OK(
      downline_enroll_json(&out, co, kAdmin,
                           "{\"type\":\"guest\",\"channel\":\"web\",\"sponsor\":\"1\","
                           "\"person\":{\"first_name\":\"Gus\",\"email\":\"g@example.com\"}}"));
  CHECK_CONTAINS(out.ptr, "\"accepted\":true,\"person\":\"2\"");
  CHECK_CONTAINS(out.ptr, "\"outcome\":\"guest\"");
  value_of(out.ptr, "\"quick_code\":\"", code, sizeof code);
  CHECK(strlen(code) == 8);
  downline_buf_dispose(&out);
  CHECK_OK(downline_find_guest(&person, co, kAdmin, code));
  CHECK(person == 2);
  CHECK_OK(downline_find_guest(&person, co, kAdmin, "ZZZZZZZZ"));
  CHECK(person == 0);
  CHECK_ERROR(downline_find_guest(&person, co, kAdmin, NULL), DOWNLINE_INVALID_ARGUMENT,
              "quick_code");
}

static void test_approval(downline_company *co) {
  downline_buf out = DOWNLINE_BUF_INIT;
  char item[32];
  char decision[128];
  CHECK_OK(downline_enroll_json(&out, co, kAdmin,
                                "{\"channel\":\"web\",\"sponsor\":\"1\",\"person\":{"
                                "\"first_name\":\"Carla\",\"last_name\":\"R\","
                                "\"email\":\"c@example.com\"}}"));
  CHECK_CONTAINS(out.ptr, "\"outcome\":\"pending_approval\"");
  value_of(out.ptr, "\"work_item\":\"", item, sizeof item);
  downline_buf_dispose(&out);
  CHECK_OK(downline_work_items_json(&out, co, kSales, "{\"decidable_only\":true}"));
  CHECK_CONTAINS(out.ptr,
                 "\"kind\":\"registration\",\"person\":\"3\",\"state\":\"open\","
                 "\"step\":\"sales\"");
  downline_buf_dispose(&out);
  CHECK_OK(downline_work_items_json(&out, co, kCompliance, "{\"decidable_only\":true}"));
  CHECK_STR(out.ptr, "[]");
  downline_buf_dispose(&out);
  snprintf(decision, sizeof decision, "{\"item\":\"%s\",\"approve\":true}", item);
  CHECK_FAILS(downline_decide_json(&out, co, kCompliance, decision), DOWNLINE_PERMISSION_DENIED,
              "roles");
  CHECK_OK(downline_decide_json(&out, co, kSales, decision));
  CHECK_CONTAINS(out.ptr, "\"state\":\"open\",\"step\":\"compliance\"");
  downline_buf_dispose(&out);
  CHECK_OK(downline_decide_json(&out, co, kCompliance, decision));
  CHECK_CONTAINS(out.ptr, "\"state\":\"approved\"");
  CHECK_CONTAINS(out.ptr, "{\"step\":\"sales\",\"by\":\"sam\",\"approved\":true");
  downline_buf_dispose(&out);
  CHECK_OK(downline_person_json(&out, co, kAdmin, 3));
  CHECK_CONTAINS(out.ptr, "\"status\":\"active\"");
  downline_buf_dispose(&out);
  CHECK_FAILS(downline_decide_json(&out, co, kCompliance, decision), DOWNLINE_FAILED_PRECONDITION,
              "item");
  CHECK_FAILS(downline_decide_json(&out, co, kSales, "{\"item\":\"3\"}"), DOWNLINE_INVALID_ARGUMENT,
              "approve");
}

static void test_credit(downline_company *co) {
  downline_buf out = DOWNLINE_BUF_INIT;
  char item[32];
  char decision[128];
  CHECK_OK(downline_request_credit_json(
      &out, co, "{\"login\":\"carla\",\"person\":\"3\"}",
      "{\"person\":\"3\",\"amount\":\"2000\",\"references\":[\"Marta, 300 111 2233\"]}"));
  CHECK_CONTAINS(out.ptr, "\"kind\":\"credit_request\",\"person\":\"3\",\"state\":\"open\"");
  CHECK_CONTAINS(out.ptr, "\"amount\":\"2000\"");
  value_of(out.ptr, "{\"id\":\"", item, sizeof item);
  downline_buf_dispose(&out);
  CHECK_OK(downline_person_json(&out, co, kAdmin, 3));
  CHECK_CONTAINS(out.ptr, "\"credit_limit\":\"0\"");
  downline_buf_dispose(&out);
  CHECK_FAILS(downline_request_credit_json(&out, co, kAdmin, "{\"person\":\"3\"}"),
              DOWNLINE_FAILED_PRECONDITION, "person");
  CHECK_FAILS(downline_request_credit_json(&out, co, kAdmin, "{\"person\":\"3\",\"amount\":1.5}"),
              DOWNLINE_INVALID_ARGUMENT, "amount");
  snprintf(decision, sizeof decision, "{\"item\":\"%s\",\"approve\":true,\"amount\":\"1500.50\"}",
           item);
  CHECK_OK(downline_decide_json(&out, co, kCredit, decision));
  CHECK_CONTAINS(out.ptr, "\"state\":\"approved\"");
  downline_buf_dispose(&out);
  CHECK_OK(downline_person_json(&out, co, kAdmin, 3));
  CHECK_CONTAINS(out.ptr, "\"credit_limit\":\"1500.5\"");
  downline_buf_dispose(&out);
}

int main(void) {
  downline_company *co = NULL;
  downline_buf out = DOWNLINE_BUF_INIT;
  CHECK_OK(downline_company_open(&co, "memory:", kConfig, DOWNLINE_NUL_TERMINATED));
  CHECK_OK(downline_enroll_json(&out, co, kAdmin,
                                "{\"channel\":\"backend\",\"person\":{\"first_name\":\"Ana\","
                                "\"last_name\":\"G\",\"email\":\"a@example.com\"}}"));
  CHECK_CONTAINS(out.ptr, "\"accepted\":true,\"person\":\"1\"");
  downline_buf_dispose(&out);
  test_guest(co);
  test_approval(co);
  test_credit(co);
  downline_company_close(co);
  puts("journeys_c_test: ok");
  return 0;
}

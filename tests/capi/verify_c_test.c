/* downline_verify_json from a plain C99 program: a healthy company passes,
 * only staff may ask, and every bad input is an error code. */
#include "downline.h"

#include <stdio.h>
#include <string.h>

#include "check.h"

static const char kConfig[] =
    "{\"company\":{\"name\":\"Test\",\"currency\":\"USD\",\"time_zone\":\"UTC\"},"
    "\"networks\":[{\"name\":\"bin\",\"structure\":\"binary\"}]}";
static const char kAdmin[] = "{\"login\":\"backend\",\"roles\":[\"admin\"]}";

/* root(1) with ana(2) and bruno(3) below; carla(4) below ana. */
static void enroll_tree(downline_company *co) {
  static const char *const requests =
      "["
      "{\"person\":{\"first_name\":\"Root\",\"last_name\":\"Org\",\"email\":\"r@example.com\","
      "\"external_id\":\"R\"}},"
      "{\"sponsor_external_id\":\"R\",\"type\":\"consultant\",\"person\":{\"first_name\":"
      "\"Ana\",\"last_name\":\"A\",\"email\":\"a@example.com\",\"external_id\":\"A\"}},"
      "{\"sponsor_external_id\":\"R\",\"type\":\"consultant\",\"person\":{\"first_name\":"
      "\"Bruno\",\"last_name\":\"B\",\"email\":\"b@example.com\",\"external_id\":\"B\"}},"
      "{\"sponsor_external_id\":\"A\",\"type\":\"customer\",\"person\":{\"first_name\":"
      "\"Carla\",\"last_name\":\"C\",\"email\":\"c@example.com\",\"external_id\":\"C\"}}"
      "]";
  downline_buf out = DOWNLINE_BUF_INIT;
  CHECK_OK(downline_enroll_many_json(&out, co, kAdmin, requests));
  CHECK_CONTAINS(out.ptr, "\"accepted\":true");
  downline_buf_dispose(&out);
}

/* The report of a company without violations, `expected` exactly. */
static void test_healthy(downline_company *co, const char *expected) {
  downline_buf out = DOWNLINE_BUF_INIT;
  CHECK_OK(downline_verify_json(&out, co, kAdmin));
  CHECK(downline_error_last()->status == DOWNLINE_OK);
  CHECK(out.ptr != NULL && out.size == strlen(out.ptr));
  CHECK(strcmp(out.ptr, expected) == 0);
  /* The buffer is reused: the second report replaces the first. */
  CHECK_OK(downline_verify_json(&out, co, kAdmin));
  CHECK(strcmp(out.ptr, expected) == 0);
  downline_buf_dispose(&out);
}

static void test_errors(downline_company *co) {
  downline_buf out = DOWNLINE_BUF_INIT;
  downline_buf filled = DOWNLINE_BUF_INIT;

  /* Only staff: a consultant acting for themselves is refused. */
  CHECK_FAILS(downline_verify_json(&out, co, "{\"person\":\"2\",\"login\":\"ana\"}"),
              DOWNLINE_PERMISSION_DENIED, "actor");
  CHECK_FAILS(downline_verify_json(&out, co, "{\"login\":\"x\",\"roles\":[\"seller\"]}"),
              DOWNLINE_PERMISSION_DENIED, "actor");

  /* Malformed or NULL arguments name the parameter. */
  CHECK_FAILS(downline_verify_json(&out, co, "{\"login\":"), DOWNLINE_INVALID_ARGUMENT,
              "actor_json");
  CHECK_FAILS(downline_verify_json(&out, co, NULL), DOWNLINE_INVALID_ARGUMENT, "actor_json");
  CHECK_FAILS(downline_verify_json(&out, NULL, kAdmin), DOWNLINE_INVALID_ARGUMENT, "company");
  CHECK_STATUS(downline_verify_json(NULL, co, kAdmin), DOWNLINE_INVALID_ARGUMENT);
  CHECK_CONTAINS(downline_error_last()->detail_json, "\"field\":\"out\"");

  /* A failed call empties a buffer that held an earlier report. */
  CHECK_OK(downline_verify_json(&filled, co, kAdmin));
  CHECK_STATUS(downline_verify_json(&filled, co, "{\"person\":\"2\"}"), DOWNLINE_PERMISSION_DENIED);
  CHECK(filled.ptr == NULL && filled.size == 0);
  downline_buf_dispose(&filled);
}

int main(void) {
  downline_company *co = NULL;
  CHECK_OK(downline_company_open(&co, "memory:", kConfig, DOWNLINE_NUL_TERMINATED));
  test_healthy(co, "{\"ok\":true,\"persons\":\"0\",\"violations\":[]}");
  enroll_tree(co);
  test_healthy(co, "{\"ok\":true,\"persons\":\"4\",\"violations\":[]}");
  test_errors(co);
  downline_company_close(co);
  printf("verify_c_test: ok\n");
  return 0;
}

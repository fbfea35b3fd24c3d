/* downline_export_tree from a plain C99 program: the three formats of a small
 * tree, depth, visibility, and every bad input. */
#include "downline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static void check_cleared(void) {
  const downline_error *e = downline_error_last();
  CHECK(e->status == DOWNLINE_OK);
  CHECK_STR(e->message, "");
  CHECK_STR(e->detail_json, "");
}

static const char kConfig[] =
    "{\"company\":{\"name\":\"Test\",\"currency\":\"USD\",\"time_zone\":\"UTC\"}}";
static const char kAdmin[] = "{\"login\":\"backend\",\"roles\":[\"admin\"]}";

/* root(1) - ana(2) - carla(3); root - bruno(4). Ana's last name has a comma,
 * Carla's first name a double quote. */
static void enroll_tree(downline_company *co) {
  static const char *const requests =
      "["
      "{\"person\":{\"first_name\":\"Root\",\"last_name\":\"Org\",\"email\":\"r@example.com\","
      "\"external_id\":\"R\"}},"
      "{\"sponsor_external_id\":\"R\",\"type\":\"consultant\",\"person\":{\"first_name\":"
      "\"Ana\",\"last_name\":\"P\\u00e9rez, Jr.\",\"email\":\"a@example.com\",\"external_id\":"
      "\"A\"}},"
      "{\"sponsor_external_id\":\"A\",\"type\":\"consultant\",\"person\":{\"first_name\":"
      "\"Carla \\\"CJ\\\"\",\"last_name\":\"D\",\"email\":\"c@example.com\",\"external_id\":"
      "\"C\"}},"
      "{\"sponsor_external_id\":\"R\",\"type\":\"consultant\",\"person\":{\"first_name\":"
      "\"Bruno\",\"last_name\":\"B\",\"email\":\"b@example.com\",\"external_id\":\"B\"}}"
      "]";
  downline_buf out = DOWNLINE_BUF_INIT;
  CHECK_OK(downline_enroll_many_json(&out, co, kAdmin, requests));
  CHECK_CONTAINS(out.ptr, "\"persons\":[\"1\",\"2\",\"3\",\"4\"]");
  downline_buf_dispose(&out);
}

static void test_formats(downline_company *co) {
  downline_buf out = DOWNLINE_BUF_INIT;

  /* NULL options: the whole sponsor downline as nested JSON. */
  CHECK_OK(downline_export_tree(&out, co, kAdmin, 1, NULL));
  check_cleared();
  CHECK(out.ptr != NULL && out.size == strlen(out.ptr));
  CHECK(starts_with(out.ptr, "{\"id\":\"1\",\"external_id\":\"R\",\"name\":\"Root Org\","));
  CHECK_CONTAINS(out.ptr, "\"name\":\"Ana P\xc3\xa9rez, Jr.\"");
  CHECK_CONTAINS(out.ptr, "\"name\":\"Carla \\\"CJ\\\" D\"");
  CHECK_CONTAINS(out.ptr, "\"path\":\"1.2.3\",\"children\":[]}]}");
  CHECK_CONTAINS(out.ptr, "\"path\":\"1.4\",\"children\":[]}]}");
  CHECK(count(out.ptr, "\"children\":") == 4);

  /* CSV: header and one row per person in pre-order, RFC 4180 quoting. */
  CHECK_OK(downline_export_tree(&out, co, kAdmin, 1, "{\"format\":\"csv\"}"));
  CHECK(starts_with(out.ptr,
                    "id,external_id,name,parent,level,relative_level,position,type,status,path\n"
                    "1,R,Root Org,,0,0,"));
  CHECK_CONTAINS(out.ptr, "\n2,A,\"Ana P\xc3\xa9rez, Jr.\",1,1,1,");
  CHECK_CONTAINS(out.ptr, "\n3,C,\"Carla \"\"CJ\"\" D\",2,2,2,");
  CHECK(strstr(out.ptr, "\n3,C,") < strstr(out.ptr, "\n4,B,"));
  CHECK(count(out.ptr, "\n") == 5);

  /* DOT, one level: root and two recruits. */
  CHECK_OK(downline_export_tree(&out, co, kAdmin, 1,
                                "{\"network\":\"sponsor\",\"max_depth\":1,\"format\":\"dot\"}"));
  CHECK(starts_with(out.ptr, "digraph downline {\n"));
  CHECK(count(out.ptr, "[label=") == 3);
  CHECK(count(out.ptr, " -> ") == 2);
  CHECK_CONTAINS(out.ptr, "  \"1\" -> \"2\";\n");
  CHECK_CONTAINS(out.ptr, "  \"1\" -> \"4\";\n");
  CHECK(strcmp(out.ptr + out.size - 2, "}\n") == 0);

  /* The referral network (referrer = sponsor here); depth 0 is the person alone. */
  CHECK_OK(downline_export_tree(&out, co, kAdmin, 2,
                                "{\"network\":\"referral\",\"max_depth\":0,\"format\":\"csv\"}"));
  CHECK(count(out.ptr, "\n") == 2);
  CHECK_CONTAINS(out.ptr, "\n2,A,");

  downline_buf_dispose(&out);
}

static void test_same_tree_same_bytes(downline_company *co) {
  static const char *const formats[] = {"{\"format\":\"json\"}", "{\"format\":\"csv\"}",
                                        "{\"format\":\"dot\"}"};
  size_t i;
  for (i = 0; i < sizeof formats / sizeof formats[0]; ++i) {
    downline_buf a = DOWNLINE_BUF_INIT, b = DOWNLINE_BUF_INIT;
    CHECK_OK(downline_export_tree(&a, co, kAdmin, 1, formats[i]));
    CHECK_OK(downline_export_tree(&b, co, kAdmin, 1, formats[i]));
    CHECK(a.size == b.size && memcmp(a.ptr, b.ptr, a.size) == 0);
    downline_buf_dispose(&a);
    downline_buf_dispose(&b);
  }
}

static void test_errors(downline_company *co) {
  downline_buf out = DOWNLINE_BUF_INIT;
  downline_buf filled = DOWNLINE_BUF_INIT;

  /* Bad options: the field is the key. */
  CHECK_FAILS(downline_export_tree(&out, co, kAdmin, 1, "{\"format\":\"xml\"}"),
              DOWNLINE_INVALID_ARGUMENT, "format");
  CHECK_CONTAINS(downline_error_last()->message, "xml");
  CHECK_FAILS(downline_export_tree(&out, co, kAdmin, 1, "{\"format\":3}"),
              DOWNLINE_INVALID_ARGUMENT, "format");
  CHECK_FAILS(downline_export_tree(&out, co, kAdmin, 1, "{\"max_depth\":-1}"),
              DOWNLINE_INVALID_ARGUMENT, "max_depth");
  CHECK_FAILS(downline_export_tree(&out, co, kAdmin, 1, "{\"depth\":2}"), DOWNLINE_INVALID_ARGUMENT,
              "depth");
  CHECK_FAILS(downline_export_tree(&out, co, kAdmin, 1, "{\"format\":"), DOWNLINE_INVALID_ARGUMENT,
              "options_json");
  CHECK_FAILS(downline_export_tree(&out, co, kAdmin, 1, "[]"), DOWNLINE_INVALID_ARGUMENT,
              "options_json");

  /* NULL arguments name the parameter. */
  CHECK_FAILS(downline_export_tree(&out, NULL, kAdmin, 1, NULL), DOWNLINE_INVALID_ARGUMENT,
              "company");
  CHECK_FAILS(downline_export_tree(&out, co, NULL, 1, NULL), DOWNLINE_INVALID_ARGUMENT,
              "actor_json");
  CHECK_STATUS(downline_export_tree(NULL, co, kAdmin, 1, NULL), DOWNLINE_INVALID_ARGUMENT);
  check_error_field(DOWNLINE_INVALID_ARGUMENT, "out");

  /* Unknown person or network. */
  CHECK_FAILS(downline_export_tree(&out, co, kAdmin, 99, NULL), DOWNLINE_NOT_FOUND, "person");
  CHECK_FAILS(downline_export_tree(&out, co, kAdmin, 1, "{\"network\":\"nope\"}"),
              DOWNLINE_NOT_FOUND, "network");

  /* A consultant sees their own downline only. */
  CHECK_FAILS(downline_export_tree(&out, co, "{\"person\":\"2\",\"login\":\"ana\"}", 4, NULL),
              DOWNLINE_PERMISSION_DENIED, "person");
  CHECK_OK(downline_export_tree(&out, co, "{\"person\":\"2\",\"login\":\"ana\"}", 2,
                                "{\"format\":\"csv\"}"));
  CHECK(count(out.ptr, "\n") == 3);
  CHECK(strstr(out.ptr, "Bruno") == NULL);
  downline_buf_dispose(&out);

  /* A failed call empties a buffer that held an earlier result. */
  CHECK_OK(downline_export_tree(&filled, co, kAdmin, 1, NULL));
  CHECK_STATUS(downline_export_tree(&filled, co, kAdmin, 99, NULL), DOWNLINE_NOT_FOUND);
  CHECK(filled.ptr == NULL && filled.size == 0);
  downline_buf_dispose(&filled);
}

int main(void) {
  downline_company *co = NULL;
  CHECK_OK(downline_company_open(&co, "memory:", kConfig, DOWNLINE_NUL_TERMINATED));
  enroll_tree(co);
  test_formats(co);
  test_same_tree_same_bytes(co);
  test_errors(co);
  downline_company_close(co);
  printf("tree_c_test: ok\n");
  return 0;
}

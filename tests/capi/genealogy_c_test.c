/* Placement networks and adjustments from a plain C99 program: binary
 * spillover seen through children and open positions, explicit placements
 * at enrollment, transfers (allowed and refused), compression, and the
 * lobby with its placements. */
#include "downline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const char kAdmin[] = "{\"login\":\"backend\",\"roles\":[\"admin\"]}";

/* Enrolls one person named `name` under `sponsor` (0: none) with `extra`
 * request keys ("" for none); returns the id the library gave. */
static int64_t enroll(downline_company *co, const char *name, int64_t sponsor, const char *extra) {
  char request[512];
  downline_buf out = DOWNLINE_BUF_INIT;
  int64_t id = 0;
  const char *at;
  if (sponsor > 0) {
    snprintf(request, sizeof request,
             "{\"sponsor\":\"%ld\",\"person\":{\"first_name\":\"%s\",\"last_name\":\"T\","
             "\"email\":\"%s@example.com\"}%s}",
             (long)sponsor, name, name, extra);
  } else {
    snprintf(request, sizeof request,
             "{\"person\":{\"first_name\":\"%s\",\"last_name\":\"T\","
             "\"email\":\"%s@example.com\"}%s}",
             name, name, extra);
  }
  CHECK_OK(downline_enroll_json(&out, co, kAdmin, request));
  CHECK_CONTAINS(out.ptr, "\"accepted\":true");
  at = strstr(out.ptr, "\"person\":\"");
  CHECK(at != NULL);
  id = strtol(at + strlen("\"person\":\""), NULL, 10);
  downline_buf_dispose(&out);
  return id;
}

/* root(1): a(2) left, b(3) right in "bin"; a's recruits c(4), d(5) under a;
 * e(6), sponsored by root, spills over to b's left; f(7) chosen at b's
 * right, with a zone. The "comp" network mirrors the sponsor tree. */
static void enroll_tree(downline_company *co) {
  CHECK(enroll(co, "root", 0, "") == 1);
  CHECK(enroll(co, "a", 1, "") == 2);
  CHECK(enroll(co, "b", 1, "") == 3);
  CHECK(enroll(co, "c", 2, "") == 4);
  CHECK(enroll(co, "d", 2, "") == 5);
  CHECK(enroll(co, "e", 1, "") == 6);
  CHECK(enroll(co, "f", 1,
               ",\"placements\":[{\"network\":\"bin\",\"parent\":\"3\",\"position\":1}]") == 7);
}

static void test_zone_and_placements(downline_company *co) {
  downline_buf out = DOWNLINE_BUF_INIT;
  CHECK_OK(downline_enroll_json(&out, co, kAdmin,
                                "{\"sponsor\":\"1\",\"person\":{\"first_name\":\"Z\",\"last_name\":"
                                "\"T\",\"email\":\"z@example.com\",\"zone\":\"north\"},"
                                "\"placements\":[{\"network\":\"bin\",\"parent\":\"3\","
                                "\"position\":1}]}"));
  /* b (e left, f right) is full: a rejection is data, naming the placement. */
  CHECK_CONTAINS(out.ptr, "\"accepted\":false");
  CHECK_CONTAINS(out.ptr, "\"reason\":\"network_full\"");
  CHECK_CONTAINS(out.ptr, "\"field\":\"placements[0]\"");
  CHECK_FAILS(
      downline_enroll_json(&out, co, kAdmin, "{\"placements\":[{\"network\":\"bin\",\"leg\":0}]}"),
      DOWNLINE_INVALID_ARGUMENT, "placements[0].leg");
  CHECK_FAILS(downline_enroll_json(&out, co, kAdmin, "{\"placements\":[{\"parent\":\"1\"}]}"),
              DOWNLINE_INVALID_ARGUMENT, "placements[0].network");
  CHECK_FAILS(downline_enroll_json(&out, co, kAdmin, "{\"person\":{\"zone\":7}}"),
              DOWNLINE_INVALID_ARGUMENT, "person.zone");

  /* The zone is stored and written back. */
  CHECK(enroll(co, "g", 4, "") == 8);
  CHECK_OK(downline_enroll_json(&out, co, kAdmin,
                                "{\"sponsor\":\"4\",\"person\":{\"first_name\":\"N\",\"last_name\":"
                                "\"T\",\"email\":\"n@example.com\",\"zone\":\"north\"}}"));
  CHECK_CONTAINS(out.ptr, "\"person\":\"9\"");
  CHECK_OK(downline_person_json(&out, co, kAdmin, 9));
  CHECK_CONTAINS(out.ptr, "\"zone\":\"north\"");
  CHECK_OK(downline_person_json(&out, co, kAdmin, 1));
  CHECK_CONTAINS(out.ptr, "\"zone\":\"\"");
  downline_buf_dispose(&out);
}

static void test_children(downline_company *co) {
  downline_buf out = DOWNLINE_BUF_INIT;

  CHECK_OK(downline_children_json(&out, co, kAdmin, 1, "bin"));
  CHECK(starts_with(out.ptr,
                    "[{\"id\":\"2\",\"parent\":\"1\",\"level\":1,\"relative_level\":1,"
                    "\"position\":0,"));
  CHECK_CONTAINS(out.ptr,
                 "{\"id\":\"3\",\"parent\":\"1\",\"level\":1,\"relative_level\":1,"
                 "\"position\":1,\"type\":\"consultant\",\"status\":\"active\",\"generation\":1}]");
  CHECK(count(out.ptr, "\"id\":") == 2);

  /* Spillover: e at b's left, f (chosen) at b's right. */
  CHECK_OK(downline_children_json(&out, co, kAdmin, 3, "bin"));
  CHECK(starts_with(out.ptr,
                    "[{\"id\":\"6\",\"parent\":\"3\",\"level\":2,\"relative_level\":1,"
                    "\"position\":0,"));
  CHECK_CONTAINS(out.ptr,
                 "{\"id\":\"7\",\"parent\":\"3\",\"level\":2,\"relative_level\":1,"
                 "\"position\":1,");

  /* NULL is the sponsor network: arrival order. */
  CHECK_OK(downline_children_json(&out, co, kAdmin, 1, NULL));
  CHECK(count(out.ptr, "\"id\":") == 4);
  CHECK_CONTAINS(out.ptr,
                 "{\"id\":\"7\",\"parent\":\"1\",\"level\":1,\"relative_level\":1,"
                 "\"position\":3,");

  /* A leaf has no children; the upline now carries positions too. */
  CHECK_OK(downline_children_json(&out, co, kAdmin, 7, "bin"));
  CHECK_STR(out.ptr, "[]");
  CHECK_OK(downline_upline_json(&out, co, kAdmin, 7, "bin", 1));
  CHECK_CONTAINS(out.ptr,
                 "\"id\":\"3\",\"parent\":\"1\",\"level\":1,\"relative_level\":1,"
                 "\"position\":1,");

  CHECK_FAILS(downline_children_json(&out, co, kAdmin, 99, "bin"), DOWNLINE_NOT_FOUND, "person");
  CHECK_FAILS(downline_children_json(&out, co, kAdmin, 1, "nope"), DOWNLINE_NOT_FOUND, "network");
  CHECK_FAILS(downline_children_json(&out, co, NULL, 1, "bin"), DOWNLINE_INVALID_ARGUMENT,
              "actor_json");
  CHECK_FAILS(downline_children_json(&out, NULL, kAdmin, 1, "bin"), DOWNLINE_INVALID_ARGUMENT,
              "company");
  CHECK_STATUS(downline_children_json(NULL, co, kAdmin, 1, "bin"), DOWNLINE_INVALID_ARGUMENT);
  check_error_field(DOWNLINE_INVALID_ARGUMENT, "out");
  /* A consultant sees their own downline only. */
  CHECK_FAILS(downline_children_json(&out, co, "{\"person\":\"2\"}", 3, "bin"),
              DOWNLINE_PERMISSION_DENIED, "person");
}

static void test_open_positions(downline_company *co) {
  downline_buf out = DOWNLINE_BUF_INIT;
  /* Below b, b itself is full: the free slots are e's and f's, level 3. */
  CHECK_OK(downline_open_positions_json(&out, co, kAdmin, 3, "bin", 3));
  CHECK_STR(out.ptr,
            "[{\"parent\":\"6\",\"position\":0,\"level\":3},"
            "{\"parent\":\"6\",\"position\":1,\"level\":3},"
            "{\"parent\":\"7\",\"position\":0,\"level\":3}]");
  CHECK_OK(downline_open_positions_json(&out, co, kAdmin, 7, "bin", 10));
  CHECK_STR(out.ptr,
            "[{\"parent\":\"7\",\"position\":0,\"level\":3},"
            "{\"parent\":\"7\",\"position\":1,\"level\":3}]");
  CHECK_OK(downline_open_positions_json(&out, co, kAdmin, 1, "bin", 0));
  CHECK_STR(out.ptr, "[]");
  /* Unlimited width: each person has room, one slot after their last child. */
  CHECK_OK(downline_open_positions_json(&out, co, kAdmin, 1, NULL, 1));
  CHECK_STR(out.ptr, "[{\"parent\":\"1\",\"position\":4,\"level\":1}]");
  CHECK_FAILS(downline_open_positions_json(&out, co, kAdmin, 99, "bin", 3), DOWNLINE_NOT_FOUND,
              "person");
  CHECK_FAILS(downline_open_positions_json(&out, co, NULL, 1, "bin", 3), DOWNLINE_INVALID_ARGUMENT,
              "actor_json");
}

static void test_transfer(downline_company *co) {
  downline_buf out = DOWNLINE_BUF_INIT;

  /* f with their (empty) downline to d's right in "bin". */
  CHECK_OK(downline_transfer_json(
      &out, co, kAdmin,
      "{\"person\":\"7\",\"network\":\"bin\",\"new_parent\":\"5\",\"position\":1,"
      "\"reason\":\"realignment\"}"));
  CHECK(starts_with(out.ptr, "{\"moved\":[\"7\"],\"removed\":[],\"last_event\":\""));
  CHECK_OK(downline_children_json(&out, co, kAdmin, 5, "bin"));
  CHECK(starts_with(out.ptr,
                    "[{\"id\":\"7\",\"parent\":\"5\",\"level\":3,\"relative_level\":1,"
                    "\"position\":1,"));
  CHECK(count(out.ptr, "\"id\":") == 1);

  /* a with the whole downline under b in the sponsor network (the default). */
  CHECK_OK(downline_transfer_json(&out, co, kAdmin, "{\"person\":2,\"new_parent\":3}"));
  CHECK(starts_with(out.ptr, "{\"moved\":[\"2\"],\"removed\":[],\"last_event\":\""));
  CHECK_OK(downline_network_id(&out, co, kAdmin, "sponsor", 4));
  CHECK_STR(out.ptr, "1.3.2.4");

  /* Under their own downline: refused, naming the new parent; nothing moves. */
  CHECK_FAILS(downline_transfer_json(&out, co, kAdmin, "{\"person\":\"3\",\"new_parent\":\"4\"}"),
              DOWNLINE_FAILED_PRECONDITION, "new_parent");
  CHECK_CONTAINS(downline_error_last()->message, "own downline");
  CHECK_OK(downline_network_id(&out, co, kAdmin, "sponsor", 4));
  CHECK_STR(out.ptr, "1.3.2.4");
  downline_buf_dispose(&out);

  /* Bad requests name their key; staff only. */
  CHECK_FAILS(downline_transfer_json(&out, co, kAdmin, "{\"new_parent\":\"4\"}"),
              DOWNLINE_INVALID_ARGUMENT, "person");
  CHECK_FAILS(downline_transfer_json(&out, co, kAdmin, "{\"person\":\"2\",\"with_downline\":1}"),
              DOWNLINE_INVALID_ARGUMENT, "with_downline");
  CHECK_FAILS(downline_transfer_json(&out, co, kAdmin, "{\"person\":\"2\",\"parent\":\"1\"}"),
              DOWNLINE_INVALID_ARGUMENT, "parent");
  CHECK_FAILS(downline_transfer_json(&out, co, kAdmin, "{\"person\":"), DOWNLINE_INVALID_ARGUMENT,
              "request_json");
  CHECK_FAILS(downline_transfer_json(&out, co, kAdmin, NULL), DOWNLINE_INVALID_ARGUMENT,
              "request_json");
  CHECK_FAILS(downline_transfer_json(&out, co, kAdmin, "{\"person\":\"99\",\"new_parent\":\"1\"}"),
              DOWNLINE_NOT_FOUND, "person");
  CHECK_FAILS(downline_transfer_json(&out, co, "{\"person\":\"1\"}",
                                     "{\"person\":\"2\",\"new_parent\":\"1\"}"),
              DOWNLINE_PERMISSION_DENIED, "actor");
}

static void test_compress(downline_company *co) {
  downline_buf out = DOWNLINE_BUF_INIT;

  /* In "comp" a(2) has c(4) and d(5): a drops out, they move up to root. */
  CHECK_OK(downline_compress_json(&out, co, kAdmin,
                                  "{\"network\":\"comp\",\"persons\":[\"2\"],"
                                  "\"reason\":\"campaign close\"}"));
  CHECK(starts_with(out.ptr, "{\"moved\":[\"4\",\"5\"],\"removed\":[\"2\"],\"last_event\":\""));
  CHECK_OK(downline_children_json(&out, co, kAdmin, 1, "comp"));
  CHECK_CONTAINS(out.ptr, "{\"id\":\"4\",\"parent\":\"1\",\"level\":1,");
  CHECK_CONTAINS(out.ptr, "{\"id\":\"5\",\"parent\":\"1\",\"level\":1,");
  CHECK(strstr(out.ptr, "\"id\":\"2\"") == NULL);
  CHECK_OK(downline_children_json(&out, co, kAdmin, 2, "comp"));
  CHECK_STR(out.ptr, "[]");

  /* Nobody inactive: compressing by status changes nothing. */
  CHECK_OK(downline_compress_json(&out, co, kAdmin, "{\"network\":\"comp\"}"));
  CHECK_STR(out.ptr, "{\"moved\":[],\"removed\":[],\"last_event\":null}");
  downline_buf_dispose(&out);

  CHECK_FAILS(
      downline_compress_json(&out, co, kAdmin, "{\"network\":\"comp\",\"persons\":[\"2\"]}"),
      DOWNLINE_FAILED_PRECONDITION, "persons[0]");
  CHECK_FAILS(downline_compress_json(&out, co, kAdmin, "{\"persons\":[\"4\"]}"),
              DOWNLINE_INVALID_ARGUMENT, "network");
  CHECK_FAILS(downline_compress_json(&out, co, kAdmin, "{\"network\":\"comp\",\"persons\":[0]}"),
              DOWNLINE_INVALID_ARGUMENT, "persons[0]");
  CHECK_FAILS(downline_compress_json(&out, co, kAdmin, "{\"network\":\"comp\",\"persons\":\"4\"}"),
              DOWNLINE_INVALID_ARGUMENT, "persons");
  CHECK_FAILS(downline_compress_json(&out, co, kAdmin, NULL), DOWNLINE_INVALID_ARGUMENT,
              "request_json");
}

static void test_lobby(void) {
  downline_company *co = NULL;
  downline_buf out = DOWNLINE_BUF_INIT;
  static const char config[] =
      "{\"networks\":[{\"name\":\"l\",\"structure\":\"binary\",\"placement\":{\"policy\":"
      "\"lobby\"}}]}";
  CHECK_OK(downline_company_open(&co, "memory:", config, DOWNLINE_NUL_TERMINATED));
  CHECK(enroll(co, "root", 0, "") == 1);
  CHECK(enroll(co, "x", 1, "") == 2);
  CHECK(enroll(co, "y", 1, "") == 3);

  /* Everyone waits, the root included. */
  CHECK_OK(downline_lobby_json(&out, co, kAdmin, "l"));
  CHECK_STR(out.ptr, "[\"1\",\"2\",\"3\"]");
  CHECK_OK(downline_children_json(&out, co, kAdmin, 1, "l"));
  CHECK_STR(out.ptr, "[]");

  /* Staff places the root (no parent: a network parent), then x at the right. */
  CHECK_OK(downline_place_json(&out, co, kAdmin, 1, "{\"network\":\"l\"}", NULL));
  CHECK(starts_with(out.ptr, "{\"moved\":[\"1\"],\"removed\":[],\"last_event\":\""));
  CHECK_OK(downline_place_json(&out, co, kAdmin, 2,
                               "{\"network\":\"l\",\"parent\":\"1\",\"position\":1}",
                               "head office choice"));
  CHECK(starts_with(out.ptr, "{\"moved\":[\"2\"],"));
  CHECK_OK(downline_children_json(&out, co, kAdmin, 1, "l"));
  CHECK(starts_with(out.ptr,
                    "[{\"id\":\"2\",\"parent\":\"1\",\"level\":1,\"relative_level\":1,"
                    "\"position\":1,"));
  CHECK_OK(downline_open_positions_json(&out, co, kAdmin, 1, "l", 1));
  CHECK_STR(out.ptr, "[{\"parent\":\"1\",\"position\":0,\"level\":1}]");

  /* The slot is taken; x is no longer waiting. */
  CHECK_FAILS(downline_place_json(&out, co, kAdmin, 3,
                                  "{\"network\":\"l\",\"parent\":\"1\",\"position\":1}", NULL),
              DOWNLINE_FAILED_PRECONDITION, "parent");
  CHECK_FAILS(downline_place_json(&out, co, kAdmin, 2, "{\"network\":\"l\"}", NULL),
              DOWNLINE_FAILED_PRECONDITION, "person");
  CHECK_FAILS(downline_place_json(&out, co, kAdmin, 3, "{\"parent\":\"1\"}", NULL),
              DOWNLINE_INVALID_ARGUMENT, "network");
  CHECK_FAILS(downline_place_json(&out, co, kAdmin, 3, "{\"network\":\"l\",\"position\":-1}", NULL),
              DOWNLINE_INVALID_ARGUMENT, "position");
  CHECK_FAILS(downline_place_json(&out, co, kAdmin, 3, NULL, NULL), DOWNLINE_INVALID_ARGUMENT,
              "choice_json");
  CHECK_OK(downline_lobby_json(&out, co, kAdmin, "l"));
  CHECK_STR(out.ptr, "[\"3\"]");

  /* Nobody's window is over yet. */
  CHECK_OK(downline_place_expired_json(&out, co, kAdmin, "l"));
  CHECK_STR(out.ptr, "{\"moved\":[],\"removed\":[],\"last_event\":null}");
  CHECK_FAILS(downline_place_expired_json(&out, co, "{\"person\":\"1\"}", "l"),
              DOWNLINE_PERMISSION_DENIED, "actor");
  CHECK_FAILS(downline_place_expired_json(&out, co, kAdmin, NULL), DOWNLINE_INVALID_ARGUMENT,
              "network");

  /* The root, a leader who sees y, places them: the first free slot. */
  CHECK_OK(downline_place_json(&out, co, "{\"person\":\"1\",\"login\":\"root\"}", 3,
                               "{\"network\":\"l\",\"parent\":1}", "my choice"));
  CHECK(starts_with(out.ptr, "{\"moved\":[\"3\"],"));
  CHECK_OK(downline_children_json(&out, co, kAdmin, 1, "l"));
  CHECK(starts_with(out.ptr,
                    "[{\"id\":\"3\",\"parent\":\"1\",\"level\":1,\"relative_level\":1,"
                    "\"position\":0,"));
  CHECK_OK(downline_lobby_json(&out, co, kAdmin, "l"));
  CHECK_STR(out.ptr, "[]");

  CHECK_FAILS(downline_lobby_json(&out, co, kAdmin, "nope"), DOWNLINE_NOT_FOUND, "network");
  CHECK_FAILS(downline_lobby_json(&out, co, kAdmin, NULL), DOWNLINE_INVALID_ARGUMENT, "network");
  downline_buf_dispose(&out);
  downline_company_close(co);
}

int main(void) {
  downline_company *co = NULL;
  static const char config[] =
      "{\"networks\":[{\"name\":\"bin\",\"structure\":\"binary\"},"
      "{\"name\":\"comp\",\"compression\":{\"statuses\":[\"inactive\"]}}]}";
  CHECK_OK(downline_company_open(&co, "memory:", config, DOWNLINE_NUL_TERMINATED));
  enroll_tree(co);
  test_children(co);
  test_open_positions(co);
  test_zone_and_placements(co);
  test_transfer(co);
  test_compress(co);
  downline_company_close(co);
  test_lobby();
  printf("genealogy_c_test: ok\n");
  return 0;
}

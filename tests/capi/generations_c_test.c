/* Levels, generations, legs, ranks with their history, and recalculated
 * figures from a plain C99 program, with bad inputs. */
#include "downline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const char kConfig[] =
    "{\"ranks\":[{\"id\":\"bronze\"},{\"id\":\"silver\"},{\"id\":\"gold\"}],"
    "\"networks\":[{\"name\":\"gen\",\"generations\":{\"rank\":\"silver\"}},"
    "{\"name\":\"bin\",\"structure\":\"binary\"}]}";
static const char kAdmin[] = "{\"login\":\"backend\",\"roles\":[\"admin\"]}";

/* root(1) -> a(2) -> b(3) -> c(4), and root -> d(5): a chain and a leg. */
static void enroll_tree(downline_company *co) {
  static const char *const names[] = {"r", "a", "b", "c", "d"};
  static const int sponsors[] = {0, 1, 2, 3, 1};
  char request[256];
  int i;
  for (i = 0; i < 5; ++i) {
    downline_buf out = DOWNLINE_BUF_INIT;
    if (sponsors[i] > 0)
      snprintf(request, sizeof request,
               "{\"sponsor\":\"%d\",\"person\":{\"first_name\":\"%s\",\"last_name\":\"T\","
               "\"email\":\"%s@example.com\"}}",
               sponsors[i], names[i], names[i]);
    else
      snprintf(request, sizeof request,
               "{\"person\":{\"first_name\":\"%s\",\"last_name\":\"T\","
               "\"email\":\"%s@example.com\"}}",
               names[i], names[i]);
    CHECK_OK(downline_enroll_json(&out, co, kAdmin, request));
    CHECK_CONTAINS(out.ptr, "\"accepted\":true");
    downline_buf_dispose(&out);
  }
}

static void test_ranks_and_generations(downline_company *co) {
  downline_buf out = DOWNLINE_BUF_INIT;
  int64_t event = 0;
  uint32_t generation = 0;
  /* While no one holds the generation rank, all are in the first. */
  CHECK_OK(downline_generation(&generation, co, kAdmin, "gen", 4, 1));
  CHECK(generation == 1);
  CHECK_OK(downline_change_rank_json(
      &event, co, kAdmin,
      "{\"person\":\"2\",\"rank\":\"gold\",\"campaign\":\"2026-11\",\"reason\":\"close\"}"));
  CHECK(event > 0);
  CHECK_OK(downline_generation(&generation, co, kAdmin, "gen", 4, 1));
  CHECK(generation == 2);
  CHECK_OK(downline_generation_counts_json(&out, co, kAdmin, 1, "{\"network\":\"gen\"}"));
  CHECK_STR(out.ptr, "[2,2]");
  downline_buf_dispose(&out);
  CHECK_OK(downline_level_counts_json(&out, co, kAdmin, 1, "{\"network\":\"gen\"}"));
  CHECK_STR(out.ptr, "[2,1,1]");
  downline_buf_dispose(&out);
  CHECK_OK(
      downline_downline_json(&out, co, kAdmin, 1, "{\"network\":\"gen\",\"max_generation\":1}"));
  CHECK_CONTAINS(out.ptr, "\"total\":2");
  CHECK_CONTAINS(out.ptr, "\"generation\":1");
  downline_buf_dispose(&out);
  CHECK_OK(downline_rank_history_json(&out, co, kAdmin, 2));
  CHECK_CONTAINS(out.ptr, "\"rank\":\"gold\",\"previous_rank\":\"\",\"campaign\":\"2026-11\"");
  CHECK_CONTAINS(out.ptr, "\"until\":null,\"held_days\":0");
  downline_buf_dispose(&out);

  /* Refusals name the field and write nothing. */
  CHECK_ERROR(downline_change_rank_json(&event, co, kAdmin, "{\"person\":\"2\",\"rank\":\"tin\"}"),
              DOWNLINE_INVALID_ARGUMENT, "rank");
  CHECK(event == 0);
  CHECK_ERROR(downline_change_rank_json(&event, co, kAdmin, "{\"person\":\"2\",\"rank\":\"gold\"}"),
              DOWNLINE_FAILED_PRECONDITION, "rank");
  CHECK_ERROR(downline_change_rank_json(&event, co, kAdmin, "{\"rank\":\"gold\"}"),
              DOWNLINE_INVALID_ARGUMENT, "person");
  CHECK_ERROR(downline_change_rank_json(NULL, co, kAdmin, "{}"), DOWNLINE_INVALID_ARGUMENT,
              "event_out");
  CHECK_ERROR(downline_generation(&generation, co, kAdmin, "gen", 1, 4),
              DOWNLINE_FAILED_PRECONDITION, "upline");
  CHECK(generation == 0);
  CHECK_FAILS(downline_generation_counts_json(&out, co, kAdmin, 1, "{\"max_generation\":-1}"),
              DOWNLINE_INVALID_ARGUMENT, "max_generation");
  CHECK_FAILS(downline_rank_history_json(&out, co, kAdmin, 99), DOWNLINE_NOT_FOUND, "person");
}

static void test_legs_and_figures(downline_company *co) {
  downline_buf out = DOWNLINE_BUF_INIT;
  /* bin: a(2) left and d(5) right of root; b, c below a. */
  CHECK_OK(downline_legs_json(&out, co, kAdmin, 1, "bin"));
  CHECK_STR(out.ptr,
            "[{\"leg\":\"2\",\"position\":0,\"persons\":3,\"active\":3},"
            "{\"leg\":\"5\",\"position\":1,\"persons\":1,\"active\":1}]");
  downline_buf_dispose(&out);
  CHECK_FAILS(downline_figures_json(&out, co, kAdmin, 1, "bin"), DOWNLINE_FAILED_PRECONDITION,
              "network");
  CHECK_OK(downline_recalculate_json(
      &out, co, kAdmin,
      "{\"network\":\"bin\",\"levels\":2,\"personal_volumes\":[{\"person\":\"2\",\"volume\":"
      "\"10.5\"},{\"person\":\"4\",\"volume\":3},{\"person\":\"5\",\"volume\":\"0.25\"}]}"));
  CHECK(starts_with(out.ptr, "{\"network\":\"bin\",\"persons\":5,\"total_volume\":\"13.75\""));
  downline_buf_dispose(&out);
  CHECK_OK(downline_figures_json(&out, co, kAdmin, 1, "bin"));
  CHECK(starts_with(out.ptr,
                    "{\"person\":\"1\",\"personal_volume\":\"0\",\"group_volume\":\"13.75\","
                    "\"downline\":4,\"active_downline\":4,\"level_counts\":[2,1],"
                    "\"active_level_counts\":[2,1],\"legs\":[{\"leg\":\"2\",\"position\":0,"
                    "\"persons\":3,\"group_volume\":\"13.5\"},{\"leg\":\"5\",\"position\":1,"
                    "\"persons\":1,\"group_volume\":\"0.25\"}]"));
  downline_buf_dispose(&out);
  CHECK_FAILS(downline_recalculate_json(
                  &out, co, kAdmin,
                  "{\"network\":\"bin\",\"personal_volumes\":[{\"person\":\"2\",\"volume\":1.5}]}"),
              DOWNLINE_INVALID_ARGUMENT, "personal_volumes[0].volume");
  CHECK_FAILS(
      downline_recalculate_json(
          &out, co, kAdmin,
          "{\"network\":\"bin\",\"personal_volumes\":[{\"person\":\"2\",\"volume\":\"-1\"}]}"),
      DOWNLINE_INVALID_ARGUMENT, "personal_volumes[0].volume");
  CHECK_FAILS(downline_recalculate_json(&out, co, "{\"login\":\"x\",\"person\":\"2\"}",
                                        "{\"network\":\"bin\"}"),
              DOWNLINE_PERMISSION_DENIED, "actor");
  CHECK_FAILS(downline_legs_json(&out, co, kAdmin, 1, "nope"), DOWNLINE_NOT_FOUND, "network");
  /* The figures stayed. */
  CHECK_OK(downline_figures_json(&out, co, kAdmin, 2, "bin"));
  CHECK_CONTAINS(out.ptr, "\"group_volume\":\"13.5\"");
  downline_buf_dispose(&out);
}

int main(void) {
  downline_company *co = NULL;
  CHECK_OK(downline_company_open(&co, "memory:", kConfig, DOWNLINE_NUL_TERMINATED));
  enroll_tree(co);
  test_ranks_and_generations(co);
  test_legs_and_figures(co);
  downline_company_close(co);
  puts("generations_c_test: ok");
  return 0;
}

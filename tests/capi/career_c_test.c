/* Ranks and segments from a plain C99 program: a career plan, a close that
 * pays a leader as silver, the report card that says why not gold, the
 * person's rank; RFM scores of a few transactions; bad input. */
#include "downline.h"

#include <stdio.h>
#include <string.h>

#include "check.h"

static const char kAdmin[] = "{\"login\":\"backend\",\"roles\":[\"admin\"]}";

static const char kConfig[] =
    "{\"company\":{\"name\":\"C\",\"time_zone\":\"UTC\"},"
    "\"ranks\":[{\"id\":\"bronze\",\"requirements\":{\"personal_volume\":\"100\"}},"
    "{\"id\":\"silver\",\"requirements\":{\"personal_volume\":\"100\",\"active_recruits\":2}},"
    "{\"id\":\"gold\",\"requirements\":{\"group_volume\":\"1000\",\"max_per_leg\":\"400\"}}],"
    "\"segments\":[{\"id\":\"big\"},{\"id\":\"small\"}],"
    "\"segmentation\":[{\"segment\":\"big\",\"average_order\":{\"above\":\"400\"}},"
    "{\"segment\":\"small\",\"consecutive_campaigns\":{\"at_least\":1}}]}";

static void enroll(downline_company *co, const char *id, const char *sponsor) {
  char request[512];
  downline_buf out = DOWNLINE_BUF_INIT;
  snprintf(request, sizeof request,
           "{\"type\":\"consultant\",%s%s%s\"person\":{\"external_id\":\"%s\","
           "\"first_name\":\"%s\",\"last_name\":\"C\",\"email\":\"%s@example.com\"}}",
           sponsor ? "\"sponsor\":\"" : "", sponsor ? sponsor : "", sponsor ? "\"," : "", id, id,
           id);
  CHECK_OK(downline_enroll_json(&out, co, kAdmin, request));
  downline_buf_dispose(&out);
}

int main(void) {
  downline_company *co = NULL;
  downline_buf out = DOWNLINE_BUF_INIT;
  CHECK_OK(downline_company_open(&co, "memory:", kConfig, DOWNLINE_NUL_TERMINATED));
  enroll(co, "ana", NULL);
  enroll(co, "ben", "1");
  enroll(co, "cid", "1");
  CHECK_OK(downline_add_campaigns_json(
      &out, co, kAdmin, "[{\"id\":\"2026-10\",\"start\":\"2026-10-01\",\"end\":\"2026-10-31\"}]"));
  downline_buf_dispose(&out);
  CHECK_OK(downline_report_orders_json(&out, co, kAdmin,
                                       "[{\"id\":\"A\",\"amount\":\"150\",\"owner\":\"1\",\"at\":"
                                       "\"2026-10-10T10:00:00Z\",\"volume\":\"150\"},"
                                       "{\"id\":\"B\",\"amount\":\"600\",\"owner\":\"2\",\"at\":"
                                       "\"2026-10-10T10:00:00Z\",\"volume\":\"600\"},"
                                       "{\"id\":\"C\",\"amount\":\"300\",\"owner\":\"3\",\"at\":"
                                       "\"2026-10-10T10:00:00Z\",\"volume\":\"300\"}]",
                                       NULL, NULL));
  downline_buf_dispose(&out);

  /* Ana: PV 150 and two active recruits (silver); group volume 150 + 400
   * (Ben's 600, capped) + 300 = 850 of 1000 (not gold). */
  CHECK_OK(downline_precalculate_json(&out, co, kAdmin, "2026-10"));
  CHECK_CONTAINS(out.ptr, "\"pre_calculated\":true");
  CHECK_CONTAINS(out.ptr, "\"paid_as\":{\"bronze\":2,\"silver\":1}");
  downline_buf_dispose(&out);
  CHECK_OK(downline_person_json(&out, co, kAdmin, 1));
  CHECK_CONTAINS(out.ptr, "\"rank\":\"\"");
  downline_buf_dispose(&out);
  CHECK_FAILS(downline_precalculate_json(&out, co, kAdmin, "nope"), DOWNLINE_NOT_FOUND, "campaign");
  CHECK_OK(downline_close_campaign_json(&out, co, kAdmin, "2026-10"));
  CHECK_CONTAINS(out.ptr, "\"pre_calculated\":false");
  CHECK_CONTAINS(out.ptr, "\"paid_as\":{\"bronze\":2,\"silver\":1}");
  CHECK_CONTAINS(out.ptr, "\"promotions\":3");
  /* Ben's one order averages 600, above 400: big; Ana and Cid: small. */
  CHECK_CONTAINS(out.ptr, "\"segments\":{\"big\":1,\"small\":2}");
  CHECK_CONTAINS(out.ptr, "\"digest\":\"");
  downline_buf_dispose(&out);
  CHECK_OK(downline_rank_report_json(&out, co, kAdmin, 1, "2026-10"));
  CHECK_CONTAINS(out.ptr, "\"paid_as\":\"silver\"");
  CHECK_CONTAINS(out.ptr,
                 "{\"requirement\":\"group_volume\",\"actual\":\"850\",\"required\":\"1000\","
                 "\"met\":false,\"max_per_leg\":\"400\"}");
  CHECK_CONTAINS(out.ptr,
                 "{\"requirement\":\"active_recruits\",\"actual\":2,\"required\":2,\"met\":true}");
  downline_buf_dispose(&out);
  CHECK_OK(downline_person_json(&out, co, kAdmin, 1));
  CHECK_CONTAINS(out.ptr, "\"rank\":\"silver\"");
  CHECK_CONTAINS(out.ptr, "\"segment\":\"small\"");
  downline_buf_dispose(&out);
  CHECK_OK(downline_person_json(&out, co, kAdmin, 2));
  CHECK_CONTAINS(out.ptr, "\"segment\":\"big\"");
  downline_buf_dispose(&out);

  /* Bad input. */
  CHECK_FAILS(downline_rank_report_json(&out, co, kAdmin, 99, "2026-10"), DOWNLINE_NOT_FOUND,
              "person");
  CHECK_FAILS(downline_rank_report_json(&out, co, kAdmin, 1, "nope"), DOWNLINE_NOT_FOUND,
              "campaign");
  CHECK_FAILS(downline_rank_report_json(&out, co, kAdmin, 1, NULL), DOWNLINE_INVALID_ARGUMENT,
              "campaign");
  CHECK(out.ptr == NULL);

  /* RFM needs no company: two bins, Ann recent and big, Bob neither. The
   * package's thresholds are the quantile plus one: the frequency cut is
   * 1.5 + 1, so Ann's two orders still score 1. */
  CHECK_OK(
      downline_rfm_json(&out,
                        "[{\"customer\":\"ann\",\"date\":\"2026-11-20\",\"revenue\":\"90\"},"
                        "{\"customer\":\"ann\",\"date\":\"2026-11-25\",\"revenue\":\"60\"},"
                        "{\"customer\":\"bob\",\"date\":\"2026-06-01\",\"revenue\":\"10\"}]",
                        DOWNLINE_NUL_TERMINATED,
                        "{\"analysis_date\":\"2026-11-30\",\"bins\":{\"recency\":2,\"frequency\":2,"
                        "\"monetary\":2},\"segments\":[{\"name\":\"best\",\"recency\":[2,2],"
                        "\"monetary\":[2,2]}]}"));
  CHECK_CONTAINS(out.ptr,
                 "{\"customer\":\"ann\",\"most_recent\":\"2026-11-25\",\"recency_days\":5,"
                 "\"transactions\":2,\"amount\":\"150\",\"recency_score\":2,"
                 "\"frequency_score\":1,\"monetary_score\":2,\"rfm_score\":212,"
                 "\"segment\":\"best\"}");
  CHECK_CONTAINS(out.ptr, "\"rfm_score\":111,\"segment\":\"Others\"");
  downline_buf_dispose(&out);
  CHECK_FAILS(downline_rfm_json(&out,
                                "[{\"customer\":\"x\",\"date\":\"2026-13-01\","
                                "\"revenue\":\"1\"}]",
                                DOWNLINE_NUL_TERMINATED, "{\"analysis_date\":\"2026-11-30\"}"),
              DOWNLINE_INVALID_ARGUMENT, "[0].date");
  CHECK_FAILS(downline_rfm_json(&out, "[]", DOWNLINE_NUL_TERMINATED,
                                "{\"analysis_date\":\"2026-11-30\",\"bins\":{\"recency\":0}}"),
              DOWNLINE_INVALID_ARGUMENT, "recency_bins");
  CHECK(out.ptr == NULL);
  downline_company_close(co);
  puts("career_c_test: ok");
  return 0;
}

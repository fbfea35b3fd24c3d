/* The commercial cycle from a plain C99 program: a calendar in the company's
 * zone, orders reported one by one and in bulk, a person's activity, the
 * kit order that activates a pending consultant, the close; bad input. */
#include "downline.h"

#include <stdio.h>
#include <string.h>

#include "check.h"

static const char kAdmin[] = "{\"login\":\"backend\",\"roles\":[\"admin\"]}";

static const char kConfig[] =
    "{\"company\":{\"name\":\"C\",\"currency\":\"COP\",\"time_zone\":\"America/Bogota\"},"
    "\"channels\":[{\"id\":\"web\",\"kind\":\"corporate_site\","
    "\"forms\":{\"consultant\":{\"outcome\":\"pending_kit\"}}}],"
    "\"rules\":[{\"id\":\"kit\",\"trigger\":\"order_state_changed\","
    "\"when\":{\"and\":[{\"==\":[{\"var\":\"order.state\"},\"paid\"]},"
    "{\"some\":[{\"var\":\"order.lines\"},{\"in\":[\"starter_kit\",{\"var\":\"flags\"}]}]}]},"
    "\"then\":[{\"action\":\"activate\"}]}],"
    "\"commercial_states\":[{\"id\":\"active\",\"after_campaigns_without_order\":0},"
    "{\"id\":\"inactive\",\"after_campaigns_without_order\":3,\"inactivates\":true}],"
    "\"reinstatement\":{\"free_within\":5,\"fee_within\":13}}";

static int calls = 0;
static int count_progress(uint64_t done, uint64_t total, void *user) {
  (void)done;
  (void)total;
  (void)user;
  ++calls;
  return 0;
}

static int stop_progress(uint64_t done, uint64_t total, void *user) {
  (void)done;
  (void)total;
  (void)user;
  return 1;
}

int main(void) {
  downline_company *co = NULL;
  downline_buf out = DOWNLINE_BUF_INIT;
  CHECK_OK(downline_company_open(&co, "memory:", kConfig, DOWNLINE_NUL_TERMINATED));
  CHECK_OK(downline_enroll_json(&out, co, kAdmin,
                                "{\"channel\":\"web\",\"type\":\"consultant\","
                                "\"person\":{\"external_id\":\"A\",\"first_name\":\"Ana\","
                                "\"last_name\":\"G\",\"email\":\"a@example.com\"}}"));
  CHECK_CONTAINS(out.ptr, "\"outcome\":\"pending_kit\"");
  downline_buf_dispose(&out);

  CHECK_OK(downline_add_campaigns_json(
      &out, co, kAdmin,
      "[{\"id\":\"2026-11\",\"start\":\"2026-11-01\",\"end\":\"2026-11-30\"},"
      "{\"id\":\"2026-12\",\"start\":\"2026-12-01\",\"end\":\"2026-12-31\"}]"));
  CHECK_CONTAINS(out.ptr, "\"ends_at\":\"2026-12-01T05:00:00.000000Z\"");
  downline_buf_dispose(&out);
  CHECK_OK(downline_campaigns_json(&out, co));
  CHECK_CONTAINS(out.ptr, "\"id\":\"2026-12\"");
  CHECK_CONTAINS(out.ptr, "\"state\":\"open\"");
  downline_buf_dispose(&out);

  /* The kit, placed then paid: the rule activates Ana. */
  CHECK_OK(downline_report_order_json(
      &out, co, kAdmin,
      "{\"id\":\"K-1\",\"owner\":\"1\",\"state\":\"placed\",\"at\":\"2026-12-01T04:59:59Z\","
      "\"lines\":[{\"sku\":\"KIT\",\"quantity\":1,\"amount\":\"150\",\"volume\":\"20\","
      "\"flags\":[\"starter_kit\"]}]}"));
  CHECK_CONTAINS(out.ptr, "\"result\":\"created\"");
  CHECK_CONTAINS(out.ptr, "\"campaign\":\"2026-11\"");
  downline_buf_dispose(&out);
  CHECK_OK(downline_report_order_json(
      &out, co, kAdmin, "{\"id\":\"K-1\",\"state\":\"paid\",\"at\":\"2026-12-01T06:00:00Z\"}"));
  CHECK_CONTAINS(out.ptr, "\"first_purchase\":true");
  CHECK_CONTAINS(out.ptr, "\"rule\":\"kit\"");
  downline_buf_dispose(&out);
  CHECK_OK(downline_person_json(&out, co, kAdmin, 1));
  CHECK_CONTAINS(out.ptr, "\"status\":\"active\"");
  downline_buf_dispose(&out);
  CHECK_OK(downline_order_json(&out, co, kAdmin, "K-1"));
  CHECK_CONTAINS(out.ptr, "\"amount\":\"150\"");
  CHECK_CONTAINS(out.ptr, "\"history\":[{\"state\":\"placed\"");
  CHECK_CONTAINS(out.ptr, "\"flags\":[\"starter_kit\"]");
  downline_buf_dispose(&out);

  /* In bulk: one written, one refused with its field. */
  calls = 0;
  CHECK_OK(downline_report_orders_json(
      &out, co, kAdmin,
      "[{\"id\":\"B-1\",\"owner\":1,\"at\":\"2026-11-20T10:00:00Z\",\"amount\":\"40\","
      "\"volume\":\"4\"},"
      "{\"id\":\"B-2\",\"owner\":9,\"at\":\"2026-11-20T10:00:00Z\"}]",
      count_progress, NULL));
  CHECK_CONTAINS(out.ptr, "\"created\":1");
  CHECK_CONTAINS(out.ptr, "\"field\":\"orders[1].owner\"");
  CHECK(calls >= 1);
  downline_buf_dispose(&out);
  CHECK_OK(downline_activity_json(&out, co, kAdmin, 1, "2026-11"));
  CHECK_CONTAINS(out.ptr, "\"orders\":2");
  CHECK_CONTAINS(out.ptr, "\"personal_volume\":\"24\"");
  downline_buf_dispose(&out);
  CHECK_FAILS(downline_report_orders_json(&out, co, kAdmin,
                                          "[{\"id\":\"S-1\",\"owner\":1,"
                                          "\"at\":\"2026-11-20T10:00:00Z\"}]",
                                          stop_progress, NULL),
              DOWNLINE_ABORTED, "progress");
  CHECK_FAILS(downline_order_json(&out, co, kAdmin, "S-1"), DOWNLINE_NOT_FOUND, "id");

  /* The close locks November. */
  CHECK_OK(downline_close_campaign_json(&out, co, kAdmin, "2026-11"));
  CHECK_CONTAINS(out.ptr, "\"orders\":2");
  CHECK_CONTAINS(out.ptr, "\"already_closed\":false");
  CHECK_CONTAINS(out.ptr, "\"commercial_states\":{\"active\":1}");
  downline_buf_dispose(&out);
  CHECK_OK(downline_person_json(&out, co, kAdmin, 1));
  CHECK_CONTAINS(out.ptr, "\"commercial_state\":\"active\"");
  downline_buf_dispose(&out);
  /* The closed November's KPIs, the list of who ordered, Ana's states. */
  CHECK_OK(downline_kpis_json(&out, co, kAdmin, "{\"campaign\":\"2026-11\"}"));
  CHECK_CONTAINS(out.ptr, "\"closed\":true");
  CHECK_CONTAINS(out.ptr, "\"persons\":1,\"consultants\":1");
  CHECK_CONTAINS(out.ptr, "\"with_orders\":1,\"without_orders\":0");
  CHECK_CONTAINS(out.ptr, "\"group_volume\":\"24\"");
  CHECK_CONTAINS(out.ptr, "\"commercial_states\":{\"active\":1}");
  CHECK_CONTAINS(out.ptr, "\"top_sellers\":[{\"person\":\"1\",\"zone\":\"\",\"volume\":\"24\"");
  downline_buf_dispose(&out);
  CHECK_OK(downline_genealogy_list_json(&out, co, kAdmin,
                                        "{\"campaign\":\"2026-11\",\"with_orders\":true}"));
  CHECK_CONTAINS(out.ptr, "\"entries\":[{\"person\":\"1\",\"level\":0");
  CHECK_CONTAINS(out.ptr, "\"orders\":2");
  CHECK_CONTAINS(out.ptr, "\"total\":1");
  downline_buf_dispose(&out);
  CHECK_OK(downline_commercial_state_history_json(&out, co, kAdmin, 1));
  CHECK_CONTAINS(out.ptr,
                 "[{\"campaign\":\"2026-11\",\"state\":\"active\",\"previous_state\":\"\"");
  downline_buf_dispose(&out);
  CHECK_FAILS(downline_kpis_json(&out, co, kAdmin, "{\"root\":\"1\"}"), DOWNLINE_INVALID_ARGUMENT,
              "campaign");
  CHECK_FAILS(downline_kpis_json(&out, co, kAdmin, "{\"campaign\":\"nope\"}"), DOWNLINE_NOT_FOUND,
              "campaign");
  CHECK_FAILS(downline_genealogy_list_json(&out, co, kAdmin,
                                           "{\"campaign\":\"2026-11\",\"lights\":[\"blue\"]}"),
              DOWNLINE_INVALID_ARGUMENT, "lights[0]");
  CHECK_FAILS(downline_commercial_state_history_json(&out, co, kAdmin, 7), DOWNLINE_NOT_FOUND,
              "person");

  CHECK_FAILS(downline_report_order_json(&out, co, kAdmin,
                                         "{\"id\":\"B-1\",\"state\":\"cancelled\","
                                         "\"at\":\"2026-12-02T10:00:00Z\"}"),
              DOWNLINE_FAILED_PRECONDITION, "campaign");

  /* Bad input. */
  CHECK_FAILS(downline_report_order_json(&out, co, kAdmin, "{\"id\":\"X\",\"amount\":12.5}"),
              DOWNLINE_INVALID_ARGUMENT, "amount");
  CHECK_FAILS(downline_report_order_json(&out, co, kAdmin, "{\"owner\":1}"),
              DOWNLINE_INVALID_ARGUMENT, "id");
  CHECK_FAILS(downline_add_campaigns_json(&out, co, kAdmin,
                                          "[{\"id\":\"x\",\"start\":\"2027-01-05\","
                                          "\"end\":\"2027-01-01\"}]"),
              DOWNLINE_INVALID_ARGUMENT, "campaigns[0].end");
  CHECK_FAILS(downline_activity_json(&out, co, kAdmin, 1, NULL), DOWNLINE_INVALID_ARGUMENT,
              "campaign");
  CHECK_FAILS(
      downline_close_campaign_json(&out, co, "{\"login\":\"x\",\"person\":\"1\"}", "2026-12"),
      DOWNLINE_PERMISSION_DENIED, "actor");
  CHECK(out.ptr == NULL);

  downline_company_close(co);
  puts("cycle_c_test: ok");
  return 0;
}

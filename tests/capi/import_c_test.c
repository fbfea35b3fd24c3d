/* Flat files from a plain C99 program: a CSV import with a progress
 * callback, its per-row report, a second run that adds nothing, a callback
 * that stops the work, and bad input; a file of forced status changes and
 * the VIP flag. */
#include "downline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const char kConfig[] =
    "{\"enrollment\":{\"unique_email\":true},"
    "\"channels\":[{\"id\":\"file\",\"kind\":\"flat_file\"}],"
    "\"extended_fields\":[{\"slot\":1,\"id\":\"line\"}]}";
static const char kAdmin[] = "{\"login\":\"backend\",\"roles\":[\"admin\"]}";
static const char kOptions[] = "{\"channel\":\"file\",\"batch_size\":2}";

struct calls {
  int n;
  uint64_t last_done, last_total;
  int stop_at;
};

static int on_progress(uint64_t done, uint64_t total, void *user) {
  struct calls *c = (struct calls *)user;
  ++c->n;
  c->last_done = done;
  c->last_total = total;
  return c->stop_at != 0 && c->n == c->stop_at;
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  CHECK(fputs(text, f) >= 0);
  CHECK(fclose(f) == 0);
}

int main(void) {
  downline_company *co = NULL;
  downline_buf out = DOWNLINE_BUF_INIT;
  struct calls calls = {0, 0, 0, 0};
  char path[200], other[256];
  const char *dir = getenv("TMPDIR");
  static const char kCsv[] =
      "external_id,first_name,last_name,email,sponsor_external_id,extended.line\n"
      "A,Ana,G,a@example.com,,skin\n"
      "B,Bea,H,not-an-email,A,hair\n"
      "C,Cris,I,c@example.com,A,\n"
      "D,Dan,J,a@example.com,C,\n"
      "E,Eva,K,e@example.com,C,\n";
  snprintf(path, sizeof path, "%s/downline-import-c-%ld.csv", dir ? dir : "/tmp", (long)rand());
  snprintf(other, sizeof other, "%s.bad", path);
  write_file(path, kCsv);
  CHECK_OK(downline_company_open(&co, "memory:", kConfig, DOWNLINE_NUL_TERMINATED));

  CHECK_OK(downline_import_csv_json(&out, co, kAdmin, path, kOptions, on_progress, &calls));
  CHECK_CONTAINS(out.ptr, "{\"rows\":5,\"enrolled\":3,\"existing\":0,\"rejected\":[");
  CHECK_CONTAINS(out.ptr, "{\"line\":3,\"external_id\":\"B\",\"findings\":[{\"code\":");
  CHECK_CONTAINS(out.ptr, "\"reason\":\"invalid_email\",\"field\":\"person.email\"");
  CHECK_CONTAINS(out.ptr, "{\"line\":5,\"external_id\":\"D\"");
  CHECK_CONTAINS(out.ptr, "\"reason\":\"duplicate_email\"");
  CHECK(count(out.ptr, "\"line\":") == 2);
  CHECK(calls.n == 3);
  CHECK(calls.last_done == strlen(kCsv));
  CHECK(calls.last_total == strlen(kCsv));
  downline_buf_dispose(&out);

  /* The same file again adds nothing; without options or a callback. */
  CHECK_OK(downline_import_csv_json(&out, co, kAdmin, path, kOptions, NULL, NULL));
  CHECK_CONTAINS(out.ptr, "{\"rows\":5,\"enrolled\":0,\"existing\":3,");
  CHECK_CONTAINS(out.ptr, "\"last_event\":null");
  downline_buf_dispose(&out);

  /* A callback that answers non-zero stops the work. */
  write_file(other,
             "external_id,first_name,last_name,email\nF,F,F,f@example.com\n"
             "G,G,G,g@example.com\nH,H,H,h@example.com\n");
  calls.n = 0;
  calls.stop_at = 1;
  CHECK_FAILS(downline_import_csv_json(&out, co, kAdmin, other, kOptions, on_progress, &calls),
              DOWNLINE_ABORTED, "progress");

  /* Bad input: nothing written, the field named. */
  write_file(other, "external_id,colour\nX,red\n");
  CHECK_FAILS(downline_import_csv_json(&out, co, kAdmin, other, kOptions, NULL, NULL),
              DOWNLINE_INVALID_ARGUMENT, "header[1]");
  CHECK_FAILS(
      downline_import_csv_json(&out, co, kAdmin, other, "{\"delimiter\":\";;\"}", NULL, NULL),
      DOWNLINE_INVALID_ARGUMENT, "delimiter");
  CHECK_FAILS(
      downline_import_csv_json(&out, co, kAdmin, "/nonexistent/x.csv", kOptions, NULL, NULL),
      DOWNLINE_NOT_FOUND, "path");
  CHECK_FAILS(downline_import_csv_json(&out, co, kAdmin, NULL, kOptions, NULL, NULL),
              DOWNLINE_INVALID_ARGUMENT, "csv_path");

  /* Mass forced deactivation: A and C, not an unknown one; again, nothing. */
  write_file(other, "external_id,reason\nA,no orders\nC,\nNOBODY,\n");
  CHECK_OK(downline_change_statuses_csv_json(&out, co, kAdmin, other, NULL, NULL, NULL));
  CHECK_CONTAINS(out.ptr,
                 "{\"rows\":3,\"changed\":2,\"unchanged\":0,\"rejected\":[{\"line\":4,"
                 "\"external_id\":\"NOBODY\"");
  CHECK_CONTAINS(out.ptr, "\"reason\":\"person_not_found\"");
  downline_buf_dispose(&out);
  calls.n = 0;
  calls.stop_at = 0;
  CHECK_OK(downline_change_statuses_csv_json(&out, co, kAdmin, other, "{\"status\":\"inactive\"}",
                                             on_progress, &calls));
  CHECK_CONTAINS(out.ptr, "\"changed\":0,\"unchanged\":2,");
  CHECK(calls.n == 1);
  downline_buf_dispose(&out);
  CHECK_OK(downline_person_json(&out, co, kAdmin, 1));
  CHECK_CONTAINS(out.ptr, "\"status\":\"inactive\"");
  CHECK_CONTAINS(out.ptr, "\"vip\":false");
  downline_buf_dispose(&out);
  CHECK_FAILS(downline_change_statuses_csv_json(&out, co, kAdmin, other, "{\"status\":\"sleepy\"}",
                                                NULL, NULL),
              DOWNLINE_INVALID_ARGUMENT, "status");

  /* The VIP flag: granted once, with its event. */
  {
    int64_t event = 0;
    CHECK_OK(downline_set_vip(&event, co, kAdmin, 1, 1, "top seller"));
    CHECK(event > 0);
    CHECK_FAILS(downline_set_vip(&event, co, kAdmin, 1, 1, NULL), DOWNLINE_FAILED_PRECONDITION,
                "vip");
    CHECK_FAILS(downline_set_vip(&event, co, kAdmin, 999, 0, NULL), DOWNLINE_NOT_FOUND, "person");
    CHECK_OK(downline_person_json(&out, co, kAdmin, 1));
    CHECK_CONTAINS(out.ptr, "\"vip\":true");
    downline_buf_dispose(&out);
  }

  remove(path);
  remove(other);
  downline_company_close(co);
  puts("import_c_test: ok");
  return 0;
}

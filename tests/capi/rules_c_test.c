/* The rules part of the C API from a plain C99 program: load, evaluate and
 * unit-test the seeds' rule examples (examples/rules), and every bad input.
 *
 * The examples folder is compiled in as DOWNLINE_RULES_EXAMPLES. */
#include "downline.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef DOWNLINE_RULES_EXAMPLES
#error "DOWNLINE_RULES_EXAMPLES must name the examples/rules folder"
#endif

/* ---- a tiny assertion kit ------------------------------------------------ */

#include "check.h"

static void check_cleared(void) {
  const downline_error *e = downline_error_last();
  CHECK(e->status == DOWNLINE_OK);
  CHECK(e->message[0] == '\0');
  CHECK(e->detail_json[0] == '\0');
}

#define CHECK_NULL_ARG(call, field) CHECK_ERROR(call, DOWNLINE_INVALID_ARGUMENT, field)

/* ---- files and JSON strings ---------------------------------------------- */

/* The whole file examples/rules/<name>, NUL-terminated; *size gets its length.
 * The caller frees it. */
static char *read_example(const char *name, size_t *size) {
  char path[4096];
  FILE *f;
  long length;
  char *bytes;
  snprintf(path, sizeof path, "%s/%s", DOWNLINE_RULES_EXAMPLES, name);
  f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(1);
  }
  CHECK(fseek(f, 0, SEEK_END) == 0);
  length = ftell(f);
  CHECK(length >= 0);
  CHECK(fseek(f, 0, SEEK_SET) == 0);
  bytes = (char *)malloc((size_t)length + 1);
  CHECK(bytes != NULL);
  CHECK(fread(bytes, 1, (size_t)length, f) == (size_t)length);
  bytes[length] = '\0';
  fclose(f);
  if (size != NULL) *size = (size_t)length;
  return bytes;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* The string value of the first "key" in `json`, decoded (escapes undone,
 * \u as UTF-8; enough for the reports checked here), or NULL. The caller
 * frees it. */
static char *json_string(const char *json, const char *key) {
  char quoted[128];
  const char *p;
  char *out, *w;
  snprintf(quoted, sizeof quoted, "\"%s\":\"", key);
  p = strstr(json, quoted);
  if (p == NULL) return NULL;
  p += strlen(quoted);
  out = w = (char *)malloc(strlen(p) + 1);
  CHECK(out != NULL);
  for (; *p != '"'; ++p) {
    CHECK(*p != '\0');
    if (*p != '\\') {
      *w++ = *p;
      continue;
    }
    switch (*++p) {
      case 'n': *w++ = '\n'; break;
      case 't': *w++ = '\t'; break;
      case 'r': *w++ = '\r'; break;
      case 'b': *w++ = '\b'; break;
      case 'f': *w++ = '\f'; break;
      case 'u': {
        unsigned code = 0;
        int i;
        for (i = 1; i <= 4; ++i) {
          int d = hex_digit(p[i]);
          CHECK(d >= 0);
          code = code * 16 + (unsigned)d;
        }
        p += 4;
        CHECK(code < 0xD800 || code > 0xDFFF); /* no surrogate pairs expected */
        if (code < 0x80) {
          *w++ = (char)code;
        } else if (code < 0x800) {
          *w++ = (char)(0xC0 | (code >> 6));
          *w++ = (char)(0x80 | (code & 0x3F));
        } else {
          *w++ = (char)(0xE0 | (code >> 12));
          *w++ = (char)(0x80 | ((code >> 6) & 0x3F));
          *w++ = (char)(0x80 | (code & 0x3F));
        }
        break;
      }
      default: *w++ = *p; break; /* \" \\ \/ */
    }
  }
  *w = '\0';
  return out;
}

/* ---- fixtures ------------------------------------------------------------ */

/* A non-NULL handle value, to see that a failed load resets *out. */
static char g_sentinel;
#define SENTINEL ((downline_rules *)(void *)&g_sentinel)

/* Seed 000's segment AA: average order above 300,000 and 6+ consecutive
 * campaigns. */
static const char kFactsAA[] =
    "{\"campaign\":{\"average_order\":\"300000.01\",\"consecutive_campaigns\":6}}";
static const char kAt[] = "2026-03-01T12:00:00Z";

static downline_rules *load_seeds(void) {
  downline_rules *rules = SENTINEL;
  size_t size = 0;
  char *text = read_example("seeds.rules.json", &size);
  /* An exact length: the file has no NUL of its own to stop at. */
  CHECK_OK(downline_rules_load(&rules, text, size));
  check_cleared();
  CHECK(rules != NULL && rules != SENTINEL);
  free(text);
  return rules;
}

/* ---- the unit-test runner ------------------------------------------------ */

static void check_seed_cases_pass(const downline_rules *rules) {
  downline_buf out = DOWNLINE_BUF_INIT;
  char *cases = read_example("seeds.cases.json", NULL);
  CHECK_OK(downline_rules_test_json(&out, rules, cases, DOWNLINE_NUL_TERMINATED));
  check_cleared();
  CHECK(out.ptr != NULL && out.size == strlen(out.ptr));
  CHECK(strncmp(out.ptr, "{\"passed\":true,", 15) == 0);
  CHECK_CONTAINS(out.ptr, "\"total\":13,");
  CHECK_CONTAINS(out.ptr, "\"failed\":0,");
  CHECK(strstr(out.ptr, "\"passed\":false") == NULL);
  CHECK_CONTAINS(out.ptr, "\"text\":\"rules test: 13 cases, 13 passed, 0 failed\\n");
  downline_buf_dispose(&out);
  free(cases);
}

/* A failing case is data: DOWNLINE_OK, "passed": false, and a report whose
 * text is the one the CLI prints (examples/rules/failing.expected.txt). */
static void check_failing_case_is_reported(const downline_rules *rules) {
  downline_buf out = DOWNLINE_BUF_INIT;
  char *cases = read_example("failing.cases.json", NULL);
  char *expected = read_example("failing.expected.txt", NULL);
  char *text, *diff;

  CHECK_OK(downline_rules_test_json(&out, rules, cases, strlen(cases)));
  check_cleared();
  CHECK(strncmp(out.ptr, "{\"passed\":false,", 16) == 0);
  CHECK_CONTAINS(out.ptr, "\"total\":2,");
  CHECK_CONTAINS(out.ptr, "\"failed\":1,");
  /* the decision that did happen, per case */
  CHECK_CONTAINS(out.ptr,
                 "{\"name\":\"C: average 120,000.50 over 1 campaign\",\"passed\":true,"
                 "\"decisions\":[{\"rule\":\"segment-c\",\"version\":1,\"action\":"
                 "\"assign_segment\",\"segment\":\"C\"}],\"diff\":\"\"}");
  CHECK_CONTAINS(out.ptr,
                 "\"passed\":false,\"decisions\":[{\"rule\":\"segment-b\",\"version\":1,"
                 "\"action\":\"assign_segment\",\"segment\":\"B\"}]");

  text = json_string(out.ptr, "text");
  CHECK(text != NULL);
  if (strcmp(text, expected) != 0) {
    fprintf(stderr, "report text:\n%s\nexpected:\n%s\n", text, expected);
  }
  CHECK(strcmp(text, expected) == 0);
  CHECK_CONTAINS(text, "\n  - assign_segment {\"segment\":\"AA\"}\n");
  CHECK_CONTAINS(text, "\n  + assign_segment {\"segment\":\"B\"}  (rule segment-b v1)\n");

  /* The failed case's diff is the part of the text under its FAIL line. */
  diff = json_string(strstr(out.ptr, "\"passed\":false,\"decisions\""), "diff");
  CHECK(diff != NULL && diff[0] != '\0');
  CHECK_CONTAINS(text, diff);
  CHECK_CONTAINS(diff, "  - assign_segment {\"segment\":\"AA\"}\n");

  free(diff);
  free(text);
  free(expected);
  free(cases);
  downline_buf_dispose(&out);
}

/* ---- evaluation ---------------------------------------------------------- */

static void check_evaluate(const downline_rules *rules) {
  downline_buf out = DOWNLINE_BUF_INIT;
  /* facts_json_len is honoured: the bytes after it are not read. */
  char padded[sizeof kFactsAA + 8];
  memcpy(padded, kFactsAA, sizeof kFactsAA - 1);
  memcpy(padded + sizeof kFactsAA - 1, "garbage", 8);

  CHECK_OK(downline_rules_evaluate_json(&out, rules, "campaign_close", kFactsAA,
                                        DOWNLINE_NUL_TERMINATED, kAt, 0));
  check_cleared();
  CHECK(out.size == strlen(out.ptr));
  CHECK(strcmp(out.ptr,
               "{\"decisions\":[{\"rule\":\"segment-aa\",\"version\":1,\"action\":"
               "\"assign_segment\",\"segment\":\"AA\"}],\"trace\":null}") == 0);

  /* NULL `at` is now; the same facts, given by length. */
  CHECK_OK(downline_rules_evaluate_json(&out, rules, "campaign_close", padded, sizeof kFactsAA - 1,
                                        NULL, 0));
  CHECK_CONTAINS(out.ptr, "\"segment\":\"AA\"");
  CHECK_CONTAINS(out.ptr, "\"trace\":null}");

  /* With a trace: one entry per rule of the trigger, conditions included. */
  CHECK_OK(downline_rules_evaluate_json(&out, rules, "campaign_close", kFactsAA,
                                        DOWNLINE_NUL_TERMINATED, kAt, 1));
  check_cleared();
  CHECK_CONTAINS(out.ptr, "\"segment\":\"AA\"");
  CHECK(strstr(out.ptr, "\"trace\":null") == NULL);
  CHECK_CONTAINS(out.ptr, "\"trace\":[{");
  CHECK_CONTAINS(out.ptr, "\"rule\":\"segment-aa\"");
  CHECK_CONTAINS(out.ptr, "\"outcome\":\"fired\"");
  CHECK_CONTAINS(out.ptr, "\"outcome\":\"not_met\"");
  CHECK_CONTAINS(out.ptr, "\"conditions\":[");

  /* No rule firing is not an error. */
  CHECK_OK(downline_rules_evaluate_json(&out, rules, "order_state_changed",
                                        "{\"order\":{\"state\":\"draft\"}}",
                                        DOWNLINE_NUL_TERMINATED, kAt, 0));
  check_cleared();
  CHECK(strcmp(out.ptr, "{\"decisions\":[],\"trace\":null}") == 0);

  downline_buf_dispose(&out);
}

/* ---- errors --------------------------------------------------------------- */

static void check_load_errors(void) {
  downline_rules *rules = SENTINEL;
  static const char kUnknownSegment[] =
      "{\"segments\":[{\"id\":\"AA\"}],\"rules\":[{\"id\":\"r\",\"trigger\":\"campaign_close\","
      "\"then\":[{\"action\":\"assign_segment\",\"segment\":\"ZZ\"}]}]}";

  CHECK_ERROR(downline_rules_load(&rules, kUnknownSegment, DOWNLINE_NUL_TERMINATED),
              DOWNLINE_INVALID_ARGUMENT, "rules[0].then[0].segment");
  CHECK(rules == NULL);
  CHECK_CONTAINS(downline_error_last()->message, "ZZ");
  CHECK_CONTAINS(downline_error_last()->detail_json, "\"code\":\"INVALID_ARGUMENT\"");

  rules = SENTINEL;
  CHECK_ERROR(downline_rules_load(&rules, "{\"rules\":", DOWNLINE_NUL_TERMINATED),
              DOWNLINE_INVALID_ARGUMENT, "$");
  CHECK(rules == NULL);
  rules = SENTINEL;
  /* The length cuts a valid document short. */
  CHECK_STATUS(downline_rules_load(&rules, "{\"rules\":[]}", 5), DOWNLINE_INVALID_ARGUMENT);
  CHECK(rules == NULL);
  rules = SENTINEL;
  CHECK_STATUS(downline_rules_load(&rules, "", DOWNLINE_NUL_TERMINATED), DOWNLINE_INVALID_ARGUMENT);
  CHECK(rules == NULL);

  /* An empty document is an empty rule book. */
  CHECK_OK(downline_rules_load(&rules, "{\"rules\":[]}", DOWNLINE_NUL_TERMINATED));
  CHECK(rules != NULL);
  downline_rules_close(rules);

  rules = SENTINEL;
  CHECK_NULL_ARG(downline_rules_load(NULL, "{}", DOWNLINE_NUL_TERMINATED), "out");
  CHECK_NULL_ARG(downline_rules_load(&rules, NULL, DOWNLINE_NUL_TERMINATED), "json");
  CHECK(rules == NULL);
  rules = SENTINEL;
  CHECK_NULL_ARG(downline_rules_load(&rules, NULL, 0), "json");
  CHECK(rules == NULL);
}

static void check_call_errors(const downline_rules *rules) {
  downline_buf out = DOWNLINE_BUF_INIT;

  /* A failed call leaves its output buffer empty, even one that held data. */
  CHECK_OK(downline_rules_evaluate_json(&out, rules, "campaign_close", kFactsAA,
                                        DOWNLINE_NUL_TERMINATED, kAt, 0));
  CHECK(out.ptr != NULL);
  CHECK_ERROR(downline_rules_evaluate_json(&out, rules, "campaign_closed", kFactsAA,
                                           DOWNLINE_NUL_TERMINATED, kAt, 0),
              DOWNLINE_INVALID_ARGUMENT, "trigger");
  CHECK(out.ptr == NULL && out.size == 0 && out.reserved == 0);
  CHECK_CONTAINS(downline_error_last()->message, "campaign_closed");
  CHECK_ERROR(
      downline_rules_evaluate_json(&out, rules, "", kFactsAA, DOWNLINE_NUL_TERMINATED, kAt, 0),
      DOWNLINE_INVALID_ARGUMENT, "trigger");
  CHECK_ERROR(downline_rules_evaluate_json(&out, rules, "campaign_close", kFactsAA,
                                           DOWNLINE_NUL_TERMINATED, "2026-03-01", 0),
              DOWNLINE_INVALID_ARGUMENT, "at");
  CHECK_ERROR(downline_rules_evaluate_json(&out, rules, "campaign_close",
                                           "{\"campaign\":", DOWNLINE_NUL_TERMINATED, kAt, 0),
              DOWNLINE_INVALID_ARGUMENT, "$");
  /* Facts outside the model: the field is their path. */
  CHECK_STATUS(downline_rules_evaluate_json(&out, rules, "campaign_close",
                                            "{\"campaign\":{\"average_order\":[1]}}",
                                            DOWNLINE_NUL_TERMINATED, kAt, 0),
               DOWNLINE_INVALID_ARGUMENT);
  CHECK_CONTAINS(downline_error_last()->detail_json, "\"field\":\"campaign.average_order");
  CHECK(out.ptr == NULL);

  /* A malformed case file is an error; a failing case is not. */
  CHECK_ERROR(downline_rules_test_json(&out, rules, "[{", DOWNLINE_NUL_TERMINATED),
              DOWNLINE_INVALID_ARGUMENT, "$");
  CHECK_ERROR(downline_rules_test_json(&out, rules, "{\"cases\":42}", DOWNLINE_NUL_TERMINATED),
              DOWNLINE_INVALID_ARGUMENT, "cases");
  CHECK_ERROR(downline_rules_test_json(&out, rules,
                                       "[{\"name\":\"x\",\"trigger\":\"nope\",\"facts\":{},"
                                       "\"expect\":[]}]",
                                       DOWNLINE_NUL_TERMINATED),
              DOWNLINE_INVALID_ARGUMENT, "[0].trigger");
  CHECK(out.ptr == NULL);

  /* NULL arguments. */
  CHECK_NULL_ARG(downline_rules_evaluate_json(NULL, rules, "campaign_close", kFactsAA,
                                              DOWNLINE_NUL_TERMINATED, kAt, 0),
                 "out");
  CHECK_NULL_ARG(downline_rules_evaluate_json(&out, NULL, "campaign_close", kFactsAA,
                                              DOWNLINE_NUL_TERMINATED, kAt, 0),
                 "rules");
  CHECK_NULL_ARG(
      downline_rules_evaluate_json(&out, rules, NULL, kFactsAA, DOWNLINE_NUL_TERMINATED, kAt, 0),
      "trigger");
  CHECK_NULL_ARG(downline_rules_evaluate_json(&out, rules, "campaign_close", NULL,
                                              DOWNLINE_NUL_TERMINATED, kAt, 0),
                 "facts_json");
  CHECK_NULL_ARG(downline_rules_evaluate_json(&out, rules, "campaign_close", NULL, 0, kAt, 0),
                 "facts_json");
  CHECK_NULL_ARG(downline_rules_test_json(NULL, rules, "[]", DOWNLINE_NUL_TERMINATED), "out");
  CHECK_NULL_ARG(downline_rules_test_json(&out, NULL, "[]", DOWNLINE_NUL_TERMINATED), "rules");
  CHECK_NULL_ARG(downline_rules_test_json(&out, rules, NULL, DOWNLINE_NUL_TERMINATED),
                 "cases_json");
  CHECK(out.ptr == NULL && out.size == 0);

  /* The void functions accept NULL and leave the error record alone. */
  downline_rules_close(NULL);
  downline_buf_dispose(&out);
  CHECK(downline_error_last()->status == DOWNLINE_INVALID_ARGUMENT);
}

/* A rule whose condition walks 1000 x 1000 literal elements: more than the
 * million operations one evaluation may perform. */
static void check_budget_exhausted(void) {
  enum { kElements = 1000 };
  static const char kHead[] =
      "{\"segments\":[{\"id\":\"AA\"}],\"rules\":[{\"id\":\"hostile\",\"trigger\":"
      "\"campaign_close\",\"when\":{\"some\":[{\"map\":[%s,{\"map\":[%s,{\"var\":\"\"}]}]},"
      "{\"==\":[{\"var\":\"\"},0]}]},\"then\":[{\"action\":\"assign_segment\",\"segment\":"
      "\"AA\"}]}]}";
  char *array = (char *)malloc(kElements * 5 + 3);
  char *document;
  size_t used = 0, size;
  int i;
  downline_rules *rules = NULL;
  downline_buf out = DOWNLINE_BUF_INIT;

  CHECK(array != NULL);
  array[used++] = '[';
  for (i = 0; i < kElements; ++i) {
    used += (size_t)sprintf(array + used, i == 0 ? "%d" : ",%d", i);
  }
  array[used++] = ']';
  array[used] = '\0';
  size = sizeof kHead + 2 * used;
  document = (char *)malloc(size);
  CHECK(document != NULL);
  snprintf(document, size, kHead, array, array);

  CHECK_OK(downline_rules_load(&rules, document, DOWNLINE_NUL_TERMINATED));
  CHECK_OK(downline_rules_evaluate_json(&out, rules, "enrollment", "{}", DOWNLINE_NUL_TERMINATED,
                                        kAt, 0));
  CHECK_ERROR(downline_rules_evaluate_json(&out, rules, "campaign_close", "{}",
                                           DOWNLINE_NUL_TERMINATED, kAt, 0),
              DOWNLINE_RESOURCE_EXHAUSTED, "rules[0].when");
  CHECK(out.ptr == NULL);
  CHECK_CONTAINS(downline_error_last()->detail_json, "\"code\":\"RESOURCE_EXHAUSTED\"");

  downline_rules_close(rules);
  free(document);
  free(array);
}

/* ---- threads: one handle, many threads ----------------------------------- */

typedef struct thread_arg {
  const downline_rules *rules;
  int failures;
} thread_arg;

static void *evaluator_thread(void *p) {
  thread_arg *arg = (thread_arg *)p;
  downline_buf out = DOWNLINE_BUF_INIT;
  int i;
  for (i = 0; i < 200; ++i) {
    if (downline_rules_evaluate_json(&out, arg->rules, "campaign_close", kFactsAA,
                                     DOWNLINE_NUL_TERMINATED, kAt, i % 2) != DOWNLINE_OK ||
        strstr(out.ptr, "\"segment\":\"AA\"") == NULL) {
      ++arg->failures;
    }
    if (downline_rules_evaluate_json(&out, arg->rules, "nope", kFactsAA, DOWNLINE_NUL_TERMINATED,
                                     kAt, 0) != DOWNLINE_INVALID_ARGUMENT ||
        downline_error_last()->status != DOWNLINE_INVALID_ARGUMENT) {
      ++arg->failures;
    }
  }
  downline_buf_dispose(&out);
  return NULL;
}

static void check_threads(const downline_rules *rules) {
  enum { kThreads = 4 };
  pthread_t threads[kThreads];
  thread_arg args[kThreads];
  int i;
  for (i = 0; i < kThreads; ++i) {
    args[i].rules = rules;
    args[i].failures = 0;
    CHECK(pthread_create(&threads[i], NULL, evaluator_thread, &args[i]) == 0);
  }
  for (i = 0; i < kThreads; ++i) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(args[i].failures == 0);
  }
}

int main(void) {
  downline_rules *rules = load_seeds();
  check_seed_cases_pass(rules);
  check_failing_case_is_reported(rules);
  check_evaluate(rules);
  check_load_errors();
  check_call_errors(rules);
  check_budget_exhausted();
  check_threads(rules);
  downline_rules_close(rules);
  printf("rules_c_test: all checks passed\n");
  return 0;
}

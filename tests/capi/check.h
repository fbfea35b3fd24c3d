/* The assertion kit the C tests share: a failed check prints where, what,
 * and downline_error_last(), then exits 1. */
#ifndef DOWNLINE_TESTS_CAPI_CHECK_H
#define DOWNLINE_TESTS_CAPI_CHECK_H

#include <downline.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail_at(const char *file, int line, const char *what) {
  const downline_error *e = downline_error_last();
  fprintf(stderr, "%s:%d: check failed: %s\n  last error: status=%d message=\"%s\" detail=%s\n",
          file, line, what, (int)e->status, e->message, e->detail_json);
  exit(1);
}

#define CHECK(cond)                                  \
  do {                                               \
    if (!(cond)) fail_at(__FILE__, __LINE__, #cond); \
  } while (0)

/* Runs `call`, which must return `expected`. */
#define CHECK_STATUS(call, expected)                                                          \
  do {                                                                                        \
    downline_status check_status_got_ = (call);                                               \
    if (check_status_got_ != (expected)) {                                                    \
      fprintf(stderr, "%s:%d: %s returned %d, expected %d (%s)\n", __FILE__, __LINE__, #call, \
              (int)check_status_got_, (int)(expected), #expected);                            \
      fail_at(__FILE__, __LINE__, "status");                                                  \
    }                                                                                         \
  } while (0)

#define CHECK_OK(call) CHECK_STATUS(call, DOWNLINE_OK)

/* `actual` equals the string `expected`. */
#define CHECK_STR(actual, expected)                                                          \
  do {                                                                                       \
    const char *check_str_a_ = (actual);                                                     \
    const char *check_str_e_ = (expected);                                                   \
    if (check_str_a_ == NULL || strcmp(check_str_a_, check_str_e_) != 0) {                   \
      fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #actual, \
              check_str_a_ ? check_str_a_ : "(null)", check_str_e_);                         \
      fail_at(__FILE__, __LINE__, "string");                                                 \
    }                                                                                        \
  } while (0)

/* `haystack` holds `needle`; prints both when not. */
#define CHECK_CONTAINS(haystack, needle)                                                      \
  do {                                                                                        \
    const char *check_h_ = (haystack);                                                        \
    const char *check_n_ = (needle);                                                          \
    if (check_h_ == NULL || strstr(check_h_, check_n_) == NULL) {                             \
      fprintf(stderr, "%s:%d: %s does not contain %s\n  text: %s\n  missing: %s\n", __FILE__, \
              __LINE__, #haystack, #needle, check_h_ ? check_h_ : "(null)", check_n_);        \
      fail_at(__FILE__, __LINE__, "contains");                                                \
    }                                                                                         \
  } while (0)

/* The failure recorded for the last call has `status` and names `field`. */
static inline void check_error_field(downline_status status, const char *field) {
  const downline_error *e = downline_error_last();
  char expected[256];
  CHECK(e->status == status);
  CHECK(e->message != NULL && e->message[0] != '\0');
  snprintf(expected, sizeof expected, "\"field\":\"%s\"", field);
  CHECK_CONTAINS(e->detail_json, expected);
}

/* `call` fails with `status` naming `field`. */
#define CHECK_ERROR(call, status, field) \
  do {                                   \
    CHECK_STATUS(call, status);          \
    check_error_field(status, field);    \
  } while (0)

/* `call` fails with `status` naming `field`, and leaves the buffer `out`
 * empty. */
#define CHECK_FAILS(call, status, field) \
  do {                                   \
    CHECK_ERROR(call, status, field);    \
    CHECK(out.ptr == NULL);              \
    CHECK(out.size == 0);                \
  } while (0)

/* True when `text` begins with `prefix`. */
static inline int starts_with(const char *text, const char *prefix) {
  return text != NULL && strncmp(text, prefix, strlen(prefix)) == 0;
}

/* Number of times `needle` occurs in `text`. */
static inline int count(const char *text, const char *needle) {
  int n = 0;
  const char *p = text;
  while ((p = strstr(p, needle)) != NULL) {
    ++n;
    p += strlen(needle);
  }
  return n;
}

#endif

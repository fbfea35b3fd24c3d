/* The assertion kit the C tests share: a failed check prints where, what,
 * and downline_error_last(), then exits 1. */
#ifndef DOWNLINE_TESTS_CAPI_CHECK_H
#define DOWNLINE_TESTS_CAPI_CHECK_H

#include <downline.h>

#include <stdio.h>
#include <stdlib.h>

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

#endif

/* downline.h must compile as strict C99 (-std=c99 -pedantic -Wall -Wextra
 * -Werror), included first and alone. Each declaration is used once, with
 * its exact type, so that a signature change is noticed here too. */
#include "downline.h"

int downline_header_c99_check(void);

int downline_header_c99_check(void) {
  downline_buf buf = DOWNLINE_BUF_INIT;
  downline_company *company = NULL;
  downline_error error = {DOWNLINE_OK, "", ""};
  downline_status status = DOWNLINE_DATA_LOSS;
  size_t nul_terminated = DOWNLINE_NUL_TERMINATED;

  const downline_error *(*error_last)(void) = downline_error_last;
  void (*buf_dispose)(downline_buf *) = downline_buf_dispose;
  const char *(*version)(void) = downline_version;
  downline_status (*company_open)(downline_company **, const char *, const char *, size_t) =
      downline_company_open;
  void (*company_close)(downline_company *) = downline_company_close;
  downline_status (*enroll)(downline_buf *, downline_company *, const char *, const char *) =
      downline_enroll_json;
  downline_status (*enroll_many)(downline_buf *, downline_company *, const char *, const char *) =
      downline_enroll_many_json;
  downline_status (*person)(downline_buf *, downline_company *, const char *, int64_t) =
      downline_person_json;
  downline_status (*upline)(downline_buf *, downline_company *, const char *, int64_t, const char *,
                            int32_t) = downline_upline_json;
  downline_status (*downline)(downline_buf *, downline_company *, const char *, int64_t,
                              const char *) = downline_downline_json;
  downline_status (*is_in_downline)(int *, downline_company *, const char *, const char *, int64_t,
                                    int64_t) = downline_is_in_downline;
  downline_status (*network_id)(downline_buf *, downline_company *, const char *, const char *,
                                int64_t) = downline_network_id;

  (void)buf;
  (void)company;
  (void)error;
  (void)nul_terminated;
  (void)error_last;
  (void)buf_dispose;
  (void)version;
  (void)company_open;
  (void)company_close;
  (void)enroll;
  (void)enroll_many;
  (void)person;
  (void)upline;
  (void)downline;
  (void)is_in_downline;
  (void)network_id;
  return (int)status;
}

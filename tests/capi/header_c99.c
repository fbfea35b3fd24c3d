/* downline.h must compile as strict C99 (-std=c99 -pedantic -Wall -Wextra
 * -Werror), included first and alone. Each declaration is used once, with
 * its exact type, so that a signature change is noticed here too. */
#include "downline.h"

int downline_header_c99_check(void);

int downline_header_c99_check(void) {
  downline_buf buf = DOWNLINE_BUF_INIT;
  downline_company *company = NULL;
  downline_rules *rules = NULL;
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
  downline_status (*export_tree)(downline_buf *, downline_company *, const char *, int64_t,
                                 const char *) = downline_export_tree;
  downline_status (*verify)(downline_buf *, downline_company *, const char *) =
      downline_verify_json;
  downline_status (*transfer)(downline_buf *, downline_company *, const char *, const char *) =
      downline_transfer_json;
  downline_status (*compress)(downline_buf *, downline_company *, const char *, const char *) =
      downline_compress_json;
  downline_status (*place)(downline_buf *, downline_company *, const char *, int64_t, const char *,
                           const char *) = downline_place_json;
  downline_status (*place_expired)(downline_buf *, downline_company *, const char *, const char *) =
      downline_place_expired_json;
  downline_status (*children)(downline_buf *, downline_company *, const char *, int64_t,
                              const char *) = downline_children_json;
  downline_status (*open_positions)(downline_buf *, downline_company *, const char *, int64_t,
                                    const char *, size_t) = downline_open_positions_json;
  downline_status (*lobby)(downline_buf *, downline_company *, const char *, const char *) =
      downline_lobby_json;
  downline_status (*user_add)(downline_company *, const char *, const char *) =
      downline_user_add_json;
  downline_status (*actor_for)(downline_buf *, downline_company *, const char *) =
      downline_actor_for_json;
  downline_status (*rules_load)(downline_rules **, const char *, size_t) = downline_rules_load;
  void (*rules_close)(downline_rules *) = downline_rules_close;
  downline_status (*rules_evaluate)(downline_buf *, const downline_rules *, const char *,
                                    const char *, size_t, const char *, int) =
      downline_rules_evaluate_json;
  downline_status (*rules_test)(downline_buf *, const downline_rules *, const char *, size_t) =
      downline_rules_test_json;

  (void)buf;
  (void)company;
  (void)rules;
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
  (void)export_tree;
  (void)verify;
  (void)transfer;
  (void)compress;
  (void)place;
  (void)place_expired;
  (void)children;
  (void)open_positions;
  (void)lobby;
  (void)user_add;
  (void)actor_for;
  (void)rules_load;
  (void)rules_close;
  (void)rules_evaluate;
  (void)rules_test;
  return (int)status;
}

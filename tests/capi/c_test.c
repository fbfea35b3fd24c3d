/* The C API from a plain C99 program: every function, the happy paths and
 * every bad input, on a memory: and a sqlite: company.
 *
 * Usage: c_test SCRATCH_DIR   (the sqlite file is created there) */
#include "downline.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a tiny assertion kit ------------------------------------------------ */

#include "check.h"

/* ---- a tiny JSON reader, enough for the outputs we check ----------------- */

/* The value after the `occurrence`-th (0-based) "key": in `json`, or NULL. */
static const char *json_value(const char *json, const char *key, int occurrence) {
  char quoted[128];
  const char *p = json;
  snprintf(quoted, sizeof quoted, "\"%s\"", key);
  while (p != NULL && (p = strstr(p, quoted)) != NULL) {
    const char *v = p + strlen(quoted);
    while (*v == ' ' || *v == '\n' || *v == '\t' || *v == '\r') ++v;
    p = v;
    if (*v != ':') continue; /* the text was a value, not a key */
    ++v;
    while (*v == ' ' || *v == '\n' || *v == '\t' || *v == '\r') ++v;
    if (occurrence-- == 0) return v;
  }
  return NULL;
}

/* The id (a JSON string or number) under the first "key", or -1. */
static long long json_id(const char *json, const char *key) {
  const char *v = json_value(json, key, 0);
  if (v == NULL) return -1;
  if (*v == '"') ++v;
  if (*v < '0' || *v > '9') return -1;
  return strtoll(v, NULL, 10);
}

/* True when some "key" in `json` has a value starting with `literal` (a JSON
 * literal: "\"invalid_email\"", "false", "3"). */
static int json_has(const char *json, const char *key, const char *literal) {
  int i;
  const char *v;
  for (i = 0; (v = json_value(json, key, i)) != NULL; ++i) {
    if (strncmp(v, literal, strlen(literal)) == 0) return 1;
  }
  return 0;
}

/* True when the finding list in `json` holds one with this reason and field. */
static int has_finding(const char *json, const char *reason, const char *field) {
  char r[128], f[128];
  int i;
  const char *v;
  snprintf(r, sizeof r, "\"%s\"", reason);
  snprintf(f, sizeof f, "\"%s\"", field);
  for (i = 0; (v = json_value(json, "reason", i)) != NULL; ++i) {
    /* The finding's object: from its "{" to its "}" (no nested objects). */
    const char *begin = v, *end = strchr(v, '}');
    if (strncmp(v, r, strlen(r)) != 0 || end == NULL) continue;
    while (begin > json && *begin != '{') --begin;
    {
      const char *field_at = json_value(begin, "field", 0);
      if (field_at != NULL && field_at < end && strncmp(field_at, f, strlen(f)) == 0) return 1;
    }
  }
  return 0;
}

/* ---- fixtures ------------------------------------------------------------ */

static const char kConfig[] =
    "{\"company\":{\"name\":\"Test\",\"currency\":\"USD\",\"time_zone\":\"UTC\"}}";
static const char kAdmin[] = "{\"login\":\"backend\",\"roles\":[\"admin\"]}";

/* A non-NULL handle value, to see that a failed open resets *out. */
static char g_sentinel;
#define SENTINEL ((downline_company *)(void *)&g_sentinel)

static char g_request[1024];
static char g_actor[128];

static const char *person_request(long long sponsor, const char *first, const char *email,
                                  const char *external_id) {
  snprintf(g_request, sizeof g_request,
           "{\"type\":\"consultant\",\"sponsor\":\"%lld\",\"person\":{\"first_name\":\"%s\","
           "\"last_name\":\"Test\",\"email\":\"%s\",\"external_id\":\"%s\"}}",
           sponsor, first, email, external_id);
  return g_request;
}

static const char *consultant_actor(long long person) {
  snprintf(g_actor, sizeof g_actor, "{\"person\":\"%lld\",\"login\":\"c%lld\"}", person, person);
  return g_actor;
}

static void check_cleared(void) {
  const downline_error *e = downline_error_last();
  CHECK(e->status == DOWNLINE_OK);
  CHECK_STR(e->message, "");
  CHECK_STR(e->detail_json, "");
}

/* Enrolls one accepted person; returns its id and stores its event. */
static long long enroll_ok(downline_company *co, const char *actor, const char *request,
                           long long *event) {
  downline_buf out = DOWNLINE_BUF_INIT;
  long long id;
  CHECK_OK(downline_enroll_json(&out, co, actor, request));
  check_cleared();
  CHECK(out.ptr != NULL && out.size == strlen(out.ptr));
  if (!json_has(out.ptr, "accepted", "true")) fprintf(stderr, "outcome: %s\n", out.ptr);
  CHECK(json_has(out.ptr, "accepted", "true"));
  id = json_id(out.ptr, "person");
  CHECK(id > 0);
  if (event != NULL) *event = json_id(out.ptr, "event");
  downline_buf_dispose(&out);
  return id;
}

/* Total of the root's whole sponsor downline, as an admin sees it. */
static long long downline_total(downline_company *co, long long root) {
  downline_buf out = DOWNLINE_BUF_INIT;
  long long total;
  CHECK_OK(downline_downline_json(&out, co, kAdmin, root, NULL));
  total = json_id(out.ptr, "total");
  downline_buf_dispose(&out);
  return total;
}

/* What "nothing was written" is measured against. */
typedef struct snapshot {
  long long total;   /* persons below the root */
  long long next_id; /* the id the next person would get: must not exist */
} snapshot;

static snapshot take_snapshot(downline_company *co, long long root, long long last_id) {
  snapshot s;
  downline_buf out = DOWNLINE_BUF_INIT;
  s.total = downline_total(co, root);
  s.next_id = last_id + 1;
  CHECK_STATUS(downline_person_json(&out, co, kAdmin, s.next_id), DOWNLINE_NOT_FOUND);
  CHECK(out.ptr == NULL && out.size == 0);
  return s;
}

static void check_unchanged(downline_company *co, long long root, snapshot before) {
  downline_buf out = DOWNLINE_BUF_INIT;
  CHECK(downline_total(co, root) == before.total);
  CHECK_STATUS(downline_person_json(&out, co, kAdmin, before.next_id), DOWNLINE_NOT_FOUND);
}

/* Enrolls `request`, which must come back accepted:false with `reason` on
 * `field`, and must write nothing. */
static void check_rejected(downline_company *co, long long root, long long last_id,
                           const char *request, const char *reason, const char *field) {
  downline_buf out = DOWNLINE_BUF_INIT;
  snapshot before = take_snapshot(co, root, last_id);
  CHECK_OK(downline_enroll_json(&out, co, kAdmin, request));
  check_cleared();
  if (!has_finding(out.ptr, reason, field)) {
    fprintf(stderr, "expected finding %s on %s in: %s\n", reason, field, out.ptr);
  }
  CHECK(json_has(out.ptr, "accepted", "false"));
  CHECK(has_finding(out.ptr, reason, field));
  downline_buf_dispose(&out);
  check_unchanged(co, root, before);
}

/* ---- the scenario, on any store ------------------------------------------ */

typedef struct tree {
  long long root, b, c, d; /* root -> b -> c, root -> d */
  long long last_id;       /* the largest id enrolled */
  long long id_step;       /* ids of two consecutive enrollments differ by this */
  long long event_step;    /* and their events by this */
  long long last_event;
} tree;

static tree build_tree(downline_company *co) {
  tree t;
  long long ev_root, ev_b, ev_c, ev_d;
  downline_buf out = DOWNLINE_BUF_INIT;

  t.root = enroll_ok(co, kAdmin,
                     "{\"type\":\"consultant\",\"person\":{\"first_name\":\"Ana\",\"last_name\":"
                     "\"Root\",\"email\":\"ana@example.com\",\"external_id\":\"A1\"}}",
                     &ev_root);
  t.b = enroll_ok(co, kAdmin, person_request(t.root, "Bea", "bea@example.com", "B1"), &ev_b);
  t.c = enroll_ok(co, kAdmin, person_request(t.b, "Cai", "cai@example.com", "C1"), &ev_c);
  /* D names the sponsor by external id. */
  t.d = enroll_ok(co, kAdmin,
                  "{\"type\":\"consultant\",\"sponsor_external_id\":\"A1\",\"person\":{"
                  "\"first_name\":\"Dan\",\"last_name\":\"Test\",\"email\":\"dan@example.com\","
                  "\"external_id\":\"D1\"}}",
                  &ev_d);
  CHECK(t.root < t.b && t.b < t.c && t.c < t.d);
  CHECK(ev_root > 0 && ev_root < ev_b && ev_b < ev_c && ev_c < ev_d);
  t.id_step = t.c - t.b;
  t.event_step = ev_c - ev_b;
  CHECK(t.d - t.c == t.id_step && ev_d - ev_c == t.event_step);
  t.last_id = t.d;
  t.last_event = ev_d;

  /* Enroll-many: two persons under D, the second sponsored by the first
   * through its external id, in one call. */
  CHECK_OK(downline_enroll_many_json(
      &out, co, kAdmin,
      "[{\"sponsor_external_id\":\"D1\",\"person\":{\"first_name\":\"Eva\",\"last_name\":\"T\","
      "\"email\":\"eva@example.com\",\"external_id\":\"E1\"}},"
      "{\"sponsor_external_id\":\"E1\",\"person\":{\"first_name\":\"Fer\",\"last_name\":\"T\","
      "\"email\":\"fer@example.com\",\"external_id\":\"F1\"}}]"));
  check_cleared();
  CHECK(json_has(out.ptr, "accepted", "true"));
  CHECK(json_id(out.ptr, "last_event") == t.last_event + 2 * t.event_step);
  t.last_event += 2 * t.event_step;
  t.last_id += 2 * t.id_step;
  downline_buf_dispose(&out);
  return t;
}

static void check_reads(downline_company *co, const tree *t) {
  downline_buf out = DOWNLINE_BUF_INIT;
  char expected[256];
  int in = -1;

  /* person */
  CHECK_OK(downline_person_json(&out, co, kAdmin, t->c));
  check_cleared();
  CHECK(out.size == strlen(out.ptr));
  CHECK(json_has(out.ptr, "first_name", "\"Cai\""));
  CHECK(json_has(out.ptr, "email", "\"cai@example.com\""));
  CHECK(json_has(out.ptr, "external_id", "\"C1\""));
  CHECK(json_id(out.ptr, "sponsor") == t->b);
  CHECK(json_has(out.ptr, "type", "\"consultant\""));

  /* upline: nearest first; max_levels; the referral network defaults to the
   * sponsor's */
  CHECK_OK(downline_upline_json(&out, co, kAdmin, t->c, NULL, -1));
  CHECK(out.ptr[0] == '[');
  CHECK(json_id(out.ptr, "id") == t->b);
  {
    const char *second = json_value(out.ptr, "id", 1);
    CHECK(second != NULL && strtoll(second + (*second == '"'), NULL, 10) == t->root);
    CHECK(json_value(out.ptr, "id", 2) == NULL);
  }
  CHECK_OK(downline_upline_json(&out, co, kAdmin, t->c, "sponsor", 1));
  CHECK(json_id(out.ptr, "id") == t->b);
  CHECK(json_value(out.ptr, "id", 1) == NULL);
  CHECK_OK(downline_upline_json(&out, co, kAdmin, t->c, "referral", -1));
  CHECK(json_id(out.ptr, "id") == t->b);
  CHECK_OK(downline_upline_json(&out, co, kAdmin, t->root, NULL, -1));
  CHECK_STR(out.ptr, "[]");
  CHECK_STATUS(downline_upline_json(&out, co, kAdmin, t->c, "nope", -1), DOWNLINE_NOT_FOUND);
  CHECK(out.ptr == NULL && out.size == 0);

  /* downline: whole, one level, paged, unknown person */
  CHECK_OK(downline_downline_json(&out, co, kAdmin, t->root, NULL));
  CHECK(json_id(out.ptr, "total") == 5);
  CHECK_OK(downline_downline_json(&out, co, kAdmin, t->root, "{\"max_depth\":1}"));
  CHECK(json_id(out.ptr, "total") == 2);
  CHECK_OK(downline_downline_json(&out, co, kAdmin, t->root, "{\"offset\":1,\"limit\":1}"));
  CHECK(json_id(out.ptr, "total") == 5);
  CHECK(json_value(out.ptr, "id", 0) != NULL && json_value(out.ptr, "id", 1) == NULL);
  CHECK_OK(downline_downline_json(&out, co, kAdmin, t->b, "{}"));
  CHECK(json_id(out.ptr, "total") == 1);
  CHECK(json_id(out.ptr, "id") == t->c);
  CHECK_STATUS(downline_downline_json(&out, co, kAdmin, t->last_id + 1000, NULL),
               DOWNLINE_NOT_FOUND);
  CHECK(out.ptr == NULL);

  /* is_in_downline: strictly below */
  CHECK_OK(downline_is_in_downline(&in, co, kAdmin, "sponsor", t->c, t->root));
  check_cleared();
  CHECK(in == 1);
  CHECK_OK(downline_is_in_downline(&in, co, kAdmin, "sponsor", t->root, t->c));
  CHECK(in == 0);
  CHECK_OK(downline_is_in_downline(&in, co, kAdmin, "sponsor", t->c, t->c));
  CHECK(in == 0);
  CHECK_OK(downline_is_in_downline(&in, co, kAdmin, "referral", t->d, t->b));
  CHECK(in == 0);
  in = 1;
  CHECK_STATUS(downline_is_in_downline(&in, co, kAdmin, "sponsor", t->last_id + 1000, t->root),
               DOWNLINE_NOT_FOUND);
  CHECK(in == 0);

  /* network id: the dotted path from the network's parent */
  CHECK_OK(downline_network_id(&out, co, kAdmin, "sponsor", t->c));
  snprintf(expected, sizeof expected, "%lld.%lld.%lld", t->root, t->b, t->c);
  CHECK_STR(out.ptr, expected);
  CHECK(out.size == strlen(expected));
  CHECK_OK(downline_network_id(&out, co, kAdmin, "referral", t->root));
  snprintf(expected, sizeof expected, "%lld", t->root);
  CHECK_STR(out.ptr, expected);

  downline_buf_dispose(&out);
}

/* A consultant sees themselves and their sponsor downline, nothing else. */
static void check_consultant_scope(downline_company *co, const tree *t) {
  downline_buf out = DOWNLINE_BUF_INIT;
  int in = -1;
  const char *bea = consultant_actor(t->b);

  CHECK_OK(downline_downline_json(&out, co, bea, t->b, NULL));
  CHECK(json_id(out.ptr, "total") == 1);
  CHECK_OK(downline_person_json(&out, co, bea, t->c));
  CHECK_OK(downline_is_in_downline(&in, co, bea, "sponsor", t->c, t->b));
  CHECK(in == 1);

  CHECK_STATUS(downline_downline_json(&out, co, bea, t->root, NULL), DOWNLINE_PERMISSION_DENIED);
  CHECK(out.ptr == NULL && out.size == 0);
  CHECK(downline_error_last()->status == DOWNLINE_PERMISSION_DENIED);
  CHECK(json_has(downline_error_last()->detail_json, "code", "\"PERMISSION_DENIED\""));
  CHECK_STATUS(downline_person_json(&out, co, bea, t->d), DOWNLINE_PERMISSION_DENIED);
  CHECK_STATUS(downline_network_id(&out, co, bea, "sponsor", t->d), DOWNLINE_PERMISSION_DENIED);
  CHECK_STATUS(downline_is_in_downline(&in, co, bea, "sponsor", t->d, t->root),
               DOWNLINE_PERMISSION_DENIED);
  CHECK(in == 0);
  downline_buf_dispose(&out);
}

/* Every rejected or failed write leaves the store as it was. */
static void check_bad_enrollments(downline_company *co, tree *t) {
  downline_buf out = DOWNLINE_BUF_INIT;
  snapshot before;
  char request[512];
  long long id, event;

  /* Rejections are data: DOWNLINE_OK with accepted:false and the finding. */
  check_rejected(co, t->root, t->last_id,
                 person_request(t->last_id + 1000, "Uma", "uma@example.com", "U1"),
                 "sponsor_not_found", "sponsor");
  check_rejected(co, t->root, t->last_id,
                 "{\"sponsor_external_id\":\"NOPE\",\"person\":{\"first_name\":\"Uma\","
                 "\"last_name\":\"T\",\"email\":\"uma@example.com\"}}",
                 "sponsor_not_found", "sponsor_external_id");
  check_rejected(co, t->root, t->last_id, person_request(t->root, "Uma", "uma@example.com", "B1"),
                 "duplicate_external_id", "person.external_id");
  check_rejected(co, t->root, t->last_id, person_request(t->root, "Uma", "not-an-email", "U1"),
                 "invalid_email", "person.email");
  snprintf(request, sizeof request,
           "{\"sponsor\":\"%lld\",\"person\":{\"last_name\":\"T\",\"email\":\"uma@example.com\","
           "\"external_id\":\"U1\"}}",
           t->root);
  check_rejected(co, t->root, t->last_id, request, "required", "person.first_name");
  /* sponsor_inactive is not reachable through this API yet: no call makes a
   * person inactive. */

  /* A bulk with one bad request writes none of them. */
  before = take_snapshot(co, t->root, t->last_id);
  snprintf(request, sizeof request,
           "[{\"sponsor\":\"%lld\",\"person\":{\"first_name\":\"Val\",\"last_name\":\"T\","
           "\"email\":\"val@example.com\",\"external_id\":\"V1\"}},"
           "{\"sponsor\":\"%lld\",\"person\":{\"first_name\":\"Wes\",\"last_name\":\"T\","
           "\"email\":\"bad\",\"external_id\":\"W1\"}}]",
           t->root, t->root);
  CHECK_OK(downline_enroll_many_json(&out, co, kAdmin, request));
  CHECK(json_has(out.ptr, "accepted", "false"));
  CHECK(json_has(out.ptr, "reason", "\"invalid_email\""));
  check_unchanged(co, t->root, before);

  /* Malformed JSON is an error, and the output buffer is left empty. */
  before = take_snapshot(co, t->root, t->last_id);
  CHECK_OK(downline_person_json(&out, co, kAdmin, t->root)); /* out holds data */
  CHECK_STATUS(downline_enroll_json(&out, co, kAdmin, "{\"person\": {"), DOWNLINE_INVALID_ARGUMENT);
  CHECK(out.ptr == NULL && out.size == 0 && out.reserved == 0);
  CHECK(downline_error_last()->status == DOWNLINE_INVALID_ARGUMENT);
  CHECK(downline_error_last()->message[0] != '\0');
  CHECK_STATUS(downline_enroll_json(&out, co, kAdmin, "[1, 2]"), DOWNLINE_INVALID_ARGUMENT);
  CHECK_STATUS(downline_enroll_json(&out, co, kAdmin, ""), DOWNLINE_INVALID_ARGUMENT);
  CHECK_STATUS(downline_enroll_json(&out, co, "{\"login\":",
                                    person_request(t->root, "Xia", "xia@example.com", "X1")),
               DOWNLINE_INVALID_ARGUMENT);
  CHECK_STATUS(downline_enroll_many_json(&out, co, kAdmin, "{\"not\":\"an array\"}"),
               DOWNLINE_INVALID_ARGUMENT);
  CHECK_STATUS(downline_enroll_many_json(&out, co, kAdmin, "[{]"), DOWNLINE_INVALID_ARGUMENT);
  CHECK_STATUS(downline_downline_json(&out, co, kAdmin, t->root, "{\"max_depth\":"),
               DOWNLINE_INVALID_ARGUMENT);
  CHECK_STATUS(downline_person_json(&out, co, "not json", t->root), DOWNLINE_INVALID_ARGUMENT);
  check_unchanged(co, t->root, before);

  /* A consultant may not enroll outside their downline. */
  CHECK_STATUS(downline_enroll_json(&out, co, consultant_actor(t->c),
                                    person_request(t->d, "Yul", "yul@example.com", "Y1")),
               DOWNLINE_PERMISSION_DENIED);
  CHECK(out.ptr == NULL);
  check_unchanged(co, t->root, before);

  /* The event log and the ids moved on by exactly one enrollment since the
   * last accepted one: nothing above wrote anything. */
  id = enroll_ok(co, kAdmin, person_request(t->c, "Zoe", "zoe@example.com", "Z1"), &event);
  CHECK(id == t->last_id + t->id_step);
  CHECK(event == t->last_event + t->event_step);
  t->last_id = id;
  t->last_event = event;
  downline_buf_dispose(&out);
}

/* ---- NULL arguments ------------------------------------------------------ */

#define CHECK_NULL_ARG(call, field)                      \
  do {                                                   \
    CHECK_STATUS(call, DOWNLINE_INVALID_ARGUMENT);       \
    check_error_field(DOWNLINE_INVALID_ARGUMENT, field); \
  } while (0)

static void check_null_arguments(downline_company *co, const tree *t) {
  downline_buf out = DOWNLINE_BUF_INIT;
  downline_company *opened = SENTINEL;
  int in = 7;
  const char *req = person_request(t->root, "Nul", "nul@example.com", "N1");
  snapshot before = take_snapshot(co, t->root, t->last_id);

  CHECK_NULL_ARG(downline_company_open(NULL, "memory:", kConfig, DOWNLINE_NUL_TERMINATED), "out");
  CHECK_NULL_ARG(downline_company_open(&opened, NULL, kConfig, DOWNLINE_NUL_TERMINATED), "uri");
  CHECK(opened == NULL);
  opened = SENTINEL;
  CHECK_NULL_ARG(downline_company_open(&opened, "memory:", NULL, DOWNLINE_NUL_TERMINATED),
                 "config");
  CHECK(opened == NULL);
  CHECK_NULL_ARG(downline_company_open(&opened, "memory:", NULL, 0), "config");

  CHECK_NULL_ARG(downline_enroll_json(NULL, co, kAdmin, req), "out");
  CHECK_NULL_ARG(downline_enroll_json(&out, NULL, kAdmin, req), "company");
  CHECK_NULL_ARG(downline_enroll_json(&out, co, NULL, req), "actor_json");
  CHECK_NULL_ARG(downline_enroll_json(&out, co, kAdmin, NULL), "request_json");

  CHECK_NULL_ARG(downline_enroll_many_json(NULL, co, kAdmin, "[]"), "out");
  CHECK_NULL_ARG(downline_enroll_many_json(&out, NULL, kAdmin, "[]"), "company");
  CHECK_NULL_ARG(downline_enroll_many_json(&out, co, NULL, "[]"), "actor_json");
  CHECK_NULL_ARG(downline_enroll_many_json(&out, co, kAdmin, NULL), "requests_json");

  CHECK_NULL_ARG(downline_person_json(NULL, co, kAdmin, t->root), "out");
  CHECK_NULL_ARG(downline_person_json(&out, NULL, kAdmin, t->root), "company");
  CHECK_NULL_ARG(downline_person_json(&out, co, NULL, t->root), "actor_json");

  CHECK_NULL_ARG(downline_upline_json(NULL, co, kAdmin, t->c, NULL, -1), "out");
  CHECK_NULL_ARG(downline_upline_json(&out, NULL, kAdmin, t->c, NULL, -1), "company");
  CHECK_NULL_ARG(downline_upline_json(&out, co, NULL, t->c, NULL, -1), "actor_json");

  CHECK_NULL_ARG(downline_downline_json(NULL, co, kAdmin, t->root, NULL), "out");
  CHECK_NULL_ARG(downline_downline_json(&out, NULL, kAdmin, t->root, NULL), "company");
  CHECK_NULL_ARG(downline_downline_json(&out, co, NULL, t->root, NULL), "actor_json");

  CHECK_NULL_ARG(downline_is_in_downline(NULL, co, kAdmin, "sponsor", t->c, t->root), "out");
  CHECK_NULL_ARG(downline_is_in_downline(&in, NULL, kAdmin, "sponsor", t->c, t->root), "company");
  CHECK(in == 0);
  CHECK_NULL_ARG(downline_is_in_downline(&in, co, NULL, "sponsor", t->c, t->root), "actor_json");
  CHECK_NULL_ARG(downline_is_in_downline(&in, co, kAdmin, NULL, t->c, t->root), "network");

  CHECK_NULL_ARG(downline_network_id(NULL, co, kAdmin, "sponsor", t->c), "out");
  CHECK_NULL_ARG(downline_network_id(&out, NULL, kAdmin, "sponsor", t->c), "company");
  CHECK_NULL_ARG(downline_network_id(&out, co, NULL, "sponsor", t->c), "actor_json");
  CHECK_NULL_ARG(downline_network_id(&out, co, kAdmin, NULL, t->c), "network");

  CHECK(out.ptr == NULL && out.size == 0);
  check_unchanged(co, t->root, before);

  /* The NULL-safe void functions. */
  downline_buf_dispose(NULL);
  downline_company_close(NULL);
}

/* ---- the last error and the output buffer -------------------------------- */

static void check_error_and_buffers(downline_company *co, const tree *t) {
  downline_buf out = DOWNLINE_BUF_INIT;
  downline_buf other = DOWNLINE_BUF_INIT;
  const downline_error *e = downline_error_last();
  char expected[64];

  /* After a failure: status, message and JSON detail. */
  CHECK_STATUS(downline_person_json(&out, co, kAdmin, t->last_id + 1000), DOWNLINE_NOT_FOUND);
  CHECK(downline_error_last() == e); /* one record per thread */
  CHECK(e->status == DOWNLINE_NOT_FOUND);
  CHECK(e->message != NULL && e->message[0] != '\0');
  CHECK(e->detail_json[0] == '{');
  CHECK(json_has(e->detail_json, "code", "\"NOT_FOUND\""));
  CHECK(json_value(e->detail_json, "field", 0) != NULL);
  CHECK(json_has(e->detail_json, "message", "\""));

  /* The void functions leave it alone... */
  downline_buf_dispose(&out);
  downline_company_close(NULL);
  CHECK(e->status == DOWNLINE_NOT_FOUND);
  CHECK_STR(downline_version(), "0.1.0");
  CHECK(e->status == DOWNLINE_NOT_FOUND);

  /* ...and a successful call clears it. */
  CHECK_OK(downline_person_json(&out, co, kAdmin, t->root));
  check_cleared();

  /* A buffer is reused across calls: each write replaces the old bytes. */
  CHECK(json_has(out.ptr, "first_name", "\"Ana\""));
  CHECK_OK(downline_network_id(&out, co, kAdmin, "sponsor", t->b));
  snprintf(expected, sizeof expected, "%lld.%lld", t->root, t->b);
  CHECK_STR(out.ptr, expected);
  CHECK(out.size == strlen(expected));
  CHECK(out.ptr[out.size] == '\0');
  CHECK_OK(downline_network_id(&out, co, kAdmin, "sponsor", t->root));
  snprintf(expected, sizeof expected, "%lld", t->root);
  CHECK_STR(out.ptr, expected);

  /* A failed call empties it; the next call fills it again. */
  CHECK_STATUS(downline_network_id(&out, co, kAdmin, "nope", t->root), DOWNLINE_NOT_FOUND);
  CHECK(out.ptr == NULL && out.size == 0);
  CHECK_OK(downline_network_id(&out, co, kAdmin, "sponsor", t->root));
  CHECK_STR(out.ptr, expected);

  /* Two buffers are independent. */
  CHECK_OK(downline_downline_json(&other, co, kAdmin, t->root, "{\"limit\":0}"));
  CHECK(json_id(other.ptr, "total") > 0 && json_value(other.ptr, "id", 0) == NULL);
  CHECK_STR(out.ptr, expected);

  /* Dispose resets to DOWNLINE_BUF_INIT; twice is harmless. */
  downline_buf_dispose(&out);
  CHECK(out.ptr == NULL && out.size == 0 && out.reserved == 0);
  downline_buf_dispose(&out);
  CHECK(out.ptr == NULL);
  downline_buf_dispose(&other);
}

/* ---- threads: one handle, many threads, an error record per thread ------- */

typedef struct thread_arg {
  downline_company *co;
  const tree *t;
  int failures;
} thread_arg;

static void *reader_thread(void *p) {
  thread_arg *arg = (thread_arg *)p;
  downline_buf out = DOWNLINE_BUF_INIT;
  int i, in = 0;
  for (i = 0; i < 200; ++i) {
    if (downline_downline_json(&out, arg->co, kAdmin, arg->t->root, NULL) != DOWNLINE_OK ||
        json_id(out.ptr, "total") < 5 || downline_error_last()->status != DOWNLINE_OK) {
      ++arg->failures;
    }
    if (downline_person_json(&out, arg->co, kAdmin, arg->t->last_id + 1000) != DOWNLINE_NOT_FOUND ||
        downline_error_last()->status != DOWNLINE_NOT_FOUND) {
      ++arg->failures;
    }
    if (downline_is_in_downline(&in, arg->co, kAdmin, "sponsor", arg->t->c, arg->t->root) !=
            DOWNLINE_OK ||
        in != 1 || downline_error_last()->message[0] != '\0') {
      ++arg->failures;
    }
  }
  downline_buf_dispose(&out);
  return NULL;
}

static void check_threads(downline_company *co, const tree *t) {
  enum { kThreads = 4 };
  pthread_t threads[kThreads];
  thread_arg args[kThreads];
  int i;
  for (i = 0; i < kThreads; ++i) {
    args[i].co = co;
    args[i].t = t;
    args[i].failures = 0;
    CHECK(pthread_create(&threads[i], NULL, reader_thread, &args[i]) == 0);
  }
  /* This thread writes meanwhile. */
  enroll_ok(co, kAdmin, person_request(t->d, "Thr", "thr@example.com", "T1"), NULL);
  for (i = 0; i < kThreads; ++i) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(args[i].failures == 0);
  }
}

/* ---- opening ------------------------------------------------------------- */

static void check_open_failures(void) {
  downline_company *co = SENTINEL;
  /* config_len is honoured: the bytes after it are not read. */
  char padded[sizeof kConfig + 8];
  memcpy(padded, kConfig, sizeof kConfig - 1);
  memcpy(padded + sizeof kConfig - 1, "garbage", 8);
  CHECK_OK(downline_company_open(&co, "memory:", padded, sizeof kConfig - 1));
  check_cleared();
  CHECK(co != NULL);
  downline_company_close(co);

  co = SENTINEL;
  CHECK_STATUS(downline_company_open(&co, "memory:", "{\"company\":", DOWNLINE_NUL_TERMINATED),
               DOWNLINE_INVALID_ARGUMENT);
  CHECK(co == NULL);
  co = SENTINEL;
  CHECK_STATUS(downline_company_open(&co, "memory:", "[1]", DOWNLINE_NUL_TERMINATED),
               DOWNLINE_INVALID_ARGUMENT);
  CHECK(co == NULL);
  co = SENTINEL;
  CHECK_STATUS(downline_company_open(&co, "nosuchscheme:x", kConfig, DOWNLINE_NUL_TERMINATED),
               DOWNLINE_INVALID_ARGUMENT);
  CHECK(co == NULL);
}

/* ---- users ---------------------------------------------------------------- */

static void check_users(downline_company *co, const tree *t) {
  downline_buf out = DOWNLINE_BUF_INIT;
  char user[256];
  snprintf(user, sizeof user, "{\"login\":\"lead\",\"person\":\"%lld\",\"roles\":[\"leader\"]}",
           t->b);
  CHECK_OK(downline_user_add_json(co, kAdmin, user));
  CHECK_OK(downline_actor_for_json(&out, co, "lead"));
  CHECK(json_id(out.ptr, "person") == t->b);
  CHECK(strstr(out.ptr, "\"leader\"") != NULL);
  /* The stored actor works as an actor_json: it sees its own downline only. */
  {
    char actor[256];
    snprintf(actor, sizeof actor, "%s", out.ptr);
    CHECK_OK(downline_person_json(&out, co, actor, t->c));
    CHECK_STATUS(downline_person_json(&out, co, actor, t->root), DOWNLINE_PERMISSION_DENIED);
  }
  CHECK_STATUS(downline_user_add_json(co, kAdmin, user), DOWNLINE_ALREADY_EXISTS);
  check_error_field(DOWNLINE_ALREADY_EXISTS, "login");
  CHECK_STATUS(downline_user_add_json(co, consultant_actor(t->b), "{\"login\":\"x\"}"),
               DOWNLINE_PERMISSION_DENIED);
  CHECK_STATUS(downline_user_add_json(co, kAdmin, "{\"login\":"), DOWNLINE_INVALID_ARGUMENT);
  CHECK_NULL_ARG(downline_user_add_json(NULL, kAdmin, user), "company");
  CHECK_NULL_ARG(downline_user_add_json(co, kAdmin, NULL), "user_json");
  CHECK_NULL_ARG(downline_actor_for_json(&out, co, NULL), "login");
  CHECK_STATUS(downline_actor_for_json(&out, co, "ghost"), DOWNLINE_NOT_FOUND);
  CHECK(out.ptr == NULL || out.size == 0);
  downline_buf_dispose(&out);
}

/* Returns the root's id. */
static long long run_scenario(downline_company *co) {
  tree t = build_tree(co);
  check_reads(co, &t);
  check_consultant_scope(co, &t);
  check_bad_enrollments(co, &t);
  check_null_arguments(co, &t);
  check_error_and_buffers(co, &t);
  check_threads(co, &t);
  check_users(co, &t);
  return t.root;
}

int main(int argc, char **argv) {
  char path[4096], uri[4200], wal[4200];
  downline_company *co = NULL;
  downline_buf out = DOWNLINE_BUF_INIT;
  long long root;

  if (argc != 2) {
    fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  check_cleared(); /* before any call */
  CHECK(downline_version()[0] != '\0');
  check_open_failures();

  /* memory: */
  CHECK_OK(downline_company_open(&co, "memory:", kConfig, DOWNLINE_NUL_TERMINATED));
  run_scenario(co);
  downline_company_close(co);

  /* sqlite: in a fresh file, then reopened: the persons persist */
  snprintf(path, sizeof path, "%s/c_test.db", argv[1]);
  snprintf(uri, sizeof uri, "sqlite:%s", path);
  remove(path);
  snprintf(wal, sizeof wal, "%s-wal", path);
  remove(wal);
  snprintf(wal, sizeof wal, "%s-shm", path);
  remove(wal);
  co = NULL;
  CHECK_OK(downline_company_open(&co, uri, kConfig, DOWNLINE_NUL_TERMINATED));
  root = run_scenario(co);
  CHECK_OK(downline_downline_json(&out, co, kAdmin, root, NULL));
  {
    long long total = json_id(out.ptr, "total");
    downline_company_close(co);
    co = NULL;
    CHECK_OK(downline_company_open(&co, uri, kConfig, DOWNLINE_NUL_TERMINATED));
    CHECK_OK(downline_downline_json(&out, co, kAdmin, root, NULL));
    CHECK(json_id(out.ptr, "total") == total);
    CHECK_OK(downline_person_json(&out, co, kAdmin, root));
    CHECK(json_has(out.ptr, "first_name", "\"Ana\""));
  }
  downline_buf_dispose(&out);
  downline_company_close(co);

  printf("c_test: all checks passed\n");
  return 0;
}

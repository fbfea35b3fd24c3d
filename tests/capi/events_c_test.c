/* Event subscriptions from a plain C99 program: a callback gets each
 * committed event as JSON, in order, on the library's thread; unsubscribing
 * stops it; bad input. */
#define _POSIX_C_SOURCE 200809L
#include "downline.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"

static const char kAdmin[] = "{\"login\":\"backend\",\"roles\":[\"admin\"]}";

struct seen {
  pthread_mutex_t mu;
  int n;
  char kinds[256];
  char last[1024];
};

static void on_event(const char *event_json, void *user) {
  struct seen *s = (struct seen *)user;
  const char *kind = strstr(event_json, "\"kind\":\"");
  pthread_mutex_lock(&s->mu);
  ++s->n;
  if (kind != NULL) {
    size_t used = strlen(s->kinds);
    const char *end = strchr(kind + 8, '"');
    size_t len = end != NULL ? (size_t)(end - (kind + 8)) : 0;
    if (used + len + 2 < sizeof s->kinds) {
      memcpy(s->kinds + used, kind + 8, len);
      s->kinds[used + len] = ' ';
      s->kinds[used + len + 1] = '\0';
    }
  }
  strncpy(s->last, event_json, sizeof s->last - 1);
  pthread_mutex_unlock(&s->mu);
}

/* Waits up to 10 s until `s` saw `n` events. */
static int wait_for(struct seen *s, int n) {
  int i;
  for (i = 0; i < 1000; ++i) {
    struct timespec ms = {0, 10000000L};
    int done;
    pthread_mutex_lock(&s->mu);
    done = s->n >= n;
    pthread_mutex_unlock(&s->mu);
    if (done) return 1;
    nanosleep(&ms, NULL);
  }
  return 0;
}

int main(void) {
  downline_company *co = NULL;
  downline_buf out = DOWNLINE_BUF_INIT;
  struct seen seen;
  uint64_t id = 0;
  int64_t event = 0;
  memset(&seen, 0, sizeof seen);
  pthread_mutex_init(&seen.mu, NULL);
  CHECK_OK(downline_company_open(&co, "memory:", "{}", DOWNLINE_NUL_TERMINATED));

  CHECK_OK(downline_subscribe(&id, co, kAdmin, on_event, &seen));
  CHECK(id != 0);
  CHECK_OK(downline_enroll_json(&out, co, kAdmin,
                                "{\"person\":{\"external_id\":\"A\",\"first_name\":\"Ana\","
                                "\"last_name\":\"G\",\"email\":\"a@example.com\"}}"));
  downline_buf_dispose(&out);
  CHECK_OK(downline_set_vip(&event, co, kAdmin, 1, 1, "top seller"));
  CHECK(wait_for(&seen, 2));
  pthread_mutex_lock(&seen.mu);
  CHECK(strcmp(seen.kinds, "enrolled vip_granted ") == 0);
  CHECK_CONTAINS(seen.last, "\"reason\":\"top seller\"");
  CHECK_CONTAINS(seen.last, "\"payload\":{\"vip\":true}");
  pthread_mutex_unlock(&seen.mu);

  /* Unsubscribed: the next event does not come. */
  CHECK_OK(downline_unsubscribe(co, id));
  CHECK_OK(downline_set_vip(&event, co, kAdmin, 1, 0, NULL));
  {
    struct seen other;
    uint64_t other_id = 0;
    memset(&other, 0, sizeof other);
    pthread_mutex_init(&other.mu, NULL);
    /* A later subscriber sees only what comes after it: sync on it. */
    CHECK_OK(downline_subscribe(&other_id, co, kAdmin, on_event, &other));
    CHECK_OK(downline_set_vip(&event, co, kAdmin, 1, 1, NULL));
    CHECK(wait_for(&other, 1));
    CHECK(other.n == 1);
    CHECK_OK(downline_unsubscribe(co, other_id));
    pthread_mutex_destroy(&other.mu);
  }
  CHECK(seen.n == 2);

  /* Bad input. */
  CHECK_FAILS(downline_subscribe(&id, co, kAdmin, NULL, NULL), DOWNLINE_INVALID_ARGUMENT, "fn");
  CHECK_FAILS(downline_subscribe(&id, co, "{\"login\":\"x\",\"person\":1}", on_event, &seen),
              DOWNLINE_PERMISSION_DENIED, "actor");
  CHECK_FAILS(downline_unsubscribe(NULL, 1), DOWNLINE_INVALID_ARGUMENT, "company");

  downline_company_close(co);
  pthread_mutex_destroy(&seen.mu);
  puts("events_c_test: ok");
  return 0;
}

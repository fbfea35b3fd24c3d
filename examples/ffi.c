/* ffi.c — a C host of downline: open a company, enroll a small team, print
 * the founder's downline.
 *
 *   usage: example_ffi COMPANY_CONFIG.json [DATABASE]
 *
 * The database defaults to "ffi-example.db" in the working directory and is
 * started afresh on each run. The same calls work from any language with a C
 * foreign-function interface (ctypes, cffi, JNA, P/Invoke, cgo, ...). */
#include <downline.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every request comes through the company's backend channel and accepts
 * its terms (see the configuration). */
#define TERMS                                                                                  \
  "\"channel\": \"backend\", \"accepted_contracts\": [{\"contract\": \"terms\", \"version\": " \
  "1}], "

/* The whole file, NUL-terminated; NULL on failure. The caller frees it. */
static char *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  char *text = NULL;
  long n;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
      (text = malloc((size_t)n + 1)) != NULL) {
    *size = fread(text, 1, (size_t)n, f);
    text[*size] = '\0';
  }
  fclose(f);
  return text;
}

/* Prints what went wrong in the last downline call on this thread. */
static void report(const char *what) {
  const downline_error *e = downline_error_last();
  fprintf(stderr, "%s failed (status %d): %s\n  detail: %s\n", what, (int)e->status, e->message,
          e->detail_json);
}

/* Reads the id out of {"accepted": true, "person": "42", ...}; 0 if none. */
static long long person_id_of(const char *outcome) {
  const char *p = strstr(outcome, "\"person\":");
  if (p == NULL) return 0;
  p += strlen("\"person\":");
  while (*p == ' ' || *p == '"') ++p;
  return strtoll(p, NULL, 10);
}

/* Reads the last id out of {"accepted": true, "persons": ["43", "44"], ...}. */
static long long last_person_id_of(const char *outcome) {
  const char *p = strstr(outcome, "\"persons\":");
  const char *end = p != NULL ? strchr(p, ']') : NULL;
  if (end == NULL) return 0;
  while (end > p && (end[-1] < '0' || end[-1] > '9')) --end;
  while (end > p && end[-1] >= '0' && end[-1] <= '9') --end;
  return strtoll(end, NULL, 10);
}

int main(int argc, char **argv) {
  /* Who the calls run for: the host authenticated a back-office user. */
  const char *admin = "{\"login\": \"backend\", \"roles\": [\"admin\"]}";
  const char *db = argc > 2 ? argv[2] : "ffi-example.db";
  char uri[1024], request[512], wal[1024];
  char *config;
  size_t config_size = 0;
  downline_company *company = NULL;
  downline_buf out = DOWNLINE_BUF_INIT; /* reused by every call below */
  long long founder, leader, uma;
  int status = 1;

  if (argc < 2) {
    fprintf(stderr, "usage: %s COMPANY_CONFIG.json [DATABASE]\n", argv[0]);
    return 2;
  }
  config = read_file(argv[1], &config_size);
  if (config == NULL) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  printf("downline %s\n", downline_version());

  /* A fresh SQLite store. */
  remove(db);
  snprintf(wal, sizeof wal, "%s-wal", db);
  remove(wal);
  snprintf(wal, sizeof wal, "%s-shm", db);
  remove(wal);
  snprintf(uri, sizeof uri, "sqlite:%s", db);
  if (downline_company_open(&company, uri, config, config_size) != DOWNLINE_OK) {
    report("downline_company_open");
    goto done;
  }

  /* The founder: no sponsor, so she is a parent of the sponsor network. */
  if (downline_enroll_json(&out, company, admin,
                           "{\"type\": \"consultant\", \"channel\": \"backend\","
                           " \"accepted_contracts\": [{\"contract\": \"terms\", \"version\": 1}],"
                           " \"person\": {\"external_id\": \"F-1\", \"first_name\": \"Ana\","
                           " \"last_name\": \"Founder\", \"email\": \"ana@example.com\"}}") !=
      DOWNLINE_OK) {
    report("downline_enroll_json");
    goto done;
  }
  printf("enrolled the founder: %s\n", out.ptr);
  founder = person_id_of(out.ptr);

  /* A leader under her, by id... */
  snprintf(request, sizeof request,
           "{\"sponsor\": \"%lld\", " TERMS
           "\"person\": {\"external_id\": \"L-1\", \"first_name\": "
           "\"Luis\", \"last_name\": \"Leader\", \"email\": \"luis@example.com\"}}",
           founder);
  if (downline_enroll_json(&out, company, admin, request) != DOWNLINE_OK) {
    report("downline_enroll_json");
    goto done;
  }
  leader = person_id_of(out.ptr);

  /* ...and his team in one all-or-nothing call, sponsors by external id. */
  if (downline_enroll_many_json(
          &out, company, admin,
          "[{\"sponsor_external_id\": \"L-1\", " TERMS "\"person\": {\"external_id\": \"T-1\","
          " \"first_name\": \"Teo\", \"last_name\": \"One\", \"email\": \"teo@example.com\"}},"
          " {\"sponsor_external_id\": \"T-1\", " TERMS "\"person\": {\"external_id\": \"T-2\","
          " \"first_name\": \"Uma\", \"last_name\": \"Two\", \"email\": \"uma@example.com\"}}]") !=
      DOWNLINE_OK) {
    report("downline_enroll_many_json");
    goto done;
  }
  printf("enrolled the team: %s\n", out.ptr);
  uma = last_person_id_of(out.ptr);

  /* A rejected enrollment is not an error: the outcome lists the findings. */
  if (downline_enroll_json(
          &out, company, admin,
          "{\"sponsor_external_id\": \"L-1\", " TERMS "\"person\": {\"first_name\":"
          " \"Val\", \"last_name\": \"Bad\", \"email\": \"not-an-e-mail\"}}") != DOWNLINE_OK) {
    report("downline_enroll_json");
    goto done;
  }
  printf("a rejected enrollment: %s\n", out.ptr);

  /* The founder's whole downline, and where Uma sits. */
  if (downline_downline_json(&out, company, admin, founder, NULL) != DOWNLINE_OK) {
    report("downline_downline_json");
    goto done;
  }
  printf("the founder's downline: %s\n", out.ptr);
  if (downline_network_id(&out, company, admin, "sponsor", uma) != DOWNLINE_OK) {
    report("downline_network_id");
    goto done;
  }
  printf("Uma's network id: %s\n", out.ptr);

  /* A consultant sees only their own downline: reading the founder is refused,
   * and downline_error_last() says why. */
  snprintf(request, sizeof request, "{\"person\": \"%lld\", \"login\": \"luis\"}", leader);
  if (downline_person_json(&out, company, request, founder) != DOWNLINE_PERMISSION_DENIED) {
    report("the leader reading the founder");
    goto done;
  }
  printf("the leader may not read the founder: %s\n", downline_error_last()->detail_json);
  status = 0;

done:
  downline_buf_dispose(&out);
  downline_company_close(company); /* accepts NULL */
  free(config);
  return status;
}

/*
 * downline.h — the C ABI of downline: enrollment and genealogy logic for
 * direct-selling companies, callable from C and from any language with a C
 * foreign-function interface.
 *
 * This header is C99 and the whole contract: nothing else of the C ABI is
 * published. It is a thin layer over the C++ API (<downline/company.hpp>,
 * <downline/rules.hpp>): every rule, every check and every write happens
 * there.
 *
 * Conventions (docs/c-api.md has the long form):
 *
 * Errors
 *   Every fallible function returns a downline_status. DOWNLINE_OK (0) is
 *   success; any other value is a failure, and downline_error_last() then
 *   describes it (message, offending field, JSON detail). Expected negative
 *   outcomes are data, not errors: a rejected enrollment returns DOWNLINE_OK
 *   with "accepted": false and every finding in the output JSON. A NULL
 *   pointer where a value is required is DOWNLINE_INVALID_ARGUMENT naming the
 *   parameter, never a crash. A failed call writes nothing to the store.
 *
 * Ownership
 *   Input strings are borrowed for the duration of the call only; the library
 *   keeps no pointer to them. Output strings and JSON go into a caller-owned
 *   downline_buf that the caller releases with downline_buf_dispose(). Handles
 *   are opaque; each constructor names its destructor; destructors accept
 *   NULL.
 *
 * JSON
 *   Inputs and outputs are UTF-8 JSON documents: keys snake_case, 64-bit ids
 *   as strings ("42"; integers are accepted on input), instants RFC 3339 UTC,
 *   dates YYYY-MM-DD, enums lower-case strings.
 *
 * Actors
 *   Every call that touches the company says who it runs for, as JSON: a
 *   head-office user {"login": "backend", "roles": ["admin"]} (the roles
 *   "admin" and "operator" see every person) or a consultant acting for
 *   themselves {"person": "42"} (sees themselves and their sponsor
 *   downline). The host authenticates; the library authorises.
 *
 * Threads
 *   One downline_company handle may be used from many threads at once: reads
 *   run in parallel, writes are serialised inside the company, and no reader
 *   sees a half-applied write. The last-error record is per thread. The only
 *   call that must not race with others on the same handle is
 *   downline_company_close().
 */
#ifndef DOWNLINE_H
#define DOWNLINE_H

#include <stddef.h>
#include <stdint.h>

/* DOWNLINE_C_API marks the exported functions. The library is built with
 * hidden symbol visibility and DOWNLINE_C_BUILDING defined; a host needs
 * nothing special. */
#if defined(DOWNLINE_C_BUILDING) && (defined(__GNUC__) || defined(__clang__))
#define DOWNLINE_C_API __attribute__((visibility("default")))
#else
#define DOWNLINE_C_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Status codes and the last error                                          */
/* ------------------------------------------------------------------------ */

/**
 * The result of every fallible call. Same numbers as the C++ downline::Code
 * and the Python exception classes (numbered like abseil's canonical codes).
 */
typedef enum downline_status {
  /** Success. */
  DOWNLINE_OK = 0,
  /** The caller passed something malformed: NULL, bad JSON, bad value. */
  DOWNLINE_INVALID_ARGUMENT = 3,
  /** A referenced entity (person, network, ...) does not exist. */
  DOWNLINE_NOT_FOUND = 5,
  /** The entity to create exists already. */
  DOWNLINE_ALREADY_EXISTS = 6,
  /** The actor may not see or do this. */
  DOWNLINE_PERMISSION_DENIED = 7,
  /** A bounded computation (e.g. a rule's evaluation) exceeded its budget. */
  DOWNLINE_RESOURCE_EXHAUSTED = 8,
  /** A business rule forbids the operation in the current state. */
  DOWNLINE_FAILED_PRECONDITION = 9,
  /** A conflict with another writer: retry the whole operation. */
  DOWNLINE_ABORTED = 10,
  /** A value does not fit (decimal overflow, depth beyond limits, ...). */
  DOWNLINE_OUT_OF_RANGE = 11,
  /** The operation is not supported (yet, or by this store). */
  DOWNLINE_UNIMPLEMENTED = 12,
  /** A bug in downline, or out of memory: please report it. */
  DOWNLINE_INTERNAL = 13,
  /** The store is busy or unreachable: retry the call. */
  DOWNLINE_UNAVAILABLE = 14,
  /** The store is corrupt or from an unknown future schema. */
  DOWNLINE_DATA_LOSS = 15
} downline_status;

/**
 * What went wrong in the last failed call on this thread.
 *
 * status       the code the call returned (DOWNLINE_OK after a success).
 * message      a human-readable, English, UTF-8 message ("" after success).
 * detail_json  the same as a JSON object ("" after success), e.g.
 *              {"code": "INVALID_ARGUMENT", "field": "person.email",
 *               "message": "..."}; "field" is the path of the offending
 *              input (a JSON path inside a document, or the name of the C
 *              parameter such as "actor_json"), "" when there is none.
 *
 * The strings are never NULL.
 */
typedef struct downline_error {
  downline_status status;
  const char *message;
  const char *detail_json;
} downline_error;

/**
 * Returns the error record of the calling thread.
 *
 * Every function that returns a downline_status overwrites the record: with
 * the failure, or with DOWNLINE_OK and empty strings on success. The void
 * functions (downline_buf_dispose, downline_company_close,
 * downline_rules_close) and downline_version leave it alone, so a host may
 * release its buffers and handles before reporting the error.
 *
 * Never returns NULL; never fails. The record and its strings belong to the
 * library and stay valid until the next downline call on the same thread;
 * copy what you need to keep. Thread-safe: each thread has its own record.
 */
DOWNLINE_C_API const downline_error *downline_error_last(void);

/* ------------------------------------------------------------------------ */
/* Output buffers                                                           */
/* ------------------------------------------------------------------------ */

/**
 * A string the library returns, owned by the caller.
 *
 * ptr       the bytes, NUL-terminated (NULL when the buffer is empty).
 * size      number of bytes, excluding the terminating NUL.
 * reserved  for the library; do not touch.
 *
 * Initialise with DOWNLINE_BUF_INIT before first use and release with
 * downline_buf_dispose(); never free() ptr yourself (the library may use a
 * different allocator than yours). A buffer may be reused for many calls:
 * writing into a buffer that already holds data releases the old data first.
 * When a call fails, its output buffer is left empty (as DOWNLINE_BUF_INIT).
 * A buffer must not be used by two threads at once.
 */
typedef struct downline_buf {
  char *ptr;
  size_t size;
  size_t reserved;
} downline_buf;

/** An empty downline_buf: `downline_buf out = DOWNLINE_BUF_INIT;`. */
#define DOWNLINE_BUF_INIT \
  { NULL, 0, 0 }

/**
 * Releases the memory held by `buf` and resets it to DOWNLINE_BUF_INIT, so
 * that disposing twice is harmless. Accepts NULL and empty buffers. Never
 * fails; does not touch downline_error_last().
 */
DOWNLINE_C_API void downline_buf_dispose(downline_buf *buf);

/* ------------------------------------------------------------------------ */
/* Version                                                                  */
/* ------------------------------------------------------------------------ */

/** Pass as a length to say "the string is NUL-terminated". */
#define DOWNLINE_NUL_TERMINATED ((size_t)-1)

/**
 * Returns the library's version as "MAJOR.MINOR.PATCH" (a static string, do
 * not free). Never fails; thread-safe.
 */
DOWNLINE_C_API const char *downline_version(void);

/* ------------------------------------------------------------------------ */
/* Company                                                                  */
/* ------------------------------------------------------------------------ */

/**
 * A direct-selling company: its configuration, its store, its persons and
 * networks. Opaque; create with downline_company_open(), destroy with
 * downline_company_close(). Thread-safe (see "Threads" above).
 */
typedef struct downline_company downline_company;

/**
 * Opens (creating if needed) the company stored at `uri` with the company
 * configuration JSON document `config`.
 *
 * uri         "sqlite:PATH" (the default when no scheme is given) or
 *             "memory:" (nothing persists after close).
 * config      the configuration JSON, e.g.
 *             {"company": {"name": "Acme", "currency": "USD",
 *                          "time_zone": "UTC"}}.
 * config_len  its length in bytes, or DOWNLINE_NUL_TERMINATED.
 *
 * On success stores a new handle in *out and returns DOWNLINE_OK; the caller
 * owns it and must release it with downline_company_close(). On failure *out
 * is set to NULL (when `out` is not NULL) and the call returns
 * DOWNLINE_INVALID_ARGUMENT (NULL argument, bad URI, bad configuration: the
 * field names the JSON path), DOWNLINE_UNAVAILABLE (the store cannot be
 * opened), DOWNLINE_DATA_LOSS (corrupt store or newer schema) or
 * DOWNLINE_INTERNAL.
 *
 * Thread-safe.
 */
DOWNLINE_C_API downline_status downline_company_open(downline_company **out, const char *uri,
                                                     const char *config, size_t config_len);

/**
 * Closes the store and releases `company`. Every write call has committed
 * before returning, so nothing is pending. Accepts NULL. Never fails.
 *
 * Not thread-safe with respect to `company`: no other call may be using the
 * handle, and it must not be used afterwards.
 */
DOWNLINE_C_API void downline_company_close(downline_company *company);

/* ------------------------------------------------------------------------ */
/* Enrollment                                                               */
/* ------------------------------------------------------------------------ */

/**
 * Enrolls one person, in one storage transaction.
 *
 * request_json  {"type": "consultant", "sponsor": "1",
 *                "person": {"first_name": "Ana", "last_name": "Root",
 *                           "email": "ana@example.com", "external_id": "A1"}}
 *               The sponsor may be given as "sponsor_external_id" instead;
 *               optional keys: "referrer", "referrer_external_id",
 *               "channel", "effective_at", "reason", "person.zone" and
 *               "placements": [{"network": "bin", "parent": "12",
 *               "position": 1}] (explicit places in placement networks,
 *               at most one per network), "person.document_type",
 *               "person.document_number", "person.extended": {"co_debtor":
 *               "Ana"} (strings, integers, booleans; decimals as strings),
 *               "accepted_contracts": [{"contract": "terms", "version": 2}],
 *               "attachments": [{"type": "id_copy", "file_name": "id.pdf",
 *               "size_bytes": 1024, "digest": "sha256:<64 hex>", "uri":
 *               "s3://..."}]. Without a sponsor the
 *               person becomes a parent of the sponsor network (only actors
 *               who see everyone may do that).
 *
 * Writes the outcome into `out`:
 *   {"accepted": true, "person": "42", "event": "7", "findings": []}
 * A rejected enrollment is not an error: the call returns DOWNLINE_OK, writes
 * nothing to the store, and `out` lists every finding:
 *   {"accepted": false, "findings": [{"code": "INVALID_ARGUMENT",
 *     "reason": "invalid_email", "field": "person.email", "message": "...",
 *     "actual": "...", "required": "..."}]}
 * Reasons include "required", "invalid_email", "duplicate_external_id",
 * "sponsor_not_found", "sponsor_inactive", "invalid_phone",
 * "invalid_document", "blacklisted", "contract_required" and the others
 * listed in docs/configuration.md.
 *
 * Fails with DOWNLINE_INVALID_ARGUMENT (NULL argument, malformed actor or
 * request JSON), DOWNLINE_PERMISSION_DENIED (the actor may not enroll under
 * that sponsor), DOWNLINE_UNAVAILABLE (store busy: retry) or
 * DOWNLINE_INTERNAL; then nothing is written and `out` is left empty.
 *
 * Thread-safe; concurrent writes are serialised.
 */
DOWNLINE_C_API downline_status downline_enroll_json(downline_buf *out, downline_company *company,
                                                    const char *actor_json,
                                                    const char *request_json);

/**
 * Enrolls many persons in one storage transaction, all or nothing.
 *
 * requests_json  a JSON array of requests shaped as for
 *                downline_enroll_json(); a request's "sponsor_external_id"
 *                may name a person enrolled earlier in the same array.
 *
 * Writes {"accepted": true, "persons": ["42", "43"], "last_event": "9",
 * "findings": []} into `out`. When any request is rejected, the call returns
 * DOWNLINE_OK with "accepted": false, nothing is written, and "findings"
 * lists every problem with fields prefixed by the request's index
 * ("[3].person.email"). Fails like downline_enroll_json().
 *
 * Thread-safe; concurrent writes are serialised.
 */
DOWNLINE_C_API downline_status downline_enroll_many_json(downline_buf *out,
                                                         downline_company *company,
                                                         const char *actor_json,
                                                         const char *requests_json);

/**
 * Called during long bulk work with the units done and the total (0 when
 * unknown) and the caller's `user` pointer; return 0 to go on, anything
 * else to stop the work with DOWNLINE_ABORTED. It runs on the calling
 * thread and must not call back into the company.
 */
typedef int (*downline_progress_fn)(uint64_t done, uint64_t total, void *user);

/**
 * Enrolls the rows of the CSV file at `csv_path`, batch by batch, each batch
 * in one storage transaction: rejected rows are reported with every finding
 * and written nowhere, the others are enrolled, and rows whose external id
 * is enrolled already are left as they are (running a file again adds
 * nothing). The header names each column's field (see the import guide).
 *
 * options_json  NULL or {"channel", "type", "columns": {"Header": "field"},
 *               "batch_size", "delimiter": ";", "reason"}.
 * progress      NULL or called after each batch with bytes read and the
 *               file's size.
 *
 * Writes {"rows", "enrolled", "existing", "rejected": [{"line",
 * "external_id", "findings"}], "last_event"} into `out`. Fails with
 * DOWNLINE_INVALID_ARGUMENT (bad header or options, before anything is
 * written), DOWNLINE_NOT_FOUND (the file cannot be read),
 * DOWNLINE_PERMISSION_DENIED, DOWNLINE_ABORTED (`progress` said stop: the
 * batches before stay committed), DOWNLINE_UNAVAILABLE or
 * DOWNLINE_INTERNAL; `out` is then left empty.
 *
 * Thread-safe; concurrent writes are serialised.
 */
DOWNLINE_C_API downline_status downline_import_csv_json(
    downline_buf *out, downline_company *company, const char *actor_json, const char *csv_path,
    const char *options_json, downline_progress_fn progress, void *user);

/* ------------------------------------------------------------------------ */
/* Persons and networks                                                     */
/* ------------------------------------------------------------------------ */

/**
 * Writes the person with id `person_id` into `out`: {"id": "42",
 * "external_id", "first_name", "last_name", "email", "phone", "country",
 * "birth_date", "zone", "type", "status", "sponsor", "referrer", "channel",
 * "enrolled_at"} (absent ids and dates are null).
 *
 * Fails with DOWNLINE_INVALID_ARGUMENT (NULL argument, malformed actor),
 * DOWNLINE_NOT_FOUND (no such person), DOWNLINE_PERMISSION_DENIED (the actor
 * may not see that person) or DOWNLINE_INTERNAL; `out` is then left empty.
 *
 * Thread-safe.
 */
DOWNLINE_C_API downline_status downline_person_json(downline_buf *out, downline_company *company,
                                                    const char *actor_json, int64_t person_id);

/**
 * Writes the upline of `person_id` in `network`, nearest first, into `out`:
 * a JSON array of members, each {"id", "parent", "level", "relative_level",
 * "position", "type", "status", "generation"} ("generation": the generation
 * `person_id` is in for that upline). The list stops before the first person
 * the actor may not see.
 *
 * network     the network's name; NULL means "sponsor".
 * max_levels  at most this many uplines; any negative value means all.
 *
 * Fails with DOWNLINE_INVALID_ARGUMENT (NULL argument, malformed actor),
 * DOWNLINE_NOT_FOUND (unknown person or network), DOWNLINE_PERMISSION_DENIED
 * or DOWNLINE_INTERNAL; `out` is then left empty.
 *
 * Thread-safe.
 */
DOWNLINE_C_API downline_status downline_upline_json(downline_buf *out, downline_company *company,
                                                    const char *actor_json, int64_t person_id,
                                                    const char *network, int32_t max_levels);

/**
 * Writes one page of the downline of `person_id` (the person excluded) into
 * `out`: {"total": N, "members": [...]} with members shaped as in
 * downline_upline_json(), depth-first, each person's recruits in enrollment
 * order; "total" counts the members matching the query before paging.
 *
 * query_json  {"network": "sponsor", "max_depth": 3, "max_generation": 2,
 *             "types": ["consultant"], "statuses": ["active"], "offset": 0,
 *             "limit": 100}, every key optional; NULL means all defaults
 *             (the whole sponsor downline). Each member's "generation" is
 *             counted below `person_id`.
 *
 * Fails with DOWNLINE_INVALID_ARGUMENT (NULL argument, malformed actor or
 * query), DOWNLINE_NOT_FOUND (unknown person or network),
 * DOWNLINE_PERMISSION_DENIED or DOWNLINE_INTERNAL; `out` is then left empty.
 *
 * Thread-safe.
 */
DOWNLINE_C_API downline_status downline_downline_json(downline_buf *out, downline_company *company,
                                                      const char *actor_json, int64_t person_id,
                                                      const char *query_json);

/**
 * Stores in *out 1 when `person_id` is strictly below `of_id` in `network`
 * (e.g. "sponsor", "referral"), else 0.
 *
 * Fails with DOWNLINE_INVALID_ARGUMENT (NULL argument, malformed actor),
 * DOWNLINE_NOT_FOUND (unknown person or network), DOWNLINE_PERMISSION_DENIED
 * (the actor may not see one of the two) or DOWNLINE_INTERNAL; *out is then
 * set to 0 (when `out` is not NULL).
 *
 * Thread-safe.
 */
DOWNLINE_C_API downline_status downline_is_in_downline(int *out, downline_company *company,
                                                       const char *actor_json, const char *network,
                                                       int64_t person_id, int64_t of_id);

/**
 * Writes the network id of `person_id` in `network` into `out`: the ids
 * from the network's parent down to the person, joined with "." ("1.5.42";
 * a plain string, not JSON).
 *
 * Fails with DOWNLINE_INVALID_ARGUMENT (NULL argument, malformed actor),
 * DOWNLINE_NOT_FOUND (unknown person or network), DOWNLINE_PERMISSION_DENIED
 * or DOWNLINE_INTERNAL; `out` is then left empty.
 *
 * Thread-safe.
 */
DOWNLINE_C_API downline_status downline_network_id(downline_buf *out, downline_company *company,
                                                   const char *actor_json, const char *network,
                                                   int64_t person_id);

/**
 * Registers a user of the host: `user_json` is {"login": "...", "roles":
 * ["seller"], "person": "42"} (person optional). Only an actor with the role
 * "admin" may. Recorded in the event log.
 *
 * Fails with DOWNLINE_INVALID_ARGUMENT (NULL argument, malformed JSON, empty
 * login, a role that is not a lower-case name), DOWNLINE_ALREADY_EXISTS
 * (login taken), DOWNLINE_NOT_FOUND (unknown person),
 * DOWNLINE_PERMISSION_DENIED, DOWNLINE_UNAVAILABLE or DOWNLINE_INTERNAL;
 * nothing is then written.
 *
 * Thread-safe.
 */
DOWNLINE_C_API downline_status downline_user_add_json(downline_company *company,
                                                      const char *actor_json,
                                                      const char *user_json);

/**
 * Writes into `out` the actor JSON a stored login acts as ({"login", "person",
 * "roles"}), ready to pass as `actor_json` to the other calls.
 *
 * Fails with DOWNLINE_INVALID_ARGUMENT (NULL argument), DOWNLINE_NOT_FOUND
 * (unknown login) or DOWNLINE_INTERNAL; `out` is then left empty.
 *
 * Thread-safe.
 */
DOWNLINE_C_API downline_status downline_actor_for_json(downline_buf *out, downline_company *company,
                                                       const char *login);

/**
 * Writes `person_id` and their downline into `out` as one text document, in
 * pre-order (each person's recruits in enrollment order), with only the
 * persons the actor may see:
 *
 *   "json"  nested objects {"id": "42", "external_id", "name", "parent",
 *           "level", "relative_level", "position", "type", "status",
 *           "path": "1.5.42", "children": [...]}, the person first;
 *   "csv"   a header line, then one row per person with the same fields
 *           (RFC 4180 quoting, "\n" line ends);
 *   "dot"   a Graphviz digraph: one node per person, edges parent -> child.
 *
 * options_json  {"network": "sponsor", "max_depth": 3, "format": "csv"},
 *               every key optional; NULL means all defaults (the whole
 *               sponsor downline as JSON). "max_depth" 0 writes the person
 *               alone, 1 adds their direct recruits.
 *
 * The output is identical for the same tree, byte for byte; it is read from
 * one consistent state of the network, and writes to the company wait until
 * it is written. Fails with
 * DOWNLINE_INVALID_ARGUMENT (NULL argument, malformed actor or options, an
 * unknown format: the field names the key), DOWNLINE_NOT_FOUND (unknown
 * person or network), DOWNLINE_PERMISSION_DENIED (the actor may not see the
 * person) or DOWNLINE_INTERNAL; `out` is then left empty.
 *
 * Thread-safe.
 */
DOWNLINE_C_API downline_status downline_export_tree(downline_buf *out, downline_company *company,
                                                    const char *actor_json, int64_t person_id,
                                                    const char *options_json);

/**
 * Checks the company's genealogy and writes the report into `out`:
 *   {"ok": true, "persons": "123", "violations": []}
 * Every invariant of the in-memory index is checked (one parent per person,
 * no cycle, levels, widths, depths, slots, counts, pre-order intervals),
 * then the index is compared person by person with a fresh read of the
 * store (place, slot and state in every network; type, status, zone, rank).
 * Each violation is {"rule": "cycle", "network": "sponsor", "person": "7"
 * (null when not one person's), "message": "..."}; "rule" is a stable
 * short name (docs/getting-started.md lists them); at most 100 are listed.
 * Violations are data: the call returns DOWNLINE_OK with "ok": false.
 * Writers wait while it runs (it holds the company's read lock).
 *
 * Fails with DOWNLINE_INVALID_ARGUMENT (NULL argument, malformed actor),
 * DOWNLINE_PERMISSION_DENIED (the actor is not staff), DOWNLINE_UNAVAILABLE
 * (other processes kept writing meanwhile: retry) or DOWNLINE_INTERNAL;
 * `out` is then left empty.
 *
 * Thread-safe.
 */
DOWNLINE_C_API downline_status downline_verify_json(downline_buf *out, downline_company *company,
                                                    const char *actor_json);

/* ------------------------------------------------------------------------ */
/* Placement networks and adjustments                                       */
/* ------------------------------------------------------------------------ */

/*
 * The adjustment calls below write an "adjustment outcome" into `out`:
 *   {"moved": ["3", "4"], "removed": ["2"], "last_event": "17"}
 * listing the persons given a new parent (in event order) and the persons
 * taken out, one event each; "last_event" is null when nothing changed. Each
 * runs in one storage transaction: when it fails nothing is written, `out`
 * is left empty and downline_error_last() says why (for a forbidden move,
 * DOWNLINE_FAILED_PRECONDITION with the offending field, e.g. "new_parent"
 * for a move under the person's own downline). All are thread-safe;
 * concurrent writes are serialised.
 */

/**
 * Moves a person, with or without their downline, to a new parent (staff
 * actors only). request_json: {"person": "7", "network": "sponsor",
 * "new_parent": "3", "position": 0, "with_downline": true, "effective_at":
 * "...", "reason": "..."}, only "person" required. Writes the adjustment
 * outcome; fails with DOWNLINE_INVALID_ARGUMENT, DOWNLINE_NOT_FOUND,
 * DOWNLINE_PERMISSION_DENIED, DOWNLINE_FAILED_PRECONDITION (a forbidden move:
 * own downline, slot taken, too deep, window over, ...), DOWNLINE_UNAVAILABLE
 * or DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_transfer_json(downline_buf *out, downline_company *company,
                                                      const char *actor_json,
                                                      const char *request_json);

/**
 * Compresses a network (staff actors only): the persons removed become
 * dropouts and their children move up to the nearest remaining upline.
 * request_json: {"network": "comp", "persons": ["4"], "effective_at": "...",
 * "reason": "..."}; without "persons", everyone whose status the network
 * compresses. Writes the adjustment outcome; fails like
 * downline_transfer_json() (DOWNLINE_FAILED_PRECONDITION also when the
 * children do not fit in a width-limited network).
 */
DOWNLINE_C_API downline_status downline_compress_json(downline_buf *out, downline_company *company,
                                                      const char *actor_json,
                                                      const char *request_json);

/**
 * Places `person`, waiting in a lobby, where choice_json says: {"network":
 * "l", "parent": "12", "position": 1} ("parent" and "position" optional: the
 * network's policy then searches from the sponsor). reason may be NULL.
 * Staff, or a leader who sees both persons within the lobby window, may.
 * Writes the adjustment outcome; fails with DOWNLINE_INVALID_ARGUMENT,
 * DOWNLINE_NOT_FOUND, DOWNLINE_PERMISSION_DENIED,
 * DOWNLINE_FAILED_PRECONDITION (not waiting, window over, slot taken, network
 * full), DOWNLINE_UNAVAILABLE or DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_place_json(downline_buf *out, downline_company *company,
                                                   const char *actor_json, int64_t person,
                                                   const char *choice_json, const char *reason);

/**
 * Places everyone in `network`'s lobby whose window is over, by the
 * network's fallback policy (staff actors only). Writes the adjustment
 * outcome; fails like downline_place_json().
 */
DOWNLINE_C_API downline_status downline_place_expired_json(downline_buf *out,
                                                           downline_company *company,
                                                           const char *actor_json,
                                                           const char *network);

/**
 * Writes the direct children of `person` in `network` (NULL means "sponsor")
 * into `out`: an array of members shaped as in downline_upline_json(), in
 * slot order in a width-limited network ("position": 0 left, 1 right in a
 * binary one), in arrival order otherwise; [] for a person without a place
 * (waiting in a lobby, dropped out). Fails with DOWNLINE_INVALID_ARGUMENT
 * (NULL argument, malformed actor), DOWNLINE_NOT_FOUND (unknown person or
 * network), DOWNLINE_PERMISSION_DENIED or DOWNLINE_INTERNAL; `out` is then
 * left empty. Thread-safe.
 */
DOWNLINE_C_API downline_status downline_children_json(downline_buf *out, downline_company *company,
                                                      const char *actor_json, int64_t person,
                                                      const char *network);

/**
 * Writes up to `limit` open positions below `person` in `network` (NULL
 * means "sponsor"), breadth first, into `out`: [{"parent": "1", "position":
 * 0, "level": 1}], "level" being the absolute level a newcomer would have.
 * Fails like downline_children_json(); `out` is then left empty.
 * Thread-safe.
 */
DOWNLINE_C_API downline_status downline_open_positions_json(downline_buf *out,
                                                            downline_company *company,
                                                            const char *actor_json, int64_t person,
                                                            const char *network, size_t limit);

/**
 * Writes the ids of the persons waiting in `network`'s lobby that the actor
 * sees, in id order, into `out`: ["3", "4"]. Fails with
 * DOWNLINE_INVALID_ARGUMENT (NULL argument, malformed actor),
 * DOWNLINE_NOT_FOUND (unknown network), DOWNLINE_PERMISSION_DENIED or
 * DOWNLINE_INTERNAL; `out` is then left empty. Thread-safe.
 */
DOWNLINE_C_API downline_status downline_lobby_json(downline_buf *out, downline_company *company,
                                                   const char *actor_json, const char *network);

/* ------------------------------------------------------------------------ */
/* Levels, generations, legs, ranks and figures                             */
/* ------------------------------------------------------------------------ */

/*
 * A generation ends at each person of the network's configured generation
 * rank or above ("generations": {"rank": "silver"}): the generation of X
 * below U is 1 + the number of such persons strictly between them; without a
 * rank, generations are the relative levels. Every call below is
 * thread-safe; on failure `out` is left empty (a number is set to 0) and
 * downline_error_last() says why.
 */

/**
 * Writes the members of `person_id`'s downline per relative level into
 * `out`: [3, 9, 27] (index 0 = level 1), with the filters of query_json as
 * in downline_downline_json() (NULL: the whole sponsor downline). Fails
 * like downline_downline_json().
 */
DOWNLINE_C_API downline_status downline_level_counts_json(downline_buf *out,
                                                          downline_company *company,
                                                          const char *actor_json, int64_t person_id,
                                                          const char *query_json);

/**
 * Writes the members of `person_id`'s downline per generation into `out`:
 * [5, 12] (index 0 = the first), with the filters of query_json. Fails like
 * downline_downline_json().
 */
DOWNLINE_C_API downline_status downline_generation_counts_json(downline_buf *out,
                                                               downline_company *company,
                                                               const char *actor_json,
                                                               int64_t person_id,
                                                               const char *query_json);

/**
 * Stores in *out the generation of `person_id` below `upline_id` in
 * `network`. Fails with DOWNLINE_INVALID_ARGUMENT (NULL argument, malformed
 * actor), DOWNLINE_NOT_FOUND, DOWNLINE_PERMISSION_DENIED,
 * DOWNLINE_FAILED_PRECONDITION (`upline_id` is not above `person_id`, or one
 * has no place in the network) or DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_generation(uint32_t *out, downline_company *company,
                                                   const char *actor_json, const char *network,
                                                   int64_t person_id, int64_t upline_id);

/**
 * Writes `person_id`'s legs in `network` (NULL means "sponsor") into `out`:
 * one per direct child, in slot order, [{"leg": "4", "position": 0,
 * "persons": 12, "active": 9}], counting the persons of each leg the actor
 * sees. Fails like downline_children_json().
 */
DOWNLINE_C_API downline_status downline_legs_json(downline_buf *out, downline_company *company,
                                                  const char *actor_json, int64_t person_id,
                                                  const char *network);

/**
 * Gives a person a new rank and records it in their rank history (staff
 * actors only): change_json is {"person": "7", "rank": "gold", "campaign":
 * "2026-11", "effective_at": "...", "reason": "..."}, "rank" "" meaning none.
 * Stores the event's sequence in *event_out. Fails with
 * DOWNLINE_INVALID_ARGUMENT (malformed JSON, a rank not in the catalog),
 * DOWNLINE_NOT_FOUND, DOWNLINE_PERMISSION_DENIED,
 * DOWNLINE_FAILED_PRECONDITION (the rank already held, or effective before
 * the person's latest change), DOWNLINE_UNAVAILABLE or DOWNLINE_INTERNAL;
 * nothing is written then.
 */
DOWNLINE_C_API downline_status downline_change_rank_json(int64_t *event_out,
                                                         downline_company *company,
                                                         const char *actor_json,
                                                         const char *change_json);

/**
 * Converts a person (a customer or guest becomes a consultant, a consultant
 * a customer, a guest a customer, an inactive consultant rejoins):
 * conversion_json is {"person": "7", "type": "consultant", "channel": "join",
 * "reason": "..."}; the channel's form for the new type decides the outcome,
 * as at enrollment. Writes the outcome into `out`, shaped as for
 * downline_enroll_json() with "continuation": "converted" or "rejoined".
 * Fails with DOWNLINE_INVALID_ARGUMENT (malformed JSON, unknown channel),
 * DOWNLINE_NOT_FOUND, DOWNLINE_PERMISSION_DENIED,
 * DOWNLINE_FAILED_PRECONDITION (of that type already and not inactive, a
 * form the channel does not offer), DOWNLINE_UNAVAILABLE or
 * DOWNLINE_INTERNAL; nothing is written then.
 */
DOWNLINE_C_API downline_status downline_convert_json(downline_buf *out, downline_company *company,
                                                     const char *actor_json,
                                                     const char *conversion_json);

/**
 * Finds the guest holding a quick-access code (the "quick_code" of their
 * enrollment outcome): stores their id in *person_out, or 0 when no guest the
 * actor sees holds it. Fails with DOWNLINE_INVALID_ARGUMENT,
 * DOWNLINE_PERMISSION_DENIED or DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_find_guest(int64_t *person_out, downline_company *company,
                                                   const char *actor_json, const char *quick_code);

/**
 * Writes the work items of the approval workflows into `out` (staff actors
 * only), by id: query_json is {"kind"?: "registration" | "document" |
 * "credit_request", "state"?: "open" (default) | "approved" | "rejected" |
 * null (any), "person"?, "decidable_only"?: true (the items whose next step
 * the actor's roles decide)}. Each item is {"id", "kind", "person", "state",
 * "step", "roles", "amount", "detail", "created_at", "decisions": [{"step",
 * "by", "approved", "reason", "amount", "at"}]}. Fails with
 * DOWNLINE_INVALID_ARGUMENT, DOWNLINE_PERMISSION_DENIED or DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_work_items_json(downline_buf *out,
                                                        downline_company *company,
                                                        const char *actor_json,
                                                        const char *query_json);

/**
 * Approves or rejects the next step of a work item: decision_json is
 * {"item": "3", "approve": true, "reason": "...", "amount"?: "1500.00"
 * (credit requests)}. The last approval of a registration activates the
 * person, a rejection leaves them inactive; the last approval of a credit
 * request sets their credit limit. Writes the item as it now stands into
 * `out`. Fails with DOWNLINE_PERMISSION_DENIED (a role the step does not
 * allow: field "roles"), DOWNLINE_NOT_FOUND, DOWNLINE_FAILED_PRECONDITION
 * (decided already), DOWNLINE_INVALID_ARGUMENT (a rejection without a reason,
 * a misplaced or negative amount), DOWNLINE_UNAVAILABLE or DOWNLINE_INTERNAL;
 * nothing is written then.
 */
DOWNLINE_C_API downline_status downline_decide_json(downline_buf *out, downline_company *company,
                                                    const char *actor_json,
                                                    const char *decision_json);

/**
 * Opens a credit request (the person themselves or staff): request_json is
 * {"person": "7", "amount"?: "2000", "references"?: ["..."], "attachments"?:
 * [{"type", "file_name", "size_bytes", "digest", "uri"}]}; the credit limit
 * stays zero until approved. Writes the new item into `out`. Fails with
 * DOWNLINE_FAILED_PRECONDITION (no credit workflow, one open already),
 * DOWNLINE_INVALID_ARGUMENT, DOWNLINE_NOT_FOUND, DOWNLINE_PERMISSION_DENIED,
 * DOWNLINE_UNAVAILABLE or DOWNLINE_INTERNAL; nothing is written then.
 */
DOWNLINE_C_API downline_status downline_request_credit_json(downline_buf *out,
                                                            downline_company *company,
                                                            const char *actor_json,
                                                            const char *request_json);

/**
 * Changes a person's status now (individual forced activation or
 * inactivation): change_json is {"person": "7", "status": "inactive",
 * "reason": "..."}. Staff may change anyone's; a leader may reactivate an
 * inactive person of their sponsor downline. Stores the "activated",
 * "inactivated" or "status_changed" event's sequence in *event_out. Fails
 * with DOWNLINE_INVALID_ARGUMENT (malformed JSON, unknown status),
 * DOWNLINE_NOT_FOUND, DOWNLINE_PERMISSION_DENIED, DOWNLINE_FAILED_PRECONDITION
 * (the status held already), DOWNLINE_UNAVAILABLE or DOWNLINE_INTERNAL;
 * nothing is written then.
 */
DOWNLINE_C_API downline_status downline_change_status_json(int64_t *event_out,
                                                           downline_company *company,
                                                           const char *actor_json,
                                                           const char *change_json);

/**
 * Called with one committed event as JSON {"seq", "kind", "person",
 * "effective_at", "recorded_at", "actor", "reason", "payload": {...}} (the
 * text lives for the call only) and the subscriber's `user` pointer. It runs
 * on a thread of the library, one event at a time, in sequence order.
 */
typedef void (*downline_event_fn)(const char *event_json, void *user);

/**
 * Subscribes `fn` to every event committed from now on — by this company
 * handle, and by other processes once one of its queries has seen them
 * (staff actors only): the host sends its notifications from there.
 * Stores the subscription's id in *id_out. Fails with
 * DOWNLINE_INVALID_ARGUMENT (no fn), DOWNLINE_PERMISSION_DENIED.
 */
DOWNLINE_C_API downline_status downline_subscribe(uint64_t *id_out, downline_company *company,
                                                  const char *actor_json, downline_event_fn fn,
                                                  void *user);

/**
 * Ends a subscription: when this returns, its function is not running
 * (unless this is called from it) and is not called again; an unknown id is
 * ignored. Fails with DOWNLINE_INVALID_ARGUMENT (no company) only.
 */
DOWNLINE_C_API downline_status downline_unsubscribe(downline_company *company, uint64_t id);

/**
 * Marks the person a VIP (vip non-zero), exempt from automatic inactivation,
 * or not (staff actors only); reason may be NULL. Stores the "vip_granted" or
 * "vip_revoked" event's sequence in *event_out. Fails with
 * DOWNLINE_NOT_FOUND, DOWNLINE_PERMISSION_DENIED,
 * DOWNLINE_FAILED_PRECONDITION (field "vip": so already),
 * DOWNLINE_UNAVAILABLE or DOWNLINE_INTERNAL; nothing is written then.
 */
DOWNLINE_C_API downline_status downline_set_vip(int64_t *event_out, downline_company *company,
                                                const char *actor_json, int64_t person_id, int vip,
                                                const char *reason);

/**
 * Forces the statuses and VIP flags of the CSV file at `csv_path` (staff
 * actors only; mass forced activation and deactivation): its header names
 * `external_id` or `person`, and optionally `status`, `vip` (true/false)
 * and `reason`. Each row is applied whole or rejected with its findings and
 * nothing of it written; a row asking what the person holds already is
 * unchanged.
 *
 * options_json  NULL or {"status": default "inactive", "reason", "columns":
 *               {"Header": "column"}, "batch_size", "delimiter"}.
 * progress      NULL or called after each batch with bytes read and the
 *               file's size.
 *
 * Writes {"rows", "changed", "unchanged", "rejected": [{"line",
 * "external_id", "findings"}], "last_event"} into `out`. Fails with
 * DOWNLINE_INVALID_ARGUMENT (bad header or options, before anything is
 * written), DOWNLINE_NOT_FOUND (the file cannot be read),
 * DOWNLINE_PERMISSION_DENIED, DOWNLINE_ABORTED (`progress` said stop: the
 * batches before stay committed), DOWNLINE_UNAVAILABLE or
 * DOWNLINE_INTERNAL; `out` is then left empty.
 */
DOWNLINE_C_API downline_status downline_change_statuses_csv_json(
    downline_buf *out, downline_company *company, const char *actor_json, const char *csv_path,
    const char *options_json, downline_progress_fn progress, void *user);

/**
 * Bars a document, e-mail address or phone from enrolling (staff actors
 * only): entry_json is {"kind": "document"|"email"|"phone", "value":
 * "1.234.567", "country": "CO" (phones given in national form), "reason":
 * one of the configuration's blacklist_reasons, "note": "..."}. Values are
 * compared normalised (documents: letters and digits upper-cased; e-mails in
 * lower case; phones in E.164). Stores the "blacklisted" event's sequence in
 * *event_out. Fails with DOWNLINE_INVALID_ARGUMENT (malformed JSON, unknown
 * reason, a value that does not normalise), DOWNLINE_ALREADY_EXISTS,
 * DOWNLINE_PERMISSION_DENIED, DOWNLINE_UNAVAILABLE or DOWNLINE_INTERNAL;
 * nothing is written then.
 */
DOWNLINE_C_API downline_status downline_blacklist_add_json(int64_t *event_out,
                                                           downline_company *company,
                                                           const char *actor_json,
                                                           const char *entry_json);

/**
 * Lifts a bar: entry_json is {"kind", "value", "country"?}. Stores the
 * "unblacklisted" event's sequence in *event_out. Fails like
 * downline_blacklist_add_json(), or with DOWNLINE_NOT_FOUND when the value
 * is not barred.
 */
DOWNLINE_C_API downline_status downline_blacklist_remove_json(int64_t *event_out,
                                                              downline_company *company,
                                                              const char *actor_json,
                                                              const char *entry_json);

/**
 * Writes the blacklist into `out` (staff actors only), by kind then key:
 * [{"kind", "value", "key", "country", "reason", "note", "added_at",
 * "added_by"}]. Fails with DOWNLINE_INVALID_ARGUMENT,
 * DOWNLINE_PERMISSION_DENIED or DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_blacklist_json(downline_buf *out, downline_company *company,
                                                       const char *actor_json);

/**
 * Writes every configured contract version into `out`, in configuration
 * order: [{"contract", "version", "title", "digest", "countries", "ranks",
 * "active", "mandatory"}]. Fails with DOWNLINE_INVALID_ARGUMENT (NULL
 * argument) or DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_contracts_json(downline_buf *out,
                                                       downline_company *company);

/**
 * Records that `person_id` accepts a contract version: contract_json is
 * {"contract": "terms", "version": 2}; channel is "registration", "profile"
 * or "login". The person themselves or staff may. Stores the
 * "contract_accepted" event's sequence in *event_out. Fails with
 * DOWNLINE_INVALID_ARGUMENT (malformed JSON, channel), DOWNLINE_NOT_FOUND
 * (person, contract), DOWNLINE_FAILED_PRECONDITION (an inactive version, or
 * one not for the person's country and rank), DOWNLINE_ALREADY_EXISTS,
 * DOWNLINE_PERMISSION_DENIED, DOWNLINE_UNAVAILABLE or DOWNLINE_INTERNAL;
 * nothing is written then.
 */
DOWNLINE_C_API downline_status
downline_accept_contract_json(int64_t *event_out, downline_company *company, const char *actor_json,
                              int64_t person_id, const char *contract_json, const char *channel);

/**
 * Writes into `out` the contracts `person_id` still has to accept (the
 * newest active version of each contract for their country and rank that
 * they have not accepted: what a login popup shows), in the form of
 * downline_contracts_json(). Fails with DOWNLINE_INVALID_ARGUMENT,
 * DOWNLINE_NOT_FOUND, DOWNLINE_PERMISSION_DENIED or DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_pending_contracts_json(downline_buf *out,
                                                               downline_company *company,
                                                               const char *actor_json,
                                                               int64_t person_id);

/**
 * Writes the contract acceptances of `person_id` into `out`, oldest first:
 * [{"person", "contract", "version", "digest", "channel", "accepted_at",
 * "event"}]. Fails like downline_pending_contracts_json().
 */
DOWNLINE_C_API downline_status downline_contract_acceptances_json(downline_buf *out,
                                                                  downline_company *company,
                                                                  const char *actor_json,
                                                                  int64_t person_id);

/**
 * Writes every acceptance of `contract` (all its versions) into `out`,
 * oldest first, in the form of downline_contract_acceptances_json(): the
 * legal texts report (staff actors only). Fails with
 * DOWNLINE_INVALID_ARGUMENT, DOWNLINE_NOT_FOUND (contract),
 * DOWNLINE_PERMISSION_DENIED or DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_acceptances_of_json(downline_buf *out,
                                                            downline_company *company,
                                                            const char *actor_json,
                                                            const char *contract);

/**
 * Writes the attachments of `person_id` into `out`, oldest first:
 * [{"person", "type", "file_name", "extension", "size_bytes", "digest",
 * "uri", "added_at", "event"}] (metadata only: the host keeps the bytes).
 * Fails like downline_pending_contracts_json().
 */
DOWNLINE_C_API downline_status downline_attachments_json(downline_buf *out,
                                                         downline_company *company,
                                                         const char *actor_json, int64_t person_id);

/**
 * Writes how complete the profile of `person_id` is into `out`:
 * {"filled": 7, "total": 10, "percent": 70, "missing": ["person.phone",
 * "extended.co_debtor", "attachments.id_copy"]}. Fails like
 * downline_pending_contracts_json().
 */
DOWNLINE_C_API downline_status downline_profile_completion_json(downline_buf *out,
                                                                downline_company *company,
                                                                const char *actor_json,
                                                                int64_t person_id);

/**
 * Writes the rank history of `person_id` into `out`, oldest first:
 * [{"rank": "gold", "previous_rank": "silver", "campaign": "2026-11",
 * "from": "...", "until": null, "held_days": 12, "event": "41"}]. Fails with
 * DOWNLINE_INVALID_ARGUMENT, DOWNLINE_NOT_FOUND, DOWNLINE_PERMISSION_DENIED
 * or DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_rank_history_json(downline_buf *out,
                                                          downline_company *company,
                                                          const char *actor_json,
                                                          int64_t person_id);

/**
 * Recalculates a network in one pass (staff actors only) and keeps its
 * figures in this company handle until the next recalculation of it.
 * request_json: {"network": "bin", "personal_volumes": [{"person": "3",
 * "volume": "12.5"}], "levels": 3}; volumes are decimal strings. Writes
 * {"network", "persons": 5, "total_volume": "17.75", "at": "..."}. Fails with
 * DOWNLINE_INVALID_ARGUMENT (malformed JSON, a negative or repeated volume,
 * levels above 64), DOWNLINE_NOT_FOUND, DOWNLINE_PERMISSION_DENIED,
 * DOWNLINE_OUT_OF_RANGE or DOWNLINE_INTERNAL; the previous figures stay then.
 */
DOWNLINE_C_API downline_status downline_recalculate_json(downline_buf *out,
                                                         downline_company *company,
                                                         const char *actor_json,
                                                         const char *request_json);

/**
 * Writes `person_id`'s figures from `network`'s last recalculation (NULL
 * means "sponsor") into `out`: {"person", "personal_volume",
 * "group_volume", "downline", "active_downline", "level_counts",
 * "active_level_counts", "legs": [{"leg", "position", "persons",
 * "group_volume"}], "recalculated_at"}, as the tree was then. Fails with
 * DOWNLINE_INVALID_ARGUMENT, DOWNLINE_NOT_FOUND, DOWNLINE_PERMISSION_DENIED,
 * DOWNLINE_FAILED_PRECONDITION (no recalculation yet, or no place then) or
 * DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_figures_json(downline_buf *out, downline_company *company,
                                                     const char *actor_json, int64_t person_id,
                                                     const char *network);

/* ------------------------------------------------------------------------ */
/* Rules                                                                    */
/* ------------------------------------------------------------------------ */

/**
 * A compiled rule book: business rules (JsonLogic conditions over the fact
 * model, typed actions) with the catalogs they name (ranks, segments,
 * commercial states). docs/rules.md is the reference. It needs no company
 * and no store. Opaque; create with downline_rules_load(), destroy with
 * downline_rules_close(). Immutable, so one handle may be used from many
 * threads at once.
 */
typedef struct downline_rules downline_rules;

/**
 * Loads and compiles a rules document: {"ranks", "segments",
 * "commercial_states", "rules"}, or a whole company configuration (which
 * holds the same keys). Every condition is checked against the fact model
 * and every action against the catalogs.
 *
 * json      the document, UTF-8 JSON.
 * json_len  its length in bytes, or DOWNLINE_NUL_TERMINATED.
 *
 * On success stores a new handle in *out and returns DOWNLINE_OK; the caller
 * owns it and must release it with downline_rules_close(). On failure *out
 * is set to NULL (when `out` is not NULL) and the call returns
 * DOWNLINE_INVALID_ARGUMENT (NULL argument, malformed JSON with field "$",
 * or a fault in a rule: the field is its JSON path, e.g.
 * "rules[0].then[0].segment" for an undeclared segment) or
 * DOWNLINE_INTERNAL.
 *
 * Thread-safe.
 */
DOWNLINE_C_API downline_status downline_rules_load(downline_rules **out, const char *json,
                                                   size_t json_len);

/**
 * Releases `rules`. Accepts NULL. Never fails; does not touch
 * downline_error_last().
 *
 * Not thread-safe with respect to `rules`: no other call may be using the
 * handle, and it must not be used afterwards.
 */
DOWNLINE_C_API void downline_rules_close(downline_rules *rules);

/**
 * Evaluates the rules of `trigger` effective at `at` on the facts, in
 * priority order until a fired rule stops the processing, and writes what
 * they decided into `out`:
 *   {"decisions": [{"rule": "segment-aa", "version": 1,
 *                   "action": "assign_segment", "segment": "AA"}],
 *    "trace": null}
 * With `trace` non-zero, "trace" is an array with one entry per rule of the
 * trigger: {"rule", "version", "priority", "outcome" ("fired", "not_met",
 * "not_effective" or "skipped"), "conditions": [...], "result"}. No rule
 * firing is not an error: "decisions" is then empty.
 *
 * trigger         "enrollment", "order_state_changed" or "campaign_close".
 * facts_json      an object with "person", "order", "campaign", "network"
 *                 (each optional; see docs/rules.md).
 * facts_json_len  its length in bytes, or DOWNLINE_NUL_TERMINATED.
 * at              the instant of the evaluation, RFC 3339
 *                 ("2026-07-01T05:00:00Z"); NULL means now.
 *
 * Fails with DOWNLINE_INVALID_ARGUMENT (NULL argument, unknown trigger with
 * field "trigger", bad `at` with field "at", malformed facts or facts outside
 * the model: the field is their path), DOWNLINE_RESOURCE_EXHAUSTED (a rule
 * exceeded its evaluation budget: the field names the rule),
 * DOWNLINE_OUT_OF_RANGE (a decimal overflowed) or DOWNLINE_INTERNAL; `out`
 * is then left empty.
 *
 * Thread-safe.
 */
DOWNLINE_C_API downline_status downline_rules_evaluate_json(
    downline_buf *out, const downline_rules *rules, const char *trigger, const char *facts_json,
    size_t facts_json_len, const char *at, int trace);

/**
 * Runs rules unit tests and writes the report into `out`:
 *   {"passed": false, "total": 2, "failed": 1,
 *    "cases": [{"name", "passed", "decisions": [...], "diff": "..."}],
 *    "text": "rules test: 2 cases, 1 passed, 1 failed\n..."}
 * where "diff" explains a failed case (expected vs decided, and the
 * conditions of each rule that ran; "" when it passed) and "text" is the
 * printable report. Failing cases are data, not errors: the call returns
 * DOWNLINE_OK whether or not they pass.
 *
 * cases_json      a JSON array (or {"cases": [...]}) of {"name", "trigger",
 *                 "at"?, "facts", "expect": [{"action": "assign_segment",
 *                 "segment": "AA", "rule"?, "version"?}]}.
 * cases_json_len  its length in bytes, or DOWNLINE_NUL_TERMINATED.
 *
 * Fails with DOWNLINE_INVALID_ARGUMENT (NULL argument, malformed case file:
 * the field is the JSON path), DOWNLINE_RESOURCE_EXHAUSTED or
 * DOWNLINE_OUT_OF_RANGE (as for downline_rules_evaluate_json()) or
 * DOWNLINE_INTERNAL; `out` is then left empty.
 *
 * Thread-safe.
 */
DOWNLINE_C_API downline_status downline_rules_test_json(downline_buf *out,
                                                        const downline_rules *rules,
                                                        const char *cases_json,
                                                        size_t cases_json_len);

/* ---- The commercial cycle: campaigns and orders ------------------------ */

/**
 * Adds campaigns to the calendar (staff actors only). `campaigns_json` is an
 * array of {"id", "start": "2026-11-01", "end": "2026-11-30"} (local dates
 * of the company's time zone, `end` inclusive). Writes the added campaigns,
 * each {"id", "start", "end", "starts_at", "ends_at", "state", "closed_at"},
 * into `out`. Fails with DOWNLINE_INVALID_ARGUMENT (field "[i].end", or
 * "campaigns[i].start" for days overlapping another campaign),
 * DOWNLINE_ALREADY_EXISTS, DOWNLINE_PERMISSION_DENIED, DOWNLINE_UNAVAILABLE
 * or DOWNLINE_INTERNAL; nothing is written and `out` is left empty then.
 */
DOWNLINE_C_API downline_status downline_add_campaigns_json(downline_buf *out,
                                                           downline_company *company,
                                                           const char *actor_json,
                                                           const char *campaigns_json);

/**
 * Writes the calendar, by start, into `out` (an array as
 * downline_add_campaigns_json() writes). Fails only with
 * DOWNLINE_INVALID_ARGUMENT (NULL argument) or DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_campaigns_json(downline_buf *out,
                                                       downline_company *company);

/**
 * Records one order report (staff actors only): {"id", "owner", "created_by"?,
 * "campaign"?, "state"?, "at"?, "amount"?, "volume"?, "lines"?: [{"sku",
 * "quantity", "amount", "volume", "flags"}], "comments"?: [{"stage",
 * "text"}]}, amounts as decimal strings. Writes {"result": "created" |
 * "changed" | "unchanged", "campaign", "previous_state", "first_purchase",
 * "reinstatement", "decisions", "event"} into `out`. Fails with DOWNLINE_INVALID_ARGUMENT,
 * DOWNLINE_NOT_FOUND ("owner", "created_by", "campaign"),
 * DOWNLINE_FAILED_PRECONDITION ("state", "campaign", "at", "amount", ...),
 * DOWNLINE_PERMISSION_DENIED, DOWNLINE_UNAVAILABLE or DOWNLINE_INTERNAL;
 * nothing is written then.
 */
DOWNLINE_C_API downline_status downline_report_order_json(downline_buf *out,
                                                          downline_company *company,
                                                          const char *actor_json,
                                                          const char *report_json);

/**
 * Records an array of order reports in one transaction: each refused one is
 * listed and nothing of it written, the others are. `progress` (may be NULL)
 * gets reports done and their number. Writes {"created", "changed",
 * "unchanged", "rejected": [{"index", "id", "findings"}], "first_purchases",
 * "rule_changes", "event"} into `out`. Fails with DOWNLINE_INVALID_ARGUMENT
 * (malformed JSON: field "[i].amount"), DOWNLINE_PERMISSION_DENIED,
 * DOWNLINE_ABORTED (`progress` said stop), DOWNLINE_UNAVAILABLE or
 * DOWNLINE_INTERNAL; nothing is written then.
 */
DOWNLINE_C_API downline_status
downline_report_orders_json(downline_buf *out, downline_company *company, const char *actor_json,
                            const char *reports_json, downline_progress_fn progress, void *user);

/**
 * Writes the order with this host id into `out`: {"id", "owner",
 * "created_by", "campaign", "state", "amount", "volume", "counted", "lines",
 * "comments", "history": [{"state", "at", "event"}]}. Fails with
 * DOWNLINE_NOT_FOUND, DOWNLINE_PERMISSION_DENIED or DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_order_json(downline_buf *out, downline_company *company,
                                                   const char *actor_json, const char *order_id);

/**
 * Writes what a person's orders add up to in a campaign into `out`:
 * {"campaign", "orders", "personal_volume", "amount", "drafts"}. Fails with
 * DOWNLINE_NOT_FOUND (person, campaign), DOWNLINE_PERMISSION_DENIED or
 * DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_activity_json(downline_buf *out, downline_company *company,
                                                      const char *actor_json, int64_t person_id,
                                                      const char *campaign);

/**
 * Closes a campaign (staff actors only) and writes its summary into `out`:
 * {"campaign", "orders", "persons_with_orders", "drafts", "volume",
 * "amount", "closed_at", "already_closed", "pre_calculated", "commercial_states": {"id": n},
 * "state_changes", "inactivated", "paid_as": {"rank": n}, "promotions",
 * "segments": {"segment": n}, "digest"}; the close gives consultants their commercial states and,
 * with a career plan, their ranks and, with a segmentation, their segments. Closing a closed
 * campaign changes nothing. Fails with DOWNLINE_NOT_FOUND, DOWNLINE_FAILED_PRECONDITION (an earlier
 * campaign open, or not ended yet), DOWNLINE_OUT_OF_RANGE,
 * DOWNLINE_PERMISSION_DENIED, DOWNLINE_UNAVAILABLE or DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_close_campaign_json(downline_buf *out,
                                                            downline_company *company,
                                                            const char *actor_json,
                                                            const char *campaign);

/**
 * Pre-calculates a campaign (staff only): the close's figures, states,
 * ranks and segments as they would be now, kept without changing anyone or
 * locking the campaign (it becomes "pre_calculated"; rank reports explain
 * it; run again, or close, to replace it). Writes the summary into `out`
 * as downline_close_campaign_json does, with "pre_calculated": true. Fails
 * with DOWNLINE_NOT_FOUND, DOWNLINE_FAILED_PRECONDITION ("campaign":
 * closed, or an earlier campaign open), DOWNLINE_PERMISSION_DENIED,
 * DOWNLINE_INVALID_ARGUMENT (no campaign) or DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_precalculate_json(downline_buf *out,
                                                          downline_company *company,
                                                          const char *actor_json,
                                                          const char *campaign);

/**
 * Scores transactions by RFM with the R rfm package's semantics (type-7
 * quantile bins, or fixed thresholds) and writes {"rows": [{"customer",
 * "most_recent", "recency_days", "transactions", "amount", "recency_score",
 * "frequency_score", "monetary_score", "rfm_score", "segment"}], "bins":
 * {...}} into `out`. `transactions_json` (of `transactions_json_len` bytes,
 * or DOWNLINE_NUL_TERMINATED) is an array of {"customer", "date", "revenue"};
 * `options_json` is {"analysis_date", "bins"?, "thresholds"?, "segments"?}
 * (docs/segments.md). Needs no company. Fails with DOWNLINE_INVALID_ARGUMENT
 * (the field names the fault), DOWNLINE_OUT_OF_RANGE or DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_rfm_json(downline_buf *out, const char *transactions_json,
                                                 size_t transactions_json_len,
                                                 const char *options_json);

/**
 * Writes into `out` the rank report card of a person in a closed (or
 * pre-calculated) campaign:
 * {"person", "campaign", "evaluated", "paid_as", "highest", "ranks": [{"rank",
 * "met", "requirements": [{"requirement", "actual", "required", "met",
 * "max_per_leg"?, "rank"?}]}]} (volumes as decimal strings, counts as
 * integers). Fails with DOWNLINE_NOT_FOUND ("person", "campaign"),
 * DOWNLINE_PERMISSION_DENIED, DOWNLINE_FAILED_PRECONDITION (the campaign is
 * not closed, or closed without a career plan) or DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_rank_report_json(downline_buf *out,
                                                         downline_company *company,
                                                         const char *actor_json, int64_t person_id,
                                                         const char *campaign);

/**
 * Writes into `out` the KPIs of a campaign for a person's network or the
 * whole company. `query_json` is {"campaign", "root"?, "network"?, "top"?};
 * the answer {"campaign", "root", "closed", "persons", "consultants",
 * "customers", "active", "inactive", "new_consultants", "new_customers",
 * "reentries", "with_orders", "without_orders", "orders", "with_drafts",
 * "personal_volume", "group_volume", "amount", "levels", "ranks",
 * "commercial_states", "segments", "traffic_lights", "top_sellers",
 * "top_recruiters", "zones"} (docs/cycle.md). Fails with
 * DOWNLINE_INVALID_ARGUMENT (a bad query: its field), DOWNLINE_NOT_FOUND
 * ("campaign", "root", "network"), DOWNLINE_PERMISSION_DENIED or
 * DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_kpis_json(downline_buf *out, downline_company *company,
                                                  const char *actor_json, const char *query_json);

/**
 * Writes into `out` the persons of a campaign's network with their figures,
 * filtered: `query_json` is {"campaign", "root"?, "network"?, "with_orders"?
 * (false: the active consultants without an order), "lights"?: ["red", ...],
 * "max_depth"?, "limit"?}; the answer {"entries": [{"person", "level",
 * "type", "status", "orders", "drafts", "personal_volume", "amount",
 * "light", "commercial_state", "rank", "segment"}], "total"}. Fails like
 * downline_kpis_json.
 */
DOWNLINE_C_API downline_status downline_genealogy_list_json(downline_buf *out,
                                                            downline_company *company,
                                                            const char *actor_json,
                                                            const char *query_json);

/**
 * Writes into `out` the closes that changed a person's commercial state,
 * oldest first: [{"campaign", "state", "previous_state",
 * "campaigns_without_order", "effective_at"}]. Fails with
 * DOWNLINE_NOT_FOUND, DOWNLINE_PERMISSION_DENIED ("person") or
 * DOWNLINE_INTERNAL.
 */
DOWNLINE_C_API downline_status downline_commercial_state_history_json(downline_buf *out,
                                                                      downline_company *company,
                                                                      const char *actor_json,
                                                                      int64_t person_id);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DOWNLINE_H */

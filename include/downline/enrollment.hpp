// downline — enrolling persons into the company's networks.
#pragma once

#include <downline/error.hpp>
#include <downline/export.hpp>
#include <downline/ids.hpp>
#include <downline/money.hpp>
#include <downline/person.hpp>
#include <downline/rules.hpp>
#include <downline/time.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE

/// An explicit place in a width-limited or lobby network, instead of the
/// network's placement policy: a leader's or the head office's choice.
struct PlacementChoice {
  std::string network;
  /// The parent; unset to let the policy search from the sponsor (then only
  /// `position` is chosen: the sponsor's leg).
  PersonId parent;
  /// The slot under the parent (binary: 0 left, 1 right); none = the first free.
  std::optional<std::uint32_t> position;
};

/// A document a person attaches: its metadata only; the host keeps the
/// bytes (seed 004 §6.3.1, §7.1.2.5).
struct AttachmentData {
  std::string type;       ///< a configured attachment type
  std::string file_name;  ///< "id-front.pdf": its extension must be allowed
  std::uint64_t size_bytes = 0;
  std::string digest;  ///< "sha256:<64 hex>", of the bytes the host keeps
  std::string uri;     ///< where the host keeps them
};

/// A stored attachment.
struct Attachment {
  PersonId person;
  AttachmentData data;
  std::string extension;  ///< lower case, from the file name
  Instant added_at;
  EventSeq event;
};

/// One version of one contract.
struct ContractRef {
  std::string contract;
  std::uint32_t version = 0;
  friend bool operator==(const ContractRef&, const ContractRef&) = default;
};

/// A contract version as configured (seed 004 §6.3.2).
struct ContractVersion {
  std::string contract;
  std::uint32_t version = 0;
  std::string title;
  std::string digest;                  ///< of the content the host shows
  std::vector<std::string> countries;  ///< empty: every country
  std::vector<std::string> ranks;      ///< empty: every rank
  bool active = true;
  bool mandatory = true;
};

/// A person's acceptance of a contract version: at registration, in their
/// profile or at login (seed 004 §7.1.2.3).
struct ContractAcceptance {
  PersonId person;
  ContractRef contract;
  std::string digest;   ///< of the content accepted
  std::string channel;  ///< "registration", "profile" or "login"
  Instant accepted_at;
  EventSeq event;
};

/// What a blacklist entry bars (seed 003 §6.3.5–6.3.6).
enum class BlacklistKind : std::uint8_t { document, email, phone };

/// Lower-case name ("email"); never fails.
DOWNLINE_API std::string_view to_string(BlacklistKind kind) noexcept;
/// Parses a lower-case name; std::nullopt when unknown.
DOWNLINE_API std::optional<BlacklistKind> parse_blacklist_kind(std::string_view name) noexcept;

/// One barred document, e-mail address or phone.
struct BlacklistEntry {
  BlacklistKind kind = BlacklistKind::document;
  /// As given; compared in its normalised form: a document's letters and
  /// digits upper-cased, an e-mail in lower case, a phone in E.164.
  std::string value;
  std::string country;  ///< phone: the country a national number is read in
  std::string reason;   ///< one of the configuration's blacklist_reasons
  std::string note;
  // Set by the library:
  std::string key;  ///< the normalised value compared
  Instant added_at;
  std::string added_by;
};

/// How complete a person's profile is: the configured person fields,
/// extended fields and attachment types they have filled.
struct ProfileCompletion {
  std::uint32_t filled = 0;
  std::uint32_t total = 0;
  std::uint32_t percent = 0;  ///< filled * 100 / total, rounded down
  std::vector<std::string>
      missing;  ///< "person.phone", "extended.co_debtor", "attachments.id_copy"
};

/// A forced change of a person's status (seed 004 §7.2): an activation,
/// an inactivation, or any other status.
struct StatusChange {
  PersonId person;
  Status status = Status::active;
  std::string reason;  ///< recorded in the event log
};

/// What an approval workflow decides on (seed 004 §7.2.1.1, 003 §6.3.11).
enum class WorkItemKind : std::uint8_t { registration, document, credit_request };
/// Where a work item stands.
enum class WorkItemState : std::uint8_t { open, approved, rejected };

/// Lower-case name ("credit_request"); never fails.
DOWNLINE_API std::string_view to_string(WorkItemKind kind) noexcept;
/// Parses a lower-case name; std::nullopt when unknown.
DOWNLINE_API std::optional<WorkItemKind> parse_work_item_kind(std::string_view name) noexcept;
/// Lower-case name ("approved"); never fails.
DOWNLINE_API std::string_view to_string(WorkItemState state) noexcept;

/// One decision on a work item.
struct WorkDecision {
  std::uint32_t step = 0;  ///< 0-based step of the workflow
  std::string step_id;
  std::string by;  ///< the deciding actor's login
  bool approved = false;
  std::string reason;
  std::optional<Decimal> amount;  ///< credit: the limit approved
  Instant at;
};

/// An item of an approval workflow: a registration, an attached document
/// or a credit request, with its decisions so far.
struct WorkItem {
  std::int64_t id = 0;
  WorkItemKind kind = WorkItemKind::registration;
  PersonId person;
  WorkItemState state = WorkItemState::open;
  std::uint32_t step = 0;  ///< the step that decides next (open items)
  std::string step_id;
  std::vector<std::string> roles;  ///< who may decide that step
  std::optional<Decimal> amount;   ///< credit: requested, then approved
  std::string detail;              ///< credit: the references; document: its attachment type
  Instant created_at;
  std::vector<WorkDecision> decisions;
};

/// A decision to take on a work item.
struct WorkDecisionRequest {
  std::int64_t item = 0;
  bool approve = true;
  std::string reason;  ///< required when rejecting
  /// Credit requests: the limit approved (default: the amount requested).
  std::optional<Decimal> amount;
};

/// A credit request at the "Join" payment step (seed 004 §7.1.1.1, 003
/// §6.3.11): it opens a credit_request work item; the person's credit limit
/// stays zero until it is approved with an amount.
struct CreditRequest {
  PersonId person;
  std::optional<Decimal> amount;        ///< the limit asked for, if any
  std::vector<std::string> references;  ///< personal or commercial references
  std::vector<AttachmentData> attachments;
};

/// Which work items to list.
struct WorkItemQuery {
  std::optional<WorkItemKind> kind;
  std::optional<WorkItemState> state = WorkItemState::open;
  PersonId person;  ///< unset: everyone's
  /// Only the items whose next step the actor's roles may decide (the
  /// approver's inbox); false: every item (staff).
  bool decidable_only = false;
};

/// A person who changes what they are to the company (seed 004 §7.1):
/// customer or guest to consultant, consultant to customer, guest to
/// customer, or an inactive consultant rejoining.
struct ConversionRequest {
  PersonId person;
  CustomerType type = CustomerType::consultant;  ///< what they become
  std::string channel;                           ///< its form's outcome applies (as at enrollment)
  std::string reason;                            ///< recorded in the event log
};

/// One person to enroll.
///
/// The sponsor is given by id or by external id (the latter may name a person
/// enrolled earlier in the same bulk call). The referrer defaults to the
/// sponsor. A request without a sponsor makes the person a parent of the
/// sponsor network; only actors that see everyone may do that.
struct EnrollmentRequest {
  CustomerType type = CustomerType::consultant;
  PersonData person;
  PersonId sponsor;
  std::string sponsor_external_id;
  PersonId referrer;
  std::string referrer_external_id;
  std::string channel;                  ///< free text: "backoffice", "web", ...
  std::optional<Instant> effective_at;  ///< defaults to the clock's now
  std::string reason;                   ///< recorded in the event log
  /// Explicit places in placement networks (at most one per network).
  std::vector<PlacementChoice> placements;
  /// On a replicated_site channel: the site's slug; its owner is the
  /// sponsor (and the referrer) unless others are given.
  std::string site;
  /// The contract versions the person accepts with the enrollment: every
  /// active mandatory contract that applies to them must be among them.
  std::vector<ContractRef> accepted_contracts;
  /// Attached documents; every mandatory attachment type must be present.
  std::vector<AttachmentData> attachments;
};

/// The result of one enrollment: accepted with the new person's id and the
/// event that recorded it, or rejected with every finding.
struct EnrollmentOutcome {
  bool accepted = false;
  PersonId person;
  EventSeq event;
  std::vector<Finding> findings;
  /// What the configuration's enrollment rules decided for the person, as
  /// also recorded in the "enrolled" event (benefits, reviews and kits are
  /// for the host to act on).
  std::vector<Decision> decisions;
  /// "active", "pending_approval" (a registration work item is open),
  /// "pending_kit" (awaiting the starter kit's payment) or "guest".
  std::string outcome;
  /// A guest's quick-access code for the host to show; it finds the guest
  /// later (Company::find_guest).
  std::string quick_code;
  /// The registration work item opened for approval, or 0.
  std::int64_t work_item = 0;
  /// "" for a new person; "converted" or "rejoined" when an existing person
  /// continued (Company::convert, or pre-existence at enrollment).
  std::string continuation;
};

/// The result of a bulk enrollment, all or nothing: when any request is
/// rejected nothing is written and `findings` lists every problem, with
/// fields prefixed by the request's index ("[3].email").
struct BulkEnrollmentOutcome {
  bool accepted = false;
  std::vector<PersonId> persons;  ///< in request order when accepted
  EventSeq last_event;
  std::vector<Finding> findings;
  /// Per accepted request, in request order: what the enrollment rules
  /// decided (see EnrollmentOutcome::decisions); empty when the
  /// configuration has no enrollment rules.
  std::vector<std::vector<Decision>> decisions;
  /// Per accepted request, in request order: its outcome, quick-access code
  /// ("" but for guests) and registration work item (0 when none), as in
  /// EnrollmentOutcome.
  std::vector<std::string> outcomes;
  std::vector<std::string> quick_codes;
  std::vector<std::int64_t> work_items;
};

/// Called during long bulk work with the number of items done and the total.
/// Runs on the calling thread; must not call back into the Company.
using ProgressFn = std::function<void(std::size_t done, std::size_t total)>;

/// How a CSV file of enrollments is read (seed 004 §7.1: flat files).
///
/// The header names each column's field: "type", "channel", "reason",
/// "effective_at", "sponsor", "sponsor_external_id", "referrer",
/// "referrer_external_id", "site" (the replicated site enrolled through),
/// "accepted_contracts" ("terms:1;privacy:2"), a person field with or
/// without "person." ("external_id", "first_name", "last_name", "email",
/// "phone", "country", "birth_date", "zone", "document_type",
/// "document_number", "person.site") or "extended.<id>". An empty cell is
/// an absent value. A sponsor named by external id comes earlier in the
/// file or is enrolled already.
struct ImportOptions {
  /// The channel of rows without a "channel" cell.
  std::string channel;
  /// The type of rows without a "type" cell.
  CustomerType type = CustomerType::consultant;
  /// Header → field, for a file whose headers are not field names
  /// ({"Nombre", "first_name"}).
  std::map<std::string, std::string> columns;
  /// Rows per storage transaction (1 to 1,000,000).
  std::size_t batch_size = 10000;
  char delimiter = ',';
  /// Recorded in the event of rows without a "reason" cell.
  std::string reason;
};

/// How a file of forced status changes is read (seed 004 §7.2.2.2, mass
/// forced deactivation). Its header names the columns: `external_id` or
/// `person` (the id) names who; `status`, `vip` (true or false) and
/// `reason` are optional.
struct StatusFileOptions {
  /// The status of rows without a "status" cell (and without a "vip" one).
  Status status = Status::inactive;
  /// Recorded in the events of rows without a "reason" cell.
  std::string reason;
  /// Header → column name, for a file whose headers are other names.
  std::map<std::string, std::string> columns;
  /// Rows per storage transaction (1 to 1,000,000).
  std::size_t batch_size = 10000;
  char delimiter = ',';
};

/// A row an import rejected, with every finding (fields without a row
/// prefix: "person.email"; "row" for a malformed row).
struct RejectedRow {
  std::uint64_t line = 0;  ///< 1-based line of the file where the row starts
  std::string external_id;
  std::vector<Finding> findings;
};

/// What an import did. Each batch is committed as it goes: the valid rows
/// are enrolled, the rejected ones listed, and rows whose external id is
/// enrolled already are left as they are, so running a file again adds
/// nothing.
struct ImportReport {
  std::uint64_t rows = 0;      ///< data rows read
  std::uint64_t enrolled = 0;  ///< persons enrolled by this import
  std::uint64_t existing = 0;  ///< rows whose external id was enrolled already
  std::vector<RejectedRow> rejected;
  EventSeq last_event;  ///< the last event this import appended (none when it enrolled no one)
};

/// What a file of status changes did. Each row is applied whole (its status
/// and VIP flag, with their events) or rejected with nothing written; the
/// rows of a batch are committed together.
struct StatusFileReport {
  std::uint64_t rows = 0;
  std::uint64_t changed = 0;    ///< rows that changed a status or a VIP flag
  std::uint64_t unchanged = 0;  ///< rows asking what the person holds already
  std::vector<RejectedRow> rejected;
  EventSeq last_event;  ///< of the last change written; unset when none
};

DOWNLINE_END_NAMESPACE

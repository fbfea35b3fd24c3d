// downline — the Company facade: one company's configuration, store and
// in-memory genealogy index.
//
// Thread safety: one Company may be read from many threads at once; writes
// are serialised inside it. Readers never see a half-applied change. Several
// processes may open the same SQLite file: before answering, a Company
// applies what the others have committed.
#pragma once

#include <downline/cycle.hpp>
#include <downline/enrollment.hpp>
#include <downline/error.hpp>
#include <downline/export.hpp>
#include <downline/genealogy.hpp>
#include <downline/ids.hpp>
#include <downline/person.hpp>
#include <downline/time.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE

/// One entry of the append-only event log.
struct Event {
  EventSeq seq;
  std::string kind;  ///< "enrolled", ...
  PersonId person;
  Instant effective_at;
  Instant recorded_at;
  std::string actor;  ///< the actor's login
  std::string reason;
  std::string payload_json;  ///< kind-specific detail, a JSON object
};

/// What a subscriber is called with: one committed event (Company::subscribe).
using EventFn = std::function<void(const Event&)>;

/// How a Company is opened.
struct OpenOptions {
  /// The clock that stamps events; the system clock when null.
  std::shared_ptr<const Clock> clock;
  /// Milliseconds a write waits for another process's lock before failing
  /// with UNAVAILABLE.
  int busy_timeout_ms = 5000;
  /// Most MiB of SQLite pages the writing connection keeps in memory (taken
  /// as used): bulk orders and closes of a large company rewrite index pages
  /// that a smaller cache would spill and read back. 1 to 65536.
  int write_cache_mib = 256;
};

namespace internal {
class CompanyState;
struct CompanyAccess;
}  // namespace internal

/// A consistent read view of one network, for many questions in a row.
///
/// It holds the company's read lock for its lifetime: keep it short-lived,
/// and do not write to the same Company from the thread that holds it (that
/// would wait forever). Every query checks the actor's visibility like the
/// Company's one-shot queries do, and throws the same errors.
class DOWNLINE_API NetworkReader {
 public:
  NetworkReader(NetworkReader&&) noexcept;
  NetworkReader& operator=(NetworkReader&&) noexcept;
  ~NetworkReader();

  /// True when `person` is strictly below `of` in this network; throws
  /// NotFound for an unknown id, PermissionDenied when the actor may not see
  /// `of` or `person`.
  bool is_in_downline(PersonId person, PersonId of) const;
  /// Absolute level of `person` (0 for a network parent); throws like
  /// is_in_downline.
  std::uint32_t level(PersonId person) const;
  /// Level of `person` below `upline` (1 = direct); throws
  /// FailedPrecondition when `upline` is not above `person`.
  std::uint32_t relative_level(PersonId person, PersonId upline) const;
  /// Upline of `person`, nearest first, up to `max_levels` (all when none),
  /// stopping before the first person the actor may not see.
  std::vector<NetworkMember> upline(PersonId person,
                                    std::optional<std::uint32_t> max_levels = {}) const;
  /// A page of `person`'s downline filtered by `query` (its `network` field
  /// is ignored: the reader's network is used).
  DownlinePage downline(PersonId person, const DownlineQuery& query) const;
  /// Network id of `person`: the ids from the network's parent down to the
  /// person, inclusive; throws like is_in_downline.
  std::vector<PersonId> path(PersonId person) const;
  /// Direct children of `person` with their positions (slot order in a
  /// width-limited network, arrival order otherwise).
  std::vector<NetworkMember> children(PersonId person) const;
  /// Up to `limit` open positions below `person`, breadth first (their own
  /// free slots first); in a matrix, within the person's matrix depth.
  std::vector<OpenSlot> open_positions(PersonId person, std::size_t limit = 10) const;
  /// Persons waiting in this network's lobby that the actor sees, by id.
  std::vector<PersonId> lobby() const;
  /// Members of `person`'s downline per relative level (index 0 = level 1)
  /// matching the query's filters and depth.
  std::vector<std::uint64_t> level_counts(PersonId person, const DownlineQuery& query) const;
  /// Generation of `person` below `upline` (see genealogy.hpp); throws
  /// FailedPrecondition when `upline` is not above `person`.
  std::uint32_t generation(PersonId person, PersonId upline) const;
  /// Members of `person`'s downline per generation (index 0 = the first)
  /// matching the query's filters, depth and generation limit.
  std::vector<std::uint64_t> generation_counts(PersonId person, const DownlineQuery& query) const;
  /// `person`'s legs: one per direct child, in slot order, with the persons
  /// in it (the child and their downline) and the active ones among them,
  /// counting only persons the actor sees.
  std::vector<LegTotals> legs(PersonId person) const;
  /// The `limit` visible persons with the largest downlines, largest first
  /// (ties by id).
  std::vector<DownlineSize> largest_downlines(std::size_t limit) const;
  /// Figures of the visible part of the network.
  NetworkSummary summary() const;

 private:
  friend class Company;
  struct Impl;
  explicit NetworkReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// A direct-selling company: its persons, networks and history.
class DOWNLINE_API Company {
 public:
  /// Opens (creating if needed) the company stored at `uri` —
  /// "sqlite:PATH" (the default when no scheme is given) or "memory:" — with
  /// the configuration JSON document. Throws InvalidArgument for a bad URI or
  /// configuration (the field names the JSON path), Unavailable when the
  /// store cannot be opened, DataLoss for a corrupt or newer store.
  static Company open(std::string_view uri, std::string_view config_json, OpenOptions options = {});

  Company(Company&&) noexcept;
  Company& operator=(Company&&) noexcept;
  /// Closes the store; pending nothing (every write call has committed).
  ~Company();

  /// Enrolls one person in one storage transaction. Rejections come back as
  /// findings with nothing written; throws PermissionDenied when the actor
  /// may not enroll under that sponsor, Unavailable when the store is busy.
  EnrollmentOutcome enroll(const Actor& actor, const EnrollmentRequest& request);
  /// Enrolls many persons in one storage transaction, all or nothing.
  /// `progress` (may be empty) is called as requests are validated and
  /// written. Throws like enroll.
  BulkEnrollmentOutcome enroll_many(const Actor& actor, std::span<const EnrollmentRequest> requests,
                                    const ProgressFn& progress = {});

  /// Enrolls the rows of a CSV stream (see ImportOptions), batch by batch,
  /// each in one storage transaction: a rejected row is reported with every
  /// finding and written nowhere, the others are enrolled. `progress` gets
  /// bytes read and the stream's size (0 when it cannot tell). Throws
  /// InvalidArgument for a bad header or options (before anything is
  /// written), PermissionDenied for an actor who may not use the channel,
  /// Aborted when `progress` throws (the batches before stay committed).
  ImportReport import_csv(const Actor& actor, std::istream& csv, const ImportOptions& options = {},
                          const ProgressFn& progress = {});
  /// import_csv of the file at `path`; throws NotFound when it cannot be read.
  ImportReport import_csv_file(const Actor& actor, const std::string& path,
                               const ImportOptions& options = {}, const ProgressFn& progress = {});

  /// The person with this id; throws NotFound, PermissionDenied.
  Person person(const Actor& actor, PersonId id) const;
  /// The id of the person with this external id, if any visible one exists.
  std::optional<PersonId> find_person(const Actor& actor, std::string_view external_id) const;
  /// Number of persons the actor sees.
  std::uint64_t person_count(const Actor& actor) const;

  /// A consistent read view of `network` for `actor`; throws NotFound for
  /// an unknown network, PermissionDenied for an actor who sees no one.
  NetworkReader reader(const Actor& actor, std::string_view network = kSponsorNetwork) const;
  /// A read view of `network` as it was at `as_of`: every query answers for
  /// the tree of that instant (persons enrolled later are NotFound; types,
  /// statuses, ranks (hence generations) and who the actor may see are
  /// today's). Rebuilt from the store's history; throws like reader().
  NetworkReader reader(const Actor& actor, std::string_view network, Instant as_of) const;
  /// Upline of `person` in `network`, nearest first (see NetworkReader).
  std::vector<NetworkMember> upline(const Actor& actor, PersonId person,
                                    std::string_view network = kSponsorNetwork,
                                    std::optional<std::uint32_t> max_levels = {}) const;
  /// A page of `person`'s downline (see NetworkReader::downline).
  DownlinePage downline(const Actor& actor, PersonId person, const DownlineQuery& query = {}) const;
  /// True when `person` is strictly below `of` in `network`.
  bool is_in_downline(const Actor& actor, PersonId person, PersonId of,
                      std::string_view network = kSponsorNetwork) const;
  /// Absolute level of `person` in `network`.
  std::uint32_t level(const Actor& actor, PersonId person,
                      std::string_view network = kSponsorNetwork) const;
  /// Level of `person` below `upline` in `network`.
  std::uint32_t relative_level(const Actor& actor, PersonId person, PersonId upline,
                               std::string_view network = kSponsorNetwork) const;
  /// Network id of `person`: ids from the network's parent to the person,
  /// joined with "." ("1.5.42").
  std::string network_id(const Actor& actor, PersonId person,
                         std::string_view network = kSponsorNetwork) const;
  /// Members of `person`'s downline per relative level (index 0 = level 1).
  std::vector<std::uint64_t> level_counts(const Actor& actor, PersonId person,
                                          const DownlineQuery& query = {}) const;
  /// Generation of `person` below `upline` in `network` (see NetworkReader).
  std::uint32_t generation(const Actor& actor, PersonId person, PersonId upline,
                           std::string_view network = kSponsorNetwork) const;
  /// Members of `person`'s downline per generation (index 0 = the first).
  std::vector<std::uint64_t> generation_counts(const Actor& actor, PersonId person,
                                               const DownlineQuery& query = {}) const;
  /// `person`'s legs in `network` (see NetworkReader::legs).
  std::vector<LegTotals> legs(const Actor& actor, PersonId person,
                              std::string_view network = kSponsorNetwork) const;

  /// `person` and their downline in `options.network`, written as nested
  /// JSON, CSV or Graphviz DOT (see TreeFormat), in pre-order; only persons
  /// the actor sees. Throws NotFound, PermissionDenied like downline().
  std::string export_tree(const Actor& actor, PersonId person,
                          const TreeExportOptions& options = {}) const;

  /// Places a person waiting in `where.network`'s lobby under
  /// `where.parent` (or by the network's policy from their sponsor when
  /// unset). Staff, or a leader who sees both persons within the lobby
  /// window, may. Throws PermissionDenied, NotFound, FailedPrecondition
  /// (not waiting, window over, position taken, network full),
  /// InvalidArgument (bad position); nothing is written on failure.
  AdjustmentOutcome place(const Actor& actor, PersonId person, const PlacementChoice& where,
                          std::string_view reason = {});
  /// Places everyone whose lobby window is over by the network's fallback
  /// policy (staff only). Throws like place.
  AdjustmentOutcome place_expired(const Actor& actor, std::string_view network);
  /// Moves a person (with or without their downline) to a new parent in one
  /// transaction, one event per person moved. Staff only. Throws
  /// FailedPrecondition with the reason for a forbidden move (under their
  /// own downline, position taken or full, too deep, another territory,
  /// outside the move window, too many moves, after now or before the latest
  /// change), NotFound, InvalidArgument, PermissionDenied; nothing is written
  /// then.
  AdjustmentOutcome transfer(const Actor& actor, const TransferRequest& request);
  /// Compresses a network in one transaction: the persons removed become
  /// dropouts, their children move up to the nearest remaining upline; one
  /// event per person moved or removed. Staff only. Throws like transfer
  /// (FailedPrecondition when children do not fit in a width-limited
  /// network); `progress` is called as persons are processed.
  AdjustmentOutcome compress(const Actor& actor, const CompressionRequest& request,
                             const ProgressFn& progress = {});

  /// Recalculates a network in one pass (PV → group volume, downline and
  /// active counts, per-level counts, leg volumes) and keeps the figures
  /// until the next recalculation of it; the weaker-leg-by-volume policy
  /// reads them. Figures are derived: they live in this Company, not in the
  /// store. Staff only. Throws PermissionDenied, NotFound (network, or a
  /// listed person: field "personal_volumes[i].person"), InvalidArgument (a
  /// negative or repeated volume, levels above 64), OutOfRange (a group
  /// volume above 9.2e12); the previous figures stay then.
  RecalculationSummary recalculate(const Actor& actor, const RecalculationRequest& request);
  /// A person's figures from `network`'s last recalculation (see
  /// PersonFigures). Throws NotFound, PermissionDenied, FailedPrecondition
  /// (no recalculation yet, or the person had no place then).
  PersonFigures figures(const Actor& actor, PersonId person,
                        std::string_view network = kSponsorNetwork) const;

  /// Gives a person a new rank and records it in their rank history, in one
  /// transaction with a "rank_changed" event, which it returns; generations
  /// end at the new rank from then on. Staff only. Throws PermissionDenied,
  /// NotFound (person), InvalidArgument (a rank not in the catalog, field
  /// "rank"), FailedPrecondition (the rank already held, or a change effective
  /// before the person's latest one); nothing is written then.
  EventSeq change_rank(const Actor& actor, const RankChange& change);
  /// The rank history of a person the actor sees, oldest first; empty when
  /// their rank never changed. Throws NotFound, PermissionDenied.
  std::vector<RankPeriod> rank_history(const Actor& actor, PersonId person) const;

  /// Events with a sequence after `after`, oldest first, at most `limit`.
  /// Staff actors only; throws PermissionDenied otherwise.
  std::vector<Event> events(const Actor& actor, EventSeq after, std::size_t limit) const;
  /// Calls `fn` with every event committed from now on — by this Company,
  /// and by other processes once a query or refresh() has seen them — in
  /// sequence order, one at a time, on a thread of the library (so no
  /// writer waits for it); what `fn` throws is dropped. Staff actors only;
  /// returns the subscription's id. Throws PermissionDenied, InvalidArgument
  /// (an empty function).
  std::uint64_t subscribe(const Actor& actor, EventFn fn);
  /// Ends a subscription: when this returns, its function is not running
  /// (unless this is called from it) and is not called again. An unknown id
  /// is ignored; never fails.
  void unsubscribe(std::uint64_t id);
  /// The sequence of the last event applied to this Company's index.
  EventSeq last_event() const;
  /// Applies what other processes have committed since the last call; the
  /// queries do this on their own, this only forces it.
  void refresh() const;
  /// The names of the configured networks.
  std::vector<std::string> networks() const;
  /// Checks the index's invariants and the index against the store; staff only (VerifyReport).
  VerifyReport verify(const Actor& actor) const;

  /// Converts a person, in one transaction with a "converted" or
  /// "rejoined" event: a customer or guest becomes a consultant, a consultant
  /// a customer, a guest a customer, an inactive consultant rejoins. The
  /// channel's form for the new type decides the outcome (active, pending
  /// approval with a work item, pending kit), as at enrollment. Staff, the
  /// person themselves, or a leader for a person of their sponsor downline
  /// may. Throws PermissionDenied, NotFound, InvalidArgument (unknown channel,
  /// field "channel"), FailedPrecondition (already of that type and not
  /// inactive; a form the channel does not offer: field "type"); nothing is
  /// written then.
  EnrollmentOutcome convert(const Actor& actor, const ConversionRequest& request);

  /// Changes a person's status now, with an "activated", "inactivated" or
  /// "status_changed" event, which it returns (seed 004 §7.2: individual
  /// forced activation and inactivation). Staff may change anyone's; a
  /// leader may reactivate an inactive person of their sponsor downline.
  /// Throws PermissionDenied, NotFound, FailedPrecondition (the status held
  /// already); nothing is written then.
  EventSeq change_status(const Actor& actor, const StatusChange& change);
  /// Marks `person` a VIP (exempt from automatic inactivation) or not, for
  /// staff actors; returns the "vip_granted" or "vip_revoked" event. Throws
  /// NotFound, PermissionDenied, FailedPrecondition (field "vip": so
  /// already), Unavailable; nothing is written then.
  EventSeq set_vip(const Actor& actor, PersonId person, bool vip, std::string_view reason = "");
  /// Forces the statuses (and VIP flags) a CSV file gives, row by row, for
  /// staff actors (seed 004 §7.2.2.2): a row naming an unknown person or a
  /// bad value is rejected with its findings and nothing of it written; a
  /// row asking what the person holds already is unchanged, so a second
  /// run changes nothing. progress(bytes, total) after each batch. Throws
  /// InvalidArgument (a bad header or option), PermissionDenied,
  /// Unavailable; the batches committed before stay.
  StatusFileReport change_statuses_csv(const Actor& actor, std::istream& csv,
                                       const StatusFileOptions& options,
                                       const ProgressFn& progress = {});
  /// As change_statuses_csv, from a file; NotFound (field "path") when it
  /// cannot be read.
  StatusFileReport change_statuses_csv_file(const Actor& actor, const std::string& path,
                                            const StatusFileOptions& options,
                                            const ProgressFn& progress = {});

  /// Bars a document, e-mail address or phone from enrolling, with one of
  /// the configured reasons; recorded with a "blacklisted" event, which it
  /// returns. Staff only. Throws PermissionDenied, InvalidArgument (unknown
  /// reason: field "reason"; a value that does not normalise, e.g. a phone
  /// invalid for its country: field "value"), AlreadyExists (barred
  /// already); nothing is written then.
  EventSeq add_to_blacklist(const Actor& actor, const BlacklistEntry& entry);
  /// Lifts a bar (the value is normalised as add_to_blacklist does), with an
  /// "unblacklisted" event. Staff only. Throws PermissionDenied,
  /// InvalidArgument, NotFound (not barred).
  EventSeq remove_from_blacklist(const Actor& actor, BlacklistKind kind, std::string_view value,
                                 std::string_view country = {});
  /// Every blacklist entry, by kind then key. Staff only; throws
  /// PermissionDenied.
  std::vector<BlacklistEntry> blacklist(const Actor& actor) const;

  /// Every configured contract version, in configuration order.
  std::vector<ContractVersion> contracts() const;
  /// Records that `person` accepts a contract version, at "registration",
  /// in their "profile" or at "login", with a "contract_accepted" event,
  /// which it returns. The person themselves or staff may. Throws
  /// PermissionDenied, NotFound (person; contract: field "contract"),
  /// InvalidArgument (channel), FailedPrecondition (version inactive, or not
  /// for the person's country and rank), AlreadyExists (accepted already);
  /// nothing is written then.
  EventSeq accept_contract(const Actor& actor, PersonId person, const ContractRef& contract,
                           std::string_view channel);
  /// The active contracts that apply to `person` (country, rank) and whose
  /// newest active version they have not accepted: what a login popup shows.
  /// Throws NotFound, PermissionDenied.
  std::vector<ContractVersion> pending_contracts(const Actor& actor, PersonId person) const;
  /// The acceptances of `person`, oldest first. Throws NotFound,
  /// PermissionDenied.
  std::vector<ContractAcceptance> contract_acceptances(const Actor& actor, PersonId person) const;
  /// Every acceptance of a contract (all versions), oldest first: the legal
  /// texts report. Staff only; throws PermissionDenied, NotFound (contract).
  std::vector<ContractAcceptance> acceptances_of(const Actor& actor,
                                                 std::string_view contract) const;

  /// The documents `person` attached, oldest first. Throws NotFound,
  /// PermissionDenied.
  std::vector<Attachment> attachments(const Actor& actor, PersonId person) const;
  /// How complete `person`'s profile is. Throws NotFound, PermissionDenied.
  ProfileCompletion profile_completion(const Actor& actor, PersonId person) const;

  /// The guest holding a quick-access code (EnrollmentOutcome::quick_code),
  /// if the actor sees them.
  std::optional<PersonId> find_guest(const Actor& actor, std::string_view quick_code) const;

  /// Work items of the approval workflows, by id (seed 004 §7.2.1.1).
  /// Staff only; with `decidable_only`, those whose next step the actor's
  /// roles may decide (the approver's inbox). Throws PermissionDenied.
  std::vector<WorkItem> work_items(const Actor& actor, const WorkItemQuery& query = {}) const;
  /// Approves or rejects the next step of a work item, with a
  /// "step_approved", "approved" or "rejected" event. The last approval of a
  /// registration activates the person; a rejection leaves them inactive;
  /// the last approval of a credit request sets their credit limit. Throws
  /// PermissionDenied (a role the step does not allow: field "roles"),
  /// NotFound (item), FailedPrecondition (decided already), InvalidArgument
  /// (a rejection without a reason, an amount on an item that is not a
  /// credit request, a negative amount, a credit approved without one);
  /// nothing is written then. Returns the item as it now stands.
  WorkItem decide(const Actor& actor, const WorkDecisionRequest& decision);
  /// Opens a credit request (the person themselves or staff), with a
  /// "credit_requested" event; the attachments are kept as the person's.
  /// Throws FailedPrecondition (no credit_request workflow configured, or one
  /// open already), InvalidArgument (attachments, a negative amount: with
  /// their field), NotFound, PermissionDenied. Returns the new item.
  WorkItem request_credit(const Actor& actor, const CreditRequest& request);

  /// Adds campaigns to the calendar (staff only), in one transaction with a
  /// "campaigns_added" event, and returns them with their instants in the
  /// company's time zone. Throws PermissionDenied, InvalidArgument (field
  /// "campaigns[i].id", ".end", ".start": an empty or repeated id, an end
  /// before the start, days overlapping another campaign), AlreadyExists (an
  /// id in the calendar); nothing is written then.
  std::vector<Campaign> add_campaigns(const Actor& actor, std::span<const CampaignSpec> campaigns);
  /// The calendar, by start; never fails.
  std::vector<Campaign> campaigns() const;
  /// The campaign whose days hold `at` in the company's time zone, if any.
  std::optional<Campaign> campaign_at(Instant at) const;

  /// Closes a campaign (staff only), in one transaction with a
  /// "campaign_closed" event: its orders are locked and its figures kept,
  /// and consultants get the commercial state their campaigns without an
  /// order reached (an inactivating one inactivates them, a VIP excepted),
  /// each with a "commercial_state_changed" event. With a career plan
  /// (ranks with "requirements"), every active consultant is paid as the
  /// highest rank whose requirements they met; one whose highest rank rises
  /// gets it, with a "rank_changed" event; the figures behind each decision
  /// are kept for rank_report. The summary carries a SHA-256 digest of
  /// everything the close decided.
  /// Closing a closed campaign changes nothing and returns what its close
  /// kept. Throws PermissionDenied, NotFound (field "campaign"),
  /// FailedPrecondition ("campaign": an earlier campaign is still open, or
  /// it has not ended by the clock), OutOfRange ("pv": a group volume
  /// overflows), Aborted (the progress callback threw); nothing is written
  /// then. `progress` is told (done, 4) after each stage: figures,
  /// commercial states, ranks, written.
  CampaignSummary close_campaign(const Actor& actor, std::string_view campaign,
                                 const ProgressFn& progress = {});
  /// Pre-calculates a campaign (staff only): the close's figures, commercial
  /// states, ranks with their explanations and segments as they would be
  /// now, kept as its summary and columns, without changing anyone or
  /// locking it (orders still come in); the campaign becomes
  /// pre_calculated, rank_report explains it, and a later pre-calculation
  /// or the close replaces the result. Also before the campaign ends.
  /// Throws NotFound, FailedPrecondition ("campaign": closed, or an earlier
  /// campaign open), PermissionDenied, Aborted (the callback threw: nothing
  /// is written).
  CampaignSummary precalculate(const Actor& actor, std::string_view campaign,
                               const ProgressFn& progress = {});
  /// The rank report card of a person the actor sees for a closed (or
  /// pre-calculated) campaign: each rank with requirements, each
  /// requirement with the actual value, the required one and whether it was
  /// met, as the close (or the last pre-calculation) decided. Throws
  /// NotFound ("person", "campaign"), PermissionDenied, FailedPrecondition
  /// ("campaign": still open, or settled without a career plan).
  RankReport rank_report(const Actor& actor, PersonId person, std::string_view campaign) const;

  /// Records what the host reports of one order (staff only): a new order,
  /// a new state (draft → placed → paid → invoiced → shipped; cancelled
  /// before shipping, returned after payment), new totals or lines (until
  /// paid), comments. A state change runs the order_state_changed rules;
  /// their status and type changes are written with the order (a VIP is
  /// never inactivated by them). A report of what is stored already is
  /// "unchanged" and writes nothing. Throws InvalidArgument (a bad field:
  /// "id", "amount", "lines[i].sku", ...), NotFound ("owner", "created_by",
  /// "campaign"), FailedPrecondition ("state": a step back or out of a
  /// cancelled/returned order; "campaign": closed; "at": no campaign holds
  /// it, or before the order's last state;
  /// "owner", "created_by", "campaign" differing from the stored order;
  /// "amount", "volume", "lines" after payment), PermissionDenied; nothing
  /// is written then.
  OrderOutcome report_order(const Actor& actor, const OrderReport& report);
  /// Records many reports in one transaction, in order (a later report of
  /// the same id follows an earlier one): each refused report is listed
  /// with its findings (the codes report_order throws) and nothing of it
  /// written; the others are written. `progress` gets reports done and
  /// their number. Throws PermissionDenied, Aborted when `progress` throws,
  /// and what the rules throw (nothing is written then).
  OrderBatchReport report_orders(const Actor& actor, std::span<const OrderReport> reports,
                                 const ProgressFn& progress = {});
  /// The order with this host id and its history. Throws NotFound (field
  /// "id"), PermissionDenied (an owner the actor does not see).
  Order order(const Actor& actor, std::string_view id) const;
  /// A person's orders in a campaign, oldest first. Throws NotFound (person,
  /// campaign), PermissionDenied.
  std::vector<Order> orders(const Actor& actor, PersonId person, std::string_view campaign) const;
  /// What a person's orders add up to in a campaign. Throws like orders().
  CampaignActivity activity(const Actor& actor, PersonId person, std::string_view campaign) const;
  /// The KPIs of a campaign for a person's network or the whole company
  /// (issue 6 §5). Throws NotFound ("campaign", "root", "network"),
  /// InvalidArgument ("top" above 1000), PermissionDenied (a root the actor
  /// does not see; the company for a consultant without a person).
  CampaignKpis kpis(const Actor& actor, const KpiQuery& query) const;
  /// The closes that changed a person's commercial state, oldest first.
  /// Throws NotFound, PermissionDenied (field "person").
  std::vector<CommercialStateChange> commercial_state_history(const Actor& actor,
                                                              PersonId person) const;
  /// The persons of a campaign's network with their campaign figures,
  /// filtered by orders and traffic light (the consultants without an order
  /// to call, seed 000 §7.3.1). Throws like kpis().
  GenealogyList genealogy_list(const Actor& actor, const GenealogyListQuery& query) const;

  /// Registers a user of the host: a unique login, lower-case role names
  /// ("admin", "operator", "seller", "leader", ...), optionally the person
  /// they are. Recorded with a "user_added" event. Only actors with the role
  /// "admin" may; throws PermissionDenied, InvalidArgument (empty login, bad
  /// role name), AlreadyExists (login taken), NotFound (unknown person).
  void add_user(const Actor& actor, const Actor& user);
  /// The actor a stored login acts as (its roles and person); throws
  /// NotFound for an unknown login.
  Actor actor_for(std::string_view login) const;

 private:
  friend struct internal::CompanyAccess;
  explicit Company(std::unique_ptr<internal::CompanyState> state);
  std::unique_ptr<internal::CompanyState> state_;
};

DOWNLINE_END_NAMESPACE

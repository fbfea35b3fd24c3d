// downline — the commercial cycle: campaigns and the orders the host reports.
//
// A campaign is a commercial cycle between two local dates of the company's
// time zone (configuration "company.time_zone", an IANA name). Every order
// belongs to one campaign: the one its first report's instant falls in,
// unless the report names it. A closed campaign is locked: its orders no
// longer change.
#pragma once

#include <downline/error.hpp>
#include <downline/export.hpp>
#include <downline/ids.hpp>
#include <downline/money.hpp>
#include <downline/person.hpp>
#include <downline/rules.hpp>
#include <downline/time.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE

/// Where a campaign stands.
enum class CampaignState : std::uint8_t { open, pre_calculated, closed };

/// Lower-case name ("pre_calculated"); never fails.
DOWNLINE_API std::string_view to_string(CampaignState state) noexcept;
/// Parses a lower-case name; std::nullopt when unknown.
DOWNLINE_API std::optional<CampaignState> parse_campaign_state(std::string_view name) noexcept;

/// A campaign to add to the calendar: its first and last local day.
struct CampaignSpec {
  std::string id;  ///< "2026-11", 1 to 64 bytes of UTF-8
  LocalDate start;
  LocalDate end;  ///< the last day, inclusive
};

/// A campaign of the calendar.
struct Campaign {
  std::string id;
  LocalDate start, end;  ///< local dates, `end` inclusive
  Instant starts_at;     ///< local midnight of `start` in the company's zone
  Instant ends_at;       ///< local midnight after `end`: the first instant after it
  CampaignState state = CampaignState::open;
  std::optional<Instant> closed_at;
};

/// The life of an order, as the host's shop reports it.
enum class OrderState : std::uint8_t {
  draft,
  placed,
  paid,
  invoiced,
  shipped,
  cancelled,
  returned,
};

/// Lower-case name ("invoiced"); never fails.
DOWNLINE_API std::string_view to_string(OrderState state) noexcept;
/// Parses a lower-case name; std::nullopt when unknown.
DOWNLINE_API std::optional<OrderState> parse_order_state(std::string_view name) noexcept;

/// One line of an order.
struct OrderLine {
  std::string sku;
  std::uint32_t quantity = 1;
  Decimal amount;  ///< the line's amount, company currency
  Decimal volume;  ///< the line's volume (points)
  /// Free flags the rules see ("starter_kit", "first_purchase", ...).
  std::vector<std::string> flags;
  friend bool operator==(const OrderLine&, const OrderLine&) = default;
};

/// A comment on an order at one stage, visible to staff.
struct OrderComment {
  std::string stage;  ///< "payment", "shipping" or "recipient"
  std::string text;
  friend bool operator==(const OrderComment&, const OrderComment&) = default;
};

/// An order as the host has it now: reporting it again with a new state
/// records the state change; reporting what is stored already changes
/// nothing, so a feed can be replayed.
struct OrderReport {
  std::string id;        ///< the host's order id, 1 to 64 bytes of UTF-8
  PersonId owner;        ///< whose order it is (whose volume it is)
  PersonId created_by;   ///< who placed it on the owner's behalf; unset: the owner
  std::string campaign;  ///< "" = the campaign `at` falls in (first report only)
  OrderState state = OrderState::placed;
  std::optional<Instant> at;  ///< when it reached `state`; the clock's now when unset
  /// The totals; when unset, the sum of the lines' (zero without lines).
  std::optional<Decimal> amount, volume;
  std::vector<OrderLine> lines;        ///< replaces the stored lines when not empty
  std::vector<OrderComment> comments;  ///< added to the stored ones (a repeated one is kept once)
};

/// One state an order went through.
struct OrderStateChange {
  OrderState state = OrderState::placed;
  Instant at;
  EventSeq seq;  ///< the event that recorded it
};

/// An order as the library keeps it.
struct Order {
  std::string id;
  PersonId owner;
  PersonId created_by;  ///< the owner unless placed on their behalf
  std::string campaign;
  OrderState state = OrderState::placed;
  Decimal amount, volume;
  std::vector<OrderLine> lines;
  std::vector<OrderComment> comments;
  std::vector<OrderStateChange> history;  ///< oldest first
  /// True when it counts towards its campaign's activity and volume (in a
  /// counted state: from "orders.counted_from" on, neither cancelled nor
  /// returned).
  bool counted = false;
};

/// What reporting one order did.
enum class OrderResult : std::uint8_t {
  created,    ///< a new order
  changed,    ///< a new state, totals, lines or comments
  unchanged,  ///< the report held nothing new
};

/// Lower-case name ("unchanged"); never fails.
DOWNLINE_API std::string_view to_string(OrderResult result) noexcept;

/// The outcome of Company::report_order.
struct OrderOutcome {
  OrderResult result = OrderResult::unchanged;
  std::string campaign;                      ///< the campaign the order belongs to
  std::optional<OrderState> previous_state;  ///< unset for a new order
  bool first_purchase = false;               ///< this change made the owner's first paid order
  /// When the order brought back a consultant the commercial states had
  /// inactivated: "free", "fee" (back with a reinstatement fee) or
  /// "reappointment" (away too long: they stay inactive and enroll again);
  /// "" otherwise.
  std::string reinstatement;
  /// What the order_state_changed rules decided (their status and type
  /// changes are written with the order).
  std::vector<Decision> decisions;
  EventSeq seq;  ///< the event that recorded it; unset when unchanged
};

/// A report of a bulk call that was refused, with every finding.
struct RejectedOrder {
  std::size_t index = 0;  ///< position in the call's reports
  std::string id;
  std::vector<Finding> findings;
};

/// What Company::report_orders did: the valid reports are written in one
/// transaction, the rejected ones listed with nothing of them written.
struct OrderBatchReport {
  std::uint64_t created = 0, changed = 0, unchanged = 0;
  std::vector<RejectedOrder> rejected;
  std::uint64_t first_purchases = 0;
  /// Status and type changes the order rules made, one per person changed.
  std::uint64_t rule_changes = 0;
  EventSeq seq;  ///< the "orders_reported" event; unset when nothing changed
};

/// A person's activity in one campaign: the orders that count.
struct CampaignActivity {
  std::string campaign;
  std::uint32_t orders = 0;  ///< counted orders
  Decimal personal_volume;
  Decimal amount;
  std::uint32_t drafts = 0;  ///< orders still in draft
};

/// What a campaign's close found: the figures it locked.
struct CampaignSummary {
  std::string campaign;
  std::uint64_t orders = 0;               ///< counted orders
  std::uint64_t persons_with_orders = 0;  ///< persons with a counted order
  std::uint64_t drafts = 0;               ///< orders left in draft
  Decimal volume, amount;                 ///< of the counted orders
  Instant closed_at;                      ///< when the close (or the pre-calculation) ran
  bool already_closed = false;  ///< the campaign was closed before this call: nothing changed
  /// A pre-calculation's figures (Company::precalculate): nothing of the
  /// persons changed and the campaign stays open to orders.
  bool pre_calculated = false;
  /// Consultants per commercial state after the close, by state id.
  std::vector<std::pair<std::string, std::uint64_t>> commercial_states;
  std::uint64_t state_changes = 0;  ///< consultants whose commercial state changed
  std::uint64_t inactivated = 0;    ///< consultants the commercial states inactivated
  /// Consultants paid as each rank in the campaign, by rank id (ranks
  /// without anyone left out); empty without a career plan.
  std::vector<std::pair<std::string, std::uint64_t>> paid_as;
  std::uint64_t promotions = 0;  ///< persons whose highest rank rose at this close
  /// Persons per segment the segmentation gave at this close, by segment id.
  std::vector<std::pair<std::string, std::uint64_t>> segments;
  /// SHA-256 (64 hex digits) of the summary and every per-person result
  /// column: two stores closing the same inputs show the same digest.
  std::string digest;
};

/// One requirement of a rank, as a person stood against it.
struct RankRequirementResult {
  /// "personal_volume", "group_volume", "active_recruits", "legs" or
  /// "consecutive_campaigns".
  std::string requirement;
  Decimal actual, required;
  bool met = false;
  /// group_volume: the most a leg counts for (unset: uncapped).
  std::optional<Decimal> max_per_leg;
  std::string leg_rank;  ///< legs: the rank a leg must hold
};

/// One rank of the career plan against a person's campaign.
struct RankEvaluation {
  std::string rank;
  bool met = false;  ///< every requirement met
  std::vector<RankRequirementResult> requirements;
};

/// Why a person was paid as what they were in a campaign: every rank with
/// requirements, lowest first, each requirement with actual and required.
struct RankReport {
  PersonId person;
  std::string campaign;
  /// False for a person the career plan does not evaluate (not an active
  /// consultant at the close): every rank is then unmet.
  bool evaluated = false;
  std::string paid_as;  ///< the highest rank met in this campaign; "" none
  std::string highest;  ///< the highest rank ever reached, as of this campaign; "" none
  std::vector<RankEvaluation> ranks;
  /// A printable report card: one line per rank, one per requirement
  /// ("  [ ] group_volume  3200 of 5000 (at most 2000 per leg)"). Never fails.
  DOWNLINE_API std::string text() const;
};

/// A close that changed a consultant's commercial state (the closes keep
/// the states as per-campaign columns; reinstatements between closes are
/// `reinstated` events).
struct CommercialStateChange {
  std::string campaign;
  std::string state, previous_state;  ///< ids; "" none
  std::uint32_t campaigns_without_order = 0;
  Instant effective_at;  ///< the campaign's end
};

/// A consultant's traffic light in a campaign (seed 002 §7.2.1.3): the
/// configured thresholds over their measure; `none` without a configuration
/// or for someone it does not judge (customers, inactive consultants).
enum class TrafficLight : std::uint8_t { none, red, yellow, green };

/// "none", "red", "yellow" or "green"; never fails.
DOWNLINE_API std::string_view to_string(TrafficLight light);
/// The light of a name; none for an unknown name.
DOWNLINE_API std::optional<TrafficLight> parse_traffic_light(std::string_view name);

/// Which campaign and which part of the network a KPI question covers.
struct KpiQuery {
  std::string campaign;
  /// The person whose network is measured, them included. None: the whole
  /// company for staff, the actor's own network for a consultant.
  std::optional<PersonId> root;
  std::string network = "sponsor";
  std::size_t top = 10;  ///< entries of each top list (at most 1000)
};

/// Figures of one level of the measured network.
struct KpiLevel {
  std::uint32_t level = 0;  ///< below the root (0: the root); absolute for the company
  std::uint64_t persons = 0, consultants = 0;
  std::uint64_t active = 0;       ///< active consultants
  std::uint64_t with_orders = 0;  ///< persons with a counted order
  Decimal volume;                 ///< of the counted orders
};

/// A person in a top list: the sellers by personal volume (then amount), the
/// recruiters by the persons they sponsored who enrolled in the campaign.
struct KpiLeader {
  PersonId person;
  std::string zone;
  Decimal volume, amount;
  std::uint64_t recruits = 0;
};

/// Figures of one zone of the measured network.
struct KpiZone {
  std::string zone;  ///< "" for persons without a zone
  std::uint64_t consultants = 0, with_orders = 0;
  Decimal volume;
  std::optional<PersonId> top_seller;  ///< highest personal volume, lowest id on a tie
};

/// The KPIs of a campaign for a part of the network (issue 6 §5): counts by
/// type, status and activity, volumes, levels, distributions and top lists.
/// A closed campaign answers as its close decided (volumes, types,
/// statuses, states, ranks and segments as the close kept them) over the
/// persons its close saw, in the tree as it stands now.
struct CampaignKpis {
  std::string campaign;
  PersonId root;  ///< unset for the whole company
  std::string network;
  bool closed = false;
  std::uint64_t persons = 0, consultants = 0, customers = 0;  ///< registered
  std::uint64_t active = 0, inactive = 0;                     ///< consultants by status
  std::uint64_t new_consultants = 0, new_customers = 0;       ///< enrolled in the campaign
  /// Consultants back in the campaign: reinstated by an order or rejoined.
  std::uint64_t reentries = 0;
  /// Active consultants with and without a counted order (the opportunity
  /// list of seed 000 §7.3.1 is Company::genealogy_list with orders = without).
  std::uint64_t with_orders = 0, without_orders = 0;
  std::uint64_t persons_with_orders = 0;  ///< anyone with a counted order
  std::uint64_t orders = 0;               ///< counted orders
  std::uint64_t with_drafts = 0;          ///< persons with an order still in draft
  Decimal personal_volume;                ///< the root's own (0 for the company)
  Decimal group_volume, amount;           ///< everyone measured
  std::vector<KpiLevel> levels;
  /// Consultants by rank held, commercial state and segment (ids; "" for
  /// none is left out), and active consultants by traffic light.
  std::vector<std::pair<std::string, std::uint64_t>> ranks, commercial_states, segments,
      traffic_lights;
  std::vector<KpiLeader> top_sellers, top_recruiters;
  std::vector<KpiZone> zones;
};

/// Which persons of a campaign's network to list (seed 002 §7.2.1.3: the
/// genealogy list filtered by orders and traffic light, with a record limit).
struct GenealogyListQuery {
  std::string campaign;
  std::optional<PersonId> root;  ///< as in KpiQuery
  std::string network = "sponsor";
  /// true: only persons with a counted order; false: only active
  /// consultants without one (the opportunity list); none: everyone.
  std::optional<bool> with_orders;
  std::vector<TrafficLight> lights;        ///< only these lights (empty: any)
  std::optional<std::uint32_t> max_depth;  ///< deepest level below the root
  std::uint64_t limit = 1000;              ///< the record limit
};

/// One person of a genealogy list with their campaign.
struct GenealogyListEntry {
  PersonId person;
  std::uint32_t level = 0;  ///< as in KpiLevel
  CustomerType type = CustomerType::customer;
  Status status = Status::active;
  std::uint32_t orders = 0, drafts = 0;
  Decimal personal_volume, amount;
  TrafficLight light = TrafficLight::none;
  std::string commercial_state, rank, segment;
};

/// A genealogy list: the matching persons in pre-order (the tree read top
/// to bottom), at most the limit, and how many matched.
struct GenealogyList {
  std::vector<GenealogyListEntry> entries;
  std::uint64_t total = 0;
};

DOWNLINE_END_NAMESPACE

// downline — the versioned JSON forms of downline's objects, shared by the C
// API, the Python package and hosts that speak JSON.
//
// Conventions: keys snake_case, 64-bit ids as strings (integers accepted on
// input), instants RFC 3339 UTC, dates YYYY-MM-DD, enums lower-case strings.
// Every parser throws InvalidArgument naming the offending field.
#pragma once

#include <downline/company.hpp>
#include <downline/cycle.hpp>
#include <downline/enrollment.hpp>
#include <downline/export.hpp>
#include <downline/genealogy.hpp>
#include <downline/person.hpp>
#include <downline/rules.hpp>
#include <downline/segments.hpp>

#include <string>
#include <string_view>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE

namespace json {

/// {"login": "...", "person": "42", "roles": ["admin"]}.
DOWNLINE_API Actor parse_actor(std::string_view text);
/// {"type": "consultant", "sponsor": "1", "person": {"first_name": ...,
///  "zone": "north"}, "placements": [{"network": "bin", "parent": "12",
///  "position": 1}], ...}.
DOWNLINE_API EnrollmentRequest parse_enrollment_request(std::string_view text);
/// Parses {"kind", "value", "country"?, "reason"?, "note"?}; throws
/// InvalidArgument naming the field.
DOWNLINE_API BlacklistEntry parse_blacklist_entry(std::string_view text);
/// Parses {"person": "7", "type": "consultant", "channel"?, "reason"?};
/// throws InvalidArgument naming the field.
DOWNLINE_API ConversionRequest parse_conversion(std::string_view text);
/// Parses {"person": "7", "status": "inactive", "reason"?}; throws
/// InvalidArgument naming the field.
DOWNLINE_API StatusChange parse_status_change(std::string_view text);
/// Parses {"channel"?, "type"?, "columns"?: {"Header": "field"}, "batch_size"?,
/// "delimiter"?: ";", "reason"?}; throws InvalidArgument naming the field.
DOWNLINE_API ImportOptions parse_import_options(std::string_view text);
/// {"status", "reason", "columns", "batch_size", "delimiter"}; throws
/// InvalidArgument naming the field.
DOWNLINE_API StatusFileOptions parse_status_file_options(std::string_view text);
/// Parses {"item": "3", "approve": true, "reason"?, "amount"?: "1500.00"};
/// throws InvalidArgument naming the field.
DOWNLINE_API WorkDecisionRequest parse_work_decision(std::string_view text);
/// Parses {"person", "amount"?, "references"?: [...], "attachments"?: [...]};
/// throws InvalidArgument naming the field.
DOWNLINE_API CreditRequest parse_credit_request(std::string_view text);
/// Parses {"kind"?, "state"? (null: any; default "open"), "person"?,
/// "decidable_only"?}; throws InvalidArgument naming the field.
DOWNLINE_API WorkItemQuery parse_work_item_query(std::string_view text);
/// Parses {"contract", "version"}; throws InvalidArgument naming the field.
DOWNLINE_API ContractRef parse_contract_ref(std::string_view text);
/// A JSON array of enrollment requests.
DOWNLINE_API std::vector<EnrollmentRequest> parse_enrollment_requests(std::string_view text);
/// {"network": "sponsor", "max_depth": 3, "max_generation": 2, "types":
///  [...], "statuses": [...], "offset": 0, "limit": 100}; every key optional.
DOWNLINE_API DownlineQuery parse_downline_query(std::string_view text);
/// {"network": "sponsor", "max_depth": 3, "format": "json" | "csv" | "dot"};
/// every key optional (defaults as in TreeExportOptions). Throws
/// InvalidArgument naming the field (an unknown format: "format").
DOWNLINE_API TreeExportOptions parse_tree_export_options(std::string_view text);
/// {"network": "bin", "parent": "12", "position": 1}: "network" required,
/// "parent" (none = the policy searches from the sponsor) and "position"
/// (none = the first free slot) optional.
DOWNLINE_API PlacementChoice parse_placement_choice(std::string_view text);
/// {"person": "7", "network": "sponsor", "new_parent": "3", "position": 0,
///  "with_downline": true, "effective_at": "2026-01-01T00:00:00Z",
///  "reason": "..."}: "person" required; no "new_parent" makes the person a
/// network parent; the others default as in TransferRequest.
DOWNLINE_API TransferRequest parse_transfer_request(std::string_view text);
/// {"network": "comp", "persons": ["4", "9"], "effective_at": "...",
///  "reason": "..."}: "network" required; no "persons" (or an empty array)
/// removes every person whose status the network compresses.
DOWNLINE_API CompressionRequest parse_compression_request(std::string_view text);

/// {"person": "7", "rank": "gold", "campaign": "2026-11", "effective_at":
///  "...", "reason": "..."}: "person" and "rank" ("" = none) required.
DOWNLINE_API RankChange parse_rank_change(std::string_view text);
/// {"network": "bin", "personal_volumes": [{"person": "3", "volume":
///  "12.5"}], "levels": 3}: every key optional; volumes are decimal strings
///  (or integers), never floating-point numbers.
DOWNLINE_API RecalculationRequest parse_recalculation_request(std::string_view text);

/// {"accepted": true, "person": "42", "event": "7", "findings": [...],
///  "decisions": [...]}.
DOWNLINE_API std::string to_json(const EnrollmentOutcome& outcome);
/// {"accepted": true, "persons": [...], "last_event": "9", "findings": [...],
///  "decisions": [[...] per request, or none]}.
DOWNLINE_API std::string to_json(const BulkEnrollmentOutcome& outcome);
/// {"rows", "enrolled", "existing", "rejected": [{"line", "external_id",
/// "findings"}], "last_event"}.
DOWNLINE_API std::string to_json(const ImportReport& report);
/// {"seq", "kind", "person", "effective_at", "recorded_at", "actor",
/// "reason", "payload": {...}}.
DOWNLINE_API std::string to_json(const Event& event);
/// {"rows", "changed", "unchanged", "rejected": [...], "last_event"}.
DOWNLINE_API std::string to_json(const StatusFileReport& report);
/// The person with data (zone included), type, status, sponsor, referrer,
/// enrolled_at.
DOWNLINE_API std::string to_json(const Person& person);
/// [{"kind", "value", "key", "country", "reason", "note", "added_at", "added_by"}].
DOWNLINE_API std::string to_json(const std::vector<BlacklistEntry>& entries);
/// [{"contract", "version", "title", "digest", "countries", "ranks", "active", "mandatory"}].
DOWNLINE_API std::string to_json(const std::vector<ContractVersion>& versions);
/// [{"person", "contract", "version", "digest", "channel", "accepted_at", "event"}].
DOWNLINE_API std::string to_json(const std::vector<ContractAcceptance>& acceptances);
/// [{"person", "type", "file_name", "extension", "size_bytes", "digest", "uri", "added_at",
/// "event"}].
DOWNLINE_API std::string to_json(const std::vector<Attachment>& attachments);
/// {"id", "kind", "person", "state", "step", "roles", "amount", "detail",
/// "created_at", "decisions": [{"step", "by", "approved", "reason", "amount", "at"}]}.
DOWNLINE_API std::string to_json(const WorkItem& item);
/// An array of work items.
DOWNLINE_API std::string to_json(const std::vector<WorkItem>& items);
/// {"filled", "total", "percent", "missing"}.
DOWNLINE_API std::string to_json(const ProfileCompletion& completion);
/// An array of members, each {"id", "parent", "level", "relative_level",
/// "position", "type", "status", "generation"}.
DOWNLINE_API std::string to_json(const std::vector<NetworkMember>& members);
/// {"total": N, "members": [...]}.
DOWNLINE_API std::string to_json(const DownlinePage& page);
/// {"moved": ["3", "4"], "removed": ["2"], "last_event": "17" or null}.
DOWNLINE_API std::string to_json(const AdjustmentOutcome& outcome);
/// An array of open slots, each {"parent": "1", "position": 0, "level": 1}.
DOWNLINE_API std::string to_json(const std::vector<OpenSlot>& slots);
/// An array of ids as strings: ["3", "4"].
DOWNLINE_API std::string to_json(const std::vector<PersonId>& ids);
/// {"login": "...", "person": "42" or null, "roles": [...]}: the form
/// parse_actor reads.
DOWNLINE_API std::string to_json(const Actor& actor);
/// {"code": "INVALID_ARGUMENT", "reason", "field", "message", "actual",
///  "required"}.
DOWNLINE_API std::string to_json(const Finding& finding);
/// {"rule": "segment-aa", "version": 1, "action": "assign_segment",
///  "segment": "AA"}: the decision with its action's parameters.
DOWNLINE_API std::string to_json(const Decision& decision);
/// {"decisions": [...], "trace": [...] or null}.
DOWNLINE_API std::string to_json(const RuleEvaluation& evaluation);
/// {"passed": true, "total": 9, "failed": 0, "cases": [{"name", "passed",
///  "decisions", "diff"}], "text": "..."}: RuleTestReport::text() included.
DOWNLINE_API std::string to_json(const RuleTestReport& report);
/// An array of counts: [3, 9, 27].
DOWNLINE_API std::string to_json(const std::vector<std::uint64_t>& counts);
/// An array of legs, each {"leg": "4", "position": 0, "persons": 12,
/// "active": 9}.
DOWNLINE_API std::string to_json(const std::vector<LegTotals>& legs);
/// An array of periods, each {"rank", "previous_rank", "campaign", "from",
/// "until" (null while held), "held_days", "event"}.
DOWNLINE_API std::string to_json(const std::vector<RankPeriod>& history);
/// {"network", "persons": 5, "total_volume": "17.75", "at": "..."}.
DOWNLINE_API std::string to_json(const RecalculationSummary& summary);
/// {"person", "personal_volume", "group_volume", "downline",
///  "active_downline", "level_counts": [...], "active_level_counts": [...],
///  "legs": [{"leg" (null when not visible), "position", "persons",
///  "group_volume"}], "recalculated_at"}; volumes as decimal strings.
DOWNLINE_API std::string to_json(const PersonFigures& figures);
/// {"ok": false, "persons": "123", "violations": [{"rule": "cycle",
///  "network": "sponsor", "person": "7" or null, "message": "..."}]}.
DOWNLINE_API std::string to_json(const VerifyReport& report);

/// An array of campaigns, each {"id", "start": "2026-11-01", "end":
/// "2026-11-30"}; throws InvalidArgument naming the field ("[1].end").
DOWNLINE_API std::vector<CampaignSpec> parse_campaign_specs(std::string_view text);
/// {"id", "owner"?, "created_by"?, "campaign"?, "state"? ("placed"), "at"?,
///  "amount"?, "volume"? (decimal strings), "lines"?: [{"sku", "quantity",
///  "amount", "volume", "flags"}], "comments"?: [{"stage", "text"}]}; throws
/// InvalidArgument naming the field.
DOWNLINE_API OrderReport parse_order_report(std::string_view text);
/// An array of order reports (fields named "[i].amount").
DOWNLINE_API std::vector<OrderReport> parse_order_reports(std::string_view text);
/// An array of transactions, each {"customer", "date": "YYYY-MM-DD",
/// "revenue": "12.5"}; the field of a fault is "[i].revenue".
DOWNLINE_API std::vector<RfmTransaction> parse_rfm_transactions(std::string_view text);
/// {"analysis_date", "bins"?: {"recency", "frequency", "monetary"},
/// "thresholds"?: {"recency": ["115", ...], ...}, "segments"?: [{"name",
/// "recency": [lower, upper], "frequency": [...], "monetary": [...]}]}.
DOWNLINE_API RfmOptions parse_rfm_options(std::string_view text);
/// {"id", "start", "end", "starts_at", "ends_at", "state", "closed_at"}.
DOWNLINE_API std::string to_json(const Campaign& campaign);
/// An array of campaigns.
DOWNLINE_API std::string to_json(const std::vector<Campaign>& campaigns);
/// {"result", "campaign", "previous_state", "first_purchase", "reinstatement"
///  (null, "free", "fee" or "reappointment"), "decisions", "event"}.
DOWNLINE_API std::string to_json(const OrderOutcome& outcome);
/// {"created", "changed", "unchanged", "rejected": [{"index", "id",
///  "findings"}], "first_purchases", "rule_changes", "event"}.
DOWNLINE_API std::string to_json(const OrderBatchReport& report);
/// {"id", "owner", "created_by", "campaign", "state", "amount", "volume",
///  "counted", "lines", "comments", "history": [{"state", "at", "event"}]}.
DOWNLINE_API std::string to_json(const Order& order);
/// An array of orders.
DOWNLINE_API std::string to_json(const std::vector<Order>& orders);
/// {"campaign", "orders", "personal_volume", "amount", "drafts"}.
DOWNLINE_API std::string to_json(const CampaignActivity& activity);
/// {"campaign", "orders", "persons_with_orders", "drafts", "volume",
///  "amount", "closed_at", "already_closed", "pre_calculated", "commercial_states": {"id": n},
///  "state_changes", "inactivated", "paid_as": {"rank": n}, "promotions", "segments": {"segment":
///  n}, "digest"}.
DOWNLINE_API std::string to_json(const CampaignSummary& summary);
/// {"person", "campaign", "evaluated", "paid_as", "highest", "ranks": [{"rank",
/// "met", "requirements": [{"requirement", "actual", "required", "met",
/// "max_per_leg"?, "rank"?}]}]}: volumes as decimal strings, counts as integers.
DOWNLINE_API std::string to_json(const RankReport& report);
/// Parses {"campaign", "root"?, "network"?, "top"?}; throws InvalidArgument
/// naming the field ("campaign" when missing).
DOWNLINE_API KpiQuery parse_kpi_query(std::string_view text);
/// Parses {"campaign", "root"?, "network"?, "with_orders"?: bool, "lights"?:
/// ["red", ...], "max_depth"?, "limit"?}; throws InvalidArgument naming the field.
DOWNLINE_API GenealogyListQuery parse_genealogy_list_query(std::string_view text);
/// {"campaign", "root" (null: the company), "network", "closed", "persons",
/// "consultants", "customers", "active", "inactive", "new_consultants",
/// "new_customers", "reentries", "with_orders", "without_orders",
/// "persons_with_orders", "orders", "with_drafts", "personal_volume",
/// "group_volume", "amount", "levels": [{"level", "persons", "consultants",
/// "active", "with_orders", "volume"}], "ranks", "commercial_states",
/// "segments", "traffic_lights": {"id": n}, "top_sellers": [{"person",
/// "zone", "volume", "amount"}], "top_recruiters": [{..., "recruits"}],
/// "zones": [{"zone", "consultants", "with_orders", "volume", "top_seller"}]};
/// volumes and amounts as decimal strings.
DOWNLINE_API std::string to_json(const CampaignKpis& kpis);
/// {"entries": [{"person", "level", "type", "status", "orders", "drafts",
/// "personal_volume", "amount", "light", "commercial_state", "rank",
/// "segment"}], "total"}.
DOWNLINE_API std::string to_json(const GenealogyList& list);
/// [{"campaign", "state", "previous_state", "campaigns_without_order", "effective_at"}].
DOWNLINE_API std::string to_json(const std::vector<CommercialStateChange>& history);
/// {"rows": [{"customer", "most_recent", "recency_days", "transactions",
/// "amount", "recency_score", "frequency_score", "monetary_score",
/// "rfm_score", "segment"}], "bins": {"recency": [{"lower", "upper",
/// "score"}], "frequency": [...], "monetary": [...]}}.
DOWNLINE_API std::string to_json(const RfmResult& result);

}  // namespace json

DOWNLINE_END_NAMESPACE

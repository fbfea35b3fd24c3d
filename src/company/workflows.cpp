// Approval workflows (seed 004 §7.2.1.1): registrations, attached documents
// and credit requests go through the configured steps; the last approval or
// a rejection decides what happens to the person.
#include <downline/company.hpp>

#include "company/company_state.hpp"
#include "enrollment/validation.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

DOWNLINE_BEGIN_NAMESPACE

std::string_view to_string(WorkItemKind kind) noexcept {
  switch (kind) {
    case WorkItemKind::registration: return "registration";
    case WorkItemKind::document: return "document";
    case WorkItemKind::credit_request: return "credit_request";
  }
  return "registration";
}

std::optional<WorkItemKind> parse_work_item_kind(std::string_view name) noexcept {
  for (auto kind :
       {WorkItemKind::registration, WorkItemKind::document, WorkItemKind::credit_request})
    if (name == to_string(kind)) return kind;
  return std::nullopt;
}

std::string_view to_string(WorkItemState state) noexcept {
  switch (state) {
    case WorkItemState::open: return "open";
    case WorkItemState::approved: return "approved";
    case WorkItemState::rejected: return "rejected";
  }
  return "open";
}

namespace {

using internal::CompanyState;
using internal::GenealogyIndex;
using internal::WorkDecisionRow;
using internal::WorkItemRow;

bool has_role(const Actor& actor, const std::vector<std::string>& roles) {
  return std::any_of(actor.roles.begin(), actor.roles.end(), [&](const std::string& r) {
    return r == "admin" || std::find(roles.begin(), roles.end(), r) != roles.end();
  });
}

std::optional<Decimal> decimal_of(const std::optional<std::int64_t>& micros) {
  if (!micros) return std::nullopt;
  return Decimal::from_micros(*micros);
}

std::int64_t micros_of(const Decimal& d, const char* field) {
  if (d.micros() < 0) throw InvalidArgument("an amount is not negative", field);
  if (d.micros() > INT64_MAX) throw OutOfRange("the amount does not fit", field);
  return static_cast<std::int64_t>(d.micros());
}

WorkItem item_of(const internal::Config& config, const WorkItemRow& row,
                 std::vector<WorkDecisionRow> decisions) {
  WorkItem item;
  item.id = row.id;
  item.kind = static_cast<WorkItemKind>(row.kind);
  item.person = row.person;
  item.state = static_cast<WorkItemState>(row.state);
  item.step = row.step;
  item.amount = decimal_of(row.amount_micros);
  item.detail = row.detail;
  item.created_at = row.created_at;
  const internal::WorkflowConfig* w = config.workflow(item.kind);
  if (w && row.step < w->steps.size()) {
    item.step_id = w->steps[row.step].id;
    item.roles = w->steps[row.step].roles;
  }
  for (auto& d : decisions) {
    WorkDecision out;
    out.step = d.step;
    if (w && d.step < w->steps.size()) out.step_id = w->steps[d.step].id;
    out.by = std::move(d.actor);
    out.approved = d.approved;
    out.reason = std::move(d.reason);
    out.amount = decimal_of(d.amount_micros);
    out.at = d.at;
    item.decisions.push_back(std::move(out));
  }
  return item;
}

}  // namespace

std::optional<PersonId> Company::find_guest(const Actor& actor, std::string_view quick_code) const {
  const CompanyState& s = *state_;
  s.sync();
  auto id = s.store->find_quick_code(quick_code);
  std::shared_lock lock(s.index_mu);
  const internal::Scope scope = s.scope_of(actor);
  if (!id || !s.index.contains(*id) || !scope.sees(s.index, GenealogyIndex::node_of(*id)))
    return std::nullopt;
  return id;
}

std::vector<WorkItem> Company::work_items(const Actor& actor, const WorkItemQuery& query) const {
  if (!actor.sees_everyone()) throw PermissionDenied("only staff read work items", "actor");
  const CompanyState& s = *state_;
  std::optional<std::uint8_t> state, kind;
  if (query.state) state = static_cast<std::uint8_t>(*query.state);
  if (query.kind) kind = static_cast<std::uint8_t>(*query.kind);
  std::vector<WorkItem> out;
  for (const WorkItemRow& row : s.store->work_items(query.person, state, kind)) {
    WorkItem item = item_of(s.config, row, s.store->work_decisions(row.id));
    if (query.decidable_only && (item.state != WorkItemState::open || !has_role(actor, item.roles)))
      continue;
    out.push_back(std::move(item));
  }
  return out;
}

WorkItem Company::decide(const Actor& actor, const WorkDecisionRequest& decision) {
  if (!actor.sees_everyone()) throw PermissionDenied("only staff decide work items", "actor");
  CompanyState& s = *state_;
  std::lock_guard writer(s.writer_mu);
  auto txn = s.store->begin_write();
  s.sync();
  auto found = txn->find_work_item(decision.item);
  if (!found) throw NotFound("no work item has id " + std::to_string(decision.item), "item");
  WorkItemRow row = *found;
  const auto kind = static_cast<WorkItemKind>(row.kind);
  if (row.state != static_cast<std::uint8_t>(WorkItemState::open))
    throw FailedPrecondition("work item " + std::to_string(row.id) + " is " +
                                 std::string(to_string(static_cast<WorkItemState>(row.state))) +
                                 " already",
                             "item");
  const internal::WorkflowConfig* w = s.config.workflow(kind);
  if (w == nullptr || row.step >= w->steps.size())
    throw FailedPrecondition("no workflow decides " + std::string(to_string(kind)) + " items now",
                             "item");
  const internal::WorkflowStepConfig& step = w->steps[row.step];
  if (!has_role(actor, step.roles)) {
    std::string roles;
    for (const auto& r : step.roles) roles.append(roles.empty() ? "" : ", ").append(r);
    throw PermissionDenied("step '" + step.id + "' is decided by " + roles, "roles");
  }
  if (!decision.approve && decision.reason.empty())
    throw InvalidArgument("a rejection gives its reason", "reason");
  if (decision.amount && kind != WorkItemKind::credit_request)
    throw InvalidArgument("only a credit request is approved with an amount", "amount");
  std::optional<std::int64_t> amount;
  if (decision.amount) amount = micros_of(*decision.amount, "amount");
  const bool last = decision.approve && row.step + 1 == w->steps.size();
  if (last && kind == WorkItemKind::credit_request && !amount && !row.amount_micros)
    throw InvalidArgument("the credit request asked no amount: approve it with one", "amount");

  Status held;
  {
    std::shared_lock lock(s.index_mu);
    held = s.index.status(GenealogyIndex::node_of(row.person));
  }
  std::optional<Status> status;
  if (kind == WorkItemKind::registration && held == Status::pre_registered) {
    if (last) status = Status::active;
    if (!decision.approve) status = Status::inactive;
  }
  internal::EventRow event;
  event.kind = !decision.approve ? "rejected" : last ? "approved" : "step_approved";
  event.person = row.person;
  event.effective_at = event.recorded_at = s.clock->now();
  event.actor = actor.login;
  event.reason = decision.reason;
  nlohmann::json payload = {{"item", row.id}, {"kind", to_string(kind)}, {"step", step.id}};
  if (status) payload["status"] = to_string(*status);
  if (amount) payload["amount"] = Decimal::from_micros(*amount).to_string();
  event.payload = payload.dump();
  const EventSeq seq = txn->append_event(event);
  txn->insert_work_decision(WorkDecisionRow{row.id, row.step, actor.login, decision.approve,
                                            decision.reason, amount, event.effective_at, seq});
  if (!decision.approve) {
    row.state = static_cast<std::uint8_t>(WorkItemState::rejected);
  } else if (last) {
    row.state = static_cast<std::uint8_t>(WorkItemState::approved);
    if (amount) row.amount_micros = amount;
    if (kind == WorkItemKind::credit_request) txn->set_credit_limit(row.person, *row.amount_micros);
  } else {
    ++row.step;
  }
  txn->update_work_item(row);
  if (status) txn->set_status(row.person, *status);
  txn->commit();
  {
    std::lock_guard apply(s.apply_mu);
    std::unique_lock lock(s.index_mu);
    if (status) s.index.set_status(GenealogyIndex::node_of(row.person), *status);
    s.applied(seq.value());
  }
  return item_of(s.config, row, s.store->work_decisions(row.id));
}

EnrollmentOutcome Company::convert(const Actor& actor, const ConversionRequest& request) {
  CompanyState& s = *state_;
  const internal::FormConfig* form = nullptr;
  if (!s.config.channels.empty()) {
    const internal::ChannelConfig* channel = s.config.channel(request.channel);
    if (channel == nullptr)
      throw InvalidArgument("'" + request.channel + "' is not a configured channel", "channel");
    form = &channel->forms[static_cast<std::size_t>(request.type)];
    if (!form->offered)
      throw FailedPrecondition(
          "channel '" + channel->id + "' does not enroll a " + std::string(to_string(request.type)),
          "type");
  }
  std::lock_guard writer(s.writer_mu);
  auto txn = s.store->begin_write();
  s.sync();
  CustomerType type;
  Status status;
  {
    std::shared_lock lock(s.index_mu);
    const internal::Scope scope = s.scope_of(actor);
    if (!s.index.contains(request.person))
      throw NotFound("no person has id " + std::to_string(request.person.value()), "person");
    const internal::Node v = GenealogyIndex::node_of(request.person);
    if (!scope.everyone && !scope.sees(s.index, v))
      throw PermissionDenied("actor '" + actor.login + "' may not convert person " +
                                 std::to_string(request.person.value()),
                             "person");
    type = s.index.type(v);
    status = s.index.status(v);
  }
  const bool rejoins = type == request.type && status == Status::inactive;
  if (type == request.type && !rejoins)
    throw FailedPrecondition("person " + std::to_string(request.person.value()) + " is a " +
                                 std::string(to_string(type)) + " already",
                             "type");
  if (request.type == CustomerType::guest)
    throw FailedPrecondition("no one becomes a guest again", "type");
  const internal::Outcome outcome = form ? form->outcome : internal::Outcome::active;
  Status next = Status::active;
  if (outcome == internal::Outcome::pending_approval) next = Status::pre_registered;
  if (outcome == internal::Outcome::pending_kit) next = Status::pending_kit;
  if (outcome == internal::Outcome::pending_approval &&
      !s.config.workflow(WorkItemKind::registration))
    throw FailedPrecondition("approval needs a registration workflow", "channel");

  internal::EventRow event;
  event.kind = rejoins ? "rejoined" : "converted";
  event.person = request.person;
  event.effective_at = event.recorded_at = s.clock->now();
  event.actor = actor.login;
  event.reason = request.reason;
  event.payload = nlohmann::json{{"type", to_string(request.type)},
                                 {"status", to_string(next)},
                                 {"previous_type", to_string(type)},
                                 {"previous_status", to_string(status)},
                                 {"channel", request.channel}}
                      .dump();
  EnrollmentOutcome out;
  out.event = txn->append_event(event);
  txn->set_type(request.person, request.type);
  if (next != status) txn->set_status(request.person, next);
  if (next == Status::pre_registered)
    out.work_item = txn->insert_work_item({0,
                                           static_cast<std::uint8_t>(WorkItemKind::registration),
                                           request.person,
                                           0,
                                           0,
                                           {},
                                           "",
                                           event.effective_at,
                                           out.event});
  txn->commit();
  {
    std::lock_guard apply(s.apply_mu);
    std::unique_lock lock(s.index_mu);
    const internal::Node v = GenealogyIndex::node_of(request.person);
    s.index.set_type(v, request.type);
    s.index.set_status(v, next);
    s.applied(out.event.value());
  }
  out.accepted = true;
  out.person = request.person;
  out.outcome = outcome == internal::Outcome::pending_approval ? "pending_approval"
                : outcome == internal::Outcome::pending_kit    ? "pending_kit"
                                                               : "active";
  out.continuation = event.kind;
  return out;
}

WorkItem Company::request_credit(const Actor& actor, const CreditRequest& request) {
  CompanyState& s = *state_;
  {
    s.sync();
    std::shared_lock lock(s.index_mu);
    const internal::Scope scope = s.scope_of(actor);
    if (!s.index.contains(request.person))
      throw NotFound("no person has id " + std::to_string(request.person.value()), "person");
    if (!scope.everyone && actor.person != request.person)
      throw PermissionDenied("only the person themselves or staff request credit", "person");
  }
  if (!s.config.workflow(WorkItemKind::credit_request))
    throw FailedPrecondition("the company reviews no credit requests (workflows)", "person");
  std::optional<std::int64_t> amount;
  if (request.amount) amount = micros_of(*request.amount, "amount");
  std::vector<Finding> findings;
  internal::validate_attachments(request.attachments, s.config, false, "", findings);
  if (!findings.empty()) throw InvalidArgument(findings[0].message, findings[0].field);
  for (std::size_t i = 0; i < request.references.size(); ++i)
    if (request.references[i].empty() || request.references[i].size() > 1000)
      throw InvalidArgument("a reference is 1 to 1000 bytes",
                            "references[" + std::to_string(i) + "]");
  std::lock_guard writer(s.writer_mu);
  auto txn = s.store->begin_write();
  s.sync();
  for (const WorkItemRow& open :
       s.store->work_items(request.person, static_cast<std::uint8_t>(WorkItemState::open),
                           static_cast<std::uint8_t>(WorkItemKind::credit_request)))
    throw FailedPrecondition("credit request " + std::to_string(open.id) + " is open already",
                             "person");
  internal::EventRow event;
  event.kind = "credit_requested";
  event.person = request.person;
  event.effective_at = event.recorded_at = s.clock->now();
  event.actor = actor.login;
  nlohmann::json payload = {{"references", request.references.size()}};
  if (amount) payload["amount"] = Decimal::from_micros(*amount).to_string();
  event.payload = payload.dump();
  const EventSeq seq = txn->append_event(event);
  WorkItemRow row{0,
                  static_cast<std::uint8_t>(WorkItemKind::credit_request),
                  request.person,
                  static_cast<std::uint8_t>(WorkItemState::open),
                  0,
                  amount,
                  nlohmann::json(request.references).dump(),
                  event.effective_at,
                  seq};
  row.id = txn->insert_work_item(row);
  for (std::size_t i = 0; i < request.attachments.size(); ++i) {
    const AttachmentData& a = request.attachments[i];
    txn->insert_attachment({request.person, seq, static_cast<std::uint32_t>(i), a.type, a.file_name,
                            internal::file_extension(a.file_name), a.digest, a.uri, a.size_bytes,
                            event.effective_at});
  }
  txn->commit();
  {
    std::lock_guard apply(s.apply_mu);
    s.applied(seq.value());
  }
  return item_of(s.config, row, {});
}

DOWNLINE_END_NAMESPACE

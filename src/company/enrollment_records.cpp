// What enrollment keeps beside the person: the blacklist, contract
// acceptances, attachments, and how complete a profile is.
#include <downline/company.hpp>

#include "company/company_state.hpp"
#include "enrollment/masks.hpp"
#include "enrollment/phone.hpp"
#include "enrollment/validation.hpp"
#include "rules/rule_book.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

DOWNLINE_BEGIN_NAMESPACE

std::string_view to_string(BlacklistKind kind) noexcept {
  switch (kind) {
    case BlacklistKind::document: return "document";
    case BlacklistKind::email: return "email";
    case BlacklistKind::phone: return "phone";
  }
  return "document";
}

std::optional<BlacklistKind> parse_blacklist_kind(std::string_view name) noexcept {
  for (auto kind : {BlacklistKind::document, BlacklistKind::email, BlacklistKind::phone})
    if (name == to_string(kind)) return kind;
  return std::nullopt;
}

namespace internal {

void fill_person_details(const Config& config, const PersonRow& row, Person& person) {
  person.data.extended.clear();
  auto by_slot = nlohmann::json::parse(row.extended_json, nullptr, false);
  if (by_slot.is_object())
    for (const auto& f : config.extended_fields)
      if (auto it = by_slot.find(std::to_string(f.slot)); it != by_slot.end() && it->is_string())
        person.data.extended.emplace(f.id, it->get<std::string>());
  // A field no longer configured stays in the store, unseen.
  const DisplayMasks* masks = config.display_masks_of(row.data.country);
  PersonDisplay& d = person.display;
  d.phone = row.data.phone;
  if (masks && !masks->phone.empty() && !row.data.phone.empty()) {
    PhoneCheck phone = check_phone(row.data.phone, row.data.country);
    if (phone.valid) d.phone = apply_mask(phone.national, masks->phone);
  }
  d.birth_date.clear();
  if (row.data.birth_date)
    d.birth_date = masks && !masks->birth_date.empty()
                       ? format_date(row.data.birth_date->year, row.data.birth_date->month,
                                     row.data.birth_date->day, masks->birth_date)
                       : row.data.birth_date->to_string();
  person.credit_limit = Decimal::from_micros(row.credit_limit_micros);
  d.document = row.data.document_number;
  if (const DocumentTypeConfig* type = config.document_type(row.data.document_type);
      type && !type->mask.empty())
    d.document = apply_mask(row.data.document_number, type->mask);
}

void check_contract_history(const Config& config, const Store& store) {
  for (const AcceptanceRow& a : store.accepted_versions()) {
    for (std::size_t i = 0; i < config.contracts.size(); ++i) {
      const ContractConfig& c = config.contracts[i];
      if (c.id == a.contract && c.version == a.version && c.digest != a.digest)
        throw InvalidArgument("contract '" + c.id + "' version " + std::to_string(c.version) +
                                  " was accepted with content " + a.digest +
                                  "; a contract anyone accepted is never edited: publish the "
                                  "change as a new version",
                              "contracts[" + std::to_string(i) + "].digest");
    }
  }
}

}  // namespace internal

namespace {

using internal::CompanyState;
using internal::GenealogyIndex;
using internal::require_staff;

// Throws NotFound / PermissionDenied unless the actor sees `person`.
void require_visible(const CompanyState& s, const Actor& actor, PersonId person) {
  s.sync();
  std::shared_lock lock(s.index_mu);
  const internal::Scope scope = s.scope_of(actor);
  if (!s.index.contains(person))
    throw NotFound("no person has id " + std::to_string(person.value()), "person");
  if (!scope.sees(s.index, GenealogyIndex::node_of(person)))
    throw PermissionDenied(
        "actor '" + actor.login + "' may not see person " + std::to_string(person.value()),
        "person");
}

BlacklistEntry entry_of(internal::BlacklistRow row) {
  BlacklistEntry e;
  e.kind = static_cast<BlacklistKind>(row.kind);
  e.key = std::move(row.key);
  e.value = std::move(row.value);
  e.country = std::move(row.country);
  e.reason = std::move(row.reason);
  e.note = std::move(row.note);
  e.added_by = std::move(row.added_by);
  e.added_at = row.added_at;
  return e;
}

ContractVersion version_of(const internal::Config& config, const internal::ContractConfig& c) {
  ContractVersion v{c.id, c.version, c.title, c.digest, c.countries, {}, c.active, c.mandatory};
  for (std::uint8_t r : c.ranks) v.ranks.push_back(config.rules->ranks[r - 1u].id);
  return v;
}

ContractAcceptance acceptance_of(internal::AcceptanceRow row) {
  return ContractAcceptance{row.person,
                            {std::move(row.contract), row.version},
                            std::move(row.digest),
                            std::move(row.channel),
                            row.accepted_at,
                            row.seq};
}

// Appends one event in its own transaction, with `also` writing the rows
// that go with it; returns the event's sequence.
template <typename Also>
EventSeq write_event(CompanyState& s, internal::EventRow event, Also also) {
  std::lock_guard writer(s.writer_mu);
  auto txn = s.store->begin_write();
  s.sync();
  const EventSeq seq = also(*txn, event);
  txn->commit();
  std::lock_guard apply(s.apply_mu);
  s.applied(seq.value());
  return seq;
}

}  // namespace

EventSeq Company::change_status(const Actor& actor, const StatusChange& change) {
  CompanyState& s = *state_;
  std::lock_guard writer(s.writer_mu);
  auto txn = s.store->begin_write();
  s.sync();
  Status held;
  {
    std::shared_lock lock(s.index_mu);
    const internal::Scope scope = s.scope_of(actor);
    if (!s.index.contains(change.person))
      throw NotFound("no person has id " + std::to_string(change.person.value()), "person");
    const internal::Node v = GenealogyIndex::node_of(change.person);
    held = s.index.status(v);
    // A leader may bring back an inactive member of their own downline.
    const bool leader_reactivates = !scope.everyone && change.status == Status::active &&
                                    held == Status::inactive && v != scope.self &&
                                    scope.sees(s.index, v);
    if (!scope.everyone && !leader_reactivates)
      throw PermissionDenied("actor '" + actor.login + "' may not change the status of person " +
                                 std::to_string(change.person.value()),
                             "person");
  }
  if (held == change.status)
    throw FailedPrecondition("person " + std::to_string(change.person.value()) + " is " +
                                 std::string(to_string(held)) + " already",
                             "status");
  internal::EventRow event;
  event.kind = change.status == Status::active     ? "activated"
               : change.status == Status::inactive ? "inactivated"
                                                   : "status_changed";
  event.person = change.person;
  event.effective_at = event.recorded_at = s.clock->now();
  event.actor = actor.login;
  event.reason = change.reason;
  event.payload =
      nlohmann::json{{"status", to_string(change.status)}, {"previous_status", to_string(held)}}
          .dump();
  const EventSeq seq = txn->append_event(event);
  txn->set_status(change.person, change.status);
  txn->commit();
  std::lock_guard apply(s.apply_mu);
  std::unique_lock lock(s.index_mu);
  s.index.set_status(GenealogyIndex::node_of(change.person), change.status);
  s.applied(seq.value());
  return seq;
}

EventSeq Company::add_to_blacklist(const Actor& actor, const BlacklistEntry& entry) {
  require_staff(actor, "change the blacklist");
  CompanyState& s = *state_;
  const auto& reasons = s.config.blacklist_reasons;
  if (std::find(reasons.begin(), reasons.end(), entry.reason) == reasons.end())
    throw InvalidArgument(
        "unknown blacklist reason '" + entry.reason + "' (declare it in blacklist_reasons)",
        "reason");
  if (!entry.country.empty() && entry.kind != BlacklistKind::phone)
    throw InvalidArgument("only a phone is read in a country", "country");
  for (const auto* text : {&entry.value, &entry.note})
    if (text->size() > 1000)
      throw InvalidArgument("longer than 1000 bytes", text == &entry.value ? "value" : "note");
  const std::string key = internal::blacklist_key(entry.kind, entry.value, entry.country);
  internal::EventRow event;
  event.kind = "blacklisted";
  event.effective_at = event.recorded_at = s.clock->now();
  event.actor = actor.login;
  event.reason = entry.note;
  event.payload =
      nlohmann::json{{"kind", to_string(entry.kind)}, {"key", key}, {"reason", entry.reason}}
          .dump();
  return write_event(
      s, std::move(event), [&](internal::WriteTxn& txn, const internal::EventRow& e) {
        txn.insert_blacklist(internal::BlacklistRow{static_cast<std::uint8_t>(entry.kind), key,
                                                    entry.value, entry.country, entry.reason,
                                                    entry.note, actor.login, e.effective_at});
        return txn.append_event(e);
      });
}

EventSeq Company::remove_from_blacklist(const Actor& actor, BlacklistKind kind,
                                        std::string_view value, std::string_view country) {
  require_staff(actor, "change the blacklist");
  CompanyState& s = *state_;
  const std::string key = internal::blacklist_key(kind, value, country);
  internal::EventRow event;
  event.kind = "unblacklisted";
  event.effective_at = event.recorded_at = s.clock->now();
  event.actor = actor.login;
  event.payload = nlohmann::json{{"kind", to_string(kind)}, {"key", key}}.dump();
  return write_event(
      s, std::move(event), [&](internal::WriteTxn& txn, const internal::EventRow& e) {
        if (!txn.delete_blacklist(static_cast<std::uint8_t>(kind), key))
          throw NotFound(std::string(to_string(kind)) + " '" + key + "' is not on the blacklist",
                         "value");
        return txn.append_event(e);
      });
}

std::vector<BlacklistEntry> Company::blacklist(const Actor& actor) const {
  require_staff(actor, "read the blacklist");
  std::vector<BlacklistEntry> out;
  for (auto& row : state_->store->blacklist()) out.push_back(entry_of(std::move(row)));
  return out;
}

std::vector<ContractVersion> Company::contracts() const {
  std::vector<ContractVersion> out;
  for (const auto& c : state_->config.contracts) out.push_back(version_of(state_->config, c));
  return out;
}

EventSeq Company::accept_contract(const Actor& actor, PersonId person, const ContractRef& ref,
                                  std::string_view channel) {
  CompanyState& s = *state_;
  require_visible(s, actor, person);
  if (!actor.sees_everyone() && actor.person != person)
    throw PermissionDenied("only the person themselves or staff may accept a contract", "person");
  if (channel != "registration" && channel != "profile" && channel != "login")
    throw InvalidArgument("expected \"registration\", \"profile\" or \"login\"", "channel");
  const internal::ContractConfig* c = s.config.contract(ref.contract, ref.version);
  const std::string name = ref.contract + " v" + std::to_string(ref.version);
  if (c == nullptr) throw NotFound("no contract " + name, "contract");
  if (!c->active) throw FailedPrecondition(name + " is no longer active", "contract");
  const auto row = s.store->get_person(person);
  if (!row) throw Internal("person " + std::to_string(person.value()) + " is not stored");
  if (!internal::contract_applies(*c, row->data.country, row->rank))
    throw FailedPrecondition(name + " is not for the person's country and rank", "contract");
  internal::EventRow event;
  event.kind = "contract_accepted";
  event.person = person;
  event.effective_at = event.recorded_at = s.clock->now();
  event.actor = actor.login;
  event.payload = nlohmann::json{
      {"contract", ref.contract},
      {"version", ref.version},
      {"digest", c->digest},
      {"channel",
       channel}}.dump();
  return write_event(
      s, std::move(event), [&](internal::WriteTxn& txn, const internal::EventRow& e) {
        const EventSeq seq = txn.append_event(e);
        txn.insert_acceptance(internal::AcceptanceRow{person, ref.contract, ref.version, c->digest,
                                                      std::string(channel), e.effective_at, seq});
        return seq;
      });
}

std::vector<ContractVersion> Company::pending_contracts(const Actor& actor, PersonId person) const {
  const CompanyState& s = *state_;
  require_visible(s, actor, person);
  const auto row = s.store->get_person(person);
  if (!row) throw Internal("person " + std::to_string(person.value()) + " is not stored");
  const auto accepted = s.store->acceptances_of_person(person);
  std::vector<ContractVersion> out;
  for (const auto* c :
       internal::contracts_in_force(s.config, row->data.country, row->rank, false)) {
    const bool done = std::any_of(accepted.begin(), accepted.end(), [&](const auto& a) {
      return a.contract == c->id && a.version == c->version;
    });
    if (!done) out.push_back(version_of(s.config, *c));
  }
  return out;
}

std::vector<ContractAcceptance> Company::contract_acceptances(const Actor& actor,
                                                              PersonId person) const {
  require_visible(*state_, actor, person);
  std::vector<ContractAcceptance> out;
  for (auto& row : state_->store->acceptances_of_person(person))
    out.push_back(acceptance_of(std::move(row)));
  return out;
}

std::vector<ContractAcceptance> Company::acceptances_of(const Actor& actor,
                                                        std::string_view contract) const {
  require_staff(actor, "read the legal texts report");
  const auto& contracts = state_->config.contracts;
  if (std::none_of(contracts.begin(), contracts.end(),
                   [&](const auto& c) { return c.id == contract; }))
    throw NotFound("no contract '" + std::string(contract) + "'", "contract");
  std::vector<ContractAcceptance> out;
  for (auto& row : state_->store->acceptances_of_contract(contract))
    out.push_back(acceptance_of(std::move(row)));
  return out;
}

std::vector<Attachment> Company::attachments(const Actor& actor, PersonId person) const {
  require_visible(*state_, actor, person);
  std::vector<Attachment> out;
  for (auto& row : state_->store->attachments_of(person))
    out.push_back(Attachment{person,
                             {std::move(row.type), std::move(row.file_name), row.size_bytes,
                              std::move(row.digest), std::move(row.uri)},
                             std::move(row.extension),
                             row.added_at,
                             row.seq});
  return out;
}

ProfileCompletion Company::profile_completion(const Actor& actor, PersonId person) const {
  const CompanyState& s = *state_;
  require_visible(s, actor, person);
  const auto row = s.store->get_person(person);
  if (!row) throw Internal("person " + std::to_string(person.value()) + " is not stored");
  ProfileCompletion out;
  const auto count = [&](bool filled, std::string name) {
    ++out.total;
    if (filled)
      ++out.filled;
    else
      out.missing.push_back(std::move(name));
  };
  const PersonData& p = row->data;
  for (const auto& [value, name] :
       {std::pair{&p.first_name, "first_name"}, std::pair{&p.last_name, "last_name"},
        std::pair{&p.email, "email"}, std::pair{&p.phone, "phone"},
        std::pair{&p.country, "country"}, std::pair{&p.document_number, "document_number"}})
    count(!value->empty(), std::string("person.") + name);
  count(p.birth_date.has_value(), "person.birth_date");
  Person details;
  internal::fill_person_details(s.config, *row, details);
  for (const auto& f : s.config.extended_fields)
    count(details.data.extended.count(f.id) > 0, "extended." + f.id);
  const auto attached = s.store->attachments_of(person);
  for (const auto& type : s.config.attachment_types)
    count(std::any_of(attached.begin(), attached.end(),
                      [&](const auto& a) { return a.type == type.id; }),
          "attachments." + type.id);
  out.percent = out.total ? out.filled * 100 / out.total : 100;
  return out;
}

DOWNLINE_END_NAMESPACE

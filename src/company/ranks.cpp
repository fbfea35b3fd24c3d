// Ranks and their history (seed 002 §7.1.1.2.4): who holds which rank since
// when. The commercial cycle decides ranks; this keeps them and answers for
// them, and generations read the current rank from the index.
#include <downline/company.hpp>

#include "company/company_state.hpp"
#include "rules/rule_book.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace downline {
inline namespace v0 {

using namespace internal;

namespace internal {

std::optional<std::uint8_t> rank_number(const Config& config, std::string_view rank) {
  if (rank.empty()) return 0;
  const auto& ranks = config.rules->ranks;
  for (std::size_t r = 0; r < ranks.size(); ++r)
    if (ranks[r].id == rank) return static_cast<std::uint8_t>(r + 1);
  return std::nullopt;
}

}  // namespace internal

EventSeq Company::change_rank(const Actor& actor, const RankChange& change) {
  if (!actor.sees_everyone()) throw PermissionDenied("only staff may change ranks", "actor");
  const auto number = rank_number(state_->config, change.rank);
  if (!number) throw InvalidArgument("unknown rank '" + change.rank + "'", "rank");
  if (change.campaign.size() > 200)
    throw InvalidArgument("a campaign is at most 200 bytes", "campaign");
  CompanyState& s = *state_;
  std::lock_guard writer(s.writer_mu);
  auto txn = s.store->begin_write();
  s.sync();
  {
    std::shared_lock lock(s.index_mu);
    if (!s.index.contains(change.person))
      throw NotFound("no person has id " + std::to_string(change.person.value()), "person");
  }
  const auto history = s.store->rank_history(change.person);
  const Instant at = change.effective_at.value_or(s.clock->now());
  if (!history.empty() && at < history.back().effective_at)
    throw FailedPrecondition("the rank of person " + std::to_string(change.person.value()) +
                                 " changed last at " + history.back().effective_at.to_rfc3339() +
                                 "; history is appended, not rewritten",
                             "effective_at");
  std::uint8_t held = 0;
  {
    std::shared_lock lock(s.index_mu);
    held = s.index.rank(GenealogyIndex::node_of(change.person));
  }
  if (held == *number)
    throw FailedPrecondition("person " + std::to_string(change.person.value()) +
                                 " already holds rank '" + change.rank + "'",
                             "rank");
  const std::string previous = held == 0 ? "" : s.config.rules->ranks[held - 1u].id;
  EventRow event;
  event.kind = "rank_changed";
  event.person = change.person;
  event.effective_at = at;
  event.recorded_at = s.clock->now();
  event.actor = actor.login;
  event.reason = change.reason;
  event.payload =
      nlohmann::json{
          {"rank", change.rank}, {"previous_rank", previous}, {"campaign", change.campaign}}
          .dump();
  const EventSeq seq = txn->append_event(event);
  txn->set_rank(change.person, *number);
  txn->insert_rank_change(
      RankChangeRow{seq, change.person, previous, change.rank, change.campaign, at});
  txn->commit();
  std::lock_guard apply(s.apply_mu);
  std::unique_lock lock(s.index_mu);
  s.index.set_rank(GenealogyIndex::node_of(change.person), *number);
  s.applied(seq.value());
  return seq;
}

std::vector<RankPeriod> Company::rank_history(const Actor& actor, PersonId person) const {
  state_->sync();
  {
    std::shared_lock lock(state_->index_mu);
    const Scope scope = state_->scope_of(actor);
    if (!state_->index.contains(person))
      throw NotFound("no person has id " + std::to_string(person.value()), "person");
    if (!scope.sees(state_->index, GenealogyIndex::node_of(person)))
      throw PermissionDenied(
          "actor '" + actor.login + "' may not see person " + std::to_string(person.value()),
          "person");
  }
  const auto rows = state_->store->rank_history(person);
  const Instant now = state_->clock->now();
  std::vector<RankPeriod> out;
  out.reserve(rows.size());
  constexpr std::int64_t kMicrosPerDay = 86'400'000'000;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    RankPeriod p;
    p.rank = rows[i].rank;
    p.previous_rank = rows[i].previous_rank;
    p.campaign = rows[i].campaign;
    p.from = rows[i].effective_at;
    if (i + 1 < rows.size()) p.until = rows[i + 1].effective_at;
    const std::int64_t held = p.until.value_or(now).micros_since_epoch - p.from.micros_since_epoch;
    p.held_days = static_cast<std::uint32_t>(std::max<std::int64_t>(held, 0) / kMicrosPerDay);
    p.event = rows[i].seq;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace v0
}  // namespace downline

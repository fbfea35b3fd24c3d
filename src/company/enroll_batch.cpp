// The bulk enrollment path: validation on every core, one storage
// transaction, all or nothing (enroll_many) or row by row (an import).
#include "company/bulk.hpp"

#include <downline/company.hpp>

#include "company/company_state.hpp"
#include "enrollment/validation.hpp"
#include "genealogy/placement.hpp"
#include "rules/rule_book.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

nlohmann::json person_facts(const Config& config, const PersonRow& row, PersonId sponsor) {
  const std::string rank = row.rank && row.rank <= config.rules->ranks.size()
                               ? config.rules->ranks[row.rank - 1].id
                               : "";
  nlohmann::json person = {{"id", std::to_string(row.id.value())},
                           {"kind", to_string(row.type)},
                           {"status", to_string(row.status)},
                           {"country", row.data.country},
                           {"channel", row.channel},
                           {"enrolled_at", row.enrolled_at.to_rfc3339()},
                           {"vip", row.vip},
                           {"segments", nlohmann::json::array()},
                           {"rank", rank},
                           {"commercial_state", row.commercial_state},
                           {"starter_kit", ""},
                           {"zone", row.data.zone}};
  // The rules see extended fields by slot ("1".."20"), as stored.
  if (auto extended = nlohmann::json::parse(row.extended_json, nullptr, false);
      extended.is_object() && !extended.empty())
    person["extended"] = std::move(extended);
  if (sponsor) person["sponsor"] = std::to_string(sponsor.value());
  return person;
}

namespace {

struct Resolved {
  PersonId id;                   // set when the person exists already
  std::size_t batch = SIZE_MAX;  // or index of the request in this batch
  Status status = Status::active;
  CustomerType type = CustomerType::consultant;
  explicit operator bool() const { return id || batch != SIZE_MAX; }
};

// The nearest person at or above `n` (in the sponsor network) who has a
// place in `tree`: a search starts there when the sponsor waits in a lobby
// or dropped out.
Node placed_at_or_above(const GenealogyIndex& index, const NetworkTree& tree, Node n) {
  while (n != kNoNode && !tree.placed(n)) n = index.tree(0).parent(n);
  return n;
}

NodePlacement place_newcomer(const CompanyState& s, const Scope& scope, const EnrollmentRequest& r,
                             std::size_t i, std::size_t k, const NodePlacement* earlier,
                             std::uint32_t zone, std::vector<Finding>& findings) {
  const NetworkConfig& net = s.config.networks[k];
  const NetworkTree& tree = s.index.tree(k);
  const std::string prefix = "[" + std::to_string(i) + "].";
  NodePlacement unplaced;  // while findings are collected, a failed place waits
  unplaced.state = NodeState::lobby;
  const PlacementChoice* choice = nullptr;
  std::string choice_field;
  for (std::size_t j = 0; j < r.placements.size(); ++j) {
    const std::string field = prefix + "placements[" + std::to_string(j) + "]";
    if (s.config.network_index(r.placements[j].network) != static_cast<int>(k)) continue;
    if (choice) {
      findings.push_back({Code::invalid_argument, "duplicate_placement", field + ".network",
                          "network '" + net.name + "' is chosen twice", net.name, "once"});
      return unplaced;
    }
    choice = &r.placements[j];
    choice_field = field;
  }
  const auto finding = [&](const PlaceDecision& d, const std::string& field) {
    const bool bad_input = d.problem == "invalid_position" || d.problem == "leg_required";
    findings.push_back({bad_input ? Code::invalid_argument : Code::failed_precondition, d.problem,
                        field, "network '" + net.name + "': " + d.message, "", ""});
    return unplaced;
  };

  if (choice && choice->parent) {
    const std::string field = choice_field + ".parent";
    if (!s.index.contains(choice->parent)) {
      findings.push_back({Code::not_found, "parent_not_found", field,
                          "no person has id " + std::to_string(choice->parent.value()),
                          std::to_string(choice->parent.value()), "an enrolled person"});
      return unplaced;
    }
    const Node parent = GenealogyIndex::node_of(choice->parent);
    if (!scope.sees(s.index, parent))
      throw PermissionDenied(
          "the actor may not place anyone under person " + std::to_string(choice->parent.value()),
          field);
    if (!net.transfers.across_territories && s.index.zone(parent) != zone) {
      findings.push_back({Code::failed_precondition, "other_territory", field,
                          "network '" + net.name + "' keeps each territory apart", "",
                          "a parent in the same zone"});
      return unplaced;
    }
    PlaceDecision d = check_explicit(net, tree, parent, choice->position);
    if (!d.problem.empty()) return finding(d, choice_field);
    return d.place;
  }

  if (net.structure == Structure::territorial) {
    // The nearest upline in the source network who is in the same zone.
    const std::size_t src = static_cast<std::size_t>(s.config.network_index(net.source));
    const PersonId first = earlier[src].parent;
    Node up = first ? GenealogyIndex::node_of(first) : kNoNode;
    while (up != kNoNode && (s.index.zone(up) != zone || !tree.placed(up)))
      up = s.index.tree(src).parent(up);
    if (up == kNoNode) return NodePlacement{};  // the first of their zone: a network parent
    PlaceDecision d = check_explicit(net, tree, up, std::nullopt);
    if (!d.problem.empty()) return finding(d, prefix + "sponsor");
    return d.place;
  }

  const PersonId from = net.placement.from == "referrer" ? earlier[1].parent : earlier[0].parent;
  const Node start =
      from ? placed_at_or_above(s.index, tree, GenealogyIndex::node_of(from)) : kNoNode;
  Policy policy = net.placement.policy;
  std::optional<std::uint32_t> leg;
  if (choice && choice->position) {
    leg = choice->position;
    policy = Policy::sponsor_leg;
  }
  std::shared_ptr<const RecalcSnapshot> figures;
  PlaceDecision d = decide_place(net, tree, start, policy, leg, s.group_volumes(k, figures));
  if (!d.problem.empty()) return finding(d, choice ? choice_field : prefix + "sponsor");
  return d.place;
}

// The facts an enrollment rule reads: the person as they are about to be
// written. Other sections (order, campaign, network) are absent. The rules
// in force at the enrollment's effective time decide, so a back-dated import
// is judged by the rules of its day.
std::vector<Decision> evaluate_enrollment_rules(const internal::Config& config,
                                                const internal::PersonRow& row, PersonId sponsor) {
  return internal::evaluate_rules(*config.rules, Trigger::enrollment,
                                  {{"person", internal::person_facts(config, row, sponsor)}},
                                  row.enrolled_at, nullptr);
}

std::string draw_quick_code() {
  static constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string code(8, ' ');
  for (char& c : code) c = kAlphabet[rng() % kAlphabet.size()];
  return code;
}

// How an accepted enrollment ends, as the outcome and the event name it.
std::string_view outcome_name(internal::Outcome outcome, CustomerType type) {
  if (type == CustomerType::guest) return "guest";
  switch (outcome) {
    case internal::Outcome::pending_approval: return "pending_approval";
    case internal::Outcome::pending_kit: return "pending_kit";
    default: return "active";
  }
}

// The decisions the person's row holds today (status and type); the others
// are recorded in the event for the host and for the issues that store them.
void apply_to_row(const std::vector<Decision>& decisions, internal::PersonRow& row) {
  for (const Decision& d : decisions) {
    switch (d.action.type) {
      case ActionType::activate: row.status = Status::active; break;
      case ActionType::inactivate: row.status = Status::inactive; break;
      case ActionType::set_customer_type:
        row.type = parse_customer_type(d.action.target).value_or(row.type);
        break;
      default: break;
    }
  }
}

// The channel's form for a request; null when the company configures no
// channels or the channel is unknown (a finding of intake).
const FormConfig* form_of(const Config& config, const EnrollmentRequest& r) {
  if (config.channels.empty()) return nullptr;
  const ChannelConfig* channel = config.channel(r.channel);
  return channel ? &channel->forms[static_cast<std::size_t>(r.type)] : nullptr;
}

void prevalidate_range(const Config& config, std::span<const EnrollmentRequest> requests,
                       std::size_t begin, std::size_t end, Prevalidated& out) {
  for (std::size_t i = begin; i < end; ++i) {
    const FormConfig* form = form_of(config, requests[i]);
    validate_request(
        requests[i], config,
        form && form->required_fields ? *form->required_fields : config.enrollment.required_fields,
        "[" + std::to_string(i) + "].", out.findings[i], out.norms[i]);
  }
}

}  // namespace

Prevalidated prevalidate(const Config& config, std::span<const EnrollmentRequest> requests,
                         unsigned threads) {
  Prevalidated out;
  const std::size_t n = requests.size();
  out.findings.resize(n);
  out.norms.resize(n);
  // Below a few hundred requests a thread costs more than it saves.
  const std::size_t workers = std::clamp<std::size_t>(n / 256, 1, std::max(1u, threads));
  std::vector<std::thread> pool;
  const std::size_t chunk = (n + workers - 1) / std::max<std::size_t>(1, workers);
  for (std::size_t w = 1; w < workers; ++w)
    pool.emplace_back(prevalidate_range, std::cref(config), requests, w * chunk,
                      std::min(n, (w + 1) * chunk), std::ref(out));
  prevalidate_range(config, requests, 0, std::min(n, chunk), out);
  for (std::thread& t : pool) t.join();
  return out;
}

StoreFacts look_up_facts(const Store& store, const Config& config,
                         std::span<const EnrollmentRequest> requests, const Prevalidated& pre) {
  const std::size_t n = requests.size();
  KeyQuery q;
  // Where each request's questions sit in the query (SIZE_MAX: not asked).
  std::vector<std::size_t> existing(n, SIZE_MAX), sponsor(n, SIZE_MAX), referrer(n, SIZE_MAX),
      email(n, SIZE_MAX), document(n, SIZE_MAX);
  std::vector<std::array<std::size_t, 3>> barred(n, {SIZE_MAX, SIZE_MAX, SIZE_MAX});
  // An external id asked once: a sponsor is often a request of the batch.
  std::unordered_map<std::string_view, std::size_t> asked;
  const auto ask_ext = [&](const std::string& ext) {
    const auto [it, added] = asked.try_emplace(ext, q.external_ids.size());
    if (added) q.external_ids.push_back(ext);
    return it->second;
  };
  const auto ask_barred = [&](std::size_t i, BlacklistKind kind, const std::string& key) {
    if (key.empty()) return;
    barred[i][static_cast<std::size_t>(kind)] = q.barred.size();
    q.barred.emplace_back(static_cast<std::uint8_t>(kind), key);
  };
  for (std::size_t i = 0; i < n; ++i) {
    const EnrollmentRequest& r = requests[i];
    const NormalizedPerson& p = pre.norms[i];
    if (!r.person.external_id.empty()) existing[i] = ask_ext(r.person.external_id);
    if (!r.sponsor_external_id.empty()) sponsor[i] = ask_ext(r.sponsor_external_id);
    if (!r.referrer_external_id.empty()) referrer[i] = ask_ext(r.referrer_external_id);
    if (config.enrollment.unique_email && !p.email_key.empty()) {
      email[i] = q.email_keys.size();
      q.email_keys.push_back(p.email_key);
    }
    if (!p.document_number.empty()) {
      document[i] = q.documents.size();
      q.documents.emplace_back(r.person.document_type, p.document_number);
    }
    ask_barred(i, BlacklistKind::document, p.document_number);
    ask_barred(i, BlacklistKind::email, p.email_key);
    ask_barred(i, BlacklistKind::phone, p.phone);
  }
  KeyAnswers a = store.look_up_keys(q);
  StoreFacts f;
  f.as_of = a.as_of;
  const auto ids = [&](const std::vector<std::size_t>& at) {
    std::vector<PersonId> out(n);
    for (std::size_t i = 0; i < n; ++i)
      if (at[i] != SIZE_MAX) out[i] = a.external_ids[at[i]];
    return out;
  };
  f.existing = ids(existing);
  f.sponsors = ids(sponsor);
  f.referrers = ids(referrer);
  f.email_taken.resize(n);
  f.document_taken.resize(n);
  f.barred.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    f.email_taken[i] = email[i] != SIZE_MAX && a.email_keys[email[i]];
    f.document_taken[i] = document[i] != SIZE_MAX && a.documents[document[i]];
    for (std::size_t k = 0; k < 3; ++k)
      if (barred[i][k] != SIZE_MAX) f.barred[i][k] = std::move(a.barred[barred[i][k]]);
  }
  return f;
}

BulkEnrollmentOutcome enroll_batch(CompanyState& s, const Actor& actor,
                                   std::span<const EnrollmentRequest> requests,
                                   const ProgressFn& progress, const BatchOptions& options,
                                   BatchRows* rows) {
  const std::size_t n = requests.size();
  Prevalidated own;
  Prevalidated& pre =
      options.pre ? *options.pre
                  : (own = prevalidate(s.config, requests, std::thread::hardware_concurrency()));
  // A large batch asks the store before it takes the writer's lock.
  StoreFacts own_facts;
  const StoreFacts* facts = options.facts;
  if (!facts && n >= 256) {
    own_facts = look_up_facts(*s.store, s.config, requests, pre);
    facts = &own_facts;
  }
  const bool partial = options.partial;
  std::vector<RowFate> fates(n, RowFate::enrolled);
  std::vector<PersonId> ids(n);

  std::lock_guard writer(s.writer_mu);
  // The index holds every stored person (synced below, under the store's
  // write lock), and the batch names no one else: the store need not check.
  auto txn = s.store->begin_write(KeyChecks::caller);
  s.sync();  // under the store's write lock: no one else can commit now
  const EventSeq before = s.store->last_event_seq();
  // Facts read at `before` hold as they are; facts read before the batch
  // written last hold but for the keys that batch may have written.
  const bool fresh = facts && facts->as_of == before;
  if (facts && !fresh &&
      !(options.previous && facts->as_of == options.previous->before &&
        before == options.previous->after && facts->suspect.size() == n))
    facts = nullptr;  // someone else wrote since: the transaction answers
  const auto trusted = [&](std::size_t i, Suspect key) {
    return facts && (fresh || (facts->suspect[i] & key) == 0);
  };
  // Whether a document or e-mail is stored, a key barred (no batch bars
  // one), and who holds an external id.
  const auto stored_owner = [&](const std::string& ext, const std::vector<PersonId>* known,
                                std::size_t i, Suspect key) -> std::optional<PersonId> {
    if (!trusted(i, key)) return s.store->find_external_id(ext);
    if ((*known)[i]) return (*known)[i];
    return std::nullopt;
  };
  const auto email_stored = [&](std::size_t i) {
    if (trusted(i, suspect_email)) return facts->email_taken[i] != 0;
    return txn->find_email(pre.norms[i].email_key).has_value();
  };
  const auto document_stored = [&](std::size_t i) {
    if (trusted(i, suspect_document)) return facts->document_taken[i] != 0;
    return txn->find_document(requests[i].person.document_type, pre.norms[i].document_number)
        .has_value();
  };
  const auto barred_for = [&](std::size_t i, BlacklistKind kind, const std::string& key) {
    if (!facts) return txn->blacklisted(static_cast<std::uint8_t>(kind), key);
    return facts->barred[i][static_cast<std::size_t>(kind)];
  };

  BulkEnrollmentOutcome out;
  const std::size_t networks = s.config.networks.size();
  // parents[i * networks + k]: parent of request i in network k.
  std::vector<PersonId> parents(n * networks);
  // The sponsor and referrer of each request, as found (a batch index for
  // one enrolled earlier in the same call: its id is known at the end).
  std::vector<Resolved> sponsors(n), referrers(n);
  std::unordered_map<std::string_view, std::size_t> batch_ext;
  batch_ext.reserve(n);
  std::unordered_set<std::string_view> batch_rejected;  // partial: ext ids of rejected rows
  std::vector<bool> taken(n, false);  // request i's external id is a known duplicate
  std::vector<NormalizedPerson>& norms = pre.norms;
  std::vector<Outcome> outcomes(n, Outcome::active);
  const auto duplicate = [&](std::size_t i) {
    const std::string& ext = requests[i].person.external_id;
    return Finding{Code::already_exists,
                   "duplicate_external_id",
                   "[" + std::to_string(i) + "].person.external_id",
                   "external id '" + ext + "' is taken",
                   ext,
                   "a new external id"};
  };
  const auto report = [&](std::size_t done) {
    if (progress && (done % 4096 == 0 || done == n)) progress(done, n);
  };
  {
    std::shared_lock lock(s.index_mu);
    const Scope scope = s.scope_of(actor);
    const Status initial = s.config.enrollment.initial_status;

    auto resolve = [&](std::size_t i, PersonId id, const std::string& ext,
                       const std::string& prefix, const char* what) -> Resolved {
      const std::string field = std::string(what);
      const auto existing = [&](PersonId found) {
        const Node v = GenealogyIndex::node_of(found);
        return Resolved{found, SIZE_MAX, s.index.status(v), s.index.type(v)};
      };
      if (id) {
        if (s.index.contains(id)) return existing(id);
        out.findings.push_back({Code::not_found, field + "_not_found", prefix + field,
                                "no person has id " + std::to_string(id.value()),
                                std::to_string(id.value()), "an enrolled person"});
        return {};
      }
      if (auto it = batch_ext.find(ext); it != batch_ext.end())
        return Resolved{{}, it->second, initial, requests[it->second].type};
      if (partial && (batch_rejected.count(ext) ||
                      (options.rejected_before && options.rejected_before->count(ext)))) {
        out.findings.push_back(
            {Code::failed_precondition, field + "_rejected", prefix + field + "_external_id",
             "the row enrolling '" + ext + "' was rejected", ext, "an enrolled person"});
        return {};
      }
      const bool by_sponsor = what[0] == 's';
      const std::vector<PersonId>* known = !facts       ? nullptr
                                           : by_sponsor ? &facts->sponsors
                                                        : &facts->referrers;
      if (auto found = stored_owner(ext, known, i, by_sponsor ? suspect_sponsor : suspect_referrer))
        return existing(*found);
      out.findings.push_back(
          {Code::not_found, field + "_not_found", prefix + field + "_external_id",
           "no person has external id '" + ext + "'", ext, "an enrolled person"});
      return {};
    };

    const EnrollmentPolicy& policy = s.config.enrollment;
    const LocalDate today = utc_date(s.clock->now());
    // Whether a sponsor or referrer is of a type that may sponsor.
    const auto check_may_sponsor = [&](const Resolved& who, const std::string& field) {
      if (who && std::find(policy.sponsor_types.begin(), policy.sponsor_types.end(), who.type) ==
                     policy.sponsor_types.end())
        out.findings.push_back({Code::failed_precondition, "sponsor_not_allowed", field,
                                "a " + std::string(to_string(who.type)) + " may not sponsor",
                                std::string(to_string(who.type)), "a type that sponsors"});
    };
    // Whether the sponsor covers the newcomer's zone, when the company keeps
    // sponsors within a territory.
    const auto check_coverage = [&](const Resolved& sponsor, const EnrollmentRequest& r,
                                    const std::string& prefix) {
      if (!sponsor || !policy.territorial_coverage) return;
      std::string sponsor_zone;
      bool same;
      if (sponsor.id) {
        const std::uint32_t z = s.index.zone(GenealogyIndex::node_of(sponsor.id));
        same = s.index.find_zone(r.person.zone) == std::optional<std::uint32_t>(z);
        sponsor_zone = s.index.zone_name(z);
      } else {
        sponsor_zone = requests[sponsor.batch].person.zone;
        same = sponsor_zone == r.person.zone;
      }
      if (!same)
        out.findings.push_back({Code::failed_precondition, "sponsor_other_zone", prefix + "sponsor",
                                "the sponsor covers another territorial zone", sponsor_zone,
                                r.person.zone});
    };
    // A document identifies one person; an e-mail too when the company says
    // so; neither may be barred, nor the phone.
    // Keyed by views of the requests and their normalised values, which
    // outlive the call: nothing is copied per row.
    std::unordered_map<std::string_view, std::size_t> batch_email, batch_document, batch_site;
    batch_email.reserve(n);
    batch_document.reserve(n);
    std::vector<std::string> document_keys(n);
    const auto document_key = [&](std::size_t i) -> std::string_view {
      std::string& key = document_keys[i];
      if (key.empty() && !norms[i].document_number.empty())
        key.append(requests[i].person.document_type)
            .append(1, '\0')
            .append(norms[i].document_number);
      return key;
    };
    const auto check_unique_and_barred = [&](std::size_t i, const std::string& prefix) {
      const NormalizedPerson& p = norms[i];
      const PersonData& data = requests[i].person;
      const auto taken = [&](const char* reason, const std::string& field, const std::string& value,
                             const std::string& what) {
        out.findings.push_back({Code::already_exists, reason, prefix + field,
                                what + " '" + value + "' belongs to another person", value,
                                "a new " + what});
      };
      if (policy.unique_email && !p.email_key.empty()) {
        if (!batch_email.try_emplace(p.email_key, i).second || email_stored(i))
          taken("duplicate_email", "person.email", data.email, "e-mail");
      }
      if (!p.document_number.empty()) {
        if (!batch_document.try_emplace(document_key(i), i).second || document_stored(i))
          taken("duplicate_document", "person.document_number", data.document_number, "document");
      }
      if (!data.site.empty() &&
          (!batch_site.try_emplace(data.site, i).second || txn->find_site(data.site)))
        taken("duplicate_site", "person.site", data.site, "site");
      const auto barred = [&](BlacklistKind kind, const std::string& key, const char* field,
                              const std::string& value) {
        if (key.empty()) return;
        if (auto reason = barred_for(i, kind, key))
          out.findings.push_back(
              {Code::failed_precondition, "blacklisted", prefix + field,
               std::string(to_string(kind)) + " '" + value + "' is on the blacklist", *reason,
               "not on the blacklist"});
      };
      barred(BlacklistKind::document, p.document_number, "person.document_number",
             data.document_number);
      barred(BlacklistKind::email, p.email_key, "person.email", data.email);
      barred(BlacklistKind::phone, p.phone, "person.phone", data.phone);
    };
    // A rejected row of a partial batch holds no e-mail, document or site:
    // a later row may have them.
    const auto forget = [&](std::size_t i) {
      const auto drop = [i](auto& map, std::string_view key) {
        if (auto it = map.find(key); it != map.end() && it->second == i) map.erase(it);
      };
      drop(batch_email, norms[i].email_key);
      drop(batch_document, document_key(i));
      drop(batch_site, requests[i].person.site);
    };

    // What the request's channel makes of it: its form, outcome and the
    // sponsor it implies (the backoffice's consultant, the site's owner).
    struct Intake {
      const FormConfig* form = nullptr;
      Outcome outcome = Outcome::active;
      PersonId sponsor, referrer;
    };
    const auto intake_of = [&](const EnrollmentRequest& r, const std::string& prefix) {
      Intake in;
      if (!r.site.empty()) {
        if (auto owner = txn->find_site(r.site)) {
          in.sponsor = in.referrer = *owner;
        } else {
          out.findings.push_back({Code::not_found, "site_not_found", prefix + "site",
                                  "no replicated site has the slug '" + r.site + "'", r.site,
                                  "a consultant's site"});
        }
      }
      if (s.config.channels.empty()) return in;
      const ChannelConfig* channel = s.config.channel(r.channel);
      if (channel == nullptr) {
        std::string known;
        for (const auto& c : s.config.channels)
          known.append(known.empty() ? "" : ", ").append(c.id);
        out.findings.push_back({Code::invalid_argument, "unknown_channel", prefix + "channel",
                                "'" + r.channel + "' is not a configured channel", r.channel,
                                known});
        return in;
      }
      switch (channel->kind) {
        case ChannelKind::backend:
        case ChannelKind::flat_file:
        case ChannelKind::api:
          if (!scope.everyone)
            throw PermissionDenied("channel '" + channel->id + "' is for the head office",
                                   prefix + "channel");
          break;
        case ChannelKind::backoffice:
          if (!actor.person && !scope.everyone)
            throw PermissionDenied("the backoffice enrolls for a consultant", prefix + "channel");
          in.sponsor = actor.person;
          break;
        case ChannelKind::replicated_site:
          if (r.site.empty())
            out.findings.push_back({Code::invalid_argument, "required", prefix + "site",
                                    "a replicated site enrollment names its site", "",
                                    "the site's slug"});
          break;
        default: break;
      }
      in.form = &channel->forms[static_cast<std::size_t>(r.type)];
      if (!in.form->offered)
        out.findings.push_back(
            {Code::failed_precondition, "form_not_offered", prefix + "type",
             "channel '" + channel->id + "' does not enroll a " + std::string(to_string(r.type)),
             std::string(to_string(r.type)), "a type the channel offers"});
      in.outcome = in.form->outcome;
      return in;
    };

    // History is appended, never rewritten: a back-dated enrollment may not
    // precede a change already recorded (an "as of" reader would rebuild a
    // tree where its place collides with the one history gives back).
    const Instant latest_change =
        *std::max_element(s.last_change_at.begin(), s.last_change_at.end());
    for (std::size_t i = 0; i < n; ++i) {
      const EnrollmentRequest& r = requests[i];
      const std::string& ext = r.person.external_id;
      if (options.skip_existing && !ext.empty() && !batch_ext.count(ext)) {
        if (auto found =
                stored_owner(ext, facts ? &facts->existing : nullptr, i, suspect_external_id)) {
          fates[i] = RowFate::existing;
          ids[i] = *found;
          report(i + 1);
          continue;
        }
      }
      const std::string prefix = "[" + std::to_string(i) + "].";
      const std::size_t before = out.findings.size();
      const Intake intake = intake_of(r, prefix);
      outcomes[i] = intake.outcome;
      for (Finding& f : pre.findings[i]) out.findings.push_back(std::move(f));
      if (r.person.birth_date && *r.person.birth_date > today)
        out.findings.push_back({Code::invalid_argument, "invalid_birth_date",
                                prefix + "person.birth_date", "the birth date is in the future",
                                r.person.birth_date->to_string(), "a date up to today"});
      if (r.effective_at && *r.effective_at < latest_change)
        out.findings.push_back(
            {Code::failed_precondition, "before_latest_change", prefix + "effective_at",
             "the genealogy changed last at " + latest_change.to_rfc3339() +
                 "; history is appended, not rewritten",
             r.effective_at->to_rfc3339(), "at or after " + latest_change.to_rfc3339()});
      for (std::size_t j = 0; j < r.placements.size(); ++j)
        if (s.config.network_index(r.placements[j].network) < 2)
          out.findings.push_back({Code::invalid_argument, "unknown_network",
                                  prefix + "placements[" + std::to_string(j) + "].network",
                                  "'" + r.placements[j].network + "' is not a placement network",
                                  r.placements[j].network, "a configured placement network"});

      // A person named as their own sponsor or referrer is a finding of
      // validate_request; looking them up would only add "not found".
      const bool self_sponsor = !ext.empty() && r.sponsor_external_id == ext;
      const bool self_referrer = !ext.empty() && r.referrer_external_id == ext;
      const bool sponsor_given = r.sponsor || !r.sponsor_external_id.empty();
      const PersonId sponsor_id = sponsor_given ? r.sponsor : intake.sponsor;
      Resolved sponsor;
      if (!self_sponsor && (sponsor_id || !r.sponsor_external_id.empty())) {
        sponsor = resolve(i, sponsor_id, r.sponsor_external_id, prefix, "sponsor");
        if (sponsor && sponsor.status != Status::active)
          out.findings.push_back({Code::failed_precondition, "sponsor_inactive", prefix + "sponsor",
                                  "the sponsor is not active",
                                  std::string(to_string(sponsor.status)), "active"});
        if (sponsor.id && !scope.sees(s.index, GenealogyIndex::node_of(sponsor.id)))
          throw PermissionDenied("actor '" + actor.login + "' may not enroll under person " +
                                     std::to_string(sponsor.id.value()),
                                 prefix + "sponsor");
        check_may_sponsor(sponsor, prefix + "sponsor");
        check_coverage(sponsor, r, prefix);
      } else if (!self_sponsor && !scope.everyone) {
        throw PermissionDenied("only staff may enroll a person without a sponsor",
                               prefix + "sponsor");
      }
      Resolved referrer = self_referrer ? Resolved{} : sponsor;
      const bool referrer_given = r.referrer || !r.referrer_external_id.empty();
      if (!self_referrer && (referrer_given || intake.referrer)) {
        referrer = resolve(i, referrer_given ? r.referrer : intake.referrer, r.referrer_external_id,
                           prefix, "referrer");
        check_may_sponsor(referrer, prefix + "referrer");
        if (referrer.id && !scope.sees(s.index, GenealogyIndex::node_of(referrer.id)))
          throw PermissionDenied("actor '" + actor.login + "' may not see person " +
                                     std::to_string(referrer.id.value()),
                                 prefix + "referrer");
      }
      sponsors[i] = sponsor;
      referrers[i] = referrer;

      check_unique_and_barred(i, prefix);
      if (!ext.empty()) {
        if (batch_ext.count(ext)) {
          out.findings.push_back(duplicate(i));
          taken[i] = true;
        } else if (out.findings.size() == before) {
          batch_ext.emplace(ext, i);
        }
      }
      if (partial && out.findings.size() != before) {
        fates[i] = RowFate::rejected;
        forget(i);
        if (!ext.empty() && !taken[i]) batch_rejected.insert(ext);
      }
      report(i + 1);
    }
  }
  // Whether an external id is taken in the store is asked one by one only
  // when the call is rejected anyway; on the way to a commit the UNIQUE index
  // answers while the rows are written.
  const auto reject_with_store_duplicates = [&](std::size_t from) {
    for (std::size_t i = from; i < n; ++i)
      if (!taken[i] && !requests[i].person.external_id.empty() &&
          txn->external_id_exists(requests[i].person.external_id))
        out.findings.push_back(duplicate(i));
    std::stable_sort(out.findings.begin(), out.findings.end(),
                     [](const Finding& a, const Finding& b) {
                       return std::stoull(a.field.substr(1)) < std::stoull(b.field.substr(1));
                     });
    // The transaction rolls back, with the rows and events written so far.
    out.last_event = EventSeq{};
    out.persons.clear();
    out.decisions.clear();
    out.outcomes.clear();
    out.quick_codes.clear();
    out.work_items.clear();
    return out;
  };
  if (!partial && !out.findings.empty()) return reject_with_store_duplicates(0);

  const Instant now = s.clock->now();
  const Status initial = s.config.enrollment.initial_status;
  const RuleBookData& rules = *s.config.rules;
  const bool run_rules = !rules.by_trigger[static_cast<std::size_t>(Trigger::enrollment)].empty();
  std::vector<CustomerType> types(n);
  std::vector<Status> statuses(n, initial);
  // A guest's quick-access code: 8 of 32 letters and digits that are not
  // easily confused, drawn until unused.
  std::vector<std::string> quick_codes(n);
  {
    std::unordered_set<std::string> drawn;
    for (std::size_t i = 0; i < n; ++i) {
      if (requests[i].type != CustomerType::guest || fates[i] != RowFate::enrolled) continue;
      do quick_codes[i] = draw_quick_code();
      while (!drawn.insert(quick_codes[i]).second || txn->quick_code_taken(quick_codes[i]));
    }
  }
  PersonRow row;
  const auto fill_row = [&](std::size_t i) {
    const EnrollmentRequest& r = requests[i];
    row.id = ids[i];
    row.data = r.person;
    row.data.phone = norms[i].phone;
    row.data.document_number = norms[i].document_number;
    if (s.config.enrollment.identification == Identification::internal) {
      std::string digits = std::to_string(ids[i].value());
      row.data.document_type = "internal";
      row.data.document_number = s.config.enrollment.internal_prefix +
                                 std::string(10 - std::min<std::size_t>(10, digits.size()), '0') +
                                 digits;
    }
    row.email_key = norms[i].email_key;
    row.extended_json = norms[i].extended_json;
    row.quick_code = quick_codes[i];
    row.type = types[i];
    row.status = statuses[i];
    row.channel = r.channel;
    row.enrolled_at = r.effective_at.value_or(now);
  };

  // The index takes the newcomers before the commit, under its exclusive
  // lock (readers wait, none sees them early): a placement depends on the
  // places taken by the requests before it. Undone if anything fails.
  std::unique_lock apply(s.apply_mu, std::defer_lock);
  std::unique_lock index_lock(s.index_mu, std::defer_lock);
  const std::size_t first_node = s.index.size();
  struct Undo {
    GenealogyIndex& index;
    std::vector<std::int64_t>& enrolled;
    std::size_t size;
    bool armed = true;
    ~Undo() {
      if (armed) {
        index.truncate(size);
        if (enrolled.size() > size) enrolled.resize(size);
      }
    }
  } undo{s.index, s.cycle.enrolled, first_node};
  std::vector<NodePlacement> places(n * networks);
  std::vector<std::uint32_t> zones(n);
  std::vector<std::vector<Decision>> decisions(run_rules ? n : 0);
  // The requests written, in order; in a partial batch a placement that
  // fails rejects its row (and the rows it sponsors) and the plan starts
  // over without them.
  std::vector<std::size_t> written;
  for (;;) {
    written.clear();
    const PersonId first_id = s.index.next_id();
    for (std::size_t i = 0; i < n; ++i) {
      if (fates[i] != RowFate::enrolled) continue;
      const auto rejected_batch_parent = [&](const Resolved& x) {
        return x.batch != SIZE_MAX && fates[x.batch] == RowFate::rejected;
      };
      if (rejected_batch_parent(sponsors[i]) || rejected_batch_parent(referrers[i])) {
        const bool by_sponsor = rejected_batch_parent(sponsors[i]);
        const std::string what = by_sponsor ? "sponsor" : "referrer";
        const std::string& ext =
            by_sponsor ? requests[i].sponsor_external_id : requests[i].referrer_external_id;
        out.findings.push_back({Code::failed_precondition, what + "_rejected",
                                "[" + std::to_string(i) + "]." + what + "_external_id",
                                "the row enrolling '" + ext + "' was rejected", ext,
                                "an enrolled person"});
        fates[i] = RowFate::rejected;
        continue;
      }
      ids[i] = PersonId{first_id.value() + static_cast<std::int64_t>(written.size())};
      written.push_back(i);
    }
    for (const std::size_t i : written) {
      const auto id_of = [&](const Resolved& x) {
        return x.id ? x.id : x.batch != SIZE_MAX ? ids[x.batch] : PersonId{};
      };
      parents[i * networks + 0] = id_of(sponsors[i]);
      if (networks > 1) parents[i * networks + 1] = id_of(referrers[i]);
      types[i] = requests[i].type;
      statuses[i] = initial;
      if (outcomes[i] == Outcome::pending_approval) statuses[i] = Status::pre_registered;
      if (outcomes[i] == Outcome::pending_kit) statuses[i] = Status::pending_kit;
      if (!run_rules) continue;
      fill_row(i);
      // Rules decide before anything is written: nothing half-applied if one
      // of them fails.
      try {
        decisions[i] = evaluate_enrollment_rules(s.config, row, parents[i * networks]);
      } catch (const Error& e) {
        throw_error(e.code(), "enrollment rules, request [" + std::to_string(i) + "]: " + e.what(),
                    e.field());
      }
      apply_to_row(decisions[i], row);
      types[i] = row.type;
      statuses[i] = row.status;
    }

    apply.lock();
    index_lock.lock();
    const Scope scope = s.scope_of(actor);
    std::size_t failed = SIZE_MAX;
    for (const std::size_t i : written) {
      NodePlacement* place = &places[i * networks];
      for (std::size_t k = 0; k < std::min<std::size_t>(networks, 2); ++k) {
        place[k].parent = parents[i * networks + k];
        if (place[k].parent)
          place[k].position = s.index.tree(k).free_slot(GenealogyIndex::node_of(place[k].parent));
      }
      zones[i] = s.index.zone_id(requests[i].person.zone);
      const std::size_t before = out.findings.size();
      for (std::size_t k = 2; k < networks; ++k)
        place[k] = place_newcomer(s, scope, requests[i], i, k, place, zones[i], out.findings);
      if (partial && out.findings.size() != before) {
        failed = i;
        break;
      }
      s.index.add_person(ids[i], types[i], statuses[i],
                         std::span<const NodePlacement>(place, networks), zones[i]);
      s.cycle.add_person(requests[i].effective_at.value_or(now));
    }
    if (failed == SIZE_MAX) break;
    s.index.truncate(first_node);
    s.cycle.enrolled.resize(first_node);
    index_lock.unlock();
    apply.unlock();
    fates[failed] = RowFate::rejected;
  }
  if (!out.findings.empty() && !partial) return reject_with_store_duplicates(0);

  EventRow event;
  event.kind = "enrolled";
  event.recorded_at = now;
  event.actor = actor.login;
  std::string payload;
  AcceptanceRow acceptance;  // one row reused: its strings keep their buffers
  acceptance.channel = "registration";
  out.persons.reserve(written.size());
  out.outcomes.reserve(written.size());
  out.quick_codes.reserve(written.size());
  out.work_items.reserve(written.size());
  for (const std::size_t i : written) {
    const EnrollmentRequest& r = requests[i];
    fill_row(i);
    try {
      txn->insert_person(row);
    } catch (const AlreadyExists&) {
      if (partial) throw;  // every external id was looked up: another writer broke the lock
      return reject_with_store_duplicates(i);
    }
    // Written by hand: this runs once per enrolled person and every value
    // is a number or a fixed name, so nothing needs escaping (the zone is
    // free text and goes through the JSON writer).
    payload.assign("{\"type\":\"").append(to_string(row.type));
    payload.append("\",\"status\":\"").append(to_string(row.status)).append("\",\"parents\":{");
    const NodePlacement* place = &places[i * networks];
    for (std::size_t k = 0; k < networks; ++k) {
      txn->insert_node(NodeRow{s.store_network_ids[k], ids[i], place[k].parent, place[k].position,
                               static_cast<NodeStateRow>(place[k].state)});
      if (k) payload += ',';
      payload.append("\"").append(s.config.networks[k].name).append("\":");
      payload.append(place[k].parent ? std::to_string(place[k].parent.value()) : "null");
    }
    payload.append("}");
    if (networks > 2) {
      payload.append(",\"places\":{");
      for (std::size_t k = 2; k < networks; ++k) {
        if (k > 2) payload += ',';
        payload.append("\"").append(s.config.networks[k].name).append("\":{\"position\":");
        payload.append(std::to_string(place[k].position)).append(",\"state\":\"");
        payload.append(node_state_name(place[k].state)).append("\"}");
      }
      payload.append("}");
    }
    if (!r.person.zone.empty())
      payload.append(",\"zone\":").append(nlohmann::json(r.person.zone).dump());
    if (run_rules && !decisions[i].empty()) {
      // Which rule version decided what: history keeps it when the rules change.
      nlohmann::ordered_json decided = nlohmann::ordered_json::array();
      for (const Decision& d : decisions[i]) decided.push_back(decision_to_json(d));
      payload.append(",\"rules\":").append(decided.dump());
    }
    payload.append(",\"outcome\":\"").append(outcome_name(outcomes[i], row.type)).append("\"");
    if (!r.accepted_contracts.empty()) {
      // Contract ids are configuration ids (letters, digits, '_', '-'):
      // nothing to escape.
      payload.append(",\"accepted_contracts\":[");
      for (const ContractRef& c : r.accepted_contracts) {
        if (&c != &r.accepted_contracts.front()) payload += ',';
        payload.append("{\"contract\":\"").append(c.contract).append("\",\"version\":");
        payload.append(std::to_string(c.version)).append("}");
      }
      payload.append("]");
    }
    if (!r.attachments.empty())
      payload.append(",\"attachments\":").append(std::to_string(r.attachments.size()));
    payload.append("}");
    event.person = ids[i];
    event.effective_at = row.enrolled_at;
    event.reason = r.reason;
    event.payload = payload;
    out.last_event = txn->append_event(event);
    for (const ContractRef& c : r.accepted_contracts) {
      acceptance.person = ids[i];
      acceptance.contract = c.contract;
      acceptance.version = c.version;
      acceptance.digest = s.config.contract(c.contract, c.version)->digest;
      acceptance.accepted_at = row.enrolled_at;
      acceptance.seq = out.last_event;
      txn->insert_acceptance(acceptance);
    }
    for (std::size_t a = 0; a < r.attachments.size(); ++a) {
      const AttachmentData& d = r.attachments[a];
      txn->insert_attachment(AttachmentRow{ids[i], out.last_event, static_cast<std::uint32_t>(a),
                                           d.type, d.file_name, file_extension(d.file_name),
                                           d.digest, d.uri, d.size_bytes, row.enrolled_at});
      if (s.config.workflow(WorkItemKind::document))
        txn->insert_work_item({0,
                               static_cast<std::uint8_t>(WorkItemKind::document),
                               ids[i],
                               0,
                               0,
                               {},
                               d.type + ":" + d.file_name,
                               row.enrolled_at,
                               out.last_event});
    }
    if (run_rules) out.decisions.push_back(std::move(decisions[i]));
    out.persons.push_back(ids[i]);
    out.outcomes.emplace_back(outcome_name(outcomes[i], row.type));
    out.quick_codes.push_back(quick_codes[i]);
    out.work_items.push_back(
        row.status == Status::pre_registered && outcomes[i] == Outcome::pending_approval
            ? txn->insert_work_item({0,
                                     static_cast<std::uint8_t>(WorkItemKind::registration),
                                     ids[i],
                                     0,
                                     0,
                                     {},
                                     "",
                                     row.enrolled_at,
                                     out.last_event})
            : 0);
  }
  txn->commit();
  undo.armed = false;
  if (out.last_event) s.applied(out.last_event.value());
  out.accepted = true;
  if (rows) {
    rows->events = {before, out.last_event ? out.last_event : before};
    rows->fates = std::move(fates);
    rows->persons = std::move(ids);
  }
  return out;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

// Forced activation and inactivation (seed 004 §7.2): one person's VIP
// flag, and the statuses and flags of a CSV file, row by row.
#include <downline/company.hpp>

#include "company/company_state.hpp"
#include "enrollment/csv.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <unordered_map>

DOWNLINE_BEGIN_NAMESPACE
namespace {

using internal::CompanyState;
using internal::GenealogyIndex;
using internal::require_staff;

internal::EventRow status_event(const Actor& actor, Instant now, PersonId person, Status status,
                                Status held, const std::string& reason) {
  internal::EventRow event;
  event.kind = status == Status::active     ? "activated"
               : status == Status::inactive ? "inactivated"
                                            : "status_changed";
  event.person = person;
  event.effective_at = event.recorded_at = now;
  event.actor = actor.login;
  event.reason = reason;
  event.payload =
      nlohmann::json{{"status", to_string(status)}, {"previous_status", to_string(held)}}.dump();
  return event;
}

internal::EventRow vip_event(const Actor& actor, Instant now, PersonId person, bool vip,
                             std::string_view reason) {
  internal::EventRow event;
  event.kind = vip ? "vip_granted" : "vip_revoked";
  event.person = person;
  event.effective_at = event.recorded_at = now;
  event.actor = actor.login;
  event.reason = std::string(reason);
  event.payload = vip ? R"({"vip":true})" : R"({"vip":false})";
  return event;
}

enum class Col : std::uint8_t { person, external_id, status, vip, reason };

struct Columns {
  std::vector<Col> cols;  // by cell
  bool has(Col c) const { return std::find(cols.begin(), cols.end(), c) != cols.end(); }
};

Columns read_header(const std::vector<std::string>& header, const StatusFileOptions& options) {
  for (const auto& [from, to] : options.columns)
    if (std::find(header.begin(), header.end(), from) == header.end())
      throw InvalidArgument("options.columns maps '" + from + "', which is not in the header",
                            "columns." + from);
  static const std::pair<std::string_view, Col> kNames[] = {{"person", Col::person},
                                                            {"external_id", Col::external_id},
                                                            {"status", Col::status},
                                                            {"vip", Col::vip},
                                                            {"reason", Col::reason}};
  Columns out;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const auto mapped = options.columns.find(header[i]);
    const std::string& name = mapped != options.columns.end() ? mapped->second : header[i];
    const std::string where = "header[" + std::to_string(i) + "]";
    const auto* known = std::find_if(std::begin(kNames), std::end(kNames),
                                     [&](const auto& k) { return k.first == name; });
    if (known == std::end(kNames))
      throw InvalidArgument(
          "column '" + header[i] + "' is none of person, external_id, status, vip and reason",
          where);
    if (out.has(known->second))
      throw InvalidArgument("column '" + header[i] + "' maps to " + name + " a second time", where);
    out.cols.push_back(known->second);
  }
  if (!out.has(Col::person) && !out.has(Col::external_id))
    throw InvalidArgument("the header names no person or external_id column", "header");
  return out;
}

// One row, read: who, what it asks, and what could not be read.
struct Row {
  std::uint64_t line = 0;
  PersonId person;
  std::string external_id;
  Status status = Status::inactive;
  bool status_given = false;
  std::optional<bool> vip;
  std::string reason;
  std::vector<Finding> findings;
};

Finding bad(const char* reason, const char* field, const std::string& value, std::string message,
            const char* required) {
  return {Code::invalid_argument, reason, field, std::move(message), value, required};
}

void read_row(const Columns& columns, const std::vector<std::string>& cells,
              const StatusFileOptions& options, Row& row) {
  row.reason = options.reason;
  for (std::size_t i = 0; i < columns.cols.size(); ++i) {
    const std::string& v = cells[i];
    if (v.empty()) continue;
    switch (columns.cols[i]) {
      case Col::person: {
        std::int64_t id = 0;
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
        if (ec != std::errc() || end != v.data() + v.size() || id <= 0)
          row.findings.push_back(bad("invalid_person", "person", v,
                                     "'" + v + "' is not a person id", "a positive id"));
        else
          row.person = PersonId{id};
        break;
      }
      case Col::external_id: row.external_id = v; break;
      case Col::status:
        if (auto s = parse_status(v)) {
          row.status = *s;
          row.status_given = true;
        } else {
          row.findings.push_back(
              bad("invalid_status", "status", v, "'" + v + "' is not a status",
                  "pre_registered, pending_kit, active, inactive, blocked or retired"));
        }
        break;
      case Col::vip:
        if (v == "true" || v == "1")
          row.vip = true;
        else if (v == "false" || v == "0")
          row.vip = false;
        else
          row.findings.push_back(
              bad("invalid_vip", "vip", v, "'" + v + "' is not true or false", "true or false"));
        break;
      case Col::reason: row.reason = v; break;
    }
  }
  // A row of a VIP column alone changes the flag, not the status.
  if (!row.status_given && !(columns.has(Col::vip) && row.vip)) {
    row.status = options.status;
    row.status_given = true;
  }
  if (!row.person && row.external_id.empty() && row.findings.empty())
    row.findings.push_back({Code::invalid_argument, "required",
                            columns.has(Col::external_id) ? "external_id" : "person",
                            "the row names no person", "", "a person id or external id"});
}

}  // namespace

EventSeq Company::set_vip(const Actor& actor, PersonId person, bool vip, std::string_view reason) {
  require_staff(actor, "mark VIP persons");
  CompanyState& s = *state_;
  std::lock_guard writer(s.writer_mu);
  auto txn = s.store->begin_write();
  s.sync();
  {
    std::shared_lock lock(s.index_mu);
    if (!s.index.contains(person))
      throw NotFound("no person has id " + std::to_string(person.value()), "person");
  }
  const auto row = s.store->get_person(person);
  if (!row) throw Internal("person " + std::to_string(person.value()) + " is not stored");
  if (row->vip == vip)
    throw FailedPrecondition(
        "person " + std::to_string(person.value()) + (vip ? " is a VIP already" : " is no VIP"),
        "vip");
  const EventSeq seq = txn->append_event(vip_event(actor, s.clock->now(), person, vip, reason));
  txn->set_vip(person, vip);
  txn->commit();
  std::lock_guard apply(s.apply_mu);
  s.applied(seq.value());
  return seq;
}

StatusFileReport Company::change_statuses_csv(const Actor& actor, std::istream& csv,
                                              const StatusFileOptions& options,
                                              const ProgressFn& progress) {
  require_staff(actor, "force statuses from a file");
  internal::check_csv_options(options.batch_size, options.delimiter);
  const std::uint64_t total = progress ? internal::remaining_bytes(csv) : 0;
  internal::CsvReader reader(csv, options.delimiter);
  std::vector<std::string> cells;
  if (!reader.next(cells)) throw InvalidArgument("the file has no header", "header");
  if (reader.malformed()) throw InvalidArgument("the header has an unterminated quote", "header");
  const Columns columns = read_header(cells, options);

  CompanyState& s = *state_;
  StatusFileReport report;
  std::vector<Row> rows;
  for (bool last = false; !last;) {
    rows.clear();
    while (rows.size() < options.batch_size) {
      if (!reader.next(cells)) {
        last = true;
        break;
      }
      Row& row = rows.emplace_back();
      row.line = reader.line();
      if (reader.malformed())
        row.findings.push_back(bad("malformed_row", "row", "",
                                   "a quote is not closed, or text follows a closing quote",
                                   "RFC 4180 quoting"));
      if (cells.size() != columns.cols.size())
        row.findings.push_back(bad("column_count", "row", std::to_string(cells.size()),
                                   "the row has " + std::to_string(cells.size()) + " cells",
                                   std::to_string(columns.cols.size()).c_str()));
      if (row.findings.empty()) read_row(columns, cells, options, row);
    }
    report.rows += rows.size();

    // The batch in one transaction; the index takes the statuses after the
    // commit. What the batch's earlier rows set is what a later row finds.
    std::vector<std::pair<internal::Node, Status>> statuses;
    {
      std::lock_guard writer(s.writer_mu);
      auto txn = s.store->begin_write();
      s.sync();
      const Instant now = s.clock->now();
      std::unordered_map<std::int64_t, Status> status_now;
      std::unordered_map<std::int64_t, bool> vip_now;
      EventSeq last;
      for (Row& row : rows) {
        if (row.findings.empty()) {
          std::optional<PersonId> found;
          if (row.person) {
            std::shared_lock lock(s.index_mu);
            if (s.index.contains(row.person)) found = row.person;
          } else {
            found = s.store->find_external_id(row.external_id);
          }
          const bool by_id = static_cast<bool>(row.person);
          if (found && row.person && !row.external_id.empty() &&
              s.store->find_external_id(row.external_id) != found)
            row.findings.push_back(bad("ambiguous_person", "external_id", row.external_id,
                                       "person " + std::to_string(row.person.value()) +
                                           " does not have external id '" + row.external_id + "'",
                                       "the person's external id"));
          else if (!found)
            row.findings.push_back({Code::not_found, "person_not_found",
                                    by_id ? "person" : "external_id",
                                    by_id ? "no person has id " + std::to_string(row.person.value())
                                          : "no person has external id '" + row.external_id + "'",
                                    by_id ? std::to_string(row.person.value()) : row.external_id,
                                    "an enrolled person"});
          if (found) row.person = *found;
        }
        if (!row.findings.empty()) {
          report.rejected.push_back({row.line, row.external_id, std::move(row.findings)});
          continue;
        }
        const std::int64_t key = row.person.value();
        Status held;
        if (auto it = status_now.find(key); it != status_now.end()) {
          held = it->second;
        } else {
          std::shared_lock lock(s.index_mu);
          held = s.index.status(GenealogyIndex::node_of(row.person));
        }
        bool changed = false;
        if (row.status_given && held != row.status) {
          last =
              txn->append_event(status_event(actor, now, row.person, row.status, held, row.reason));
          txn->set_status(row.person, row.status);
          status_now[key] = row.status;
          statuses.emplace_back(GenealogyIndex::node_of(row.person), row.status);
          changed = true;
        }
        if (row.vip) {
          bool vip;
          if (auto it = vip_now.find(key); it != vip_now.end()) {
            vip = it->second;
          } else {
            const auto stored = s.store->get_person(row.person);
            if (!stored) throw Internal("person " + std::to_string(key) + " is not stored");
            vip = stored->vip;
          }
          if (vip != *row.vip) {
            last = txn->append_event(vip_event(actor, now, row.person, *row.vip, row.reason));
            txn->set_vip(row.person, *row.vip);
            vip_now[key] = *row.vip;
            changed = true;
          }
        }
        ++(changed ? report.changed : report.unchanged);
      }
      txn->commit();
      std::lock_guard apply(s.apply_mu);
      {
        std::unique_lock lock(s.index_mu);
        for (const auto& [node, status] : statuses) s.index.set_status(node, status);
      }
      if (last) {
        report.last_event = last;
        s.applied(last.value());
      }
    }
    if (progress && (!rows.empty() || report.rows == 0)) progress(reader.bytes(), total);
  }
  return report;
}

StatusFileReport Company::change_statuses_csv_file(const Actor& actor, const std::string& path,
                                                   const StatusFileOptions& options,
                                                   const ProgressFn& progress) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NotFound("cannot read '" + path + "'", "path");
  return change_statuses_csv(actor, in, options, progress);
}

DOWNLINE_END_NAMESPACE

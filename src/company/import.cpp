// Enrollment from CSV files: the header maps each column to a request's
// field; rows are read, mapped and validated ahead on a worker while the
// batch before is written.
#include <downline/company.hpp>

#include "company/bulk.hpp"
#include "company/company_state.hpp"
#include "enrollment/csv.hpp"

#include <charconv>
#include <fstream>
#include <future>
#include <thread>
#include <unordered_map>
#include <unordered_set>

DOWNLINE_BEGIN_NAMESPACE

namespace {

using internal::CsvReader;

enum class Col : std::uint8_t {
  type,
  channel,
  reason,
  effective_at,
  sponsor,
  sponsor_external_id,
  referrer,
  referrer_external_id,
  site,
  accepted_contracts,
  external_id,
  first_name,
  last_name,
  email,
  phone,
  country,
  birth_date,
  zone,
  document_type,
  document_number,
  person_site,
  extended,
};

struct ColumnName {
  std::string_view name;
  Col col;
  bool person;  // also spelled "person.<name>"
};

constexpr ColumnName kColumns[] = {
    {"type", Col::type, false},
    {"channel", Col::channel, false},
    {"reason", Col::reason, false},
    {"effective_at", Col::effective_at, false},
    {"sponsor", Col::sponsor, false},
    {"sponsor_external_id", Col::sponsor_external_id, false},
    {"referrer", Col::referrer, false},
    {"referrer_external_id", Col::referrer_external_id, false},
    {"site", Col::site, false},
    {"accepted_contracts", Col::accepted_contracts, false},
    {"external_id", Col::external_id, true},
    {"first_name", Col::first_name, true},
    {"last_name", Col::last_name, true},
    {"email", Col::email, true},
    {"phone", Col::phone, true},
    {"country", Col::country, true},
    {"birth_date", Col::birth_date, true},
    {"zone", Col::zone, true},
    {"document_type", Col::document_type, true},
    {"document_number", Col::document_number, true},
};

struct Column {
  Col col;
  std::string extended;  // Col::extended: the field's id
  std::string field;     // the request's field path, for findings
};

// The columns of the header, in order; throws InvalidArgument naming the
// header cell for a column that maps to no field or to one already mapped.
std::vector<Column> read_header(const std::vector<std::string>& header,
                                const ImportOptions& options, const internal::Config& config) {
  for (const auto& [from, to] : options.columns)
    if (std::find(header.begin(), header.end(), from) == header.end())
      throw InvalidArgument("options.columns maps '" + from + "', which is not in the header",
                            "columns." + from);
  std::vector<Column> columns;
  std::unordered_set<std::string> seen;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const auto mapped = options.columns.find(header[i]);
    const std::string& name = mapped != options.columns.end() ? mapped->second : header[i];
    const std::string where = "header[" + std::to_string(i) + "]";
    std::string_view bare = name;
    const bool prefixed = bare.starts_with("person.");
    if (prefixed) bare.remove_prefix(7);
    Column c{Col::type, "", ""};
    bool known = false;
    if (bare.starts_with("extended.") && !prefixed) {
      c.col = Col::extended;
      c.extended = std::string(bare.substr(9));
      if (!config.extended_field(c.extended))
        throw InvalidArgument(
            "column '" + header[i] + "': '" + c.extended + "' is not a configured extended field",
            where);
      c.field = "person.extended." + c.extended;
      known = true;
    } else if (prefixed && bare == "site") {
      c = {Col::person_site, "", "person.site"};
      known = true;
    } else {
      for (const ColumnName& k : kColumns)
        if (k.name == bare && (k.person || !prefixed)) {
          c = {k.col, "", (k.person ? "person." : "") + std::string(k.name)};
          known = true;
        }
    }
    if (!known)
      throw InvalidArgument("column '" + header[i] +
                                "' names no enrollment field (see the "
                                "import guide for the field names)",
                            where);
    if (!seen.insert(c.field).second)
      throw InvalidArgument("column '" + header[i] + "' maps to " + c.field + " a second time",
                            where);
    columns.push_back(std::move(c));
  }
  return columns;
}

Finding bad_value(const Column& c, const std::string& value, std::string message,
                  std::string required) {
  return {Code::invalid_argument,
          "invalid_" + c.field.substr(c.field.rfind('.') + 1),
          c.field,
          std::move(message),
          value,
          std::move(required)};
}

std::optional<PersonId> parse_id(std::string_view text) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v <= 0) return std::nullopt;
  return PersonId{v};
}

// "terms:1;privacy:2" (spaces around the parts allowed) into `out`; false
// when the text is not such a list.
bool parse_contracts(std::string_view text, std::vector<ContractRef>& out) {
  out.clear();
  const auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  };
  while (!text.empty()) {
    const std::size_t semi = text.find(';');
    const std::string_view part = trim(text.substr(0, semi));
    text = semi == std::string_view::npos ? std::string_view{} : text.substr(semi + 1);
    if (part.empty()) continue;
    const std::size_t colon = part.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    std::uint32_t version = 0;
    const std::string_view v = trim(part.substr(colon + 1));
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
    if (ec != std::errc() || end != v.data() + v.size() || version == 0) return false;
    out.push_back({std::string(trim(part.substr(0, colon))), version});
  }
  return true;
}

// Fills `r` from one row; a value that cannot be read is a finding. `r`
// may hold an earlier row: every field a column names is set or cleared,
// the others are as the options say or untouched (so default), and the
// strings are copied into the buffers they had.
void map_row(const std::vector<Column>& columns, const std::vector<std::string>& cells,
             const ImportOptions& options, EnrollmentRequest& r, std::vector<Finding>& findings) {
  r.type = options.type;
  r.channel.assign(options.channel);
  r.reason.assign(options.reason);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const std::string& v = cells[i];
    const Column& c = columns[i];
    PersonData& p = r.person;
    switch (c.col) {
      case Col::type:
        if (v.empty()) break;
        if (auto t = parse_customer_type(v))
          r.type = *t;
        else
          findings.push_back(bad_value(c, v, "'" + v + "' is not a customer type",
                                       "guest, customer or consultant"));
        break;
      case Col::channel:
        if (!v.empty()) r.channel.assign(v);
        break;
      case Col::reason:
        if (!v.empty()) r.reason.assign(v);
        break;
      case Col::effective_at:
        r.effective_at.reset();
        if (v.empty()) break;
        try {
          r.effective_at = Instant::parse_rfc3339(v);
        } catch (const Error& e) {
          findings.push_back(bad_value(c, v, e.what(), "an RFC 3339 instant"));
        }
        break;
      case Col::sponsor:
      case Col::referrer: {
        PersonId& id = c.col == Col::sponsor ? r.sponsor : r.referrer;
        id = PersonId{};
        if (v.empty()) break;
        if (auto parsed = parse_id(v))
          id = *parsed;
        else
          findings.push_back(bad_value(c, v, "'" + v + "' is not a person id", "a positive id"));
        break;
      }
      case Col::sponsor_external_id: r.sponsor_external_id.assign(v); break;
      case Col::referrer_external_id: r.referrer_external_id.assign(v); break;
      case Col::site: r.site.assign(v); break;
      case Col::accepted_contracts:
        if (!parse_contracts(v, r.accepted_contracts))
          findings.push_back(bad_value(c, v, "'" + v + "' is not a list of contract versions",
                                       "contract:version;contract:version"));
        break;
      case Col::external_id: p.external_id.assign(v); break;
      case Col::first_name: p.first_name.assign(v); break;
      case Col::last_name: p.last_name.assign(v); break;
      case Col::email: p.email.assign(v); break;
      case Col::phone: p.phone.assign(v); break;
      case Col::country: p.country.assign(v); break;
      case Col::birth_date:
        p.birth_date.reset();
        if (v.empty()) break;
        try {
          p.birth_date = LocalDate::parse(v);
        } catch (const Error& e) {
          findings.push_back(bad_value(c, v, e.what(), "YYYY-MM-DD"));
        }
        break;
      case Col::zone: p.zone.assign(v); break;
      case Col::document_type: p.document_type.assign(v); break;
      case Col::document_number: p.document_number.assign(v); break;
      case Col::person_site: p.site.assign(v); break;
      case Col::extended:
        if (v.empty())
          p.extended.erase(c.extended);
        else
          p.extended[c.extended].assign(v);
        break;
    }
  }
}

// One batch of rows, read, mapped, validated and looked up. A batch
// written is handed back to be filled again: its requests keep their
// buffers, and nothing of it is freed while the next one is written.
struct Batch {
  std::vector<EnrollmentRequest> pool;  // [0, count) are this batch's requests
  std::size_t count = 0;
  std::vector<std::uint64_t> lines;     // by request
  std::vector<RejectedRow> unreadable;  // rows whose cells could not be read
  internal::Prevalidated pre;
  internal::StoreFacts facts;
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;  // read after this batch
  bool last = false;

  std::span<const EnrollmentRequest> requests() const { return {pool.data(), count}; }
};

// The keys of a batch's requests, as views of them: the next batch's facts
// may have been read before this one committed.
struct BatchKeys {
  std::unordered_set<std::string_view> external_ids, email_keys, document_numbers;
};

}  // namespace

ImportReport Company::import_csv(const Actor& actor, std::istream& csv,
                                 const ImportOptions& options, const ProgressFn& progress) {
  const internal::Config& config = state_->config;
  internal::check_csv_options(options.batch_size, options.delimiter);
  if (!options.channel.empty() && !config.channels.empty() && !config.channel(options.channel))
    throw InvalidArgument("'" + options.channel + "' is not a configured channel", "channel");

  // The stream's size, when it can tell, for the progress.
  const std::uint64_t total = progress ? internal::remaining_bytes(csv) : 0;
  CsvReader reader(csv, options.delimiter);
  std::vector<std::string> header;
  if (!reader.next(header)) throw InvalidArgument("the file has no header", "header");
  if (reader.malformed()) throw InvalidArgument("the header has an unterminated quote", "header");
  const std::vector<Column> columns = read_header(header, options, config);
  if (!config.channels.empty() && options.channel.empty() &&
      std::none_of(columns.begin(), columns.end(),
                   [](const Column& c) { return c.col == Col::channel; }))
    throw InvalidArgument("the company configures channels: name one in the options or a column",
                          "channel");

  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  // Read and written by `prepare` only (one runs at a time).
  std::unordered_set<std::string> seen;  // external ids of the file's rows
  BatchKeys keys;                        // of the batch prepared last
  const auto prepare = [&](Batch b) {
    b.count = 0;
    b.lines.clear();
    b.unreadable.clear();
    b.rows = 0;
    std::vector<std::string> cells;
    std::vector<Finding> findings;
    b.pool.reserve(options.batch_size);
    while (b.rows < options.batch_size) {
      if (!reader.next(cells)) {
        b.last = true;
        break;
      }
      ++b.rows;
      findings.clear();
      const std::uint64_t line = reader.line();
      if (reader.malformed())
        findings.push_back({Code::invalid_argument, "malformed_row", "row",
                            "a quote is not closed, or text follows a closing quote", "",
                            "RFC 4180 quoting"});
      if (cells.size() != columns.size())
        findings.push_back({Code::invalid_argument, "column_count", "row",
                            "the row has " + std::to_string(cells.size()) + " cells",
                            std::to_string(cells.size()), std::to_string(columns.size())});
      if (b.count == b.pool.size()) b.pool.emplace_back();
      EnrollmentRequest& r = b.pool[b.count];
      if (findings.empty()) map_row(columns, cells, options, r, findings);
      // An external id a row earlier in the file had: enrolled by this
      // import, it would pass for one enrolled before.
      const std::string& ext = r.person.external_id;
      if (findings.empty() && !ext.empty() && !seen.insert(ext).second)
        findings.push_back({Code::already_exists, "duplicate_external_id", "person.external_id",
                            "external id '" + ext + "' is on an earlier row of the file", ext,
                            "a new external id"});
      if (!findings.empty()) {
        std::string id;
        for (std::size_t i = 0; i < columns.size() && i < cells.size(); ++i)
          if (columns[i].col == Col::external_id) id = cells[i];
        b.unreadable.push_back({line, std::move(id), findings});
        continue;  // its request is filled again by the next row
      }
      ++b.count;
      b.lines.push_back(line);
    }
    b.bytes = reader.bytes();
    const std::span<const EnrollmentRequest> requests = b.requests();
    b.pre = internal::prevalidate(config, requests, threads);
    b.facts = internal::look_up_facts(*state_->store, config, requests, b.pre);
    // Which keys the batch written meanwhile may hold; then this batch's.
    b.facts.suspect.assign(b.count, 0);
    const auto has = [](const std::unordered_set<std::string_view>& set, std::string_view key) {
      return !key.empty() && set.count(key) != 0;
    };
    for (std::size_t i = 0; i < b.count; ++i) {
      const EnrollmentRequest& r = requests[i];
      const internal::NormalizedPerson& p = b.pre.norms[i];
      std::uint8_t& bits = b.facts.suspect[i];
      if (has(keys.external_ids, r.person.external_id)) bits |= internal::suspect_external_id;
      if (has(keys.external_ids, r.sponsor_external_id)) bits |= internal::suspect_sponsor;
      if (has(keys.external_ids, r.referrer_external_id)) bits |= internal::suspect_referrer;
      if (has(keys.email_keys, p.email_key)) bits |= internal::suspect_email;
      if (has(keys.document_numbers, p.document_number)) bits |= internal::suspect_document;
    }
    for (auto* set : {&keys.external_ids, &keys.email_keys, &keys.document_numbers}) {
      set->clear();
      set->reserve(b.count);
    }
    for (std::size_t i = 0; i < b.count; ++i) {
      keys.external_ids.insert(requests[i].person.external_id);
      keys.email_keys.insert(b.pre.norms[i].email_key);
      keys.document_numbers.insert(b.pre.norms[i].document_number);
    }
    return b;
  };

  ImportReport report;
  std::unordered_set<std::string> rejected_ids;  // external ids of rejected rows
  std::optional<internal::EventSpan> previous;   // of the batch written last
  Batch spare;                                   // the batch written last, to be filled again
  std::future<Batch> ahead = std::async(std::launch::async, prepare, Batch{});
  for (;;) {
    Batch b = ahead.get();
    // The next batch is read and validated while this one is written.
    if (!b.last) ahead = std::async(std::launch::async, prepare, std::move(spare));
    // The next batch's suspect keys are views of this one: whatever ends
    // this iteration early (a throwing progress, a failed write) waits for
    // it before `b` goes.
    try {
      report.rows += b.rows;
      for (RejectedRow& row : b.unreadable) {
        // A duplicate's external id stays the earlier row's.
        const bool duplicate = std::any_of(row.findings.begin(), row.findings.end(), [](auto& f) {
          return f.reason == "duplicate_external_id";
        });
        if (!row.external_id.empty() && !duplicate) rejected_ids.insert(row.external_id);
        report.rejected.push_back(std::move(row));
      }
      const std::span<const EnrollmentRequest> requests = b.requests();
      if (!requests.empty()) {
        internal::BatchOptions batch_options;
        batch_options.partial = true;
        batch_options.skip_existing = true;
        batch_options.pre = &b.pre;
        batch_options.rejected_before = &rejected_ids;
        batch_options.facts = &b.facts;
        batch_options.previous = previous;
        internal::BatchRows rows;
        BulkEnrollmentOutcome out =
            internal::enroll_batch(*state_, actor, requests, {}, batch_options, &rows);
        if (out.last_event) report.last_event = out.last_event;
        previous = rows.events;
        report.enrolled += out.persons.size();
        // Findings come as "[i].field": request i's row gathers them.
        std::unordered_map<std::size_t, std::size_t> row_of;
        for (Finding& f : out.findings) {
          const std::size_t close = f.field.find("].");
          const std::size_t i = std::stoull(f.field.substr(1, close - 1));
          f.field.erase(0, close + 2);
          const auto [it, added] = row_of.try_emplace(i, report.rejected.size());
          if (added) report.rejected.push_back({b.lines[i], requests[i].person.external_id, {}});
          report.rejected[it->second].findings.push_back(std::move(f));
        }
        for (std::size_t i = 0; i < rows.fates.size(); ++i) {
          if (rows.fates[i] == internal::RowFate::existing) ++report.existing;
          if (rows.fates[i] == internal::RowFate::rejected &&
              !requests[i].person.external_id.empty())
            rejected_ids.insert(requests[i].person.external_id);
        }
      }
      if (progress && (b.rows > 0 || report.rows == 0)) progress(b.bytes, total);
      if (b.last) break;
    } catch (...) {
      if (ahead.valid()) ahead.wait();
      throw;
    }
    spare = std::move(b);
  }
  // A row rejected at placement is reported after the rows of its batch
  // rejected earlier: the report reads in file order.
  std::stable_sort(report.rejected.begin(), report.rejected.end(),
                   [](const RejectedRow& a, const RejectedRow& b) { return a.line < b.line; });
  return report;
}

ImportReport Company::import_csv_file(const Actor& actor, const std::string& path,
                                      const ImportOptions& options, const ProgressFn& progress) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NotFound("cannot read '" + path + "'", "path");
  return import_csv(actor, in, options, progress);
}

DOWNLINE_END_NAMESPACE

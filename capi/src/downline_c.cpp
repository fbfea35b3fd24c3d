// The C ABI: parse the inputs with downline::json, call downline::Company,
// serialise with downline::json. No business logic and no second validation
// here; the only checks are the ones C adds (NULL pointers).

#include "downline.h"

#include <downline/company.hpp>
#include <downline/error.hpp>
#include <downline/json.hpp>
#include <downline/rules.hpp>
#include <downline/time.hpp>
#include <downline/version.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

struct downline_company {
  downline::Company company;
};

struct downline_rules {
  downline::RuleBook book;
};

namespace {

using downline::Code;

// The thread's last error. The strings live here; `view` points into them (or
// at static literals when even recording the error ran out of memory).
struct LastError {
  std::string message;
  std::string detail_json;
  downline_error view{DOWNLINE_OK, "", ""};
};

LastError& last_error() noexcept {
  thread_local LastError error;
  return error;
}

void clear_last_error() noexcept {
  LastError& e = last_error();
  e.message.clear();  // keeps the capacity: never allocates
  e.detail_json.clear();
  e.view = {DOWNLINE_OK, "", ""};
}

downline_status set_last_error(Code code, std::string_view message,
                               std::string_view field) noexcept {
  const auto status = static_cast<downline_status>(code);
  LastError& e = last_error();
  try {
    e.message.assign(message);
    nlohmann::json detail = {{"code", std::string(downline::code_name(code))},
                             {"field", std::string(field)},
                             {"message", std::string(message)}};
    // Messages may quote host input that is not valid UTF-8.
    e.detail_json = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    e.view = {status, e.message.c_str(), e.detail_json.c_str()};
  } catch (...) {
    e.view = {
        status, "out of memory while recording an error",
        R"({"code":"INTERNAL","field":"","message":"out of memory while recording an error"})"};
  }
  return status;
}

downline_status set_out_of_memory() noexcept {
  LastError& e = last_error();
  e.message.clear();
  e.detail_json.clear();
  e.view = {DOWNLINE_INTERNAL, "out of memory",
            R"({"code":"INTERNAL","field":"","message":"out of memory"})"};
  return DOWNLINE_INTERNAL;
}

}  // namespace

// Every extern "C" body sits between these two: the error record is reset,
// and every exception becomes a status code. Nothing unwinds into C.
#define DOWNLINE_C_TRY \
  clear_last_error();  \
  try {
#define DOWNLINE_C_CATCH                                            \
  }                                                                 \
  catch (const downline::Error& e) {                                \
    return set_last_error(e.code(), e.what(), e.field());           \
  }                                                                 \
  catch (const std::bad_alloc&) {                                   \
    return set_out_of_memory();                                     \
  }                                                                 \
  catch (const std::exception& e) {                                 \
    return set_last_error(Code::internal, e.what(), "");            \
  }                                                                 \
  catch (...) {                                                     \
    return set_last_error(Code::internal, "unknown exception", ""); \
  }

namespace {

template <class T>
T* require(T* p, const char* parameter) {
  if (p == nullptr) {
    throw downline::InvalidArgument(std::string(parameter) + " must not be NULL", parameter);
  }
  return p;
}

// Runs a JSON parser on a C string argument; a parse error that names no
// field inside the document names the C parameter instead.
template <class Parse>
auto parse_arg(const char* text, const char* parameter, Parse parse) {
  require(text, parameter);
  try {
    return parse(std::string_view(text));
  } catch (const downline::Error& e) {
    if (!e.field().empty()) throw;
    downline::throw_error(e.code(), e.what(), parameter);
  }
}

// A (pointer, length) text argument; DOWNLINE_NUL_TERMINATED means strlen.
std::string_view text_arg(const char* text, size_t len, const char* parameter) {
  require(text, parameter);
  return len == DOWNLINE_NUL_TERMINATED ? std::string_view(text) : std::string_view(text, len);
}

downline::Actor parse_actor(const char* actor_json) {
  return parse_arg(actor_json, "actor_json", downline::json::parse_actor);
}

// The output buffer of one call. It is emptied when the call fails; on
// success its old bytes are replaced only once the new ones exist, so an
// input that points into the old bytes stays readable for the whole call.
class OutBuf {
 public:
  explicit OutBuf(downline_buf* buf) : buf_(require(buf, "out")) {}
  OutBuf(const OutBuf&) = delete;
  OutBuf& operator=(const OutBuf&) = delete;
  ~OutBuf() {
    if (!done_) downline_buf_dispose(buf_);
  }

  downline_status set(std::string_view bytes) {
    char* p = static_cast<char*>(std::malloc(bytes.size() + 1));
    if (p == nullptr) throw std::bad_alloc();
    std::memcpy(p, bytes.data(), bytes.size());
    p[bytes.size()] = '\0';
    downline_buf_dispose(buf_);
    *buf_ = {p, bytes.size(), bytes.size() + 1};
    done_ = true;
    return DOWNLINE_OK;
  }

 private:
  downline_buf* buf_;
  bool done_ = false;
};

downline::Company& company_of(downline_company* company) {
  return require(company, "company")->company;
}

const downline::RuleBook& book_of(const downline_rules* rules) {
  return require(rules, "rules")->book;
}

// The body of every call that answers an actor's question in `out`: the
// checks in the same order (out, company, actor), then `ask`, whose answer
// is written as JSON, or as it is when it is already text. `ask` parses its
// own arguments, so their errors come after those of out, company and actor.
template <class Ask>
downline_status answer(downline_buf* out, downline_company* company, const char* actor_json,
                       Ask&& ask) {
  DOWNLINE_C_TRY
  OutBuf result(out);
  auto& co = company_of(company);
  const auto actor = parse_actor(actor_json);
  auto reply = ask(co, actor);
  if constexpr (std::is_same_v<decltype(reply), std::string>)
    return result.set(reply);
  else
    return result.set(downline::json::to_json(reply));
  DOWNLINE_C_CATCH
}

// The body of every call that writes one event and answers its sequence in
// `event_out`: the checks in the same order (event_out, company, actor),
// then `write`.
template <class Write>
downline_status record(int64_t* event_out, downline_company* company, const char* actor_json,
                       Write&& write) {
  DOWNLINE_C_TRY
  *require(event_out, "event_out") = 0;
  auto& co = company_of(company);
  const auto actor = parse_actor(actor_json);
  *event_out = write(co, actor).value();
  return DOWNLINE_OK;
  DOWNLINE_C_CATCH
}

downline::Trigger parse_trigger(const char* trigger) {
  const auto parsed = downline::parse_trigger(require(trigger, "trigger"));
  if (!parsed) {
    throw downline::InvalidArgument(std::string("unknown trigger '") + trigger +
                                        "' (enrollment, order_state_changed, campaign_close)",
                                    "trigger");
  }
  return *parsed;
}

}  // namespace

extern "C" {

const downline_error* downline_error_last(void) {
  return &last_error().view;
}

void downline_buf_dispose(downline_buf* buf) {
  if (buf == nullptr) return;
  std::free(buf->ptr);
  *buf = {nullptr, 0, 0};
}

const char* downline_version(void) {
  return downline::version();
}

downline_status downline_company_open(downline_company** out, const char* uri, const char* config,
                                      size_t config_len) {
  DOWNLINE_C_TRY
  *require(out, "out") = nullptr;
  require(uri, "uri");
  require(config, "config");
  const std::string_view config_text = config_len == DOWNLINE_NUL_TERMINATED
                                           ? std::string_view(config)
                                           : std::string_view(config, config_len);
  *out = new downline_company{downline::Company::open(uri, config_text)};
  return DOWNLINE_OK;
  DOWNLINE_C_CATCH
}

// ~Company is noexcept: closing cannot fail or throw.
void downline_company_close(downline_company* company) {
  delete company;
}

downline_status downline_enroll_json(downline_buf* out, downline_company* company,
                                     const char* actor_json, const char* request_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    const auto request =
        parse_arg(request_json, "request_json", downline::json::parse_enrollment_request);
    return co.enroll(actor, request);
  });
}

downline_status downline_enroll_many_json(downline_buf* out, downline_company* company,
                                          const char* actor_json, const char* requests_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    const auto requests =
        parse_arg(requests_json, "requests_json", downline::json::parse_enrollment_requests);
    return co.enroll_many(actor, requests);
  });
}

namespace {
// A C progress callback as a ProgressFn: a non-zero answer stops the work.
downline::ProgressFn progress_of(downline_progress_fn progress, void* user) {
  if (progress == nullptr) return {};
  return [progress, user](std::size_t done, std::size_t total) {
    if (progress(done, total, user) != 0)
      throw downline::Aborted("the progress callback asked to stop", "progress");
  };
}
}  // namespace

downline_status downline_import_csv_json(downline_buf* out, downline_company* company,
                                         const char* actor_json, const char* csv_path,
                                         const char* options_json, downline_progress_fn progress,
                                         void* user) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    const downline::ImportOptions options =
        options_json != nullptr
            ? parse_arg(options_json, "options_json", downline::json::parse_import_options)
            : downline::ImportOptions{};
    return co.import_csv_file(actor, require(csv_path, "csv_path"), options,
                              progress_of(progress, user));
  });
}

downline_status downline_person_json(downline_buf* out, downline_company* company,
                                     const char* actor_json, int64_t person_id) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.person(actor, downline::PersonId{person_id});
  });
}

namespace {
// NULL means the default, as the header says.
const char* network_or_sponsor(const char* network) {
  return network != nullptr ? network : downline::kSponsorNetwork;
}
downline::DownlineQuery query_or_default(const char* query_json) {
  return query_json != nullptr
             ? parse_arg(query_json, "query_json", downline::json::parse_downline_query)
             : downline::DownlineQuery{};
}
}  // namespace

downline_status downline_upline_json(downline_buf* out, downline_company* company,
                                     const char* actor_json, int64_t person_id, const char* network,
                                     int32_t max_levels) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    std::optional<std::uint32_t> levels;
    if (max_levels >= 0) levels = static_cast<std::uint32_t>(max_levels);
    return co.upline(actor, downline::PersonId{person_id}, network_or_sponsor(network), levels);
  });
}

downline_status downline_downline_json(downline_buf* out, downline_company* company,
                                       const char* actor_json, int64_t person_id,
                                       const char* query_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.downline(actor, downline::PersonId{person_id}, query_or_default(query_json));
  });
}

downline_status downline_is_in_downline(int* out, downline_company* company, const char* actor_json,
                                        const char* network, int64_t person_id, int64_t of_id) {
  DOWNLINE_C_TRY
  *require(out, "out") = 0;
  auto& co = company_of(company);
  const auto actor = parse_actor(actor_json);
  require(network, "network");
  *out = co.is_in_downline(actor, downline::PersonId{person_id}, downline::PersonId{of_id}, network)
             ? 1
             : 0;
  return DOWNLINE_OK;
  DOWNLINE_C_CATCH
}

downline_status downline_network_id(downline_buf* out, downline_company* company,
                                    const char* actor_json, const char* network,
                                    int64_t person_id) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    require(network, "network");
    return co.network_id(actor, downline::PersonId{person_id}, network);
  });
}

downline_status downline_user_add_json(downline_company* company, const char* actor_json,
                                       const char* user_json) {
  DOWNLINE_C_TRY
  auto& co = company_of(company);
  const auto actor = parse_actor(actor_json);
  const auto user = parse_arg(user_json, "user_json", downline::json::parse_actor);
  co.add_user(actor, user);
  return DOWNLINE_OK;
  DOWNLINE_C_CATCH
}

downline_status downline_actor_for_json(downline_buf* out, downline_company* company,
                                        const char* login) {
  DOWNLINE_C_TRY
  OutBuf result(out);
  auto& co = company_of(company);
  return result.set(downline::json::to_json(co.actor_for(require(login, "login"))));
  DOWNLINE_C_CATCH
}

downline_status downline_export_tree(downline_buf* out, downline_company* company,
                                     const char* actor_json, int64_t person_id,
                                     const char* options_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    const auto options =
        options_json != nullptr
            ? parse_arg(options_json, "options_json", downline::json::parse_tree_export_options)
            : downline::TreeExportOptions{};
    return co.export_tree(actor, downline::PersonId{person_id}, options);
  });
}

downline_status downline_verify_json(downline_buf* out, downline_company* company,
                                     const char* actor_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.verify(actor);
  });
}

downline_status downline_transfer_json(downline_buf* out, downline_company* company,
                                       const char* actor_json, const char* request_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    const auto request =
        parse_arg(request_json, "request_json", downline::json::parse_transfer_request);
    return co.transfer(actor, request);
  });
}

downline_status downline_compress_json(downline_buf* out, downline_company* company,
                                       const char* actor_json, const char* request_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    const auto request =
        parse_arg(request_json, "request_json", downline::json::parse_compression_request);
    return co.compress(actor, request);
  });
}

downline_status downline_place_json(downline_buf* out, downline_company* company,
                                    const char* actor_json, int64_t person, const char* choice_json,
                                    const char* reason) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    const auto choice =
        parse_arg(choice_json, "choice_json", downline::json::parse_placement_choice);
    return co.place(actor, downline::PersonId{person}, choice,
                    reason != nullptr ? reason : std::string_view());
  });
}

downline_status downline_place_expired_json(downline_buf* out, downline_company* company,
                                            const char* actor_json, const char* network) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.place_expired(actor, require(network, "network"));
  });
}

downline_status downline_children_json(downline_buf* out, downline_company* company,
                                       const char* actor_json, int64_t person,
                                       const char* network) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.reader(actor, network_or_sponsor(network)).children(downline::PersonId{person});
  });
}

downline_status downline_level_counts_json(downline_buf* out, downline_company* company,
                                           const char* actor_json, int64_t person_id,
                                           const char* query_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.level_counts(actor, downline::PersonId{person_id}, query_or_default(query_json));
  });
}

downline_status downline_generation_counts_json(downline_buf* out, downline_company* company,
                                                const char* actor_json, int64_t person_id,
                                                const char* query_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.generation_counts(actor, downline::PersonId{person_id}, query_or_default(query_json));
  });
}

downline_status downline_generation(uint32_t* out, downline_company* company,
                                    const char* actor_json, const char* network, int64_t person_id,
                                    int64_t upline_id) {
  DOWNLINE_C_TRY
  *require(out, "out") = 0;
  auto& co = company_of(company);
  const auto actor = parse_actor(actor_json);
  require(network, "network");
  *out =
      co.generation(actor, downline::PersonId{person_id}, downline::PersonId{upline_id}, network);
  return DOWNLINE_OK;
  DOWNLINE_C_CATCH
}

downline_status downline_legs_json(downline_buf* out, downline_company* company,
                                   const char* actor_json, int64_t person_id, const char* network) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.legs(actor, downline::PersonId{person_id}, network_or_sponsor(network));
  });
}

downline_status downline_change_rank_json(int64_t* event_out, downline_company* company,
                                          const char* actor_json, const char* change_json) {
  return record(
      event_out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
        return co.change_rank(
            actor, parse_arg(change_json, "change_json", downline::json::parse_rank_change));
      });
}

downline_status downline_change_status_json(int64_t* event_out, downline_company* company,
                                            const char* actor_json, const char* change_json) {
  return record(
      event_out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
        return co.change_status(
            actor, parse_arg(change_json, "change_json", downline::json::parse_status_change));
      });
}

downline_status downline_subscribe(uint64_t* id_out, downline_company* company,
                                   const char* actor_json, downline_event_fn fn, void* user) {
  DOWNLINE_C_TRY
  *require(id_out, "id_out") = 0;
  auto& co = company_of(company);
  const auto actor = parse_actor(actor_json);
  if (fn == nullptr) throw downline::InvalidArgument("fn is NULL", "fn");
  *id_out = co.subscribe(actor, [fn, user](const downline::Event& event) {
    const std::string text = downline::json::to_json(event);
    fn(text.c_str(), user);
  });
  return DOWNLINE_OK;
  DOWNLINE_C_CATCH
}

downline_status downline_unsubscribe(downline_company* company, uint64_t id) {
  DOWNLINE_C_TRY
  company_of(company).unsubscribe(id);
  return DOWNLINE_OK;
  DOWNLINE_C_CATCH
}

downline_status downline_set_vip(int64_t* event_out, downline_company* company,
                                 const char* actor_json, int64_t person_id, int vip,
                                 const char* reason) {
  return record(event_out, company, actor_json,
                [&](downline::Company& co, const downline::Actor& actor) {
                  return co.set_vip(actor, downline::PersonId{person_id}, vip != 0,
                                    reason != nullptr ? reason : "");
                });
}

downline_status downline_change_statuses_csv_json(downline_buf* out, downline_company* company,
                                                  const char* actor_json, const char* csv_path,
                                                  const char* options_json,
                                                  downline_progress_fn progress, void* user) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    const downline::StatusFileOptions options =
        options_json != nullptr
            ? parse_arg(options_json, "options_json", downline::json::parse_status_file_options)
            : downline::StatusFileOptions{};
    return co.change_statuses_csv_file(actor, require(csv_path, "csv_path"), options,
                                       progress_of(progress, user));
  });
}

downline_status downline_convert_json(downline_buf* out, downline_company* company,
                                      const char* actor_json, const char* conversion_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.convert(
        actor, parse_arg(conversion_json, "conversion_json", downline::json::parse_conversion));
  });
}

downline_status downline_find_guest(int64_t* person_out, downline_company* company,
                                    const char* actor_json, const char* quick_code) {
  DOWNLINE_C_TRY
  *require(person_out, "person_out") = 0;
  auto& co = company_of(company);
  const auto actor = parse_actor(actor_json);
  if (auto found = co.find_guest(actor, require(quick_code, "quick_code")))
    *person_out = found->value();
  return DOWNLINE_OK;
  DOWNLINE_C_CATCH
}

downline_status downline_work_items_json(downline_buf* out, downline_company* company,
                                         const char* actor_json, const char* query_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.work_items(
        actor, parse_arg(query_json, "query_json", downline::json::parse_work_item_query));
  });
}

downline_status downline_decide_json(downline_buf* out, downline_company* company,
                                     const char* actor_json, const char* decision_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.decide(
        actor, parse_arg(decision_json, "decision_json", downline::json::parse_work_decision));
  });
}

downline_status downline_request_credit_json(downline_buf* out, downline_company* company,
                                             const char* actor_json, const char* request_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.request_credit(
        actor, parse_arg(request_json, "request_json", downline::json::parse_credit_request));
  });
}

downline_status downline_blacklist_add_json(int64_t* event_out, downline_company* company,
                                            const char* actor_json, const char* entry_json) {
  return record(
      event_out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
        return co.add_to_blacklist(
            actor, parse_arg(entry_json, "entry_json", downline::json::parse_blacklist_entry));
      });
}

downline_status downline_blacklist_remove_json(int64_t* event_out, downline_company* company,
                                               const char* actor_json, const char* entry_json) {
  return record(event_out, company, actor_json,
                [&](downline::Company& co, const downline::Actor& actor) {
                  const auto entry =
                      parse_arg(entry_json, "entry_json", downline::json::parse_blacklist_entry);
                  return co.remove_from_blacklist(actor, entry.kind, entry.value, entry.country);
                });
}

downline_status downline_blacklist_json(downline_buf* out, downline_company* company,
                                        const char* actor_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.blacklist(actor);
  });
}

downline_status downline_contracts_json(downline_buf* out, downline_company* company) {
  DOWNLINE_C_TRY
  OutBuf result(out);
  return result.set(downline::json::to_json(company_of(company).contracts()));
  DOWNLINE_C_CATCH
}

downline_status downline_accept_contract_json(int64_t* event_out, downline_company* company,
                                              const char* actor_json, int64_t person_id,
                                              const char* contract_json, const char* channel) {
  return record(event_out, company, actor_json,
                [&](downline::Company& co, const downline::Actor& actor) {
                  const auto ref =
                      parse_arg(contract_json, "contract_json", downline::json::parse_contract_ref);
                  return co.accept_contract(actor, downline::PersonId{person_id}, ref,
                                            require(channel, "channel"));
                });
}

downline_status downline_pending_contracts_json(downline_buf* out, downline_company* company,
                                                const char* actor_json, int64_t person_id) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.pending_contracts(actor, downline::PersonId{person_id});
  });
}

downline_status downline_contract_acceptances_json(downline_buf* out, downline_company* company,
                                                   const char* actor_json, int64_t person_id) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.contract_acceptances(actor, downline::PersonId{person_id});
  });
}

downline_status downline_acceptances_of_json(downline_buf* out, downline_company* company,
                                             const char* actor_json, const char* contract) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.acceptances_of(actor, require(contract, "contract"));
  });
}

downline_status downline_attachments_json(downline_buf* out, downline_company* company,
                                          const char* actor_json, int64_t person_id) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.attachments(actor, downline::PersonId{person_id});
  });
}

downline_status downline_profile_completion_json(downline_buf* out, downline_company* company,
                                                 const char* actor_json, int64_t person_id) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.profile_completion(actor, downline::PersonId{person_id});
  });
}

downline_status downline_rank_history_json(downline_buf* out, downline_company* company,
                                           const char* actor_json, int64_t person_id) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.rank_history(actor, downline::PersonId{person_id});
  });
}

downline_status downline_recalculate_json(downline_buf* out, downline_company* company,
                                          const char* actor_json, const char* request_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    const auto request =
        parse_arg(request_json, "request_json", downline::json::parse_recalculation_request);
    return co.recalculate(actor, request);
  });
}

downline_status downline_figures_json(downline_buf* out, downline_company* company,
                                      const char* actor_json, int64_t person_id,
                                      const char* network) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.figures(actor, downline::PersonId{person_id}, network_or_sponsor(network));
  });
}

downline_status downline_open_positions_json(downline_buf* out, downline_company* company,
                                             const char* actor_json, int64_t person,
                                             const char* network, size_t limit) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.reader(actor, network_or_sponsor(network))
        .open_positions(downline::PersonId{person}, limit);
  });
}

downline_status downline_lobby_json(downline_buf* out, downline_company* company,
                                    const char* actor_json, const char* network) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.reader(actor, require(network, "network")).lobby();
  });
}

downline_status downline_rules_load(downline_rules** out, const char* json, size_t json_len) {
  DOWNLINE_C_TRY
  *require(out, "out") = nullptr;
  const std::string_view text = text_arg(json, json_len, "json");
  *out = new downline_rules{downline::RuleBook::load(text)};
  return DOWNLINE_OK;
  DOWNLINE_C_CATCH
}

// ~RuleBook is noexcept: closing cannot fail or throw.
void downline_rules_close(downline_rules* rules) {
  delete rules;
}

downline_status downline_rules_evaluate_json(downline_buf* out, const downline_rules* rules,
                                             const char* trigger, const char* facts_json,
                                             size_t facts_json_len, const char* at, int trace) {
  DOWNLINE_C_TRY
  OutBuf result(out);
  const auto& book = book_of(rules);
  const auto trig = parse_trigger(trigger);
  const std::string_view facts = text_arg(facts_json, facts_json_len, "facts_json");
  const downline::Instant when = at != nullptr
                                     ? parse_arg(at, "at", downline::Instant::parse_rfc3339)
                                     : downline::SystemClock().now();
  return result.set(downline::json::to_json(book.evaluate(trig, facts, when, trace != 0)));
  DOWNLINE_C_CATCH
}

downline_status downline_rules_test_json(downline_buf* out, const downline_rules* rules,
                                         const char* cases_json, size_t cases_json_len) {
  DOWNLINE_C_TRY
  OutBuf result(out);
  const auto& book = book_of(rules);
  const std::string_view cases = text_arg(cases_json, cases_json_len, "cases_json");
  return result.set(downline::json::to_json(book.test(cases)));
  DOWNLINE_C_CATCH
}

downline_status downline_rfm_json(downline_buf* out, const char* transactions_json,
                                  size_t transactions_json_len, const char* options_json) {
  DOWNLINE_C_TRY
  OutBuf result(out);
  const auto transactions = downline::json::parse_rfm_transactions(
      text_arg(transactions_json, transactions_json_len, "transactions_json"));
  const auto options = downline::json::parse_rfm_options(
      text_arg(options_json, DOWNLINE_NUL_TERMINATED, "options_json"));
  return result.set(downline::json::to_json(downline::rfm_table(transactions, options)));
  DOWNLINE_C_CATCH
}

downline_status downline_add_campaigns_json(downline_buf* out, downline_company* company,
                                            const char* actor_json, const char* campaigns_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    const auto specs =
        parse_arg(campaigns_json, "campaigns_json", downline::json::parse_campaign_specs);
    return co.add_campaigns(actor, specs);
  });
}

downline_status downline_campaigns_json(downline_buf* out, downline_company* company) {
  DOWNLINE_C_TRY
  OutBuf result(out);
  return result.set(downline::json::to_json(company_of(company).campaigns()));
  DOWNLINE_C_CATCH
}

downline_status downline_report_order_json(downline_buf* out, downline_company* company,
                                           const char* actor_json, const char* report_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.report_order(
        actor, parse_arg(report_json, "report_json", downline::json::parse_order_report));
  });
}

downline_status downline_report_orders_json(downline_buf* out, downline_company* company,
                                            const char* actor_json, const char* reports_json,
                                            downline_progress_fn progress, void* user) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    const auto reports =
        parse_arg(reports_json, "reports_json", downline::json::parse_order_reports);
    return co.report_orders(actor, reports, progress_of(progress, user));
  });
}

downline_status downline_order_json(downline_buf* out, downline_company* company,
                                    const char* actor_json, const char* order_id) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.order(actor, require(order_id, "order_id"));
  });
}

downline_status downline_activity_json(downline_buf* out, downline_company* company,
                                       const char* actor_json, int64_t person_id,
                                       const char* campaign) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.activity(actor, downline::PersonId{person_id}, require(campaign, "campaign"));
  });
}

downline_status downline_close_campaign_json(downline_buf* out, downline_company* company,
                                             const char* actor_json, const char* campaign) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.close_campaign(actor, require(campaign, "campaign"));
  });
}

downline_status downline_precalculate_json(downline_buf* out, downline_company* company,
                                           const char* actor_json, const char* campaign) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.precalculate(actor, require(campaign, "campaign"));
  });
}

downline_status downline_rank_report_json(downline_buf* out, downline_company* company,
                                          const char* actor_json, int64_t person_id,
                                          const char* campaign) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.rank_report(actor, downline::PersonId{person_id}, require(campaign, "campaign"));
  });
}

downline_status downline_kpis_json(downline_buf* out, downline_company* company,
                                   const char* actor_json, const char* query_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.kpis(actor, parse_arg(query_json, "query_json", downline::json::parse_kpi_query));
  });
}

downline_status downline_genealogy_list_json(downline_buf* out, downline_company* company,
                                             const char* actor_json, const char* query_json) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.genealogy_list(
        actor, parse_arg(query_json, "query_json", downline::json::parse_genealogy_list_query));
  });
}

downline_status downline_commercial_state_history_json(downline_buf* out, downline_company* company,
                                                       const char* actor_json, int64_t person_id) {
  return answer(out, company, actor_json, [&](downline::Company& co, const downline::Actor& actor) {
    return co.commercial_state_history(actor, downline::PersonId{person_id});
  });
}

}  // extern "C"

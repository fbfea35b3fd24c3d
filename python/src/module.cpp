// downline._downline — the native half of the Python package.
//
// A thin binding of the public C++ API: no business logic, no validation of
// its own. Requests and queries arrive as JSON text (the package json.dumps
// the caller's dicts) and are parsed by downline::json; results are read-only
// classes. Every call that touches the store or the index runs with the GIL
// released. downline::Error is turned into the Python class of its code,
// fetched from the pure-Python module downline._errors, by one translator.
#include <downline/company.hpp>
#include <downline/error.hpp>
#include <downline/json.hpp>
#include <downline/money.hpp>
#include <downline/rules.hpp>
#include <downline/time.hpp>
#include <downline/version.hpp>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace py = pybind11;
namespace dl = downline;

namespace {

// --- conversions ------------------------------------------------------------

// Text from the library is UTF-8; a stray byte (an echo of bad input in a
// message) must not turn an error into a UnicodeDecodeError.
py::str text(std::string_view s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
  if (o == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

std::string type_name(py::handle h) {
  return Py_TYPE(h.ptr())->tp_name;
}

// An integer argument: int or anything with __index__ (numpy integers), never
// bool, float or str. A value outside int64 is OUT_OF_RANGE.
std::int64_t int_arg(py::handle h, const char* name) {
  if (PyBool_Check(h.ptr()) || !PyIndex_Check(h.ptr())) {
    throw py::type_error(std::string(name) + " must be an int, not " + type_name(h));
  }
  auto index = py::reinterpret_steal<py::object>(PyNumber_Index(h.ptr()));
  if (!index) throw py::error_already_set();
  int overflow = 0;
  const long long value = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
  if (overflow != 0) throw dl::OutOfRange(std::string(name) + " does not fit in 64 bits", name);
  if (value == -1 && PyErr_Occurred()) throw py::error_already_set();
  return value;
}

// A count, depth or limit: an int from 0 to the largest T.
template <class T>
T count_arg(py::handle h, const char* name) {
  const std::int64_t value = int_arg(h, name);
  const auto max = static_cast<std::uint64_t>(std::numeric_limits<T>::max());
  if (value < 0 || static_cast<std::uint64_t>(value) > max) {
    throw dl::OutOfRange(std::string(name) + " must be 0 to " + std::to_string(max) + ", got " +
                             std::to_string(value),
                         name);
  }
  return static_cast<T>(value);
}

dl::PersonId person_arg(py::handle h, const char* name) {
  return dl::PersonId{int_arg(h, name)};
}

template <class Tag>
py::object id_or_none(dl::StrongId<Tag> id) {
  if (!id) return py::none();
  return py::int_(id.value());
}

template <class Tag>
py::int_ id_or_zero(dl::StrongId<Tag> id) {
  return py::int_(id.value());
}

py::list id_list(const std::vector<dl::PersonId>& ids) {
  py::list out;
  for (const auto id : ids) out.append(id_or_zero(id));
  return out;
}

// UTC instants become tz-aware datetimes, exactly: epoch + microseconds.
py::object to_datetime(dl::Instant t) {
  auto datetime = py::module_::import("datetime");
  auto utc = datetime.attr("timezone").attr("utc");
  auto epoch = datetime.attr("datetime")(1970, 1, 1, py::arg("tzinfo") = utc);
  return epoch + datetime.attr("timedelta")(py::arg("microseconds") = t.micros_since_epoch);
}

py::object to_date(const std::optional<dl::LocalDate>& d) {
  if (!d) return py::none();
  return py::module_::import("datetime").attr("date")(d->year, d->month, d->day);
}

// --- the company handle -------------------------------------------------------

// Owns the Company through a shared_ptr: a call copies it (GIL held) before
// releasing the GIL, so close() from another thread never frees a Company
// that a call is still using; the last user destroys it.
class CompanyHandle {
 public:
  explicit CompanyHandle(dl::Company company)
      : company_(std::make_shared<dl::Company>(std::move(company))) {}

  std::shared_ptr<dl::Company> get() const {
    if (!company_) throw dl::FailedPrecondition("the company is closed");
    return company_;
  }
  bool closed() const noexcept { return company_ == nullptr; }
  // Closing waits for the event subscribers, which take the GIL: released.
  ~CompanyHandle() {
    if (company_ && Py_IsInitialized()) close();
  }
  CompanyHandle(CompanyHandle&&) = default;
  CompanyHandle& operator=(CompanyHandle&&) = default;
  void close() {
    auto last = std::move(company_);
    company_.reset();
    py::gil_scoped_release release;
    last.reset();
  }

 private:
  std::shared_ptr<dl::Company> company_;
};

// Runs `fn(company)` with the GIL released.
template <class Fn>
auto with_company(const CompanyHandle& handle, Fn&& fn) {
  auto company = handle.get();
  py::gil_scoped_release release;
  return fn(*company);
}

// Runs `fn(company, on_progress)` with the GIL released, `progress` (a
// callable or None) wrapped as a ProgressFn; an exception the callable
// raises stops the work and is raised again as it was.
template <class Fn>
auto with_progress(const CompanyHandle& handle, py::object progress, Fn&& fn) {
  dl::ProgressFn on_progress;
  std::optional<py::error_already_set> callback_error;  // touched with the GIL held only
  if (!progress.is_none()) {
    if (!PyCallable_Check(progress.ptr())) {
      throw py::type_error("progress must be callable or None, not " + type_name(progress));
    }
    // `progress` outlives the call: the lambda borrows it.
    on_progress = [callback = progress.ptr(), &callback_error](std::size_t done,
                                                               std::size_t total) {
      py::gil_scoped_acquire acquire;
      try {
        py::handle f{callback};
        f(done, total);
      } catch (py::error_already_set& e) {
        callback_error.emplace(std::move(e));
        throw dl::Aborted("the progress callback raised an exception", "progress");
      }
    };
  }
  auto company = handle.get();
  std::optional<decltype(fn(*company, on_progress))> result;
  try {
    py::gil_scoped_release release;
    result.emplace(fn(*company, on_progress));
  } catch (...) {
    if (callback_error) throw std::move(*callback_error);  // the caller's own exception
    throw;
  }
  if (callback_error) throw std::move(*callback_error);
  return std::move(*result);
}

dl::BulkEnrollmentOutcome enroll_many(const CompanyHandle& handle, const dl::Actor& actor,
                                      const std::string& requests_json, py::object progress) {
  return with_progress(handle, std::move(progress),
                       [&](dl::Company& c, const dl::ProgressFn& on_progress) {
                         const auto requests = dl::json::parse_enrollment_requests(requests_json);
                         return c.enroll_many(actor, requests, on_progress);
                       });
}

// --- rules -------------------------------------------------------------------

dl::Trigger trigger_arg(const std::string& name) {
  const auto trigger = dl::parse_trigger(name);
  if (!trigger) {
    throw dl::InvalidArgument(
        "unknown trigger '" + name + "' (enrollment, order_state_changed, campaign_close)",
        "trigger");
  }
  return *trigger;
}

// RFC 3339 text (the package formats the datetime); None is now. A parse
// error names the argument.
dl::Instant instant_arg(const std::optional<std::string>& at) {
  if (!at) return dl::SystemClock().now();
  try {
    return dl::Instant::parse_rfc3339(*at);
  } catch (const dl::Error& e) {
    if (!e.field().empty()) throw;
    dl::throw_error(e.code(), e.what(), "at");
  }
}

// --- reprs --------------------------------------------------------------------

std::string repr_id(dl::PersonId id) {
  return id ? std::to_string(id.value()) : std::string("None");
}

std::string repr_text(std::string_view s) {
  return py::repr(text(s)).cast<std::string>();
}

}  // namespace

PYBIND11_MODULE(_downline, m) {
  m.doc() = "Native half of the downline package; import `downline` instead.";
  m.attr("__version__") = dl::version();

  // One translator for every downline::Error: the class comes from the
  // pure-Python package so that `except downline.NotFound` and
  // `except LookupError` both work.
  py::register_exception_translator([](std::exception_ptr p) {
    if (!p) return;
    try {
      std::rethrow_exception(p);
    } catch (const dl::Error& e) {
      const py::str code = text(dl::code_name(e.code()));
      py::object cls = py::module_::import("downline._errors").attr("class_for_code")(code);
      py::object error =
          cls(text(e.what()), py::arg("code") = code, py::arg("field") = text(e.field()));
      PyErr_SetObject(cls.ptr(), error.ptr());
    }
  });

  m.def("version", &dl::version, "The C++ library's version, \"MAJOR.MINOR.PATCH\".");

  m.def(
      "money",
      [](const std::string& amount, const std::string& currency) {
        const auto money = dl::Money::parse(amount, currency);
        return py::make_tuple(text(money.amount().to_string()), text(money.currency()));
      },
      py::arg("amount"), py::arg("currency"),
      "Parses an amount in a currency with downline::Money::parse; returns the canonical\n"
      "(amount text, currency). Raises InvalidArgument or OutOfRange.");

  m.def(
      "rfm_json",
      [](const std::string& transactions, const std::string& options) {
        return text(dl::json::to_json(dl::rfm_table(dl::json::parse_rfm_transactions(transactions),
                                                    dl::json::parse_rfm_options(options))));
      },
      py::arg("transactions_json"), py::arg("options_json"),
      "RFM scores of transactions (downline::rfm_table) in their JSON form. Raises\n"
      "InvalidArgument (the field names the fault) or OutOfRange.");

  // --- Actor ---------------------------------------------------------------------
  py::class_<dl::Actor>(m, "Actor",
                        "Who a call runs for. The host authenticates; downline authorises.")
      .def_static(
          "staff",
          [](std::string login, std::vector<std::string> roles) {
            return dl::Actor::staff(std::move(login), std::move(roles));
          },
          py::arg("login"), py::arg("roles"),
          "A head-office user with the given roles (e.g. [\"admin\"]).")
      .def_static(
          "of_person",
          [](py::handle person, std::string login) {
            return dl::Actor::of_person(person_arg(person, "person"), std::move(login));
          },
          py::arg("person"), py::arg("login") = std::string(),
          "A consultant or customer acting for themselves.")
      .def_static(
          "_make",
          [](std::string login, py::handle person, std::vector<std::string> roles) {
            return dl::Actor{std::move(login),
                             person.is_none() ? dl::PersonId{} : person_arg(person, "person"),
                             std::move(roles)};
          },
          py::arg("login"), py::arg("person"), py::arg("roles"),
          "A user with a login, an optional person and roles (used by add_user).")
      .def_property_readonly("login", [](const dl::Actor& a) { return text(a.login); })
      .def_property_readonly("person", [](const dl::Actor& a) { return id_or_none(a.person); })
      .def_property_readonly("roles", [](const dl::Actor& a) { return a.roles; })
      .def_property_readonly("sees_everyone", &dl::Actor::sees_everyone)
      .def("__eq__",
           [](const dl::Actor& a, const dl::Actor& b) {
             return a.login == b.login && a.person == b.person && a.roles == b.roles;
           })
      .def("__repr__", [](const dl::Actor& a) {
        if (a.person)
          return "Actor.of_person(" + repr_id(a.person) + ", " + repr_text(a.login) + ")";
        return "Actor.staff(" + repr_text(a.login) + ", " +
               py::repr(py::cast(a.roles)).cast<std::string>() + ")";
      });

  // --- result types ----------------------------------------------------------------
  py::class_<dl::Finding>(m, "Finding",
                          "One reason an operation did not go through, with the field it concerns.")
      .def_property_readonly("code",
                             [](const dl::Finding& f) { return text(dl::code_name(f.code)); })
      .def_property_readonly("reason", [](const dl::Finding& f) { return text(f.reason); })
      .def_property_readonly("field", [](const dl::Finding& f) { return text(f.field); })
      .def_property_readonly("message", [](const dl::Finding& f) { return text(f.message); })
      .def_property_readonly("actual", [](const dl::Finding& f) { return text(f.actual); })
      .def_property_readonly("required", [](const dl::Finding& f) { return text(f.required); })
      .def("to_json", [](const dl::Finding& f) { return dl::json::to_json(f); })
      .def("__eq__", [](const dl::Finding& a, const dl::Finding& b) { return a == b; })
      .def("__repr__", [](const dl::Finding& f) {
        return "Finding(reason=" + repr_text(f.reason) + ", field=" + repr_text(f.field) +
               ", message=" + repr_text(f.message) + ")";
      });

  py::class_<dl::PersonData>(m, "PersonData", "Identity and contact data of a person.")
      .def_property_readonly("external_id",
                             [](const dl::PersonData& d) { return text(d.external_id); })
      .def_property_readonly("first_name",
                             [](const dl::PersonData& d) { return text(d.first_name); })
      .def_property_readonly("last_name", [](const dl::PersonData& d) { return text(d.last_name); })
      .def_property_readonly("email", [](const dl::PersonData& d) { return text(d.email); })
      .def_property_readonly("phone", [](const dl::PersonData& d) { return text(d.phone); })
      .def_property_readonly("country", [](const dl::PersonData& d) { return text(d.country); })
      .def_property_readonly("birth_date",
                             [](const dl::PersonData& d) { return to_date(d.birth_date); })
      .def_property_readonly("zone", [](const dl::PersonData& d) { return text(d.zone); })
      .def_property_readonly("document_type",
                             [](const dl::PersonData& d) { return text(d.document_type); })
      .def_property_readonly("document_number",
                             [](const dl::PersonData& d) { return text(d.document_number); })
      .def_property_readonly("site", [](const dl::PersonData& d) { return text(d.site); })
      .def_property_readonly("extended",
                             [](const dl::PersonData& d) {
                               py::dict out;
                               for (const auto& [key, value] : d.extended)
                                 out[text(key)] = text(value);
                               return out;
                             })
      .def("__repr__", [](const dl::PersonData& d) {
        return "PersonData(external_id=" + repr_text(d.external_id) +
               ", first_name=" + repr_text(d.first_name) + ", last_name=" + repr_text(d.last_name) +
               ", email=" + repr_text(d.email) + ")";
      });

  py::class_<dl::Person>(m, "Person",
                         "A person with their commercial extension and network parents.")
      .def_property_readonly("id", [](const dl::Person& p) { return id_or_zero(p.id); })
      .def_readonly("data", &dl::Person::data)
      .def_property_readonly("type",
                             [](const dl::Person& p) { return text(dl::to_string(p.type)); })
      .def_property_readonly("status",
                             [](const dl::Person& p) { return text(dl::to_string(p.status)); })
      .def_property_readonly("sponsor", [](const dl::Person& p) { return id_or_none(p.sponsor); })
      .def_property_readonly("referrer", [](const dl::Person& p) { return id_or_none(p.referrer); })
      .def_property_readonly("channel", [](const dl::Person& p) { return text(p.channel); })
      .def_property_readonly("enrolled_at",
                             [](const dl::Person& p) { return to_datetime(p.enrolled_at); })
      .def_property_readonly(
          "credit_limit",
          [](const dl::Person& p) {
            return py::module_::import("decimal").attr("Decimal")(p.credit_limit.to_string());
          })
      .def_property_readonly("vip", [](const dl::Person& p) { return p.vip; })
      .def_property_readonly("commercial_state",
                             [](const dl::Person& p) { return text(p.commercial_state); })
      .def_property_readonly("rank", [](const dl::Person& p) { return text(p.rank); })
      .def_property_readonly("segment", [](const dl::Person& p) { return text(p.segment); })
      .def_property_readonly("display",
                             [](const dl::Person& p) {
                               py::dict out;
                               out["phone"] = text(p.display.phone);
                               out["birth_date"] = text(p.display.birth_date);
                               out["document"] = text(p.display.document);
                               return out;
                             })
      .def("to_json", [](const dl::Person& p) { return dl::json::to_json(p); })
      .def("__repr__", [](const dl::Person& p) {
        return "Person(id=" + repr_id(p.id) +
               ", name=" + repr_text(p.data.first_name + " " + p.data.last_name) +
               ", type=" + repr_text(dl::to_string(p.type)) +
               ", status=" + repr_text(dl::to_string(p.status)) +
               ", sponsor=" + repr_id(p.sponsor) + ")";
      });

  py::class_<dl::NetworkMember>(m, "NetworkMember", "A person's place in one network.")
      .def_property_readonly("id", [](const dl::NetworkMember& n) { return id_or_zero(n.id); })
      .def_property_readonly("parent",
                             [](const dl::NetworkMember& n) { return id_or_none(n.parent); })
      .def_readonly("level", &dl::NetworkMember::level)
      .def_readonly("relative_level", &dl::NetworkMember::relative_level)
      .def_readonly("position", &dl::NetworkMember::position)
      .def_readonly("generation", &dl::NetworkMember::generation)
      .def_property_readonly("type",
                             [](const dl::NetworkMember& n) { return text(dl::to_string(n.type)); })
      .def_property_readonly(
          "status", [](const dl::NetworkMember& n) { return text(dl::to_string(n.status)); })
      .def("__eq__", [](const dl::NetworkMember& a, const dl::NetworkMember& b) { return a == b; })
      .def("__repr__", [](const dl::NetworkMember& n) {
        return "NetworkMember(id=" + repr_id(n.id) + ", parent=" + repr_id(n.parent) +
               ", level=" + std::to_string(n.level) +
               ", relative_level=" + std::to_string(n.relative_level) +
               ", position=" + std::to_string(n.position) +
               ", type=" + repr_text(dl::to_string(n.type)) +
               ", status=" + repr_text(dl::to_string(n.status)) +
               ", generation=" + std::to_string(n.generation) + ")";
      });

  py::class_<dl::OpenSlot>(m, "OpenSlot",
                           "A free position in a network: under `parent`, at slot `position`.")
      .def_property_readonly("parent", [](const dl::OpenSlot& o) { return id_or_zero(o.parent); })
      .def_readonly("position", &dl::OpenSlot::position)
      .def_readonly("level", &dl::OpenSlot::level)
      .def("__eq__", [](const dl::OpenSlot& a, const dl::OpenSlot& b) { return a == b; })
      .def("__repr__", [](const dl::OpenSlot& o) {
        return "OpenSlot(parent=" + repr_id(o.parent) + ", position=" + std::to_string(o.position) +
               ", level=" + std::to_string(o.level) + ")";
      });

  py::class_<dl::AdjustmentOutcome>(m, "AdjustmentOutcome",
                                    "What a transfer, compression or placement did.")
      .def_property_readonly("moved",
                             [](const dl::AdjustmentOutcome& o) { return id_list(o.moved); })
      .def_property_readonly("removed",
                             [](const dl::AdjustmentOutcome& o) { return id_list(o.removed); })
      .def_property_readonly(
          "last_event", [](const dl::AdjustmentOutcome& o) { return id_or_none(o.last_event); })
      .def("to_json", [](const dl::AdjustmentOutcome& o) { return dl::json::to_json(o); })
      .def("__repr__", [](const dl::AdjustmentOutcome& o) {
        return "AdjustmentOutcome(moved=" + py::repr(id_list(o.moved)).cast<std::string>() +
               ", removed=" + py::repr(id_list(o.removed)).cast<std::string>() + ", last_event=" +
               (o.last_event ? std::to_string(o.last_event.value()) : std::string("None")) + ")";
      });

  py::class_<dl::InvariantViolation>(m, "InvariantViolation",
                                     "One broken invariant found by Company.verify.")
      .def_property_readonly("rule", [](const dl::InvariantViolation& v) { return text(v.rule); })
      .def_property_readonly("network",
                             [](const dl::InvariantViolation& v) { return text(v.network); })
      .def_property_readonly("person",
                             [](const dl::InvariantViolation& v) { return id_or_none(v.person); })
      .def_property_readonly("message",
                             [](const dl::InvariantViolation& v) { return text(v.message); })
      .def("__eq__",
           [](const dl::InvariantViolation& a, const dl::InvariantViolation& b) { return a == b; })
      .def("__repr__", [](const dl::InvariantViolation& v) {
        return "InvariantViolation(rule=" + repr_text(v.rule) +
               ", network=" + repr_text(v.network) + ", person=" + repr_id(v.person) +
               ", message=" + repr_text(v.message) + ")";
      });

  py::class_<dl::VerifyReport>(m, "VerifyReport",
                               "What Company.verify found: the index's invariants, and the "
                               "index against the store.")
      .def_readonly("ok", &dl::VerifyReport::ok)
      .def_readonly("persons", &dl::VerifyReport::persons)
      .def_readonly("violations", &dl::VerifyReport::violations)
      .def("to_json", [](const dl::VerifyReport& r) { return dl::json::to_json(r); })
      .def("__repr__", [](const dl::VerifyReport& r) {
        return std::string("VerifyReport(ok=") + (r.ok ? "True" : "False") +
               ", persons=" + std::to_string(r.persons) +
               ", violations=" + std::to_string(r.violations.size()) + ")";
      });

  py::class_<dl::DownlinePage>(m, "DownlinePage",
                               "One page of a downline, depth-first in enrollment order.")
      .def_readonly("members", &dl::DownlinePage::members)
      .def_readonly("total", &dl::DownlinePage::total)
      .def("__len__", [](const dl::DownlinePage& p) { return p.members.size(); })
      .def(
          "__iter__",
          [](const dl::DownlinePage& p) {
            return py::make_iterator(p.members.begin(), p.members.end());
          },
          py::keep_alive<0, 1>())
      .def("to_json", [](const dl::DownlinePage& p) { return dl::json::to_json(p); })
      .def(
          "to_pandas",
          [](const dl::DownlinePage& p) {
            auto pandas = py::module_::import("pandas");
            py::list id, parent, level, relative_level, position, type, status;
            for (const auto& n : p.members) {
              id.append(id_or_zero(n.id));
              parent.append(id_or_none(n.parent));
              level.append(n.level);
              relative_level.append(n.relative_level);
              position.append(n.position);
              type.append(text(dl::to_string(n.type)));
              status.append(text(dl::to_string(n.status)));
            }
            py::dict columns;
            columns["id"] = id;
            columns["parent"] = parent;
            columns["level"] = level;
            columns["relative_level"] = relative_level;
            columns["position"] = position;
            columns["type"] = type;
            columns["status"] = status;
            return pandas.attr("DataFrame")(columns);
          },
          "The members as a pandas DataFrame (needs pandas).")
      .def("__repr__", [](const dl::DownlinePage& p) {
        return "DownlinePage(total=" + std::to_string(p.total) + ", members=<" +
               std::to_string(p.members.size()) + ">)";
      });

  py::class_<dl::EnrollmentOutcome>(
      m, "EnrollmentOutcome", "Accepted with the new person's id, or rejected with every finding.")
      .def_readonly("accepted", &dl::EnrollmentOutcome::accepted)
      .def_property_readonly("person",
                             [](const dl::EnrollmentOutcome& o) { return id_or_none(o.person); })
      .def_property_readonly("event",
                             [](const dl::EnrollmentOutcome& o) { return id_or_none(o.event); })
      .def_readonly("findings", &dl::EnrollmentOutcome::findings)
      .def_property_readonly("decisions",
                             [](const dl::EnrollmentOutcome& o) {
                               // The JSON form, as dicts: {"rule", "version", "action", ...}.
                               const py::object out =
                                   py::module_::import("json").attr("loads")(dl::json::to_json(o));
                               return py::object(out["decisions"]);
                             })
      .def_property_readonly("outcome",
                             [](const dl::EnrollmentOutcome& o) { return text(o.outcome); })
      .def_property_readonly("quick_code",
                             [](const dl::EnrollmentOutcome& o) {
                               return o.quick_code.empty() ? py::object(py::none())
                                                           : py::object(text(o.quick_code));
                             })
      .def_property_readonly("continuation",
                             [](const dl::EnrollmentOutcome& o) {
                               return o.continuation.empty() ? py::object(py::none())
                                                             : py::object(text(o.continuation));
                             })
      .def_property_readonly("work_item",
                             [](const dl::EnrollmentOutcome& o) {
                               return o.work_item ? py::object(py::int_(o.work_item))
                                                  : py::object(py::none());
                             })
      .def("to_json", [](const dl::EnrollmentOutcome& o) { return dl::json::to_json(o); })
      .def("__repr__", [](const dl::EnrollmentOutcome& o) {
        if (o.accepted) return "EnrollmentOutcome(accepted=True, person=" + repr_id(o.person) + ")";
        return "EnrollmentOutcome(accepted=False, findings=" +
               py::repr(py::cast(o.findings)).cast<std::string>() + ")";
      });

  py::class_<dl::BulkEnrollmentOutcome>(m, "BulkEnrollmentOutcome",
                                        "The all-or-nothing result of enroll_many.")
      .def_readonly("accepted", &dl::BulkEnrollmentOutcome::accepted)
      .def_property_readonly("persons",
                             [](const dl::BulkEnrollmentOutcome& o) {
                               py::list ids;
                               for (auto id : o.persons) ids.append(id_or_zero(id));
                               return ids;
                             })
      .def_property_readonly(
          "last_event", [](const dl::BulkEnrollmentOutcome& o) { return id_or_none(o.last_event); })
      .def_readonly("findings", &dl::BulkEnrollmentOutcome::findings)
      .def_property_readonly("outcomes",
                             [](const dl::BulkEnrollmentOutcome& o) {
                               py::list out;
                               for (const auto& x : o.outcomes) out.append(text(x));
                               return out;
                             })
      .def_property_readonly(
          "quick_codes",
          [](const dl::BulkEnrollmentOutcome& o) {
            py::list out;
            for (const auto& c : o.quick_codes)
              out.append(c.empty() ? py::object(py::none()) : py::object(text(c)));
            return out;
          })
      .def_property_readonly("decisions",
                             [](const dl::BulkEnrollmentOutcome& o) {
                               const py::object out =
                                   py::module_::import("json").attr("loads")(dl::json::to_json(o));
                               return py::object(out["decisions"]);
                             })
      .def("to_json", [](const dl::BulkEnrollmentOutcome& o) { return dl::json::to_json(o); })
      .def("__repr__", [](const dl::BulkEnrollmentOutcome& o) {
        if (o.accepted) {
          return "BulkEnrollmentOutcome(accepted=True, persons=<" +
                 std::to_string(o.persons.size()) + ">)";
        }
        return "BulkEnrollmentOutcome(accepted=False, findings=" +
               py::repr(py::cast(o.findings)).cast<std::string>() + ")";
      });

  py::class_<dl::Event>(m, "Event", "One entry of the append-only event log.")
      .def_property_readonly("seq", [](const dl::Event& e) { return id_or_zero(e.seq); })
      .def_property_readonly("kind", [](const dl::Event& e) { return text(e.kind); })
      .def_property_readonly("person", [](const dl::Event& e) { return id_or_none(e.person); })
      .def_property_readonly("effective_at",
                             [](const dl::Event& e) { return to_datetime(e.effective_at); })
      .def_property_readonly("recorded_at",
                             [](const dl::Event& e) { return to_datetime(e.recorded_at); })
      .def_property_readonly("actor", [](const dl::Event& e) { return text(e.actor); })
      .def_property_readonly("reason", [](const dl::Event& e) { return text(e.reason); })
      .def_property_readonly("payload_json",
                             [](const dl::Event& e) { return text(e.payload_json); })
      .def_property_readonly(
          "payload",
          [](const dl::Event& e) -> py::object {
            if (e.payload_json.empty()) return py::dict();
            return py::module_::import("json").attr("loads")(text(e.payload_json));
          })
      .def("__repr__", [](const dl::Event& e) {
        return "Event(seq=" + std::to_string(e.seq.value()) + ", kind=" + repr_text(e.kind) +
               ", person=" + repr_id(e.person) + ", actor=" + repr_text(e.actor) + ")";
      });

  // --- Company -----------------------------------------------------------------------
  py::class_<CompanyHandle>(m, "Company",
                            "A company's persons and networks. Use downline.open() instead.")
      .def_static(
          "open",
          [](const std::string& uri, const std::string& config_json, py::handle busy_timeout_ms,
             py::handle write_cache_mib) {
            dl::OpenOptions options;
            options.busy_timeout_ms = count_arg<int>(busy_timeout_ms, "busy_timeout_ms");
            options.write_cache_mib = count_arg<int>(write_cache_mib, "write_cache_mib");
            py::gil_scoped_release release;
            return CompanyHandle(dl::Company::open(uri, config_json, std::move(options)));
          },
          py::arg("uri"), py::arg("config_json"), py::arg("busy_timeout_ms") = 5000,
          py::arg("write_cache_mib") = 256)
      .def("close", &CompanyHandle::close)
      .def_property_readonly("closed", &CompanyHandle::closed)
      .def(
          "enroll",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& request_json) {
            return with_company(h, [&](dl::Company& c) {
              return c.enroll(actor, dl::json::parse_enrollment_request(request_json));
            });
          },
          py::arg("actor"), py::arg("request_json"))
      .def("enroll_many", &enroll_many, py::arg("actor"), py::arg("requests_json"),
           py::arg("progress") = py::none())
      .def(
          "import_csv_json",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& path,
             const std::string& options_json, py::object progress) {
            return text(with_progress(
                h, std::move(progress), [&](dl::Company& c, const dl::ProgressFn& on_progress) {
                  return dl::json::to_json(c.import_csv_file(
                      actor, path, dl::json::parse_import_options(options_json), on_progress));
                }));
          },
          py::arg("actor"), py::arg("path"), py::arg("options_json"),
          py::arg("progress") = py::none())
      .def(
          "person",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle id) {
            const auto pid = person_arg(id, "person");
            return with_company(h, [&](dl::Company& c) { return c.person(actor, pid); });
          },
          py::arg("actor"), py::arg("person"))
      .def(
          "find_person",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& external_id) {
            auto found =
                with_company(h, [&](dl::Company& c) { return c.find_person(actor, external_id); });
            return found ? id_or_none(*found) : py::object(py::none());
          },
          py::arg("actor"), py::arg("external_id"))
      .def(
          "person_count",
          [](const CompanyHandle& h, const dl::Actor& actor) {
            return with_company(h, [&](dl::Company& c) { return c.person_count(actor); });
          },
          py::arg("actor"))
      .def(
          "upline",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person,
             const std::string& network, py::handle max_levels) {
            const auto pid = person_arg(person, "person");
            std::optional<std::uint32_t> levels;
            if (!max_levels.is_none()) levels = count_arg<std::uint32_t>(max_levels, "max_levels");
            return with_company(
                h, [&](dl::Company& c) { return c.upline(actor, pid, network, levels); });
          },
          py::arg("actor"), py::arg("person"), py::arg("network"), py::arg("max_levels"))
      .def(
          "downline",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person,
             const std::string& query_json) {
            const auto pid = person_arg(person, "person");
            return with_company(h, [&](dl::Company& c) {
              return c.downline(actor, pid, dl::json::parse_downline_query(query_json));
            });
          },
          py::arg("actor"), py::arg("person"), py::arg("query_json"))
      .def(
          "is_in_downline",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person, py::handle of,
             const std::string& network) {
            const auto pid = person_arg(person, "person");
            const auto oid = person_arg(of, "of");
            return with_company(
                h, [&](dl::Company& c) { return c.is_in_downline(actor, pid, oid, network); });
          },
          py::arg("actor"), py::arg("person"), py::arg("of"), py::arg("network"))
      .def(
          "level",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person,
             const std::string& network) {
            const auto pid = person_arg(person, "person");
            return with_company(h, [&](dl::Company& c) { return c.level(actor, pid, network); });
          },
          py::arg("actor"), py::arg("person"), py::arg("network"))
      .def(
          "relative_level",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person, py::handle upline,
             const std::string& network) {
            const auto pid = person_arg(person, "person");
            const auto uid = person_arg(upline, "upline");
            return with_company(
                h, [&](dl::Company& c) { return c.relative_level(actor, pid, uid, network); });
          },
          py::arg("actor"), py::arg("person"), py::arg("upline"), py::arg("network"))
      .def(
          "network_id",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person,
             const std::string& network) {
            const auto pid = person_arg(person, "person");
            return with_company(h,
                                [&](dl::Company& c) { return c.network_id(actor, pid, network); });
          },
          py::arg("actor"), py::arg("person"), py::arg("network"))
      .def(
          "level_counts",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person,
             const std::string& query_json) {
            const auto pid = person_arg(person, "person");
            return with_company(h, [&](dl::Company& c) {
              return c.level_counts(actor, pid, dl::json::parse_downline_query(query_json));
            });
          },
          py::arg("actor"), py::arg("person"), py::arg("query_json"))
      .def(
          "generation_counts",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person,
             const std::string& query_json) {
            const auto pid = person_arg(person, "person");
            return with_company(h, [&](dl::Company& c) {
              return c.generation_counts(actor, pid, dl::json::parse_downline_query(query_json));
            });
          },
          py::arg("actor"), py::arg("person"), py::arg("query_json"))
      .def(
          "generation",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person, py::handle upline,
             const std::string& network) {
            const auto pid = person_arg(person, "person");
            const auto uid = person_arg(upline, "upline");
            return with_company(
                h, [&](dl::Company& c) { return c.generation(actor, pid, uid, network); });
          },
          py::arg("actor"), py::arg("person"), py::arg("upline"), py::arg("network"))
      .def(
          "legs_json",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person,
             const std::string& network) {
            const auto pid = person_arg(person, "person");
            return text(with_company(
                h, [&](dl::Company& c) { return dl::json::to_json(c.legs(actor, pid, network)); }));
          },
          py::arg("actor"), py::arg("person"), py::arg("network"))
      .def(
          "change_rank",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& change_json) {
            return with_company(h, [&](dl::Company& c) {
              return c.change_rank(actor, dl::json::parse_rank_change(change_json)).value();
            });
          },
          py::arg("actor"), py::arg("change_json"))
      .def(
          "convert",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& conversion_json) {
            return with_company(h, [&](dl::Company& c) {
              return c.convert(actor, dl::json::parse_conversion(conversion_json));
            });
          },
          py::arg("actor"), py::arg("conversion_json"))
      .def(
          "find_guest",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& code) {
            auto found = with_company(h, [&](dl::Company& c) { return c.find_guest(actor, code); });
            return found ? id_or_none(*found) : py::object(py::none());
          },
          py::arg("actor"), py::arg("quick_code"))
      .def(
          "work_items_json",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& query_json) {
            return text(with_company(h, [&](dl::Company& c) {
              return dl::json::to_json(
                  c.work_items(actor, dl::json::parse_work_item_query(query_json)));
            }));
          },
          py::arg("actor"), py::arg("query_json"))
      .def(
          "decide_json",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& decision_json) {
            return text(with_company(h, [&](dl::Company& c) {
              return dl::json::to_json(
                  c.decide(actor, dl::json::parse_work_decision(decision_json)));
            }));
          },
          py::arg("actor"), py::arg("decision_json"))
      .def(
          "request_credit_json",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& request_json) {
            return text(with_company(h, [&](dl::Company& c) {
              return dl::json::to_json(
                  c.request_credit(actor, dl::json::parse_credit_request(request_json)));
            }));
          },
          py::arg("actor"), py::arg("request_json"))
      .def(
          "add_campaigns_json",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& campaigns_json) {
            return text(with_company(h, [&](dl::Company& c) {
              const auto specs = dl::json::parse_campaign_specs(campaigns_json);
              return dl::json::to_json(c.add_campaigns(actor, specs));
            }));
          },
          py::arg("actor"), py::arg("campaigns_json"))
      .def("campaigns_json",
           [](const CompanyHandle& h) {
             return text(
                 with_company(h, [&](dl::Company& c) { return dl::json::to_json(c.campaigns()); }));
           })
      .def(
          "report_order_json",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& report_json) {
            return text(with_company(h, [&](dl::Company& c) {
              return dl::json::to_json(
                  c.report_order(actor, dl::json::parse_order_report(report_json)));
            }));
          },
          py::arg("actor"), py::arg("report_json"))
      .def(
          "report_orders_json",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& reports_json,
             py::object progress) {
            return text(with_progress(
                h, std::move(progress), [&](dl::Company& c, const dl::ProgressFn& on_progress) {
                  const auto reports = dl::json::parse_order_reports(reports_json);
                  return dl::json::to_json(c.report_orders(actor, reports, on_progress));
                }));
          },
          py::arg("actor"), py::arg("reports_json"), py::arg("progress") = py::none())
      .def(
          "order_json",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& id) {
            return text(with_company(
                h, [&](dl::Company& c) { return dl::json::to_json(c.order(actor, id)); }));
          },
          py::arg("actor"), py::arg("id"))
      .def(
          "activity_json",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person,
             const std::string& campaign) {
            const auto pid = person_arg(person, "person");
            return text(with_company(h, [&](dl::Company& c) {
              return dl::json::to_json(c.activity(actor, pid, campaign));
            }));
          },
          py::arg("actor"), py::arg("person"), py::arg("campaign"))
      .def(
          "close_campaign_json",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& campaign) {
            return text(with_company(h, [&](dl::Company& c) {
              return dl::json::to_json(c.close_campaign(actor, campaign));
            }));
          },
          py::arg("actor"), py::arg("campaign"))
      .def(
          "precalculate_json",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& campaign) {
            return text(with_company(h, [&](dl::Company& c) {
              return dl::json::to_json(c.precalculate(actor, campaign));
            }));
          },
          py::arg("actor"), py::arg("campaign"))
      .def(
          "kpis_json",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& query_json) {
            return text(with_company(h, [&](dl::Company& c) {
              return dl::json::to_json(c.kpis(actor, dl::json::parse_kpi_query(query_json)));
            }));
          },
          py::arg("actor"), py::arg("query_json"))
      .def(
          "genealogy_list_json",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& query_json) {
            return text(with_company(h, [&](dl::Company& c) {
              return dl::json::to_json(
                  c.genealogy_list(actor, dl::json::parse_genealogy_list_query(query_json)));
            }));
          },
          py::arg("actor"), py::arg("query_json"))
      .def(
          "commercial_state_history_json",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person) {
            const auto pid = person_arg(person, "person");
            return text(with_company(h, [&](dl::Company& c) {
              return dl::json::to_json(c.commercial_state_history(actor, pid));
            }));
          },
          py::arg("actor"), py::arg("person"))
      .def(
          "rank_report_json",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person,
             const std::string& campaign) {
            const auto pid = person_arg(person, "person");
            return text(with_company(h, [&](dl::Company& c) {
              return dl::json::to_json(c.rank_report(actor, pid, campaign));
            }));
          },
          py::arg("actor"), py::arg("person"), py::arg("campaign"))
      .def(
          "set_vip",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person, bool vip,
             const std::string& reason) {
            const auto pid = person_arg(person, "person");
            return with_company(
                h, [&](dl::Company& c) { return c.set_vip(actor, pid, vip, reason).value(); });
          },
          py::arg("actor"), py::arg("person"), py::arg("vip"), py::arg("reason"))
      .def(
          "change_statuses_csv_json",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& path,
             const std::string& options_json, py::object progress) {
            return text(with_progress(
                h, std::move(progress), [&](dl::Company& c, const dl::ProgressFn& on_progress) {
                  return dl::json::to_json(c.change_statuses_csv_file(
                      actor, path, dl::json::parse_status_file_options(options_json), on_progress));
                }));
          },
          py::arg("actor"), py::arg("path"), py::arg("options_json"),
          py::arg("progress") = py::none())
      .def(
          "change_status",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& change_json) {
            return with_company(h, [&](dl::Company& c) {
              return c.change_status(actor, dl::json::parse_status_change(change_json)).value();
            });
          },
          py::arg("actor"), py::arg("change_json"))
      .def(
          "add_to_blacklist",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& entry_json) {
            return with_company(h, [&](dl::Company& c) {
              return c.add_to_blacklist(actor, dl::json::parse_blacklist_entry(entry_json)).value();
            });
          },
          py::arg("actor"), py::arg("entry_json"))
      .def(
          "remove_from_blacklist",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& entry_json) {
            return with_company(h, [&](dl::Company& c) {
              const auto e = dl::json::parse_blacklist_entry(entry_json);
              return c.remove_from_blacklist(actor, e.kind, e.value, e.country).value();
            });
          },
          py::arg("actor"), py::arg("entry_json"))
      .def(
          "blacklist_json",
          [](const CompanyHandle& h, const dl::Actor& actor) {
            return text(with_company(
                h, [&](dl::Company& c) { return dl::json::to_json(c.blacklist(actor)); }));
          },
          py::arg("actor"))
      .def("contracts_json",
           [](const CompanyHandle& h) {
             return text(
                 with_company(h, [&](dl::Company& c) { return dl::json::to_json(c.contracts()); }));
           })
      .def(
          "accept_contract",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person,
             const std::string& contract_json, const std::string& channel) {
            const auto pid = person_arg(person, "person");
            return with_company(h, [&](dl::Company& c) {
              return c
                  .accept_contract(actor, pid, dl::json::parse_contract_ref(contract_json), channel)
                  .value();
            });
          },
          py::arg("actor"), py::arg("person"), py::arg("contract_json"), py::arg("channel"))
      .def(
          "pending_contracts_json",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person) {
            const auto pid = person_arg(person, "person");
            return text(with_company(h, [&](dl::Company& c) {
              return dl::json::to_json(c.pending_contracts(actor, pid));
            }));
          },
          py::arg("actor"), py::arg("person"))
      .def(
          "contract_acceptances_json",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person) {
            const auto pid = person_arg(person, "person");
            return text(with_company(h, [&](dl::Company& c) {
              return dl::json::to_json(c.contract_acceptances(actor, pid));
            }));
          },
          py::arg("actor"), py::arg("person"))
      .def(
          "acceptances_of_json",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& contract) {
            return text(with_company(h, [&](dl::Company& c) {
              return dl::json::to_json(c.acceptances_of(actor, contract));
            }));
          },
          py::arg("actor"), py::arg("contract"))
      .def(
          "attachments_json",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person) {
            const auto pid = person_arg(person, "person");
            return text(with_company(
                h, [&](dl::Company& c) { return dl::json::to_json(c.attachments(actor, pid)); }));
          },
          py::arg("actor"), py::arg("person"))
      .def(
          "profile_completion_json",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person) {
            const auto pid = person_arg(person, "person");
            return text(with_company(h, [&](dl::Company& c) {
              return dl::json::to_json(c.profile_completion(actor, pid));
            }));
          },
          py::arg("actor"), py::arg("person"))
      .def(
          "rank_history_json",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person) {
            const auto pid = person_arg(person, "person");
            return text(with_company(
                h, [&](dl::Company& c) { return dl::json::to_json(c.rank_history(actor, pid)); }));
          },
          py::arg("actor"), py::arg("person"))
      .def(
          "recalculate_json",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& request_json) {
            return text(with_company(h, [&](dl::Company& c) {
              return dl::json::to_json(
                  c.recalculate(actor, dl::json::parse_recalculation_request(request_json)));
            }));
          },
          py::arg("actor"), py::arg("request_json"))
      .def(
          "figures_json",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person,
             const std::string& network) {
            const auto pid = person_arg(person, "person");
            return text(with_company(h, [&](dl::Company& c) {
              return dl::json::to_json(c.figures(actor, pid, network));
            }));
          },
          py::arg("actor"), py::arg("person"), py::arg("network"))
      .def(
          "export_tree",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person,
             const std::string& options_json) {
            const auto pid = person_arg(person, "person");
            const std::string out = with_company(h, [&](dl::Company& c) {
              return c.export_tree(actor, pid, dl::json::parse_tree_export_options(options_json));
            });
            return text(out);
          },
          py::arg("actor"), py::arg("person"), py::arg("options_json"))
      .def(
          "events",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle after, py::handle limit) {
            const dl::EventSeq seq{int_arg(after, "after")};
            const auto n = count_arg<std::uint64_t>(limit, "limit");
            return with_company(h, [&](dl::Company& c) {
              return c.events(actor, seq, static_cast<std::size_t>(n));
            });
          },
          py::arg("actor"), py::arg("after"), py::arg("limit"))
      .def(
          "subscribe",
          [](const CompanyHandle& h, const dl::Actor& actor, py::function fn) {
            // The callable is called and dropped on the library's thread:
            // both take the GIL, which every call into the company releases.
            std::shared_ptr<py::function> held(new py::function(std::move(fn)),
                                               [](py::function* f) {
                                                 py::gil_scoped_acquire gil;
                                                 delete f;
                                               });
            dl::EventFn call = [held](const dl::Event& event) {
              py::gil_scoped_acquire gil;
              try {
                (*held)(event);
              } catch (py::error_already_set& e) {
                e.discard_as_unraisable("downline event subscriber");
              }
            };
            return with_company(
                h, [&](dl::Company& c) { return c.subscribe(actor, std::move(call)); });
          },
          py::arg("actor"), py::arg("fn"))
      .def(
          "unsubscribe",
          [](const CompanyHandle& h, std::uint64_t id) {
            with_company(h, [&](dl::Company& c) { c.unsubscribe(id); });
          },
          py::arg("id"))
      .def("last_event",
           [](const CompanyHandle& h) {
             return with_company(h, [](dl::Company& c) { return c.last_event().value(); });
           })
      .def("refresh",
           [](const CompanyHandle& h) { with_company(h, [](dl::Company& c) { c.refresh(); }); })
      .def("networks",
           [](const CompanyHandle& h) {
             return with_company(h, [](dl::Company& c) { return c.networks(); });
           })
      .def(
          "add_user",
          [](const CompanyHandle& h, const dl::Actor& actor, const dl::Actor& user) {
            with_company(h, [&](dl::Company& c) { c.add_user(actor, user); });
          },
          py::arg("actor"), py::arg("user"))
      .def(
          "actor_for",
          [](const CompanyHandle& h, const std::string& login) {
            return with_company(h, [&](dl::Company& c) { return c.actor_for(login); });
          },
          py::arg("login"))
      .def(
          "children",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person,
             const std::string& network) {
            const auto pid = person_arg(person, "person");
            return with_company(
                h, [&](dl::Company& c) { return c.reader(actor, network).children(pid); });
          },
          py::arg("actor"), py::arg("person"), py::arg("network"))
      .def(
          "open_positions",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person,
             const std::string& network, py::handle limit) {
            const auto pid = person_arg(person, "person");
            const auto n = count_arg<std::uint64_t>(limit, "limit");
            return with_company(h, [&](dl::Company& c) {
              return c.reader(actor, network).open_positions(pid, static_cast<std::size_t>(n));
            });
          },
          py::arg("actor"), py::arg("person"), py::arg("network"), py::arg("limit"))
      .def(
          "lobby",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& network) {
            const auto waiting =
                with_company(h, [&](dl::Company& c) { return c.reader(actor, network).lobby(); });
            return id_list(waiting);
          },
          py::arg("actor"), py::arg("network"))
      .def(
          "place",
          [](const CompanyHandle& h, const dl::Actor& actor, py::handle person,
             const std::string& choice_json, const std::string& reason) {
            const auto pid = person_arg(person, "person");
            return with_company(h, [&](dl::Company& c) {
              return c.place(actor, pid, dl::json::parse_placement_choice(choice_json), reason);
            });
          },
          py::arg("actor"), py::arg("person"), py::arg("choice_json"), py::arg("reason"))
      .def(
          "place_expired",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& network) {
            return with_company(h, [&](dl::Company& c) { return c.place_expired(actor, network); });
          },
          py::arg("actor"), py::arg("network"))
      .def(
          "transfer",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& request_json) {
            return with_company(h, [&](dl::Company& c) {
              return c.transfer(actor, dl::json::parse_transfer_request(request_json));
            });
          },
          py::arg("actor"), py::arg("request_json"))
      .def(
          "compress",
          [](const CompanyHandle& h, const dl::Actor& actor, const std::string& request_json) {
            return with_company(h, [&](dl::Company& c) {
              return c.compress(actor, dl::json::parse_compression_request(request_json));
            });
          },
          py::arg("actor"), py::arg("request_json"))
      .def(
          "verify",
          [](const CompanyHandle& h, const dl::Actor& actor) {
            return with_company(h, [&](dl::Company& c) { return c.verify(actor); });
          },
          py::arg("actor"));

  // --- RuleBook ------------------------------------------------------------------------
  // Immutable and thread-safe: calls run with the GIL released on the held copy.
  py::class_<dl::RuleBook>(m, "RuleBook",
                           "A compiled rule book. Use downline.RuleBook.load() instead.")
      .def_static(
          "load",
          [](const std::string& json) {
            py::gil_scoped_release release;
            return dl::RuleBook::load(json);
          },
          py::arg("json"))
      .def(
          "evaluate",
          [](const dl::RuleBook& book, const std::string& trigger, const std::string& facts_json,
             const std::optional<std::string>& at, bool trace) {
            const auto trig = trigger_arg(trigger);
            const auto when = instant_arg(at);
            std::string out;
            {
              py::gil_scoped_release release;
              out = dl::json::to_json(book.evaluate(trig, facts_json, when, trace));
            }
            return text(out);
          },
          py::arg("trigger"), py::arg("facts_json"), py::arg("at"), py::arg("trace"),
          "The evaluation as JSON text: {\"decisions\": [...], \"trace\": [...] or null}.")
      .def(
          "test",
          [](const dl::RuleBook& book, const std::string& cases_json) {
            std::string out;
            {
              py::gil_scoped_release release;
              out = dl::json::to_json(book.test(cases_json));
            }
            return text(out);
          },
          py::arg("cases_json"),
          "The report as JSON text: {\"passed\", \"total\", \"failed\", \"cases\", "
          "\"text\"}.")
      .def("__len__", &dl::RuleBook::size);
}

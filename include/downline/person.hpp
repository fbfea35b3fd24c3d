// downline — persons, their commercial extension, and the actor a call runs for.
#pragma once

#include <downline/export.hpp>
#include <downline/ids.hpp>
#include <downline/money.hpp>
#include <downline/time.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE

/// What a person is to the company commercially.
enum class CustomerType : std::uint8_t { guest, customer, consultant };

/// Where a person stands in the enrollment / commercial life cycle.
enum class Status : std::uint8_t {
  pre_registered,
  pending_kit,
  active,
  inactive,
  blocked,
  retired,
};

/// Lower-case name ("consultant"); never fails.
DOWNLINE_API std::string_view to_string(CustomerType type) noexcept;
/// Lower-case name ("pending_kit"); never fails.
DOWNLINE_API std::string_view to_string(Status status) noexcept;
/// Parses a lower-case name; std::nullopt when unknown.
DOWNLINE_API std::optional<CustomerType> parse_customer_type(std::string_view name) noexcept;
/// Parses a lower-case name; std::nullopt when unknown.
DOWNLINE_API std::optional<Status> parse_status(std::string_view name) noexcept;

/// Identity and contact data of a person, as given at enrollment.
struct PersonData {
  std::string external_id;  ///< the host's id, unique when not empty
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string phone;
  std::string country;  ///< ISO 3166-1 alpha-2 ("CO")
  std::optional<LocalDate> birth_date;
  std::string zone;  ///< territorial zone ("north"); territorial networks group by it
  /// A configured document type ("CC"); empty when none is given or the
  /// company assigns internal identifications.
  std::string document_type;
  /// As typed ("1.234.567-k"); stored in its normalised form (letters and
  /// digits, letters upper-cased: "1234567K").
  std::string document_number;
  /// Extended fields by their configured id, each value as text ("12.50",
  /// "2024-01-31", "true", "a choice"); checked against the field's type.
  std::map<std::string, std::string> extended;
  /// The slug of the person's own replicated site ("ana-gomez"), unique;
  /// 3 to 64 of a-z, 0-9 and -.
  std::string site;
};

/// A person's data laid out by the country's display masks (seed 003
/// §6.3.8); a value without a mask is shown as stored.
struct PersonDisplay {
  std::string phone;       ///< "304 535 15 81"
  std::string birth_date;  ///< "10/10/1986"
  std::string document;    ///< "1.234.567-K"
};

/// A person with their commercial extension and network parents.
struct Person {
  PersonId id;
  PersonData data;
  CustomerType type = CustomerType::customer;
  Status status = Status::active;
  PersonId sponsor;   ///< unset for a parent of the sponsor network
  PersonId referrer;  ///< unset for a parent of the referral network
  std::string channel;
  Instant enrolled_at;
  /// The phone (stored in E.164), birth date and document as displayed.
  PersonDisplay display;
  /// In the company currency; zero until a credit request is approved.
  Decimal credit_limit;
  /// Exempt from automatic inactivation (seed 004 §7.2): Company::set_vip.
  bool vip = false;
  /// The commercial state the last close gave them ("" none; seed 004 §6.3.3).
  std::string commercial_state;
  /// The rank held: the highest a close's career plan gave, or the last
  /// Company::change_rank ("" none).
  std::string rank;
  /// The segment the last close's segmentation gave them ("" none; seed 002 §7.3.1).
  std::string segment;
};

/// Who a call runs for. The host authenticates; the library authorises.
///
/// An actor with the role "admin" or "operator" sees every person. An actor
/// bound to a person sees that person and their sponsor downline. Any other
/// actor is refused with PERMISSION_DENIED.
struct Actor {
  std::string login;               ///< recorded in the event log
  PersonId person;                 ///< the person the actor is, if any
  std::vector<std::string> roles;  ///< lower-case role names

  /// A head-office user with the given roles (e.g. {"admin"}).
  DOWNLINE_API static Actor staff(std::string login, std::vector<std::string> roles);
  /// A consultant or customer acting for themselves.
  DOWNLINE_API static Actor of_person(PersonId person, std::string login = {});
  /// True when the actor's roles grant a view of the whole company.
  DOWNLINE_API bool sees_everyone() const noexcept;
};

DOWNLINE_END_NAMESPACE

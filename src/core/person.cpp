#include <downline/person.hpp>

#include <algorithm>
#include <array>

DOWNLINE_BEGIN_NAMESPACE

namespace {
constexpr std::array<std::string_view, 3> kTypeNames{"guest", "customer", "consultant"};
constexpr std::array<std::string_view, 6> kStatusNames{"pre_registered", "pending_kit", "active",
                                                       "inactive",       "blocked",     "retired"};

template <class Enum, std::size_t N>
std::optional<Enum> parse_enum(const std::array<std::string_view, N>& names,
                               std::string_view name) noexcept {
  auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) return std::nullopt;
  return static_cast<Enum>(it - names.begin());
}
}  // namespace

std::string_view to_string(CustomerType type) noexcept {
  auto i = static_cast<std::size_t>(type);
  return i < kTypeNames.size() ? kTypeNames[i] : "unknown";
}

std::string_view to_string(Status status) noexcept {
  auto i = static_cast<std::size_t>(status);
  return i < kStatusNames.size() ? kStatusNames[i] : "unknown";
}

std::optional<CustomerType> parse_customer_type(std::string_view name) noexcept {
  return parse_enum<CustomerType>(kTypeNames, name);
}

std::optional<Status> parse_status(std::string_view name) noexcept {
  return parse_enum<Status>(kStatusNames, name);
}

Actor Actor::staff(std::string login, std::vector<std::string> roles) {
  return Actor{std::move(login), PersonId{}, std::move(roles)};
}

Actor Actor::of_person(PersonId person, std::string login) {
  if (login.empty()) login = "person:" + std::to_string(person.value());
  return Actor{std::move(login), person, {}};
}

bool Actor::sees_everyone() const noexcept {
  return std::any_of(roles.begin(), roles.end(),
                     [](const std::string& r) { return r == "admin" || r == "operator"; });
}

DOWNLINE_END_NAMESPACE

// A host that found downline with find_package: enroll two persons, ask.
#include <downline/downline.hpp>

#include <iostream>

int main() {
  auto co = downline::Company::open("memory:", R"({"company": {"name": "Consumer"}})");
  auto admin = downline::Actor::staff("consumer", {"admin"});
  downline::EnrollmentRequest root;
  root.person = {"R1", "Rosa", "Root", "rosa@example.com", "", "CO", {}};
  auto r = co.enroll(admin, root);
  downline::EnrollmentRequest child;
  child.sponsor = r.person;
  child.person = {"C1", "Carl", "Child", "carl@example.com", "", "CO", {}};
  auto c = co.enroll(admin, child);
  if (!r.accepted || !c.accepted || !co.is_in_downline(admin, c.person, r.person)) return 1;
  std::cout << "downline " << downline::version() << ": " << co.network_id(admin, c.person) << "\n";
  return 0;
}

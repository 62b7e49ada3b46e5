#pragma once
// Actors for tests that call services directly: the house's usual cast.

#include <string>

#include "services/actor.h"

namespace outreach::test {

inline services::Actor actor_as(const std::string& name, storage::PrincipalKind kind, std::string scope = {}) {
  return services::Actor{name, kind, std::move(scope), "test", "test"};
}
// "joost" and names containing "approver" approve; everybody else coordinates.
inline services::Actor actor(const std::string& name) {
  const bool approves = name == "joost" || name.find("approver") != std::string::npos;
  return actor_as(name, approves ? storage::PrincipalKind::approver : storage::PrincipalKind::coordinator);
}

}  // namespace outreach::test

#pragma once
// What the multi-engine escalation tests check at the end (escalation_race_test.cpp,
// multi_engine_escalation_test.cpp): every case at the national fallback, with as many escalation
// events in its history and "cases.escalate" audit records as it had levels to climb, and the
// audit chain still one chain.

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>

#include "storage/audit_log.h"
#include "storage/case_store.h"
#include "storage/database.h"

namespace outreach::test {

// `levels`: case id -> moves due (2: hub, then fallback; 1: straight to the fallback). Returns the
// escalation events found, over all cases.
inline std::int64_t expect_each_case_escalated_once(storage::Database& db, const std::map<std::int64_t, int>& levels) {
  storage::CaseStore cases(db);
  storage::AuditLog audit(db);
  std::map<std::string, int> audited;
  audit.for_each([&](const storage::AuditRecord& a) {
    if (a.action == "cases.escalate") ++audited[a.subject];
  });
  EXPECT_TRUE(audit.verify()) << "the audit chain stays one chain";
  std::int64_t moves = 0;
  for (const auto& [id, due] : levels) {
    auto c = cases.get(id).take();
    EXPECT_EQ(c.status, "escalated_fallback") << "case " << id;
    EXPECT_EQ(c.owner_code, "national") << "case " << id;
    int events = 0;
    for (const auto& e : cases.history(id)) events += e.actor == "system";
    EXPECT_EQ(events, due) << "escalation events of case " << id;
    EXPECT_EQ(audited["case:" + std::to_string(id)], due) << "audit records of case " << id;
    moves += events;
  }
  return moves;
}

}  // namespace outreach::test

#pragma once
// The cases a municipality clerk, a regional hub or the national fallback owns, the same in every
// client (the API's /v1/cases, the clerk's pages, the demo): a filtered page of the owner's cases
// with the people's contact details, one case with everything its owner may read about it, and the
// owner's changes to a case.
//
// Who owns what (storage/case_store.h): a municipality principal (scope "GM0599") the cases owned
// by municipality GM0599; a regional hub principal (scope "rijnmond") the cases escalated or routed
// to its hub (owner kind hub, the region's hub code); the national fallback those escalated or
// routed to the fallback (owner kind fallback, its scope or the configured fallback name). Other
// kinds own no cases (forbidden).
//
// Every row passes the contactability policy (services/contactability.h, use
// list_for_municipality for the case's own municipality) at the moment it is read: the case of a
// person who said STOP, was erased, never consented to sharing (or withdrew it) or has an open error
// report is not listed, and its case page is not found. A case the actor does not own is not found
// either, whether or not it exists: nothing leaks about other owners' cases.
//
// Reads are audited ("cases.read", one record per case given out, before any row is) and may run on
// a reader connection with `pending` (services/audit_trail.h); each change is one transaction with
// its audit record and needs the writer.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"
#include "services/audit_trail.h"
#include "services/contactability.h"
#include "storage/case_store.h"
#include "storage/contact_log_store.h"
#include "storage/followup_store.h"
#include "storage/response_store.h"

namespace outreach::engine {
struct EngineConfig;
}

namespace outreach::services {

inline constexpr int kMaxCasePage = 200;
inline constexpr std::size_t kMaxCaseNote = 280;

// What a case list shows. Errors name the field: state, municipality, name, limit.
struct CaseFilter {
  // "" or "all" every state; "active" every state but closed; "waiting" not picked up yet (open,
  // escalated_hub, escalated_fallback); or one status (open, acknowledged, in_contact, closed,
  // escalated_hub, escalated_fallback).
  std::string state;
  bool overdue = false;       // only cases whose SLA ran out (nobody acknowledged them in time)
  std::string municipality;   // a CBS code in the actor's scope (forbidden otherwise); empty: all
  std::string name;           // a part of the person's name (at most 100 bytes); empty: any
  std::int64_t after_id = 0;  // cursor: the previous page's next_after
  int limit = 50;             // 1 .. kMaxCasePage
};

struct CaseListItem {
  storage::CaseRow row;  // the case with name, language, phone, e-mail
  bool overdue = false;  // the SLA ran out and nobody acknowledged it
};

struct CasePage {
  std::string owner;  // the owner code the actor owns cases as
  std::vector<CaseListItem> items;
  std::int64_t next_after = 0;  // the last case id examined: pass it as after_id for the next page
  bool more = false;            // there may be a next page
};

struct CaseDetail {
  storage::CaseRow row;
  bool overdue = false;
  std::vector<storage::Response> replies;          // the person's replies, oldest first
  std::vector<storage::ContactLog> contact_logs;   // volunteers' and intermediaries' logs, oldest first
  std::vector<storage::CaseEvent> history;         // opened, routed, escalated, acknowledged, ..., closed
  std::optional<storage::Followup> followup;       // "did it help?" after closing, when there is one
};

// What the owner does to a case: acknowledged, in_contact or closed (closed needs an outcome,
// storage::is_case_outcome); the note is at most kMaxCaseNote bytes.
struct CaseChange {
  std::string status;
  std::string outcome;
  std::string note;
};

// `db`, `clock` and `config` must outlive the desk. One desk per request.
class CaseDesk {
 public:
  CaseDesk(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
           PendingAudit* pending = nullptr);

  core::Result<CasePage> list(const Actor& actor, const CaseFilter& filter);
  // Errors: forbidden for kinds that own no cases; not_found ("id") otherwise when it is not shown.
  core::Result<CaseDetail> detail(const Actor& actor, std::int64_t case_id);
  // Errors: forbidden for a case the actor does not own (whether or not it exists); invalid for a
  // bad status, outcome or note; conflict for a change the state machine refuses.
  core::Result<storage::Case> change(const Actor& actor, std::int64_t case_id, const CaseChange& change);

  // The owner code and kind the actor owns cases as; empty for kinds that own none.
  std::string owner_code(const Actor& actor) const;
  static std::string owner_kind(const Actor& actor);

 private:
  bool owns(const Actor& actor, const storage::Case& c) const;
  bool shown(const Actor& actor, const campaigns::PersonFacts* facts, const storage::Case& c) const;

  storage::Database& db_;
  const core::Clock& clock_;
  const engine::EngineConfig& config_;
  PendingAudit* pending_;
  Contactability policy_;
};

}  // namespace outreach::services

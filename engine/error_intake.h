#pragma once
// Filing an error report (storage/error_report_store.h), written once for every path: the person's
// FOUT / ERROR reply (engine/inbound.h) and the staff and public-page reports of
// services/error_reports.h. Both run inside the caller's transaction.
//  - the report gets the person's municipality and their case that is not closed (if any), and is
//    due for resolution config.error_reports.sla_hours after it was opened;
//  - when config.error_reports.notify_owner names a configured owner notification, a notice
//    "error_report.opened" (report id, municipality, kind, due time; no personal data) is queued
//    for it (storage/notice_queue.h), delivered by the engine's notifier.

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "storage/error_report_store.h"

namespace outreach::storage {
class Database;
struct Contact;
}  // namespace outreach::storage

namespace outreach::engine {

struct EngineConfig;

// Opens `draft` (contact_id, reporter_kind, reporter, kind, description set by the caller) at `now`.
core::Result<std::int64_t> file_error_report(storage::Database& db, const EngineConfig& config,
                                             storage::ErrorReport draft, core::TimePoint now);

// The person's own report (a reply, or the page their e-mail links to): `reporter` names where it
// came from ("inbound:sms", "unsubscribe:<message id>"), reporter_kind "person". A second one from
// the same place while the first is open adds nothing: its id comes back with created = false.
struct PersonReport {
  std::int64_t id = 0;
  bool created = false;
};
core::Result<PersonReport> file_person_report(storage::Database& db, const EngineConfig& config, std::int64_t contact_id,
                                              const std::string& reporter, storage::ErrorKind kind,
                                              const std::string& description, core::TimePoint now);

// A FOUT / ERROR reply on `channel`: file_person_report with kind "other" and the response id as
// the description, and (when it is new) one audit record (actor "inbound:<channel>", action
// "error_reports.open").
core::Result<std::int64_t> report_error_from_reply(storage::Database& db, const EngineConfig& config,
                                                   const storage::Contact& contact, const std::string& channel,
                                                   std::int64_t response_id, core::TimePoint at);

}  // namespace outreach::engine

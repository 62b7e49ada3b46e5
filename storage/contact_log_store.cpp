#include "storage/contact_log_store.h"

#include <array>
#include <string_view>

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {

namespace {
constexpr std::array<std::string_view, 5> kOutcomes = {"reached_wants_help", "reached_no_help", "not_reached",
                                                        "wrong_number", "asked_no_contact"};
constexpr std::array<std::string_view, 7> kModes = {"phone", "sms", "whatsapp", "email", "visit", "in_person", "other"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& a, const std::string& v) {
  for (auto x : a) {
    if (x == v) return true;
  }
  return false;
}
// Parameters 1-4: intermediary, batch id, ref, outcome.
void bind_report_key(Statement& st, const IntermediaryReportKey& k) {
  st.bind(1, k.intermediary);
  st.bind(2, k.batch_id);
  st.bind(3, k.ref);
  st.bind(4, k.outcome);
}
}  // namespace

bool is_contact_outcome(const std::string& outcome) { return contains(kOutcomes, outcome); }
bool is_contact_mode(const std::string& mode) { return contains(kModes, mode); }

core::Result<std::int64_t> ContactLogStore::add(const ContactLog& log) {
  if (!is_contact_mode(log.mode)) return core::Error::invalid("unknown mode '" + log.mode + "'", "mode");
  if (!is_contact_outcome(log.outcome)) return core::Error::invalid("unknown outcome '" + log.outcome + "'", "outcome");
  if (log.note.size() > kMaxContactNote) {
    return core::Error::invalid("longer than " + std::to_string(kMaxContactNote) + " bytes", "note");
  }
  try {
    Statement st(db_,
                 "INSERT INTO contact_logs(contact_id, collector, mode, outcome, follow_up, note, at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id");
    st.bind(1, static_cast<int64_t>(log.contact_id));
    st.bind(2, log.collector);
    st.bind(3, log.mode);
    st.bind(4, log.outcome);
    bind_text_or_null(st, 5, log.follow_up);
    bind_text_or_null(st, 6, log.note);
    st.bind(7, static_cast<int64_t>(core::to_millis(log.at)));
    return returning_id(st);
  } catch (const std::exception& e) {
    return storage_error(e, "ContactLogStore::add");
  }
}

namespace {

constexpr const char* kSelectLog =
    "SELECT id, contact_id, collector, mode, outcome, coalesce(follow_up, ''), coalesce(note, ''), at FROM contact_logs";

std::vector<ContactLog> read_logs(Statement& st) {
  std::vector<ContactLog> out;
  while (st.executeStep()) {
    ContactLog l;
    l.id = st.getColumn(0).getInt64();
    l.contact_id = st.getColumn(1).getInt64();
    l.collector = st.getColumn(2).getString();
    l.mode = st.getColumn(3).getString();
    l.outcome = st.getColumn(4).getString();
    l.follow_up = st.getColumn(5).getString();
    l.note = st.getColumn(6).getString();
    l.at = core::from_millis(st.getColumn(7).getInt64());
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace

std::vector<ContactLog> ContactLogStore::for_contact(std::int64_t contact_id) const {
  Statement st(db_, std::string(kSelectLog) + " WHERE contact_id = ?1 ORDER BY id");
  st.bind(1, static_cast<int64_t>(contact_id));
  return read_logs(st);
}

core::Result<std::vector<ContactLog>> ContactLogStore::by_collector(const std::string& collector, int limit) const {
  try {
    Statement st(db_, std::string(kSelectLog) + " WHERE collector = ? ORDER BY id DESC LIMIT ?");
    st.bind(1, collector);
    st.bind(2, limit);
    return read_logs(st);
  } catch (const std::exception& e) {
    return storage_error(e, "ContactLogStore::by_collector");
  }
}

std::int64_t ContactLogStore::count() const {
  Statement st(db_, "SELECT count(*) FROM contact_logs");
  st.executeStep();
  return st.getColumn(0).getInt64();
}

bool ContactLogStore::has_intermediary_report(const IntermediaryReportKey& k) const {
  Statement st(db_,
               "SELECT 1 FROM intermediary_reports WHERE intermediary = ?1 AND batch_id = ?2 AND ref = ?3 "
               "AND outcome = ?4");
  bind_report_key(st, k);
  return st.executeStep();
}

core::Status ContactLogStore::link_intermediary_report(const IntermediaryReportKey& k, std::int64_t contact_log_id,
                                                       core::TimePoint at) {
  try {
    Statement st(db_,
                 "INSERT INTO intermediary_reports(intermediary, batch_id, ref, outcome, contact_log_id, "
                 "received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    bind_report_key(st, k);
    st.bind(5, static_cast<int64_t>(contact_log_id));
    st.bind(6, static_cast<int64_t>(core::to_millis(at)));
    st.exec();
    return {};
  } catch (const SqlError& e) {
    return storage_error(e, "ContactLogStore::link_intermediary_report");
  }
}

}  // namespace outreach::storage

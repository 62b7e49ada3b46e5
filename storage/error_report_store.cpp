#include "storage/error_report_store.h"

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {
namespace {

int64_t ms(core::TimePoint t) { return static_cast<int64_t>(core::to_millis(t)); }

constexpr const char* kSelect =
    "SELECT id, contact_id, municipality_code, case_id, reporter_kind, reporter, kind, description, status, opened_at, "
    "sla_due_at, resolved_at, resolved_by, resolution FROM error_reports";

std::string text_or_empty(const Column& c) { return c.isNull() ? std::string() : c.getString(); }

ErrorReport read_report(Statement& st) {
  ErrorReport r;
  r.id = st.getColumn(0).getInt64();
  r.contact_id = st.getColumn(1).getInt64();
  r.municipality = text_or_empty(st.getColumn(2));
  r.case_id = optional_int64(st.getColumn(3));
  r.reporter_kind = st.getColumn(4).getString();
  r.reporter = st.getColumn(5).getString();
  auto kind = parse_error_kind(st.getColumn(6).getString());  // the table's CHECK allows only these
  r.kind = kind ? *kind : ErrorKind::other;
  r.description = text_or_empty(st.getColumn(7));
  r.status = st.getColumn(8).getString();
  r.opened_at = core::from_millis(st.getColumn(9).getInt64());
  r.sla_due_at = core::from_millis(st.getColumn(10).getInt64());
  if (auto v = optional_int64(st.getColumn(11))) r.resolved_at = core::from_millis(*v);
  r.resolved_by = text_or_empty(st.getColumn(12));
  r.resolution = text_or_empty(st.getColumn(13));
  return r;
}

}  // namespace

const char* to_string(ErrorKind k) {
  switch (k) {
    case ErrorKind::wrong_person: return "wrong_person";
    case ErrorKind::wrong_letter: return "wrong_letter";
    case ErrorKind::wrong_municipality: return "wrong_municipality";
    case ErrorKind::other: return "other";
  }
  return "other";
}

core::Result<ErrorKind> parse_error_kind(const std::string& text) {
  for (ErrorKind k : {ErrorKind::wrong_person, ErrorKind::wrong_letter, ErrorKind::wrong_municipality, ErrorKind::other}) {
    if (text == to_string(k)) return k;
  }
  return core::Error::invalid("unknown kind '" + text + "' (expected wrong_person, wrong_letter, wrong_municipality or other)",
                              "kind");
}

core::Result<std::int64_t> ErrorReportStore::open(const ErrorReport& r) {
  try {
    Statement st(db_,
                 "INSERT INTO error_reports(contact_id, municipality_code, case_id, reporter_kind, reporter, kind, "
                 "description, status, opened_at, sla_due_at) VALUES(?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id");
    st.bind(1, static_cast<int64_t>(r.contact_id));
    bind_text_or_null(st, 2, r.municipality);
    bind_optional(st, 3, r.case_id);
    st.bind(4, r.reporter_kind);
    st.bind(5, r.reporter);
    st.bind(6, to_string(r.kind));
    bind_text_or_null(st, 7, r.description);
    st.bind(8, ms(r.opened_at));
    st.bind(9, ms(r.sla_due_at));
    return returning_id(st);
  } catch (const std::exception& e) {
    return storage_error(e, "ErrorReportStore::open");
  }
}

core::Result<ErrorReport> ErrorReportStore::get(std::int64_t id) const {
  try {
    Statement st(db_, std::string(kSelect) + " WHERE id = ?");
    st.bind(1, static_cast<int64_t>(id));
    if (!st.executeStep()) return core::Error::not_found("no error report " + std::to_string(id), "id");
    return read_report(st);
  } catch (const std::exception& e) {
    return storage_error(e, "ErrorReportStore::get");
  }
}

core::Result<std::optional<std::int64_t>> ErrorReportStore::open_by(std::int64_t contact_id,
                                                                   const std::string& reporter) const {
  try {
    Statement st(db_,
                 "SELECT id FROM error_reports WHERE contact_id = ? AND status = 'open' AND reporter = ? "
                 "ORDER BY id LIMIT 1");
    st.bind(1, static_cast<int64_t>(contact_id));
    st.bind(2, reporter);
    if (!st.executeStep()) return std::optional<std::int64_t>{};
    return std::optional<std::int64_t>{st.getColumn(0).getInt64()};
  } catch (const std::exception& e) {
    return storage_error(e, "ErrorReportStore::open_by");
  }
}

core::Status ErrorReportStore::resolve(std::int64_t id, const std::string& by, const std::string& resolution,
                                       core::TimePoint now) {
  try {
    Statement st(db_,
                 "UPDATE error_reports SET status = 'resolved', resolved_at = ?1, resolved_by = ?2, resolution = ?3 "
                 "WHERE id = ?4 AND status = 'open'");
    st.bind(1, ms(now));
    st.bind(2, by);
    bind_text_or_null(st, 3, resolution);
    st.bind(4, static_cast<int64_t>(id));
    if (st.exec() == 1) return {};
  } catch (const std::exception& e) {
    return storage_error(e, "ErrorReportStore::resolve");
  }
  auto existing = get(id);
  if (!existing) return existing.error();
  return core::Error::conflict("error report " + std::to_string(id) + " is resolved already", "id");
}

core::Result<bool> ErrorReportStore::has_open(std::int64_t contact_id) const {
  try {
    Statement st(db_, "SELECT 1 FROM error_reports WHERE contact_id = ? AND status = 'open' LIMIT 1");
    st.bind(1, static_cast<int64_t>(contact_id));
    return st.executeStep();
  } catch (const std::exception& e) {
    return storage_error(e, "ErrorReportStore::has_open");
  }
}

core::Result<std::set<std::int64_t>> ErrorReportStore::open_contacts() const {
  try {
    // Cached: the contactability policy asks on every list page and every claim.
    auto st = db_.cached("SELECT DISTINCT contact_id FROM error_reports WHERE status = 'open'");
    std::set<std::int64_t> out;
    while (st->executeStep()) out.insert(st->getColumn(0).getInt64());
    return out;
  } catch (const std::exception& e) {
    return storage_error(e, "ErrorReportStore::open_contacts");
  }
}

core::Result<std::vector<ErrorReport>> ErrorReportStore::list(const ErrorReportFilter& filter, core::TimePoint now) const {
  try {
    std::string sql = std::string(kSelect) + " WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR municipality_code = ?2)";
    if (filter.overdue_only) sql += " AND status = 'open' AND sla_due_at < ?3";
    sql += " ORDER BY status = 'resolved', CASE WHEN status = 'open' THEN sla_due_at ELSE opened_at END, id LIMIT ?4";
    Statement st(db_, sql);
    if (filter.status) st.bind(1, *filter.status); else st.bind(1);
    if (filter.municipality) st.bind(2, *filter.municipality); else st.bind(2);
    if (filter.overdue_only) st.bind(3, ms(now));
    st.bind(4, filter.limit);
    std::vector<ErrorReport> out;
    while (st.executeStep()) out.push_back(read_report(st));
    return out;
  } catch (const std::exception& e) {
    return storage_error(e, "ErrorReportStore::list");
  }
}

}  // namespace outreach::storage

#include "storage/outbox.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>

#include "storage/database.h"
#include "storage/outbox_rows.h"
#include "storage/sql_util.h"

namespace outreach::storage {

using outbox_rows::kSelectRow;
using outbox_rows::ms;
using outbox_rows::read_row;

namespace {

constexpr std::array<const char*, 12> kStatusNames = {
    "waiting", "queued", "sending", "sent", "delivered", "read", "undelivered",
    "failed", "unknown", "skipped", "expired", "suppressed"};

// How far along the delivery path a status is: reports never move a row backwards.
int delivery_rank(MessageStatus s) {
  switch (s) {
    case MessageStatus::sent: return 1;
    case MessageStatus::delivered: return 2;
    case MessageStatus::undelivered: return 2;
    case MessageStatus::read: return 3;
    default: return 0;
  }
}

// In an UPDATE of messages `m`: the row's contact has been erased.
constexpr const char* kErasedM = "(SELECT erased_at FROM contacts WHERE id = m.contact_id) IS NOT NULL";

}  // namespace

const char* to_string(MessageStatus s) { return kStatusNames[static_cast<std::size_t>(s)]; }

core::Result<MessageStatus> parse_message_status(const std::string& text) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (text == kStatusNames[i]) return static_cast<MessageStatus>(i);
  }
  return core::Error::invalid("unknown message status '" + text + "'", "status");
}

bool is_final(MessageStatus s) {
  return s != MessageStatus::waiting && s != MessageStatus::queued && s != MessageStatus::sending;
}

core::Result<std::int64_t> Outbox::enqueue_launch(std::int64_t campaign_id, int campaign_version, int step_count,
                                                  const std::vector<std::int64_t>& contact_ids,
                                                  core::TimePoint first_due, core::TimePoint now,
                                                  std::optional<core::TimePoint> first_expires) {
  std::int64_t added = 0;
  auto st = db_.transaction([&]() -> core::Status {
    if (db_.dialect() == Dialect::postgres) {
      // A statement per 10,000 people instead of a round trip per row; rows in the same order as
      // the row-by-row insert (by person, then step), so ids run alike on both backends.
      constexpr std::size_t kChunk = 10000;
      auto ins = db_.cached(
          "INSERT INTO messages(campaign_id, campaign_version, step, contact_id, status, due_at, updated_at, expires_at) "
          "SELECT ?1, ?2, s.step, p.id::bigint, CASE WHEN s.step = 0 THEN 'queued' ELSE 'waiting' END, "
          "CASE WHEN s.step = 0 THEN ?4::bigint END, ?5, CASE WHEN s.step = 0 THEN ?6::bigint END "
          "FROM json_array_elements_text(?3::json) WITH ORDINALITY AS p(id, n) "
          "CROSS JOIN generate_series(0, ?7 - 1) AS s(step) ORDER BY p.n, s.step ON CONFLICT DO NOTHING");
      for (std::size_t from = 0; from < contact_ids.size(); from += kChunk) {
        const auto to = std::min(contact_ids.size(), from + kChunk);
        ins->bind(1, static_cast<int64_t>(campaign_id));
        ins->bind(2, campaign_version);
        ins->bind(3, id_list_json({contact_ids.begin() + static_cast<std::ptrdiff_t>(from),
                                   contact_ids.begin() + static_cast<std::ptrdiff_t>(to)}));
        ins->bind(4, ms(first_due));
        ins->bind(5, ms(now));
        if (first_expires) ins->bind(6, ms(*first_expires)); else ins->bind(6);
        ins->bind(7, step_count);
        added += ins->exec();
        ins->reset();
      }
      return {};
    }
    Statement ins(db_,
                  "INSERT INTO messages(campaign_id, campaign_version, step, contact_id, status, "
                  "due_at, updated_at, expires_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    for (std::int64_t contact : contact_ids) {
      for (int step = 0; step < step_count; ++step) {
        ins.bind(1, static_cast<int64_t>(campaign_id));
        ins.bind(2, campaign_version);
        ins.bind(3, step);
        ins.bind(4, static_cast<int64_t>(contact));
        ins.bind(5, step == 0 ? "queued" : "waiting");
        if (step == 0) ins.bind(6, ms(first_due)); else ins.bind(6);
        ins.bind(7, ms(now));
        if (step == 0 && first_expires) ins.bind(8, ms(*first_expires)); else ins.bind(8);
        added += ins.exec();
        ins.reset();
      }
    }
    return {};
  });
  if (!st) return st.error();
  return added;
}

namespace {

ClaimedMessage read_claimed(Statement& st) {
  ClaimedMessage m;
  m.id = st.getColumn(0).getInt64();
  m.campaign_id = st.getColumn(1).getInt64();
  m.campaign_version = st.getColumn(2).getInt();
  m.step = st.getColumn(3).getInt();
  m.contact_id = st.getColumn(4).getInt64();
  m.attempts = st.getColumn(5).getInt();
  m.channel = st.getColumn(6).getString();
  m.due_at = core::from_millis(st.getColumn(7).getInt64());
  if (auto e = optional_int64(st.getColumn(8))) m.expires_at = core::from_millis(*e);
  return m;
}

}  // namespace

core::Result<std::vector<ClaimedMessage>> Outbox::claim_due(core::TimePoint now, int limit,
                                                            core::TimePoint lease_until) {
  std::vector<ClaimedMessage> out;
  if (limit <= 0) return out;  // SQLite reads LIMIT -1 as "no limit": never claim everything by accident
  auto st = db_.transaction([&]() -> core::Status {
    if (db_.dialect() == Dialect::postgres) {
      // One statement for the whole claim (as River claims jobs): engines sharing the database each
      // lock the rows they pick and pass over rows another is claiming (SKIP LOCKED), so no row is
      // handed to two engines, and a claim costs one round trip instead of one per row.
      auto claim = db_.cached(
          "WITH picked AS (SELECT m.id FROM messages m JOIN campaigns c ON c.id = m.campaign_id "
          "  WHERE m.status = 'queued' AND m.due_at <= ?1 AND c.state = 'running' "
          "  ORDER BY m.due_at, m.id LIMIT ?2 FOR UPDATE OF m SKIP LOCKED) "
          "UPDATE messages m SET status = 'sending', lease_until = ?3, updated_at = ?4 FROM picked "
          "WHERE m.id = picked.id "
          "RETURNING m.id, m.campaign_id, m.campaign_version, m.step, m.contact_id, m.attempts, m.channel, "
          "m.due_at, m.expires_at");
      claim->bind(1, ms(now));
      claim->bind(2, limit);
      claim->bind(3, ms(lease_until));
      claim->bind(4, ms(now));
      while (claim->executeStep()) out.push_back(read_claimed(*claim));
      std::sort(out.begin(), out.end(), [](const ClaimedMessage& a, const ClaimedMessage& b) {
        return std::tie(a.due_at, a.id) < std::tie(b.due_at, b.id);  // RETURNING keeps no order
      });
      return {};
    }
    // SQLite has one writer at a time: read the due rows, then mark them. CROSS JOIN keeps messages
    // as the outer loop, so the partial (status = 'queued', due_at) index drives the claim instead
    // of a scan of every message of each running campaign.
    auto cached_sel = db_.cached(
        "SELECT m.id, m.campaign_id, m.campaign_version, m.step, m.contact_id, m.attempts, "
        "m.channel, m.due_at, m.expires_at FROM messages m CROSS JOIN campaigns c ON c.id = m.campaign_id "
        "WHERE m.status = 'queued' AND m.due_at <= ? AND c.state = 'running' "
        "ORDER BY m.due_at, m.id LIMIT ?");  // prepared once per connection, not per claim
    Statement& sel = *cached_sel;
    sel.bind(1, ms(now));
    sel.bind(2, limit);
    while (sel.executeStep()) out.push_back(read_claimed(sel));
    auto cached_up = db_.cached("UPDATE messages SET status = 'sending', lease_until = ?, updated_at = ? WHERE id = ?");
    Statement& up = *cached_up;
    for (const auto& m : out) {
      up.bind(1, ms(lease_until));
      up.bind(2, ms(now));
      up.bind(3, static_cast<int64_t>(m.id));
      up.exec();
      up.reset();
    }
    return {};
  });
  if (!st) return st.error();
  return out;
}

std::optional<core::TimePoint> Outbox::next_due() const {
  static constexpr Sql kNextDue{
      /*sqlite*/ "SELECT m.due_at FROM messages m CROSS JOIN campaigns c ON c.id = m.campaign_id "
                 "WHERE m.status = 'queued' AND c.state = 'running' ORDER BY m.due_at LIMIT 1",
      /*postgres*/ "SELECT m.due_at FROM messages m JOIN campaigns c ON c.id = m.campaign_id "
                   "WHERE m.status = 'queued' AND c.state = 'running' ORDER BY m.due_at LIMIT 1"};
  Statement st(db_, kNextDue);
  if (!st.executeStep() || st.getColumn(0).isNull()) return std::nullopt;
  return core::from_millis(st.getColumn(0).getInt64());
}

namespace {

// What follows an outcome that was recorded: an intermediary row's digest record is done, and the
// next step of the same (campaign, contact) becomes queued.
void after_recorded(Database& db, const MessageOutcome& o, core::TimePoint now) {
  if (o.urn.rfind("intermediary:", 0) == 0) {  // its digest's record (storage/digest_store.h) is done
    auto gone = db.cached("DELETE FROM digest_members WHERE message_id = ?");
    gone->bind(1, static_cast<int64_t>(o.id));
    gone->exec();
  }
  if (!o.next_step_due) return;
  auto next = db.cached(
      "UPDATE messages SET status = 'queued', due_at = ?, updated_at = ?, expires_at = ? "
      "WHERE campaign_id = (SELECT campaign_id FROM messages WHERE id = ?) "
      "AND contact_id = (SELECT contact_id FROM messages WHERE id = ?) "
      "AND step = ? AND status = 'waiting'");
  next->bind(1, ms(*o.next_step_due));
  next->bind(2, ms(now));
  if (o.next_step_expires) next->bind(3, ms(*o.next_step_expires)); else next->bind(3);
  next->bind(4, static_cast<int64_t>(o.id));
  next->bind(5, static_cast<int64_t>(o.id));
  next->bind(6, o.next_step);
  next->exec();
}

void append_json_field(std::string& out, const char* name, const std::string& text_or_null) {
  out += ",\"";
  out += name;
  out += "\":";
  if (text_or_null.empty()) out += "null"; else core::append_json_string(out, text_or_null);
}

// PostgreSQL: the outcomes as one JSON array, read back with json_to_recordset. A message's first
// outcome in the group is the one that counts, as in the row-by-row path, where a second finds the
// row no longer `sending`.
std::string outcomes_json(const std::vector<MessageOutcome>& outcomes) {
  std::string out = "[";
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const auto& o = outcomes[i];
    if (!seen.insert(o.id).second) continue;
    if (out.size() > 1) out += ',';
    out += "{\"ord\":" + std::to_string(i) + ",\"id\":" + std::to_string(o.id) + ",\"status\":";
    core::append_json_string(out, to_string(o.status));
    append_json_field(out, "channel", o.channel);
    append_json_field(out, "urn", o.urn);
    append_json_field(out, "provider_id", o.provider_id);
    append_json_field(out, "reason", o.reason);
    out += ",\"attempts\":" + std::to_string(o.attempts) + ",\"retry_at\":";
    out += o.retry_at ? std::to_string(ms(*o.retry_at)) : std::string("null");
    out += '}';
  }
  return out + "]";
}

}  // namespace

core::Status Outbox::record(const std::vector<MessageOutcome>& outcomes, core::TimePoint now) {
  if (outcomes.empty()) return {};
  // A send in flight cannot write an address back: when the contact was erased while the row was
  // `sending`, its address, provider id and reason (which may quote the address) stay empty, in the
  // row and in its event (an intermediary's address and batch id excepted, as in erasure). A row
  // that is no longer `sending` (an expired lease turned it unknown) is not ours any more: left alone.
  if (db_.dialect() == Dialect::postgres) {
    return db_.transaction("message outcomes", [&]() -> core::Status {
      // The whole group in one statement (one round trip, not two per message): the rows, then
      // their events from what the UPDATE wrote (RETURNING gives the row after the update).
      static const std::string kRecord =
          std::string("WITH v AS (SELECT * FROM json_to_recordset(?1::json) AS v(ord int, id bigint, status text, "
          "  channel text, urn text, provider_id text, reason text, attempts int, retry_at bigint)), ")+
          "u AS (UPDATE messages m SET status = v.status, channel = v.channel, "
          "  urn = CASE WHEN " + std::string(kErasedM) + " AND coalesce(v.urn, '') NOT LIKE 'intermediary:%' THEN NULL ELSE v.urn END, "
          "  provider_id = CASE WHEN " + std::string(kErasedM) + " AND coalesce(v.urn, '') NOT LIKE 'intermediary:%' THEN NULL "
          "    ELSE v.provider_id END, "
          "  reason = CASE WHEN " + std::string(kErasedM) + " THEN NULL ELSE v.reason END, "
          "  attempts = v.attempts, due_at = coalesce(v.retry_at, m.due_at), lease_until = NULL, "
          "  sent_at = CASE WHEN v.status = 'sent' THEN ?2 ELSE m.sent_at END, updated_at = ?2 "
          "  FROM v WHERE m.id = v.id AND m.status = 'sending' "
          "  RETURNING m.id, m.provider_id, m.reason) "
          "INSERT INTO message_events(message_id, at, status, channel, provider_id, detail) "
          "SELECT u.id, ?2, v.status, v.channel, u.provider_id, u.reason FROM u JOIN v ON v.id = u.id "
          "ORDER BY v.ord RETURNING message_id";
      auto st = db_.cached(kRecord);
      st->bind(1, outcomes_json(outcomes));
      st->bind(2, ms(now));
      std::set<std::int64_t> recorded;
      while (st->executeStep()) recorded.insert(st->getColumn(0).getInt64());
      for (const auto& o : outcomes) {
        if (recorded.erase(o.id)) after_recorded(db_, o, now);  // once, for the outcome that counted
      }
      return {};
    });
  }
  return db_.transaction("message outcomes", [&]() -> core::Status {
    // The contact is looked up once per row (one aggregate row even without a contact), not per column.
    auto cached_up = db_.cached(  // prepared once per connection, not per group of outcomes
        "UPDATE messages SET status = ?1, channel = ?2, (urn, provider_id, reason) = (SELECT "
        "  CASE WHEN max(erased_at) IS NOT NULL AND coalesce(?3, '') NOT LIKE 'intermediary:%' THEN NULL ELSE ?3 END, "
        "  CASE WHEN max(erased_at) IS NOT NULL AND coalesce(?3, '') NOT LIKE 'intermediary:%' THEN NULL ELSE ?4 END, "
        "  CASE WHEN max(erased_at) IS NOT NULL THEN NULL ELSE ?5 END "
        "  FROM contacts WHERE id = messages.contact_id), "
        "attempts = ?6, due_at = coalesce(?7, due_at), lease_until = NULL, "
        "sent_at = CASE WHEN ?1 = 'sent' THEN ?8 ELSE sent_at END, updated_at = ?8 "
        "WHERE id = ?9 AND status = 'sending'");
    Statement& up = *cached_up;
    // The event's provider id and detail are the row's as just written (as on PostgreSQL).
    auto cached_ev = db_.cached(
        "INSERT INTO message_events(message_id, at, status, channel, provider_id, detail) "
        "SELECT id, ?2, ?3, ?4, provider_id, reason FROM messages WHERE id = ?1");
    Statement& ev = *cached_ev;
    for (const auto& o : outcomes) {
      const char* status = to_string(o.status);
      up.bind(1, status);
      bind_text_or_null(up, 2, o.channel);
      bind_text_or_null(up, 3, o.urn);
      bind_text_or_null(up, 4, o.provider_id);
      bind_text_or_null(up, 5, o.reason);
      up.bind(6, o.attempts);
      if (o.retry_at) up.bind(7, ms(*o.retry_at)); else up.bind(7);
      up.bind(8, ms(now));
      up.bind(9, static_cast<int64_t>(o.id));
      int changed = up.exec();
      up.reset();
      if (changed == 0) continue;  // not ours any more (expired lease turned unknown): leave it
      ev.bind(1, static_cast<int64_t>(o.id));
      ev.bind(2, ms(now));
      ev.bind(3, status);
      bind_text_or_null(ev, 4, o.channel);
      ev.exec();
      ev.reset();
      after_recorded(db_, o, now);
    }
    return {};
  });
}

core::Result<std::int64_t> Outbox::expire_leases(core::TimePoint now) {
  std::int64_t n = 0;
  auto st = db_.transaction([&]() -> core::Status {
    Statement ev(db_,
                 "INSERT INTO message_events(message_id, at, status, channel, detail) "
                 "SELECT id, ?, 'unknown', channel, 'lease expired while sending' FROM messages "
                 "WHERE status = 'sending' AND lease_until < ?");
    ev.bind(1, ms(now));
    ev.bind(2, ms(now));
    ev.exec();
    Statement up(db_,
                 "UPDATE messages SET status = 'unknown', reason = 'lease expired while sending', "
                 "lease_until = NULL, updated_at = ? WHERE status = 'sending' AND lease_until < ?");
    up.bind(1, ms(now));
    up.bind(2, ms(now));
    n = up.exec();
    return {};
  });
  if (!st) return st.error();
  return n;
}

core::Status Outbox::release(const std::vector<std::int64_t>& ids, core::TimePoint now) {
  return db_.transaction([&]() -> core::Status {
    Statement up(db_,
                 "UPDATE messages SET status = 'queued', lease_until = NULL, updated_at = ? "
                 "WHERE id = ? AND status = 'sending'");
    for (auto id : ids) {
      up.bind(1, ms(now));
      up.bind(2, static_cast<int64_t>(id));
      up.exec();
      up.reset();
    }
    return {};
  });
}

core::Result<std::int64_t> Outbox::redrive(std::optional<std::int64_t> campaign_id,
                                           const std::vector<std::int64_t>& ids, core::TimePoint now) {
  std::int64_t n = 0;
  auto st = db_.transaction([&]() -> core::Status {
    auto redrive_where = [&](const std::string& where, auto bind) {
      Statement ev(db_,
                   "INSERT INTO message_events(message_id, at, status, detail) SELECT id, ?, 'queued', "
                   "'redriven by operator' FROM messages WHERE status = 'unknown' AND " + where);
      ev.bind(1, ms(now));
      bind(ev, 2);
      ev.exec();
      Statement up(db_,
                   "UPDATE messages SET status = 'queued', due_at = ?, reason = 'redriven', updated_at = ? "
                   "WHERE status = 'unknown' AND " + where);
      up.bind(1, ms(now));
      up.bind(2, ms(now));
      bind(up, 3);
      n += up.exec();
    };
    if (!ids.empty()) {
      for (auto id : ids) {
        redrive_where("id = ?", [&](Statement& s, int i) { s.bind(i, static_cast<int64_t>(id)); });
      }
    } else if (campaign_id) {
      redrive_where("campaign_id = ?", [&](Statement& s, int i) { s.bind(i, static_cast<int64_t>(*campaign_id)); });
    } else {
      redrive_where("1 = 1", [](Statement&, int) {});
    }
    return {};
  });
  if (!st) return st.error();
  return n;
}

core::Result<bool> Outbox::apply_delivery_report(const std::string& provider_id, MessageStatus status,
                                                 const std::string& reason, core::TimePoint at) {
  bool found = false;
  auto st = db_.transaction([&]() -> core::Status {
    Statement sel(db_, "SELECT id, status FROM messages WHERE provider_id = ?");
    sel.bind(1, provider_id);
    if (!sel.executeStep()) return {};
    found = true;
    std::int64_t id = sel.getColumn(0).getInt64();
    auto current = parse_message_status(sel.getColumn(1).getString());
    if (!current) return current.error();
    Statement ev(db_,
                 "INSERT INTO message_events(message_id, at, status, provider_id, detail) VALUES(?, ?, ?, ?, ?)");
    ev.bind(1, static_cast<int64_t>(id));
    ev.bind(2, ms(at));
    ev.bind(3, to_string(status));
    ev.bind(4, provider_id);
    bind_text_or_null(ev, 5, reason);
    ev.exec();
    if (delivery_rank(status) <= delivery_rank(*current)) return {};  // stale or repeated report
    Statement up(db_, "UPDATE messages SET status = ?, reason = coalesce(?, reason), updated_at = ? WHERE id = ?");
    up.bind(1, to_string(status));
    if (reason.empty()) up.bind(2); else up.bind(2, reason);
    up.bind(3, ms(at));
    up.bind(4, static_cast<int64_t>(id));
    up.exec();
    return {};
  });
  if (!st) return st.error();
  return found;
}

core::Result<std::optional<MessageRow>> Outbox::settle_unknown(std::int64_t campaign_id, int step,
                                                               std::int64_t contact_id, const std::string& provider_id,
                                                               MessageStatus status, const std::string& reason,
                                                               core::TimePoint at) {
  if (delivery_rank(status) == 0) return core::Error::invalid(std::string("not a delivery status: ") + to_string(status), "status");
  std::optional<MessageRow> settled;
  auto st = db_.transaction([&]() -> core::Status {
    Statement sel(db_, std::string(kSelectRow) +
                           " WHERE campaign_id = ? AND step = ? AND contact_id = ? AND status = 'unknown'");
    sel.bind(1, static_cast<int64_t>(campaign_id));
    sel.bind(2, step);
    sel.bind(3, static_cast<int64_t>(contact_id));
    if (!sel.executeStep()) return {};
    MessageRow row = read_row(sel);
    const std::string detail = "settled by a status callback (was unknown: " + row.reason + ")" +
                               (reason.empty() ? "" : ": " + reason);
    Statement up(db_,
                 "UPDATE messages SET status = ?1, provider_id = coalesce(?2, provider_id), reason = ?3, "
                 "sent_at = coalesce(sent_at, ?4), updated_at = ?4 WHERE id = ?5 AND status = 'unknown'");
    up.bind(1, to_string(status));
    bind_text_or_null(up, 2, provider_id);
    up.bind(3, detail);
    up.bind(4, ms(at));
    up.bind(5, static_cast<int64_t>(row.id));
    if (up.exec() == 0) return {};
    Statement ev(db_,
                 "INSERT INTO message_events(message_id, at, status, channel, provider_id, detail) VALUES(?, ?, ?, ?, ?, ?)");
    ev.bind(1, static_cast<int64_t>(row.id));
    ev.bind(2, ms(at));
    ev.bind(3, to_string(status));
    bind_text_or_null(ev, 4, row.channel);
    bind_text_or_null(ev, 5, provider_id);
    ev.bind(6, detail);
    ev.exec();
    row.status = status;
    if (!provider_id.empty()) row.provider_id = provider_id;
    row.reason = detail;
    if (!row.sent_at) row.sent_at = at;
    settled = std::move(row);
    return {};
  });
  if (!st) return st.error();
  return settled;
}

core::Result<bool> Outbox::activate_step(std::int64_t campaign_id, std::int64_t contact_id, int step, core::TimePoint due,
                                         std::optional<core::TimePoint> expires, core::TimePoint now) {
  try {
    Statement up(db_,
                 "UPDATE messages SET status = 'queued', due_at = ?, updated_at = ?, expires_at = ? "
                 "WHERE campaign_id = ? AND contact_id = ? AND step = ? AND status = 'waiting'");
    up.bind(1, ms(due));
    up.bind(2, ms(now));
    if (expires) up.bind(3, ms(*expires)); else up.bind(3);
    up.bind(4, static_cast<int64_t>(campaign_id));
    up.bind(5, static_cast<int64_t>(contact_id));
    up.bind(6, step);
    return up.exec() > 0;
  } catch (const std::exception& e) {
    return storage_error(e, "Outbox::activate_step");
  }
}

core::Status Outbox::record_sandbox(const SandboxDelivery& d) {
  try {
    // Not for an erased contact (a send in flight during the erasure): the copy would bring the
    // address and the text back.
    auto cached = db_.cached("INSERT INTO sandbox_deliveries(message_id, channel, urn, language, subject, body, at) "
                             "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE ?1 IS NULL OR NOT EXISTS(SELECT 1 FROM messages m "
                             "JOIN contacts c ON c.id = m.contact_id WHERE m.id = ?1 AND c.erased_at IS NOT NULL)");
    Statement& st = *cached;
    if (d.message_id) st.bind(1, static_cast<int64_t>(d.message_id)); else st.bind(1);
    st.bind(2, d.channel);
    st.bind(3, d.urn);
    bind_text_or_null(st, 4, d.language);
    bind_text_or_null(st, 5, d.subject);
    st.bind(6, d.body);
    st.bind(7, ms(d.at));
    st.exec();
    return {};
  } catch (const std::exception& e) {
    return storage_error(e, "Outbox::record_sandbox");
  }
}

}  // namespace outreach::storage

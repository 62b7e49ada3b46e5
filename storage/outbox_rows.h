#pragma once
// Shared by the outbox's source files only (storage/outbox.cpp writes, storage/outbox_reads.cpp
// reads): a message row as the stores select it.

#include <cstdint>

#include "core/clock.h"
#include "storage/database.h"
#include "storage/outbox.h"
#include "storage/sql_util.h"

namespace outreach::storage::outbox_rows {

inline int64_t ms(core::TimePoint t) { return static_cast<int64_t>(core::to_millis(t)); }

inline constexpr const char* kSelectRow =
    "SELECT id, campaign_id, step, contact_id, status, due_at, channel, urn, attempts, provider_id, reason, "
    "sent_at, campaign_version FROM messages";

inline MessageRow read_row(Statement& st) {
  MessageRow r;
  r.id = st.getColumn(0).getInt64();
  r.campaign_id = st.getColumn(1).getInt64();
  r.step = st.getColumn(2).getInt();
  r.contact_id = st.getColumn(3).getInt64();
  r.status = *parse_message_status(st.getColumn(4).getString());
  if (auto d = optional_int64(st.getColumn(5))) r.due_at = core::from_millis(*d);
  r.channel = st.getColumn(6).getString();
  r.urn = st.getColumn(7).getString();
  r.attempts = st.getColumn(8).getInt();
  r.provider_id = st.getColumn(9).getString();
  r.reason = st.getColumn(10).getString();
  if (auto s = optional_int64(st.getColumn(11))) r.sent_at = core::from_millis(*s);
  r.campaign_version = st.getColumn(12).getInt();
  return r;
}

}  // namespace outreach::storage::outbox_rows

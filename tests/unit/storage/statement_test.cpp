// The statement layer's text on each backend, through a store that keeps what people send.
#include "storage/sql.h"

#include <gtest/gtest.h>

#include <string>

#include "storage/contact_log_store.h"
#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

class StatementTest : public test::BackendStorageTest {};

// A NUL character (valid UTF-8, so core::repair_utf8 keeps it; a webhook's "\u0000") reads back
// the same on both backends: as U+FFFD, with the text after it kept. PostgreSQL's text cannot
// hold U+0000, and libpq used to cut the value there without a word.
TEST_P(StatementTest, ANulCharacterInTextBecomesAReplacementCharacterOnEveryBackend) {
  const std::string with_nul("terug\0bellen", 12);
  ContactLog log;
  log.contact_id = add_contact("Anna");
  log.collector = "vera";
  log.mode = "phone";
  log.outcome = "not_reached";
  log.note = with_nul;
  log.follow_up = std::string("na\0 18:00", 9);
  log.at = now();
  ContactLogStore(*db).add(log).take();
  auto kept = ContactLogStore(*db).for_contact(log.contact_id).at(0);
  EXPECT_EQ(kept.note, "terug\xEF\xBF\xBD" "bellen");
  EXPECT_EQ(kept.follow_up, "na\xEF\xBF\xBD 18:00");

  Statement st(*db, "SELECT ?1, ?2");
  st.bind(1, std::string_view("a\0b", 3));
  st.bind(2, std::string("plain"));
  ASSERT_TRUE(st.executeStep());
  EXPECT_EQ(st.getColumn(0).getString(), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(st.getColumn(1).getString(), "plain");
}

// Bytes that may hold NUL go in a blob, kept exactly on both.
TEST_P(StatementTest, ABlobKeepsEveryByte) {
  const std::string bytes("\0\x01\xff\0", 4);
  Statement st(*db, "SELECT ?");
  st.bindBlob(1, bytes.data(), bytes.size());
  ASSERT_TRUE(st.executeStep());
  EXPECT_EQ(st.getColumn(0).getBlob(), bytes);
}

OUTREACH_ON_EACH_BACKEND(StatementTest);

}  // namespace
}  // namespace outreach::storage

#include "storage/error_report_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

using std::chrono::hours;

class ErrorReportStoreTest : public test::BackendStorageTest {
 protected:
  std::int64_t report(std::int64_t contact, const std::string& reporter = "inbound:sms",
                      core::Millis due_after = hours(48), const std::string& municipality = "GM0599") {
    ErrorReport r;
    r.contact_id = contact;
    r.municipality = municipality;
    r.reporter_kind = reporter == "inbound:sms" ? "person" : "coordinator";
    r.reporter = reporter;
    r.kind = ErrorKind::wrong_letter;
    r.opened_at = now();
    r.sla_due_at = now() + due_after;
    return store.open(r).take();
  }
  std::vector<std::int64_t> ids(const ErrorReportFilter& f, core::TimePoint when) {
    std::vector<std::int64_t> out;
    for (const auto& r : store.list(f, when).take()) out.push_back(r.id);
    return out;
  }

  ErrorReportStore store{*db};
  std::int64_t anna = add_contact("Anna");
};

TEST_P(ErrorReportStoreTest, AReportIsOpenUntilResolvedOnce) {
  ErrorReport r;
  r.contact_id = anna;
  r.reporter_kind = "person";
  r.reporter = "inbound:sms";
  r.kind = ErrorKind::wrong_person;
  r.description = "Ik ben niet Anna";
  r.opened_at = now();
  r.sla_due_at = at(hours(48));
  auto id = store.open(r).take();
  auto got = store.get(id).take();
  EXPECT_EQ(got.contact_id, anna);
  EXPECT_EQ(got.municipality, "");
  EXPECT_FALSE(got.case_id);
  EXPECT_EQ(got.kind, ErrorKind::wrong_person);
  EXPECT_EQ(got.description, "Ik ben niet Anna");
  EXPECT_EQ(got.status, "open");
  EXPECT_EQ(got.opened_at, now());
  EXPECT_EQ(got.sla_due_at, at(hours(48)));
  EXPECT_TRUE(store.has_open(anna).take());
  EXPECT_EQ(store.open_by(anna, "inbound:sms").take(), id);
  EXPECT_FALSE(store.open_by(anna, "els").take());

  ASSERT_TRUE(store.resolve(id, "els", "", at(hours(1))));
  got = store.get(id).take();
  EXPECT_EQ(got.status, "resolved");
  EXPECT_EQ(got.resolved_at, at(hours(1)));
  EXPECT_EQ(got.resolved_by, "els");
  EXPECT_EQ(got.resolution, "");
  EXPECT_FALSE(store.has_open(anna).take());
  EXPECT_FALSE(store.open_by(anna, "inbound:sms").take());
  EXPECT_EQ(store.resolve(id, "els", "again", at(hours(2))).error().code, core::ErrorCode::conflict);
  EXPECT_EQ(store.resolve(id + 1, "els", "x", at(hours(2))).error().code, core::ErrorCode::not_found);
  EXPECT_EQ(store.get(id + 1).error().code, core::ErrorCode::not_found);
  EXPECT_EQ(parse_error_kind("typo").error().where, "kind");
}

TEST_P(ErrorReportStoreTest, OpenContactsAreEveryoneWithAnOpenReport) {
  auto bert = add_contact("Bert");
  auto cor = add_contact("Cor");
  report(anna);
  report(anna, "els");
  auto b = report(bert);
  report(cor);
  ASSERT_TRUE(store.resolve(b, "els", "fixed", now()));
  EXPECT_EQ(store.open_contacts().take(), (std::set<std::int64_t>{anna, cor}));
}

TEST_P(ErrorReportStoreTest, ListsOpenByDueDateThenResolvedByOpeningFiltered) {
  add_municipality("GM0518");
  auto bert = add_contact("Bert", "GM0518");
  auto late_due = report(anna, "inbound:sms", hours(72));
  clock.advance(hours(1));
  auto resolved = report(anna, "els", hours(1));
  auto soon_due = report(bert, "inbound:sms", hours(10), "GM0518");
  ASSERT_TRUE(store.resolve(resolved, "els", "fixed", now()));
  auto no_municipality = report(bert, "els", hours(30), "");

  ErrorReportFilter all;
  EXPECT_EQ(ids(all, now()), (std::vector<std::int64_t>{soon_due, no_municipality, late_due, resolved}));
  ErrorReportFilter open;
  open.status = "open";
  EXPECT_EQ(ids(open, now()), (std::vector<std::int64_t>{soon_due, no_municipality, late_due}));
  ErrorReportFilter done;
  done.status = "resolved";
  EXPECT_EQ(ids(done, now()), (std::vector<std::int64_t>{resolved}));
  ErrorReportFilter gm0599;
  gm0599.municipality = "GM0599";
  EXPECT_EQ(ids(gm0599, now()), (std::vector<std::int64_t>{late_due, resolved}));
  ErrorReportFilter overdue;
  overdue.overdue_only = true;
  EXPECT_TRUE(ids(overdue, now()).empty());
  EXPECT_EQ(ids(overdue, at(hours(31))), (std::vector<std::int64_t>{soon_due, no_municipality}));
  overdue.municipality = "GM0518";
  EXPECT_EQ(ids(overdue, at(hours(31))), (std::vector<std::int64_t>{soon_due}));
  ErrorReportFilter two;
  two.limit = 2;
  EXPECT_EQ(ids(two, now()), (std::vector<std::int64_t>{soon_due, no_municipality}));
}

OUTREACH_ON_EACH_BACKEND(ErrorReportStoreTest);

}  // namespace
}  // namespace outreach::storage

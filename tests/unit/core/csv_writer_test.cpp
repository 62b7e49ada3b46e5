#include "core/csv_writer.h"

#include <gtest/gtest.h>

namespace outreach::core {
namespace {

TEST(CsvWriter, PlainRowsEndInCrlfWithoutBom) {
  CsvWriter w;
  EXPECT_EQ(w.start() + w.row({"id", "name"}) + w.row({"1", "Anna"}), "id,name\r\n1,Anna\r\n");
}

TEST(CsvWriter, SemicolonAndBomForDutchExcel) {
  CsvWriter w({.separator = ';', .bom = true});
  EXPECT_EQ(w.start() + w.row({"naam", "tekst"}) + w.row({"Jan, Piet", "a;b"}),
            "\xEF\xBB\xBFnaam;tekst\r\nJan, Piet;\"a;b\"\r\n");
}

TEST(CsvWriter, QuotesSeparatorsQuotesAndLineBreaks) {
  CsvWriter w;
  EXPECT_EQ(w.row({"a,b", "say \"hi\"", "two\nlines", "cr\rhere", ""}),
            "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",\r\n");
}

TEST(CsvWriter, FormulaStartsAreNeutralised) {
  CsvWriter w;
  EXPECT_EQ(w.row({"=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "a=b"}),
            "\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-2,'@SUM(A1),'\tx,\"'\rx\",a=b\r\n");
}

TEST(CsvWriter, InvalidUtf8IsRepairedOnTheWayOut) {
  CsvWriter w;
  EXPECT_EQ(w.row(std::vector<std::string>{"Caf\xE9", "ok"}), "Caf\xEF\xBF\xBD,ok\r\n");
}

}  // namespace
}  // namespace outreach::core

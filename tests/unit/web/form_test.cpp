#include "web/form.h"

#include <gtest/gtest.h>

namespace outreach::web {
namespace {

TEST(Form, CookiesSplitOnSemicolons) {
  auto c = parse_cookies("outreach_session=abc; outreach_lang=en;broken; x=\"q\"; outreach_session=later");
  EXPECT_EQ(c["outreach_session"], "abc");
  EXPECT_EQ(c["outreach_lang"], "en");
  EXPECT_EQ(c["x"], "q");
  EXPECT_FALSE(c.count("broken"));
}

TEST(Form, UrlencodedKeepsRepeatedFieldsInOrder) {
  channels::FormFields form;
  std::vector<UploadedFile> files;
  ASSERT_TRUE(parse_form("application/x-www-form-urlencoded; charset=UTF-8", "a=1&purpose=outreach&purpose=share%3AGM0599&n=x+y",
                         form, files));
  ASSERT_EQ(form.size(), 4u);
  EXPECT_EQ(form[2].second, "share:GM0599");
  EXPECT_EQ(form[3].second, "x y");
  form.clear();
  EXPECT_EQ(parse_form("application/x-www-form-urlencoded", "a=%ff", form, files).error().what(), "a: not valid UTF-8");
  EXPECT_EQ(parse_form("application/json", "{}", form, files).error().where, "body");
}

TEST(Form, MultipartGivesTextFieldsAndFiles) {
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntoken\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"contacts.csv\"\r\n"
      "Content-Type: text/csv\r\n\r\nname;phone\r\nAnna;0612345678\r\n\r\n"
      "--XyZ--\r\n";
  channels::FormFields form;
  std::vector<UploadedFile> files;
  ASSERT_TRUE(parse_form("multipart/form-data; boundary=XyZ", body, form, files));
  ASSERT_EQ(form.size(), 1u);
  EXPECT_EQ(form[0], (std::pair<std::string, std::string>{"_csrf", "token"}));
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].field, "file");
  EXPECT_EQ(files[0].file_name, "contacts.csv");
  EXPECT_EQ(files[0].content_type, "text/csv");
  EXPECT_EQ(files[0].data, "name;phone\r\nAnna;0612345678\r\n");
  form.clear();
  EXPECT_EQ(parse_form("multipart/form-data; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nnever closed",
                       form, files).error().what(),
            "body: multipart part 1 has no closing boundary");
}

TEST(Form, LocalPathRefusesWhatCouldLeaveTheSite) {
  EXPECT_EQ(local_path("/people/3?x=1"), "/people/3?x=1");
  EXPECT_EQ(local_path("//evil.example"), "/");
  EXPECT_EQ(local_path("/\\evil.example"), "/");
  EXPECT_EQ(local_path("https://evil.example/"), "/");
  EXPECT_EQ(local_path(""), "/");
}

}  // namespace
}  // namespace outreach::web

#include "storage/unsubscribe_token.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace outreach::storage {
namespace {

const std::string kKey(32, 'k');

TEST(UnsubscribeToken, RoundTripsTheMessageIdIn32UrlSafeCharacters) {
  for (std::int64_t id : {1LL, 42LL, 1LL << 40, 9'223'372'036'854'775'807LL}) {
    const std::string t = make_unsubscribe_token(id, kKey);
    EXPECT_EQ(t.size(), 32u);
    EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos) << t;
    EXPECT_EQ(verify_unsubscribe_token(t, kKey), id);
  }
}

TEST(UnsubscribeToken, AnyChangedCharacterOrAnotherKeyIsRefused) {
  const std::string t = make_unsubscribe_token(7, kKey);
  for (std::size_t i = 0; i < t.size(); ++i) {
    std::string bad = t;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verify_unsubscribe_token(bad, kKey)) << i;
  }
  EXPECT_FALSE(verify_unsubscribe_token(t, std::string(32, 'j')));
  EXPECT_FALSE(verify_unsubscribe_token(t, ""));
  EXPECT_FALSE(verify_unsubscribe_token(t.substr(0, 31), kKey));
  EXPECT_FALSE(verify_unsubscribe_token(t + "A", kKey));
  EXPECT_FALSE(verify_unsubscribe_token("c1-s0-k1", kKey)) << "the old guessable reference";
  EXPECT_FALSE(verify_unsubscribe_token(std::string(32, '='), kKey));
}

TEST(UnsubscribeToken, NeighbouringMessagesGetUnrelatedTokens) {
  std::set<std::string> macs;
  for (std::int64_t id = 1; id <= 100; ++id) macs.insert(make_unsubscribe_token(id, kKey).substr(12));
  EXPECT_EQ(macs.size(), 100u);
}

}  // namespace
}  // namespace outreach::storage

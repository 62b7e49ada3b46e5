// Folding for keyword matching: what people type on a phone in nl, en, tr, ar, pl and pap.
#include <gtest/gtest.h>

#include "core/text_fold.h"

namespace outreach::core {
namespace {

TEST(TextFold, CaseAccentsAndPunctuationFoldAway) {
  EXPECT_EQ(fold_for_matching(" Stóp! "), "stop");
  EXPECT_EQ(fold_for_matching("STÓP"), "stop");
  EXPECT_EQ(fold_for_matching("  ja,  graag "), "ja graag");
  EXPECT_EQ(fold_for_matching("ＳＴＯＰ"), "stop") << "full-width letters";
  EXPECT_EQ(fold_for_matching("?!"), "");
}

TEST(TextFold, TurkishDottedAndDotlessIMatchEitherWay) {
  EXPECT_EQ(fold_for_matching("DUR"), "dur");
  EXPECT_EQ(fold_for_matching("Evet"), fold_for_matching("EVET"));
  EXPECT_EQ(fold_for_matching("HAYIR"), "hayir");
  EXPECT_EQ(fold_for_matching("hayır"), "hayir");
  EXPECT_EQ(fold_for_matching("İPTAL"), "iptal");
  EXPECT_EQ(fold_for_matching("iptal"), "iptal");
  EXPECT_EQ(fold_for_matching("YARDIM"), fold_for_matching("yardım"));
  EXPECT_EQ(fold_for_matching("BAŞLA"), "basla");
}

TEST(TextFold, ArabicDiacriticsTatweelAndLetterVariantsFoldAway) {
  EXPECT_EQ(fold_for_matching("نَعَمْ"), "نعم") << "harakat";
  EXPECT_EQ(fold_for_matching("تـوقـف"), "توقف") << "tatweel";
  EXPECT_EQ(fold_for_matching("أ"), "ا");
  EXPECT_EQ(fold_for_matching("إ"), "ا");
  EXPECT_EQ(fold_for_matching("آ"), "ا");
  EXPECT_EQ(fold_for_matching("إلغاء"), fold_for_matching("الغاء"));
  EXPECT_EQ(fold_for_matching("خطأ"), fold_for_matching("خطا"));
  EXPECT_EQ(fold_for_matching("مساعدة"), fold_for_matching("مساعده")) << "teh marbuta";
  EXPECT_EQ(fold_for_matching("على"), fold_for_matching("علي")) << "alef maksura";
  EXPECT_EQ(fold_for_matching("ﻧﻌﻢ"), "نعم") << "presentation forms";
  EXPECT_EQ(fold_for_matching("نعم؟"), "نعم") << "Arabic question mark";
}

TEST(TextFold, PolishAndDigitsOfAnyScript) {
  EXPECT_EQ(fold_for_matching("BŁĄD"), "blad");
  EXPECT_EQ(fold_for_matching("błąd"), fold_for_matching("BLAD"));
  EXPECT_EQ(fold_for_matching("٣"), "3");
  EXPECT_EQ(fold_for_matching("5"), "5");
}

// A compatibility form can decompose to a letter that case folding changes again: the lunate sigma
// ϲ (and its capital Ϲ) is ς after NFKD, which folds to σ. Folded once it must already be σ, or a
// word written with one sigma would not match a reply written with another (found by the keywords
// fuzzer: folding a folded text changed it).
TEST(TextFold, FoldingIsCompleteAfterOnePass) {
  EXPECT_EQ(fold_for_matching("\u03F9"), "σ");
  EXPECT_EQ(fold_for_matching("ς"), "σ");
  EXPECT_EQ(fold_for_matching("ΣΤΟΠ"), fold_for_matching("στοπ"));
  EXPECT_EQ(fold_for_matching("\u03F2\u03C4\u03BF\u03C0"), fold_for_matching("στοπ"));
  for (const char* text : {"\u03F9", "ϲ", "Straße", "ﬁn", "İptal", "ＳＴＯＰ", "\u1E9E", "\u2126", "\u212A", "\u33C6"}) {
    const std::string once = fold_for_matching(text);
    EXPECT_EQ(fold_for_matching(once), once) << text;
  }
}

TEST(TextFold, InvalidUtf8IsDroppedNotRefused) {
  EXPECT_EQ(fold_for_matching(std::string("ST\xffOP")), "stop");
}

}  // namespace
}  // namespace outreach::core

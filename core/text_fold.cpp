#include "core/text_fold.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace outreach::core {
namespace {

// Letters that case folding and NFKD leave distinct but a person means as the same letter.
UChar32 unify(UChar32 c) {
  switch (c) {
    case 0x0131: return u'i';     // Turkish dotless i
    case 0x0142: return u'l';     // Polish ł (no decomposition: "BLAD" means "BŁĄD")
    case 0x00F8: return u'o';     // ø
    case 0x0111: return u'd';     // đ
    case 0x0649: return 0x064A;   // alef maksura -> yeh
    case 0x0629: return 0x0647;   // teh marbuta -> heh
    case 0x0671: return 0x0627;   // alef wasla -> alef
    default: return c;
  }
}

}  // namespace

std::string fold_for_matching(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return {};
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  // Unicode's compatibility caseless match (D145): NFKD(fold(NFKD(fold(NFD(x))))). One fold and one
  // NFKD are not enough: a compatibility form can decompose to a letter that folds again (the
  // lunate sigma ϲ becomes ς, which folds to σ; ㎒ becomes "MHz").
  icu::UnicodeString decomposed = nfd->normalize(s, status);
  for (int pass = 0; pass < 2 && U_SUCCESS(status); ++pass) {
    decomposed.foldCase(U_FOLD_CASE_DEFAULT);
    decomposed = nfkd->normalize(decomposed, status);
  }
  if (U_FAILURE(status)) return {};

  icu::UnicodeString kept;
  bool pending_space = false;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (c == 0xFFFD) continue;  // what fromUTF8 made of an invalid byte
    const int8_t type = u_charType(c);
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || c == 0x0640 /* tatweel */) continue;
    c = unify(c);
    if (type == U_DECIMAL_DIGIT_NUMBER) {
      c = u'0' + u_charDigitValue(c);
    } else if (u_isUWhiteSpace(c)) {
      pending_space = !kept.isEmpty();
      continue;
    } else if (!u_isalnum(c)) {
      continue;
    }
    if (pending_space) kept.append(u' ');
    pending_space = false;
    kept.append(c);
  }
  icu::UnicodeString composed = nfc->normalize(kept, status);
  if (U_FAILURE(status)) return {};
  std::string out;
  composed.toUTF8String(out);
  return out;
}

}  // namespace outreach::core

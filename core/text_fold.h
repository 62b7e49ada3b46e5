#pragma once
// Folding text for matching what people type on a phone against a configured word (reply
// keywords, written once for every language). Pure, never throws, safe from any thread (ICU's
// normalisers are immutable singletons).
//
// fold_for_matching(text), in this order:
//  1. invalid UTF-8 bytes are dropped (the input is repaired, never refused);
//  2. full Unicode case folding (ICU u_foldCase, default mapping): "EVET" -> "evet", "İ" -> "i̇";
//  3. NFKD: compatibility forms (full-width letters, Arabic presentation forms, ligatures) become
//     their plain letters, and accents come apart from their letters; 2 and 3 run twice, after an
//     NFD, as Unicode's compatibility caseless match (D145) does, so what NFKD makes of a form
//     is folded too (ϲ -> ς -> σ) and folding a folded text changes nothing;
//  4. every non-spacing mark is dropped: Latin accents (é -> e, ş -> s), the combining dot of
//     Turkish İ, Arabic harakat/tashkeel (fatha, damma, kasra, sukun, shadda, tanwin), the
//     superscript alef and the hamza/madda that NFKD split off alef, waw and yeh, so
//     أ إ آ ٱ become ا, ؤ becomes و and ئ becomes ي;
//  5. letters that folding leaves apart are unified: dotless ı -> i (so "HAYIR", "hayır" and
//     "hayir" match), ł -> l, ø -> o, đ -> d, alef maksura ى -> ي, teh marbuta ة -> ه; the tatweel ـ (kashida) is dropped;
//  6. decimal digits of any script become ASCII digits ("٣" -> "3");
//  7. everything that is neither a letter nor a digit is dropped, except that runs of white space
//     become one space; leading and trailing spaces are trimmed;
//  8. NFC, so the result is a canonical UTF-8 string.
// " Stóp! " -> "stop", "DUR" -> "dur", "Evet." -> "evet", "نَعَم" -> "نعم", "تـوقـف" -> "توقف".

#include <string>
#include <string_view>

namespace outreach::core {

std::string fold_for_matching(std::string_view text);

}  // namespace outreach::core

#pragma once
// Text encodings at the boundary, written once. Inside outreach all text is UTF-8; whatever comes
// in (a CSV from Dutch Excel, a MIME part in koi8-r, a provider webhook with a stray byte) goes
// through these functions on its way in. All functions are pure, never throw and are safe from any
// thread.
//
// "Valid UTF-8" is RFC 3629: no overlong forms (C0 AF), no surrogates (ED A0 80, as CESU-8 writes
// them), nothing above U+10FFFF, no truncated sequences.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace outreach::core {

bool is_valid_utf8(std::string_view bytes);

// Offset of the first byte that does not start a valid UTF-8 sequence; nullopt when all is valid.
std::optional<std::size_t> first_invalid_utf8(std::string_view bytes);

// Offset of the first control character in UTF-8 text, nullopt when there is none: C0 but tab, LF
// and CR; DEL; and C1 (U+0080-U+009F, as C2 80 - C2 9F), NEL included. Text that reaches a
// resident (a template, a reply) has no use for them, and a terminal shows ESC sequences as commands.
std::optional<std::size_t> first_control_character(std::string_view text);
// The control character at `offset` (as first_control_character found it) by its code point: "U+0007".
std::string control_character_name(std::string_view text, std::size_t offset);

// What is wrong with the bytes of a YAML file (a campaign, the configuration, the keywords), found
// before a YAML parser reads them: the first byte that is not UTF-8, or the first control character
// (first_control_character). yaml-cpp accepts both and can turn them into bytes that are not UTF-8
// (it made the bytes 00 4E in a folded text a lone 0x85), which would then reach every message
// rendered from the file. `kind` names the file in the message ("campaign file"). Line and column
// are 1-based; the column counts bytes. Escapes in quoted values ("\0", "\e") are the parsers'
// to check: they are plain text here.
struct YamlTextFault {
  int line = 0;
  int column = 0;
  std::string message;
  // "file:line:column", the place an error names.
  std::string where(const std::string& file) const {
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
};
std::optional<YamlTextFault> check_yaml_text(std::string_view text, std::string_view kind);
// What is wrong with a value as a YAML parser gave it, escapes read, for text that may reach a
// resident: a control character written by an escape ("\a", "\e", "\0"), or bytes that are not
// UTF-8 (yaml-cpp writes "\N" and "\_" as the single bytes 0x85 and 0xA0). The message says what
// to change; nullopt when the value is fine.
std::optional<std::string> check_yaml_value(std::string_view value);

// Valid UTF-8 unchanged; every byte that is not part of a valid sequence becomes U+FFFD.
std::string repair_utf8(std::string_view bytes);

// Windows-1252 (a superset of Latin-1 for printable text; 0x80-0x9F per cp1252) to UTF-8. The five
// bytes cp1252 leaves undefined (81 8D 8F 90 9D) make it return nullopt with their offset in
// *bad_offset (when given).
std::optional<std::string> decode_cp1252(std::string_view bytes, std::size_t* bad_offset = nullptr);

// `bytes` in the MIME/IANA `charset` ("iso-8859-9", "koi8-r", "utf-16", "windows-1254", ...) as
// UTF-8, through glibc iconv. An empty, utf-8 or us-ascii charset means UTF-8. Never fails: an
// unknown charset is read as UTF-8 and every byte that cannot be decoded becomes U+FFFD, so the
// result is always valid UTF-8.
std::string to_utf8(std::string_view bytes, std::string_view charset);

// A text file whose encoding nobody declared (a contacts CSV), as UTF-8. Tried in order:
//  1. a UTF-16 byte order mark (FF FE / FE FF): UTF-16 LE/BE, converted;
//  2. valid UTF-8, with or without a BOM (the BOM is dropped);
//  3. Windows-1252, converted.
// A NUL byte outside UTF-16, a byte undefined in Windows-1252, or a broken UTF-16 sequence makes it
// invalid_input with the place named: "line 3, column 7: byte 0x81 is neither UTF-8 nor
// Windows-1252 text" (line and column 1-based; the column counts bytes of the original line).
struct DecodedText {
  std::string text;      // UTF-8 without BOM
  std::string encoding;  // "UTF-8", "UTF-8 with BOM", "UTF-16LE", "UTF-16BE", "Windows-1252"
};
Result<DecodedText> decode_text_file(std::string_view bytes);

// Appends the UTF-8 encoding of `code_point` (U+FFFD for a surrogate or a value above U+10FFFF).
void append_utf8(std::string& out, char32_t code_point);

}  // namespace outreach::core

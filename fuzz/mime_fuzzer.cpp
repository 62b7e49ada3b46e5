// mime: the MIME parser that reads replies and bounces (channels/mime_message.h): parse_message
// (headers, folding, nested multiparts), every part's decoded body and UTF-8 text (base64,
// quoted-printable, charsets through iconv), RFC 2047 header words, addresses, Message-IDs and
// dates; and base64 and quoted-printable round trips.
// Checked: text() and decode_header_words() are always valid UTF-8 (the header promises it), and
// decoding what base64_encode / qp_encode made gives the input back (with CRLF line breaks).
#include <cstdlib>
#include <string>

#include "channels/mime_message.h"
#include "core/text_encoding.h"

using namespace outreach;
using namespace outreach::channels;
using namespace outreach::channels::mime;

namespace {

void walk(const Part& part, int depth) {
  if (depth > 200) return;
  (void)part.media_type();
  (void)part.content_type_param("charset");
  (void)part.decoded_body();
  if (!core::is_valid_utf8(part.text())) std::abort();
  for (const auto& [name, value] : part.headers) {
    if (!core::is_valid_utf8(decode_header_words(value))) std::abort();
  }
  for (const char* name : {"From", "To", "Cc"}) {
    if (const std::string* v = part.header(name)) {
      (void)extract_address(*v);
      (void)extract_addresses(*v);
    }
  }
  for (const char* name : {"Message-ID", "In-Reply-To", "References"}) {
    if (const std::string* v = part.header(name)) (void)parse_message_ids(*v);
  }
  if (const std::string* v = part.header("Date")) (void)parse_date(*v);
  for (const auto& child : part.parts) walk(child, depth + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  if (auto part = parse_message(raw)) {
    walk(*part, 0);
    (void)part->find("message/delivery-status");
  } else if (part.error().message.empty()) {
    std::abort();
  }
  (void)parse_header_block(raw);
  (void)base64_decode(raw);
  (void)qp_decode(raw);
  auto b64 = base64_decode(base64_encode(raw));
  if (!b64 || *b64 != raw) std::abort();
  // qp_encode writes every line break (LF or CRLF) as CRLF.
  std::string crlf;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) crlf += '\r';
    crlf += raw[i];
  }
  if (qp_decode(qp_encode(raw)) != crlf) std::abort();
  return 0;
}

#include "channels/sender_id.h"

#include <string>

namespace outreach::channels {

namespace {

bool ascii_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool ascii_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool is_alphanumeric_sender(std::string_view id) {
  if (id.empty() || id.size() > kMaxAlphanumericSender || id.front() == ' ' || id.back() == ' ') return false;
  bool letter = false;
  for (char c : id) {
    if (ascii_letter(c)) {
      letter = true;
    } else if (!ascii_digit(c) && c != ' ') {
      return false;
    }
  }
  return letter;
}

bool is_numeric_sender(std::string_view id, std::size_t max_digits) {
  if (!id.empty() && id.front() == '+') id.remove_prefix(1);
  if (id.empty() || id.size() > max_digits) return false;
  for (char c : id) {
    if (!ascii_digit(c)) return false;
  }
  return true;
}

core::Status validate_sender(std::string_view id, std::size_t max_digits, std::string_view where) {
  if (is_numeric_sender(id, max_digits) || is_alphanumeric_sender(id)) return {};
  return core::Error::invalid("'" + std::string(id) + "' is no sender id: use a phone number of at most " +
                                  std::to_string(max_digits) + " digits or at most " +
                                  std::to_string(kMaxAlphanumericSender) + " letters, digits and spaces",
                              std::string(where));
}

}  // namespace outreach::channels

#pragma once
// SHA-256 for stored fingerprints: campaign sources, token hashes, the audit chain.

#include <string>
#include <string_view>

namespace outreach::storage {

std::string sha256_hex(std::string_view data);

}  // namespace outreach::storage

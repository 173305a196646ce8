#pragma once
// SKU validation (SPEC §1): 1–128 bytes of UTF-8, no whitespace or control characters.

#include <cstddef>
#include <string_view>

namespace inv::domain {

inline constexpr std::size_t k_max_sku_bytes = 128;

// Throws inv::Error (usage) with a message naming the problem if `sku` is not a valid SKU.
void validate_sku(std::string_view sku);

}  // namespace inv::domain

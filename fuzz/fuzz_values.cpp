// Fuzz target: the parsers of single values — numbers, SKUs, TIME, UTF-8 — must never crash, and
// whatever they accept must be well-formed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inv/domain/sku.hpp"
#include "inv/error.hpp"
#include "inv/util/number.hpp"
#include "inv/util/time.hpp"
#include "inv/util/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  for (const auto sign : {inv::util::Sign::non_negative, inv::util::Sign::any}) {
    if (const auto value = inv::util::parse_int64(text, sign)) {
      // Accepted numbers are exactly decimal digits with an optional '-'; they print back the
      // same up to leading zeros.
      if (sign == inv::util::Sign::non_negative && *value < 0) {
        std::abort();
      }
      if (text.find_first_not_of("-0123456789") != std::string_view::npos) {
        std::abort();
      }
    }
  }

  try {
    inv::domain::validate_sku(text);
    if (text.empty() || text.size() > inv::domain::k_max_sku_bytes ||
        !inv::util::is_valid_utf8(text)) {
      std::abort();
    }
  } catch (const inv::Error& error) {
    if (error.exit_code() != inv::ExitCode::usage) {
      std::abort();
    }
  }

  if (const auto instant = inv::util::parse_time(text)) {
    // Whatever TIME parses to formats as a canonical timestamp that parses back to itself.
    const std::string canonical = inv::util::format_rfc3339_micros(*instant);
    if (inv::util::parse_time(canonical) != instant) {
      std::abort();
    }
  }
  return 0;
}

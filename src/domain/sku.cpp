#include "inv/domain/sku.hpp"

#include <string>

#include "inv/error.hpp"
#include "inv/util/utf8.hpp"

namespace inv::domain {
namespace {

// Unicode White_Space and the C0/C1 control characters.
bool is_space_or_control(char32_t c) {
  if (c < 0x20 || c == 0x20 || (c >= 0x7F && c <= 0xA0)) {
    return true;
  }
  switch (c) {
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

Error invalid_sku(const std::string& why) {
  return Error(ExitCode::usage, "invalid_sku", "invalid SKU: " + why);
}

}  // namespace

void validate_sku(std::string_view sku) {
  if (sku.empty()) {
    throw invalid_sku("it is empty");
  }
  if (sku.size() > k_max_sku_bytes) {
    throw invalid_sku("it is " + std::to_string(sku.size()) + " bytes long; the limit is " +
                      std::to_string(k_max_sku_bytes));
  }
  std::size_t pos = 0;
  while (pos < sku.size()) {
    const auto code = util::decode_utf8(sku, pos);
    if (!code) {
      throw invalid_sku("it is not valid UTF-8");
    }
    if (is_space_or_control(*code)) {
      throw invalid_sku("it contains whitespace or a control character");
    }
  }
}

}  // namespace inv::domain

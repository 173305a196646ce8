#pragma once
// Batches (`inv apply`): many write commands, one transaction, all or nothing (SPEC §3, §7).

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "inv/app/command_service.hpp"
#include "inv/domain/commands.hpp"

namespace inv::app {

// One command of a batch, with the options its line gave.
struct BatchLine {
  std::int64_t line_number = 0;  // physical line in the input (a CSV header is line 1)
  std::variant<domain::Command, WholeOrder> command;
  std::optional<std::int64_t> expect_version;
  std::optional<std::string> ref, note, idempotency_key;
};

enum class BatchFormat { ndjson, csv };

// The fields a batch line may have (NDJSON keys, CSV columns), in the order help lists them.
inline constexpr std::string_view k_batch_fields[] = {"cmd",
                                                      "sku",
                                                      "qty",
                                                      "soh",
                                                      "available",
                                                      "ref",
                                                      "note",
                                                      "expect_version",
                                                      "idempotency_key",
                                                      "reorder_point"};

// Reads batch lines one at a time from a stream: NDJSON objects such as
// {"cmd":"reserve","sku":"A-1","qty":2,"ref":"order-7"}, or CSV with a header row naming the same
// fields. Blank lines are skipped. Fields: cmd, sku, qty (quantity, delta or new value), soh and
// available (for create), ref, note, expect_version, idempotency_key, reorder_point (for
// set-reorder, which also takes its N as qty, SPEC §8).
class BatchReader {
 public:
  virtual ~BatchReader() = default;
  // The next command, or nullopt at the end. Throws inv::Error (usage) naming `source:line` for
  // a line that is not a valid command.
  virtual std::optional<BatchLine> next() = 0;
};

std::unique_ptr<BatchReader> make_batch_reader(std::istream& input, std::string source,
                                               BatchFormat format);

}  // namespace inv::app

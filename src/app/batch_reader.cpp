#include <algorithm>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "inv/app/batch.hpp"
#include "inv/domain/commands.hpp"
#include "inv/domain/sku.hpp"
#include "inv/error.hpp"
#include "inv/util/number.hpp"
#include "inv/util/suggest.hpp"
#include "inv/util/text.hpp"
#include "inv/util/utf8.hpp"

namespace inv::app {
namespace {

using nlohmann::json;

constexpr auto& k_fields = k_batch_fields;

bool is_field(std::string_view name) {
  for (const std::string_view field : k_fields) {
    if (name == field) {
      return true;
    }
  }
  return false;
}

// One line's fields as text, whatever the input format; absent fields are nullopt.
struct RawLine {
  std::optional<std::string> cmd, sku, qty, soh, available, ref, note, expect_version,
      idempotency_key, reorder_point;

  std::optional<std::string>* field(std::string_view name) {
    if (name == "cmd")
      return &cmd;
    if (name == "sku")
      return &sku;
    if (name == "qty")
      return &qty;
    if (name == "soh")
      return &soh;
    if (name == "available")
      return &available;
    if (name == "ref")
      return &ref;
    if (name == "note")
      return &note;
    if (name == "expect_version")
      return &expect_version;
    if (name == "idempotency_key")
      return &idempotency_key;
    if (name == "reorder_point")
      return &reorder_point;
    return nullptr;
  }
};

// `unknown field "qyt" (did you mean "qty"? known: cmd, sku, ...)`: `what` and `name` as given,
// the closest of `known` if one is close, then all of them.
std::string unknown_name(std::string_view what, const std::string& name,
                         std::span<const std::string_view> known, std::string_view list_label) {
  const std::vector<std::string> candidates(known.begin(), known.end());
  std::string message = std::string(what) + " \"" + name + "\" (";
  if (const auto suggestion = util::closest(name, candidates)) {
    message += "did you mean \"" + *suggestion + "\"? ";
  }
  message += list_label;
  for (std::size_t i = 0; i < known.size(); ++i) {
    message += i == 0 ? " " : ", ";
    message += known[i];
  }
  return message + ")";
}

std::int64_t number(const std::optional<std::string>& text, const char* name, util::Sign sign,
                    std::int64_t minimum, const char* expected) {
  if (!text) {
    throw usage_error(std::string("missing \"") + name + "\"");
  }
  const auto value = util::parse_int64(*text, sign);
  if (!value || *value < minimum || (sign == util::Sign::any && *value == 0)) {
    throw Error(ExitCode::usage, "invalid_number",
                std::string("\"") + name + "\" must be " + expected + ", got '" +
                    util::excerpt(*text) + "'");
  }
  return *value;
}

std::optional<std::string> text(const std::optional<std::string>& value, const char* name,
                                util::TextKind kind = util::TextKind::label) {
  if (!value || value->empty()) {
    return std::nullopt;  // an empty value means absent (SPEC §7)
  }
  if (!util::is_valid_utf8(*value)) {
    throw usage_error(std::string("\"") + name + "\" is not valid UTF-8");
  }
  if (const auto forbidden = util::forbidden_character(*value, kind)) {
    throw usage_error(std::string("\"") + name + "\" must not hold " + *forbidden);
  }
  return value;
}

// Builds the command of one line; throws inv::Error (usage) without the line prefix.
BatchLine to_batch_line(RawLine& raw) {
  if (!raw.cmd || raw.cmd->empty()) {
    throw usage_error("missing \"cmd\"");
  }
  const std::string& cmd = *raw.cmd;
  BatchLine line;
  line.ref = text(raw.ref, "ref");
  // release/complete with a ref and neither sku nor qty: the whole order (SPEC §8).
  if (raw.reorder_point && cmd != "set-reorder") {
    throw usage_error("\"reorder_point\" is for \"set-reorder\" only");
  }
  if ((cmd == "release" || cmd == "complete") && !raw.sku && !raw.qty && !raw.soh &&
      !raw.available && line.ref) {
    if (raw.expect_version) {
      throw usage_error("\"expect_version\" needs a \"sku\"; a whole order has none");
    }
    line.command = WholeOrder{
        cmd == "release" ? WholeOrder::Kind::release : WholeOrder::Kind::complete, *line.ref};
    line.note = text(raw.note, "note", util::TextKind::note);
    line.idempotency_key = text(raw.idempotency_key, "idempotency_key");
    return line;
  }
  if (!raw.sku) {
    throw usage_error(cmd == "release" || cmd == "complete"
                          ? "missing \"sku\" (or give only \"ref\" for the whole order)"
                          : "missing \"sku\"");
  }
  domain::validate_sku(*raw.sku);
  const std::string& sku = *raw.sku;
  constexpr auto non_negative = util::Sign::non_negative;
  const auto no_create_fields = [&] {
    if (raw.soh || raw.available) {
      throw usage_error("\"soh\" and \"available\" are for \"create\" only; use \"qty\"");
    }
  };
  if (cmd == "create") {
    if (raw.qty) {
      throw usage_error("\"create\" takes \"soh\" and \"available\", not \"qty\"");
    }
    domain::CreateItem create{sku, 0, std::nullopt};
    if (raw.soh) {
      create.on_hand = number(raw.soh, "soh", non_negative, 0, "a whole number >= 0");
    }
    if (raw.available) {
      create.available = number(raw.available, "available", non_negative, 0, "a whole number >= 0");
    }
    line.command = create;
  } else if (cmd == "set-soh") {
    no_create_fields();
    line.command =
        domain::SetOnHand{sku, number(raw.qty, "qty", non_negative, 0, "a whole number >= 0")};
  } else if (cmd == "adjust") {
    no_create_fields();
    line.command = domain::AdjustStock{
        sku, number(raw.qty, "qty", util::Sign::any, std::numeric_limits<std::int64_t>::min(),
                    "a non-zero whole number")};
  } else if (cmd == "set-available") {
    no_create_fields();
    line.command =
        domain::SetAvailable{sku, number(raw.qty, "qty", non_negative, 0, "a whole number >= 0")};
  } else if (cmd == "reserve" || cmd == "release" || cmd == "complete" || cmd == "sell") {
    no_create_fields();
    const std::int64_t qty = number(raw.qty, "qty", non_negative, 1, "a whole number >= 1");
    if (cmd == "reserve") {
      line.command = domain::ReserveStock{sku, qty};
    } else if (cmd == "release") {
      line.command = domain::ReleaseReservation{sku, qty};
    } else if (cmd == "complete") {
      line.command = domain::CompleteReservation{sku, qty};
    } else {
      line.command = domain::SellStock{sku, qty};
    }
  } else if (cmd == "set-reorder") {
    // N as "reorder_point", or as "qty" like every other command's number (SPEC §8); not both.
    no_create_fields();
    if (raw.qty && raw.reorder_point) {
      throw usage_error("\"set-reorder\" takes \"reorder_point\" or \"qty\", not both");
    }
    line.command = domain::SetReorderPoint{
        sku, raw.qty ? number(raw.qty, "qty", non_negative, 0, "a whole number >= 0")
                     : number(raw.reorder_point, "reorder_point", non_negative, 0,
                              "a whole number >= 0")};
  } else if (cmd == "retire") {
    no_create_fields();
    if (raw.qty) {
      throw usage_error("\"retire\" takes no \"qty\"");
    }
    line.command = domain::RetireItem{sku};
  } else {
    throw Error(
        ExitCode::usage, "unknown_command",
        unknown_name("unknown command", util::excerpt(cmd), domain::k_command_names, "one of"));
  }
  if (raw.expect_version) {
    line.expect_version =
        number(raw.expect_version, "expect_version", non_negative, 0, "a whole number >= 0");
  }
  line.note = text(raw.note, "note", util::TextKind::note);
  line.idempotency_key = text(raw.idempotency_key, "idempotency_key");
  return line;
}

class LineReader {
 public:
  LineReader(std::istream& input, std::string source)
      : m_input(input), m_source(std::move(source)) {}

  // The next physical line (without its line end), or false at the end.
  bool next(std::string& line) {
    if (!std::getline(m_input, line)) {
      if (m_input.bad()) {
        throw Error(ExitCode::storage, "io_error", "cannot read " + m_source);
      }
      return false;
    }
    ++m_line_number;
    // A UTF-8 byte-order mark at the start of the file is not part of the data (SPEC §12).
    if (m_line_number == 1 && line.starts_with("\xEF\xBB\xBF")) {
      line.erase(0, 3);
    }
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    return true;
  }

  std::int64_t line_number() const { return m_line_number; }

  // `error` prefixed with "SOURCE:LINE: ", LINE being the current line unless given.
  Error at_line(const Error& error, std::int64_t line_number = 0) const {
    const std::int64_t line = line_number > 0 ? line_number : m_line_number;
    Error located(error.exit_code(), error.code(),
                  m_source + ":" + std::to_string(line) + ": " + error.what());
    located.set_line(line);
    return located;
  }

 private:
  std::istream& m_input;
  std::string m_source;
  std::int64_t m_line_number = 0;
};

bool is_blank(const std::string& line) {
  return line.find_first_not_of(" \t") == std::string::npos;
}

class NdjsonReader final : public BatchReader {
 public:
  NdjsonReader(std::istream& input, std::string source) : m_lines(input, std::move(source)) {}

  std::optional<BatchLine> next() override {
    while (m_lines.next(m_line)) {
      if (is_blank(m_line)) {
        continue;
      }
      try {
        return parse();
      } catch (const Error& error) {
        throw m_lines.at_line(error);
      }
    }
    return std::nullopt;
  }

 private:
  BatchLine parse() {
    // A key given twice is an error (SPEC §12), not "the last one wins" as nlohmann_json has it.
    std::vector<std::string> keys;
    const json::parser_callback_t refuse_duplicates = [&](int depth, json::parse_event_t event,
                                                          json& parsed) {
      if (event == json::parse_event_t::key && depth == 1) {
        const std::string& key = parsed.get_ref<const std::string&>();
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
          throw usage_error("\"" + util::excerpt(key) + "\" is given twice");
        }
        keys.push_back(key);
      }
      return true;
    };
    const json object = json::parse(m_line, refuse_duplicates, /*allow_exceptions=*/false);
    if (object.is_discarded() || !object.is_object()) {
      if (m_line.starts_with("cmd,")) {
        throw usage_error("not a JSON object (a CSV header? add --input csv)");
      }
      throw usage_error("not a JSON object");
    }
    RawLine raw;
    for (const auto& [key, value] : object.items()) {
      std::optional<std::string>* field = raw.field(key);
      if (field == nullptr) {
        throw usage_error(unknown_name("unknown field", util::excerpt(key), k_fields, "known:"));
      }
      if (value.is_null()) {
        continue;
      }
      // Each field has one JSON type (SPEC §12): "sku":12 and "qty":"2" are both mistakes.
      const bool numeric = key == "qty" || key == "soh" || key == "available" ||
                           key == "expect_version" || key == "reorder_point";
      if (numeric && value.is_number_integer()) {
        // JSON integers are written back as decimal text and parsed by the same strict parser
        // as the command line, so ranges and signs are checked in one place.
        *field = value.dump();
      } else if (!numeric && value.is_string()) {
        *field = value.get<std::string>();
      } else {
        throw usage_error("\"" + key + "\" must be " +
                          (numeric ? "a JSON integer" : "a JSON string") + ", not " +
                          (value.is_string()   ? "a string"
                           : value.is_number() ? "a number"
                                               : value.type_name()));
      }
    }
    BatchLine line = to_batch_line(raw);
    line.line_number = m_lines.line_number();
    return line;
  }

  LineReader m_lines;
  std::string m_line;
};

// RFC 4180 fields of one record; a quoted field may span lines, so it may read more lines.
class CsvReader final : public BatchReader {
 public:
  CsvReader(std::istream& input, std::string source) : m_lines(input, std::move(source)) {}

  std::optional<BatchLine> next() override {
    // A bad header ends the file: a dry run that asks for more lines after its error gets none
    // (its names would not say which field a cell is).
    if (m_header_failed || (m_header.empty() && !read_header())) {
      return std::nullopt;
    }
    while (m_lines.next(m_line)) {
      if (m_line.empty()) {
        continue;
      }
      const std::int64_t first_line = m_lines.line_number();
      try {
        const std::vector<std::string> cells = split_record();
        if (cells.size() != m_header.size()) {
          throw usage_error("expected " + std::to_string(m_header.size()) + " fields, found " +
                            std::to_string(cells.size()));
        }
        RawLine raw;
        for (std::size_t i = 0; i < cells.size(); ++i) {
          if (!cells[i].empty()) {
            *raw.field(m_header[i]) = cells[i];
          }
        }
        BatchLine line = to_batch_line(raw);
        line.line_number = first_line;
        return line;
      } catch (const Error& error) {
        throw m_lines.at_line(error, first_line);  // a record's first line, as for rule errors
      }
    }
    return std::nullopt;
  }

 private:
  bool read_header() {
    if (m_header_failed || !m_lines.next(m_line)) {
      return false;
    }
    m_header_failed = true;  // until it is read: a bad header ends the file (no other lines)
    try {
      std::vector<std::string> header = split_record();
      for (const std::string& name : header) {
        if (!is_field(name)) {
          throw usage_error(
              unknown_name("unknown column", util::excerpt(name), k_fields, "known:"));
        }
      }
      if (header.empty()) {
        throw usage_error("the header row is empty");
      }
      m_header = std::move(header);  // only a header whose every name is a field
      m_header_failed = false;
    } catch (const Error& error) {
      throw m_lines.at_line(error);
    }
    return true;
  }

  std::vector<std::string> split_record() {
    std::vector<std::string> cells(1);
    bool quoted = false;
    std::size_t i = 0;
    while (true) {
      if (i == m_line.size()) {
        if (!quoted) {
          break;
        }
        // A line break inside quotes belongs to the field: read on.
        std::string more;
        if (!m_lines.next(more)) {
          throw usage_error("unterminated quoted field");
        }
        cells.back() += '\n';
        m_line = std::move(more);
        i = 0;
        continue;
      }
      const char c = m_line[i++];
      if (quoted) {
        if (c == '"') {
          if (i < m_line.size() && m_line[i] == '"') {
            cells.back() += '"';
            ++i;
          } else {
            quoted = false;
          }
        } else {
          cells.back() += c;
        }
      } else if (c == ',') {
        cells.emplace_back();
      } else if (c == '"' && cells.back().empty()) {
        quoted = true;
      } else {
        cells.back() += c;
      }
    }
    return cells;
  }

  bool m_header_failed = false;
  LineReader m_lines;
  std::string m_line;
  std::vector<std::string> m_header;
};

}  // namespace

std::unique_ptr<BatchReader> make_batch_reader(std::istream& input, std::string source,
                                               BatchFormat format) {
  if (format == BatchFormat::csv) {
    return std::make_unique<CsvReader>(input, std::move(source));
  }
  return std::make_unique<NdjsonReader>(input, std::move(source));
}

}  // namespace inv::app

#include "inv/cli/output.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "inv/report/terminal_chart.hpp"
#include "inv/util/json_writer.hpp"
#include "inv/util/overloaded.hpp"
#include "inv/util/text.hpp"
#include "inv/util/time.hpp"

#ifndef INV_VERSION
#define INV_VERSION "0.0.0"
#endif

namespace inv::cli {
namespace {

using util::append_json_int;
using util::append_json_string;
using util::append_json_string_or_null;

void write(const Output& out, std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), out.stream);
}

// {"position":P,"hash":"H"}, the head's shape wherever it is printed.
void append_head_json(std::string& json, const store::Head& head) {
  json += "{\"position\":";
  append_json_int(json, head.position);
  json += ",\"hash\":";
  append_json_string(json, head.hash);
  json += '}';
}

std::string item_json(const domain::Item& item) {
  std::string json = "{\"sku\":";
  append_json_string(json, item.sku);
  json += ",\"on_hand\":";
  append_json_int(json, item.on_hand);
  json += ",\"reserved\":";
  append_json_int(json, item.reserved);
  json += ",\"available\":";
  append_json_int(json, item.available);
  json += ",\"held\":";
  append_json_int(json, item.held());
  json += ",\"version\":";
  append_json_int(json, item.version);
  json += ",\"updated_at\":";
  append_json_string(json, item.updated_at);
  json += ",\"retired\":";
  json += item.retired ? "true" : "false";
  json += ",\"reorder_point\":";
  if (item.reorder_point) {
    append_json_int(json, *item.reorder_point);
  } else {
    json += "null";
  }
  json += '}';
  return json;
}

// One RFC 4180 field: quoted when it holds a comma, a quote or a line break.
void append_csv_field(std::string& line, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    line += field;
    return;
  }
  line += '"';
  for (const char c : field) {
    if (c == '"') {
      line += '"';
    }
    line += c;
  }
  line += '"';
}

// RFC 4180 records end with CRLF.
std::string csv_row(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) {
      line += ',';
    }
    append_csv_field(line, fields[i]);
  }
  line += "\r\n";
  return line;
}

// The reorder point as a cell: empty when the item has none (SPEC §9).
std::string reorder_text(const domain::Item& item) {
  return item.reorder_point ? std::to_string(*item.reorder_point) : std::string();
}

std::vector<std::string> item_fields(const domain::Item& item) {
  return {item.sku,
          std::to_string(item.on_hand),
          std::to_string(item.reserved),
          std::to_string(item.available),
          std::to_string(item.held()),
          std::to_string(item.version),
          item.updated_at,
          item.retired ? "true" : "false",
          reorder_text(item)};
}

const std::vector<std::string> k_item_header = {"sku",        "on_hand", "reserved",
                                                "available",  "held",    "version",
                                                "updated_at", "retired", "reorder_point"};
// The event fields, then its quantities as plain columns (issue 12), empty where the type has
// none: a spreadsheet sums them without parsing the JSON in `data`.
const std::vector<std::string> k_event_header = {
    "position", "sku",       "version",         "type",      "data", "recorded_at", "actor",
    "ref",      "note",      "idempotency_key", "prev_hash", "hash", "qty",         "delta",
    "on_hand",  "available", "previous"};

// qty, delta, on_hand, available, previous of an event's data ("" where it has none).
std::vector<std::string> quantity_fields(const domain::Event& event) {
  const auto text = [](std::optional<std::int64_t> value) {
    return value ? std::to_string(*value) : std::string();
  };
  std::optional<std::int64_t> qty, delta, on_hand, available, previous;
  std::visit(
      util::Overloaded{
          [&](const domain::ItemCreated& e) { on_hand = e.on_hand, available = e.available; },
          [&](const domain::OnHandSet& e) {
            on_hand = e.on_hand, available = e.available, previous = e.previous;
          },
          [&](const domain::StockAdjusted& e) {
            delta = e.delta, on_hand = e.on_hand, available = e.available;
          },
          [&](const domain::AvailableSet& e) { available = e.available, previous = e.previous; },
          [&](const domain::StockReserved& e) { qty = e.qty; },
          [&](const domain::ReservationReleased& e) { qty = e.qty; },
          [&](const domain::ReservationCompleted& e) { qty = e.qty; },
          [&](const domain::StockSold& e) { qty = e.qty; },
          // A threshold, not a quantity of stock: `data` has it, no column sums it.
          [](const domain::ReorderPointSet&) {},
          [](const domain::ItemRetired&) {},
      },
      event);
  return {text(qty), text(delta), text(on_hand), text(available), text(previous)};
}

std::vector<std::string> event_fields(const store::RecordedEvent& e) {
  return {std::to_string(e.position),
          e.sku,
          std::to_string(e.version),
          std::string(e.type()),
          e.data,
          e.recorded_at,
          e.metadata.actor,
          e.metadata.ref.value_or(""),
          e.metadata.note.value_or(""),
          e.metadata.idempotency_key.value_or(""),
          e.prev_hash,
          e.hash};
}

std::vector<std::string> event_csv_fields(const store::RecordedEvent& e) {
  std::vector<std::string> fields = event_fields(e);
  for (std::string& quantity : quantity_fields(e.event)) {
    fields.push_back(std::move(quantity));
  }
  return fields;
}

using util::display_width;

// An aligned text table: columns separated by two spaces, numbers right-aligned.
class TextTable {
 public:
  TextTable(std::vector<std::string> header, std::vector<bool> right_aligned)
      : m_right(std::move(right_aligned)) {
    m_widths.resize(header.size());
    add(std::move(header));
  }
  // Adds a row; control characters in a cell are shown escaped (SPEC §12).
  void add(std::vector<std::string> row) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      row[i] = util::escape_controls(row[i]);
      m_widths[i] = std::max(m_widths[i], display_width(row[i]));
    }
    m_rows.push_back(std::move(row));
  }
  std::size_t size() const { return m_rows.size(); }
  // Prints the rows so far and forgets them, keeping the column widths for later rows.
  void flush(const Output& out) {
    std::string text;
    for (const auto& row : m_rows) {
      std::string line;
      for (std::size_t i = 0; i < row.size(); ++i) {
        const std::size_t pad = m_widths[i] - std::min(m_widths[i], display_width(row[i]));
        const bool last = i + 1 == row.size();
        if (m_right[i]) {
          line.append(pad, ' ');
          line += row[i];
        } else {
          line += row[i];
          if (!last) {
            line.append(pad, ' ');
          }
        }
        if (!last) {
          line += "  ";
        }
      }
      while (!line.empty() && line.back() == ' ') {
        line.pop_back();
      }
      text += line;
      text += '\n';
    }
    write(out, text);
    m_rows.clear();
  }

 private:
  std::vector<std::vector<std::string>> m_rows;
  std::vector<std::size_t> m_widths;
  std::vector<bool> m_right;
};

// A listing as one JSON array (json) or one object a line (ndjson).
template <class Row, class ToJson>
std::string json_listing(Format format, const std::vector<Row>& rows, ToJson to_json) {
  std::string text = format == Format::json ? "[" : "";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    text += format == Format::json && i > 0 ? "," : "";
    text += to_json(rows[i]);
    text += format == Format::json ? "" : "\n";
  }
  return format == Format::json ? text + "]\n" : text;
}

std::vector<std::string> item_text_row(const domain::Item& item) {
  return {item.retired ? item.sku + " (retired)" : item.sku,
          std::to_string(item.on_hand),
          std::to_string(item.reserved),
          std::to_string(item.available),
          std::to_string(item.held()),
          std::to_string(item.version),
          item.updated_at,
          reorder_text(item)};
}

std::string signed_number(std::int64_t value) {
  return value > 0 ? "+" + std::to_string(value) : std::to_string(value);
}

// What an event did, in words: "reserved 2", "on hand set to 10 (was 4)".
std::string describe(const domain::Event& event) {
  struct Describe {
    // Its figures are the item's, printed once after "->" (SPEC §12).
    std::string operator()(const domain::ItemCreated&) const { return "created"; }
    std::string operator()(const domain::OnHandSet& e) const {
      return fmt::format("on hand set to {} (was {})", e.on_hand, e.previous);
    }
    std::string operator()(const domain::StockAdjusted& e) const {
      return fmt::format("adjusted by {}", signed_number(e.delta));
    }
    std::string operator()(const domain::AvailableSet& e) const {
      return fmt::format("available set to {} (was {})", e.available, e.previous);
    }
    std::string operator()(const domain::StockReserved& e) const {
      return fmt::format("reserved {}", e.qty);
    }
    std::string operator()(const domain::ReservationReleased& e) const {
      return fmt::format("released {}", e.qty);
    }
    std::string operator()(const domain::ReservationCompleted& e) const {
      return fmt::format("completed {}", e.qty);
    }
    std::string operator()(const domain::StockSold& e) const {
      return fmt::format("sold {}", e.qty);
    }
    std::string operator()(const domain::ItemRetired&) const { return "retired"; }
    std::string operator()(const domain::ReorderPointSet& e) const {
      return fmt::format("reorder point set to {}", e.reorder_point);
    }
  };
  return std::visit(Describe{}, event);
}

}  // namespace

std::string counted(std::int64_t count, std::string_view noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

std::string event_json(const store::RecordedEvent& e) {
  std::string json = "{\"position\":";
  append_json_int(json, e.position);
  json += ",\"sku\":";
  append_json_string(json, e.sku);
  json += ",\"version\":";
  append_json_int(json, e.version);
  json += ",\"type\":";
  append_json_string(json, e.type());
  json += ",\"data\":";
  json += e.data;  // stored as canonical JSON already
  json += ",\"recorded_at\":";
  append_json_string(json, e.recorded_at);
  json += ",\"actor\":";
  append_json_string(json, e.metadata.actor);
  json += ",\"ref\":";
  append_json_string_or_null(json, e.metadata.ref);
  json += ",\"note\":";
  append_json_string_or_null(json, e.metadata.note);
  json += ",\"idempotency_key\":";
  append_json_string_or_null(json, e.metadata.idempotency_key);
  json += ",\"prev_hash\":";
  append_json_string(json, e.prev_hash);
  json += ",\"hash\":";
  append_json_string(json, e.hash);
  json += '}';
  return json;
}

void print_item(const Output& out, const domain::Item& item) {
  if (out.quiet) {
    return;
  }
  switch (out.format) {
    case Format::json:
    case Format::ndjson:
      write(out, item_json(item) + "\n");
      return;
    case Format::csv:
      write(out, csv_row(k_item_header) + csv_row(item_fields(item)));
      return;
    case Format::text:
      write(out, fmt::format(
                     "sku         {}\n"
                     "on_hand     {}\n"
                     "reserved    {}\n"
                     "available   {}\n"
                     "held        {}\n"
                     "version     {}\n"
                     "updated_at  {}\n{}{}",
                     item.sku, item.on_hand, item.reserved, item.available, item.held(),
                     item.version, item.updated_at,
                     item.reorder_point
                         ? fmt::format("reorder     {}{}\n", *item.reorder_point,
                                       item.low() ? " (low: available at or below it)" : "")
                         : "",
                     item.retired ? "retired     yes: hidden from list, takes no writes\n" : ""));
      return;
  }
}

void print_chart(const Output& out, const report::SampledHistory& history, int width) {
  if (out.quiet) {
    return;
  }
  const report::ChartStyle style{
      .width = width, .height = 8, .color = use_color(out.color, out.stream)};
  write(out, "\n" + report::terminal_chart(history, style));
}

void print_items(const Output& out, const std::vector<domain::Item>& items) {
  if (out.quiet) {
    return;
  }
  std::string text;
  switch (out.format) {
    case Format::json:
    case Format::ndjson:
      text = json_listing(out.format, items, item_json);
      break;
    case Format::csv:
      text = csv_row(k_item_header);
      for (const auto& item : items) {
        text += csv_row(item_fields(item));
      }
      break;
    case Format::text: {
      if (items.empty()) {
        write(out, "(no items)\n");  // SPEC §12: an empty listing says so
        return;
      }
      // REORDER last: empty when unset, so the columns before it stay where they were.
      TextTable table(
          {"SKU", "ON_HAND", "RESERVED", "AVAILABLE", "HELD", "VERSION", "UPDATED_AT", "REORDER"},
          {false, true, true, true, true, true, false, true});
      for (const auto& item : items) {
        table.add(item_text_row(item));
      }
      table.flush(out);
      return;
    }
  }
  write(out, text);
}

std::string write_result_json(const app::WriteResult& result, std::int64_t line) {
  std::string json = "{";
  if (line > 0) {
    json += "\"line\":";
    append_json_int(json, line);
    json += ',';
  }
  if (result.many_items) {
    json += "\"items\":[";
    for (std::size_t i = 0; i < result.items.size(); ++i) {
      json += i == 0 ? "" : ",";
      json += item_json(result.items[i]);
    }
    json += "],\"events\":[";
  } else {
    json += "\"item\":" + item_json(result.item) + ",\"events\":[";
  }
  for (std::size_t i = 0; i < result.events.size(); ++i) {
    json += i == 0 ? "" : ",";
    json += event_json(result.events[i]);
  }
  json += "],\"dry_run\":";
  json += result.dry_run ? "true" : "false";
  json += ",\"duplicate\":";
  json += result.duplicate ? "true" : "false";
  json += "}";
  return json;
}

void print_write_result(const Output& out, const app::WriteResult& result) {
  if (out.quiet) {
    return;
  }
  if (out.format != Format::text) {
    write(out, write_result_json(result, 0) + "\n");
    return;
  }
  const std::string prefix = result.dry_run     ? "dry run, nothing written: "
                             : result.duplicate ? "already done, nothing written: "
                                                : "";
  if (result.many_items) {
    // One line per event: a whole order or an expire touches many items.
    std::string text;
    for (const auto& event : result.events) {
      const auto item = std::find_if(result.items.begin(), result.items.end(),
                                     [&](const domain::Item& i) { return i.sku == event.sku; });
      text += prefix + fmt::format("{}: {}{}", event.sku, describe(event.event),
                                   event.metadata.ref
                                       ? " of " + util::escape_controls(*event.metadata.ref)
                                       : "");
      if (item != result.items.end() && item->version == event.version) {
        text += fmt::format(" -> on_hand {}, reserved {}, available {} (version {})", item->on_hand,
                            item->reserved, item->available, item->version);
      }
      text += '\n';
    }
    write(out, text.empty() ? prefix + "nothing to do\n" : text);
    return;
  }
  std::string what;
  for (const auto& event : result.events) {
    what += what.empty() ? "" : ", ";
    what += describe(event.event);
  }
  const domain::Item& item = result.item;
  std::string line =
      fmt::format("{}: {} -> on_hand {}, reserved {}, available {} (version {})", item.sku, what,
                  item.on_hand, item.reserved, item.available, item.version);
  if (result.dry_run) {
    line = "dry run, nothing written: " + line;
  } else if (result.duplicate) {
    line = "already done, nothing written: " + line;
  }
  write(out, line + "\n");
}

void print_batch_result(const Output& out, const app::BatchResult& result,
                        const std::vector<std::string>& line_outcomes) {
  if (out.quiet) {
    return;
  }
  if (out.format == Format::ndjson) {
    std::string text;
    for (const auto& outcome : line_outcomes) {
      text += outcome + "\n";
    }
    write(out, text);
    return;
  }
  if (out.format == Format::json) {
    std::string json = "{\"commands\":";
    append_json_int(json, result.commands);
    json += ",\"events\":";
    append_json_int(json, result.events);
    json += ",\"dry_run\":";
    json += result.dry_run ? "true" : "false";
    json += ",\"duplicate\":";
    json += result.duplicate ? "true" : "false";
    json += ",\"head\":";
    append_head_json(json, result.head);
    json += ",\"results\":[";
    for (std::size_t i = 0; i < line_outcomes.size(); ++i) {
      json += i == 0 ? "" : ",";
      json += line_outcomes[i];
    }
    json += "]}\n";
    write(out, json);
    return;
  }
  std::string text;
  if (result.duplicate) {
    text = fmt::format("already done, nothing written: the batch of {} was applied before\n",
                       counted(result.commands, "command"));
  } else {
    text = fmt::format("{}{}, {}; head {}:{}\n",
                       result.dry_run ? "dry run, nothing written: would apply " : "applied ",
                       counted(result.commands, "command"), counted(result.events, "event"),
                       result.head.position, result.head.hash);
  }
  write(out, text);
}

namespace {

std::string holding_json(const domain::Holding& holding) {
  std::string json = "{\"sku\":";
  append_json_string(json, holding.sku);
  json += ",\"ref\":";
  append_json_string_or_null(json, domain::event_ref(holding.ref));
  json += ",\"qty\":";
  append_json_int(json, holding.qty());
  json += ",\"since\":";
  append_json_string(json, holding.since());
  json += '}';
  return json;
}

// "45s", "12m", "3h 20m", "2d 4h": how long ago, in its two largest units.
std::string age(std::int64_t seconds) {
  if (seconds < 60) {
    return fmt::format("{}s", std::max<std::int64_t>(seconds, 0));
  }
  if (seconds < 3600) {
    return fmt::format("{}m", seconds / 60);
  }
  if (seconds < 86400) {
    return fmt::format("{}h {}m", seconds / 3600, seconds % 3600 / 60);
  }
  return fmt::format("{}d {}h", seconds / 86400, seconds % 86400 / 3600);
}

}  // namespace

void print_reservations(const Output& out, const std::vector<domain::Holding>& holdings,
                        std::int64_t now) {
  if (out.quiet) {
    return;
  }
  std::string text;
  switch (out.format) {
    case Format::json:
    case Format::ndjson:
      text = json_listing(out.format, holdings, holding_json);
      break;
    case Format::csv:
      text = csv_row({"sku", "ref", "qty", "since"});
      for (const auto& holding : holdings) {
        text += csv_row({holding.sku, holding.ref, std::to_string(holding.qty()), holding.since()});
      }
      break;
    case Format::text: {
      if (holdings.empty()) {
        write(out, "(no reservations)\n");
        return;
      }
      TextTable table({"SKU", "REF", "QTY", "SINCE", "AGE"}, {false, false, true, false, true});
      for (const auto& holding : holdings) {
        const auto since = util::parse_time(holding.since());
        table.add({holding.sku, holding.ref.empty() ? "(pool)" : holding.ref,
                   std::to_string(holding.qty()), holding.since(),
                   since ? age((now - *since) / 1000000) : ""});
      }
      table.flush(out);
      return;
    }
  }
  write(out, text);
}

namespace {

// The figures of a movements row, in the order of SPEC §9.
std::vector<std::int64_t> movement_figures(const domain::Movements& row) {
  return {row.opening, row.created, row.received,    row.counted,
          row.shipped, row.sold,    row.written_off, row.closing};
}

const std::vector<std::string> k_movement_keys = {"opening", "created", "received",    "counted",
                                                  "shipped", "sold",    "written_off", "closing"};

std::string movements_json(const domain::Movements& row) {
  std::string json = "{\"sku\":";
  append_json_string(json, row.sku);
  const std::vector<std::int64_t> figures = movement_figures(row);
  for (std::size_t i = 0; i < figures.size(); ++i) {
    json += ",\"" + k_movement_keys[i] + "\":";
    append_json_int(json, figures[i]);
  }
  json += '}';
  return json;
}

}  // namespace

void print_document(const Output& out, std::string_view text) {
  if (!out.quiet) {
    write(out, text);
  }
}

void print_movements(const Output& out, const std::vector<domain::Movements>& rows) {
  if (out.quiet) {
    return;
  }
  std::string text;
  switch (out.format) {
    case Format::json:
    case Format::ndjson:
      text = json_listing(out.format, rows, movements_json);
      break;
    case Format::csv: {
      std::vector<std::string> header = {"sku"};
      header.insert(header.end(), k_movement_keys.begin(), k_movement_keys.end());
      text = csv_row(header);
      for (const auto& row : rows) {
        std::vector<std::string> fields = {row.sku};
        for (const std::int64_t figure : movement_figures(row)) {
          fields.push_back(std::to_string(figure));
        }
        text += csv_row(fields);
      }
      break;
    }
    case Format::text: {
      if (rows.empty()) {
        write(out, "(no movements)\n");
        return;
      }
      TextTable table({"SKU", "OPENING", "CREATED", "RECEIVED", "COUNTED", "SHIPPED", "SOLD",
                       "WRITTEN_OFF", "CLOSING"},
                      {false, true, true, true, true, true, true, true, true});
      for (const auto& row : rows) {
        std::vector<std::string> fields = {row.sku};
        for (const std::int64_t figure : movement_figures(row)) {
          fields.push_back(std::to_string(figure));
        }
        // The signed count reads as a change: +3 found, -2 missing.
        fields[4] = signed_number(row.counted);
        table.add(std::move(fields));
      }
      table.flush(out);
      return;
    }
  }
  write(out, text);
}

void print_head(const Output& out, const store::Head& head) {
  if (out.quiet) {
    return;
  }
  if (out.format == Format::text) {
    write(out, fmt::format("{}:{}\n", head.position, head.hash));
    return;
  }
  std::string json;
  append_head_json(json, head);
  write(out, json + "\n");
}

void print_stats(const Output& out, const store::Stats& stats, const std::string& location) {
  if (out.quiet) {
    return;
  }
  const std::string path = store::display_location(location);  // never a password
  if (out.format == Format::text) {
    // An empty log has no event times: say so rather than print a blank.
    const auto time_or_none = [](const std::string& time) {
      return time.empty() ? std::string("(no events)") : time;
    };
    write(out,
          fmt::format("database        {}\n"
                      "schema_version  {}\n"
                      "file_bytes      {}\n"
                      "events          {}\n"
                      "items           {}\n"
                      "snapshots       {}\n"
                      "first_event_at  {}\n"
                      "last_event_at   {}\n"
                      "head            {}:{}\n",
                      path, stats.schema_version, stats.storage_bytes, stats.events, stats.items,
                      stats.snapshots, time_or_none(stats.first_recorded_at),
                      time_or_none(stats.head.recorded_at), stats.head.position, stats.head.hash));
    return;
  }
  const auto optional_time = [](const std::string& time) {
    return time.empty() ? std::optional<std::string>() : std::optional<std::string>(time);
  };
  std::string json = "{\"database\":";
  append_json_string(json, path);
  json += ",\"schema_version\":";
  append_json_int(json, stats.schema_version);
  json += ",\"file_bytes\":";
  append_json_int(json, stats.storage_bytes);
  json += ",\"events\":";
  append_json_int(json, stats.events);
  json += ",\"items\":";
  append_json_int(json, stats.items);
  json += ",\"snapshots\":";
  append_json_int(json, stats.snapshots);
  json += ",\"first_event_at\":";
  append_json_string_or_null(json, optional_time(stats.first_recorded_at));
  json += ",\"last_event_at\":";
  append_json_string_or_null(json, optional_time(stats.head.recorded_at));
  json += ",\"head\":";
  append_head_json(json, stats.head);
  json += "}\n";
  write(out, json);
}

void print_init(const Output& out, const std::string& location, bool created) {
  if (out.quiet) {
    return;
  }
  const std::string path = store::display_location(location);  // never a password
  if (out.format == Format::text) {
    write(out, created ? fmt::format("initialized empty inv database {}\n", path)
                       : fmt::format("{} is already an inv database; nothing to do\n", path));
    return;
  }
  std::string json = "{\"database\":";
  append_json_string(json, path);
  json += ",\"created\":";
  json += created ? "true" : "false";
  json += "}\n";
  write(out, json);
}

void print_verify_report(const Output& out, const app::VerifyReport& report,
                         std::string_view location) {
  if (out.quiet) {
    return;
  }
  const std::string database = store::display_location(location);  // never a password
  if (out.format == Format::text) {
    std::string text;
    if (report.ok()) {
      const bool color = use_color(out.color, out.stream);
      text = fmt::format("{}: {}, {}, head {}:{}\n", color ? "\033[32mok\033[0m" : "ok",
                         counted(report.events, "event"), counted(report.items, "item"),
                         report.head.position, report.head.hash);
    } else {
      text = fmt::format("{}: {} in {} (head {}:{})\n",
                         use_color(out.color, out.stream) ? "\033[1;31mFAILED\033[0m" : "FAILED",
                         counted(report.problems_total, "problem"), counted(report.events, "event"),
                         report.head.position, report.head.hash);
      TextTable table({"POSITION", "SKU", "KIND", "MESSAGE"}, {true, false, false, false});
      for (const auto& problem : report.problems) {
        table.add({std::to_string(problem.position), problem.sku, problem.kind, problem.message});
      }
      write(out, text);
      table.flush(out);
      if (report.problems_total > static_cast<std::int64_t>(report.problems.size())) {
        write(out, fmt::format(
                       "... and {} more\n",
                       report.problems_total - static_cast<std::int64_t>(report.problems.size())));
      }
      return;
    }
    write(out, text);
    return;
  }
  std::string json = "{\"ok\":";
  json += report.ok() ? "true" : "false";
  json += ",\"events\":";
  append_json_int(json, report.events);
  json += ",\"items\":";
  append_json_int(json, report.items);
  json += ",\"head\":";
  append_head_json(json, report.head);
  json += ",\"database\":";
  append_json_string(json, database);
  json += ",\"inv_version\":";
  append_json_string(json, INV_VERSION);
  json += ",\"checked_at\":";
  append_json_string(json, report.checked_at);
  json += ",\"problems\":[";
  for (std::size_t i = 0; i < report.problems.size(); ++i) {
    const auto& problem = report.problems[i];
    json += i == 0 ? "{\"position\":" : ",{\"position\":";
    append_json_int(json, problem.position);
    json += ",\"sku\":";
    if (problem.sku.empty()) {
      json += "null";
    } else {
      append_json_string(json, problem.sku);
    }
    json += ",\"kind\":";
    append_json_string(json, problem.kind);
    json += ",\"message\":";
    append_json_string(json, problem.message);
    json += '}';
  }
  json += "],\"problems_total\":";
  append_json_int(json, report.problems_total);
  json += "}\n";
  write(out, json);
}

void print_rebuild(const Output& out, const app::RebuildResult& result) {
  if (out.quiet) {
    return;
  }
  if (out.format == Format::text) {
    write(out, fmt::format("rebuilt {} and {} from {}\n", counted(result.items, "item"),
                           counted(result.snapshots, "snapshot"), counted(result.events, "event")));
    return;
  }
  write(out, fmt::format("{{\"events\":{},\"items\":{},\"snapshots\":{}}}\n", result.events,
                         result.items, result.snapshots));
}

void print_import(const Output& out, const app::ImportResult& result, bool dry_run) {
  if (out.quiet) {
    return;
  }
  if (out.format == Format::text) {
    write(out, fmt::format("{}{}{}; head is {}:{}\n",
                           dry_run ? "dry run, nothing written: would import " : "imported ",
                           counted(result.events, "event"),
                           result.skipped > 0 ? fmt::format(" ({} already here)", result.skipped)
                                              : std::string(),
                           result.head.position, result.head.hash));
    return;
  }
  std::string json = "{\"imported\":";
  append_json_int(json, result.events);
  json += ",\"skipped\":";
  append_json_int(json, result.skipped);
  json += ",\"head\":";
  append_head_json(json, result.head);
  json += ",\"dry_run\":";
  json += dry_run ? "true" : "false";
  json += "}\n";
  write(out, json);
}

app::Progress make_progress(const Output& out, const char* what) {
  if (out.quiet || isatty(STDERR_FILENO) == 0) {
    return nullptr;
  }
  return [what](std::int64_t done, std::int64_t total) {
    const std::string line = total > 0 ? fmt::format("\r{}: {} of {} events ({}%)", what, done,
                                                     total, done * 100 / total)
                                       : fmt::format("\r{}: {} events", what, done);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
  };
}

void finish_progress(const Output& out) {
  if (!out.quiet && isatty(STDERR_FILENO) != 0) {
    std::fputs("\r\033[K", stderr);  // clear the progress line
  }
}

struct EventPrinter::Table {
  explicit Table(bool balances)
      : table(balances ? std::vector<std::string>{"POSITION", "SKU", "VERSION", "TYPE", "DATA",
                                                  "ON_HAND", "RESERVED", "AVAILABLE", "RECORDED_AT",
                                                  "ACTOR", "REF", "NOTE"}
                       : std::vector<std::string>{"POSITION", "SKU", "VERSION", "TYPE", "DATA",
                                                  "RECORDED_AT", "ACTOR", "REF", "NOTE"},
              balances ? std::vector<bool>{true, false, true, false, false, true, true, true, false,
                                           false, false, false}
                       : std::vector<bool>{true, false, true, false, false, false, false, false,
                                           false}) {}
  TextTable table;
};

EventPrinter::EventPrinter(const Output& out, bool balances) : m_out(out), m_balances(balances) {
  if (!out.quiet && out.format == Format::text) {
    m_table = std::make_unique<Table>(balances);
  }
}

// Opens the array or writes the CSV header: on the first event, or at finish() if there was none,
// so that an error before any event leaves stdout empty.
void EventPrinter::start() {
  if (m_started) {
    return;
  }
  m_started = true;
  if (m_out.format == Format::csv) {
    write(m_out, csv_row(k_event_header));
  } else if (m_out.format == Format::json) {
    write(m_out, "[");
  }
}

EventPrinter::~EventPrinter() = default;

void EventPrinter::print(const store::RecordedEvent& event, const domain::Item* after) {
  if (m_out.quiet) {
    return;
  }
  start();
  switch (m_out.format) {
    case Format::json:
      write(m_out, (m_count == 0 ? "" : ",") + event_json(event));
      break;
    case Format::ndjson:
      write(m_out, event_json(event) + "\n");
      break;
    case Format::csv:
      write(m_out, csv_row(event_csv_fields(event)));
      break;
    case Format::text: {
      std::vector<std::string> row = {std::to_string(event.position), event.sku,
                                      std::to_string(event.version), std::string(event.type()),
                                      event.data};
      if (m_balances) {
        for (const std::int64_t figure : {after ? after->on_hand : 0, after ? after->reserved : 0,
                                          after ? after->available : 0}) {
          row.push_back(after ? std::to_string(figure) : "?");
        }
      }
      for (std::string field :
           {event.recorded_at, event.metadata.actor, event.metadata.ref.value_or(""),
            event.metadata.note.value_or("")}) {
        row.push_back(std::move(field));
      }
      m_table->table.add(std::move(row));
      // Widths come from the first rows; a long history streams instead of piling up in memory.
      if (m_table->table.size() >= 10000) {
        m_table->table.flush(m_out);
      }
      break;
    }
  }
  ++m_count;
}

void EventPrinter::finish() {
  if (m_out.quiet) {
    return;
  }
  start();
  if (m_out.format == Format::json) {
    write(m_out, "]\n");
  } else if (m_out.format == Format::text) {
    if (m_count == 0) {
      write(m_out, "(no events)\n");  // SPEC §12: an empty listing says so
      return;
    }
    m_table->table.flush(m_out);
  }
}

bool use_color(ColorMode mode, std::FILE* stream) {
  switch (mode) {
    case ColorMode::always:
      return true;
    case ColorMode::never:
      return false;
    case ColorMode::automatic: {
      const char* no_color = std::getenv("NO_COLOR");
      return (no_color == nullptr || *no_color == '\0') && isatty(fileno(stream)) != 0;
    }
  }
  return false;
}

int output_width(std::FILE* stream) {
  constexpr int k_default = 80;
  constexpr int k_most = 1000;
  winsize size{};
  if (isatty(fileno(stream)) != 0 && ioctl(fileno(stream), TIOCGWINSZ, &size) == 0 &&
      size.ws_col > 0) {
    return std::min<int>(size.ws_col, k_most);
  }
  // A whole number; anything else (empty, 0, "80x") counts as unset.
  const char* columns = std::getenv("COLUMNS");
  if (columns == nullptr || *columns == '\0') {
    return k_default;
  }
  int value = 0;
  for (const char* c = columns; *c != '\0'; ++c) {
    if (*c < '0' || *c > '9') {
      return k_default;
    }
    value = std::min(value * 10 + (*c - '0'), k_most + 1);
  }
  return value >= 1 ? std::min(value, k_most) : k_default;
}

namespace {

// {"code","message","exit"[,"line"]} of one error; the message as valid UTF-8, whatever bytes
// the input held (SPEC §12).
void append_error_json(std::string& text, const Error& error) {
  text += "{\"code\":";
  append_json_string(text, error.code());
  text += ",\"message\":";
  append_json_string(text, util::to_valid_utf8(error.what()));
  text += ",\"exit\":";
  append_json_int(text, static_cast<int>(error.exit_code()));
  if (error.line()) {
    text += ",\"line\":";
    append_json_int(text, *error.line());
  }
}

}  // namespace

void print_error(bool json, const Error& error, bool color) {
  std::string text;
  if (json) {
    text = "{\"error\":";
    append_error_json(text, error);
    if (!error.more().empty()) {
      text += ",\"more\":[";
      for (std::size_t i = 0; i < error.more().size(); ++i) {
        text += i == 0 ? "" : ",";
        append_error_json(text, error.more()[i]);
        text += "}";
      }
      text += "]";
    }
    text += "}}\n";
  } else {
    // One line an error; nothing from the input can drive the terminal.
    const char* label = color ? "\033[1;31merror:\033[0m" : "error:";
    text = fmt::format("inv: {} {}\n", label, util::escape_controls(error.what()));
    for (const Error& more : error.more()) {
      text += fmt::format("inv: {} {}\n", label, util::escape_controls(more.what()));
    }
  }
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace inv::cli

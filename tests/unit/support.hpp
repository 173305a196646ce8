#pragma once
// Helpers shared by the unit tests: the exit code a call fails with, readable printing of items and
// events in gtest messages, and a temporary directory removed when the test ends.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <random>
#include <string>
#include <system_error>
#include <unistd.h>
#include <utility>

#include "inv/domain/events.hpp"
#include "inv/domain/item.hpp"
#include "inv/domain/reservations.hpp"
#include "inv/error.hpp"

namespace inv {

inline void PrintTo(ExitCode code, std::ostream* out) {
  *out << "exit " << static_cast<int>(code);
}

// The exit code `f` fails with, or ExitCode::ok if it returns. Any exception other than
// inv::Error escapes and fails the test.
template <class F>
ExitCode exit_code_of(F&& f) {
  try {
    std::forward<F>(f)();
  } catch (const Error& error) {
    return error.exit_code();
  }
  return ExitCode::ok;
}

// The stable error code (e.g. "version_conflict") `f` fails with, or "" if it returns.
template <class F>
std::string error_code_of(F&& f) {
  try {
    std::forward<F>(f)();
  } catch (const Error& error) {
    return error.code();
  }
  return "";
}

// The message `f` fails with, or "" if it returns.
template <class F>
std::string message_of(F&& f) {
  try {
    std::forward<F>(f)();
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

namespace domain {

inline void PrintTo(const Item& item, std::ostream* out) {
  *out << "Item{sku=" << item.sku << ", on_hand=" << item.on_hand << ", reserved=" << item.reserved
       << ", available=" << item.available << ", version=" << item.version << ", updated_at='"
       << item.updated_at << "'" << (item.retired ? ", retired" : "");
  if (item.reorder_point) {
    *out << ", reorder_point=" << *item.reorder_point;
  }
  *out << "}";
}
inline void PrintTo(const Lot& lot, std::ostream* out) {
  *out << "Lot{position=" << lot.position << ", recorded_at=" << lot.recorded_at
       << ", qty=" << lot.qty << "}";
}
inline void PrintTo(const ItemCreated& e, std::ostream* out) {
  *out << "ItemCreated{on_hand=" << e.on_hand << ", available=" << e.available << "}";
}
inline void PrintTo(const OnHandSet& e, std::ostream* out) {
  *out << "OnHandSet{on_hand=" << e.on_hand << ", previous=" << e.previous
       << ", available=" << e.available << "}";
}
inline void PrintTo(const StockAdjusted& e, std::ostream* out) {
  *out << "StockAdjusted{delta=" << e.delta << ", on_hand=" << e.on_hand
       << ", available=" << e.available << "}";
}
inline void PrintTo(const AvailableSet& e, std::ostream* out) {
  *out << "AvailableSet{available=" << e.available << ", previous=" << e.previous << "}";
}
inline void PrintTo(const StockReserved& e, std::ostream* out) {
  *out << "StockReserved{qty=" << e.qty << "}";
}
inline void PrintTo(const ReservationReleased& e, std::ostream* out) {
  *out << "ReservationReleased{qty=" << e.qty << "}";
}
inline void PrintTo(const ReservationCompleted& e, std::ostream* out) {
  *out << "ReservationCompleted{qty=" << e.qty << "}";
}
inline void PrintTo(const StockSold& e, std::ostream* out) {
  *out << "StockSold{qty=" << e.qty << "}";
}
inline void PrintTo(const ItemRetired&, std::ostream* out) {
  *out << "ItemRetired{}";
}
inline void PrintTo(const ReorderPointSet& e, std::ostream* out) {
  *out << "ReorderPointSet{reorder_point=" << e.reorder_point << "}";
}

}  // namespace domain

namespace test {

// A fresh, uniquely named directory under the system's temporary directory, removed (with
// everything in it) when the object is destroyed.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    std::random_device entropy;
    const std::string name = "inv-unit-" + std::to_string(::getpid()) + "-" +
                             std::to_string(counter++) + "-" + std::to_string(entropy());
    m_path = std::filesystem::temp_directory_path() / name;
    std::filesystem::create_directories(m_path);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }

  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

 private:
  std::filesystem::path m_path;
};

}  // namespace test
}  // namespace inv

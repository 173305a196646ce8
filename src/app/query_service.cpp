#include "inv/app/query_service.hpp"

#include <string>

#include "inv/error.hpp"

namespace inv::app {
namespace {

Error unknown_item(std::string_view sku) {
  return Error(ExitCode::not_found, "item_not_found",
               "no item with SKU '" + std::string(sku) + "'");
}

}  // namespace

domain::Item QueryService::show(std::string_view sku) {
  auto item = m_store.find_item(sku);
  if (!item) {
    throw unknown_item(sku);
  }
  return *item;
}

domain::Item QueryService::show_at_version(std::string_view sku, std::int64_t version) {
  auto item = m_store.item_at_version(sku, version);
  if (!item) {
    if (!m_store.find_item(sku)) {
      throw unknown_item(sku);
    }
    throw Error(ExitCode::not_found, "version_not_found",
                "item '" + std::string(sku) + "' has no version " + std::to_string(version));
  }
  return *item;
}

domain::Item QueryService::show_as_of(std::string_view sku, std::string_view time) {
  auto item = m_store.item_as_of(sku, time);
  if (!item) {
    if (!m_store.find_item(sku)) {
      throw unknown_item(sku);
    }
    throw Error(ExitCode::not_found, "item_not_found",
                "item '" + std::string(sku) + "' did not exist yet at " + std::string(time));
  }
  return *item;
}

std::vector<domain::Item> QueryService::list_as_of(std::string_view time, std::string_view prefix) {
  return m_store.list_as_of(time, prefix);
}

std::vector<domain::Item> QueryService::list(std::string_view prefix) {
  return m_store.list_items(prefix);
}

void QueryService::history(const store::HistoryFilter& filter,
                           const std::function<void(const store::RecordedEvent&)>& visit) {
  if (filter.sku && !m_store.find_item(*filter.sku)) {
    throw unknown_item(*filter.sku);
  }
  m_store.history(filter, visit);
}

}  // namespace inv::app

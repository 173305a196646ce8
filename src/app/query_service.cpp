#include "inv/app/query_service.hpp"

#include <string>

#include "inv/error.hpp"

namespace inv::app {
namespace {

Error unknown_item(std::string_view sku) {
  return Error(ExitCode::not_found, "item_not_found", "no item with SKU '" + std::string(sku) + "'");
}

}  // namespace

domain::Item QueryService::show(std::string_view sku) {
  auto item = m_store.find_item(sku);
  if (!item) {
    throw unknown_item(sku);
  }
  return *item;
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

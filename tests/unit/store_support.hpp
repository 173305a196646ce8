#pragma once
// Helpers for tests that look into a store: one item, the head, the history, through the store
// primitives (a read session each).

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "inv/app/query_service.hpp"
#include "inv/store/event_store.hpp"

namespace inv::test {

inline std::optional<domain::Item> find_item(store::Store& store, std::string_view sku) {
  auto cached = store.begin(store::Store::Mode::read)->item(sku);
  return cached ? std::optional<domain::Item>(cached->item) : std::nullopt;
}

inline store::Head head_of(store::Store& store) {
  return app::QueryService(store).head();
}

inline void history_of(store::Store& store,
                       const std::function<void(const store::RecordedEvent&)>& visit,
                       const store::HistoryFilter& filter = {}) {
  store.begin(store::Store::Mode::read)->history(filter, visit);
}

}  // namespace inv::test

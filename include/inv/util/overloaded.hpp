#pragma once
// Overloaded{lambdas...}: one visitor for std::visit out of a lambda per alternative.

namespace inv::util {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace inv::util

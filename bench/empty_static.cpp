// The cheapest possible process of this toolchain: a C++ main() that does nothing, linked
// -static. Everything a static `inv` or floor spends above this is its own work.
int main() {
  return 0;
}

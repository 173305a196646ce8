// Fuzz target: whole command lines through inv::cli::run(). The input is split into arguments at
// NUL bytes. Writes go to an in-memory database (INV_DB=":memory:"), output to /dev/null. The exit
// code must be one of SPEC §5's, and nothing may crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "inv/cli/run.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setenv("INV_DB", ":memory:", 1);
  setenv("INV_ACTOR", "fuzz", 1);
  // Nothing may read the fuzzer's stdin or flood its stdout.
  std::freopen("/dev/null", "r", stdin);
  std::freopen("/dev/null", "w", stdout);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"inv"};
  std::string current;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(current);
      current.clear();
    } else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  args.push_back(current);
  for (const std::string& arg : args) {
    // Arguments that would touch real files are out of scope here (the CLI tests cover them).
    if (arg.rfind("--db", 0) == 0 || arg == "init" || arg == "import" || arg == "apply" ||
        arg.rfind("--color", 0) == 0) {
      return 0;
    }
  }
  std::vector<char*> argv;
  for (std::string& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  const int code = inv::cli::run(static_cast<int>(args.size()), argv.data());
  if (code < 0 || code > 7 || code == 1) {
    std::fprintf(stderr, "exit code %d\n", code);
    std::abort();  // 1 means an internal error: a bug
  }
  return 0;
}

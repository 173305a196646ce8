#include "inv/cli/run.hpp"

int main(int argc, char** argv) {
  return inv::cli::run(argc, argv);
}

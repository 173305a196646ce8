#pragma once
// The command-line interface: parses arguments, runs one subcommand, and maps every error to
// its message and exit code (SPEC §5). This is the only place that catches.

namespace inv::cli {

// Runs inv with the process's arguments; returns the exit code.
int run(int argc, char** argv);

}  // namespace inv::cli

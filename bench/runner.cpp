// bench_runner: times whole processes, paired round by round.
//
// Usage:
//   bench_runner [-n ROUNDS] [-w WARMUP] [-t TITLE] [-o RESULTS.tsv] [-r REF] [-b BEFORE]
//                NAME CMD [ARGS...] --- NAME CMD [ARGS...] [--- ...]
//
// Each round runs every program once, in turn; the order is reversed every other round
// (A B, B A, A B, ...) so that neither program always runs first after the other. WARMUP rounds
// run first and are not recorded. Each run is posix_spawn + wait4 (stdin and stdout on
// /dev/null, stderr kept), timed with CLOCK_MONOTONIC from just before the spawn to just after
// the wait; wait4's rusage gives the child's CPU time, page faults and context switches.
// A run that exits non-zero aborts the benchmark (exit 1) with the command shown.
// With -b, the shell command BEFORE runs (untimed, `/bin/sh -c BEFORE sh NAME`, so $1 is the
// program's NAME) before every run, warm-up runs included; e.g. to give each run a fresh copy of
// a database. It must exit 0.
//
// Printed per program: median, p10, p90 and min wall time, median user+sys CPU, minor faults,
// median peak RSS (wait4's ru_maxrss; posix_spawn runs the child on this process's memory until
// exec, so it is never below this runner's own RSS, ~2.6 MiB),
// and the ratio of its median to REF's median (REF: -r NAME, else the last program), plus the
// median of the per-round ratios (the paired ratio, which cancels drift between rounds).
// With -o, one tab-separated line per program is appended to RESULTS.tsv:
//   title name rounds median_ms p10_ms p90_ms ref ratio_of_medians paired_ratio cpu_ms cpu_ratio
//   maxrss_kib maxrss_ratio
// (cpu: median user+sys CPU time of the child, and its ratio to REF's; less sensitive than wall
// time to other load on the machine, blind to time spent waiting for the disk).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

struct Program {
  std::string name;
  std::vector<std::string> argv;
  std::vector<double> wall_ms, cpu_ms, minflt, nivcsw, maxrss_kib;
};

struct Run {
  double wall_ms, cpu_ms, minflt, nivcsw, maxrss_kib;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "bench_runner: %s\nusage: bench_runner [-n ROUNDS] [-w WARMUP] [-t TITLE] "
               "[-o RESULTS.tsv] [-r REF] [-b BEFORE]\n"
               "                    NAME CMD [ARGS...] --- NAME CMD [ARGS...] ...\n",
               why);
  std::exit(2);
}

double ms(const timespec& a, const timespec& b) {
  return static_cast<double>(b.tv_sec - a.tv_sec) * 1e3 +
         static_cast<double>(b.tv_nsec - a.tv_nsec) / 1e6;
}

double tv_ms(const timeval& t) {
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3;
}

Run run_once(const Program& program) {
  std::vector<char*> argv;
  for (const std::string& arg : program.argv)
    argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);

  timespec start{}, end{};
  pid_t pid = 0;
  clock_gettime(CLOCK_MONOTONIC, &start);
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  if (rc != 0) {
    std::fprintf(stderr, "bench_runner: cannot start %s: %s\n", argv[0], std::strerror(rc));
    std::exit(1);
  }
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0) {
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  posix_spawn_file_actions_destroy(&actions);

  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string command;
    for (const std::string& arg : program.argv)
      command += " " + arg;
    std::fprintf(stderr, "bench_runner: '%s' failed (status %d):%s\n", program.name.c_str(),
                 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), command.c_str());
    std::exit(1);
  }
  return {ms(start, end), tv_ms(usage.ru_utime) + tv_ms(usage.ru_stime),
          static_cast<double>(usage.ru_minflt), static_cast<double>(usage.ru_nivcsw),
          static_cast<double>(usage.ru_maxrss)};
}

// Runs `/bin/sh -c before sh NAME` (untimed); aborts the benchmark if it fails.
void run_before(const std::string& before, const std::string& name) {
  const char* argv[] = {"sh", "-c", before.c_str(), "sh", name.c_str(), nullptr};
  pid_t pid = 0;
  if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
    std::fprintf(stderr, "bench_runner: cannot start /bin/sh\n");
    std::exit(1);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "bench_runner: -b '%s' failed for '%s'\n", before.c_str(), name.c_str());
    std::exit(1);
  }
}

// The q-quantile (0..1) with linear interpolation between the closest ranks.
double quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double index = q * static_cast<double>(values.size() - 1);
  const auto low = static_cast<std::size_t>(std::floor(index));
  const auto high = static_cast<std::size_t>(std::ceil(index));
  return values[low] + (values[high] - values[low]) * (index - static_cast<double>(low));
}

double median(const std::vector<double>& values) {
  return quantile(values, 0.5);
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 200;
  int warmup = 10;
  std::string title = "benchmark";
  std::string results;
  std::string ref_name;
  std::string before;
  std::vector<Program> programs;

  int i = 1;
  for (; i < argc && argv[i][0] == '-' && std::strcmp(argv[i], "---") != 0; i += 2) {
    if (i + 1 >= argc)
      usage("an option needs a value");
    const std::string option = argv[i];
    const char* value = argv[i + 1];
    if (option == "-n")
      rounds = std::atoi(value);
    else if (option == "-w")
      warmup = std::atoi(value);
    else if (option == "-t")
      title = value;
    else if (option == "-o")
      results = value;
    else if (option == "-r")
      ref_name = value;
    else if (option == "-b")
      before = value;
    else
      usage(("unknown option " + option).c_str());
  }
  for (Program current; i <= argc; ++i) {
    if (i == argc || std::strcmp(argv[i], "---") == 0) {
      if (current.argv.empty())
        usage("each program needs a NAME and a CMD");
      programs.push_back(std::move(current));
      current = Program{};
    } else if (current.name.empty()) {
      current.name = argv[i];
    } else {
      current.argv.emplace_back(argv[i]);
    }
  }
  if (programs.size() < 2)
    usage("give at least two programs, separated by ---");
  if (rounds < 3 || warmup < 0)
    usage("need at least 3 rounds");

  std::size_t ref = programs.size() - 1;
  if (!ref_name.empty()) {
    const auto found = std::find_if(programs.begin(), programs.end(),
                                    [&](const Program& p) { return p.name == ref_name; });
    if (found == programs.end())
      usage("-r names no program");
    ref = static_cast<std::size_t>(found - programs.begin());
  }

  std::vector<std::size_t> order(programs.size());
  for (int round = -warmup; round < rounds; ++round) {
    for (std::size_t k = 0; k < order.size(); ++k)
      order[k] = k;
    if (round % 2 != 0)
      std::reverse(order.begin(), order.end());
    for (const std::size_t k : order) {
      if (!before.empty())
        run_before(before, programs[k].name);
      const Run run = run_once(programs[k]);
      if (round >= 0) {
        programs[k].wall_ms.push_back(run.wall_ms);
        programs[k].cpu_ms.push_back(run.cpu_ms);
        programs[k].minflt.push_back(run.minflt);
        programs[k].nivcsw.push_back(run.nivcsw);
        programs[k].maxrss_kib.push_back(run.maxrss_kib);
      }
    }
  }

  std::FILE* tsv = results.empty() ? nullptr : std::fopen(results.c_str(), "a");
  const double ref_median = median(programs[ref].wall_ms);
  const double ref_cpu = median(programs[ref].cpu_ms);
  const double ref_rss = median(programs[ref].maxrss_kib);
  std::printf("\n== %s: %d rounds (+%d warm-up), order alternated each round ==\n", title.c_str(),
              rounds, warmup);
  std::printf("  %-22s %9s %9s %9s %9s %9s %8s %9s %9s %9s\n", "program", "median", "p10", "p90",
              "min", "cpu", "minflt", "maxrss", "ratio", "paired");
  for (const Program& p : programs) {
    std::vector<double> paired;
    for (std::size_t r = 0; r < p.wall_ms.size(); ++r) {
      paired.push_back(p.wall_ms[r] / programs[ref].wall_ms[r]);
    }
    const double med = median(p.wall_ms);
    const double ratio = med / ref_median;
    std::printf("  %-22s %7.3fms %7.3fms %7.3fms %7.3fms %7.3fms %8.0f %6.1fMiB %8.3fx %8.3fx\n",
                p.name.c_str(), med, quantile(p.wall_ms, 0.1), quantile(p.wall_ms, 0.9),
                quantile(p.wall_ms, 0.0), median(p.cpu_ms), median(p.minflt),
                median(p.maxrss_kib) / 1024, ratio, median(paired));
    if (tsv != nullptr) {
      std::fprintf(tsv, "%s\t%s\t%d\t%.3f\t%.3f\t%.3f\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.0f\t%.3f\n",
                   title.c_str(), p.name.c_str(), rounds, med, quantile(p.wall_ms, 0.1),
                   quantile(p.wall_ms, 0.9), programs[ref].name.c_str(), ratio, median(paired),
                   median(p.cpu_ms), median(p.cpu_ms) / ref_cpu, median(p.maxrss_kib),
                   median(p.maxrss_kib) / ref_rss);
    }
  }
  std::printf(
      "  (ratio = median / median of '%s'; paired = median over rounds of the per-round "
      "ratio; cpu = median user+sys; maxrss = median peak RSS)\n",
      programs[ref].name.c_str());
  if (tsv != nullptr)
    std::fclose(tsv);
  return 0;
}

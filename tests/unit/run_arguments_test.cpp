// The command line a run's shares are started with (cli/run_arguments) is the parser's inverse:
// parse_cli(run_arguments(o)) == o, for option sets that between them set every run flag the
// help lists, values that look like flags included.
#include "cli/run_arguments.hpp"

#include <gtest/gtest.h>

#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace cf::host {
namespace {

std::optional<RunOptions> parsed(const std::vector<std::string>& arguments) {
  std::vector<const char*> argv{"experiment"};
  for (const auto& argument : arguments) argv.push_back(argument.c_str());
  const ParseResult result = parse_cli(static_cast<int>(argv.size()), argv.data());
  if (!result.options) return std::nullopt;
  return result.options->run;
}

// Every run flag `experiment --help` lists (long names), plus the hidden one shares are given.
std::set<std::string> flags_in_help() {
  std::ostringstream help;
  std::streambuf* const saved = std::cout.rdbuf(help.rdbuf());
  parsed({"--help"});
  std::cout.rdbuf(saved);
  std::set<std::string> flags;
  // The names column of each option line ("  -p,--params TEXT ...  Parameters file ..."), not
  // the descriptions, which mention sbatch's flags.
  const std::regex flag("--[a-z][a-z-]+");
  std::istringstream lines(help.str());
  for (std::string line; std::getline(lines, line);) {
    const auto start = line.find_first_not_of(' ');
    if (start == std::string::npos || line[start] != '-') continue;
    const std::string names = line.substr(start, line.find("  ", start) - start);
    for (auto it = std::sregex_iterator(names.begin(), names.end(), flag); it != std::sregex_iterator(); ++it)
      flags.insert(it->str());
  }
  // Other commands' flags and the ones no run has.
  for (const char* other : {"--help", "--version", "--host", "--port", "--update", "--json", "--yes",
                            "--experiments-path", "--params-path", "--data-path", "--cache-path",
                            "--runs-path", "--logs-path", "--notebooks-path", "--reports-path", "--fpath"})
    flags.erase(other);
  flags.insert("--share-plan");
  return flags;
}

std::vector<RunOptions> every_flag_between_them() {
  RunOptions recorded;
  recorded.experiment = "sub.heat";
  recorded.params = {"sweep", "-odd"};
  recorded.names = {"a b", "--looks-like-a-flag"};
  recorded.indices = {"0-2", "5"};
  recorded.global_indices = {"6", "0", "0-2"};
  recorded.overwrite_stages = {"fit", "evaluate"};
  recorded.cache = "/tmp/other cache";
  recorded.prefix = "-final";
  recorded.notes = "first line\nsecond";
  recorded.parallel = 3;
  recorded.stage_timeout = 0.1;
  recorded.slurm_args = "--partition=gpu --time=1:00:00";
  recorded.overwrite = recorded.store_full = recorded.lazy = recorded.verbose = recorded.progress = true;
  recorded.no_dag = recorded.no_log = recorded.no_color = recorded.plain = recorded.log_errors = true;
  recorded.dry_cache = recorded.notebook = recorded.slurm = true;

  RunOptions docker;  // --docker implies --store-full, which the parser sets
  docker.experiment = "heat";
  docker.docker = docker.store_full = true;
  docker.notes = "";  // a bare --notes: the editor
  docker.ignore_lazy = docker.quiet = true;

  RunOptions share;
  share.experiment = "heat";
  share.parallel_mode = true;
  share.share_plan = "logs/heat_1_2026-12-08-T101010_shares.json";
  share.dry = true;

  RunOptions looking;
  looking.experiment = "heat";
  looking.map = looking.paths = looking.hashes = true;
  looking.print_params = "";  // bare: every selected set

  RunOptions printing;
  printing.experiment = "heat";
  printing.print_params = "1ab2";
  return {recorded, docker, share, looking, printing};
}

TEST(RunArguments, ParsingTheArgumentsGivesTheOptionsBack) {
  for (const RunOptions& options : every_flag_between_them()) {
    const auto arguments = run_arguments(options);
    const auto back = parsed(arguments);
    ASSERT_TRUE(back.has_value()) << ::testing::PrintToString(arguments);
    EXPECT_TRUE(*back == options) << ::testing::PrintToString(arguments);
  }
}

TEST(RunArguments, TheOptionSetsCoverEveryRunFlag) {
  std::set<std::string> written;
  for (const RunOptions& options : every_flag_between_them()) {
    for (const auto& argument : run_arguments(options)) {
      if (argument.rfind("--", 0) == 0) written.insert(argument.substr(0, argument.find('=')));
    }
  }
  for (const auto& flag : flags_in_help()) {
    // Synonyms of a written flag: --name (--prefix), --parallel-safe (--parallel-mode).
    if (flag == "--name" || flag == "--parallel-safe") continue;
    EXPECT_TRUE(written.contains(flag)) << flag << " is a run flag that no option set of this test writes";
  }
}

}  // namespace
}  // namespace cf::host

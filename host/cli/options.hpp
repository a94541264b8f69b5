// Everything the command line can say, as plain data. Parsing lives in parse_cli.cpp; each
// command reads only the struct it needs.
#pragma once

#include "scaffold/project_layout.hpp"

#include <optional>
#include <string>
#include <vector>

namespace cf::host {

enum class Command { run, ls, reports, runs, init, completion };

struct RunOptions {
  std::string experiment;
  std::vector<std::string> params;          // -p, in command-line order
  std::vector<std::string> names;           // -n/--names
  std::vector<std::string> indices;         // --indices
  std::vector<std::string> global_indices;  // --global-indices
  std::vector<std::string> overwrite_stages;
  std::optional<std::string> cache;         // -c/--cache
  std::optional<std::string> prefix;        // --prefix/--name
  std::optional<std::string> notes;         // --notes TEXT; empty string: open an editor
  std::optional<std::string> print_params;  // --print-params [NAME_OR_HASH_PREFIX]
  std::optional<int> parallel;
  std::optional<double> stage_timeout;
  std::optional<std::string> slurm_args;
  std::optional<std::string> share_plan;  // --share-plan FILE: given to the shares of a run only
  bool parallel_mode = false;
  bool overwrite = false;
  bool store_full = false;
  bool lazy = false;
  bool ignore_lazy = false;
  bool verbose = false;
  bool quiet = false;
  bool progress = false;
  bool map = false;
  bool paths = false;
  bool hashes = false;
  bool no_dag = false;
  bool no_log = false;
  bool no_color = false;
  bool plain = false;
  bool dry = false;
  bool dry_cache = false;
  bool log_errors = false;
  bool docker = false;
  bool notebook = false;
  bool slurm = false;

  bool operator==(const RunOptions&) const = default;
};

struct ReportsOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  bool update = false;
};

struct Options {
  Command command = Command::run;
  std::string command_line;  // as typed, for the store and reports
  RunOptions run;
  ReportsOptions reports;
  std::optional<std::string> runs_experiment;
  bool json = false;                    // `runs --json`
  bool yes = false;                     // `init --yes`
  LayoutFlags init_paths;               // `init --experiments-path DIR` and the other folders
  std::string completion_shell;         // `completion bash|zsh`
  std::optional<std::string> ls_names;  // `ls --names-only experiments|params` (for completion)
};

// Parses argv. Returns the options, or an exit code when parsing already answered the call
// (--help, --version) or failed (the error has been printed, naming the flag).
struct ParseResult {
  std::optional<Options> options;
  int exit_code = 0;
};
ParseResult parse_cli(int argc, const char* const* argv);

}  // namespace cf::host

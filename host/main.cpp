// The `experiment` command: parse the command line, find the project, dispatch.
#include "cache/cacher_registry.hpp"
#include "cli/notes_editor.hpp"
#include "cli/options.hpp"
#include "config/config.hpp"
#include "engine/run_experiment.hpp"
#include "plugin/listing.hpp"
#include "store/run_store.hpp"
#include "store/runs_table.hpp"
#include "util/error.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <vector>

namespace {

// The cachers a run in this project could use, as `ls` shows them.
std::vector<cf::host::ListedCacher> listed_cachers(const cf::host::Config& config) {
  const cf::host::CacherRegistry registry(
      cf::host::default_cacher_folders(config.root, cf::host::current_executable()));
  std::vector<cf::host::ListedCacher> listed;
  for (const auto& [name, description] : registry.descriptions()) listed.push_back({name, description, ""});
  for (const auto& [file, reason] : registry.unreadable())
    listed.push_back({file.stem().string(), "", reason});
  return listed;
}

int dispatch(const cf::host::Options& options) {
  using cf::host::Command;
  const cf::host::Config config = cf::host::load_config(std::filesystem::current_path());
  switch (options.command) {
    case Command::ls:
      std::fputs(cf::host::render_listing(config, listed_cachers(config)).c_str(), stdout);
      return 0;
    case Command::run: {
      cf::host::RunOptions run = options.run;
      // A bare --notes opens the editor, but only for a run that will be recorded.
      const bool recorded = !run.dry && !run.map && !run.paths && !run.hashes && !run.print_params;
      if (run.notes && run.notes->empty() && recorded) run.notes = cf::host::edit_notes();
      return cf::host::run_experiment(config, run, options.command_line);
    }
    case Command::runs: {
      const auto store_file = cf::host::RunStore::default_path(config);
      std::vector<cf::host::StoredRun> runs;
      if (std::filesystem::exists(store_file)) {
        runs = cf::host::RunStore(store_file).runs(options.runs_experiment.value_or(""));
      }
      std::fputs(cf::host::render_runs(runs, options.json).c_str(), stdout);
      return 0;
    }
    default:
      throw cf::host::UserError("this command is not available yet in this release");
  }
}

}  // namespace

int main(int argc, char** argv) {
  const auto parsed = cf::host::parse_cli(argc, argv);
  if (!parsed.options) return parsed.exit_code;
  try {
    return dispatch(*parsed.options);
  } catch (const cf::host::UserError& e) {
    std::cerr << "error: " << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "error: unexpected failure: " << e.what() << "\n";
  }
  return 1;
}

// The `experiment` command: parse the command line, find the project, dispatch.
#include "cache/cacher_registry.hpp"
#include "cli/options.hpp"
#include "config/config.hpp"
#include "engine/run_experiment.hpp"
#include "plugin/listing.hpp"
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
    case Command::run:
      return cf::host::run_experiment(config, options.run, options.command_line);
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

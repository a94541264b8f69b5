// curifactory_config.json: where a project's experiments, params, cache, logs and reports live.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace cf::host {

struct Config {
  std::filesystem::path root;                 // every relative path below is taken from here
  std::optional<std::filesystem::path> file;  // the config file, when one was found

  std::filesystem::path experiments_dir;
  std::filesystem::path params_dir;
  std::filesystem::path manager_cache_path;
  std::filesystem::path cache_path;
  std::filesystem::path runs_path;
  std::filesystem::path logs_path;
  std::filesystem::path notebooks_path;
  std::filesystem::path reports_path;
  std::filesystem::path report_css_path;

  // Project defaults for recorded runs, so a cluster project need not repeat its flags:
  // "slurm": true runs every recorded run's sets as a Slurm job array (as --slurm does) and
  // "slurm_args" is the default for --slurm-args.
  bool slurm = false;
  std::string slurm_args;
};

// Looks for curifactory_config.json in `start`, then up to three parents; missing keys (or a
// missing file) take the defaults of SEMANTICS.md. Throws UserError naming the file and key
// for malformed JSON or a value of the wrong type.
Config load_config(const std::filesystem::path& start);

// The folder a module name (experiments_module_name, params_module_name) stands for, relative
// to the project: "experiments" -> experiments, "lab.experiments" -> lab/experiments.
std::filesystem::path module_folder(std::string name);

// How a path is shown to the user: relative to the working folder when it is below it.
std::string display_path(const std::filesystem::path& path);

}  // namespace cf::host

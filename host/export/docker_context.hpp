// --docker, part one: a Docker build context for a finished --store-full run, written to
// <runs_path>/<reference>_docker/ beside the run's folder (not inside it, since it holds a copy
// of that folder). Self-contained, so it can be built on another machine:
//
//   Dockerfile   debian:12, the runtime packages, then the two folders below; its CMD serves
//                the report with `experiment reports --host 0.0.0.0 --port 8080`
//   install/     bin/experiment and <libdir>/curifactory/cachers/ of the running install (no SDK)
//   project/     a curifactory_config.json with the default layout, the experiments, params and
//                cachers folders (plugins, YAML params, sources), the run's full store under
//                data/runs/<reference>/ and its report under reports/<reference>/
//
// Files are hard-linked where the file system allows it, else copied.
#pragma once

#include "config/config.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace cf::host {

struct DockerRun {
  const Config& config;
  std::string experiment;
  std::string reference;
  std::filesystem::path full_store;  // <runs_path>/<reference>, already written
};

struct DockerContext {
  std::filesystem::path folder;
  std::vector<std::string> packages;  // installed by the Dockerfile
  std::vector<std::string> warnings;  // libraries that could not be resolved, for the log
};

// Writes the context (replacing an earlier one for the same run). Throws UserError naming the
// file or tool that failed.
DockerContext write_docker_context(const DockerRun& run);

// The Dockerfile for a context whose install/ and project/ are in place.
std::string dockerfile_text(const DockerRun& run, const std::vector<std::string>& packages,
                            bool bundled_libraries);

}  // namespace cf::host

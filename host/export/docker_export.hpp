// --docker: after a --store-full run, write its Docker build context (docker_context.hpp), then
// build the image tagged <experiment>:<run number>_<date> and <experiment> (docker_names.hpp)
// where a Docker engine answers. Where none does (no docker command, or `docker info` fails),
// a WARNING says so with the exact `docker build` command to run later. Nothing here fails the
// run: problems are logged as warnings, as a report that cannot be written is.
#pragma once

#include "export/docker_context.hpp"

#include <curifactory/abi.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cf::host {

using DockerLog = std::function<void(cf_log_level, std::string_view)>;

// `quiet` (--quiet) keeps docker build's own output off the console.
void export_docker_image(const DockerRun& run, bool quiet, const DockerLog& log);

// The build command for a context, as argv: docker build -t <name>:<tag> -t <name> <folder>.
std::vector<std::string> docker_build_command(const DockerRun& run, const std::filesystem::path& context);

}  // namespace cf::host

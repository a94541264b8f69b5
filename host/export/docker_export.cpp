#include "export/docker_export.hpp"

#include "exec/child_command.hpp"
#include "export/docker_names.hpp"
#include "util/error.hpp"
#include "util/shell_quote.hpp"

#include <chrono>

namespace cf::host {
namespace {

// A daemon that is down answers at once; one behind an unreachable DOCKER_HOST may not answer
// at all, and the run should not hang on it.
constexpr std::chrono::seconds kEngineTimeout{30};

std::string command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& word : argv) line += (line.empty() ? "" : " ") + shell_word(word);
  return line;
}

std::string first_line(const std::string& text) {
  const auto start = text.find_first_not_of(" \n");
  if (start == std::string::npos) return {};
  return text.substr(start, text.find('\n', start) - start);
}

// Why no engine answers, or nothing when one does.
std::optional<std::string> engine_missing() {
  try {
    const CapturedOutput info =
        run_captured({"docker", "info", "--format", "{{.ServerVersion}}"}, kEngineTimeout);
    if (info.succeeded()) return std::nullopt;
    if (info.timed_out) return "docker info did not answer within 30 s";
    const std::string why = first_line(info.err);
    return "docker info failed" + (why.empty() ? std::string() : ": " + why);
  } catch (const UserError&) {
    return "no docker command on PATH";
  }
}

}  // namespace

std::vector<std::string> docker_build_command(const DockerRun& run, const std::filesystem::path& context) {
  const std::string name = docker_repository(run.experiment);
  return {"docker", "build",         "-t", name + ":" + docker_tag(run.experiment, run.reference), "-t",
          name,     context.string()};
}

void export_docker_image(const DockerRun& run, bool quiet, const DockerLog& log) {
  DockerContext context;
  try {
    context = write_docker_context(run);
  } catch (const UserError& e) {
    log(CF_LOG_WARNING, std::string("docker: no build context, so no image: ") + e.what());
    return;
  }
  for (const std::string& warning : context.warnings) log(CF_LOG_WARNING, warning);
  log(CF_LOG_INFO, "docker build context written to " + display_path(context.folder));
  const std::string name = docker_repository(run.experiment);
  if (name != run.experiment) {
    log(CF_LOG_INFO, "docker: the image is named '" + name +
                         "' (Docker image names are lowercase letters and "
                         "digits joined by . _ or -)");
  }

  std::vector<std::string> build = docker_build_command(run, context.folder);
  if (const auto missing = engine_missing()) {
    log(CF_LOG_WARNING, "docker: no Docker engine answers here (" + *missing +
                            "); build the image later with: " + command_line(build));
    return;
  }
  if (quiet) build.insert(build.begin() + 2, "--quiet");
  log(CF_LOG_INFO, "docker: " + command_line(build));
  int code = 0;
  try {
    code = run_on_console(build);
  } catch (const UserError&) {
    code = -1;  // the docker command vanished since `docker info` ran
  }
  if (code != 0) {
    log(CF_LOG_WARNING,
        "docker build failed (exit code " + std::to_string(code) +
            "); the context is kept, retry with: " + command_line(docker_build_command(run, context.folder)));
    return;
  }
  log(CF_LOG_INFO, "docker image built: " + name + ":" + docker_tag(run.experiment, run.reference) + " and " +
                       name + ":latest");
}

}  // namespace cf::host

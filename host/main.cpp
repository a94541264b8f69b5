// The `experiment` command: parse the command line, find the project, dispatch.
#include "cache/cacher_registry.hpp"
#include "cli/options.hpp"
#include "completion/completion_script.hpp"
#include "config/config.hpp"
#include "engine/run_experiment.hpp"
#include "plugin/listing.hpp"
#include "plugin/module_name.hpp"
#include "report_writer.hpp"
#include "scaffold/init_project.hpp"
#include "serve/report_server.hpp"
#include "store/run_store.hpp"
#include "store/runs_table.hpp"
#include "util/error.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
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
  // Neither needs a project, and init must not read the config of a project around this folder.
  if (options.command == Command::init) {
    cf::host::init_project(std::filesystem::current_path(), options.init_paths, options.yes, std::cin,
                           std::cout);
    return 0;
  }
  if (options.command == Command::completion) {
    const std::string_view script = cf::host::completion_script(options.completion_shell);
    std::fwrite(script.data(), 1, script.size(), stdout);
    return 0;
  }
  const cf::host::Config config = cf::host::load_config(std::filesystem::current_path());
  switch (options.command) {
    case Command::ls:
      if (options.ls_names) {
        std::fputs(cf::host::render_names(config, *options.ls_names == "experiments").c_str(), stdout);
        return 0;
      }
      std::fputs(cf::host::render_listing(config, listed_cachers(config)).c_str(), stdout);
      return 0;
    case Command::run:
      return cf::host::run_experiment(config, options.run, options.command_line);
    case Command::runs: {
      const auto store_file = cf::host::RunStore::default_path(config);
      std::vector<cf::host::StoredRun> runs;
      if (std::filesystem::exists(store_file)) {
        const std::string experiment =
            options.runs_experiment ? cf::host::experiment_name(config, *options.runs_experiment) : "";
        runs = cf::host::RunStore(store_file).runs(experiment);
      }
      std::fputs(cf::host::render_runs(runs, options.json).c_str(), stdout);
      return 0;
    }
    case Command::reports: {
      const auto& reports = config.reports_path;
      if (!std::filesystem::is_directory(reports)) {
        throw cf::host::UserError("reports folder " + cf::host::display_path(reports) +
                                  " does not exist (reports_path in curifactory_config.json; a finished run "
                                  "creates it)");
      }
      if (options.reports.update) {
        try {
          cf::reports::write_report_index(reports, config.report_css_path);
        } catch (const std::runtime_error& e) {
          throw cf::host::UserError(std::string("cannot update the report index: ") + e.what());
        }
        std::printf("updated %s\n", cf::host::display_path(reports / "index.html").c_str());
        return 0;
      }
      const std::string& host = options.reports.host;
      // An IPv6 address needs brackets in a URL, or its colons would read as the port.
      const std::string url_host = host.find(':') == std::string::npos ? host : "[" + host + "]";
      cf::host::serve_reports(reports, host, options.reports.port, [&](int port) {
        std::printf("serving %s at http://%s:%d/ (Ctrl-C to stop)\n", cf::host::display_path(reports).c_str(),
                    url_host.c_str(), port);
        // Scripts wait for this line to learn the port; a pipe would otherwise hold it back.
        std::fflush(stdout);
      });
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

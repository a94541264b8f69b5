#include "app/commands.hpp"

#include "app/listing.hpp"
#include "app/run_command.hpp"
#include "cache/cacher_registry.hpp"
#include "cli/options.hpp"
#include "completion/completion_script.hpp"
#include "config/config.hpp"
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

namespace cf::host {
namespace {

// The cachers a run in this project could use, as `ls` shows them.
std::vector<ListedCacher> listed_cachers(const Config& config) {
  const CacherRegistry registry(default_cacher_folders(config.root, current_executable()));
  std::vector<ListedCacher> listed;
  for (const auto& [name, description] : registry.descriptions()) listed.push_back({name, description, ""});
  for (const auto& [file, reason] : registry.unreadable())
    listed.push_back({file.stem().string(), "", reason});
  return listed;
}

}  // namespace

int run_command(const Options& options) {
  // Neither needs a project, and init must not read the config of a project around this folder.
  if (options.command == Command::init) {
    init_project(std::filesystem::current_path(), options.init_paths, options.yes, std::cin, std::cout);
    return 0;
  }
  if (options.command == Command::completion) {
    const std::string_view script = completion_script(options.completion_shell);
    std::fwrite(script.data(), 1, script.size(), stdout);
    return 0;
  }
  const Config config = load_config(std::filesystem::current_path());
  switch (options.command) {
    case Command::ls:
      if (options.ls_names) {
        std::fputs(render_names(config, *options.ls_names == "experiments").c_str(), stdout);
        return 0;
      }
      std::fputs(render_listing(config, listed_cachers(config)).c_str(), stdout);
      return 0;
    case Command::run:
      return run_experiment(config, options.run, options.command_line);
    case Command::runs: {
      const auto store_file = RunStore::default_path(config);
      std::vector<StoredRun> runs;
      if (std::filesystem::exists(store_file)) {
        const std::string experiment =
            options.runs_experiment ? experiment_name(config, *options.runs_experiment) : "";
        runs = RunStore(store_file).runs(experiment);
      }
      std::fputs(render_runs(runs, options.json).c_str(), stdout);
      return 0;
    }
    case Command::reports: {
      const auto& reports = config.reports_path;
      if (!std::filesystem::is_directory(reports)) {
        throw UserError("reports folder " + display_path(reports) +
                        " does not exist (reports_path in curifactory_config.json; a finished run "
                        "creates it)");
      }
      if (options.reports.update) {
        try {
          cf::reports::write_report_index(reports, config.report_css_path);
        } catch (const std::runtime_error& e) {
          throw UserError(std::string("cannot update the report index: ") + e.what());
        }
        std::printf("updated %s\n", display_path(reports / "index.html").c_str());
        return 0;
      }
      const std::string& host = options.reports.host;
      // An IPv6 address needs brackets in a URL, or its colons would read as the port.
      const std::string url_host = host.find(':') == std::string::npos ? host : "[" + host + "]";
      serve_reports(reports, host, options.reports.port, [&](int port) {
        std::printf("serving %s at http://%s:%d/ (Ctrl-C to stop)\n", display_path(reports).c_str(),
                    url_host.c_str(), port);
        // Scripts wait for this line to learn the port; a pipe would otherwise hold it back.
        std::fflush(stdout);
      });
      return 0;
    }
    default:
      throw UserError("this command is not available yet in this release");
  }
}

}  // namespace cf::host

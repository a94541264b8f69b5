#include "export/docker_context.hpp"

#include "cache/cacher_registry.hpp"
#include "export/docker_names.hpp"
#include "export/runtime_libraries.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <fstream>
#include <set>

namespace cf::host {
namespace {

namespace fs = std::filesystem;

// Where install/ lands in the image; the host finds its cachers relative to its binary.
constexpr const char* kInstallRoot = "/opt/curifactory";
// Libraries no Debian package provides, copied beside the install.
constexpr const char* kBundledLibraries = "lib/curifactory/runtime";

// The image's project uses the default layout whatever the original's paths were (they may be
// absolute, or outside the project), so the copies below can go to fixed places.
constexpr const char* kImageConfig = R"({
  "experiments_module_name": "experiments",
  "params_module_name": "@PARAMS@",
  "manager_cache_path": "data/",
  "cache_path": "data/cache",
  "runs_path": "data/runs",
  "logs_path": "logs/",
  "notebooks_path": "notebooks/",
  "reports_path": "reports/",
  "report_css_path": "reports/style.css"
}
)";

// A hard link shares the bytes (artifacts can be large); across file systems, a copy.
void link_or_copy(const fs::path& from, const fs::path& to) {
  fs::create_directories(to.parent_path());
  std::error_code error;
  fs::remove(to, error);
  fs::create_hard_link(from, to, error);
  if (error) fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

bool is_plugin(const fs::path& file) {
  return file.extension() == ".so";
}

// What of a module folder belongs in the image: plugins, YAML params, and the sources and
// headers they were built from (so the image shows the code that ran).
bool is_project_file(const fs::path& file) {
  static const std::set<std::string> kept = {".so", ".yaml", ".yml", ".cpp", ".cc", ".cxx",
                                             ".c",  ".hpp",  ".hh",  ".hxx", ".h",  ".json"};
  return kept.contains(file.extension().string());
}

// Copies the wanted files of `from` to `to`, keeping the tree, without descending into `skip`
// (a module folder may be the project root, which holds the data, logs and this context).
// Returns the plugins copied, for their libraries.
std::vector<fs::path> copy_tree(const fs::path& from, const fs::path& to, bool (*wanted)(const fs::path&),
                                const std::vector<fs::path>& skip) {
  std::vector<fs::path> plugins;
  if (!fs::is_directory(from)) return plugins;
  for (auto it = fs::recursive_directory_iterator(from, fs::directory_options::skip_permission_denied);
       it != fs::recursive_directory_iterator(); ++it) {
    const fs::path& path = it->path();
    if (it->is_directory()) {
      const bool skipped =
          std::any_of(skip.begin(), skip.end(), [&](const fs::path& s) { return s == path; });
      // Hidden folders (.git) and CMake build folders are no part of the code that ran.
      if (skipped || path.filename().string().starts_with(".") || fs::exists(path / "CMakeCache.txt")) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (!it->is_regular_file() || !wanted(path)) continue;
    link_or_copy(path, to / path.lexically_relative(from));
    if (is_plugin(path)) plugins.push_back(path);
  }
  return plugins;
}

bool any_file(const fs::path&) {
  return true;
}

void write_text(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw UserError(file.string() + ": cannot be written");
}

// A Dockerfile string literal (LABEL values): quotes and backslashes escaped.
std::string quoted(const std::string& text) {
  std::string result = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') result += '\\';
    result += c == '\n' ? ' ' : c;
  }
  return result + "\"";
}

}  // namespace

std::string dockerfile_text(const DockerRun& run, const std::vector<std::string>& packages,
                            bool bundled_libraries) {
  const std::string image =
      docker_repository(run.experiment) + ":" + docker_tag(run.experiment, run.reference);
  std::string text;
  text += "# Run " + run.reference + " of experiment '" + run.experiment +
          "', packed by `experiment --docker`:\n";
  text += "# the experiment command, the project's plugins and configuration, and the run's full store\n";
  text += "# (data/runs/" + run.reference + "). Serve its report on http://localhost:8080/ with\n";
  text += "#   docker run --rm -p 8080:8080 " + image + "\n";
  text += "FROM debian:12\n";
  if (!packages.empty()) {
    text += "# The shared libraries of the experiment command, its cachers and the project's plugins.\n";
    text +=
        "RUN apt-get update \\\n && DEBIAN_FRONTEND=noninteractive apt-get install -y "
        "--no-install-recommends \\\n";
    for (const std::string& package : packages) text += "      " + package + " \\\n";
    text += " && rm -rf /var/lib/apt/lists/*\n";
  }
  text += std::string("COPY install/ ") + kInstallRoot + "/\n";
  text += std::string("ENV PATH=") + kInstallRoot + "/bin:$PATH\n";
  if (bundled_libraries) {
    text += std::string("ENV LD_LIBRARY_PATH=") + kInstallRoot + "/" + kBundledLibraries + "\n";
  }
  text += "COPY project/ /project/\n";
  text += "WORKDIR /project\n";
  text += "# The report index lists the reports in this image.\n";
  text += "RUN experiment reports --update\n";
  text += "LABEL org.curifactory.experiment=" + quoted(run.experiment) +
          " org.curifactory.run=" + quoted(run.reference) + "\n";
  text += "EXPOSE 8080\n";
  text += "CMD [\"experiment\", \"reports\", \"--host\", \"0.0.0.0\", \"--port\", \"8080\"]\n";
  return text;
}

DockerContext write_docker_context(const DockerRun& run) {
  const Config& config = run.config;
  DockerContext context;
  context.folder = config.runs_path / (run.reference + "_docker");
  try {
    fs::remove_all(context.folder);
    const fs::path install = context.folder / "install";
    const fs::path project = context.folder / "project";

    const fs::path executable = current_executable();
    link_or_copy(executable, install / "bin" / "experiment");
    std::vector<fs::path> binaries = {executable};
    // The folder a host binary reads its cachers from (default_cacher_folders: project, then install).
    const fs::path installed_cachers = default_cacher_folders(config.root, executable).back();
    for (const fs::path& plugin : copy_tree(installed_cachers, install / CF_CACHER_SUBDIR, is_plugin, {})) {
      binaries.push_back(plugin);
    }

    const std::vector<fs::path> skip = {
        config.manager_cache_path, config.cache_path,   config.runs_path, config.logs_path,
        config.notebooks_path,     config.reports_path, context.folder};
    const bool shared_folder = config.params_dir == config.experiments_dir;
    for (const fs::path& plugin :
         copy_tree(config.experiments_dir, project / "experiments", is_project_file, skip))
      binaries.push_back(plugin);
    if (!shared_folder) {
      for (const fs::path& plugin : copy_tree(config.params_dir, project / "params", is_project_file, skip))
        binaries.push_back(plugin);
    }
    for (const fs::path& plugin : copy_tree(config.root / "cachers", project / "cachers", is_plugin, skip))
      binaries.push_back(plugin);
    std::string image_config = kImageConfig;
    image_config.replace(image_config.find("@PARAMS@"), 8, shared_folder ? "experiments" : "params");
    write_text(project / "curifactory_config.json", image_config);

    copy_tree(run.full_store, project / "data" / "runs" / run.reference, any_file, {});
    copy_tree(run.full_store / "report", project / "reports" / run.reference, any_file, {});
    if (fs::is_regular_file(config.report_css_path)) {
      link_or_copy(config.report_css_path, project / "reports" / "style.css");
    }

    const RuntimeLibraries libraries = runtime_libraries(binaries);
    for (const fs::path& library : libraries.unowned) {
      link_or_copy(library, install / kBundledLibraries / library.filename());
    }
    for (const std::string& name : libraries.unresolved) {
      context.warnings.push_back("docker: no library " + name + " here, so none in the image either");
    }
    context.packages = libraries.packages;
    write_text(context.folder / "Dockerfile",
               dockerfile_text(run, libraries.packages, !libraries.unowned.empty()));
  } catch (const fs::filesystem_error& e) {
    throw UserError(e.path1().string() + ": " + e.code().message());
  }
  return context;
}

}  // namespace cf::host

#include "app/listing.hpp"

#include "config/config.hpp"
#include "params/yaml_file.hpp"
#include "plugin/discovery.hpp"
#include "plugin/plugin_metadata.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <vector>

namespace cf::host {
namespace {

struct Section {
  std::vector<std::string> warnings;
  std::vector<std::string> rows;
  std::vector<std::string> names;  // of the rows without an error
};

std::string missing_folder_warning(const std::filesystem::path& folder) {
  return "[WARNING - path: '" + display_path(folder) +
         "' does not exist. Double check curifactory_config.json]";
}

std::string row(const std::string& name, const std::string& description) {
  return description.empty() ? name : name + " - " + description;
}

void add_row(Section& section, const std::string& name, const std::string& description) {
  section.rows.push_back(row(name, description));
  section.names.push_back(name);
}

// Adds the rows of one module folder: experiments (only from the experiments folder) and
// params (plugins with get_params and YAML files).
void list_folder(const std::filesystem::path& folder, bool experiments_folder, Section& experiments,
                 Section& params) {
  if (!std::filesystem::is_directory(folder)) {
    if (experiments_folder) experiments.warnings.push_back(missing_folder_warning(folder));
    params.warnings.push_back(missing_folder_warning(folder));
    return;
  }
  for (const ProjectFile& file : scan_module_folder(folder)) {
    if (file.type == ProjectFile::Type::yaml) {
      try {
        add_row(params, file.name, read_yaml_description(file.path));
      } catch (const UserError& e) {
        params.rows.push_back(file.name + " [ERROR - " + e.what() + "]");
      }
      continue;
    }
    try {
      // A shared library without metadata is no plugin and no problem (a library the plugins
      // link, kept beside them); one that cannot be read is a row with its reason.
      const auto metadata = read_plugin_metadata_if_any(file.path);
      if (!metadata) continue;
      if (metadata->is_experiment && experiments_folder)
        add_row(experiments, file.name, metadata->description);
      if (metadata->is_params) add_row(params, file.name, metadata->description);
    } catch (const UserError& e) {
      (experiments_folder ? experiments : params).rows.push_back(file.name + " [ERROR - " + e.what() + "]");
    }
  }
}

void print_section(std::string& out, const char* title, Section& section) {
  out += title;
  out += '\n';
  std::sort(section.rows.begin(), section.rows.end());
  for (const auto* lines : {&section.warnings, &section.rows}) {
    for (const std::string& line : *lines) out += '\t' + line + '\n';
  }
}

void list_project(const Config& config, Section& experiments, Section& params) {
  if (config.params_dir != config.experiments_dir) list_folder(config.params_dir, false, experiments, params);
  list_folder(config.experiments_dir, true, experiments, params);
}

}  // namespace

std::string render_listing(const Config& config, const std::vector<ListedCacher>& cachers) {
  Section experiments;
  Section params;
  list_project(config, experiments, params);

  std::string out;
  print_section(out, "EXPERIMENTS:", experiments);
  out += '\n';
  print_section(out, "PARAMS:", params);
  Section cacher_rows;
  for (const ListedCacher& cacher : cachers) {
    cacher_rows.rows.push_back(cacher.error.empty() ? row(cacher.name, cacher.description)
                                                    : cacher.name + " [ERROR - " + cacher.error + "]");
  }
  out += '\n';
  print_section(out, "CACHERS:", cacher_rows);
  return out;
}

std::string render_names(const Config& config, bool experiments) {
  Section experiment_section;
  Section params_section;
  list_project(config, experiment_section, params_section);
  std::vector<std::string>& names = experiments ? experiment_section.names : params_section.names;
  std::sort(names.begin(), names.end());
  // A params file in both folders is listed twice; completion wants each name once.
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string out;
  for (const std::string& name : names) out += name + '\n';
  return out;
}

}  // namespace cf::host

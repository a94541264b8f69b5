#include "plugin/module_name.hpp"

#include "config/config.hpp"
#include "plugin/discovery.hpp"
#include "util/error.hpp"

#include <algorithm>

namespace cf::host {
namespace {

namespace fs = std::filesystem;

bool ends_with_any(std::string_view text, const std::vector<std::string>& endings) {
  return std::any_of(endings.begin(), endings.end(),
                     [&](const std::string& ending) { return text.ends_with(ending); });
}

// "the params folder ('params') or the experiments folder ('experiments')"
std::string folder_list(const std::vector<NamedFolder>& folders) {
  std::string text;
  for (std::size_t i = 0; i < folders.size(); ++i) {
    if (i > 0) text += " or ";
    text += folders[i].title + " ('" + display_path(folders[i].path) + "')";
  }
  return text;
}

// "(.so)", "(.so, .yaml, .yml)"
std::string extension_list(const std::vector<std::string>& extensions) {
  std::string text;
  for (const auto& extension : extensions) text += (text.empty() ? "" : ", ") + extension;
  return "(" + text + ")";
}

// Where `path` really is, with its folders' links resolved but not the file's own: a params
// file may well be a link to a shared one elsewhere, and is still in its folder.
fs::path located(const fs::path& path) {
  const fs::path absolute = fs::absolute(path).lexically_normal();
  return fs::weakly_canonical(absolute.parent_path()) / absolute.filename();
}

}  // namespace

std::string module_name(std::string_view argument, const std::vector<NamedFolder>& folders,
                        const std::vector<std::string>& extensions, const std::string& what) {
  if (argument.find('/') == std::string_view::npos && !ends_with_any(argument, extensions))
    return std::string(argument);

  const fs::path file = located(fs::path(argument));
  fs::path relative;
  for (const NamedFolder& folder : folders) {
    const fs::path inside = file.lexically_relative(fs::weakly_canonical(fs::absolute(folder.path)));
    if (!inside.empty() && *inside.begin() != ".." && inside != ".") {
      relative = inside;
      break;
    }
  }
  if (relative.empty() || !file.has_filename()) {
    throw UserError(what + ": " + display_path(file) + " is not a file inside " + folder_list(folders));
  }
  if (relative.has_extension()) {
    const std::string extension = relative.extension().string();
    if (std::find(extensions.begin(), extensions.end(), extension) == extensions.end())
      throw UserError(what + ": expected a file ending in one of " + extension_list(extensions));
    relative.replace_extension();
  }
  std::string name;
  for (const fs::path& part : relative) {
    // A name writes folders as dots, so a dot of its own would read as one more folder.
    if (part.string().find('.') != std::string::npos) {
      throw UserError(what + ": '" + part.string() +
                      "' has a '.' in it, which a name cannot hold (it would read as a folder)");
    }
    name += (name.empty() ? "" : ".") + part.string();
  }
  return name;
}

std::string experiment_name(const Config& config, std::string_view argument) {
  return module_name(argument, {{config.experiments_dir, "the experiments folder"}}, {kPluginExtension},
                     "experiment '" + std::string(argument) + "'");
}

std::string params_name(const Config& config, std::string_view argument) {
  const std::string what = "-p '" + std::string(argument) + "'";
  const std::string name = module_name(
      argument,
      {{config.params_dir, "the params folder"}, {config.experiments_dir, "the experiments folder"}},
      {kPluginExtension, ".yaml", ".yml"}, what);
  if (name == argument || fs::path(argument).extension().empty()) return name;
  const fs::path means = find_params_file(config.params_dir, config.experiments_dir, name);
  if (!means.empty() && located(means) != located(fs::path(argument))) {
    throw UserError(what + ": its name '" + name + "' means " + display_path(means) +
                    " (plugins come before YAML files, the params folder before the experiments folder); "
                    "rename one of the two");
  }
  return name;
}

}  // namespace cf::host

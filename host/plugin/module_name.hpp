// The experiment or -p file a command-line argument means. A name (`sub.heat`) is the file's
// path inside its folder without extension, '/' written as '.'; shell completion offers paths
// instead (`experiments/sub/heat.so`, `params/x.yaml`), which mean the same file, so they become
// its name before anything uses it: the store, the logs, the cache prefix and the report then
// show `sub.heat` whichever way it was typed.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cf::host {

struct Config;

// A folder names can be taken in, as messages call it ("the params folder").
struct NamedFolder {
  std::filesystem::path path;
  std::string title;
};

// `argument` as a name. It is a path when it holds a '/' or ends in one of `extensions` (each
// with its dot), taken from the current folder: it must be inside one of `folders` (the first
// that holds it gives the name), and end in one of `extensions` or in none. Anything else is
// a name already and comes back as it is. `what` starts every error ("-p 'x.yaml'").
std::string module_name(std::string_view argument, const std::vector<NamedFolder>& folders,
                        const std::vector<std::string>& extensions, const std::string& what);

// The experiment's name for `experiment EXPERIMENT` and `experiment runs EXPERIMENT`.
std::string experiment_name(const Config& config, std::string_view argument);

// The params file's name for `-p`. A path must be the file its name means: params/x.yaml next to
// a params/x.so would read the plugin, so it is an error instead.
std::string params_name(const Config& config, std::string_view argument);

}  // namespace cf::host

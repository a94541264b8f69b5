#include "plugin/loaded_plugin.hpp"

#include "config/config.hpp"
#include "util/error.hpp"

#include <boost/dll/shared_library.hpp>

#include <cstddef>
#include <string>

namespace cf::host {

struct LoadedPlugin::Library {
  boost::dll::shared_library handle;
};

namespace {

template <class Api>
const Api& checked_entry(const boost::dll::shared_library& library, const std::filesystem::path& path,
                         const char* symbol, std::size_t required_size) {
  const std::string where = display_path(path) + ": ";
  if (!library.has(symbol)) {
    throw UserError(where + "missing entry point '" + symbol + "' (the plugin does not provide this kind)");
  }
  const Api* api = library.get<const Api*()>(symbol)();
  if (api == nullptr) throw UserError(where + "entry point '" + symbol + "' returned null");
  if (api->abi_version != CF_ABI_VERSION) {
    throw UserError(where + "entry point '" + symbol + "' reports plugin ABI version " +
                    std::to_string(api->abi_version) + " but this experiment host supports version " +
                    std::to_string(CF_ABI_VERSION));
  }
  if (api->struct_size < required_size) {
    throw UserError(where + "entry point '" + symbol + "' returned a truncated interface (" +
                    std::to_string(api->struct_size) + " bytes, expected at least " +
                    std::to_string(required_size) + ")");
  }
  return *api;
}

}  // namespace

LoadedPlugin::LoadedPlugin(const std::filesystem::path& file) : path_(file) {
  try {
    metadata_ = read_plugin_metadata(file);
  } catch (const UserError& e) {
    throw UserError(display_path(file) + ": " + e.what());
  }
  try {
    const auto mode = boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now;
    library_ = std::make_unique<Library>(Library{boost::dll::shared_library(file.string(), mode)});
  } catch (const std::exception& e) {
    throw UserError(display_path(file) + ": cannot be loaded: " + e.what());
  }
}

LoadedPlugin::~LoadedPlugin() = default;
LoadedPlugin::LoadedPlugin(LoadedPlugin&&) noexcept = default;
LoadedPlugin& LoadedPlugin::operator=(LoadedPlugin&&) noexcept = default;

const cf_experiment_api& LoadedPlugin::experiment() const {
  return checked_entry<cf_experiment_api>(library_->handle, path_, CF_EXPERIMENT_ENTRY,
                                          offsetof(cf_experiment_api, normalize_params) + sizeof(void*));
}

const cf_params_api& LoadedPlugin::params() const {
  return checked_entry<cf_params_api>(library_->handle, path_, CF_PARAMS_ENTRY,
                                      offsetof(cf_params_api, get_params) + sizeof(void*));
}

const cf_cacher_api& LoadedPlugin::cacher() const {
  return checked_entry<cf_cacher_api>(library_->handle, path_, CF_CACHER_ENTRY,
                                      offsetof(cf_cacher_api, load) + sizeof(void*));
}

}  // namespace cf::host

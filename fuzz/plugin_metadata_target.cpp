// The metadata section's JSON records, as parse_plugin_metadata reads them from any plugin
// file in a project folder (`experiment ls` runs it on every .so it finds).
#include "fuzz_targets.hpp"

#include "plugin/plugin_metadata.hpp"
#include "util/error.hpp"

#include <string_view>

namespace cf::fuzz {

void plugin_metadata(Input input) {
  const std::string_view section(reinterpret_cast<const char*>(input.data()), input.size());
  try {
    const host::PluginMetadata metadata = host::parse_plugin_metadata(section);
    if (!metadata.cacher_name.empty() && !metadata.is_cacher)
      throw Finding("a cacher name on a plugin that is no cacher");
  } catch (const host::UserError& e) {
    expect_one_line("parse_plugin_metadata", e.what());
  }
}

}  // namespace cf::fuzz

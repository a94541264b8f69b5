// Leaves a marker file (at $CF_TEST_MARKER) as soon as the library is loaded, from a static
// initializer: the proof that `experiment ls` never loads a plugin.
#include <curifactory/curifactory.hpp>

#include <cstdlib>
#include <fstream>

CF_DESCRIPTION("Leaves a marker when loaded");

namespace {
const bool marker_written = [] {
  if (const char* path = std::getenv("CF_TEST_MARKER")) std::ofstream(path) << "loaded\n";
  return true;
}();
}  // namespace

struct MarkerParams {
  int unused = 0;
};
CF_PARAMS(MarkerParams, unused);

void run(cf::ParamSets<MarkerParams>, cf::Manager& manager) {
  manager.info(marker_written ? "marker run" : "?");
}
cf::ParamSets<MarkerParams> get_params() {
  return {{"only", {}}};
}

CF_EXPERIMENT(MarkerParams, run);
CF_GET_PARAMS(get_params);

// run() throws, and the hand-written get_params() returns an object instead of a list: both
// must come back as clear errors, never as a crash.
#include <curifactory/curifactory.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

// The fields of listed_experiment's sets, so that `thrower -p alpha` reaches run().
struct ThrowingParams {
  int a = 0;
  double b = 0.0;
  std::string label;
};
CF_PARAMS(ThrowingParams, a, b, label);

void run(cf::ParamSets<ThrowingParams>, cf::Manager&) {
  throw std::runtime_error("boom in run");
}
CF_EXPERIMENT(ThrowingParams, run);

static cf_status not_a_list(cf_sink out, cf_sink) {
  constexpr std::string_view json = "{\"value\": 1}";
  out.write(out.ctx, json.data(), json.size());
  return CF_OK;
}
extern "C" __attribute__((visibility("default"))) const cf_params_api* curifactory_params(void) {
  static const cf_params_api api{sizeof(cf_params_api), CF_ABI_VERSION, &not_a_list};
  return &api;
}
CF_DETAIL_METADATA("kind", "params");

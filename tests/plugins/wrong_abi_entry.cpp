// Metadata of the current ABI, but an entry point that reports another version: the host must
// refuse to call into it.
#include <curifactory/curifactory.hpp>

static cf_status never_run(const cf_host_api*, cf_str, cf_sink) {
  return CF_ERROR;
}
static cf_status never_normalize(cf_str, cf_sink, cf_sink) {
  return CF_ERROR;
}

extern "C" __attribute__((visibility("default"))) const cf_experiment_api* curifactory_experiment(void) {
  static const cf_experiment_api api{sizeof(cf_experiment_api), CF_ABI_VERSION + 1, &never_run,
                                     &never_normalize, nullptr};
  return &api;
}
CF_DETAIL_METADATA("kind", "experiment");

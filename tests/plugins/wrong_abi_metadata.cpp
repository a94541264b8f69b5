// A plugin whose metadata says it was built for a future ABI version.
#include <curifactory/abi.h>

[[gnu::used, gnu::retain, gnu::section(CF_METADATA_SECTION)]] static const char future_metadata[] =
    "{\"curifactory_abi\":999,\"sdk\":\"9.0.0\",\"kind\":\"experiment\"}";

extern "C" __attribute__((visibility("default"))) const cf_experiment_api* curifactory_experiment(void) {
  return nullptr;
}

// Metadata that announces cacher "alpha" while the entry point calls itself "beta": the host
// must notice instead of caching under the wrong name.
#include <curifactory/cacher.hpp>

static cf_status never_save(cf_str, cf_str, cf_str, cf_sink) {
  return CF_ERROR;
}
static cf_status never_load(cf_str, cf_str, cf_sink, cf_sink) {
  return CF_ERROR;
}

CF_DETAIL_EXPORT const cf_cacher_api* curifactory_cacher(void) {
  static const cf_cacher_api api{sizeof(cf_cacher_api), CF_ABI_VERSION, "beta", ".bin",
                                 &never_save,           &never_load,    nullptr};
  return &api;
}
CF_DETAIL_METADATA("kind", "cacher", "name", "alpha");

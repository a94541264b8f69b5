// Metadata claims an experiment, but no entry point is exported.
#include <curifactory/curifactory.hpp>

CF_DESCRIPTION("Claims to be an experiment");
CF_DETAIL_METADATA("kind", "experiment");

int missing_entry_helper(int x) {
  return x + 1;
}

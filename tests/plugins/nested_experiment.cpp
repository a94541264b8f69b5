// An experiment without a description and without parameter sets of its own.
#include <curifactory/curifactory.hpp>

struct NestedParams {
  int depth = 0;
};
CF_PARAMS(NestedParams, depth);

void run(cf::ParamSets<NestedParams> sets, cf::Manager& manager) {
  manager.info("nested run over " + std::to_string(sets.size()) + " sets");
}

CF_EXPERIMENT(NestedParams, run);

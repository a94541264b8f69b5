// An experiment file that also provides parameter sets: `ls` lists it under both headings.
#include "listed_params.hpp"

#include <string>

CF_DESCRIPTION("Lists under both headings");

void run(cf::ParamSets<ListedParams> sets, cf::Manager& manager) {
  for (const auto& set : sets) {
    manager.info("set " + set.name + " a=" + std::to_string(set.params.a) + " label=" + set.params.label);
  }
}

cf::ParamSets<ListedParams> get_params() {
  return {{"first", {.a = 5}}, {"second", {}}};
}

CF_EXPERIMENT(ListedParams, run);
CF_GET_PARAMS(get_params);

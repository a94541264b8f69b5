// A parameters-only plugin for the ListedParams struct of listed_experiment.cpp.
#include "listed_params.hpp"

#include <string>

CF_DESCRIPTION("Two parameter sets");

cf::ParamSets<ListedParams> get_params() {
  return {{"p_one", {.a = 10, .label = "one"}}, {"p_two", {.b = 0.5}}};
}

CF_GET_PARAMS(get_params);

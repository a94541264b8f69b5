// A parameters-only plugin for the ListedParams struct of listed_experiment.cpp.
#include <curifactory/curifactory.hpp>

#include <string>

CF_DESCRIPTION("Two parameter sets");

struct ListedParams {
  int a = 1;
  double b = 2.5;
  std::string label = "x";
};
CF_PARAMS(ListedParams, a, b, label);

cf::ParamSets<ListedParams> get_params() {
  return {{"p_one", {.a = 10, .label = "one"}}, {"p_two", {.b = 0.5}}};
}

CF_GET_PARAMS(get_params);

// Both models across four noise levels: how gracefully does each degrade?
#include "../experiments/regression_params.hpp"

#include <string>

CF_DESCRIPTION("Ridge and k-NN across four noise levels");

cf::ParamSets<RegressionParams> get_params() {
  cf::ParamSets<RegressionParams> sets;
  // Models inner, so the two sets that share a noise level (and so their data) sit together.
  for (double noise : {0.05, 0.1, 0.2, 0.4}) {
    for (const char* model : {"ridge", "knn"}) {
      RegressionParams p;
      p.model = model;
      p.noise = noise;
      sets.push_back({std::string(model) + "_noise_" + std::to_string(noise).substr(0, 4), p});
    }
  }
  return sets;
}

CF_GET_PARAMS(get_params);

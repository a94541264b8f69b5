// The params struct shared by listed_experiment.cpp and listed_params.cpp, as a real project
// shares one header between an experiment and its params files.
#pragma once

#include <curifactory/curifactory.hpp>

#include <string>

struct ListedParams {
  int a = 1;
  double b = 2.5;
  std::string label = "x";
};
CF_PARAMS(ListedParams, a, b, label);

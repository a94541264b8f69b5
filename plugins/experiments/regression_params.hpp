// Parameters of the regression example, shared by the experiment and its params files.
#pragma once

#include <curifactory/curifactory.hpp>

#include <cstdint>
#include <string>

struct RegressionParams {
  int samples = 500;            // points drawn from the noisy signal
  double noise = 0.2;           // standard deviation of the added Gaussian noise
  std::string model = "ridge";  // "ridge" (polynomial ridge regression) or "knn"
  double alpha = 1e-3;          // ridge penalty
  int degree = 5;               // ridge polynomial degree
  int k = 5;                    // neighbours for knn
  std::uint64_t seed = 42;      // data generation seed
};
CF_PARAMS(RegressionParams, samples, noise, model, alpha, degree, k, seed);

// Ridge regression against k-nearest-neighbours on a noisy sine: a small, real experiment
// that shows how scores move with noise, sample count and model settings.
#include "regression_params.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

CF_DESCRIPTION("Ridge vs k-NN regression on a noisy synthetic signal");

namespace {

struct Dataset {
  std::vector<double> x;
  std::vector<double> y;
};

Dataset synthetic(const RegressionParams& p) {
  std::mt19937_64 rng(p.seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::normal_distribution<double> gaussian(0.0, p.noise);
  Dataset data;
  for (int i = 0; i < p.samples; ++i) {
    const double x = uniform(rng);
    data.x.push_back(x);
    data.y.push_back(std::sin(2.0 * std::numbers::pi * x) + gaussian(rng));
  }
  return data;
}

// Polynomial ridge regression solved through its normal equations.
std::vector<double> fit_ridge(const Dataset& d, int degree, double alpha) {
  const auto n = static_cast<std::size_t>(degree + 1);
  std::vector<std::vector<double>> a(n, std::vector<double>(n + 1, 0.0));
  for (std::size_t s = 0; s < d.x.size(); ++s) {
    std::vector<double> powers(n, 1.0);
    for (std::size_t j = 1; j < n; ++j) powers[j] = powers[j - 1] * d.x[s];
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) a[i][j] += powers[i] * powers[j];
      a[i][n] += powers[i] * d.y[s];
    }
  }
  for (std::size_t i = 1; i < n; ++i) a[i][i] += alpha;  // the intercept is not penalised
  for (std::size_t col = 0; col < n; ++col) {
    std::size_t pivot = col;
    for (std::size_t r = col + 1; r < n; ++r) {
      if (std::abs(a[r][col]) > std::abs(a[pivot][col])) pivot = r;
    }
    std::swap(a[col], a[pivot]);
    if (std::abs(a[col][col]) < 1e-12) throw std::runtime_error("ridge system is singular");
    for (std::size_t r = 0; r < n; ++r) {
      if (r == col) continue;
      const double factor = a[r][col] / a[col][col];
      for (std::size_t c = col; c <= n; ++c) a[r][c] -= factor * a[col][c];
    }
  }
  std::vector<double> coefficients(n);
  for (std::size_t i = 0; i < n; ++i) coefficients[i] = a[i][n] / a[i][i];
  return coefficients;
}

double predict_ridge(const std::vector<double>& coefficients, double x) {
  double y = 0.0;
  for (auto it = coefficients.rbegin(); it != coefficients.rend(); ++it) y = y * x + *it;
  return y;
}

double predict_knn(const Dataset& train, int k, double x) {
  std::vector<std::pair<double, double>> by_distance;
  for (std::size_t i = 0; i < train.x.size(); ++i)
    by_distance.emplace_back(std::abs(train.x[i] - x), train.y[i]);
  const auto count = std::min<std::size_t>(static_cast<std::size_t>(k), by_distance.size());
  std::partial_sort(by_distance.begin(), by_distance.begin() + static_cast<std::ptrdiff_t>(count),
                    by_distance.end());
  double sum = 0.0;
  for (std::size_t i = 0; i < count; ++i) sum += by_distance[i].second;
  return sum / static_cast<double>(count);
}

// Coefficient of determination on the held-out quarter of the data.
double score(const RegressionParams& p) {
  const Dataset all = synthetic(p);
  const std::size_t split = all.x.size() * 3 / 4;
  Dataset train{{all.x.begin(), all.x.begin() + static_cast<std::ptrdiff_t>(split)},
                {all.y.begin(), all.y.begin() + static_cast<std::ptrdiff_t>(split)}};
  if (train.x.empty() || split == all.x.size()) throw std::invalid_argument("samples must be at least 2");
  std::vector<double> coefficients;
  if (p.model == "ridge") {
    coefficients = fit_ridge(train, p.degree, p.alpha);
  } else if (p.model != "knn") {
    throw std::invalid_argument("unknown model '" + p.model + "' (use ridge or knn)");
  }
  double mean = 0.0;
  for (std::size_t i = split; i < all.y.size(); ++i) mean += all.y[i];
  mean /= static_cast<double>(all.y.size() - split);
  double residual = 0.0;
  double total = 0.0;
  for (std::size_t i = split; i < all.x.size(); ++i) {
    const double guess =
        p.model == "ridge" ? predict_ridge(coefficients, all.x[i]) : predict_knn(train, p.k, all.x[i]);
    residual += (all.y[i] - guess) * (all.y[i] - guess);
    total += (all.y[i] - mean) * (all.y[i] - mean);
  }
  return 1.0 - residual / total;
}

}  // namespace

void run(cf::ParamSets<RegressionParams> sets, cf::Manager& manager) {
  for (const auto& set : sets) {
    std::ostringstream line;
    line << set.name << ": " << set.params.model << " on " << set.params.samples << " samples, noise "
         << set.params.noise << " -> R^2 = " << score(set.params);
    manager.info(line.str());
  }
}

cf::ParamSets<RegressionParams> get_params() {
  return {
      {"ridge_default", {}},
      {"knn_default", {.model = "knn"}},
  };
}

CF_EXPERIMENT(RegressionParams, run);
CF_GET_PARAMS(get_params);

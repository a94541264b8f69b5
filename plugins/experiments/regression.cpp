// Ridge regression against k-nearest-neighbours on a noisy sine: a small, real experiment that
// shows how scores move with noise, sample count and model settings.
//
//   per data recipe (samples, noise, seed):  make_data -> split
//   per parameter set, on a copy of its data record:             -> fit -> evaluate
//   once, over every parameter set:                                                 -> compare
//
// Read it top to bottom: the artifact types, the maths, the stages, then run(). Every stage
// output is cached, so a second run loads what it can instead of recomputing it;
// `experiment regression -p noise_sweep --map` shows what a run would do.
#include "regression_params.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

CF_DESCRIPTION("Ridge vs k-NN regression on a noisy synthetic signal");

namespace {

// ---- Artifacts: what stages pass on and the cache stores. CF_FIELDS is all the serialisation
// a struct needs; vectors of numbers are written as one block.

struct Dataset {
  std::vector<double> x;
  std::vector<double> y;
};
CF_FIELDS(Dataset, x, y);

// What `fit` learns. k-NN has nothing to learn: its "model" is the training points themselves.
struct Model {
  std::string kind;                  // "ridge" or "knn"
  std::vector<double> coefficients;  // ridge: polynomial coefficients, lowest power first
  Dataset neighbours;                // knn: the training points
  int k = 0;                         // knn: neighbours averaged per prediction
};
CF_FIELDS(Model, kind, coefficients, neighbours, k);

struct Scores {
  double r2 = 0.0;    // share of the test variance explained (1 is perfect)
  double rmse = 0.0;  // typical error, in the units of y
};
CF_FIELDS(Scores, r2, rmse);

struct Ranked {
  std::string set;
  std::string model;
  int samples = 0;
  double noise = 0.0;
  double r2 = 0.0;
  double rmse = 0.0;
};
CF_FIELDS(Ranked, set, model, samples, noise, r2, rmse);

// ---- The maths, free of any curifactory type.

Dataset noisy_sine(const RegressionParams& p) {
  if (p.samples < 8) throw std::invalid_argument("samples must be at least 8 to hold out a test quarter");
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

double predict(const Model& model, double x) {
  return model.kind == "ridge" ? predict_ridge(model.coefficients, x)
                               : predict_knn(model.neighbours, model.k, x);
}

// ---- Stages. A stage function takes its record first when it needs the parameters, then its
// inputs, typed; it returns its outputs (a std::tuple for several). The declaration under each
// names the inputs and outputs (entries of the record's state) and one cacher per output.

Dataset generate(const cf::Record<RegressionParams>& r) {
  return noisy_sine(r.params());
}
auto make_data = cf::stage("make_data").outputs("data").cachers("raw").fn(generate);

// The draws are independent, so the last quarter is as random a test set as any.
std::tuple<Dataset, Dataset> hold_out(const Dataset& data) {
  const auto cut = static_cast<std::ptrdiff_t>(data.x.size() - data.x.size() / 4);
  Dataset train{{data.x.begin(), data.x.begin() + cut}, {data.y.begin(), data.y.begin() + cut}};
  Dataset test{{data.x.begin() + cut, data.x.end()}, {data.y.begin() + cut, data.y.end()}};
  return {train, test};
}
auto split = cf::stage("split").inputs("data").outputs("train", "test").cachers("raw", "raw").fn(hold_out);

Model train(const cf::Record<RegressionParams>& r, const Dataset& data) {
  const RegressionParams& p = r.params();
  if (p.model == "ridge") return {"ridge", fit_ridge(data, p.degree, p.alpha), {}, 0};
  if (p.model == "knn") return {"knn", {}, data, p.k};
  throw std::invalid_argument("unknown model '" + p.model + "' (use ridge or knn)");
}
// Models get a folder of their own in the cache: data/cache/models/.
auto fit =
    cf::stage("fit").inputs("train").outputs("model").cachers(cf::cacher("raw").subdir("models")).fn(train);

Scores score(const Model& model, const Dataset& test) {
  double mean = 0.0;
  for (double y : test.y) mean += y;
  mean /= static_cast<double>(test.y.size());
  double residual = 0.0;
  double total = 0.0;
  for (std::size_t i = 0; i < test.x.size(); ++i) {
    const double error = test.y[i] - predict(model, test.x[i]);
    residual += error * error;
    total += (test.y[i] - mean) * (test.y[i] - mean);
  }
  return {1.0 - residual / total, std::sqrt(residual / static_cast<double>(test.y.size()))};
}
auto evaluate = cf::stage("evaluate").inputs("model", "test").outputs("scores").cachers("raw").fn(score);

// An aggregate stage runs on a record of its own and gets, per input, the value of each record
// it aggregates, with that record (for its name and parameters).
std::vector<Ranked> rank(const cf::RecordBase& r, const cf::PerRecord<Scores>& scores) {
  std::vector<Ranked> ranking;
  for (const auto& [record, s] : scores) {
    const auto& p = record.params_as<RegressionParams>();
    ranking.push_back({record.name(), p.model, p.samples, p.noise, s.r2, s.rmse});
  }
  std::sort(ranking.begin(), ranking.end(), [](const Ranked& a, const Ranked& b) { return a.r2 > b.r2; });

  r.manager().info("ranking by test R^2:");
  r.manager().info("   #  set                model  samples  noise     R^2    RMSE");
  for (std::size_t i = 0; i < ranking.size(); ++i) {
    const Ranked& e = ranking[i];
    char line[160];
    std::snprintf(line, sizeof line, "  %2zu  %-18s %-6s %7d  %5.2f  %6.3f  %6.3f", i + 1, e.set.c_str(),
                  e.model.c_str(), e.samples, e.noise, e.r2, e.rmse);
    r.manager().info(line);
  }

  // The same ranking in the run's HTML report, and R^2 against noise per model as a plot.
  std::vector<std::vector<cf::reportable::table_cell>> rows;
  for (const Ranked& e : ranking) rows.push_back({e.set, e.model, e.samples, e.noise, e.r2, e.rmse});
  r.report(cf::reportable::table("ranking", {"set", "model", "samples", "noise", "R^2", "RMSE"}, rows, 3));
  std::map<std::string, cf::reportable::series> by_model;
  std::vector<Ranked> by_noise = ranking;
  std::sort(by_noise.begin(), by_noise.end(),
            [](const Ranked& a, const Ranked& b) { return a.noise < b.noise; });
  for (const Ranked& e : by_noise) {
    auto& line = by_model[e.model];
    line.name = e.model;
    line.x.push_back(e.noise);
    line.y.push_back(e.r2);
  }
  std::vector<cf::reportable::series> lines;
  for (auto& [model, line] : by_model) lines.push_back(std::move(line));
  r.report(cf::reportable::line_plot("r2_by_noise", std::move(lines))
               .axes("noise", "test R^2")
               .title("Test R^2 by noise"));
  return ranking;
}
auto compare = cf::aggregate("compare").inputs("scores").outputs("ranking").cachers("raw").fn(rank);

// The part of a set that shapes the data: every set that differs only in its model gets the same
// data record, hence the same hash and cache files. Its model is empty because it trains none.
cf::ParamSet<RegressionParams> data_set(const RegressionParams& p) {
  RegressionParams data;
  data.model = "";
  data.samples = p.samples;
  data.noise = p.noise;
  data.seed = p.seed;
  std::ostringstream name;
  name << "data_" << p.samples << "_noise_" << p.noise << "_seed_" << p.seed;
  return {name.str(), data};
}

}  // namespace

// run() wires stages to records; the host decides what each stage call does. It is called
// twice, first to map the stages (nothing executes), then for real, so it must make the same
// records and stage calls both times and should read no artifact itself.
void run(cf::ParamSets<RegressionParams> sets, cf::Manager& m) {
  std::map<std::string, cf::Record<RegressionParams>*> data_records;  // by data set name
  std::vector<cf::RecordBase*> models;
  for (const auto& set : sets) {
    const cf::ParamSet<RegressionParams> recipe = data_set(set.params);  // samples, noise, seed
    cf::Record<RegressionParams>*& data = data_records[recipe.name];
    if (data == nullptr) {  // the first set with this data: make and split it once
      data = &make_data(m.record(recipe));
      split(*data);
    }
    // A copy starts with the data record's state (train, test) under the model set's parameters.
    models.push_back(&evaluate(fit(data->make_copy(set))));
  }
  // Only the model records have scores, so compare reads those rather than every record.
  compare(m.record(), models);
}

cf::ParamSets<RegressionParams> get_params() {
  return {
      {"ridge_default", {}},
      {"knn_default", {.model = "knn"}},
  };
}

CF_EXPERIMENT(RegressionParams, run);
CF_GET_PARAMS(get_params);

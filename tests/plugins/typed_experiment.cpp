// Parameters with nested structs, lists, maps, optionals and a required field; run() prints
// what it received so tests can see the typed values and hashes.
#include <curifactory/curifactory.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

CF_DESCRIPTION("Typed parameters of every supported shape");

struct Layer {
  int units = 8;
  std::string activation = "relu";
};
CF_PARAMS(Layer, units, activation);

struct TypedParams {
  int required_value = 0;
  double lr = 0.1;
  std::vector<Layer> layers;
  std::map<std::string, double> weights;
  Layer head;
  std::optional<int> seed;
};
CF_PARAMS(TypedParams, required_value, lr, layers, weights, head, seed);
CF_REQUIRED(TypedParams, required_value);

void run(cf::ParamSets<TypedParams> sets, cf::Manager& manager) {
  for (const auto& set : sets) {
    std::string line = set.name + " " + set.hash + " required=" + std::to_string(set.params.required_value) +
                       " lr=" + cf::python_repr(set.params.lr) +
                       " layers=" + std::to_string(set.params.layers.size()) +
                       " head=" + std::to_string(set.params.head.units) + set.params.head.activation;
    if (set.params.seed) line += " seed=" + std::to_string(*set.params.seed);
    manager.info(line);
  }
}

CF_EXPERIMENT(TypedParams, run);

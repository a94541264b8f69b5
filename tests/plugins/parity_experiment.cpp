// Parameters where the original's hashing rules show: dict key order (std::map and
// cf::ordered_map), integers written for floating fields, params structs inside containers
// (a namespaced one among them), and explicit hashes from YAML and from get_params(). Every field
// but `alpha` is optional, so a set hashes only what its file writes, plus alpha.
//
// run() makes a record per set and a stage that caches alpha under the record's hash. With
// `mode: copies` it also makes records from copies of the set, and logs "record <name> <hash>"
// for each, to show which hash each runs under; `mode: bad_hash` gives a copy an unusable
// explicit hash.
#include <curifactory/curifactory.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

CF_DESCRIPTION("Parameter hashes as the original computes them");

struct Layer {
  int units = 8;
  std::string activation = "relu";
};
CF_PARAMS(Layer, units, activation);

namespace nets {
struct Block {
  Layer layer;
  std::vector<Layer> extra;
  double scale = 1.0;
  bool verbose = false;
};
// Qualified on purpose: the repr shows the name without its namespace, as Python's does.
CF_PARAMS(nets::Block, layer, extra, scale, verbose);
CF_HASH(Block, cf::hash_ignore("verbose"));
}  // namespace nets

struct Parity {
  std::string mode = "plain";
  double alpha = 0.5;
  std::optional<std::map<std::string, int>> d;
  std::optional<cf::ordered_map<double>> od;
  std::optional<std::vector<double>> alphas;
  std::optional<std::vector<Layer>> layers;
  std::optional<std::map<std::string, nets::Block>> blocks;
  std::optional<std::vector<std::optional<Layer>>> maybe;
  std::optional<nets::Block> block;
};
CF_PARAMS(Parity, mode, alpha, d, od, alphas, layers, blocks, maybe, block);
CF_HASH(Parity, cf::hash_ignore("mode"));

namespace {

auto keep = cf::stage("keep").outputs("value").cachers("raw").fn(
    [](cf::Record<Parity>& r) { return r.params().alpha; });

void log_record(cf::Manager& m, const cf::RecordBase& record) {
  m.info("record " + record.name() + " " + record.params_hash());
}

// A copy of `set` named `<set>_<suffix>`.
cf::ParamSet<Parity> variant(const cf::ParamSet<Parity>& set, const std::string& suffix) {
  cf::ParamSet<Parity> copy = set;
  copy.name = set.name + "_" + suffix;
  return copy;
}

}  // namespace

void run(cf::ParamSets<Parity> sets, cf::Manager& m) {
  for (const auto& set : sets) {
    auto& record = m.record(set);
    keep(record);
    log_record(m, record);
    if (set.params.mode == "copies") {
      // The same values under another name: the set's own hash.
      log_record(m, m.record(variant(set, "same")));
      // Only an ignored field changed: still the set's own hash.
      auto quiet = variant(set, "quiet");
      quiet.params.mode = "quiet";
      log_record(m, record.make_copy(quiet));
      // A changed value: a hash of its own, from the values.
      auto changed = variant(set, "changed");
      changed.params.alpha += 100;
      auto& copy = record.make_copy(changed);
      log_record(m, copy);
      log_record(m, copy.make_copy());
      // An explicit hash given in run(): used as given.
      auto mine = variant(set, "mine");
      mine.hash = "chosen-in-run";
      mine.params.alpha += 1;
      log_record(m, m.record(mine));
    } else if (set.params.mode == "bad_hash") {
      auto bad = variant(set, "bad");
      bad.hash = "../escape";
      m.record(bad);
    }
  }
}

cf::ParamSets<Parity> get_params() {
  Parity values;
  values.alpha = 2.0;
  cf::ParamSet<Parity> chosen{"chosen", values};
  chosen.hash = "chosen-in-cpp";
  return {chosen, {"computed", values}};
}

CF_EXPERIMENT(Parity, run);
CF_GET_PARAMS(get_params);

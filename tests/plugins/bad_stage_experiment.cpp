// Two ways to declare a stage wrongly, one per build of this file: with CF_UNKNOWN_CACHER a
// stage's output names a cacher nobody installed, otherwise a stage function takes two inputs
// but declares one. Either way the run must stop before any stage executes.
#include <curifactory/curifactory.hpp>

#include <cstdlib>
#include <fstream>

namespace {

struct Params {
  int value = 1;
};
CF_PARAMS(Params, value);

auto prepare = cf::stage("prepare").outputs("x").cachers("raw").fn([](cf::Record<Params>& r) {
  if (const char* file = std::getenv("CF_TRACE"))
    std::ofstream(file, std::ios::app) << "prepare:" << r.name() << "\n";
  return r.params().value;
});
#ifdef CF_UNKNOWN_CACHER
auto fit = cf::stage("fit").inputs("x").outputs("model").cachers("nope").fn(
    [](cf::Record<Params>&, int x) { return x * 2; });
#else
auto fit =
    cf::stage("fit").inputs("x").outputs("model").fn([](cf::Record<Params>&, int x, int y) { return x * y; });
#endif

void run(cf::ParamSets<Params> sets, cf::Manager& m) {
  for (auto& set : sets) fit(prepare(m.record(set)));
}

cf::ParamSets<Params> get_params() {
  return {{"only", Params{}}};
}

}  // namespace

CF_EXPERIMENT(Params, run);
CF_GET_PARAMS(get_params);

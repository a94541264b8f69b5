// Cacher options written as docs/errors.md shows them: the json cacher told `"arrays": "lists"`
// with a string literal, and the same through a std::string_view, so typed arrays are written as
// JSON lists instead of being refused.
#include <curifactory/curifactory.hpp>

#include <cstdint>
#include <string_view>
#include <tuple>
#include <vector>

CF_DESCRIPTION("Typed arrays through the json cacher as lists");

namespace {

struct Params {
  double step = 0.5;
};
CF_PARAMS(Params, step);

constexpr std::string_view kLists = "lists";

auto values = cf::stage("values")
                  .outputs("series", "grid")
                  .cachers(cf::cacher("json").option("arrays", "lists").option("indent", 0),
                           cf::cacher("json").option("arrays", kLists).option("indent", 0))
                  .fn([](const cf::Record<Params>& r) {
                    const double step = r.params().step;
                    std::vector<double> series{0.0, step, 3 * step};
                    cf::Array<std::int32_t> grid({2, 3}, {1, 2, 3, 4, 5, 6});
                    return std::tuple{series, grid};
                  });

void run(cf::ParamSets<Params> sets, cf::Manager& m) {
  for (const auto& set : sets) values(m.record(set));
}

cf::ParamSets<Params> get_params() {
  return {{"half", {}}};
}

}  // namespace

CF_EXPERIMENT(Params, run);
CF_GET_PARAMS(get_params);

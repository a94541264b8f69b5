// One output through each shipped cacher (npy, raw, zstd, json, pickle) and an aggregate, with
// values that follow from the parameters, so the notebook test can check what a generated
// notebook loads against what the run computed.
#include <curifactory/curifactory.hpp>

#include <cstdint>
#include <map>
#include <numeric>
#include <string>
#include <tuple>
#include <vector>

CF_DESCRIPTION("An output per shipped cacher, for the notebook export test");

namespace {

struct Params {
  std::int64_t n = 4;
  double scale = 1.5;
  std::string label = "a";
};
CF_PARAMS(Params, n, scale, label);

// A struct of mixed fields: a MessagePack map with typed arrays (float32 2-D, bool, int64) inside.
struct Stats {
  std::string label;
  std::int64_t count = 0;
  double total = 0;
  std::vector<bool> even;
  cf::Array<float> grid;
  std::map<std::string, std::int32_t> tally;
  std::vector<std::int64_t> ids;
};
CF_FIELDS(Stats, label, count, total, even, grid, tally, ids);

// values[i] = i * scale
auto values = cf::stage("values").outputs("values").cachers("npy").fn([](cf::Record<Params>& r) {
  std::vector<double> v(static_cast<std::size_t>(r.params().n));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i) * r.params().scale;
  return v;
});

Stats summarize(const cf::Record<Params>& r, const std::vector<double>& v) {
  Stats s;
  s.label = r.params().label;
  s.count = static_cast<std::int64_t>(v.size());
  s.total = std::accumulate(v.begin(), v.end(), 0.0);
  for (std::size_t i = 0; i < v.size(); ++i) s.even.push_back(i % 2 == 0);
  // 2 x 3, element (i, j) = i + j / 4 (exact in float32)
  s.grid = cf::Array<float>({2, 3}, {0.0f, 0.25f, 0.5f, 1.0f, 1.25f, 1.5f});
  s.tally = {{"even", static_cast<std::int32_t>((v.size() + 1) / 2)},
             {"odd", static_cast<std::int32_t>(v.size() / 2)}};
  s.ids = {static_cast<std::int64_t>(v.size()), -1, 1LL << 40};
  return s;
}

auto stats = cf::stage("stats")
                 .inputs("values")
                 .outputs("stats", "packed")
                 .cachers("raw", "zstd")
                 .fn([](cf::Record<Params>& r, const std::vector<double>& v) {
                   const Stats s = summarize(r, v);
                   return std::tuple{s, s};
                 });

auto table = cf::stage("table")
                 .inputs("values")
                 .outputs("table", "pickled")
                 .cachers("json", "pickle")
                 .fn([](cf::Record<Params>& r, const std::vector<double>& v) {
                   std::map<std::string, double> t{{"sum", std::accumulate(v.begin(), v.end(), 0.0)},
                                                   {"last", v.empty() ? 0.0 : v.back()}};
                   std::map<std::string, std::vector<double>> p{{r.params().label, v}};
                   return std::tuple{t, p};
                 });

auto combine = cf::aggregate("combine").inputs("table").outputs("sums").cachers("json").fn(
    [](cf::Record<Params>&, const cf::PerRecord<std::map<std::string, double>>& tables) {
      std::map<std::string, double> sums;
      for (const auto& [record, t] : tables) sums[record.name()] = t.at("sum");
      return sums;
    });

void run(cf::ParamSets<Params> sets, cf::Manager& m) {
  for (auto& set : sets) {
    auto& r = values(m.record(set));
    stats(r);
    table(r);
  }
  combine(m.record());
}

}  // namespace

CF_EXPERIMENT(Params, run);

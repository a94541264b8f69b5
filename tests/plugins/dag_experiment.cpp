// Graph shapes for the run-engine tests, picked by the parameter `shape`: chain, fork, copy,
// aggregate, long (five-stage chain plus aggregate), nested (aggregates over halves of the
// records, then an aggregate over those), bare (a stage on a record without parameters and an
// aggregate over no records), lazy, lazy_read, throw, segfault, abort, exit, hang, noisy,
// report, cpu, unstable, missing. Every stage function appends "<stage>:<set name>" to the file
// $CF_TRACE (when set), so a test sees exactly which stage functions ran. $CF_SCALE (default 2)
// and $CF_AGGREGATE_VERSION (default 1) change what `scale` and `compare` compute, as an edit of
// their code would.
#include <curifactory/curifactory.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

CF_DESCRIPTION("Stage graph shapes for the run-engine tests");

namespace {

struct Params {
  std::string shape = "chain";
  int seed = 1;
  std::int64_t size = 8;
  std::string label;
};
CF_PARAMS(Params, shape, seed, size, label);

struct Summary {
  double total = 0;
  std::int64_t count = 0;
  std::vector<std::string> labels;
};
CF_FIELDS(Summary, total, count, labels);

void trace(const std::string& stage, const cf::RecordBase& record) {
  if (const char* file = std::getenv("CF_TRACE"))
    std::ofstream(file, std::ios::app) << stage << ":" << record.name() << "\n";
}

double from_environment(const char* name, double fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::strtod(value, nullptr) : fallback;
}

// Peak resident memory of this process so far, in KiB (VmHWM).
long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmHWM:") {
      long value = 0;
      status >> value;
      return value;
    }
    status.ignore(1 << 12, '\n');
  }
  return -1;
}

auto load = cf::stage("load").outputs("data").cachers("raw").fn([](cf::Record<Params>& r) {
  trace("load", r);
  std::vector<double> data(static_cast<std::size_t>(r.params().size));
  std::iota(data.begin(), data.end(), static_cast<double>(r.params().seed));
  return data;
});

auto scale = cf::stage("scale")
                 .inputs("data")
                 .outputs("scaled")
                 .cachers(cf::cacher("raw").subdir("scaled"))
                 .fn([](cf::Record<Params>& r, const std::vector<double>& data) {
                   trace("scale", r);
                   std::vector<double> scaled = data;
                   const double factor = from_environment("CF_SCALE", 2);
                   for (double& x : scaled) x *= factor;
                   return scaled;
                 });

auto total = cf::stage("total")
                 .inputs("scaled")
                 .outputs("sum", "summary")
                 .cachers("raw", "raw")
                 .fn([](cf::Record<Params>& r, const std::vector<double>& scaled) {
                   trace("total", r);
                   const double sum = std::accumulate(scaled.begin(), scaled.end(), 0.0);
                   return std::tuple{sum, Summary{sum, static_cast<std::int64_t>(scaled.size()), {r.name()}}};
                 });

auto mean = cf::stage("mean").inputs("data").outputs("mean").cachers("raw").fn(
    [](cf::Record<Params>& r, const std::vector<double>& data) {
      trace("mean", r);
      return data.empty() ? 0.0
                          : std::accumulate(data.begin(), data.end(), 0.0) / static_cast<double>(data.size());
    });

auto compare = cf::aggregate("compare").inputs("sum").outputs("ranking").cachers("raw").fn(
    [](cf::Record<Params>& r, const cf::PerRecord<double>& sums) {
      trace("compare", r);
      const double version = from_environment("CF_AGGREGATE_VERSION", 1);
      std::map<std::string, double> ranking;
      for (const auto& [record, sum] : sums) ranking[record.name()] = sum * version;
      return ranking;
    });

// An aggregate over aggregates: every ranking merged into one.
auto combine = cf::aggregate("combine").inputs("ranking").outputs("overall").cachers("raw").fn(
    [](cf::Record<Params>& r, const cf::PerRecord<std::map<std::string, double>>& rankings) {
      trace("combine", r);
      std::map<std::string, double> overall;
      for (const auto& [record, ranking] : rankings) overall.insert(ranking.begin(), ranking.end());
      return overall;
    });

// On a record without parameters: its hash ("None") says nothing about what it computes.
auto stamp = cf::stage("stamp").outputs("stamped").cachers("raw").fn([](cf::Record<Params>& r) {
  trace("stamp", r);
  return std::string("stamped");
});

// Two more links for the long chain (load, scale, shift, clip, total).
auto shift = cf::stage("shift").inputs("scaled").outputs("scaled").cachers("raw").fn(
    [](cf::Record<Params>& r, const std::vector<double>& scaled) {
      trace("shift", r);
      std::vector<double> shifted = scaled;
      for (double& x : shifted) x += 1;
      return shifted;
    });
auto clip = cf::stage("clip").inputs("scaled").outputs("scaled").cachers("raw").fn(
    [](cf::Record<Params>& r, const std::vector<double>& scaled) {
      trace("clip", r);
      std::vector<double> clipped = scaled;
      for (double& x : clipped) x = std::min(x, 1000.0);
      return clipped;
    });

auto explode = cf::stage("explode").inputs("data").outputs("never").cachers("raw").fn(
    [](cf::Record<Params>& r, const std::vector<double>&) -> double {
      trace("explode", r);
      throw std::runtime_error("the detonator was pressed");
    });

// Lazy: a typed array of `size` doubles that stays on disk; `measure` never reads it and
// reports the process's peak memory, `peek` reads it.
auto big = cf::stage("big").outputs(cf::lazy("blob")).cachers("raw").fn([](cf::Record<Params>& r) {
  trace("big", r);
  std::vector<double> blob(static_cast<std::size_t>(r.params().size));
  for (std::size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<double>(i % 1000);
  return blob;
});
auto measure = cf::stage("measure").fn([](cf::Record<Params>& r) {
  trace("measure", r);
  r.manager().info("peak_rss_kib=" + std::to_string(peak_rss_kib()));
});
auto peek = cf::stage("peek").inputs("blob").outputs("first").fn(
    [](cf::Record<Params>& r, const std::vector<double>& blob) {
      trace("peek", r);
      const double last = blob.empty() ? -1.0 : blob.back();
      r.manager().info("last=" + std::to_string(static_cast<long>(last)));
      return last;
    });

// Crashes the whole process, the way a bug in native code does.
auto crash = cf::stage("crash").inputs("data").outputs("never").cachers("raw").fn(
    [](cf::Record<Params>& r, const std::vector<double>&) -> double {
      trace("crash", r);
      std::raise(SIGSEGV);
      return 0;
    });
// The other ways native code ends a process or never gives it back: abort() (a failed assert),
// exit(0) from deep inside a library, and a stage that never returns.
auto abandon = cf::stage("abandon").inputs("data").outputs("never").cachers("raw").fn(
    [](cf::Record<Params>& r, const std::vector<double>&) -> double {
      trace("abandon", r);
      std::abort();
    });
auto bail = cf::stage("bail").inputs("data").outputs("never").cachers("raw").fn(
    [](cf::Record<Params>& r, const std::vector<double>&) -> double {
      trace("bail", r);
      std::exit(0);
    });
auto hang = cf::stage("hang").inputs("data").outputs("never").cachers("raw").fn(
    [](cf::Record<Params>& r, const std::vector<double>&) -> double {
      trace("hang", r);
      for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
    });
// Talks on stderr, as libraries do; --log-errors puts it into the log file.
auto noisy = cf::stage("noisy").inputs("data").outputs("quiet").cachers("raw").fn(
    [](cf::Record<Params>& r, const std::vector<double>& data) {
      trace("noisy", r);
      std::cerr << "noisy stage output for " << r.name() << std::endl;
      r.manager().info("noisy stage logged for " + r.name());
      return data.size();
    });

// Shows one of each reportable kind in the run's report.
auto show = cf::stage("show").inputs("data").outputs("shown").cachers("raw").fn(
    [](cf::Record<Params>& r, const std::vector<double>& data) {
      trace("show", r);
      namespace rep = cf::reportable;
      std::vector<double> x;
      for (std::size_t i = 0; i < data.size(); ++i) x.push_back(static_cast<double>(i));
      r.report(
          rep::line_plot("curve", {{"data", x, data}, {"half", x, std::vector<double>(data.size(), 0.5)}})
              .axes("index", "value")
              .in_group("plots"));
      r.report(rep::table("numbers", {"what", "value"}, {{"pi", 3.14159}, {"label", r.params().label}}, 2));
      r.report(rep::json("params", r.params()));
      r.report(rep::text("note", "label was " + r.params().label));
      r.report(rep::html("banner", "<b class=\"cf-test-banner\">raw html</b>"));
      const auto picture = std::filesystem::temp_directory_path() / ("cf_test_" + r.params_hash() + ".svg");
      std::ofstream(picture) << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"80\">"
                                "<rect width=\"120\" height=\"80\" fill=\"teal\"/></svg>";
      r.report(rep::image("picture", picture).in_group("plots"));
      std::filesystem::remove(picture);  // the host copied it already
      return data.size();
    });

// Burns CPU for about `size` million multiply-adds: a CPU-bound stage for the parallel benchmark.
auto spin = cf::stage("spin").outputs("spun").cachers("raw").fn([](cf::Record<Params>& r) {
  trace("spin", r);
  double x = r.params().seed;
  for (std::int64_t i = 0; i < r.params().size * 1000000; ++i) x = x * 0.999999 + 1e-6;
  return x;
});

auto tolerant = cf::stage("tolerant")
                    .inputs("nothing")
                    .outputs("seen")
                    .suppress_missing_inputs()
                    .fn([](cf::Record<Params>& r, const std::optional<double>& nothing) {
                      trace("tolerant", r);
                      return std::string(nothing ? "value" : "missing");
                    });

void run(cf::ParamSets<Params> sets, cf::Manager& m) {
  static int calls = 0;
  ++calls;
  for (auto& set : sets) {
    const std::string& shape = set.params.shape;
    if (shape == "chain" || shape == "aggregate" || shape == "nested" || shape == "bare") {
      total(scale(load(m.record(set))));
    } else if (shape == "long") {
      total(clip(shift(scale(load(m.record(set))))));
    } else if (shape == "fork") {
      auto& r = load(m.record(set));
      total(scale(r));
      mean(r);
    } else if (shape == "copy") {
      auto& base = load(m.record(set));
      mean(base);
      cf::ParamSet<Params> other = set;
      other.name = set.name + "_copy";
      other.params.seed = set.params.seed + 100;
      total(scale(base.make_copy(other)));
    } else if (shape == "throw") {
      explode(scale(load(m.record(set))));
    } else if (shape == "lazy") {
      measure(big(m.record(set)));
    } else if (shape == "lazy_read") {
      measure(peek(big(m.record(set))));
    } else if (shape == "unstable") {
      auto& r = m.record(set);
      if (calls % 2 == 1)
        load(r);
      else
        mean(r);
    } else if (shape == "segfault") {
      crash(load(m.record(set)));
    } else if (shape == "abort") {
      abandon(load(m.record(set)));
    } else if (shape == "exit") {
      bail(load(m.record(set)));
    } else if (shape == "hang") {
      hang(load(m.record(set)));
    } else if (shape == "noisy") {
      noisy(load(m.record(set)));
    } else if (shape == "report") {
      show(load(m.record(set)));
    } else if (shape == "cpu") {
      spin(m.record(set));
    } else if (shape == "missing") {
      tolerant(m.record(set));
    } else {
      throw std::invalid_argument("unknown shape '" + shape + "'");
    }
  }
  const std::string first = sets.empty() ? "" : sets.front().params.shape;
  if (first == "aggregate" || first == "long") compare(m.record());
  if (first == "nested") {
    std::vector<cf::RecordBase*> halves[2];
    for (std::size_t i = 0; i < m.records().size(); ++i) halves[i % 2].push_back(m.records()[i]);
    std::vector<cf::RecordBase*> rankings{&compare(m.record(), halves[0]), &compare(m.record(), halves[1])};
    combine(m.record(), rankings);
  }
  if (first == "bare") {
    stamp(m.record());
    compare(m.record(), std::vector<cf::RecordBase*>{});
  }
  if (!m.mapping()) m.info("records made: " + std::to_string(m.records().size()));
}

}  // namespace

CF_EXPERIMENT(Params, run);

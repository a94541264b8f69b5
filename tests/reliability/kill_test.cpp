// Kill test: an experiment with many small cached stages and a few large artifacts is killed
// with SIGKILL (the whole process group: the run's parent and its supervised child) at seeded
// random moments. After every kill: no cache file under its final name fails its checksum, the
// SQLite store passes PRAGMA integrity_check, and a rerun completes with artifacts identical to an
// uninterrupted run's.
//
// The suite runs a short version; scripts/kill_test.sh runs the long one through the same test
// with CF_KILL_TRIALS, CF_KILL_SEED, CF_KILL_SECONDS (a time bound) and CF_KILL_LARGE (doubles
// in each large array) in the environment.
#include "cache/cache_metadata.hpp"
#include "cache/checksum.hpp"
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace cf::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

long env_number(const char* name, long fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::strtol(value, nullptr, 10) : fallback;
}

// 40 small sets through the five-stage chain plus the aggregate, and two sets whose arrays are
// CF_KILL_LARGE doubles (8 MiB by default), so that kills land both between many small writes
// and inside large ones.
std::string workload() {
  const long large = env_number("CF_KILL_LARGE", 1'000'000);
  std::string yaml;
  for (int i = 0; i < 42; ++i) {
    const long size = i % 21 == 20 ? large : 64;
    yaml += "- name: s" + std::to_string(i) + "\n  shape: long\n  seed: " + std::to_string(i) +
            "\n  size: " + std::to_string(size) + "\n";
  }
  return yaml;
}

bool is_temporary(const fs::path& file) {
  const std::string name = file.filename().string();
  return name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos;
}

// Every data file of the cache (not metadata, temporaries or locks), by relative path, with its
// checksum.
std::map<std::string, std::string> artifact_checksums(const fs::path& cache) {
  std::map<std::string, std::string> sums;
  if (!fs::exists(cache)) return sums;
  for (const auto& entry : fs::recursive_directory_iterator(cache)) {
    const std::string relative = fs::relative(entry.path(), cache).string();
    if (!entry.is_regular_file() || relative.rfind(".locks/", 0) == 0 || is_temporary(entry.path()) ||
        relative.ends_with("_metadata.json")) {
      continue;
    }
    sums[relative] = host::file_checksum(entry.path());
  }
  return sums;
}

struct CacheAudit {
  std::size_t checked = 0;      // data files whose metadata names a checksum
  std::size_t bad = 0;          // ... that do not match it
  std::size_t temporaries = 0;  // files a write left behind under a temporary name
  std::vector<std::string> problems;
};

// A data file and its metadata are written separately, so a kill may leave either without the
// other (the next run recomputes); what must never happen is a data file under its final name
// that is not what its metadata describes.
CacheAudit audit(const fs::path& cache) {
  CacheAudit result;
  if (!fs::exists(cache)) return result;
  std::set<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(cache)) {
    if (!entry.is_regular_file()) continue;
    if (is_temporary(entry.path())) {
      ++result.temporaries;
    } else {
      files.insert(entry.path());
    }
  }
  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    if (!name.ends_with("_metadata.json")) continue;
    std::string problem;
    const auto metadata = host::read_metadata(file, problem);
    if (!metadata) {
      result.problems.push_back(file.string() + ": unreadable metadata under its final name: " + problem);
      ++result.bad;
      continue;
    }
    // The data file is the metadata's stem plus the cacher's extension, in the same folder.
    const std::string stem = (file.parent_path() / name.substr(0, name.size() - 14)).string() + ".";
    for (auto it = files.lower_bound(stem); it != files.end() && it->string().rfind(stem, 0) == 0; ++it) {
      ++result.checked;
      if (host::file_checksum(*it) != metadata->checksum) {
        ++result.bad;
        result.problems.push_back(it->string() + ": checksum differs from its metadata");
      }
    }
  }
  return result;
}

// `experiment` in its own process group, so the kill reaches the supervised child too.
pid_t start_run(const fs::path& folder) {
  std::vector<std::string> words{CF_EXPERIMENT_BIN, "dag_experiment", "-p", "sets", "--quiet"};
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  const std::string directory = folder.string();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    const int null_fd = ::open("/dev/null", O_RDWR);
    if (::chdir(directory.c_str()) != 0 || null_fd < 0) ::_exit(127);
    ::dup2(null_fd, 0);
    ::dup2(null_fd, 1);
    ::dup2(null_fd, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here, so the group exists before any kill
  return pid;
}

// Waits up to `delay`; kills the group if the run is still going. True when the kill landed.
bool kill_after(pid_t pid, std::chrono::microseconds delay) {
  const auto deadline = Clock::now() + delay;
  int status = 0;
  while (Clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  ::kill(-pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  // The supervised child is in the group too; it is gone once the group is.
  while (::kill(-pid, 0) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return true;
}

TEST(KillTest, EveryKillLeavesASoundCacheAndStoreAndARerunMatchesAnUninterruptedRun) {
  const long trials = env_number("CF_KILL_TRIALS", 6);
  const long seed = env_number("CF_KILL_SEED", 1);
  const long budget_seconds = env_number("CF_KILL_SECONDS", 60);

  TempProject reference;
  reference.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  reference.write("params/sets.yaml", workload());
  const auto cold_start = Clock::now();
  ASSERT_EQ(reference.experiment("dag_experiment -p sets --quiet").exit_code, 0);
  const auto cold = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - cold_start);
  const auto expected = artifact_checksums(reference.root() / "data" / "cache");
  ASSERT_GT(expected.size(), 200u);

  TempProject project;
  project.add_plugin("dag_experiment", "experiments/dag_experiment.so");
  project.write("params/sets.yaml", workload());
  const fs::path cache = project.root() / "data" / "cache";
  std::mt19937_64 random(static_cast<std::uint64_t>(seed));

  long done = 0;
  long landed = 0;
  long mid_write = 0;
  long inconsistencies = 0;
  const auto started = Clock::now();
  for (; done < trials && Clock::now() - started < std::chrono::seconds(budget_seconds); ++done) {
    // Half the trials start cold; the others keep the previous trial's cache less a random part
    // of its records (every file of a record, as if it had never run), so a kill also lands
    // while a run loads, skips and recomputes.
    if (random() % 2 == 0) {
      fs::remove_all(cache);
    } else if (fs::exists(cache)) {
      std::map<std::string, bool> dropped;  // by record hash
      std::vector<fs::path> files;
      for (const auto& entry : fs::recursive_directory_iterator(cache))
        if (entry.is_regular_file()) files.push_back(entry.path());
      const std::regex record_hash("_([0-9a-f]{32,33})_");
      for (const auto& file : files) {
        std::smatch match;
        const std::string name = file.filename().string();
        if (!std::regex_search(name, match, record_hash)) continue;
        const auto [it, added] = dropped.try_emplace(match[1].str(), false);
        if (added) it->second = random() % 2 == 0;
        if (it->second) fs::remove(file);
      }
    }
    // Within the first 60% of a cold run's time: a partly cached run is shorter, and a kill after
    // the run has ended tests nothing.
    const auto delay =
        std::chrono::microseconds(random() % static_cast<std::uint64_t>(cold.count() * 6 / 10 + 1));
    const bool killed = kill_after(start_run(project.root()), delay);
    landed += killed ? 1 : 0;

    const CacheAudit found = audit(cache);
    if (found.temporaries > 0) ++mid_write;
    // A kill in the first milliseconds may come before the store exists: nothing to check then.
    const fs::path store = project.root() / "data" / "store.db";
    const std::string integrity = fs::exists(store) ? store_integrity(store) : "ok";
    const CommandResult rerun = project.experiment("dag_experiment -p sets --quiet");
    const auto after = artifact_checksums(cache);
    const bool consistent = found.bad == 0 && integrity == "ok" && rerun.exit_code == 0 && after == expected;
    if (!consistent) {
      ++inconsistencies;
      ADD_FAILURE() << "trial " << done << " (kill after " << delay.count() << " us): " << found.bad
                    << " bad cache files, store: '" << integrity << "', rerun exit " << rerun.exit_code << " "
                    << rerun.err << ", artifacts " << (after == expected ? "identical" : "differ");
      for (const auto& [name, sum] : expected) {
        const auto found = after.find(name);
        if (found == after.end())
          ADD_FAILURE() << "missing after the rerun: " << name;
        else if (found->second != sum)
          ADD_FAILURE() << "differs after the rerun: " << name;
      }
      for (const auto& [name, sum] : after)
        if (!expected.contains(name)) ADD_FAILURE() << "extra after the rerun: " << name;
      for (const auto& problem : found.problems) ADD_FAILURE() << problem;
    }
  }
  std::cout << "kill test: " << done << " trials (seed " << seed << "), " << landed << " kills landed, "
            << mid_write << " mid-write (temporary files left), " << inconsistencies << " inconsistencies\n";
  EXPECT_EQ(inconsistencies, 0);
  EXPECT_GT(landed, 0) << "no kill landed while the run was going: the test tested nothing";
}

}  // namespace
}  // namespace cf::test

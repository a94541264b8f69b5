// Cacher options from a stage declaration reach the cacher as written: the json_lists_experiment
// plugin passes `"arrays": "lists"` to the json cacher as a string literal and as a
// std::string_view, and its typed arrays land in the cache as JSON lists.
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace cf::test {
namespace {

namespace fs = std::filesystem;

// The contents of the one cache file whose name ends with `suffix`.
std::string cached(const fs::path& cache, const std::string& suffix) {
  std::string found = "<no cache file *" + suffix + ">";
  int matches = 0;
  for (const auto& entry : fs::directory_iterator(cache)) {
    if (entry.path().filename().string().ends_with(suffix)) {
      found = read_text(entry.path());
      ++matches;
    }
  }
  EXPECT_EQ(matches, 1) << suffix;
  return found;
}

TEST(CacherOptions, AStringLiteralOptionMakesTheJsonCacherWriteLists) {
  TempProject project;
  project.add_plugin("json_lists_experiment", "experiments/json_lists.so");
  const CommandResult run = project.experiment("json_lists");
  ASSERT_TRUE(succeeded("experiment json_lists", run));
  const fs::path cache = project.root() / "data" / "cache";
  EXPECT_EQ(cached(cache, "_values_series.json"), "[0.0,0.5,1.5]\n");
  EXPECT_EQ(cached(cache, "_values_grid.json"), "[[1,2,3],[4,5,6]]\n");
}

}  // namespace
}  // namespace cf::test

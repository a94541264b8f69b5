// Where a plugin's source is looked for, and when the plugin counts as older than it.
#include "plugin/stale_plugin.hpp"

#include "support/scratch_folder.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace cf::host {
namespace {

namespace fs = std::filesystem;

void age(const fs::path& file, std::chrono::hours by) {
  fs::last_write_time(file, fs::file_time_type::clock::now() - by);
}

TEST(StalePlugin, TheSourceRecordedInTheMetadataComesFirst) {
  test::ScratchFolder folder;
  const fs::path plugin = folder.path() / "experiments" / "alpha.so";
  fs::create_directories(plugin.parent_path());
  fs::copy_file(test::test_plugin("listed_experiment"), plugin);
  folder.write("experiments/alpha.cpp", "// not the source the plugin was built from\n");
  const auto source = experiment_source(plugin, folder.path() / "experiments", "alpha");
  ASSERT_TRUE(source);
  EXPECT_EQ(*source, fs::path(CF_SOURCE_DIR) / "tests" / "plugins" / "listed_experiment.cpp");
}

TEST(StalePlugin, WithoutUsableMetadataTheSourceBesideThePluginCounts) {
  test::ScratchFolder folder;
  // Not an ELF file: its metadata cannot be read, which leaves the project's layout.
  const fs::path plugin = folder.write("experiments/sub/beta.so", "not a plugin");
  const fs::path beside = folder.write("experiments/sub/beta.cpp", "// source\n");
  EXPECT_EQ(experiment_source(plugin, folder.path() / "experiments", "sub.beta"), beside);
  EXPECT_FALSE(experiment_source(plugin, folder.path() / "experiments", "sub.gamma"));
}

// A multi-file plugin whose metadata cannot be used: its folder's newest source counts.
TEST(StalePlugin, WithoutUsableMetadataTheNewestSourceOfTheFolderCounts) {
  test::ScratchFolder folder;
  const fs::path plugin = folder.write("experiments/heat.so", "not a plugin");
  const fs::path main = folder.write("experiments/heat/main.cpp", "// entry point\n");
  const fs::path solver = folder.write("experiments/heat/detail/solver.hpp", "// helper\n");
  folder.write("experiments/heat/notes.txt", "not a source\n");
  age(main, std::chrono::hours(1));
  age(solver, std::chrono::hours(3));
  age(folder.path() / "experiments/heat/notes.txt", std::chrono::hours(0));
  EXPECT_EQ(experiment_source(plugin, folder.path() / "experiments", "heat"), main);
  age(solver, std::chrono::hours(0));
  EXPECT_EQ(experiment_source(plugin, folder.path() / "experiments", "heat"), solver);

  age(plugin, std::chrono::hours(2));
  const auto warning = stale_plugin_warning(plugin, folder.path() / "experiments", "heat");
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find(" is older than its source " + solver.string()), std::string::npos) << *warning;
}

TEST(StalePlugin, WarnsOnlyWhenThePluginIsOlderThanItsSource) {
  test::ScratchFolder folder;
  const fs::path plugin = folder.write("experiments/beta.so", "not a plugin");
  const fs::path source = folder.write("experiments/beta.cpp", "// source\n");
  age(source, std::chrono::hours(2));
  age(plugin, std::chrono::hours(1));
  EXPECT_FALSE(stale_plugin_warning(plugin, folder.path() / "experiments", "beta"));

  age(plugin, std::chrono::hours(3));
  const auto warning = stale_plugin_warning(plugin, folder.path() / "experiments", "beta");
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find(plugin.string() + " is older than its source " + source.string()),
            std::string::npos)
      << *warning;
  EXPECT_EQ(warning->find('\n'), std::string::npos) << *warning;

  // No source at all: nothing to compare with, nothing to say.
  fs::remove(source);
  EXPECT_FALSE(stale_plugin_warning(plugin, folder.path() / "experiments", "beta"));
}

}  // namespace
}  // namespace cf::host

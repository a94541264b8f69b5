#include "config/config.hpp"

#include "support/scratch_folder.hpp"
#include "util/error.hpp"

#include <gtest/gtest.h>

namespace cf::host {
namespace {

using test::ScratchFolder;

TEST(Config, DefaultsWithoutFile) {
  ScratchFolder folder;
  const Config config = load_config(folder.path());
  EXPECT_FALSE(config.file.has_value());
  EXPECT_EQ(config.experiments_dir, folder.path() / "experiments");
  EXPECT_EQ(config.params_dir, folder.path() / "params");
  EXPECT_EQ(config.manager_cache_path, folder.path() / "data");
  EXPECT_EQ(config.cache_path, folder.path() / "data/cache");
  EXPECT_EQ(config.runs_path, folder.path() / "data/runs");
  EXPECT_EQ(config.logs_path, folder.path() / "logs");
  EXPECT_EQ(config.notebooks_path, folder.path() / "notebooks");
  EXPECT_EQ(config.reports_path, folder.path() / "reports");
  EXPECT_EQ(config.report_css_path, folder.path() / "reports/style.css");
}

TEST(Config, FoundInParentMakesPathsRelativeToItsFolder) {
  ScratchFolder folder;
  folder.write("project/curifactory_config.json",
               R"({"cache_path": "store/cache", "experiments_module_name": "src.exps"})");
  std::filesystem::create_directories(folder.path() / "project/a/b/c");
  const Config config = load_config(folder.path() / "project/a/b/c");
  ASSERT_TRUE(config.file.has_value());
  EXPECT_EQ(config.root, folder.path() / "project");
  EXPECT_EQ(config.cache_path, folder.path() / "project/store/cache");
  EXPECT_EQ(config.experiments_dir, folder.path() / "project/src/exps");
  EXPECT_EQ(config.params_dir, folder.path() / "project/params");
}

TEST(Config, NotLookedForBeyondThreeParents) {
  ScratchFolder folder;
  folder.write("project/curifactory_config.json", R"({"cache_path": "elsewhere"})");
  std::filesystem::create_directories(folder.path() / "project/a/b/c/d");
  const Config config = load_config(folder.path() / "project/a/b/c/d");
  EXPECT_FALSE(config.file.has_value());
  EXPECT_EQ(config.cache_path, folder.path() / "project/a/b/c/d/data/cache");
}

TEST(Config, MalformedJsonNamesTheFile) {
  ScratchFolder folder;
  folder.write("curifactory_config.json", "{\"cache_path\": ");
  try {
    load_config(folder.path());
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("curifactory_config.json: malformed JSON"), std::string::npos)
        << e.what();
  }
}

TEST(Config, WrongTypeNamesTheKey) {
  ScratchFolder folder;
  folder.write("curifactory_config.json", R"({"logs_path": 3})");
  try {
    load_config(folder.path());
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("key 'logs_path' must be a string"), std::string::npos) << e.what();
  }
}

TEST(Config, SlurmDefaultsOffAndIsReadFromTheFile) {
  ScratchFolder folder;
  EXPECT_FALSE(load_config(folder.path()).slurm);
  EXPECT_EQ(load_config(folder.path()).slurm_args, "");
  folder.write("curifactory_config.json",
               R"({"slurm": true, "slurm_args": "--partition=gpu --time=1:00:00"})");
  const Config config = load_config(folder.path());
  EXPECT_TRUE(config.slurm);
  EXPECT_EQ(config.slurm_args, "--partition=gpu --time=1:00:00");
}

TEST(Config, SlurmMustBeABoolean) {
  ScratchFolder folder;
  folder.write("curifactory_config.json", R"({"slurm": "yes"})");
  try {
    load_config(folder.path());
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("curifactory_config.json: key 'slurm' must be true or false"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace cf::host

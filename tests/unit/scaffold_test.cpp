// experiment init's choices and plan, without touching a disk: which folders a layout gets
// from flags, prompts and defaults, and what the files and .gitignore lines say.
#include "scaffold/project_files.hpp"
#include "scaffold/project_layout.hpp"
#include "util/error.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace cf::host {
namespace {

ProjectLayout answered(const std::string& answers, const LayoutFlags& flags = {},
                       std::string* prompts = nullptr) {
  std::istringstream in(answers);
  std::ostringstream out;
  ProjectLayout layout = choose_layout(flags, true, in, out);
  if (prompts != nullptr) *prompts = out.str();
  return layout;
}

const ScaffoldFile* find_file(const ScaffoldPlan& plan, const std::string& path) {
  for (const ScaffoldFile& file : plan.files) {
    if (file.path.generic_string() == path) return &file;
  }
  return nullptr;
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

TEST(ScaffoldLayout, YesTakesEveryDefaultWithoutAsking) {
  std::istringstream in("ignored\n");
  std::ostringstream out;
  const ProjectLayout layout = choose_layout({}, false, in, out);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(layout.experiments, "experiments");
  EXPECT_EQ(layout.params, "params");
  EXPECT_EQ(layout.data, "data/");
  EXPECT_EQ(layout.cache, "data/cache");
  EXPECT_EQ(layout.runs, "data/runs");
  EXPECT_EQ(layout.logs, "logs/");
  EXPECT_EQ(layout.notebooks, "notebooks/");
  EXPECT_EQ(layout.reports, "reports/");
}

TEST(ScaffoldLayout, PromptsShowDefaultsAndEmptyAnswersKeepThem) {
  std::string prompts;
  const ProjectLayout layout = answered("src/experiments\n\n  store  \n\n\n\n\n\n", {}, &prompts);
  EXPECT_EQ(layout.experiments, "src/experiments");
  EXPECT_EQ(layout.params, "params");
  EXPECT_EQ(layout.data, "store");
  // The cache and runs follow the data folder unless answered themselves.
  EXPECT_EQ(layout.cache, "store/cache");
  EXPECT_EQ(layout.runs, "store/runs");
  EXPECT_NE(prompts.find("Experiments folder [experiments]: "), std::string::npos) << prompts;
  EXPECT_NE(prompts.find("Cache folder [store/cache]: "), std::string::npos) << prompts;
  EXPECT_NE(prompts.find("Reports folder [reports/]: "), std::string::npos) << prompts;
}

TEST(ScaffoldLayout, TheEndOfInputTakesTheRemainingDefaults) {
  std::string prompts;
  const ProjectLayout layout = answered("lab", {}, &prompts);
  EXPECT_EQ(layout.experiments, "lab");
  EXPECT_EQ(layout.params, "params");
  EXPECT_EQ(layout.reports, "reports/");
  // Asked once more, found no answer, and stopped asking.
  EXPECT_NE(prompts.find("Parameters folder [params]: \n"), std::string::npos) << prompts;
  EXPECT_EQ(prompts.find("Data folder"), std::string::npos) << prompts;
}

TEST(ScaffoldLayout, FlagsAreNotAskedFor) {
  LayoutFlags flags;
  flags.params = "sets";
  flags.data = "/scratch/me/data";  // data may live outside the project
  std::string prompts;
  const ProjectLayout layout = answered("\n\n\n\n\n\n\n\n", flags, &prompts);
  EXPECT_EQ(layout.params, "sets");
  EXPECT_EQ(layout.data, "/scratch/me/data");
  EXPECT_EQ(layout.cache, "/scratch/me/data/cache");
  EXPECT_EQ(prompts.find("Parameters folder"), std::string::npos) << prompts;
  EXPECT_EQ(prompts.find("Data folder"), std::string::npos) << prompts;
}

LayoutFlags given(std::optional<std::string> LayoutFlags::*flag, const std::string& value) {
  LayoutFlags flags;
  flags.*flag = value;
  return flags;
}

TEST(ScaffoldLayout, ModuleFoldersMustBeInsideTheProject) {
  const struct {
    LayoutFlags flags;
    const char* error;
  } cases[] = {
      {given(&LayoutFlags::experiments, "../elsewhere"),
       "init: --experiments-path '../elsewhere': must be a folder inside the project"},
      {given(&LayoutFlags::params, "/abs/params"),
       "init: --params-path '/abs/params': must be a folder inside the project (a "
       "relative path)"},
      {given(&LayoutFlags::experiments, "."),
       "init: --experiments-path '.': must be a folder inside the project"},
      {given(&LayoutFlags::params, "a\"b"), "init: --params-path 'a\"b': cannot contain \" \\ $ ; or @"},
      {given(&LayoutFlags::logs, ""), "init: --logs-path: the folder cannot be empty"},
  };
  for (const auto& c : cases) {
    std::istringstream in;
    std::ostringstream out;
    try {
      choose_layout(c.flags, false, in, out);
      ADD_FAILURE() << "expected: " << c.error;
    } catch (const UserError& e) {
      EXPECT_EQ(std::string(e.what()), c.error);
    }
  }
}

TEST(ScaffoldLayout, AnAnswerThatCannotWorkNamesThePrompt) {
  try {
    answered("../up\n");
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), "init: experiments folder '../up': must be a folder inside the project");
  }
}

TEST(ScaffoldPlan, DefaultLayoutFiles) {
  const ScaffoldPlan plan = scaffold_plan(ProjectLayout{}, "my project");
  for (const char* path :
       {"curifactory_config.json", "CMakeLists.txt", "experiments/example.cpp",
        "experiments/example_params.hpp", "params/example_sweep.cpp", "reports/style.css"}) {
    EXPECT_NE(find_file(plan, path), nullptr) << path;
  }
  const std::string config = find_file(plan, "curifactory_config.json")->contents;
  EXPECT_NE(config.find("\"experiments_module_name\": \"experiments\""), std::string::npos) << config;
  EXPECT_NE(config.find("\"report_css_path\": \"reports/style.css\""), std::string::npos) << config;
  const std::string cmake = find_file(plan, "CMakeLists.txt")->contents;
  EXPECT_NE(cmake.find("project(my_project LANGUAGES CXX)"), std::string::npos) << cmake;
  EXPECT_NE(cmake.find("find_package(Curifactory REQUIRED)"), std::string::npos) << cmake;
  EXPECT_NE(cmake.find("add_project_plugins(experiment \"experiments\")\n"
                       "add_project_plugins(params \"params\")\n"
                       "add_project_plugins(cacher \"cachers\")\n"),
            std::string::npos)
      << cmake;
  EXPECT_EQ(cmake.find('@'), std::string::npos) << "a marker left unfilled: " << cmake;
  for (const char* folder :
       {"experiments", "params", "cachers", "data/", "logs/", "notebooks/", "reports/"}) {
    EXPECT_NE(std::find(plan.folders.begin(), plan.folders.end(), std::filesystem::path(folder)),
              plan.folders.end())
        << folder;
  }
}

// What a project outgrowing one file per experiment needs from the CMakeLists.txt (the init e2e
// test builds it): folders with a main.cpp as one plugin, targets named for target_link_libraries,
// and position-independent code for the static libraries linked into plugins.
TEST(ScaffoldPlan, CmakeSupportsMultiFilePluginsAndLinkingLibraries) {
  const std::string cmake = find_file(scaffold_plan(ProjectLayout{}, "p"), "CMakeLists.txt")->contents;
  for (const char* text :
       {"heat/main.cpp + more    one plugin, heat.so", "file_name STREQUAL \"main.cpp\"",
        "target_link_libraries(experiment.heat PRIVATE solver)", "curifactory_add_${kind} ${kind}.${name}",
        "set(CMAKE_POSITION_INDEPENDENT_CODE ON)"}) {
    EXPECT_NE(cmake.find(text), std::string::npos) << text << "\n" << cmake;
  }
}

TEST(ScaffoldPlan, GitignoreCoversBuildPluginsAndWhatRunsWrite) {
  const ScaffoldPlan plan = scaffold_plan(ProjectLayout{}, "p");
  for (const char* line : {"/build/", "/experiments/**/*.so", "/params/**/*.so", "/cachers/*.so", "/data/",
                           "/logs/", "/notebooks/experiments/", "/reports/*", "!/reports/style.css"}) {
    EXPECT_TRUE(has(plan.gitignore, line)) << line;
  }
  // The cache and runs are inside data/, which is ignored already.
  EXPECT_FALSE(has(plan.gitignore, "/data/cache/"));
}

TEST(ScaffoldPlan, GitignoreSkipsFoldersOutsideTheProjectAndListsSeparateOnes) {
  ProjectLayout layout;
  layout.data = "/scratch/data";
  layout.cache = "cache";
  layout.runs = "../runs";
  const ScaffoldPlan plan = scaffold_plan(layout, "p");
  EXPECT_TRUE(has(plan.gitignore, "/cache/"));
  for (const std::string& line : plan.gitignore) {
    EXPECT_EQ(line.find("scratch"), std::string::npos) << line;
    EXPECT_EQ(line.find(".."), std::string::npos) << line;
  }
}

TEST(ScaffoldPlan, ParamsInTheExperimentsFolderAreBuiltOnce) {
  ProjectLayout layout;
  layout.experiments = "lab.code";  // a dotted module name is a folder path, as the config reads it
  layout.params = "lab/code";
  const ScaffoldPlan plan = scaffold_plan(layout, "p");
  const std::string cmake = find_file(plan, "CMakeLists.txt")->contents;
  EXPECT_NE(cmake.find("add_project_plugins(experiment \"lab/code\")"), std::string::npos) << cmake;
  EXPECT_EQ(cmake.find("add_project_plugins(params"), std::string::npos) << cmake;
  EXPECT_NE(find_file(plan, "lab/code/example_sweep.cpp"), nullptr);
  EXPECT_EQ(std::count(plan.gitignore.begin(), plan.gitignore.end(), "/lab/code/**/*.so"), 1);
}

TEST(ScaffoldPlan, ReplaceMarkers) {
  EXPECT_EQ(replace_markers("@A@-@B@-@A@", {{"A", "x@A@"}, {"B", ""}}), "x@A@--x@A@");
}

}  // namespace
}  // namespace cf::host

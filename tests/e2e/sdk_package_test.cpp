// The SDK as a project outside this repository sees it: install the build, then build an
// experiment and a drop-in cacher against the installed package with find_package(Curifactory)
// and run them with the installed `experiment`, which has never seen the cacher before. Nothing here may
// reach back into the source or build tree, or the test would pass for a package no user could consume.
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace cf::test {
namespace {

constexpr const char* kProjectCMakeLists = R"cmake(cmake_minimum_required(VERSION 3.20)
project(external_experiments LANGUAGES CXX)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
# No CMAKE_CXX_STANDARD on purpose: the package itself has to ask for C++20.
find_package(Curifactory REQUIRED)
message(STATUS "Curifactory_DIR=${Curifactory_DIR}")
curifactory_add_experiment(my_exp my_exp.cpp OUTPUT_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/experiments)
curifactory_add_cacher(reverse reverse.cpp OUTPUT_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/cachers)
)cmake";

constexpr const char* kCacherSource = R"src(// A drop-in cacher: the artifact's bytes stored back to front.
#include <curifactory/cacher.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

void save(const std::filesystem::path& path, std::string_view artifact, const rapidjson::Value& options) {
  cf::check_options("reverse", options, {});
  std::string bytes(artifact.rbegin(), artifact.rend());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out.flush()) throw std::runtime_error(path.string() + ": cannot be written");
}

std::string load(const std::filesystem::path& path, const rapidjson::Value&) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::reverse(bytes.begin(), bytes.end());
  return bytes;
}

CF_DESCRIPTION("Bytes stored back to front (a drop-in cacher)");
CF_CACHER("reverse", ".rev", save, load);
)src";

constexpr const char* kExperimentSource = R"src(// Built only against the installed Curifactory package.
#include <curifactory/curifactory.hpp>

#include <string>

struct GreetingParams {
  int repeats = 1;
  std::string word = "hello";
};
CF_PARAMS(GreetingParams, repeats, word);

CF_DESCRIPTION("Built against the installed SDK");

// "reverse" is no cacher of the host's: it comes from the project's cachers/ folder.
auto shout = cf::stage("shout").outputs("words").cachers("reverse").fn([](cf::Record<GreetingParams>& r) {
  std::string words;
  for (int i = 0; i < r.params().repeats; ++i) words += r.params().word;
  return words;
});
auto tell = cf::stage("tell").inputs("words").fn([](cf::Record<GreetingParams>& r, const std::string& words) {
  r.manager().info("external package says " + r.name() + ": " + words);
});

void run(cf::ParamSets<GreetingParams> sets, cf::Manager& manager) {
  for (const auto& set : sets) tell(shout(manager.record(set)));
}

cf::ParamSets<GreetingParams> get_params() {
  return {{"once", {}}, {"twice", {.repeats = 2, .word = "hi"}}};
}

CF_EXPERIMENT(GreetingParams, run);
CF_GET_PARAMS(get_params);
)src";

constexpr const char* kProjectConfig = R"json({
  "experiments_module_name": "experiments",
  "params_module_name": "params"
}
)json";

constexpr const char* kExpectedListing =
    "EXPERIMENTS:\n"
    "\tmy_exp - Built against the installed SDK\n"
    "\n"
    "PARAMS:\n"
    "\tmy_exp - Built against the installed SDK\n"
    "\n"
    "CACHERS:\n";

// True when `inner` is `outer` or lies below it, after resolving symlinks (TMPDIR may be one).
bool is_inside(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  const auto relative =
      std::filesystem::weakly_canonical(inner).lexically_relative(std::filesystem::weakly_canonical(outer));
  return !relative.empty() && *relative.begin() != "..";
}

// The value after "Curifactory_DIR=" in the configure output, or empty when it is missing.
std::string found_package_dir(const std::string& configure_output) {
  const std::string key = "Curifactory_DIR=";
  const auto start = configure_output.find(key);
  if (start == std::string::npos) return "";
  const auto begin = start + key.size();
  return configure_output.substr(begin, configure_output.find('\n', begin) - begin);
}

TEST(SdkPackage, ExternalProjectBuildsListsAndRunsAnExperimentFromTheInstalledPackage) {
  TempProject workspace;
  const auto prefix = workspace.root() / "prefix";
  const auto source = workspace.root() / "my_project";
  const auto build = source / "build";
  const std::string cmake = shell_quote(CF_CMAKE_COMMAND);

  const CommandResult install =
      run_shell(workspace.root(), cmake + " --install " + shell_quote(CF_BINARY_DIR) + " --prefix " +
                                      shell_quote(prefix.string()));
  ASSERT_TRUE(succeeded("cmake --install", install));
  const auto installed_experiment = prefix / "bin" / "experiment";
  ASSERT_TRUE(std::filesystem::is_regular_file(installed_experiment)) << install.out;

  workspace.write("my_project/CMakeLists.txt", kProjectCMakeLists);
  workspace.write("my_project/my_exp.cpp", kExperimentSource);
  workspace.write("my_project/reverse.cpp", kCacherSource);
  workspace.write("my_project/curifactory_config.json", kProjectConfig);
  // An existing, empty params folder keeps a missing-folder warning out of the listing.
  std::filesystem::create_directories(source / "params");

  const bool have_ninja = run_shell(workspace.root(), "command -v ninja").exit_code == 0;
  const CommandResult configure =
      run_shell(source, cmake + " -S . -B " + shell_quote(build.string()) + (have_ninja ? " -G Ninja" : "") +
                            " -DCMAKE_PREFIX_PATH=" + shell_quote(prefix.string()));
  ASSERT_TRUE(succeeded("configuring the external project", configure));
  // An installed Curifactory elsewhere on the system must not be what this test exercises.
  const std::string package_dir = found_package_dir(configure.out);
  ASSERT_FALSE(package_dir.empty()) << configure.out;
  EXPECT_TRUE(is_inside(package_dir, prefix)) << "found the package at " << package_dir;

  const CommandResult compile = run_shell(source, cmake + " --build " + shell_quote(build.string()));
  ASSERT_TRUE(succeeded("building the external project", compile));
  ASSERT_TRUE(std::filesystem::is_regular_file(source / "experiments" / "my_exp.so")) << compile.out;
  // Headers must come from the prefix: an include path into this repository would mean the
  // exported target leaks a build-tree location.
  const std::string compile_commands = read_text(build / "compile_commands.json");
  EXPECT_EQ(compile_commands.find(std::string(CF_SOURCE_DIR) + "/sdk/include"), std::string::npos)
      << compile_commands;

  const std::string experiment = shell_quote(installed_experiment.string());
  const CommandResult listing = run_shell(source, experiment + " ls");
  ASSERT_TRUE(succeeded("experiment ls", listing));
  EXPECT_EQ(listing.out.substr(0, std::string(kExpectedListing).size()), kExpectedListing);
  EXPECT_NE(listing.out.find("\n\treverse - Bytes stored back to front (a drop-in cacher)\n"),
            std::string::npos)
      << listing.out;
  EXPECT_NE(listing.out.find("\n\traw - "), std::string::npos) << "the installed cachers: " << listing.out;

  // Twice: the first run saves through the drop-in cacher, the second loads through it.
  for (const char* pass : {"cold", "cached"}) {
    const CommandResult run = run_shell(source, experiment + " my_exp");
    ASSERT_TRUE(succeeded(std::string("experiment my_exp, ") + pass, run));
    const std::string output = run.out + run.err;
    EXPECT_NE(output.find("external package says once: hello"), std::string::npos) << pass << ": " << output;
    EXPECT_NE(output.find("external package says twice: hihi"), std::string::npos) << pass << ": " << output;
    if (std::string(pass) == "cached") {
      EXPECT_NE(output.find("stage 'shout' on record 0 ('once'): loaded from cache"), std::string::npos)
          << output;
    }
  }
  std::string stored;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(source / "data" / "cache")) {
    if (entry.path().string().ends_with("_shout_words.rev")) stored += read_text(entry.path()) + "|";
  }
  // "hello" as MessagePack is a5 'hello'; reversed on disk.
  EXPECT_NE(stored.find("olleh\xa5|"), std::string::npos) << stored;
}

}  // namespace
}  // namespace cf::test

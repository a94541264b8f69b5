// `experiment ls` on real plugins in a temporary project, compared byte for byte.
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

namespace cf::test {
namespace {

// The project most tests list: an experiment that also provides params, one in a subfolder,
// a params plugin, YAML params files (one with a description, one malformed), a file that is
// not ELF, a truncated plugin, a future-ABI plugin, and the marker plugin.
void fill_project(const TempProject& project) {
  project.add_plugin("listed_experiment", "experiments/alpha.so");
  project.add_plugin("nested_experiment", "experiments/subexp/example.so");
  project.add_plugin("marker_experiment", "experiments/marker.so");
  project.add_plugin("wrong_abi_metadata", "experiments/future.so");
  project.add_plugin("listed_params", "params/sweep.so");
  project.write("params/grid.yaml",
                "# A YAML grid\n# over two values\n- name: a\n  a: 1\n- name: b\n  a: 2\n");
  project.write("params/plain.yml", "- name: only\n");
  project.write("params/bad.yaml", "- name: a\n  a: [1, 2\n");
  project.write("params/broken.so", "this is not a shared object\n");
  project.write("params/notes.txt", "ignored: neither a plugin nor YAML\n");
  const auto source = TempProject::plugin_path("listed_params");
  project.write("params/cut.so", read_text(source).substr(0, std::filesystem::file_size(source) / 2));
}

constexpr const char* kExpectedListing =
    "EXPERIMENTS:\n"
    "\talpha - Lists under both headings\n"
    "\tfuture [ERROR - built for plugin ABI version 999 but this experiment host supports version 1; "
    "rebuild it against this SDK]\n"
    "\tmarker - Leaves a marker when loaded\n"
    "\tsubexp.example\n"
    "\n"
    "PARAMS:\n"
    "\talpha - Lists under both headings\n"
    "\tbad [ERROR - malformed YAML at line 3, column 1: end of sequence flow not found]\n"
    "\tbroken [ERROR - not an ELF file]\n"
    "\tcut [ERROR - truncated ELF file (section headers)]\n"
    "\tgrid - A YAML grid over two values\n"
    "\tmarker - Leaves a marker when loaded\n"
    "\tplain\n"
    "\tsweep - Two parameter sets\n";

// The listing up to its CACHERS section, which depends on the cachers this build installed.
std::string without_cachers(const std::string& out) {
  const auto at = out.find("\nCACHERS:\n");
  return at == std::string::npos ? out + "<no CACHERS section>" : out.substr(0, at);
}

TEST(Ls, ListsEveryKindOfFileByteForByte) {
  TempProject project;
  fill_project(project);
  const CommandResult result = project.experiment("ls");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(without_cachers(result.out), kExpectedListing);
  EXPECT_EQ(result.err, "");
}

TEST(Ls, FindsTheConfigInAParentFolder) {
  TempProject project;
  fill_project(project);
  project.write("curifactory_config.json", R"({"experiments_module_name": "experiments"})");
  project.write("notebooks/deep/er/.keep", "");
  const CommandResult result =
      run_shell(project.root() / "notebooks/deep/er", shell_quote(CF_EXPERIMENT_BIN) + " ls");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(without_cachers(result.out), kExpectedListing);
}

TEST(Ls, RunsNoPluginCode) {
  TempProject project;
  fill_project(project);
  const auto marker = project.root() / "marker_written";
  const std::string environment = "CF_TEST_MARKER=" + shell_quote(marker.string());

  const CommandResult listing = project.experiment("ls", environment);
  EXPECT_EQ(listing.exit_code, 0) << listing.err;
  EXPECT_NE(listing.out.find("marker - Leaves a marker when loaded"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(marker)) << "ls loaded a plugin";

  // Control: actually running the plugin does leave the marker.
  const CommandResult run = project.experiment("marker", environment);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(std::filesystem::exists(marker));
}

// Only plugins and real problems are rows: a library the plugins link, kept beside them, is
// neither (a file that cannot be read is, as above), and sources are not looked at at all, nor
// the folder of a multi-file plugin's sources.
TEST(Ls, LeavesOutLibrariesAndSources) {
  TempProject project;
  project.add_plugin("listed_experiment", "experiments/heat.so");
  project.add_plugin("plain_library", "experiments/libsolver.so");
  project.add_plugin("plain_library", "params/helpers.so");
  project.write("experiments/heat/main.cpp", "// CF_EXPERIMENT(...) is here\n");
  project.write("experiments/heat/solver.cpp", "// a helper compiled into heat.so\n");
  project.write("experiments/unbuilt.cpp", "// not built yet\n");
  const CommandResult result = project.experiment("ls");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(without_cachers(result.out),
            "EXPERIMENTS:\n"
            "\theat - Lists under both headings\n"
            "\n"
            "PARAMS:\n"
            "\theat - Lists under both headings\n");
  EXPECT_EQ(project.experiment("ls --names-only experiments").out, "heat\n");

  // Named on purpose, the library is refused with the reason.
  const CommandResult run = project.experiment("libsolver");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("not a curifactory plugin (no .curifactory metadata section)"), std::string::npos)
      << run.err;
}

TEST(Ls, MissingFoldersGiveWarningRows) {
  TempProject project;
  project.add_plugin("listed_experiment", "exps/alpha.so");
  project.write("curifactory_config.json",
                R"({"experiments_module_name": "exps", "params_module_name": "nowhere"})");
  const CommandResult result = project.experiment("ls");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(without_cachers(result.out),
            "EXPERIMENTS:\n"
            "\talpha - Lists under both headings\n"
            "\n"
            "PARAMS:\n"
            "\t[WARNING - path: 'nowhere' does not exist. Double check curifactory_config.json]\n"
            "\talpha - Lists under both headings\n");
}

TEST(Ls, EmptyProjectWarnsForBothFolders) {
  TempProject project;
  const CommandResult result = project.experiment("ls");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(without_cachers(result.out),
            "EXPERIMENTS:\n"
            "\t[WARNING - path: 'experiments' does not exist. Double check curifactory_config.json]\n"
            "\n"
            "PARAMS:\n"
            "\t[WARNING - path: 'params' does not exist. Double check curifactory_config.json]\n"
            "\t[WARNING - path: 'experiments' does not exist. Double check curifactory_config.json]\n");
}

// Cachers installed with the host and dropped into the project's cachers/ folder; a project
// cacher shadows an installed one of the same name, and a file that is no usable cacher is an
// error row rather than a failure.
TEST(Ls, ListsCachersWithProjectOnesFirst) {
  TempProject project;
  project.write("cachers/broken.so", "not a plugin\n");
  project.add_plugin("wrong_abi_metadata", "cachers/old.so");
  CommandResult result = project.experiment("ls");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const std::string cachers = result.out.substr(result.out.find("\nCACHERS:\n"));
  EXPECT_NE(cachers.find("\n\traw - MessagePack bytes exactly as the stage produced them (the default)\n"),
            std::string::npos)
      << cachers;
  EXPECT_NE(cachers.find("\n\tbroken [ERROR - not an ELF file]\n"), std::string::npos) << cachers;
  EXPECT_NE(cachers.find("\n\told [ERROR - built for plugin ABI version 999"), std::string::npos) << cachers;

  project.add_plugin("shadow_cacher", "cachers/shadow.so");
  result = project.experiment("ls");
  EXPECT_EQ(result.out.find("\traw - MessagePack bytes exactly"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("\n\traw"), std::string::npos) << result.out;
}

TEST(Ls, MalformedConfigIsAOneLineError) {
  TempProject project;
  project.write("curifactory_config.json", "{\"experiments_module_name\": ");
  const CommandResult result = project.experiment("ls");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err.rfind("error: curifactory_config.json: malformed JSON at offset 28", 0), 0u)
      << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1);
}

}  // namespace
}  // namespace cf::test

// `experiment init`: what it writes, what it refuses to touch, and, as a researcher would use
// it, a scaffolded project built against the installed SDK and run by the installed command.
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

namespace cf::test {
namespace {

namespace fs = std::filesystem;

const char* const kScaffoldedFiles[] = {"curifactory_config.json",
                                        "CMakeLists.txt",
                                        "experiments/example.cpp",
                                        "experiments/example_params.hpp",
                                        "params/example_sweep.cpp",
                                        "reports/style.css",
                                        ".gitignore"};

// The one run reference in the project's reports folder.
std::string only_report(const fs::path& reports) {
  std::string found;
  for (const auto& entry : fs::directory_iterator(reports)) {
    if (entry.is_directory() && entry.path().filename() != "_latest")
      found += entry.path().filename().string();
  }
  return found;
}

TEST(Init, YesScaffoldsEveryFileAndFolderInAnEmptyFolder) {
  TempProject project;
  const CommandResult result = project.experiment("init --yes");
  ASSERT_TRUE(succeeded("init --yes", result));
  EXPECT_EQ(result.err, "");
  for (const char* file : kScaffoldedFiles) {
    EXPECT_TRUE(fs::is_regular_file(project.root() / file)) << file;
    EXPECT_NE(result.out.find(std::string("created  ") + file + "\n"), std::string::npos) << result.out;
  }
  for (const char* folder : {"experiments", "params", "cachers", "data", "logs", "notebooks", "reports"}) {
    EXPECT_TRUE(fs::is_directory(project.root() / folder)) << folder;
  }
  EXPECT_NE(result.out.find("cmake -S . -B build"), std::string::npos) << result.out;
  const std::string gitignore = read_text(project.root() / ".gitignore");
  EXPECT_NE(gitignore.find("\n/data/\n"), std::string::npos) << gitignore;
  EXPECT_NE(gitignore.find("\n/experiments/**/*.so\n"), std::string::npos) << gitignore;

  // The folders the config names are the ones made, and ls finds them (empty of plugins yet).
  const CommandResult listing = project.experiment("ls");
  EXPECT_EQ(listing.exit_code, 0) << listing.err;
  EXPECT_EQ(listing.out.find("WARNING"), std::string::npos) << listing.out;
}

TEST(Init, RunningItAgainKeepsIdenticalFiles) {
  TempProject project;
  ASSERT_TRUE(succeeded("first init", project.experiment("init --yes")));
  const std::string config = read_text(project.root() / "curifactory_config.json");
  const CommandResult again = project.experiment("init --yes");
  ASSERT_TRUE(succeeded("second init", again));
  EXPECT_EQ(again.out.find("created"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("kept     curifactory_config.json (already as init would write it)\n"),
            std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find("kept     .gitignore"), std::string::npos) << again.out;
  EXPECT_EQ(read_text(project.root() / "curifactory_config.json"), config);
}

TEST(Init, ADifferentExistingFileStopsInitBeforeAnythingIsWritten) {
  TempProject project;
  project.write("experiments/example.cpp", "// my own experiment, not the example\n");
  const CommandResult result = project.experiment("init --yes");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(result.err,
            "error: init: experiments/example.cpp already exists and differs from the file init would write; "
            "nothing was written (move it away to scaffold here)\n");
  EXPECT_EQ(read_text(project.root() / "experiments/example.cpp"), "// my own experiment, not the example\n");
  EXPECT_FALSE(fs::exists(project.root() / "curifactory_config.json"));
  EXPECT_FALSE(fs::exists(project.root() / ".gitignore"));
  EXPECT_FALSE(fs::exists(project.root() / "params"));
}

TEST(Init, AnExistingGitignoreOnlyGainsTheLinesItLacks) {
  TempProject project;
  project.write(".gitignore", "*.o\n/data/\n/build/");  // no final newline
  const CommandResult result = project.experiment("init --yes");
  ASSERT_TRUE(succeeded("init", result));
  EXPECT_NE(result.out.find("appended .gitignore\n"), std::string::npos) << result.out;
  const std::string gitignore = read_text(project.root() / ".gitignore");
  EXPECT_EQ(gitignore.rfind("*.o\n/data/\n/build/\n\n# experiment init", 0), 0u) << gitignore;
  for (const char* line : {"\n/data/\n", "\n/build/"}) {
    const auto first = gitignore.find(line);
    EXPECT_EQ(gitignore.find(line, first + 1), std::string::npos) << "repeated " << line << ":\n"
                                                                  << gitignore;
  }
  EXPECT_NE(gitignore.find("\n/logs/\n"), std::string::npos) << gitignore;
}

TEST(Init, AsksForTheFoldersOnStdin) {
  TempProject project;
  // Two answers, then the end of input: the rest keep their defaults. (run_shell gives the
  // command /dev/null as stdin, so the pipe lives inside a shell of its own.)
  const CommandResult result = run_shell(
      project.root(),
      "sh -c " + shell_quote("printf 'src/experiments\\n\\n' | " + shell_quote(CF_EXPERIMENT_BIN) + " init"));
  ASSERT_TRUE(succeeded("init with answers", result));
  EXPECT_EQ(result.out.rfind("Experiments folder [experiments]: Parameters folder [params]: Data folder (run "
                             "store) [data/]: \n",
                             0),
            0u)
      << result.out;
  const std::string config = read_text(project.root() / "curifactory_config.json");
  EXPECT_NE(config.find("\"experiments_module_name\": \"src/experiments\""), std::string::npos) << config;
  EXPECT_NE(config.find("\"params_module_name\": \"params\""), std::string::npos) << config;
  EXPECT_TRUE(fs::is_regular_file(project.root() / "src/experiments/example.cpp"));
  EXPECT_NE(read_text(project.root() / "CMakeLists.txt")
                .find("add_project_plugins(experiment \"src/experiments\")"),
            std::string::npos);
}

TEST(Init, FlagsNameTheFoldersAndBadOnesAreRefused) {
  TempProject project;
  const CommandResult result = project.experiment("init --yes --params-path sets --reports-path html");
  ASSERT_TRUE(succeeded("init with flags", result));
  EXPECT_TRUE(fs::is_regular_file(project.root() / "sets/example_sweep.cpp"));
  EXPECT_TRUE(fs::is_regular_file(project.root() / "html/style.css"));
  EXPECT_NE(
      read_text(project.root() / "curifactory_config.json").find("\"report_css_path\": \"html/style.css\""),
      std::string::npos);

  TempProject other;
  const struct {
    const char* arguments;
    const char* error;
  } cases[] = {
      {"init --experiments-path ../up",
       "error: init: --experiments-path '../up': must be a folder inside the project\n"},
      {"init -p sweep", "error: --params does not apply to 'init'\n"},
      {"init --yes extra", "error: unexpected argument 'extra'\n"},
      {"ls --yes", "error: --yes does not apply to 'ls'\n"},
      {"ls --data-path d", "error: --data-path does not apply to 'ls'\n"},
  };
  for (const auto& c : cases) {
    const CommandResult refused = other.experiment(c.arguments);
    EXPECT_NE(refused.exit_code, 0) << c.arguments;
    EXPECT_EQ(refused.err, c.error) << c.arguments;
  }
  EXPECT_TRUE(fs::is_empty(other.root()));
}

// A multi-file experiment as a researcher adds one to a scaffolded project: a folder heat/ with
// main.cpp and a helper .cpp, which call a static library of the project's own (src/), linked
// to the plugin's target by name in CMakeLists.txt.
void add_heat_experiment(const fs::path& project) {
  const auto write = [&](const fs::path& relative, const std::string& text) {
    fs::create_directories((project / relative).parent_path());
    std::ofstream(project / relative) << text;
  };
  write("experiments/heat/main.cpp",
        "#include \"solver.hpp\"\n"
        "#include <curifactory/curifactory.hpp>\n"
        "#include <string>\n"
        "CF_DESCRIPTION(\"Heat through a rod, in two files and a library\");\n"
        "struct HeatParams { double length = 3; };\n"
        "CF_PARAMS(HeatParams, length);\n"
        "void run(cf::ParamSets<HeatParams> sets, cf::Manager& m) {\n"
        "  for (const auto& set : sets) m.info(set.name + \": flux \" + "
        "std::to_string(heat::flux(set.params.length)));\n"
        "}\n"
        "cf::ParamSets<HeatParams> get_params() { return {{\"rod\", {}}}; }\n"
        "CF_EXPERIMENT(HeatParams, run);\n"
        "CF_GET_PARAMS(get_params);\n");
  write("experiments/heat/solver.hpp", "#pragma once\nnamespace heat { double flux(double length); }\n");
  write("experiments/heat/solver.cpp",
        "#include \"solver.hpp\"\n#include \"conductivity.hpp\"\n"
        "double heat::flux(double length) { return conductivity() * 10 / length; }\n");
  write("src/conductivity.hpp", "#pragma once\ndouble conductivity();\n");
  write("src/conductivity.cpp", "#include \"conductivity.hpp\"\ndouble conductivity() { return 1.5; }\n");
  std::ofstream(project / "CMakeLists.txt", std::ios::app)
      << "add_library(conductivity STATIC src/conductivity.cpp)\n"
         "target_include_directories(conductivity PUBLIC src)\n"
         "target_link_libraries(experiment.heat PRIVATE conductivity)\n";
}

// The acceptance path: install the package, init in an empty folder, add a multi-file experiment,
// build both experiments against the installed SDK, list and run them with the installed
// command, and find the example's report.
TEST(Init, TheScaffoldedExampleBuildsAgainstTheInstalledSdkAndRuns) {
  TempProject workspace;
  const fs::path prefix = workspace.root() / "prefix";
  const fs::path source = workspace.root() / "lab";
  fs::create_directories(source);
  const std::string cmake = shell_quote(CF_CMAKE_COMMAND);
  ASSERT_TRUE(succeeded("cmake --install",
                        run_shell(workspace.root(), cmake + " --install " + shell_quote(CF_BINARY_DIR) +
                                                        " --prefix " + shell_quote(prefix.string()))));
  const std::string experiment = shell_quote((prefix / "bin" / "experiment").string());

  const CommandResult init = run_shell(source, experiment + " init --yes");
  ASSERT_TRUE(succeeded("init --yes", init));
  // The next steps name the prefix the SDK was found in.
  EXPECT_NE(init.out.find("-DCMAKE_PREFIX_PATH=" + prefix.string()), std::string::npos) << init.out;
  add_heat_experiment(source);

  const bool have_ninja = run_shell(source, "command -v ninja").exit_code == 0;
  ASSERT_TRUE(succeeded("configuring the scaffolded project",
                        run_shell(source, cmake + " -S . -B build" + (have_ninja ? " -G Ninja" : "") +
                                              " -DCMAKE_PREFIX_PATH=" + shell_quote(prefix.string()))));
  ASSERT_TRUE(succeeded("building the scaffolded project", run_shell(source, cmake + " --build build")));
  EXPECT_TRUE(fs::is_regular_file(source / "experiments/example.so"));
  EXPECT_TRUE(fs::is_regular_file(source / "params/example_sweep.so"));
  // The folder is one plugin beside it; none of its files is a plugin of its own.
  EXPECT_TRUE(fs::is_regular_file(source / "experiments/heat.so"));
  for (const auto& entry : fs::recursive_directory_iterator(source / "experiments/heat"))
    EXPECT_NE(entry.path().extension(), ".so") << entry.path();

  const CommandResult listing = run_shell(source, experiment + " ls");
  ASSERT_TRUE(succeeded("ls", listing));
  EXPECT_EQ(listing.out.rfind("EXPERIMENTS:\n"
                              "\texample - Fit a line to noisy points (the example of experiment init)\n"
                              "\theat - Heat through a rod, in two files and a library\n"
                              "\n"
                              "PARAMS:\n"
                              "\texample - Fit a line to noisy points (the example of experiment init)\n"
                              "\texample_sweep - The example's line fit across five noise levels\n"
                              "\theat - Heat through a rod, in two files and a library\n",
                              0),
            0u)
      << listing.out;
  EXPECT_EQ(listing.out.find("ERROR"), std::string::npos) << listing.out;

  const CommandResult run = run_shell(source, experiment + " example");
  ASSERT_TRUE(succeeded("experiment example", run));
  EXPECT_NE(run.out.find("stage 'summary' on record 2 ('None'): executing"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("quiet: slope 2.0"), std::string::npos) << run.out;
  const std::string reference = only_report(source / "reports");
  EXPECT_TRUE(std::regex_match(reference, std::regex("example_1_\\d{4}-\\d{2}-\\d{2}-T\\d{6}"))) << reference;
  const std::string report = read_text(source / "reports" / reference / "index.html");
  EXPECT_NE(report.find("fitted slope"), std::string::npos) << "the fits table is in the report";
  // The json cacher's fits are readable in the cache.
  int fits = 0;
  for (const auto& entry : fs::directory_iterator(source / "data/cache")) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with("_fit_line_fit.json") &&
        read_text(entry.path()).find("\"slope\"") != std::string::npos)
      ++fits;
  }
  EXPECT_EQ(fits, 2);

  const CommandResult heat = run_shell(source, experiment + " heat");
  ASSERT_TRUE(succeeded("experiment heat", heat));
  EXPECT_NE(heat.out.find("INFO - rod: flux 5.000000\n"), std::string::npos) << heat.out;
  EXPECT_EQ(heat.out.find("is older than"), std::string::npos) << heat.out;

  const CommandResult sweep = run_shell(source, experiment + " example -p example_sweep");
  ASSERT_TRUE(succeeded("experiment example -p example_sweep", sweep));
  EXPECT_NE(sweep.out.find("noise_2.00: slope"), std::string::npos) << sweep.out;

  // Editing the source without rebuilding: the next run says the plugin is stale.
  fs::last_write_time(source / "experiments/example.so",
                      fs::last_write_time(source / "experiments/example.cpp") - std::chrono::minutes(5));
  const CommandResult stale = run_shell(source, experiment + " example");
  ASSERT_TRUE(succeeded("a run of a stale plugin", stale));
  EXPECT_NE(
      stale.out.find("WARNING - experiments/example.so is older than its source experiments/example.cpp: "
                     "rebuild it"),
      std::string::npos)
      << stale.out;

  // Of a multi-file plugin's sources, the one edited last counts, whichever file it is.
  const auto built = fs::last_write_time(source / "experiments/heat.so");
  fs::last_write_time(source / "experiments/heat/main.cpp", built - std::chrono::minutes(10));
  fs::last_write_time(source / "experiments/heat/solver.cpp", built + std::chrono::minutes(5));
  const CommandResult stale_heat = run_shell(source, experiment + " heat");
  ASSERT_TRUE(succeeded("a run of a plugin older than one of its sources", stale_heat));
  EXPECT_NE(stale_heat.out.find("WARNING - experiments/heat.so is older than its source "
                                "experiments/heat/solver.cpp: rebuild it"),
            std::string::npos)
      << stale_heat.out;
}

}  // namespace
}  // namespace cf::test

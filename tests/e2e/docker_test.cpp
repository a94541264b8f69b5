// --docker on a real run: the build context it writes (files, Dockerfile, tags), and what it
// does with the engine that answers, one that does not, and no docker command at all. Fake
// `docker` commands on PATH stand in for engines; a real engine is used only where one answers.
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <regex>

namespace cf::test {
namespace {

namespace fs = std::filesystem;

// A `docker` that records its arguments in calls.txt beside it and exits as told.
void fake_docker(const TempProject& project, int info_exit, int build_exit) {
  const fs::path docker = project.root() / "fakebin" / "docker";
  project.write("fakebin/docker",
                "#!/bin/sh\n"
                "echo \"$@\" >> \"$(dirname \"$0\")/calls.txt\"\n"
                "case \"$1\" in\n"
                "  info) echo 'Cannot connect to the Docker daemon' >&2; exit " +
                    std::to_string(info_exit) +
                    " ;;\n"
                    "  build) exit " +
                    std::to_string(build_exit) +
                    " ;;\n"
                    "esac\n");
  fs::permissions(docker, fs::perms::owner_all, fs::perm_options::add);
}

std::string with_fake_docker(const TempProject& project) {
  return "PATH=" + shell_quote((project.root() / "fakebin").string()) + ":\"$PATH\"";
}

// The reference of the project's only run.
std::string only_run(const TempProject& project) {
  std::string found;
  for (const auto& entry : fs::directory_iterator(project.root() / "reports")) {
    if (entry.is_directory() && entry.path().filename() != "_latest")
      found += entry.path().filename().string();
  }
  return found;
}

TEST(Docker, WithoutAnEngineTheContextIsWrittenAndTheBuildCommandPrinted) {
  TempProject project;
  project.add_plugin("listed_experiment", "experiments/alpha.so");
  project.write("params/grid.yaml", "- name: a\n");
  fake_docker(project, 1, 0);
  const CommandResult result = project.experiment("alpha --docker", with_fake_docker(project));
  ASSERT_TRUE(succeeded("alpha --docker", result));

  const std::string reference = only_run(project);
  ASSERT_TRUE(std::regex_match(reference, std::regex("alpha_1_\\d{4}-\\d{2}-\\d{2}-T\\d{6}"))) << reference;
  const std::string tag = "alpha:1_" + std::regex_replace(reference.substr(8), std::regex("T"), "t");
  const std::string context = "data/runs/" + reference + "_docker";
  EXPECT_NE(result.out.find(
                "WARNING - docker: no Docker engine answers here (docker info failed: Cannot connect to "
                "the Docker daemon); build the image later with: docker build -t " +
                tag + " -t alpha " + (project.root() / context).string() + "\n"),
            std::string::npos)
      << result.out;
  EXPECT_EQ(read_text(project.root() / "fakebin/calls.txt"), "info --format {{.ServerVersion}}\n");

  // --docker implies --store-full: the run folder the image packs.
  const fs::path run_folder = project.root() / "data/runs" / reference;
  EXPECT_TRUE(fs::is_regular_file(run_folder / "run.json"));

  const fs::path root = project.root() / context;
  for (const char* file :
       {"Dockerfile", "install/bin/experiment", "install/lib/curifactory/cachers/raw.so",
        "project/curifactory_config.json", "project/experiments/alpha.so", "project/params/grid.yaml"}) {
    EXPECT_TRUE(fs::is_regular_file(root / file)) << file;
  }
  EXPECT_TRUE(fs::is_regular_file(root / "project/data/runs" / reference / "run.json"));
  EXPECT_TRUE(fs::is_regular_file(root / "project/reports" / reference / "index.html"));
  EXPECT_TRUE((fs::status(root / "install/bin/experiment").permissions() & fs::perms::owner_exec) !=
              fs::perms::none);
  // The context holds a copy of the run folder, not the other way round.
  EXPECT_FALSE(fs::exists(run_folder / "Dockerfile"));

  const std::string dockerfile = read_text(root / "Dockerfile");
  for (const char* line :
       {"\nFROM debian:12\n", "\nCOPY install/ /opt/curifactory/\n", "\nCOPY project/ /project/\n",
        "\n      libsqlite3-0 \\\n", "\n      libyaml-cpp0.7 \\\n", "\n      libc6 \\\n",
        "\nRUN experiment reports --update\n",
        "\nCMD [\"experiment\", \"reports\", \"--host\", \"0.0.0.0\", \"--port\", \"8080\"]\n"}) {
    EXPECT_NE(dockerfile.find(line), std::string::npos) << line << "\n" << dockerfile;
  }
  EXPECT_NE(dockerfile.find("docker run --rm -p 8080:8080 " + tag + "\n"), std::string::npos) << dockerfile;

  // The image's project reads as a project: the installed command lists it there.
  const CommandResult listing =
      run_shell(root / "project", shell_quote((root / "install/bin/experiment").string()) + " ls");
  EXPECT_EQ(listing.exit_code, 0) << listing.err;
  EXPECT_EQ(listing.out.rfind("EXPERIMENTS:\n\talpha - Lists under both headings\n", 0), 0u) << listing.out;
  EXPECT_NE(listing.out.find("\n\traw - "), std::string::npos) << "the image's cachers: " << listing.out;
}

TEST(Docker, WithoutADockerCommandTheRunStillSucceeds) {
  TempProject project;
  project.add_plugin("listed_experiment", "experiments/Alpha_Model.so");
  // Only the system folders, which hold ldd and dpkg-query but no docker.
  const CommandResult result = project.experiment("Alpha_Model --docker", "PATH=/usr/bin:/bin");
  ASSERT_TRUE(succeeded("--docker without docker", result));
  EXPECT_NE(result.out.find(
                "WARNING - docker: no Docker engine answers here (no docker command on PATH); build the "
                "image later with: docker build -t alpha_model:1_"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("INFO - docker: the image is named 'alpha_model'"), std::string::npos)
      << result.out;
}

TEST(Docker, AnAnsweringEngineBuildsWithBothTags) {
  TempProject project;
  project.add_plugin("listed_experiment", "experiments/alpha.so");
  fake_docker(project, 0, 0);
  const CommandResult result = project.experiment("alpha --docker", with_fake_docker(project));
  ASSERT_TRUE(succeeded("alpha --docker", result));
  const std::string reference = only_run(project);
  const std::string tag = "alpha:1_" + std::regex_replace(reference.substr(8), std::regex("T"), "t");
  const std::string context = (project.root() / "data/runs" / (reference + "_docker")).string();
  EXPECT_EQ(read_text(project.root() / "fakebin/calls.txt"),
            "info --format {{.ServerVersion}}\nbuild -t " + tag + " -t alpha " + context + "\n");
  EXPECT_NE(result.out.find("INFO - docker image built: " + tag + " and alpha:latest\n"), std::string::npos)
      << result.out;
}

TEST(Docker, AFailedBuildIsAWarningNotAFailedRun) {
  TempProject project;
  project.add_plugin("listed_experiment", "experiments/alpha.so");
  fake_docker(project, 0, 3);
  const CommandResult result = project.experiment("alpha --docker --quiet", with_fake_docker(project));
  ASSERT_TRUE(succeeded("alpha --docker", result));
  EXPECT_NE(read_text(project.root() / "fakebin/calls.txt").find("\nbuild --quiet -t alpha:1_"),
            std::string::npos);
  const CommandResult runs = project.experiment("runs");
  EXPECT_NE(runs.out.find("complete"), std::string::npos) << runs.out;
  const std::string log = read_text(project.root() / "logs" / (only_run(project) + ".log"));
  EXPECT_NE(
      log.find(
          "docker build failed (exit code 3); the context is kept, retry with: docker build -t alpha:1_"),
      std::string::npos)
      << log;
}

TEST(Docker, RefusedWhereNoRunIsRecorded) {
  TempProject project;
  project.add_plugin("listed_experiment", "experiments/alpha.so");
  for (const char* flag : {"--dry", "--map", "--hashes", "--parallel-mode"}) {
    const CommandResult result = project.experiment(std::string("alpha --docker ") + flag);
    EXPECT_NE(result.exit_code, 0) << flag;
    EXPECT_EQ(result.err,
              std::string("error: --docker does not apply with ") + flag + " (no run is recorded to pack)\n");
  }
}

// Only where a real engine answers (and can reach debian:12's package mirrors).
TEST(Docker, ARealEngineBuildsTheImage) {
  TempProject project;
  if (run_shell(project.root(), "docker info >/dev/null 2>&1").exit_code != 0) {
    GTEST_SKIP() << "no Docker engine answers here";
  }
  project.add_plugin("listed_experiment", "experiments/cf_docker_test.so");
  const CommandResult result = project.experiment("cf_docker_test --docker --quiet");
  ASSERT_TRUE(succeeded("--docker with an engine", result));
  const std::string tag =
      "cf_docker_test:1_" + std::regex_replace(only_run(project).substr(17), std::regex("T"), "t");
  EXPECT_EQ(run_shell(project.root(), "docker image inspect " + tag + " >/dev/null").exit_code, 0);
  run_shell(project.root(), "docker image rm " + tag + " cf_docker_test:latest >/dev/null 2>&1");
}

}  // namespace
}  // namespace cf::test

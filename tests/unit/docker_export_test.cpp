// --docker's pure parts: Docker's naming rules, reading ldd, and the Dockerfile's text.
#include "export/docker_export.hpp"
#include "config/config.hpp"
#include "export/docker_context.hpp"
#include "export/docker_names.hpp"
#include "export/runtime_libraries.hpp"

#include <gtest/gtest.h>

namespace cf::host {
namespace {

TEST(DockerNames, RepositoryNamesAreLowercaseWithDockersSeparators) {
  EXPECT_EQ(docker_repository("regression"), "regression");
  EXPECT_EQ(docker_repository("Compare Models"), "compare-models");
  EXPECT_EQ(docker_repository("subexp.example"), "subexp.example");
  EXPECT_EQ(docker_repository("a__b_c--d"), "a__b_c--d");
  EXPECT_EQ(docker_repository("a..b___c-.d"), "a-b-c-d");
  EXPECT_EQ(docker_repository("__private_"), "private");
  EXPECT_EQ(docker_repository("Ünïcode"), "n-code");
  EXPECT_EQ(docker_repository("***"), "experiment");
  EXPECT_EQ(docker_repository(std::string(300, 'x')).size(), 120u);
}

TEST(DockerNames, TagIsTheRunNumberAndDate) {
  EXPECT_EQ(docker_tag("regression", "regression_3_2026-11-28-T111405"), "3_2026-11-28-t111405");
  EXPECT_EQ(docker_tag("sub.exp", "sub.exp_12_2026-01-02-T030405"), "12_2026-01-02-t030405");
  EXPECT_EQ(docker_tag("x", "-odd ref"), "odd_ref");
}

TEST(RuntimeLibraries, ParsesLddOutput) {
  const LddOutput parsed = parse_ldd(
      "\tlinux-vdso.so.1 (0x00007ffd)\n"
      "\tlibsqlite3.so.0 => /lib/x86_64-linux-gnu/libsqlite3.so.0 (0x00007f00)\n"
      "\tlibmissing.so.2 => not found\n"
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007f01)\n");
  ASSERT_EQ(parsed.paths.size(), 2u);
  EXPECT_EQ(parsed.paths[0], "/lib/x86_64-linux-gnu/libsqlite3.so.0");
  EXPECT_EQ(parsed.paths[1], "/lib64/ld-linux-x86-64.so.2");
  ASSERT_EQ(parsed.not_found.size(), 1u);
  EXPECT_EQ(parsed.not_found[0], "libmissing.so.2");
  EXPECT_TRUE(parse_ldd("\tstatically linked\n").paths.empty());
}

TEST(DockerContext, DockerfileInstallsPackagesCopiesAndServesTheReport) {
  Config config;
  config.runs_path = "/project/data/runs";
  const DockerRun run{config, "regression", "regression_3_2026-11-28-T111405", "/project/data/runs/x"};
  const std::string text = dockerfile_text(run, {"libsqlite3-0", "libyaml-cpp0.7"}, false);
  EXPECT_NE(text.find("\nFROM debian:12\n"), std::string::npos) << text;
  EXPECT_NE(
      text.find(
          "apt-get install -y --no-install-recommends \\\n      libsqlite3-0 \\\n      libyaml-cpp0.7 \\\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("\nCOPY install/ /opt/curifactory/\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nCOPY project/ /project/\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nWORKDIR /project\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nCMD [\"experiment\", \"reports\", \"--host\", \"0.0.0.0\", \"--port\", \"8080\"]\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("docker run --rm -p 8080:8080 regression:3_2026-11-28-t111405"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("LD_LIBRARY_PATH"), std::string::npos) << text;
  EXPECT_NE(
      dockerfile_text(run, {}, true).find("ENV LD_LIBRARY_PATH=/opt/curifactory/lib/curifactory/runtime\n"),
      std::string::npos);
  EXPECT_EQ(dockerfile_text(run, {}, false).find("apt-get"), std::string::npos);
}

TEST(DockerContext, BuildCommandTagsTheRunAndLatest) {
  Config config;
  const DockerRun run{config, "Compare Models", "Compare Models_2_2026-11-28-T111405", "/p/runs/x"};
  const std::vector<std::string> expected = {
      "docker", "build", "-t", "compare-models:2_2026-11-28-t111405", "-t", "compare-models", "/p/runs/ctx"};
  EXPECT_EQ(docker_build_command(run, "/p/runs/ctx"), expected);
}

}  // namespace
}  // namespace cf::host

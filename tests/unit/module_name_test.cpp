// Experiment and params file arguments as names: a name stays, a path inside the project's
// folders becomes the name of the file it points at, anything else is an error naming it.
#include "plugin/module_name.hpp"

#include "app/from_options.hpp"
#include "config/config.hpp"
#include "support/scratch_folder.hpp"
#include "util/error.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>

namespace cf::host {
namespace {

namespace fs = std::filesystem;
using test::ScratchFolder;

// Runs the test from `folder`, as the command runs from the user's current folder.
class InFolder {
 public:
  explicit InFolder(const fs::path& folder) : previous_(fs::current_path()) { fs::current_path(folder); }
  ~InFolder() { fs::current_path(previous_); }
  InFolder(const InFolder&) = delete;
  InFolder& operator=(const InFolder&) = delete;

 private:
  fs::path previous_;
};

template <class Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const UserError& error) {
    return error.what();
  }
  return "(no error)";
}

class ModuleName : public ::testing::Test {
 protected:
  ModuleName() : here_(folder_.path()) {
    folder_.write("experiments/heat.so", "");
    folder_.write("experiments/sub/heat.so", "");
    folder_.write("experiments/z.yaml", "");
    folder_.write("params/x.yaml", "");
    folder_.write("params/sub/x.yml", "");
    folder_.write("params/p.so", "");
    folder_.write("params/both.yaml", "");
    folder_.write("params/both.so", "");
    config_ = load_config(folder_.path());
  }

  std::string experiment(const std::string& argument) const { return experiment_name(config_, argument); }
  std::string params(const std::string& argument) const { return params_name(config_, argument); }

  ScratchFolder folder_;
  InFolder here_;
  Config config_;
};

TEST_F(ModuleName, NamesStayAsTheyAre) {
  EXPECT_EQ(experiment("heat"), "heat");
  EXPECT_EQ(experiment("sub.heat"), "sub.heat");
  EXPECT_EQ(experiment("missing"), "missing");  // whether it exists is for the caller to say
  EXPECT_EQ(params("x"), "x");
  EXPECT_EQ(params("sub.x"), "sub.x");
}

TEST_F(ModuleName, ExperimentPathsBecomeNames) {
  EXPECT_EQ(experiment("experiments/heat.so"), "heat");
  EXPECT_EQ(experiment("experiments/heat"), "heat");
  EXPECT_EQ(experiment("./experiments/heat.so"), "heat");
  EXPECT_EQ(experiment("experiments/sub/heat.so"), "sub.heat");
  EXPECT_EQ(experiment((folder_.path() / "experiments/sub/heat.so").string()), "sub.heat");
  EXPECT_EQ(experiment("experiments/../experiments/heat.so"), "heat");
}

TEST_F(ModuleName, ParamsPathsBecomeNames) {
  EXPECT_EQ(params("params/x.yaml"), "x");
  EXPECT_EQ(params("./params/x.yaml"), "x");
  EXPECT_EQ(params("params/sub/x.yml"), "sub.x");
  EXPECT_EQ(params("params/p.so"), "p");
  EXPECT_EQ(params("params/x"), "x");
  EXPECT_EQ(params("experiments/z.yaml"), "z");  // params files may live with the experiments
  EXPECT_EQ(params((folder_.path() / "params/x.yaml").string()), "x");
}

TEST_F(ModuleName, PathsAreTakenFromTheCurrentFolder) {
  const InFolder inside(folder_.path() / "params");
  EXPECT_EQ(params("x.yaml"), "x");
  EXPECT_EQ(params("sub/x.yml"), "sub.x");
  EXPECT_EQ(experiment("../experiments/heat.so"), "heat");
}

TEST_F(ModuleName, PathsOutsideTheFoldersAreErrors) {
  folder_.write("other/heat.so", "");
  EXPECT_EQ(error_of([&] { experiment("other/heat.so"); }),
            "experiment 'other/heat.so': other/heat.so is not a file inside the experiments folder "
            "('experiments')");
  EXPECT_EQ(error_of([&] { experiment("heat.so"); }),
            "experiment 'heat.so': heat.so is not a file inside the experiments folder ('experiments')");
  EXPECT_EQ(error_of([&] { experiment("experiments/"); }),
            "experiment 'experiments/': experiments/ is not a file inside the experiments folder "
            "('experiments')");
  EXPECT_EQ(error_of([&] { params("/tmp/x.yaml"); }),
            "-p '/tmp/x.yaml': /tmp/x.yaml is not a file inside the params folder ('params') or the "
            "experiments folder ('experiments')");
}

TEST_F(ModuleName, PathsThatNoNameCanHoldAreErrors) {
  EXPECT_EQ(error_of([&] { experiment("experiments/heat.yaml"); }),
            "experiment 'experiments/heat.yaml': expected a file ending in one of (.so)");
  EXPECT_EQ(error_of([&] { params("params/x.txt"); }),
            "-p 'params/x.txt': expected a file ending in one of (.so, .yaml, .yml)");
  EXPECT_EQ(error_of([&] { params("params/v1.2.yaml"); }),
            "-p 'params/v1.2.yaml': 'v1.2' has a '.' in it, which a name cannot hold (it would read as a "
            "folder)");
  EXPECT_EQ(error_of([&] { params("params/a.b/x.yaml"); }),
            "-p 'params/a.b/x.yaml': 'a.b' has a '.' in it, which a name cannot hold (it would read as a "
            "folder)");
}

TEST_F(ModuleName, AParamsPathMustBeTheFileItsNameMeans) {
  EXPECT_EQ(params("params/both.so"), "both");
  EXPECT_EQ(error_of([&] { params("params/both.yaml"); }),
            "-p 'params/both.yaml': its name 'both' means params/both.so (plugins come before YAML files, "
            "the params folder before the experiments folder); rename one of the two");
}

TEST_F(ModuleName, RunOptionsGetNames) {
  RunOptions options;
  options.experiment = "experiments/sub/heat.so";
  options.params = {"params/x.yaml", "sub.x", "experiments/z.yaml"};
  const RunOptions named = with_module_names(config_, options);
  EXPECT_EQ(named.experiment, "sub.heat");
  EXPECT_EQ(named.params, (std::vector<std::string>{"x", "sub.x", "z"}));
}

}  // namespace
}  // namespace cf::host

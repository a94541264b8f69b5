// Parameter sets end to end: params files of both kinds, selection flags, hashes, typed
// mapping errors, through the real `experiment` binary.
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace cf::test {
namespace {

// alpha: experiment + sets first(a=5), second; sweep: p_one(a=10,label=one), p_two(b=0.5).
constexpr const char* kFirst = "8a14980525e6d60a20f19d384c03f89c first\n";
constexpr const char* kSecond = "e1d06910c820c23cbf2d378c32c86563 second\n";
constexpr const char* kPOne = "cdf3e899195cda8fec9c0190283e953e p_one\n";
constexpr const char* kPTwo = "188116b07455e9acdc4000582154212b0 p_two\n";

class Params : public ::testing::Test {
 protected:
  void SetUp() override {
    project.add_plugin("listed_experiment", "experiments/alpha.so");
    project.add_plugin("listed_params", "params/sweep.so");
    project.add_plugin("throwing_experiment", "experiments/thrower.so");
    project.add_plugin("typed_experiment", "experiments/typed.so");
  }

  // Runs and expects success; returns stdout.
  std::string ok(const std::string& arguments) const {
    const CommandResult result = project.experiment(arguments);
    EXPECT_EQ(result.exit_code, 0) << arguments << "\n" << result.err;
    EXPECT_EQ(result.err, "") << arguments;
    return without_git_warning(result.out);
  }

  // Runs and expects a one-line error; returns it without "error: " and the newline.
  std::string fails(const std::string& arguments) const {
    const CommandResult result = project.experiment(arguments);
    EXPECT_NE(result.exit_code, 0) << arguments;
    EXPECT_EQ(result.out, "") << arguments;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_EQ(result.err.rfind("error: ", 0), 0u) << result.err;
    return result.err.size() > 8 ? result.err.substr(7, result.err.size() - 8) : result.err;
  }

  TempProject project;
};

TEST_F(Params, FilesAreReadInCommandLineOrder) {
  EXPECT_EQ(ok("alpha -p sweep -p alpha --hashes"), std::string(kPOne) + kPTwo + kFirst + kSecond);
  EXPECT_EQ(ok("alpha -p alpha -p sweep --hashes"), std::string(kFirst) + kSecond + kPOne + kPTwo);
}

TEST_F(Params, NoParamsMeansTheExperimentItself) {
  EXPECT_EQ(ok("alpha --hashes"), std::string(kFirst) + kSecond);
}

TEST_F(Params, NamesSelectAcrossFiles) {
  EXPECT_EQ(ok("alpha -p alpha -p sweep -n p_two -n first --hashes"), std::string(kFirst) + kPTwo);
}

TEST_F(Params, IndicesSelectInsideEachFile) {
  EXPECT_EQ(ok("alpha -p alpha -p sweep --indices 1 --hashes"), std::string(kSecond) + kPTwo);
  EXPECT_EQ(ok("alpha -p alpha -p sweep --indices 0-2 --hashes"),
            std::string(kFirst) + kSecond + kPOne + kPTwo);
}

TEST_F(Params, GlobalIndicesSelectInTheCombinedList) {
  EXPECT_EQ(ok("alpha -p alpha -p sweep --global-indices 1-3 --hashes"), std::string(kSecond) + kPOne);
}

TEST_F(Params, GlobalIndicesKeepTheOrderAndRepeatsWritten) {
  // As the original's [final_param_sets[i] for i in resolved]: 3 then 0, not sorted.
  EXPECT_EQ(ok("alpha -p alpha -p sweep --global-indices 3 --global-indices 0 --hashes"),
            std::string(kPTwo) + kFirst);
  EXPECT_EQ(ok("alpha -p alpha -p sweep --global-indices 3 0 --hashes"), std::string(kPTwo) + kFirst);
  EXPECT_EQ(ok("alpha -p alpha -p sweep --global-indices 0-2 1 --hashes"),
            std::string(kFirst) + kSecond + kSecond);
  // A repeated set runs twice, in the order selected.
  EXPECT_EQ(
      ok("alpha -p alpha -p sweep --global-indices 2 0 2"),
      "INFO - set p_one a=10 label=one\nINFO - set first a=5 label=x\nINFO - set p_one a=10 label=one\n");
  // --indices stays membership inside each file: file order, each set once.
  EXPECT_EQ(ok("alpha -p alpha -p sweep --indices 1 0 1 --hashes"),
            std::string(kFirst) + kSecond + kPOne + kPTwo);
}

TEST_F(Params, GlobalIndicesApplyAfterNames) {
  EXPECT_EQ(ok("alpha -p alpha -p sweep -n p_two -n first --global-indices 1 0 --hashes"),
            std::string(kPTwo) + kFirst);
}

TEST_F(Params, NamesMustBeAmongTheSetsIndicesSelected) {
  EXPECT_EQ(fails("alpha -n first --indices 1"),
            "-n/--names 'first': not among the sets --indices selected (the params files have it at other "
            "indices)");
  EXPECT_EQ(fails("alpha -p alpha -p sweep -n second -n p_one --indices 1"),
            "-n/--names 'p_one': not among the sets --indices selected (the params files have it at other "
            "indices)");
  EXPECT_EQ(fails("alpha -p alpha -p sweep -n nobody --indices 1"),
            "-n/--names 'nobody': no parameter set of that name in the params files");
  EXPECT_EQ(ok("alpha -p alpha -p sweep -n second -n p_two --indices 1 --hashes"),
            std::string(kSecond) + kPTwo);
}

TEST_F(Params, SelectedSetsReachRunWithTheirHashes) {
  EXPECT_EQ(ok("alpha -p sweep -n p_one"), "INFO - set p_one a=10 label=one\n");
}

TEST_F(Params, YamlSetsAreCompletedWithDefaultsBeforeHashing) {
  // The same values as the compiled p_one set, written partly: the hash must be the same.
  project.write("params/same.yaml", "# p_one again\n- name: p_one\n  a: 10\n  label: one\n");
  EXPECT_EQ(ok("alpha -p same --hashes"), kPOne);
  const std::string printed = ok("alpha -p same --print-params");
  EXPECT_NE(printed.find("\"b\": 2.5"), std::string::npos) << printed;
  EXPECT_NE(printed.find("\"hash\": \"cdf3e899195cda8fec9c0190283e953e\""), std::string::npos) << printed;
}

TEST_F(Params, PrintParamsByName) {
  const std::string printed = ok("alpha -p alpha -p sweep --print-params second");
  EXPECT_EQ(printed,
            "[\n  {\n    \"name\": \"second\",\n    \"a\": 1,\n    \"b\": 2.5,\n    \"label\": \"x\",\n"
            "    \"hash\": \"e1d06910c820c23cbf2d378c32c86563\"\n  }\n]\n");
}

TEST_F(Params, YamlSweepOfThreeByFourGivesTwelveStableSets) {
  project.write("params/grid.yaml",
                "# a 3 x 4 grid\n"
                "- sweep:\n"
                "    lr: [0.1, 0.01, 0.001]\n"
                "    required_value: [1, 2, 3, 4]\n"
                "  base:\n"
                "    head: {units: 4}\n");
  const std::string hashes = ok("typed -p grid --hashes");
  std::istringstream lines(hashes);
  std::set<std::string> names;
  std::set<std::string> unique_hashes;
  std::string hash;
  std::string name;
  while (lines >> hash >> name) {
    names.insert(name);
    unique_hashes.insert(hash);
  }
  EXPECT_EQ(names.size(), 12u) << hashes;
  EXPECT_EQ(unique_hashes.size(), 12u) << hashes;
  EXPECT_TRUE(names.count("lr_0.1-required_value_1")) << hashes;
  EXPECT_TRUE(names.count("lr_0.001-required_value_4")) << hashes;
  EXPECT_EQ(ok("typed -p grid --hashes"), hashes);
  EXPECT_EQ(ok("typed -p grid --global-indices 11").find("typed") == std::string::npos, true);
  EXPECT_NE(ok("typed -p grid -n lr_0.01-required_value_3").find("required=3 lr=0.01 layers=0 head=4relu"),
            std::string::npos);
}

TEST_F(Params, TypedValuesOfEveryShape) {
  project.write("params/shapes.yaml",
                "- name: full\n"
                "  required_value: 7\n"
                "  lr: 1e-3\n"
                "  layers:\n"
                "    - units: 16\n"
                "    - {units: 32, activation: tanh}\n"
                "  weights: {a: 0.5, b: 2}\n"
                "  head: {activation: gelu}\n"
                "  seed: 3\n");
  const std::string out = ok("typed -p shapes");
  EXPECT_NE(out.find("INFO - full "), std::string::npos) << out;
  EXPECT_NE(out.find(" required=7 lr=0.001 layers=2 head=8gelu seed=3\n"), std::string::npos) << out;
}

TEST_F(Params, SelectionErrors) {
  EXPECT_EQ(fails("alpha -p alpha -n nobody"),
            "-n/--names 'nobody': no parameter set of that name in the params files");
  EXPECT_EQ(fails("alpha --indices 3-1"),
            "--indices '3-1': empty range (the upper bound is exclusive, so A-B needs B > A)");
  EXPECT_EQ(fails("alpha --global-indices x"),
            "--global-indices 'x': expected an index N or a range A-B (A inclusive, B exclusive)");
  EXPECT_EQ(fails("alpha --indices 1-"),
            "--indices '1-': expected an index N or a range A-B (A inclusive, B exclusive)");
  EXPECT_EQ(fails("alpha --indices 2"), "--indices '2': out of range (the params files have at most 2 sets)");
  EXPECT_EQ(fails("alpha -p alpha -p sweep --global-indices 2-5"),
            "--global-indices '2-5': out of range (4 sets to select from)");
  EXPECT_EQ(fails("alpha -p thrower"),
            "params file 'thrower' (experiments/thrower.so) did not return a list of parameter sets");
  EXPECT_EQ(
      fails("alpha -p nowhere"),
      "params file 'nowhere' could not be found in either the params folder ('params') or the experiments "
      "folder ('experiments')");
}

TEST_F(Params, BadYamlIsAnErrorWithItsLine) {
  project.write("params/bad.yaml", "- name: a\n  a: [1, 2\n");
  project.write("params/notlist.yaml", "name: a\n");
  project.write("params/item.yaml", "- name: a\n- 5\n");
  EXPECT_EQ(fails("alpha -p bad"),
            "params/bad.yaml: line 3: malformed YAML at column 1: end of sequence flow not found");
  EXPECT_EQ(fails("alpha -p notlist"),
            "params/notlist.yaml: line 1: expected a list of parameter sets, found a mapping");
  EXPECT_EQ(fails("alpha -p item"),
            "params/item.yaml: line 2: a parameter set must be a mapping, found a scalar");
}

TEST_F(Params, EmptyParamsFileIsAnError) {
  project.write("params/empty.yaml", "# nothing yet\n[]\n");
  EXPECT_EQ(fails("alpha -p empty").rfind("No parameter sets found", 0), 0u);
}

TEST_F(Params, TypedMappingErrorsNameFileSetFieldAndLine) {
  project.write("params/typo.yaml",
                "- name: fine\n"
                "  required_value: 1\n"
                "- name: wrong_type\n"
                "  required_value: 2\n"
                "  lr: fast\n"
                "- name: unknown_key\n"
                "  required_value: 3\n"
                "  hed: {units: 2}\n"
                "- name: missing\n"
                "  lr: 0.5\n"
                "- name: nested\n"
                "  required_value: 4\n"
                "  layers:\n"
                "    - unitz: 3\n");
  EXPECT_EQ(
      fails("typed -p typo -n wrong_type"),
      "params file 'typo' (params/typo.yaml line 5), set 'wrong_type': field 'lr': expected a number, got a "
      "string");
  EXPECT_EQ(
      fails("typed -p typo -n unknown_key"),
      "params file 'typo' (params/typo.yaml line 8), set 'unknown_key': unknown field 'hed' (did you mean "
      "'head'?)");
  EXPECT_EQ(
      fails("typed -p typo -n missing"),
      "params file 'typo' (params/typo.yaml line 9), set 'missing': missing required field 'required_value'");
  EXPECT_EQ(
      fails("typed -p typo -n nested"),
      "params file 'typo' (params/typo.yaml line 13), set 'nested': unknown field 'layers[0].unitz' (did you "
      "mean 'layers[0].units'?)");
  EXPECT_EQ(fails("typed -p alpha"),
            "params file 'alpha' (experiments/alpha.so, index 0), set 'first': unknown field 'a'");
  // The set that is fine runs on its own: bad sets that are not selected do not block it.
  EXPECT_NE(ok("typed -p typo -n fine").find("INFO - fine "), std::string::npos);
}

}  // namespace
}  // namespace cf::test

// Parameter sets as the original Curifactory treats them (issue 17), through the real
// `experiment` binary and the parity_experiment plugin: dict key order, integers in floating
// fields, params structs inside containers, explicit hashes, records made from copies, and
// experiment and params files given as paths.
//
// Expected hashes follow the original's rule; each comment is the Python (hashlib) that gives it:
//   h = lambda *terms: format(sum(int(hashlib.md5(t.encode()).hexdigest(), 16) for t in terms), "x")
// Every set hashes alpha (default 0.5, a float) plus the optional fields it writes.
#include "support/temp_project.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace cf::test {
namespace {

namespace fs = std::filesystem;

// h("alpha1")
constexpr const char* kAlphaInt = "8dbc2828a56856fc152437bd551628b5";
// h("alpha101.0"): alpha 1 plus 100 in run(), a float built in C++
constexpr const char* kChanged = "13a3427578f9f30d291384bb6be93bb8";
// h("alpha2.0"): a value built in C++ (get_params) keeps its float repr
constexpr const char* kComputed = "7b093f842fbc29fea18b13ae62ce46b";

class ParamsParity : public ::testing::Test {
 protected:
  void SetUp() override { project.add_plugin("parity_experiment", "experiments/parity.so"); }

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
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_EQ(result.err.rfind("error: ", 0), 0u) << result.err;
    return result.err.size() > 8 ? result.err.substr(7, result.err.size() - 8) : result.err;
  }

  // `--hashes` for the sets of `yaml`.
  std::string hashes(const std::string& yaml) const {
    project.write("params/sets.yaml", yaml);
    return ok("parity -p sets --hashes");
  }

  // The "record <name> <hash>" lines run() logged.
  static std::vector<std::string> records(const std::string& out) {
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("INFO - record ", 0) == 0) lines.push_back(line.substr(14));
    }
    return lines;
  }

  bool cached(const std::string& hash) const {
    return fs::exists(project.root() / "data" / "cache" / ("parity_" + hash + "_keep_value.msgpack"));
  }

  TempProject project;
};

TEST_F(ParamsParity, DictsHashInTheOrderTheirKeysWereWritten) {
  EXPECT_EQ(hashes("- name: ba\n  d: {b: 2, a: 1}\n"
                   "- name: ab\n  d: {a: 1, b: 2}\n"
                   "- name: block\n  d:\n    b: 2\n    a: 1\n"
                   "- name: ordered\n  od: {z: 1, y: 2.5}\n"),
            // h("alpha0.5", "d" + repr({'b': 2, 'a': 1}))
            "1290f5e829060d297cc137f427a1ef5a4 ba\n"
            // h("alpha0.5", "d" + repr({'a': 1, 'b': 2}))
            "7b4f5e6e502dd0594203d1ba50c9fe50 ab\n"
            // the same as ba, written as a block mapping
            "1290f5e829060d297cc137f427a1ef5a4 block\n"
            // h("alpha0.5", "od" + repr({'z': 1, 'y': 2.5})): a cf::ordered_map field
            "13b3d4e2b90c20d8aa41ed461f313b114 ordered\n");
  // The ordered map keeps its order in the set itself too.
  const std::string printed = ok("parity -p sets --print-params ordered");
  EXPECT_NE(printed.find("\"od\": {\n      \"z\": 1.0,\n      \"y\": 2.5\n    }"), std::string::npos)
      << printed;
}

TEST_F(ParamsParity, FloatingFieldsWrittenAsIntegersHashAsPythonInts) {
  EXPECT_EQ(hashes("- name: int\n  alpha: 1\n"
                   "- name: float\n  alpha: 1.0\n"
                   "- name: list\n  alphas: [1, 2.0, 3]\n"),
            // h("alpha1"): YAML's 1 is a Python int
            std::string(kAlphaInt) + " int\n" +
                // h("alpha1.0")
                "652e0d3bb9af04a8c3002ead0c47e03 float\n"
                // h("alpha0.5", "alphas" + repr([1, 2.0, 3])): the default alpha stays a float
                "9066a9933500e913e410bd409b2390be list\n");
}

// A double needs all 17 digits read exactly on every hop (YAML to host to plugin and back), or
// its repr, and so the hash, moves by one unit in the last place.
TEST_F(ParamsParity, SeventeenDigitFloatsKeepTheirRepr) {
  project.write("params/sets.yaml", "- name: digits\n  alpha: 0.11935319286735585\n  mode: copies\n");
  // h("alpha" + repr(0.11935319286735585))
  const std::string hash = "cbfe117b743da78ca58b1d731822678f";
  EXPECT_EQ(ok("parity -p sets --hashes"), hash + " digits\n");
  const auto lines = records(ok("parity -p sets"));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front(), "digits " + hash);
}

TEST_F(ParamsParity, ParamsStructsInsideContainersHashAsDataclassReprs) {
  EXPECT_EQ(hashes("- name: layers\n  layers: [{units: 4}, {activation: tanh}]\n"
                   "- name: blocks\n  blocks: {q: {layer: {units: 1}, extra: [{units: 2}], scale: 3}}\n"
                   "- name: maybe\n  maybe: [null, {activation: tanh}]\n"
                   "- name: direct\n  block: {layer: {units: 2}, scale: 2, verbose: true}\n"),
            // h("alpha0.5", "layers" + repr([Layer(units=4), Layer(activation='tanh')])), with
            // @dataclass class Layer: units: int = 8; activation: str = 'relu'
            "13c39f168301d8aebb45187d7caf4c5d4 layers\n"
            // h("alpha0.5", "blocks" + repr({'q': Block(layer=Layer(units=1), extra=[Layer(units=2)],
            // scale=3)})), with @dataclass class Block: layer: Layer; extra: list; scale: float = 1.0;
            // verbose: bool = False (ignored in Block's own hash, shown in its repr)
            "734484fc7e3906edb1cb6af584a24aab blocks\n"
            // h("alpha0.5", "maybe" + repr([None, Layer(activation='tanh')]))
            "121b5a71077d9f3cc38a4aad7b6202be4 maybe\n"
            // A struct as a field adds its own fields' terms, verbose ignored:
            // h("alpha0.5", "units2", "activation'relu'", "extra[]", "scale2")
            "163dcb29df36987040e4a7629602f9084 direct\n");
}

TEST_F(ParamsParity, AnExplicitHashNamesTheSetAndItsCacheFiles) {
  EXPECT_EQ(hashes("- name: fixed\n  hash: my-hash\n  alpha: 2\n"
                   "- name: free\n  alpha: 2\n"
                   "- name: none\n  hash: null\n  alpha: 2\n"),
            // the explicit hash, then h("alpha2") twice: a null hash is no hash, as Python's None
            "my-hash fixed\ne155e9e3166af131136a8fcb84eb9462 free\ne155e9e3166af131136a8fcb84eb9462 none\n");
  const std::string printed = ok("parity -p sets --print-params fixed");
  EXPECT_NE(printed.find("\"hash\": \"my-hash\""), std::string::npos) << printed;

  ok("parity -p sets");
  EXPECT_TRUE(cached("my-hash"));
  EXPECT_TRUE(cached("e155e9e3166af131136a8fcb84eb9462"));

  // ParamSet::hash set in get_params(), and a set beside it that has none.
  EXPECT_EQ(ok("parity --hashes"), "chosen-in-cpp chosen\n" + std::string(kComputed) + " computed\n");
  ok("parity");
  EXPECT_TRUE(cached("chosen-in-cpp"));
}

TEST_F(ParamsParity, UnusableExplicitHashesAreErrorsNamingFileSetAndField) {
  project.write("params/bad.yaml",
                "- name: slash\n  hash: a/b\n"
                "- name: empty\n  hash: ''\n"
                "- name: dots\n  hash: ..\n"
                "- name: number\n  hash: 5\n"
                "- name: control\n  hash: \"a\\tb\"\n");
  const std::string start = "params file 'bad' (params/bad.yaml line ";
  EXPECT_EQ(
      fails("parity -p bad -n slash"),
      start + "2), set 'slash': field 'hash': an explicit hash cannot contain '/' (it names cache files)");
  EXPECT_EQ(fails("parity -p bad -n empty"),
            start +
                "4), set 'empty': field 'hash': an explicit hash cannot be empty (leave it out, or null, to "
                "hash the values)");
  EXPECT_EQ(
      fails("parity -p bad -n dots"),
      start + "6), set 'dots': field 'hash': an explicit hash cannot be '.' or '..' (it names cache files)");
  EXPECT_EQ(fails("parity -p bad -n number"),
            start + "8), set 'number': field 'hash': an explicit hash must be a string (quote it in YAML)");
  EXPECT_EQ(fails("parity -p bad -n control"),
            start +
                "10), set 'control': field 'hash': an explicit hash cannot contain control characters (it "
                "names cache files)");
}

// The sets run() receives carry their hash, and a copy of one carries it too. A carried hash
// stays only while the values are those it was computed for (the original kept it even after a
// change, caching the changed set under the old set's name); one set in run() is used as given.
TEST_F(ParamsParity, RecordsKeepACarriedHashOnlyWhileTheirValuesMatch) {
  project.write("params/sets.yaml",
                "- name: a\n  mode: copies\n  alpha: 1\n"
                "- name: e\n  mode: copies\n  hash: given\n  alpha: 1\n");
  const std::vector<std::string> expected = {
      // The set's own hash, h("alpha1"), though run() sees alpha as the float 1.0.
      "a " + std::string(kAlphaInt),
      "a_same " + std::string(kAlphaInt),
      "a_quiet " + std::string(kAlphaInt),  // only the ignored `mode` changed
      "a_changed " + std::string(kChanged),
      "a_changed " + std::string(kChanged),  // a copy of the changed copy
      "a_mine chosen-in-run",
      "e given",
      "e_same given",
      "e_quiet given",
      "e_changed " + std::string(kChanged),
      "e_changed " + std::string(kChanged),
      "e_mine chosen-in-run",
  };
  EXPECT_EQ(records(ok("parity -p sets")), expected);
  EXPECT_EQ(records(ok("parity -p sets --no-dag")), expected);
  EXPECT_TRUE(cached(kAlphaInt));
  EXPECT_TRUE(cached("given"));
}

TEST_F(ParamsParity, AnUnusableExplicitHashSetInRunIsAnError) {
  project.write("params/sets.yaml", "- name: b\n  mode: bad_hash\n");
  const std::string error = fails("parity -p sets");
  EXPECT_NE(
      error.find("run() made a record of set 'b_bad' with field 'hash': an explicit hash cannot contain "
                 "'/' (it names cache files)"),
      std::string::npos)
      << error;
}

// Shell completion gives paths; they mean the files' names.
TEST_F(ParamsParity, ExperimentsAndParamsFilesGivenAsPathsMeanTheirNames) {
  project.add_plugin("parity_experiment", "experiments/sub/deep.so");
  project.add_plugin("parity_experiment", "params/compiled.so");
  project.write("params/x.yaml", "- name: x1\n  alpha: 3\n");
  project.write("params/sub/y.yaml", "- name: y1\n  alpha: 4\n");
  project.write("experiments/z.yaml", "- name: z1\n  alpha: 5\n");
  // h("alpha3"), h("alpha4"), h("alpha5")
  const std::string x = "90569dfd20790019d5e815cc2577f42a x1\n";
  const std::string y = "a00d66d273a7795157eb5edc210327fc y1\n";
  const std::string z = "92d07ab272ab696b42704ac5e7df73bf z1\n";
  const std::string compiled = "chosen-in-cpp chosen\n" + std::string(kComputed) + " computed\n";

  EXPECT_EQ(ok("parity -p x --hashes"), x);
  EXPECT_EQ(ok("experiments/parity.so -p params/x.yaml --hashes"), x);
  EXPECT_EQ(ok("experiments/parity -p ./params/x.yaml --hashes"), x);
  EXPECT_EQ(ok("parity -p " + shell_quote((project.root() / "params/x.yaml").string()) + " --hashes"), x);
  EXPECT_EQ(ok("parity -p params/sub/y.yaml -p sub.y --hashes"), y + y);
  EXPECT_EQ(ok("parity -p experiments/z.yaml --hashes"), z);
  EXPECT_EQ(ok("parity -p params/compiled.so --hashes"), compiled);
  EXPECT_EQ(ok("experiments/sub/deep.so --hashes"), compiled);
  EXPECT_EQ(ok("experiments/sub/deep --hashes"), ok("sub.deep --hashes"));

  // A run through paths is the same run as through names: one experiment in the store, numbered
  // on, with the same cache.
  ok("experiments/parity.so -p params/x.yaml");
  const std::string second = ok("parity -p x");
  EXPECT_NE(second.find("0 stage calls executed, 1 loaded from cache"), std::string::npos) << second;
  const std::string runs = ok("runs experiments/parity.so --json");
  EXPECT_NE(runs.find("\"reference\": \"parity_1_"), std::string::npos) << runs;
  EXPECT_NE(runs.find("\"reference\": \"parity_2_"), std::string::npos) << runs;
  EXPECT_EQ(runs.find("\"experiment\": \"experiments"), std::string::npos) << runs;
  EXPECT_NE(runs.find("\"file\": \"x\""), std::string::npos) << runs;
}

TEST_F(ParamsParity, PathsThatNameNoProjectFileAreErrors) {
  project.write("params/x.yaml", "- name: x1\n");
  project.write("other/x.yaml", "- name: x1\n");
  project.write("params/twice.yaml", "- name: t\n");
  project.add_plugin("parity_experiment", "params/twice.so");
  EXPECT_EQ(fails("parity -p other/x.yaml --hashes"),
            "-p 'other/x.yaml': other/x.yaml is not a file inside the params folder ('params') or the "
            "experiments folder ('experiments')");
  EXPECT_EQ(fails("other/parity.so --hashes"),
            "experiment 'other/parity.so': other/parity.so is not a file inside the experiments folder "
            "('experiments')");
  EXPECT_EQ(fails("parity.so --hashes"),
            "experiment 'parity.so': parity.so is not a file inside the experiments folder ('experiments')");
  EXPECT_EQ(fails("parity -p params/x.txt --hashes"),
            "-p 'params/x.txt': expected a file ending in one of (.so, .yaml, .yml)");
  EXPECT_EQ(fails("parity -p params/v1.2.yaml --hashes"),
            "-p 'params/v1.2.yaml': 'v1.2' has a '.' in it, which a name cannot hold (it would read as a "
            "folder)");
  // The name twice means the plugin, which would silently replace the YAML file asked for.
  EXPECT_EQ(fails("parity -p params/twice.yaml --hashes"),
            "-p 'params/twice.yaml': its name 'twice' means params/twice.so (plugins come before YAML files, "
            "the params folder before the experiments folder); rename one of the two");
}

}  // namespace
}  // namespace cf::test

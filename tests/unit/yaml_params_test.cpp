#include "params/yaml_file.hpp"

#include "config/config.hpp"
#include "support/scratch_folder.hpp"
#include "util/error.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace cf::host {
namespace {

using test::ScratchFolder;

using Lines = std::map<std::string, int>;

YamlParamSets read(const ScratchFolder& folder, const std::string& yaml) {
  return read_yaml_param_sets(folder.write("params/sets.yaml", yaml));
}

// The UserError message reading `yaml` gives, or a note that it gave none.
std::string error_of(const ScratchFolder& folder, const std::string& yaml) {
  try {
    read(folder, yaml);
  } catch (const UserError& error) {
    return error.what();
  }
  return "(no error)";
}

std::string expected_error(const ScratchFolder& folder, int line, const std::string& reason) {
  return display_path(folder.path() / "params/sets.yaml") + ": line " + std::to_string(line) + ": " + reason;
}

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document document;
  document.Parse(json.c_str(), json.size());
  EXPECT_FALSE(document.HasParseError()) << json;
  return document;
}

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

std::vector<std::string> names_of(const std::string& json) {
  std::vector<std::string> names;
  const auto sets = parse(json);
  for (const auto& set : sets.GetArray()) names.push_back(set["name"].GetString());
  return names;
}

TEST(YamlParams, PlainListOfSets) {
  ScratchFolder folder;
  const auto sets = read(folder,
                         "# two sets\n"
                         "- name: small\n"
                         "  a: 5\n"
                         "  b: 8\n"
                         "- a: 1\n");
  EXPECT_EQ(sets.json, R"([{"name":"small","a":5,"b":8},{"a":1}])");
  EXPECT_EQ(sets.set_lines, (std::vector<int>{2, 5}));
  EXPECT_EQ(sets.key_lines, (std::vector<Lines>{{{"name", 2}, {"a", 3}, {"b", 4}}, {{"a", 5}}}));
}

// Python dicts keep the order their keys were written, and the hash of a dict follows it.
TEST(YamlParams, MappingsKeepTheOrderTheirKeysWereWritten) {
  ScratchFolder folder;
  const auto sets = read(folder,
                         "- zeta: 1\n"
                         "  alpha: 2\n"
                         "  d: {b: 2, a: 1}\n"
                         "  nested:\n"
                         "    y: {q: 1, p: 2}\n"
                         "    x: 0\n"
                         "- sweep:\n"
                         "    w: [{k: 1, c: 2}]\n"
                         "  base:\n"
                         "    m.z: 1\n"
                         "    m.a: 2\n");
  EXPECT_EQ(sets.json, R"([{"zeta":1,"alpha":2,"d":{"b":2,"a":1},"nested":{"y":{"q":1,"p":2},"x":0}},)"
                       R"({"name":"w_{\"k\":1,\"c\":2}","m":{"z":1,"a":2},"w":{"k":1,"c":2}}])");
}

TEST(YamlParams, EmptyListGivesNoSets) {
  ScratchFolder folder;
  const auto sets = read(folder, "[]\n");
  EXPECT_EQ(sets.json, "[]");
  EXPECT_TRUE(sets.set_lines.empty());
  EXPECT_TRUE(sets.key_lines.empty());
}

TEST(YamlParams, ScalarsFollowTheCoreSchema) {
  ScratchFolder folder;
  const auto sets = read(folder,
                         "- t1: true\n"
                         "  t2: True\n"
                         "  t3: TRUE\n"
                         "  f1: false\n"
                         "  f2: False\n"
                         "  f3: FALSE\n"
                         "  n1: null\n"
                         "  n2: Null\n"
                         "  n3: NULL\n"
                         "  n4: ~\n"
                         "  n5:\n"
                         "  i1: 5\n"
                         "  i2: -17\n"
                         "  i3: +3\n"
                         "  i4: 0x1F\n"
                         "  i5: 0o17\n"
                         "  i6: 9223372036854775807\n"
                         "  i7: -9223372036854775808\n"
                         "  u1: 18446744073709551615\n"
                         "  d1: 5.0\n"
                         "  d2: 1e-3\n"
                         "  d3: .5\n"
                         "  d4: -2.5E+3\n"
                         "  d5: 1.\n"
                         "  d6: 0.1\n"
                         "  s1: \"5\"\n"
                         "  s2: '5.0'\n"
                         "  s3: \"true\"\n"
                         "  s4: 'null'\n"
                         "  s5: hello world\n"
                         "  s6: yes\n"
                         "  s7: 1.2.3\n"
                         "  s8: 0x1G\n"
                         "  s9: -0x10\n"
                         "  s10: \"\"\n"
                         "  s11: .inf.x\n"
                         "  tagged_str: !!str 42\n"
                         "  tagged_float: !!float 3\n"
                         "  tagged_int: !!int 12\n"
                         "  tagged_bool: !!bool false\n"
                         "  tagged_null: !!null ''\n");
  EXPECT_EQ(sets.json,
            "[{"
            R"("t1":true,"t2":true,"t3":true,"f1":false,"f2":false,"f3":false,)"
            R"("n1":null,"n2":null,"n3":null,"n4":null,"n5":null,)"
            R"("i1":5,"i2":-17,"i3":3,"i4":31,"i5":15,)"
            R"("i6":9223372036854775807,"i7":-9223372036854775808,"u1":18446744073709551615,)"
            R"("d1":5.0,"d2":0.001,"d3":0.5,"d4":-2500.0,"d5":1.0,"d6":0.1,)"
            R"("s1":"5","s2":"5.0","s3":"true","s4":"null","s5":"hello world","s6":"yes",)"
            R"("s7":"1.2.3","s8":"0x1G","s9":"-0x10","s10":"","s11":".inf.x",)"
            R"("tagged_str":"42","tagged_float":3.0,"tagged_int":12,"tagged_bool":false,"tagged_null":null)"
            "}]");

  // The JSON text alone could hide a type slip the host would see, e.g. 5.0 read back as int.
  const auto document = parse(sets.json);
  const auto& set = document[0];
  EXPECT_TRUE(set["i1"].IsInt64());
  EXPECT_TRUE(set["i6"].IsInt64());
  EXPECT_TRUE(set["u1"].IsUint64());
  EXPECT_FALSE(set["u1"].IsInt64());
  EXPECT_TRUE(set["d1"].IsDouble());
  EXPECT_EQ(set["d1"].GetDouble(), 5.0);
  EXPECT_TRUE(set["tagged_float"].IsDouble());
  EXPECT_TRUE(set["s1"].IsString());
}

TEST(YamlParams, NestedMappingsAndLists) {
  ScratchFolder folder;
  const auto sets = read(folder,
                         "- name: nested\n"
                         "  model:\n"
                         "    layers: [1, 2, 3]\n"
                         "    opts: {dropout: 0.5, act: relu}\n"
                         "  schedule:\n"
                         "    - {epoch: 1, lr: 0.1}\n"
                         "    - [a, \"b\", ~]\n"
                         "  empty_list: []\n"
                         "  empty_map: {}\n"
                         "  a.b: literal\n");
  EXPECT_EQ(sets.json, R"([{"name":"nested","model":{"layers":[1,2,3],"opts":{"dropout":0.5,"act":"relu"}},)"
                       R"("schedule":[{"epoch":1,"lr":0.1},["a","b",null]],"empty_list":[],"empty_map":{},)"
                       R"("a.b":"literal"}])");
  EXPECT_EQ(
      sets.key_lines[0],
      (Lines{{"name", 1}, {"model", 2}, {"schedule", 5}, {"empty_list", 8}, {"empty_map", 9}, {"a.b", 10}}));
}

TEST(YamlParams, SetAndKeyLines) {
  ScratchFolder folder;
  const auto sets = read(folder,
                         "# header comment\n"
                         "\n"
                         "- name: first\n"
                         "  a: 1\n"
                         "  nested:\n"
                         "    b: 2\n"
                         "- {name: second, c: 3}\n"
                         "-\n"
                         "  d: 4\n");
  EXPECT_EQ(sets.set_lines, (std::vector<int>{3, 7, 9}));
  EXPECT_EQ(
      sets.key_lines,
      (std::vector<Lines>{{{"name", 3}, {"a", 4}, {"nested", 5}}, {{"name", 7}, {"c", 7}}, {{"d", 9}}}));
}

TEST(YamlParams, SweepIsTheCartesianProductInKeyOrder) {
  ScratchFolder folder;
  const auto sets = read(folder,
                         "- name: before\n"
                         "- base:\n"
                         "    epochs: 10\n"
                         "    optimizer: adam\n"
                         "  sweep:\n"
                         "    lr: [0.1, 0.01, 0.001]\n"
                         "    depth:\n"
                         "      - 1\n"
                         "      - 2\n"
                         "      - 3\n"
                         "      - 4\n"
                         "- name: after\n");
  const std::vector<std::string> expected_names{"before",           "lr_0.1-depth_1",
                                                "lr_0.1-depth_2",   "lr_0.1-depth_3",
                                                "lr_0.1-depth_4",   "lr_0.01-depth_1",
                                                "lr_0.01-depth_2",  "lr_0.01-depth_3",
                                                "lr_0.01-depth_4",  "lr_0.001-depth_1",
                                                "lr_0.001-depth_2", "lr_0.001-depth_3",
                                                "lr_0.001-depth_4", "after"};
  const auto names = names_of(sets.json);
  EXPECT_EQ(names, expected_names);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), 14u);

  const auto document = parse(sets.json);
  ASSERT_EQ(document.Size(), 14u);
  EXPECT_EQ(to_json(document[1]),
            R"({"name":"lr_0.1-depth_1","epochs":10,"optimizer":"adam","lr":0.1,"depth":1})");
  EXPECT_EQ(to_json(document[12]),
            R"({"name":"lr_0.001-depth_4","epochs":10,"optimizer":"adam","lr":0.001,"depth":4})");
  const double lrs[] = {0.1, 0.01, 0.001};
  for (unsigned i = 1; i <= 12; ++i) {
    const auto& set = document[i];
    EXPECT_EQ(set["epochs"].GetInt64(), 10) << i;
    EXPECT_STREQ(set["optimizer"].GetString(), "adam") << i;
    EXPECT_EQ(set["lr"].GetDouble(), lrs[(i - 1) / 4]) << i;
    EXPECT_EQ(set["depth"].GetInt64(), static_cast<std::int64_t>((i - 1) % 4 + 1)) << i;
  }

  ASSERT_EQ(sets.set_lines.size(), 14u);
  EXPECT_EQ(sets.set_lines[0], 1);
  for (unsigned i = 1; i <= 12; ++i) EXPECT_EQ(sets.set_lines[i], 2) << i;
  EXPECT_EQ(sets.set_lines[13], 12);
  // Each swept key points at the line of the value the set took.
  EXPECT_EQ(sets.key_lines[1],
            (Lines{{"name", 5}, {"epochs", 3}, {"optimizer", 4}, {"lr", 6}, {"depth", 8}}));
  EXPECT_EQ(sets.key_lines[12],
            (Lines{{"name", 5}, {"epochs", 3}, {"optimizer", 4}, {"lr", 6}, {"depth", 11}}));
}

TEST(YamlParams, NamedSweepPrefixesItsSetsAndKeepsValuesAsWritten) {
  ScratchFolder folder;
  const auto sets = read(folder,
                         "- name: grid\n"
                         "  sweep:\n"
                         "    opt: [adam, \"sgd\"]\n"
                         "    lr: [1e-3, 0.10]\n");
  EXPECT_EQ(sets.json, R"([{"name":"grid-opt_adam-lr_1e-3","opt":"adam","lr":0.001},)"
                       R"({"name":"grid-opt_adam-lr_0.10","opt":"adam","lr":0.1},)"
                       R"({"name":"grid-opt_sgd-lr_1e-3","opt":"sgd","lr":0.001},)"
                       R"({"name":"grid-opt_sgd-lr_0.10","opt":"sgd","lr":0.1}])");
  EXPECT_EQ(sets.key_lines[0], (Lines{{"name", 1}, {"opt", 3}, {"lr", 4}}));
}

TEST(YamlParams, SweepOverNonScalarValuesNamesThemByCompactJson) {
  ScratchFolder folder;
  const auto sets = read(folder, "- sweep: {shape: [[8, 8], {a: 1}, ~]}\n");
  EXPECT_EQ(sets.json, R"([{"name":"shape_[8,8]","shape":[8,8]},{"name":"shape_{\"a\":1}","shape":{"a":1}},)"
                       R"({"name":"shape_null","shape":null}])");
}

TEST(YamlParams, SweepDottedPathsSetNestedFields) {
  ScratchFolder folder;
  const auto sets = read(folder,
                         "- base:\n"
                         "    model:\n"
                         "      layers: 2\n"
                         "    model.act: relu\n"
                         "    data.path: /tmp/x\n"
                         "  sweep:\n"
                         "    model.units: [8, 16]\n"
                         "    seed: [1]\n");
  EXPECT_EQ(
      sets.json,
      R"([{"name":"model.units_8-seed_1","model":{"layers":2,"act":"relu","units":8},"data":{"path":"/tmp/x"},"seed":1},)"
      R"({"name":"model.units_16-seed_1","model":{"layers":2,"act":"relu","units":16},"data":{"path":"/tmp/x"},"seed":1}])");
  EXPECT_EQ(sets.key_lines[0], (Lines{{"name", 6}, {"model", 7}, {"data", 5}, {"seed", 8}}));
}

TEST(YamlParams, SweptFieldOverridesBaseField) {
  ScratchFolder folder;
  const auto sets =
      read(folder, "- {base: {lr: 1, model: {units: 4}}, sweep: {lr: [2], model.units: [8]}}\n");
  EXPECT_EQ(sets.json, R"([{"name":"lr_2-model.units_8","lr":2,"model":{"units":8}}])");
}

TEST(YamlParams, MalformedYamlNamesItsLine) {
  ScratchFolder folder;
  EXPECT_EQ(error_of(folder, "- a: 1\n- b: [1, 2]]\n- c: 3\n"),
            expected_error(folder, 2, "malformed YAML at column 12: illegal flow end"));
}

TEST(YamlParams, DocumentMustBeOneList) {
  ScratchFolder folder;
  EXPECT_EQ(error_of(folder, "a: 1\nb: 2\n"),
            expected_error(folder, 1, "expected a list of parameter sets, found a mapping"));
  EXPECT_EQ(error_of(folder, "# only a comment\n"),
            expected_error(folder, 1, "expected a list of parameter sets, found an empty document"));
  EXPECT_EQ(error_of(folder, "- a: 1\n---\n- b: 2\n"),
            expected_error(folder, 3, "expected one YAML document, found 2"));
}

// yaml-cpp 0.7's LoadAll loops forever on a stray top-level ',' (found by fuzzing); the reader
// must come back with an error instead, in the first document and in a later one.
TEST(YamlParams, StrayCommaIsAnErrorNotAHang) {
  ScratchFolder folder;
  EXPECT_EQ(error_of(folder, ",: a list}\n"),
            expected_error(folder, 1, "expected a list of parameter sets, found null"));
  EXPECT_EQ(error_of(folder, "- a: 1\n---\n,\n"),
            expected_error(folder, 2, "expected one YAML document, found 2"));
}

// Found by fuzzing: an empty key in a sweep was checked by reading its first and last character.
TEST(YamlParams, EmptySweepPathIsAnError) {
  ScratchFolder folder;
  EXPECT_EQ(error_of(folder, "- sweep: {\"\": [1]}\n"),
            expected_error(folder, 1, "'' is not a valid field path"));
  EXPECT_EQ(error_of(folder, "- sweep: {a: [1]}\n  base: {'': 2}\n"),
            expected_error(folder, 2, "'' is not a valid field path"));
}

// Errors quote the file; what they quote cannot break them over several lines.
TEST(YamlParams, ErrorsQuotingTheFileStayOnOneLine) {
  ScratchFolder folder;
  EXPECT_EQ(error_of(folder, "- \"a\\nb\": 1\n  \"a\\nb\": 2\n"),
            expected_error(folder, 2, "duplicate key 'a\\nb'"));
  EXPECT_EQ(error_of(folder, "- x: !!int \"1\\r\\u0001\"\n"),
            expected_error(folder, 1, "'1\\r\\x01' is not a valid !!int"));
}

TEST(YamlParams, ItemMustBeAMapping) {
  ScratchFolder folder;
  EXPECT_EQ(error_of(folder, "- a: 1\n- just text\n"),
            expected_error(folder, 2, "a parameter set must be a mapping, found a scalar"));
  EXPECT_EQ(error_of(folder, "- a: 1\n- [1, 2]\n"),
            expected_error(folder, 2, "a parameter set must be a mapping, found a list"));
}

TEST(YamlParams, DuplicateKeyNamesItsLine) {
  ScratchFolder folder;
  EXPECT_EQ(error_of(folder, "- a: 1\n  b: 2\n  a: 3\n"), expected_error(folder, 3, "duplicate key 'a'"));
  EXPECT_EQ(error_of(folder, "- a:\n    x: 1\n    x: 2\n"), expected_error(folder, 3, "duplicate key 'x'"));
  EXPECT_EQ(error_of(folder, "- {a: 1, \"a\": 2}\n"), expected_error(folder, 1, "duplicate key 'a'"));
}

TEST(YamlParams, KeysMustBeScalars) {
  ScratchFolder folder;
  EXPECT_EQ(error_of(folder, "- a: 1\n  ? [1, 2]\n  : x\n"),
            expected_error(folder, 2, "mapping keys must be scalars, found a list"));
}

TEST(YamlParams, NumbersJsonCannotHoldAreErrors) {
  ScratchFolder folder;
  EXPECT_EQ(error_of(folder, "- a: 1\n  x: .inf\n"),
            expected_error(folder, 2, "'.inf' is infinite, which JSON cannot hold"));
  EXPECT_EQ(error_of(folder, "- x: -.Inf\n"),
            expected_error(folder, 1, "'-.Inf' is infinite, which JSON cannot hold"));
  EXPECT_EQ(error_of(folder, "- x: .NaN\n"),
            expected_error(folder, 1, "'.NaN' is not a number, which JSON cannot hold"));
  EXPECT_EQ(error_of(folder, "- x: 1e999\n"),
            expected_error(folder, 1, "'1e999' is out of range for a double"));
  EXPECT_EQ(error_of(folder, "- x: 18446744073709551616\n"),
            expected_error(folder, 1, "integer '18446744073709551616' does not fit in 64 bits"));
  EXPECT_EQ(error_of(folder, "- x: -9223372036854775809\n"),
            expected_error(folder, 1, "integer '-9223372036854775809' does not fit in 64 bits"));
}

TEST(YamlParams, UnsupportedOrMismatchedTagsAreErrors) {
  ScratchFolder folder;
  EXPECT_EQ(error_of(folder, "- x: !custom 1\n"), expected_error(folder, 1, "unsupported tag '!custom'"));
  EXPECT_EQ(error_of(folder, "- x: !!int abc\n"), expected_error(folder, 1, "'abc' is not a valid !!int"));
  EXPECT_EQ(error_of(folder, "- x: !!set {a: 1}\n"), expected_error(folder, 1, "unsupported tag '!!set'"));
}

TEST(YamlParams, RecursiveAliasIsAnError) {
  ScratchFolder folder;
  EXPECT_EQ(error_of(folder, "- &a {x: *a}\n"),
            expected_error(folder, 1, "nested deeper than 100 levels (a recursive alias?)"));
}

TEST(YamlParams, SweepErrors) {
  ScratchFolder folder;
  EXPECT_EQ(error_of(folder, "- sweep:\n    lr: []\n"),
            expected_error(folder, 2, "sweep field 'lr' needs a non-empty list of values"));
  EXPECT_EQ(error_of(folder, "- sweep:\n    lr: 0.1\n"),
            expected_error(folder, 2, "sweep field 'lr' needs a non-empty list of values"));
  EXPECT_EQ(error_of(folder, "- sweep:\n    lr: [1]\n  epochs: 3\n"),
            expected_error(folder, 3, "unknown key 'epochs' in a sweep item (allowed: sweep, base, name)"));
  EXPECT_EQ(error_of(folder, "- a: 1\n- sweep: [1, 2]\n"),
            expected_error(folder, 2, "'sweep' must be a mapping from field to a list of values"));
  EXPECT_EQ(error_of(folder, "- sweep: {}\n"),
            expected_error(folder, 1, "'sweep' must list at least one field"));
  EXPECT_EQ(error_of(folder, "- sweep: {lr: [1]}\n  base: [1]\n"),
            expected_error(folder, 2, "a sweep's 'base' must be a mapping of fields"));
  EXPECT_EQ(error_of(folder, "- sweep: {lr: [1]}\n  name: [x]\n"),
            expected_error(folder, 2, "a sweep's 'name' must be a non-empty scalar"));
  EXPECT_EQ(error_of(folder, "- sweep:\n    lr: [0.1, 0.2,\n         0.1]\n"),
            expected_error(folder, 3, "sweep field 'lr' lists '0.1' twice"));
  EXPECT_EQ(error_of(folder, "- sweep: {lr: [1]}\n  base: {name: x}\n"),
            expected_error(folder, 2, "a sweep cannot set 'name'; it names each generated set"));
  EXPECT_EQ(error_of(folder, "- sweep: {model..units: [1]}\n"),
            expected_error(folder, 1, "'model..units' is not a valid field path"));
  EXPECT_EQ(error_of(folder, "- base: {model: 5}\n  sweep:\n    model.units: [1]\n"),
            expected_error(folder, 3, "'model.units' sets a field inside 'model', which is not a mapping"));
  EXPECT_EQ(error_of(folder, "- sweep: {a: [\"1-b_2\", \"1\"], b: [\"3\", \"2-b_3\"]}\n"),
            expected_error(folder, 1, "the sweep generates the set name 'a_1-b_2-b_3' twice"));
  EXPECT_EQ(error_of(folder, "- sweep:\n    lr: [1]\n    lr: [2]\n"),
            expected_error(folder, 3, "duplicate key 'lr'"));
}

TEST(YamlParams, OversizedSweepIsAnError) {
  ScratchFolder folder;
  std::string twenty = "[";
  for (int i = 0; i < 20; ++i) twenty += std::to_string(i) + (i < 19 ? ", " : "]");
  const std::string yaml = "- sweep:\n    a: " + twenty + "\n    b: " + twenty + "\n    c: " + twenty +
                           "\n    d: " + twenty + "\n";
  EXPECT_EQ(error_of(folder, yaml), expected_error(folder, 1, "the sweep generates more than 100000 sets"));
}

TEST(YamlParams, UnreadableFileIsAnError) {
  ScratchFolder folder;
  const auto missing = folder.path() / "missing.yaml";
  try {
    read_yaml_param_sets(missing);
    FAIL() << "no error";
  } catch (const UserError& error) {
    EXPECT_EQ(std::string(error.what()), display_path(missing) + ": cannot be read");
  }
}

}  // namespace
}  // namespace cf::host

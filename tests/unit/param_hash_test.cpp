// Hash vectors: those of SEMANTICS.md and further cases computed with the original's rule
// (Python: sum of int(md5(f"{name}{value!r}"), 16), formatted with "{:x}").
#include "params/param_hash.hpp"

#include <gtest/gtest.h>
#include <curifactory/curifactory.hpp>

#include <optional>

namespace hash_test {

std::string hash_of_json(const std::string& representations) {
  rapidjson::Document document;
  document.Parse(representations.c_str());
  return cf::host::hash_representations(document);
}

template <class P>
std::string hash_of(const P& params) {
  rapidjson::StringBuffer buffer;
  cf::json_writer writer(buffer);
  cf::write_hash_representations(writer, params);
  return hash_of_json(buffer.GetString());
}

struct Ab {
  int a = 5;
  int b = 8;
};
CF_PARAMS(Ab, a, b);

struct Model {
  int model_size = 9000;
  int num_gpus = 1;
};
CF_PARAMS(Model, model_size, num_gpus);

struct Mixed {
  double lr = 4500.0;
  std::string label = "it's";
  bool flag = true;
  std::vector<int> layers = {0, 1, 2};
  std::map<std::string, int> extra = {{"a", 1}};
  std::optional<int> later;
};
CF_PARAMS(Mixed, lr, label, flag, layers, extra, later);

struct Outer {
  Ab inner;
  double scale = 0.1;
};
CF_PARAMS(Outer, inner, scale);

struct WithOptions {
  int a = 5;
  int b = 8;
  int verbose = 3;
  std::string model = "big-model";
};
CF_PARAMS(WithOptions, a, b, verbose, model);
CF_HASH(WithOptions, cf::hash_ignore("verbose"),
        cf::hash_repr("model", [](const WithOptions& p) { return p.model.substr(0, 3); }));

TEST(ParamHash, VectorsOfTheSemantics) {
  EXPECT_EQ(hash_of(Ab{}), "a8a97ac6322ee2448f22f7d168a4c154");
  EXPECT_EQ(hash_of(Model{}), "1ae3169d21cc23f1665561f7e91fe266e");  // the sum carries past 128 bits
  EXPECT_EQ(hash_of_json("{}"), "0");
}

TEST(ParamHash, MixedValueTypesMatchPython) {
  // Python: lr=4500.0, label="it's", flag=True, layers=[0, 1, 2], extra={'a': 1}, later=None
  EXPECT_EQ(hash_of(Mixed{}), "1d806efcc5eb216ca42d8dda727870572");
}

TEST(ParamHash, NullFieldsAreSkippedSoNewOptionalFieldsKeepOldHashes) {
  Mixed with_later;
  with_later.later = 3;
  EXPECT_NE(hash_of(with_later), hash_of(Mixed{}));
  EXPECT_EQ(
      hash_of_json(
          R"({"lr":"4500.0","label":"\"it's\"","flag":"True","layers":"[0, 1, 2]","extra":"{'a': 1}"})"),
      hash_of(Mixed{}));
}

TEST(ParamHash, NestedStructsContributeTheirOwnFields) {
  // Python: md5("a5") + md5("b8") + md5("scale0.1")
  EXPECT_EQ(hash_of(Outer{}), "17526dcc5d775c63724b0511b28b2132f");
  EXPECT_EQ(hash_of_json(R"({"inner":{"a":"5","b":"8"},"scale":"0.1"})"), hash_of(Outer{}));
}

TEST(ParamHash, IgnoredAndCustomRepresentations) {
  // Python: a=5, b=8, verbose ignored (None), model hashed as the string 'big' (str(), not repr)
  EXPECT_EQ(hash_of(WithOptions{}), hash_of_json(R"({"a":"5","b":"8","model":"big"})"));
  WithOptions louder;
  louder.verbose = 0;
  EXPECT_EQ(hash_of(louder), hash_of(WithOptions{}));
  EXPECT_EQ(hash_of(WithOptions{}), "11309f19056d589ce4f8dbbd2261a8260");
}

TEST(ParamHash, AggregateHashOfTheOriginal) {
  // Python: hashlib.md5(str(['None', '0']).encode()).hexdigest()
  EXPECT_EQ(cf::host::aggregate_hash("", {"0"}), cf::host::md5_hex("['None', '0']"));
  EXPECT_EQ(cf::host::aggregate_hash("abc", {"f1", "0e"}), cf::host::md5_hex("['abc', '0e', 'f1']"));
  EXPECT_EQ(cf::host::md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(PythonRepr, Floats) {
  const std::pair<double, const char*> cases[] = {
      {4500.0, "4500.0"},  {0.1, "0.1"},
      {1e-5, "1e-05"},     {0.0001, "0.0001"},
      {1e16, "1e+16"},     {1e15, "1000000000000000.0"},
      {1.5e16, "1.5e+16"}, {123456789012345678.0, "1.2345678901234568e+17"},
      {-0.0, "-0.0"},      {0.0, "0.0"},
      {1e22, "1e+22"},     {2.5e-300, "2.5e-300"},
      {-3.25, "-3.25"},    {1.0 / 3.0, "0.3333333333333333"},
      {5e-324, "5e-324"},  {1.7976931348623157e308, "1.7976931348623157e+308"}};
  for (const auto& [value, expected] : cases) EXPECT_EQ(cf::python_repr(value), expected) << expected;
  EXPECT_EQ(cf::python_repr(std::numeric_limits<double>::infinity()), "inf");
}

TEST(PythonRepr, StringsFollowPythonQuoting) {
  EXPECT_EQ(cf::python_repr(std::string("text")), "'text'");
  EXPECT_EQ(cf::python_repr(std::string("it's")), "\"it's\"");
  EXPECT_EQ(cf::python_repr(std::string("a\"b")), "'a\"b'");
  EXPECT_EQ(cf::python_repr(std::string("both ' and \"")), "'both \\' and \"'");
  EXPECT_EQ(cf::python_repr(std::string("tab\there\n\\")), "'tab\\there\\n\\\\'");
  EXPECT_EQ(cf::python_repr(std::string("\x01\x7f\u0080\u00a0\u00ad é ü 日本 \u2028")),
            "'\\x01\\x7f\\x80\\xa0\\xad é ü 日本 \\u2028'");
}

// python_repr with the JSON a value was read from, as normalising a set writes its hash terms.
template <class T>
std::string repr_from(const std::string& json) {
  rapidjson::Document document;
  document.Parse(json.c_str());
  T value{};
  cf::from_json(document, value, "");
  std::string out;
  cf::python_repr(out, value, &document);
  return out;
}

TEST(PythonRepr, FloatingValuesReadFromIntegersPrintAsPythonInts) {
  EXPECT_EQ(repr_from<double>("1"), "1");  // Python: repr(yaml.safe_load("1"))
  EXPECT_EQ(repr_from<double>("1.0"), "1.0");
  EXPECT_EQ(repr_from<double>("-7"), "-7");
  EXPECT_EQ(repr_from<float>("16777217"), "16777217");  // as written, though a float cannot hold it
  EXPECT_EQ(repr_from<double>("18446744073709551615"), "18446744073709551615");
  EXPECT_EQ(repr_from<std::vector<double>>("[1, 2.0, 3]"), "[1, 2.0, 3]");
  EXPECT_EQ(repr_from<std::optional<double>>("2"), "2");
  EXPECT_EQ((repr_from<std::map<std::string, double>>(R"({"a": 1, "b": 0.5})")), "{'a': 1, 'b': 0.5}");
  // Without the input, or once the value no longer is what was read, the float's own repr.
  EXPECT_EQ(cf::python_repr(1.0), "1.0");
  std::string out;
  rapidjson::Document two;
  two.Parse("2");
  cf::python_repr(out, 3.0, &two);
  EXPECT_EQ(out, "3.0");
}

TEST(PythonRepr, MapsReadFromJsonKeepTheInputsKeyOrder) {
  using Map = std::map<std::string, int>;
  EXPECT_EQ(repr_from<Map>(R"({"b": 2, "a": 1})"), "{'b': 2, 'a': 1}");     // Python: repr({'b': 2, 'a': 1})
  EXPECT_EQ(cf::python_repr(Map{{"b", 2}, {"a", 1}}), "{'a': 1, 'b': 2}");  // built in C++: sorted
  EXPECT_EQ(repr_from<cf::ordered_map<int>>(R"({"b": 2, "a": 1})"), "{'b': 2, 'a': 1}");
  EXPECT_EQ(cf::python_repr(cf::ordered_map<int>{{"z", 1}, {"y", 2}}), "{'z': 1, 'y': 2}");
}

struct Layer {
  int units = 8;
  std::string activation = "relu";
  double rate = 0.5;
};
CF_PARAMS(Layer, units, activation, rate);
CF_HASH(Layer, cf::hash_ignore("rate"));

namespace nets {
struct Block {
  std::vector<Layer> layers;
  std::optional<Layer> head;
};
CF_PARAMS(nets::Block, layers, head);
}  // namespace nets

struct Network {
  std::vector<Layer> layers;
  std::map<std::string, nets::Block> blocks;
  Layer direct;
};
CF_PARAMS(Network, layers, blocks, direct);

TEST(PythonRepr, ParamsStructsInContainersPrintAsDataclasses) {
  // Python, with @dataclass class Layer: units: int = 8; activation: str = 'relu'; rate: float = 0.5
  // and class Block: layers: list; head: Optional[Layer] = None (in a namespace, shown without it).
  EXPECT_EQ(cf::python_repr(std::vector<Layer>{{}, {4, "tanh", 1.5}}),
            "[Layer(units=8, activation='relu', rate=0.5), Layer(units=4, activation='tanh', rate=1.5)]");
  EXPECT_EQ(cf::python_repr(std::vector<nets::Block>{nets::Block{{Layer{}}, Layer{}}}),
            "[Block(layers=[Layer(units=8, activation='relu', rate=0.5)], head=Layer(units=8, "
            "activation='relu', rate=0.5))]");
  EXPECT_EQ(repr_from<std::vector<Layer>>(R"([{"rate": 2}])"), "[Layer(units=8, activation='relu', rate=2)]");
}

TEST(ParamHash, ParamsStructsInContainersHashAsTheirDataclassRepr) {
  Network network;
  network.layers = {Layer{4, "tanh", 0.5}};
  network.blocks = {{"q", nets::Block{{}, Layer{}}}};
  // Python: h("layers" + repr([Layer(4, 'tanh')]), "blocks" + repr({'q': Block([], Layer())}),
  // "units8", "activation'relu'") with
  // h = lambda *t: format(sum(int(hashlib.md5(x.encode()).hexdigest(), 16) for x in t), "x"); a
  // direct struct adds its own fields, without the ignored rate.
  EXPECT_EQ(hash_of(network), "159504e7159446743f00c0725a3fa1652");
}

TEST(ParamHash, HashTermsFollowTheInputTheSetWasReadFrom) {
  rapidjson::Document input;
  input.Parse(R"({"lr": 4500, "extra": {"b": 2, "a": 1}})");
  Mixed mixed;
  cf::from_json_object(input, mixed, "");
  rapidjson::StringBuffer buffer;
  cf::json_writer writer(buffer);
  cf::write_hash_representations(writer, mixed, &input);
  // The defaults (label, flag, layers) as always; lr and extra as the input wrote them.
  EXPECT_EQ(
      std::string(buffer.GetString()),
      R"({"lr":"4500","label":"\"it's\"","flag":"True","layers":"[0, 1, 2]","extra":"{'b': 2, 'a': 1}"})");
  // Python: h("lr4500", "label\"it's\"", "flagTrue", "layers[0, 1, 2]", "extra{'b': 2, 'a': 1}")
  EXPECT_EQ(hash_of_json(buffer.GetString()), "1d0dda233bd5de85e46e00e5db12c4b43");
}

TEST(PythonRepr, Containers) {
  EXPECT_EQ(cf::python_repr(std::vector<int>{0, 1, 2}), "[0, 1, 2]");
  EXPECT_EQ(cf::python_repr(std::map<std::string, int>{{"a", 1}}), "{'a': 1}");
  EXPECT_EQ(cf::python_repr(std::vector<std::optional<double>>{1.0, std::nullopt}), "[1.0, None]");
  EXPECT_EQ(cf::python_repr(true), "True");
  EXPECT_EQ(cf::python_repr(std::vector<std::string>{}), "[]");
}

}  // namespace hash_test

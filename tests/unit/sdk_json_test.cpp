// The SDK's JSON <-> typed-struct mapping, compiled here exactly as a plugin compiles it.
#include <curifactory/curifactory.hpp>

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sdk_test {

struct Layer {
  int units = 8;
  std::string activation = "relu";
};
CF_PARAMS(Layer, units, activation);

struct Model {
  std::vector<Layer> layers;
  std::map<std::string, double> rates;
  std::optional<int> seed;
  bool dropout = false;
  double lr = 0.1;
  std::uint8_t small = 1;
};
CF_PARAMS(Model, layers, rates, seed, dropout, lr, small);

Model parse(const std::string& json) {
  rapidjson::Document document;
  document.Parse(json.c_str());
  Model model;
  cf::from_json(document, model, "");
  return model;
}

std::string write(const Model& model) {
  rapidjson::StringBuffer buffer;
  cf::json_writer writer(buffer);
  cf::to_json(writer, model);
  return buffer.GetString();
}

std::string error_of(const std::string& json) {
  try {
    parse(json);
  } catch (const cf::json_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(SdkJson, RoundTripsNestedValues) {
  const Model model = parse(
      R"({"layers":[{"units":4},{"activation":"tanh"}],"rates":{"a":0.5},"seed":7,"dropout":true,"lr":1e-3})");
  ASSERT_EQ(model.layers.size(), 2u);
  EXPECT_EQ(model.layers[0].units, 4);
  EXPECT_EQ(model.layers[0].activation, "relu");
  EXPECT_EQ(model.layers[1].units, 8);
  EXPECT_EQ(model.rates.at("a"), 0.5);
  EXPECT_EQ(model.seed, 7);
  EXPECT_TRUE(model.dropout);
  EXPECT_EQ(
      write(model),
      R"({"layers":[{"units":4,"activation":"relu"},{"units":8,"activation":"tanh"}],"rates":{"a":0.5},)"
      R"("seed":7,"dropout":true,"lr":0.001,"small":1})");
  EXPECT_EQ(write(parse(write(model))), write(model));
}

TEST(SdkJson, AbsentFieldsKeepDefaultsAndNullClearsOptionals) {
  const Model model = parse(R"({"seed":null})");
  EXPECT_FALSE(model.seed.has_value());
  EXPECT_EQ(model.lr, 0.1);
  EXPECT_EQ(write(model), R"({"layers":[],"rates":{},"seed":null,"dropout":false,"lr":0.1,"small":1})");
}

TEST(SdkJson, MistypedValuesNameTheirPath) {
  EXPECT_EQ(error_of(R"({"lr":"fast"})"), "field 'lr': expected a number, got a string");
  EXPECT_EQ(error_of(R"({"layers":[{"units":1.5}]})"),
            "field 'layers[0].units': expected an integer, got a number");
  EXPECT_EQ(error_of(R"({"rates":{"a":true}})"), "field 'rates['a']': expected a number, got a boolean");
  EXPECT_EQ(error_of(R"({"small":300})"), "field 'small': integer out of range");
  EXPECT_EQ(error_of(R"({"dropout":1})"), "field 'dropout': expected a boolean, got an integer");
}

TEST(SdkJson, UnknownKeysSuggestTheClosestField) {
  EXPECT_EQ(error_of(R"({"dropuot":true})"), "unknown field 'dropuot' (did you mean 'dropout'?)");
  EXPECT_EQ(error_of(R"({"layers":[{"unit":3}]})"),
            "unknown field 'layers[0].unit' (did you mean 'layers[0].units'?)");
  EXPECT_EQ(error_of(R"({"completely_different":1})"), "unknown field 'completely_different'");
}

TEST(SdkJson, ParamSetsKeepNameAndHashOutsideTheStruct) {
  rapidjson::Document document;
  document.Parse(R"([{"name":"a","hash":"ff","lr":0.5},{"dropout":true}])");
  const auto sets = cf::detail::read_param_sets<Model>(document);
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(sets[0].name, "a");
  EXPECT_EQ(sets[0].hash, "ff");
  EXPECT_EQ(sets[0].params.lr, 0.5);
  EXPECT_EQ(sets[1].name, "UNNAMED");
  document.Parse(R"([{"name":"bad","lr":[]}])");
  try {
    cf::detail::read_param_sets<Model>(document);
    FAIL() << "expected an error";
  } catch (const cf::json_error& e) {
    EXPECT_STREQ(e.what(), "parameter set 0 ('bad'): field 'lr': expected a number, got a list");
  }
}

struct Ordered {
  cf::ordered_map<int> counts;
  std::map<std::string, int> sorted;
};
CF_PARAMS(Ordered, counts, sorted);

TEST(SdkJson, OrderedMapsKeepTheOrderKeysWereWritten) {
  rapidjson::Document document;
  document.Parse(R"({"counts":{"b":2,"a":1,"c":3},"sorted":{"b":2,"a":1}})");
  Ordered ordered;
  cf::from_json(document, ordered, "");
  std::string keys;
  for (const auto& [key, value] : ordered.counts) keys += key + std::to_string(value);
  EXPECT_EQ(keys, "b2a1c3");
  rapidjson::StringBuffer buffer;
  cf::json_writer writer(buffer);
  cf::to_json(writer, ordered);
  EXPECT_EQ(std::string(buffer.GetString()), R"({"counts":{"b":2,"a":1,"c":3},"sorted":{"a":1,"b":2}})");
  document.Parse(R"({"counts":{"b":"x"}})");
  try {
    cf::from_json(document, ordered, "");
    FAIL() << "expected an error";
  } catch (const cf::json_error& e) {
    EXPECT_STREQ(e.what(), "field 'counts['b']': expected an integer, got a string");
  }
}

TEST(SdkJson, OrderedMapBehavesLikeAMapInInsertionOrder) {
  cf::ordered_map<int> map{{"x", 1}, {"a", 2}, {"x", 3}};  // a repeated key keeps its first value
  EXPECT_EQ(map.size(), 2u);
  EXPECT_EQ(map.at("x"), 1);
  map["new"] += 5;
  EXPECT_FALSE(map.insert({"a", 9}).second);
  EXPECT_FALSE(map.insert_or_assign("a", 9).second);  // keeps its place, takes the value
  EXPECT_TRUE(map.try_emplace("last", 7).second);
  EXPECT_EQ(map.erase("x"), 1u);
  EXPECT_EQ(map.erase("x"), 0u);
  std::string entries;
  for (const auto& [key, value] : map) entries += key + "=" + std::to_string(value) + " ";
  EXPECT_EQ(entries, "a=9 new=5 last=7 ");
  EXPECT_TRUE(map.contains("new"));
  EXPECT_EQ(map.count("gone"), 0u);
  EXPECT_THROW(map.at("gone"), std::out_of_range);
  EXPECT_NE(map, (cf::ordered_map<int>{{"new", 5}, {"a", 9}, {"last", 7}}));  // same entries, other order
  EXPECT_EQ(map, (cf::ordered_map<int>{{"a", 9}, {"new", 5}, {"last", 7}}));
  map.clear();
  EXPECT_TRUE(map.empty());
}

}  // namespace sdk_test

// The `json` cacher through the real built plugin: every JSON-shaped value coming back as the
// same MessagePack bytes, floats bit-exact, the exact text it writes, typed arrays as lists, and
// every error for values JSON cannot hold, bad options and bad files.
#include "support/cacher_harness.hpp"
#include "support/error_of.hpp"

#include <curifactory/artifact.hpp>

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace cacher_json_test {

using cf::test::CacherHarness;
using cf::test::contains;
using cf::test::error_of;
using cf::test::read_text;

struct Inner {
  std::string label;
  std::vector<std::string> tags;
  friend bool operator==(const Inner&, const Inner&) = default;
};
CF_FIELDS(Inner, label, tags);

struct Summary {
  std::string name;
  std::int64_t count = 0;
  std::uint64_t big = 0;
  double score = 0;
  float rate = 0;
  bool done = false;
  std::optional<int> seed;
  std::map<std::string, double> metrics;
  std::vector<Inner> parts;
  friend bool operator==(const Summary&, const Summary&) = default;
};
CF_FIELDS(Summary, name, count, big, score, rate, done, seed, metrics, parts);

struct Small {
  std::string name;
  std::int64_t count = 0;
  double score = 0;
  bool done = false;
  std::optional<int> seed;
  std::vector<std::string> tags;
  std::map<std::string, double> metrics;
};
CF_FIELDS(Small, name, count, score, done, seed, tags, metrics);

struct Weights {
  std::vector<double> weights;
};
CF_FIELDS(Weights, weights);
struct Model {
  Weights model;
};
CF_FIELDS(Model, model);

void write_bytes(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

bool ends_with(const std::string& text, const std::string& end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

// Saves `value` and checks the artifact loads back as exactly the bytes the SDK encoded.
template <class T>
void expect_same_bytes(CacherHarness& harness, const T& value, std::string_view options = "") {
  const std::string artifact = cf::encode_artifact(value);
  const auto path = harness.save("json", artifact, "same", options);
  EXPECT_EQ(harness.load("json", path, options), artifact) << read_text(path);
}

// The message of a failed save, without the host's "... cacher 'json' could not save <path>: ".
std::string save_error(CacherHarness& harness, std::string_view artifact, std::string_view options = "") {
  const std::string error = error_of([&] { harness.save("json", artifact, "bad", options); });
  const std::string prefix = "cacher 'json' could not save ";
  const std::size_t start = error.find(prefix);
  if (start == std::string::npos) return error;
  const std::size_t colon = error.find(": ", start + prefix.size());
  return colon == std::string::npos ? error : error.substr(colon + 2);
}

std::string load_error(CacherHarness& harness, const std::string& text, std::string_view options = "") {
  const auto path = harness.folder() / "bad.json";
  write_bytes(path, text);
  return error_of([&] { harness.load("json", path, options); });
}

TEST(CacherJson, IsRegisteredWithItsExtension) {
  CacherHarness harness;
  EXPECT_STREQ(harness.registry().get("json").extension, ".json");
}

TEST(CacherJson, ScalarsComeBackAsTheSameMessagePack) {
  CacherHarness harness;
  expect_same_bytes(harness, std::numeric_limits<std::uint64_t>::max());
  expect_same_bytes(harness, std::numeric_limits<std::int64_t>::min());
  expect_same_bytes(harness, std::numeric_limits<std::int64_t>::max());
  expect_same_bytes(harness, std::int64_t{-1});
  expect_same_bytes(harness, std::uint64_t{0});
  expect_same_bytes(harness, true);
  expect_same_bytes(harness, false);
  expect_same_bytes(harness, std::optional<int>());
  for (double d :
       {0.1, 1e300, 2.0, -0.0, 0.0, -2.5, 5e-324, 2.2250738585072014e-308, std::numeric_limits<double>::max(),
        std::numeric_limits<double>::lowest(), 1e21, 1e22, 1e-7, 123456789012345680.0,
        std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
    expect_same_bytes(harness, d);
  }
  expect_same_bytes(harness, std::string());
  expect_same_bytes(harness, std::string("plain"));

  EXPECT_EQ(harness.round_trip("json", std::numeric_limits<std::uint64_t>::max()),
            std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(harness.round_trip("json", std::numeric_limits<std::int64_t>::min()),
            std::numeric_limits<std::int64_t>::min());
  EXPECT_TRUE(std::signbit(harness.round_trip("json", -0.0)));
  // NaN comes back as a NaN (the quiet one: its sign and payload bits are not kept).
  EXPECT_TRUE(std::isnan(harness.round_trip("json", std::numeric_limits<double>::quiet_NaN())));
  EXPECT_TRUE(std::isnan(harness.round_trip("json", -std::numeric_limits<double>::quiet_NaN())));
  EXPECT_EQ(harness.round_trip("json", std::numeric_limits<double>::infinity()),
            std::numeric_limits<double>::infinity());
}

TEST(CacherJson, IntegralFloatsStayFloats) {
  CacherHarness harness;
  const auto path = harness.save("json", cf::encode_artifact(std::vector<std::string>{}), "list");
  EXPECT_EQ(read_text(path), "[]\n");
  const auto two = harness.save("json", cf::encode_artifact(2.0), "two");
  EXPECT_EQ(read_text(two), "2.0\n");
  const auto big = harness.save("json", cf::encode_artifact(1e300), "big");
  EXPECT_EQ(read_text(big), "1e300\n");
  // A float MessagePack value, not the integer 2 (which would be 0x02).
  EXPECT_EQ(harness.load("json", two), std::string("\xcb\x40\0\0\0\0\0\0\0", 9));
  const auto special =
      harness.save("json",
                   cf::encode_artifact(std::vector<std::optional<double>>{
                       std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                       -std::numeric_limits<double>::infinity()}),
                   "special", R"({"indent": 0})");
  EXPECT_EQ(read_text(special), "[NaN,Infinity,-Infinity]\n");
}

TEST(CacherJson, RandomDoublesAreBitExact) {
  CacherHarness harness;
  std::mt19937_64 random(2024);
  std::vector<double> values;
  while (values.size() < 50000) {
    const double d = std::bit_cast<double>(random());
    if (!std::isnan(d)) values.push_back(d);
  }
  // Short decimals too, where a sloppy parser rounds the wrong way.
  std::uniform_int_distribution<int> digits(0, 999999);
  for (int i = 0; i < 20000; ++i) values.push_back(digits(random) / 1000.0 + digits(random) * 1e-9);
  const auto back = harness.round_trip("json", values, R"({"arrays": "lists"})");
  ASSERT_EQ(back.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    ASSERT_EQ(std::bit_cast<std::uint64_t>(back[i]), std::bit_cast<std::uint64_t>(values[i]))
        << values[i] << " came back as " << back[i];
  }
}

TEST(CacherJson, Float32IsWrittenShortAndComesBackAsFloat64) {
  CacherHarness harness;
  const auto path =
      harness.save("json", cf::encode_artifact(std::vector<std::optional<float>>{0.1f, 2.0f, 1e30f}),
                   "floats", R"({"indent": 0})");
  EXPECT_EQ(read_text(path), "[0.1,2.0,1e+30]\n");
  const std::string loaded = harness.load("json", path);
  // float64 0.1, the decimal value written, not the float32's exact 0.100000001490116...
  EXPECT_EQ(cf::decode_artifact<std::vector<double>>(loaded), (std::vector<double>{0.1, 2.0, 1e30}));
  EXPECT_EQ(loaded.substr(1, 9), std::string("\xcb\x3f\xb9\x99\x99\x99\x99\x99\x9a", 9));
  // ... which decodes into a float as the same float.
  EXPECT_EQ(cf::decode_artifact<std::vector<float>>(loaded), (std::vector<float>{0.1f, 2.0f, 1e30f}));

  std::mt19937 random(5);
  std::vector<float> floats;
  while (floats.size() < 20000) {
    const float f = std::bit_cast<float>(static_cast<std::uint32_t>(random()));
    if (!std::isnan(f)) floats.push_back(f);
  }
  const auto back = harness.round_trip("json", floats, R"({"arrays": "lists"})");
  ASSERT_EQ(back.size(), floats.size());
  for (std::size_t i = 0; i < floats.size(); ++i) {
    ASSERT_EQ(std::bit_cast<std::uint32_t>(back[i]), std::bit_cast<std::uint32_t>(floats[i])) << floats[i];
  }
}

TEST(CacherJson, StringsWithUnicodeAndControlCharacters) {
  CacherHarness harness;
  const std::string unicode = "héllo wörld ☃ 😀 日本語";
  // sizeof, not a count by hand: the literal holds a NUL, and a length past its end reads beyond it.
  constexpr char kControl[] =
      "tab\t newline\n return\r quote\" backslash\\ slash/ nul\0 bell\x07 del\x7f esc\x1b";
  const std::string control(kControl, sizeof kControl - 1);
  expect_same_bytes(harness, unicode);
  expect_same_bytes(harness, control);
  expect_same_bytes(harness, std::map<std::string, std::string>{{control, unicode}, {unicode, control}});
  EXPECT_EQ(harness.round_trip("json", control), control);

  const auto path = harness.save("json", cf::encode_artifact(std::string("a\x01\"\n☃", 7)), "escaped");
  EXPECT_EQ(read_text(path), "\"a\\u0001\\\"\\n☃\"\n");
}

TEST(CacherJson, NestedMapsListsAndStructs) {
  CacherHarness harness;
  const std::map<std::string, std::vector<std::map<std::string, std::optional<double>>>> nested{
      {"a", {{{"x", 1.5}, {"y", std::nullopt}}, {}}}, {"b", {}}, {"", {{{"", -0.0}}}}};
  expect_same_bytes(harness, nested);
  const std::vector<std::vector<std::vector<std::string>>> lists{{{"a"}, {}}, {}, {{"b", "c"}}};
  expect_same_bytes(harness, lists);
  expect_same_bytes(harness, std::map<std::string, int>{});

  const Summary summary{"run",
                        -42,
                        std::numeric_limits<std::uint64_t>::max(),
                        0.1,
                        0.25f,
                        true,
                        std::nullopt,
                        {{"loss", 0.5}, {"accuracy", 2.0}},
                        {{"first", {"x", "y"}}, {"second", {}}}};
  EXPECT_EQ(harness.round_trip("json", summary), summary);
  Summary seeded = summary;
  seeded.seed = -7;
  EXPECT_EQ(harness.round_trip("json", seeded), seeded);
}

TEST(CacherJson, WritesIndentedJsonText) {
  CacherHarness harness;
  const Small small{"run \"1\"", -3, 2.5, true, std::nullopt, {"a", "b"}, {}};
  const auto path = harness.save("json", cf::encode_artifact(small), "small");
  EXPECT_EQ(read_text(path), R"({
  "name": "run \"1\"",
  "count": -3,
  "score": 2.5,
  "done": true,
  "seed": null,
  "tags": [
    "a",
    "b"
  ],
  "metrics": {}
}
)");
  const auto compact = harness.save("json", cf::encode_artifact(small), "compact", R"({"indent": 0})");
  EXPECT_EQ(
      read_text(compact),
      R"({"name":"run \"1\"","count":-3,"score":2.5,"done":true,"seed":null,"tags":["a","b"],"metrics":{}})"
      "\n");
  const auto four =
      harness.save("json", cf::encode_artifact(std::map<std::string, std::vector<std::string>>{{"k", {"v"}}}),
                   "four", R"({"indent": 4, "arrays": "error"})");
  EXPECT_EQ(read_text(four), "{\n    \"k\": [\n        \"v\"\n    ]\n}\n");
  EXPECT_EQ(harness.load("json", compact), cf::encode_artifact(small));
}

TEST(CacherJson, TypedArraysAsLists) {
  CacherHarness harness;
  const std::string lists = R"({"arrays": "lists", "indent": 0})";
  const cf::Array<double> matrix({2, 3}, {1, 2.5, 3, 4, 5, 6});
  const auto path = harness.save("json", cf::encode_artifact(matrix), "matrix", lists);
  EXPECT_EQ(read_text(path), "[[1.0,2.5,3.0],[4.0,5.0,6.0]]\n");
  // They come back as plain arrays: nested std::vectors read them, cf::Array (which needs a
  // typed array's dtype and shape) does not.
  const std::string loaded = harness.load("json", path, lists);
  EXPECT_EQ(cf::decode_artifact<std::vector<std::vector<double>>>(loaded),
            (std::vector<std::vector<double>>{{1, 2.5, 3}, {4, 5, 6}}));
  EXPECT_EQ(cf::decode_artifact<std::vector<std::vector<float>>>(loaded),
            (std::vector<std::vector<float>>{{1, 2.5, 3}, {4, 5, 6}}));
  try {
    cf::decode_artifact<cf::Array<double>>(loaded);
    ADD_FAILURE() << "cf::Array decoded a plain array";
  } catch (const cf::artifact_error& e) {
    EXPECT_STREQ(e.what(), "at the top level: expected a float64 array, got an array of 2");
  }

  const std::vector<std::int64_t> ints{std::numeric_limits<std::int64_t>::min(), -1, 0,
                                       std::numeric_limits<std::int64_t>::max()};
  EXPECT_EQ(harness.round_trip("json", ints, lists), ints);
  const std::vector<std::uint64_t> unsigned_ints{0, std::numeric_limits<std::uint64_t>::max()};
  EXPECT_EQ(harness.round_trip("json", unsigned_ints, lists), unsigned_ints);
  const std::vector<std::int8_t> int8s{-128, 0, 127};
  EXPECT_EQ(harness.round_trip("json", int8s, lists), int8s);
  const std::vector<std::uint16_t> uint16s{0, 65535};
  EXPECT_EQ(harness.round_trip("json", uint16s, lists), uint16s);
  const std::vector<bool> flags{true, false, true};
  EXPECT_EQ(harness.round_trip("json", flags, lists), flags);
  EXPECT_EQ(harness.round_trip("json", std::vector<double>{}, lists), std::vector<double>{});

  const auto text_of = [&](const auto& value, const std::string& name) {
    return read_text(harness.save("json", cf::encode_artifact(value), name, lists));
  };
  EXPECT_EQ(text_of(flags, "flags"), "[true,false,true]\n");
  EXPECT_EQ(text_of(cf::Array<float>({2}, {0.1f, 3.0f}), "float32"), "[0.1,3.0]\n");
  EXPECT_EQ(text_of(cf::Array<std::int32_t>({}, {7}), "zero_d"), "7\n");  // 0-D: a bare number
  EXPECT_EQ(text_of(cf::Array<double>({0}), "empty"), "[]\n");
  EXPECT_EQ(text_of(cf::Array<double>({0, 3}), "empty_rows"), "[]\n");
  EXPECT_EQ(text_of(cf::Array<double>({2, 0}), "empty_columns"), "[[],[]]\n");
  EXPECT_EQ(text_of(cf::Array<std::uint8_t>({2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}), "cube"),
            "[[[1,2],[3,4]],[[5,6],[7,8]]]\n");
  EXPECT_EQ(text_of(cf::Array<std::int16_t>({1, 1, 1, 1, 1, 1, 1, 2}, {-1, 2}), "eight_d"),
            "[[[[[[[[-1,2]]]]]]]]\n");

  // Inside a struct, and indented: one element per line, like Python's json.dump(indent=2).
  const Model model{{{0.5, 2.0}}};
  const auto indented = harness.save("json", cf::encode_artifact(model), "model", R"({"arrays": "lists"})");
  EXPECT_EQ(read_text(indented),
            "{\n  \"model\": {\n    \"weights\": [\n      0.5,\n      2.0\n    ]\n  }\n}\n");
  EXPECT_EQ(cf::decode_artifact<Model>(harness.load("json", indented)).model.weights, model.model.weights);
}

TEST(CacherJson, ValuesJsonCannotHoldAreRefusedWhenSaving) {
  CacherHarness harness;
  const Model model{{std::vector<double>(100, 1.0)}};
  EXPECT_EQ(save_error(harness, cf::encode_artifact(model)),
            "at ['model']['weights']: a typed array (float64[100]) cannot be written as JSON; give the json "
            "cacher the option \"arrays\": \"lists\"");
  EXPECT_EQ(
      save_error(harness, cf::encode_artifact(cf::Array<float>({2, 3})), R"({"arrays": "error"})"),
      "at the top level: a typed array (float32[2x3]) cannot be written as JSON; give the json cacher the "
      "option \"arrays\": \"lists\"");

  std::string blob;
  {
    cf::Encoder e(&blob);
    e.begin_map(1);
    e.key("model");
    e.begin_array(2);
    e.nil();
    e.value(cf::Blob{{1, 2, 3}});
  }
  EXPECT_EQ(
      save_error(harness, blob),
      "at ['model'][1]: bytes (3 of them, e.g. a cf::Blob) cannot be written as JSON; store them with the "
      "raw cacher");

  EXPECT_EQ(
      save_error(harness, cf::encode_artifact(std::map<std::string, std::map<int, int>>{{"ids", {{5, 1}}}})),
      "at ['ids']: map key 0 is an integer; JSON object keys are strings, so this map cannot be written as "
      "JSON");

  std::string extension;
  {
    cf::Encoder e(&extension);
    e.begin_array(1);
    e.packer().pack_ext(2, 5);
    e.packer().pack_ext_body("ab", 2);
  }
  EXPECT_EQ(save_error(harness, extension),
            "at [0]: an extension object of type 5 cannot be written as JSON");

  EXPECT_EQ(
      save_error(harness, cf::encode_artifact(std::map<std::string, std::string>{{"s", "bad \xff utf-8"}})),
      "at ['s']: a string that is not valid UTF-8 cannot be written as JSON");
  EXPECT_EQ(save_error(harness, cf::encode_artifact(std::map<std::string, int>{{"bad \xc3", 1}})),
            "at ['bad \xc3']: a map key that is not valid UTF-8 cannot be written as JSON");

  // A bool element other than 0 or 1 (the SDK never writes one).
  std::string bools;
  {
    cf::Encoder e(&bools);
    const std::array<std::size_t, 1> shape{3};
    const std::array<std::uint8_t, 3> elements{1, 0, 2};
    e.typed_array(CF_DTYPE_BOOL, shape, elements.data());
  }
  EXPECT_EQ(save_error(harness, bools, R"({"arrays": "lists"})"),
            "at the top level: element 2 of a bool array is 2 (must be 0 or 1)");

  std::string malformed;
  {
    cf::Encoder e(&malformed);
    e.packer().pack_ext(9, CF_MSGPACK_TYPED_ARRAY);
    e.packer().pack_ext_body("\x0b\x01\0\0\0\0\0\0\0", 9);
  }
  EXPECT_EQ(save_error(harness, malformed, R"({"arrays": "lists"})"),
            "at the top level: malformed typed array: payload of 9 bytes is shorter than its 1 extents");

  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += '\x91';
  deep += '\xc0';
  EXPECT_TRUE(ends_with(save_error(harness, deep), ": nested more than 900 levels deep"))
      << save_error(harness, deep);

  EXPECT_EQ(save_error(harness, std::string("\x92\x01", 2)),
            "truncated artifact: its 2 bytes end in the middle of a value");
}

TEST(CacherJson, BadOptionsAreErrorsOnBothSides) {
  CacherHarness harness;
  const std::string artifact = cf::encode_artifact(1);
  EXPECT_EQ(save_error(harness, artifact, R"({"array": "lists"})"),
            "cacher 'json' has no option 'array' (options: arrays, indent)");
  EXPECT_EQ(save_error(harness, artifact, R"({"arrays": "bogus"})"),
            "cacher 'json': option 'arrays' must be \"error\" or \"lists\", got \"bogus\"");
  EXPECT_EQ(save_error(harness, artifact, R"({"arrays": true})"),
            "cacher 'json': option 'arrays' must be \"error\" or \"lists\", got true");
  for (const char* bad : {"9", "-1", "\"2\"", "2.5", "null"}) {
    EXPECT_EQ(
        save_error(harness, artifact, std::string(R"({"indent": )") + bad + "}"),
        std::string("cacher 'json': option 'indent' must be an integer from 0 to 8 (0: compact), got ") +
            bad);
  }
  for (int indent : {0, 1, 8}) {
    EXPECT_EQ(harness.round_trip("json", 5, R"({"indent": )" + std::to_string(indent) + "}"), 5);
  }
  const auto path = harness.save("json", artifact);
  const std::string error = error_of([&] { harness.load("json", path, R"({"zip": 1})"); });
  EXPECT_TRUE(ends_with(error, "json: cacher 'json' has no option 'zip' (options: arrays, indent)")) << error;
  EXPECT_TRUE(contains(error_of([&] { harness.load("json", path, R"({"indent": 10})"); }),
                       "option 'indent' must be an integer from 0 to 8"));
}

TEST(CacherJson, LoadsJsonOtherWritersProduce) {
  CacherHarness harness;
  const auto load_text = [&](const std::string& text) {
    const auto path = harness.folder() / "other.json";
    write_bytes(path, text);
    return harness.load("json", path);
  };
  // Python's json.dump with its defaults: ", " and ": " separators, \u escapes, surrogate pairs.
  using Strings = std::map<std::string, std::string>;
  const Strings escaped{{"snow", "☃"}, {"face", "😀"}, {"e", "é"}};
  EXPECT_EQ(
      cf::decode_artifact<Strings>(load_text(R"({"snow": "\u2603", "face": "\ud83d\ude00", "e": "\u00e9"})")),
      escaped);
  using Numbers = std::tuple<double, int, double, std::uint64_t, std::int64_t>;
  const Numbers numbers{100.0, 0, 1e-5, std::numeric_limits<std::uint64_t>::max(),
                        std::numeric_limits<std::int64_t>::min()};
  EXPECT_EQ(load_text("  [1E2, -0, 1e-5, 18446744073709551615, -9223372036854775808]  \n"),
            cf::encode_artifact(numbers));
  EXPECT_EQ(load_text("\"top-level string\""), cf::encode_artifact(std::string("top-level string")));
  EXPECT_EQ(load_text("null"), cf::encode_artifact(std::optional<int>()));
  EXPECT_TRUE(std::isinf(cf::decode_artifact<double>(load_text("-Infinity"))));
  // Duplicate keys are kept as they are, in order.
  std::string duplicates;
  {
    cf::Encoder e(&duplicates);
    e.begin_map(2);
    e.key("a");
    e.integer(1);
    e.key("a");
    e.integer(2);
  }
  EXPECT_EQ(load_text(R"({"a": 1, "a": 2})"), duplicates);

  // Nesting far deeper than a recursive parser could take.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string loaded = load_text(deep);
  EXPECT_EQ(loaded, std::string(99999, '\x91') + '\x90');
}

TEST(CacherJson, LargeListsStreamBackInPieces) {
  CacherHarness harness;
  std::vector<std::int64_t> values(200000);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::int64_t>(i * i) - 1000;
  std::vector<std::string> words(50000);
  for (std::size_t i = 0; i < words.size(); ++i) words[i] = "word number " + std::to_string(i);
  EXPECT_EQ(harness.round_trip("json", values, R"({"arrays": "lists"})"), values);
  EXPECT_EQ(harness.round_trip("json", words), words);
}

TEST(CacherJson, BadFilesAreClearErrors) {
  CacherHarness harness;
  const auto expect_error = [&](const std::string& text, const std::string& message) {
    const std::string error = load_error(harness, text);
    EXPECT_TRUE(contains(error, "cacher 'json' could not load ")) << error;
    EXPECT_TRUE(ends_with(error, "bad.json: not JSON the json cacher can load: " + message)) << error;
  };
  expect_error("{\n  \"a\": 1\n  \"b\": 2\n}",
               "line 3, column 3: Missing a comma or '}' after an object member.");
  expect_error("[1, 2,]", "line 1, column 7: Invalid value.");
  expect_error("", "line 1, column 1: The document is empty.");
  expect_error("[1] [2]", "line 1, column 5: The document root must not be followed by other values.");
  expect_error("{\"é\": 18446744073709551616}",
               "line 1, column 7: the integer 18446744073709551616 is above the uint64 range");
  expect_error("[\n-9223372036854775809]",
               "line 2, column 1: the integer -9223372036854775809 is below the int64 range");
  expect_error("1.8e308", "line 1, column 1: the number 1.8e308 is outside the float64 range");
  expect_error("[1e400]", "line 1, column 2: Number too big to be stored in double.");
  expect_error("\"bad \xff\"", "line 1, column 6: Invalid encoding in string.");
  expect_error("{\"a\": nan}", "line 1, column 8: Invalid value.");
  expect_error("\"\\ud83d\"", "line 1, column 2: The surrogate pair in string is invalid.");

  const auto missing = harness.folder() / "missing.json";
  const std::string error = error_of([&] { harness.load("json", missing); });
  EXPECT_TRUE(ends_with(error, "missing.json: cannot be read: No such file or directory")) << error;
}

}  // namespace cacher_json_test

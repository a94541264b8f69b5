// The SDK's artifact codec (cf::encode_artifact / cf::decode_artifact), compiled as a plugin
// compiles it: round trips, the exact typed-array bytes abi.h specifies, error messages and the
// single-allocation guarantee for large arrays.
#include <curifactory/artifact.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace artifact_test {

struct Layer {
  std::string name;
  std::vector<double> weights;
  std::map<std::string, int> counts;
  friend bool operator==(const Layer&, const Layer&) = default;
};
CF_FIELDS(Layer, name, weights, counts);

struct Model {
  std::vector<Layer> layers;
  cf::Array<float> embedding;
  std::optional<int> seed;
  std::unordered_map<std::string, std::vector<std::string>> tags;
  bool trained = false;
  friend bool operator==(const Model&, const Model&) = default;
};
CF_FIELDS(Model, layers, embedding, seed, tags, trained);

struct Report {
  Model model;
  std::vector<double> scores;
  friend bool operator==(const Report&, const Report&) = default;
};
CF_FIELDS(Report, model, scores);

// Same field name as Report::scores, but what another version of a stage might have written.
struct WireScores {
  std::tuple<double, double, double, std::string> scores;
};
CF_FIELDS(WireScores, scores);

struct WireWeights {
  std::vector<std::int32_t> weights;
};
CF_FIELDS(WireWeights, weights);
struct WireModel {
  WireWeights model;
};
CF_FIELDS(WireModel, model);
struct Weights {
  std::vector<double> weights;
};
CF_FIELDS(Weights, weights);
struct Holder {
  Weights model;
};
CF_FIELDS(Holder, model);

struct Extra {
  int a = 1;
  int b = 2;
};
CF_FIELDS(Extra, a, b);
struct OnlyA {
  int a = 0;
};
CF_FIELDS(OnlyA, a);

// A type the author encodes their own way: a point as a two-element array.
struct Point {
  double x = 0;
  double y = 0;
  friend bool operator==(const Point&, const Point&) = default;
};

struct Scene {
  std::vector<Point> points;
  std::map<std::string, Point> named;
  friend bool operator==(const Scene&, const Scene&) = default;
};
CF_FIELDS(Scene, points, named);

}  // namespace artifact_test

template <>
struct cf::codec<artifact_test::Point> {
  static void encode(cf::Encoder& e, const artifact_test::Point& p) {
    e.begin_array(2);
    e.value(p.x);
    e.value(p.y);
  }
  static void decode(const cf::Decoder& d, artifact_test::Point& p) {
    if (d.kind() != cf::value_kind::array || d.size() != 2) d.fail("a point [x, y]");
    p.x = d[0].as<double>();
    p.y = d[1].as<double>();
  }
};

namespace artifact_test {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes_of(const std::string& s) {
  return Bytes(s.begin(), s.end());
}

template <class T>
T round_trip(const T& value) {
  return cf::decode_artifact<T>(cf::encode_artifact(value));
}

template <class T>
std::string decode_error(const std::string& bytes) {
  try {
    cf::decode_artifact<T>(bytes);
  } catch (const cf::artifact_error& e) {
    return e.what();
  }
  return "<no error>";
}

void append_u64(Bytes& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

TEST(ArtifactCodec, ScalarsRoundTrip) {
  EXPECT_EQ(round_trip(true), true);
  EXPECT_EQ(round_trip(false), false);
  EXPECT_EQ(round_trip(std::numeric_limits<std::int8_t>::min()), -128);
  EXPECT_EQ(round_trip(std::numeric_limits<std::uint8_t>::max()), 255);
  EXPECT_EQ(round_trip(std::numeric_limits<std::int16_t>::min()), -32768);
  EXPECT_EQ(round_trip(std::numeric_limits<std::uint16_t>::max()), 65535);
  EXPECT_EQ(round_trip(std::numeric_limits<std::int32_t>::min()), std::numeric_limits<std::int32_t>::min());
  EXPECT_EQ(round_trip(std::numeric_limits<std::uint32_t>::max()), std::numeric_limits<std::uint32_t>::max());
  EXPECT_EQ(round_trip(std::numeric_limits<std::int64_t>::min()), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(round_trip(std::numeric_limits<std::uint64_t>::max()), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(round_trip(std::size_t{42}), 42u);
  EXPECT_EQ(round_trip(0.1f), 0.1f);
  EXPECT_EQ(round_trip(-1.25e300), -1.25e300);
  EXPECT_EQ(round_trip(std::string()), "");
  EXPECT_EQ(round_trip(std::string("héllo wörld, long enough for a str8 header.......")),
            "héllo wörld, long enough for a str8 header.......");
}

TEST(ArtifactCodec, ScalarEncodingsAreCompactAndFloatsStayFloats) {
  EXPECT_EQ(bytes_of(cf::encode_artifact(5)), (Bytes{0x05}));
  EXPECT_EQ(bytes_of(cf::encode_artifact(-1)), (Bytes{0xff}));
  EXPECT_EQ(bytes_of(cf::encode_artifact(true)), (Bytes{0xc3}));
  EXPECT_EQ(bytes_of(cf::encode_artifact(std::string("ab"))), (Bytes{0xa2, 'a', 'b'}));
  // 2.0 is an integral double; it must still arrive as a float64, not as the integer 2.
  EXPECT_EQ(bytes_of(cf::encode_artifact(2.0)), (Bytes{0xcb, 0x40, 0x00, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(bytes_of(cf::encode_artifact(1.0f)), (Bytes{0xca, 0x3f, 0x80, 0, 0}));
  EXPECT_EQ(bytes_of(cf::encode_artifact(std::optional<int>())), (Bytes{0xc0}));
}

TEST(ArtifactCodec, FloatsDecodeFromIntegers) {
  EXPECT_EQ(cf::decode_artifact<double>(cf::encode_artifact(7)), 7.0);
  EXPECT_EQ(cf::decode_artifact<float>(cf::encode_artifact(-3)), -3.0f);
  EXPECT_EQ(cf::decode_artifact<double>(cf::encode_artifact(0.5f)), 0.5);
}

TEST(ArtifactCodec, ContainersRoundTrip) {
  const std::vector<double> doubles{1.5, -2.0, 1e-300};
  EXPECT_EQ(round_trip(doubles), doubles);
  const std::vector<std::int8_t> small{-128, 0, 127};
  EXPECT_EQ(round_trip(small), small);
  const std::vector<std::uint64_t> big{0, std::numeric_limits<std::uint64_t>::max()};
  EXPECT_EQ(round_trip(big), big);
  const std::vector<bool> flags{true, false, true, true};
  EXPECT_EQ(round_trip(flags), flags);
  EXPECT_EQ(round_trip(std::vector<double>()), std::vector<double>());
  const std::vector<std::string> words{"a", "", "ccc"};
  EXPECT_EQ(round_trip(words), words);
  const std::vector<std::vector<int>> nested{{1, 2}, {}, {3}};
  EXPECT_EQ(round_trip(nested), nested);

  const std::map<std::string, int> counts{{"a", 1}, {"b", -2}};
  EXPECT_EQ(round_trip(counts), counts);
  const std::unordered_map<std::string, double> rates{{"x", 0.5}, {"y", 2.0}};
  EXPECT_EQ(round_trip(rates), rates);
  const std::map<int, std::string> by_id{{-1, "minus"}, {7, "seven"}};
  EXPECT_EQ(round_trip(by_id), by_id);
  const std::map<std::pair<int, int>, double> grid{{{0, 1}, 0.5}, {{2, 3}, 1.5}};
  EXPECT_EQ(round_trip(grid), grid);

  const std::pair<std::string, int> pair{"k", 3};
  EXPECT_EQ(round_trip(pair), pair);
  const std::tuple<int, std::string, std::vector<float>> tuple{1, "two", {3.0f}};
  EXPECT_EQ(round_trip(tuple), tuple);
  EXPECT_EQ(round_trip(std::tuple<>()), std::tuple<>());
  const std::array<int, 3> fixed{4, 5, 6};
  EXPECT_EQ(round_trip(fixed), fixed);
  EXPECT_EQ(round_trip(std::optional<std::string>()), std::nullopt);
  EXPECT_EQ(round_trip(std::optional<std::string>("here")), "here");

  const cf::Blob blob{{0, 1, 2, 255}};
  EXPECT_EQ(round_trip(blob), blob);
  EXPECT_EQ(bytes_of(cf::encode_artifact(blob)), (Bytes{0xc4, 4, 0, 1, 2, 255}));
}

TEST(ArtifactCodec, ArraysRoundTrip) {
  cf::Array<float> matrix({2, 3});
  ASSERT_EQ(matrix.data, std::vector<float>(6, 0.0f));
  matrix.data = {1, 2, 3, 4, 5, 6};
  EXPECT_EQ(round_trip(matrix), matrix);

  const cf::Array<bool> mask({2, 2}, {true, false, false, true});
  EXPECT_EQ(round_trip(mask), mask);

  const cf::Array<double> scalar({}, {3.5});  // 0 dimensions, one element
  const auto back = round_trip(scalar);
  EXPECT_TRUE(back.shape.empty());
  EXPECT_EQ(back.data, std::vector<double>{3.5});

  const cf::Array<std::uint16_t> empty({4, 0});
  EXPECT_EQ(round_trip(empty).shape, (std::vector<std::size_t>{4, 0}));
}

TEST(ArtifactCodec, VectorAndOneDimensionalArrayAreInterchangeable) {
  const auto from_vector =
      cf::decode_artifact<cf::Array<std::int64_t>>(cf::encode_artifact(std::vector<std::int64_t>{7, 8, 9}));
  EXPECT_EQ(from_vector.shape, std::vector<std::size_t>{3});
  EXPECT_EQ(from_vector.data, (std::vector<std::int64_t>{7, 8, 9}));
  const auto from_array =
      cf::decode_artifact<std::vector<double>>(cf::encode_artifact(cf::Array<double>({2}, {0.5, 1.5})));
  EXPECT_EQ(from_array, (std::vector<double>{0.5, 1.5}));
  EXPECT_EQ(cf::encode_artifact(std::vector<double>{0.5, 1.5}),
            cf::encode_artifact(cf::Array<double>({2}, {0.5, 1.5})));
}

TEST(ArtifactCodec, VectorOfNumbersAlsoReadsAPlainArray) {
  // A plain MessagePack array, as a writer without typed arrays would produce it.
  const auto bytes = cf::encode_artifact(std::tuple<int, double, int>{1, 2.5, -3});
  EXPECT_EQ(cf::decode_artifact<std::vector<double>>(bytes), (std::vector<double>{1, 2.5, -3}));
  EXPECT_EQ(decode_error<std::vector<std::uint8_t>>(bytes), "at [1]: expected uint8, got a float");
}

TEST(ArtifactCodec, NestedStructRoundTrips) {
  Report report;
  report.scores = {0.25, 0.5};
  report.model.trained = true;
  report.model.seed = 42;
  report.model.tags = {{"kind", {"cnn", "small"}}, {"owner", {}}};
  report.model.embedding = cf::Array<float>({2, 2}, {1, 2, 3, 4});
  report.model.layers.push_back({"dense", {0.1, 0.2, 0.3}, {{"units", 3}}});
  report.model.layers.push_back({"out", {}, {}});
  EXPECT_EQ(round_trip(report), report);
}

TEST(ArtifactCodec, StructIsAMapOfFieldNames) {
  const auto bytes = bytes_of(cf::encode_artifact(Extra{3, 4}));
  EXPECT_EQ(bytes, (Bytes{0x82, 0xa1, 'a', 0x03, 0xa1, 'b', 0x04}));
}

TEST(ArtifactCodec, TypedArrayLayoutOfVectorOfDoubles) {
  const auto bytes = bytes_of(cf::encode_artifact(std::vector<double>{1.5, -2.0}));
  // ext 8: marker, payload length, extension type; then the payload abi.h describes.
  Bytes expected{0xc7, 8 + 8 + 16, CF_MSGPACK_TYPED_ARRAY, CF_DTYPE_FLOAT64, 1, 0, 0, 0, 0, 0, 0};
  append_u64(expected, 2);
  for (double v : {1.5, -2.0}) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    append_u64(expected, bits);
  }
  EXPECT_EQ(bytes, expected);
  EXPECT_EQ(bytes[3 + 8 + 8 + 7], 0x3f);  // most significant byte of 1.5 last: little-endian
}

TEST(ArtifactCodec, TypedArrayLayoutOfTwoByThreeInt32) {
  const cf::Array<std::int32_t> matrix({2, 3}, {1, 2, 3, 4, 5, -6});
  const auto bytes = bytes_of(cf::encode_artifact(matrix));
  Bytes expected{0xc7, 8 + 16 + 24, 1, 6, 2, 0, 0, 0, 0, 0, 0};
  append_u64(expected, 2);
  append_u64(expected, 3);
  for (std::int32_t v : {1, 2, 3, 4, 5, -6}) {
    for (int i = 0; i < 4; ++i)
      expected.push_back(static_cast<std::uint8_t>(static_cast<std::uint32_t>(v) >> (8 * i)));
  }
  ASSERT_EQ(bytes.size(), 3u + 48u);
  EXPECT_EQ(bytes, expected);
  EXPECT_EQ(bytes[2], CF_MSGPACK_TYPED_ARRAY);
  EXPECT_EQ(bytes[3], CF_DTYPE_INT32);
  EXPECT_EQ(bytes[4], 2);
  EXPECT_EQ((Bytes(bytes.end() - 4, bytes.end())), (Bytes{0xfa, 0xff, 0xff, 0xff}));
}

TEST(ArtifactCodec, BoolArrayIsOneByteEach) {
  const auto bytes = bytes_of(cf::encode_artifact(std::vector<bool>{true, false, true}));
  Bytes expected{0xc7, 8 + 8 + 3, 1, CF_DTYPE_BOOL, 1, 0, 0, 0, 0, 0, 0};
  append_u64(expected, 3);
  expected.insert(expected.end(), {1, 0, 1});
  EXPECT_EQ(bytes, expected);
}

TEST(ArtifactCodec, WrongScalarTypeNamesThePath) {
  const auto bytes = cf::encode_artifact(WireScores{{0.5, 1.0, 2.0, "oops"}});
  EXPECT_EQ(decode_error<Report>(cf::encode_artifact(std::map<std::string, int>{{"model", 1}})),
            "at .model: expected a map of fields (artifact_test::Model), got an integer");
  EXPECT_EQ((decode_error<std::map<std::string, std::vector<double>>>(bytes)),
            "at ['scores'][3]: expected float64, got a string");
  EXPECT_EQ(decode_error<int>(cf::encode_artifact(std::string("x"))),
            "at the top level: expected int32, got a string");
  EXPECT_EQ(decode_error<bool>(cf::encode_artifact(1)), "at the top level: expected bool, got an integer");
  EXPECT_EQ(decode_error<std::string>(cf::encode_artifact(2.5)),
            "at the top level: expected a string, got a float");
}

struct ScoresHolder {
  std::vector<double> scores;
};
CF_FIELDS(ScoresHolder, scores);

TEST(ArtifactCodec, WrongElementInStructField) {
  const auto bytes = cf::encode_artifact(WireScores{{0.5, 1.0, 2.0, "oops"}});
  EXPECT_EQ(decode_error<ScoresHolder>(bytes), "at .scores[3]: expected float64, got a string");
}

TEST(ArtifactCodec, TypedArrayOfOtherElementTypeIsAnError) {
  const auto bytes = cf::encode_artifact(WireModel{{std::vector<std::int32_t>(10, 1)}});
  EXPECT_EQ(decode_error<Holder>(bytes), "at .model.weights: expected a float64 array, got int32[10]");
  EXPECT_EQ(decode_error<cf::Array<float>>(cf::encode_artifact(cf::Array<double>({2, 3}))),
            "at the top level: expected a float32 array, got float64[2x3]");
  EXPECT_EQ(decode_error<std::vector<double>>(cf::encode_artifact(cf::Array<double>({2, 3}))),
            "at the top level: expected a 1-D float64 array, got float64[2x3]");
  EXPECT_EQ(decode_error<cf::Array<double>>(cf::encode_artifact(std::vector<std::string>{"a"})),
            "at the top level: expected a float64 array, got an array of 1");
}

TEST(ArtifactCodec, MissingAndUnknownFields) {
  EXPECT_EQ(decode_error<Extra>(cf::encode_artifact(OnlyA{5})), "at the top level: missing field 'b'");
  EXPECT_EQ(decode_error<OnlyA>(cf::encode_artifact(Extra{})),
            "at the top level: unknown field 'b' for artifact_test::OnlyA");
  const std::map<std::string, Extra> nested{{"first", Extra{}}};
  EXPECT_EQ((decode_error<std::map<std::string, OnlyA>>(cf::encode_artifact(nested))),
            "at ['first']: unknown field 'b' for artifact_test::OnlyA");
}

TEST(ArtifactCodec, IntegersOutOfRange) {
  EXPECT_EQ(decode_error<std::uint8_t>(cf::encode_artifact(300)),
            "at the top level: expected uint8, got 300 (out of range)");
  EXPECT_EQ(decode_error<std::int8_t>(cf::encode_artifact(-129)),
            "at the top level: expected int8, got -129 (out of range)");
  EXPECT_EQ(decode_error<std::uint32_t>(cf::encode_artifact(-1)),
            "at the top level: expected uint32, got -1 (out of range)");
  EXPECT_EQ(decode_error<std::int64_t>(cf::encode_artifact(std::numeric_limits<std::uint64_t>::max())),
            "at the top level: expected int64, got 18446744073709551615 (out of range)");
  EXPECT_EQ((decode_error<std::vector<std::map<std::string, std::int16_t>>>(
                cf::encode_artifact(std::vector<std::map<std::string, int>>{{}, {{"n", 40000}}}))),
            "at [1]['n']: expected int16, got 40000 (out of range)");
  EXPECT_EQ(cf::decode_artifact<std::uint8_t>(cf::encode_artifact(255)), 255);
  EXPECT_EQ(cf::decode_artifact<std::int8_t>(cf::encode_artifact(-128)), -128);
}

TEST(ArtifactCodec, TruncatedAndMalformedBytes) {
  auto bytes = cf::encode_artifact(std::vector<double>{1, 2, 3});
  EXPECT_EQ(decode_error<std::vector<double>>(bytes.substr(0, bytes.size() - 1)),
            "truncated artifact: its 42 bytes end in the middle of a value");
  EXPECT_EQ(decode_error<int>(""), "truncated artifact: its 0 bytes end in the middle of a value");
  EXPECT_EQ(decode_error<int>(cf::encode_artifact(1) + "x"),
            "malformed artifact: 1 bytes left after the value");
  EXPECT_EQ(decode_error<int>("\xc1"), "malformed artifact: parse error");

  // A payload whose extents promise more elements than it holds.
  auto lying = bytes;
  lying[3 + 8] = 4;  // first extent byte: 3 -> 4
  EXPECT_EQ(
      decode_error<std::vector<double>>(lying),
      "at the top level: malformed typed array: float64[4] needs 32 bytes of elements, the payload has 24");
  auto bad_dtype = bytes;
  bad_dtype[3] = 42;
  EXPECT_EQ(decode_error<cf::Array<double>>(bad_dtype),
            "at the top level: malformed typed array: unknown element type 42");
  EXPECT_EQ(decode_error<std::string>(bad_dtype),
            "at the top level: expected a string, got a malformed typed array");

  auto bools = cf::encode_artifact(std::vector<bool>{true, false});
  bools.back() = 2;
  EXPECT_EQ(decode_error<std::vector<bool>>(bools), "at the top level: element 1 of a bool array is 2");
}

TEST(ArtifactCodec, EncodeChecksShapes) {
  const cf::Array<double> wrong({2, 3}, {1, 2, 3, 4, 5});
  try {
    cf::encode_artifact(wrong);
    FAIL() << "no error";
  } catch (const cf::artifact_error& e) {
    EXPECT_STREQ(e.what(), "cannot encode cf::Array<double>: shape [2x3] needs 6 elements, data has 5");
  }
  EXPECT_THROW(cf::encode_artifact(cf::Array<int>(std::vector<std::size_t>(CF_MAX_DIMS + 1, 1), {1})),
               cf::artifact_error);
  EXPECT_EQ((decode_error<std::array<int, 2>>(cf::encode_artifact(std::array<int, 3>{1, 2, 3}))),
            "at the top level: expected an array of 2, got an array of 3");
  EXPECT_EQ((decode_error<std::pair<int, int>>(cf::encode_artifact(std::vector<std::string>{}))),
            "at the top level: expected an array of 2, got an array of 0");
}

TEST(ArtifactCodec, DuplicateMapKeyIsAnError) {
  // {"a": 1, "a": 2} written by hand: std::map cannot produce it.
  const std::string bytes{
      "\x82\xa1"
      "a\x01\xa1"
      "a\x02",
      7};
  EXPECT_EQ((decode_error<std::map<std::string, int>>(bytes)), "at [key 1]: duplicate key");
}

TEST(ArtifactCodec, CustomCodecRoundTrip) {
  const Point p{1.5, -2};
  EXPECT_EQ(bytes_of(cf::encode_artifact(p)),
            bytes_of(cf::encode_artifact(std::pair<double, double>{1.5, -2})));
  EXPECT_EQ(round_trip(p), p);
  const Scene scene{{{0, 1}, {2, 3}}, {{"origin", {0, 0}}}};
  EXPECT_EQ(round_trip(scene), scene);
  const std::map<std::string, std::vector<std::vector<int>>> wrong{{"points", {{1}}}, {"named", {}}};
  EXPECT_EQ(decode_error<Scene>(cf::encode_artifact(wrong)),
            "at .points[0]: expected a point [x, y], got int32[1]");
}

TEST(ArtifactCodec, UnorderedMapEncodesInKeyOrder) {
  std::unordered_map<std::string, int> forward;
  std::unordered_map<std::string, int> backward;
  for (int i = 0; i < 50; ++i) forward["k" + std::to_string(i)] = i;
  for (int i = 49; i >= 0; --i) backward["k" + std::to_string(i)] = i;
  const std::map<std::string, int> ordered(forward.begin(), forward.end());
  EXPECT_EQ(cf::encode_artifact(forward), cf::encode_artifact(ordered));
  EXPECT_EQ(cf::encode_artifact(backward), cf::encode_artifact(ordered));
}

TEST(ArtifactCodec, OrderedMapKeepsItsOrder) {
  const cf::ordered_map<std::vector<int>> map{{"z", {1}}, {"a", {2, 3}}, {"m", {}}};
  const auto decoded = round_trip(map);
  EXPECT_EQ(decoded, map);
  std::string keys;
  for (const auto& [key, value] : decoded) keys += key;
  EXPECT_EQ(keys, "zam");
  // The same entries in another order are another value, with other bytes.
  const cf::ordered_map<std::vector<int>> sorted{{"a", {2, 3}}, {"m", {}}, {"z", {1}}};
  EXPECT_NE(cf::encode_artifact(map), cf::encode_artifact(sorted));
  EXPECT_EQ(cf::encode_artifact(sorted),
            cf::encode_artifact(std::map<std::string, std::vector<int>>(sorted.begin(), sorted.end())));
  const std::string duplicate{
      "\x82\xa1"
      "a\x01\xa1"
      "a\x02",
      7};
  EXPECT_EQ((decode_error<cf::ordered_map<int>>(duplicate)), "at [key 1]: duplicate key");
}

TEST(ArtifactCodec, DecoderReferencesTheInputInsteadOfCopying) {
  const std::string bytes = cf::encode_artifact(
      std::tuple<std::string, std::vector<double>>{std::string(1000, 'x'), std::vector<double>(1000, 1.0)});
  const auto handle = cf::detail::unpack_artifact(bytes);
  const cf::Decoder root(handle.get());
  const auto inside = [&](const void* p) {
    const auto* c = static_cast<const char*>(p);
    return c >= bytes.data() && c < bytes.data() + bytes.size();
  };
  EXPECT_TRUE(inside(root[0].string().data()));
  const auto view = root[1].typed_array();
  EXPECT_TRUE(inside(view.elements.data()));
  EXPECT_EQ(view.count, 1000u);
  EXPECT_EQ(view.elements.size(), 8000u);
  EXPECT_EQ(root[1].kind(), cf::value_kind::typed_array);
  EXPECT_EQ(root.size(), 2u);
  EXPECT_EQ(root[1].path(), "[1]");
}

TEST(ArtifactCodec, DecoderFieldAccess) {
  const std::string bytes = cf::encode_artifact(Extra{3, 4});
  const auto handle = cf::detail::unpack_artifact(bytes);
  const cf::Decoder root(handle.get());
  EXPECT_EQ(root.kind(), cf::value_kind::map);
  EXPECT_EQ(root.field("b").as<int>(), 4);
  EXPECT_EQ(root.field("b").path(), ".b");
  EXPECT_FALSE(root.find("c").has_value());
  try {
    root.field("c");
    FAIL() << "no error";
  } catch (const cf::artifact_error& e) {
    EXPECT_STREQ(e.what(), "at the top level: missing field 'c'");
  }
  try {
    root.field("a")[0];
    FAIL() << "no error";
  } catch (const cf::artifact_error& e) {
    EXPECT_STREQ(e.what(), "at .a: expected an array, got an integer");
  }
}

TEST(ArtifactCodec, LargeArrayIsSizedExactly) {
  const std::vector<double> big(std::size_t{64} << 20 >> 3, 0.5);  // 64 MiB of doubles
  const std::string bytes = cf::encode_artifact(big);
  EXPECT_EQ(bytes.size(), 5u + 1u + 16u + (std::size_t{64} << 20));  // ext 32 header + typed header
  EXPECT_EQ(bytes.capacity(), bytes.size());
  const auto back = cf::decode_artifact<std::vector<double>>(bytes);
  ASSERT_EQ(back.size(), big.size());
  EXPECT_EQ(back.front(), 0.5);
  EXPECT_EQ(back.back(), 0.5);

  // Data after the array: a buffer grown while writing would have doubled here, so only a
  // buffer sized up front ends with capacity == size.
  const std::string followed = cf::encode_artifact(std::tuple<std::vector<double>, std::string>{big, "end"});
  EXPECT_EQ(followed.size(), 1u + bytes.size() + 4u);
  EXPECT_EQ(followed.capacity(), followed.size());
}

TEST(ArtifactCodec, TypeNamesAreReadable) {
  EXPECT_EQ(cf::detail::type_name<std::string>(), "std::string");
  EXPECT_EQ(cf::detail::type_name<std::vector<double>>(), "std::vector<double>");
  EXPECT_EQ((cf::detail::type_name<std::map<std::string, std::vector<int>>>()),
            "std::map<std::string, std::vector<int>>");
  EXPECT_EQ((cf::detail::type_name<std::unordered_map<std::string, int>>()),
            "std::unordered_map<std::string, int>");
  EXPECT_EQ(cf::detail::type_name<artifact_test::Model>(), "artifact_test::Model");
}

}  // namespace
}  // namespace artifact_test

// The host's one-line artifact preview, fed with bytes the SDK's codec writes.
#include "cache/artifact_preview.hpp"

#include <curifactory/artifact.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace preview_test {

struct Summary {
  std::string name;
  double score = 0;
  std::vector<std::int32_t> counts;
};
CF_FIELDS(Summary, name, score, counts);

namespace {

using cf::host::artifact_preview;

template <class T>
std::string preview(const T& value, std::size_t max_chars = 200) {
  return artifact_preview(cf::encode_artifact(value), max_chars);
}

// Code points, which is what max_chars counts.
std::size_t chars(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xc0) != 0x80;
  return n;
}

TEST(ArtifactPreview, ScalarsReadLikePython) {
  EXPECT_EQ(preview(1), "1");
  EXPECT_EQ(preview(-5), "-5");
  EXPECT_EQ(preview(2.5), "2.5");
  EXPECT_EQ(preview(2.0), "2.0");
  EXPECT_EQ(preview(1e-7), "1e-07");
  EXPECT_EQ(preview(0.1f), "0.1");
  EXPECT_EQ(preview(true), "True");
  EXPECT_EQ(preview(false), "False");
  EXPECT_EQ(preview(std::optional<int>()), "None");
  EXPECT_EQ(preview(std::string("text")), "'text'");
  EXPECT_EQ(preview(std::string("it's")), "\"it's\"");
  EXPECT_EQ(preview(std::string("two\nlines")), "'two\\nlines'");
}

TEST(ArtifactPreview, ContainersReadLikePython) {
  EXPECT_EQ(preview(std::vector<std::string>{"a", "b"}), "['a', 'b']");
  EXPECT_EQ(preview(std::tuple<int, std::string, bool>{1, "x", false}), "[1, 'x', False]");
  EXPECT_EQ(preview(std::map<std::string, int>{{"a", 1}, {"b", 2}}), "{'a': 1, 'b': 2}");
  EXPECT_EQ(preview(std::map<int, std::vector<std::string>>{{3, {}}}), "{3: []}");
  EXPECT_EQ(preview(Summary{"run", 0.75, {1, 2}}),
            "{'name': 'run', 'score': 0.75, 'counts': int32[2] [1, 2]}");
  EXPECT_EQ(preview(cf::Blob{std::vector<std::uint8_t>(1234, 7)}), "<bytes: 1234>");
}

TEST(ArtifactPreview, TypedArraysShowTypeShapeAndFirstElements) {
  cf::Array<double> matrix({1000, 3});
  for (std::size_t i = 0; i < matrix.data.size(); ++i) matrix.data[i] = 0.5 * static_cast<double>(i);
  EXPECT_EQ(preview(matrix), "float64[1000x3] [0.0, 0.5, 1.0, 1.5, 2.0, …]");
  EXPECT_EQ(preview(std::vector<std::int8_t>{-1, 2, 3}), "int8[3] [-1, 2, 3]");
  EXPECT_EQ(preview(std::vector<std::uint64_t>{18446744073709551615ull}), "uint64[1] [18446744073709551615]");
  EXPECT_EQ(preview(std::vector<float>{0.1f, 2.0f}), "float32[2] [0.1, 2.0]");
  EXPECT_EQ(preview(std::vector<bool>{true, false}), "bool[2] [True, False]");
  EXPECT_EQ(preview(std::vector<double>{}), "float64[0] []");
  EXPECT_EQ(preview(cf::Array<std::int16_t>({}, {7})), "int16[] [7]");
  EXPECT_EQ(preview(std::vector<std::int32_t>{1, 2, 3, 4, 5}), "int32[5] [1, 2, 3, 4, 5]");
  EXPECT_EQ(preview(std::vector<std::int32_t>{1, 2, 3, 4, 5, 6}), "int32[6] [1, 2, 3, 4, 5, …]");
}

TEST(ArtifactPreview, CutAtMaxChars) {
  const std::vector<std::string> words(500, "word");
  const auto text = preview(words);
  EXPECT_EQ(chars(text), 200u);
  EXPECT_EQ(text.substr(0, 16), "['word', 'word',");
  EXPECT_EQ(text.substr(text.size() - 3), "…");

  EXPECT_EQ(preview(std::string("abcdefghij"), 5), "'abc…");  // the opening quote counts
  EXPECT_EQ(preview(std::string("abc"), 5), "'abc'");
  EXPECT_EQ(preview(12345, 1), "…");
  EXPECT_EQ(preview(12345, 0), "");
}

TEST(ArtifactPreview, CutsBetweenCodePoints) {
  const auto text = preview(std::string(1000, 'x') + std::string(300, ' ') + "é", 50);
  EXPECT_EQ(chars(text), 50u);
  const auto accents = preview(std::string(600, '\xc3'), 10);  // not UTF-8: escaped, still cut
  EXPECT_EQ(accents, "'\\xc3\\xc3…");
  std::string many_e;
  for (int i = 0; i < 300; ++i) many_e += "é";
  const auto cut = preview(many_e, 20);
  EXPECT_EQ(chars(cut), 20u);
  EXPECT_EQ(cut.substr(0, 3), "'é");
}

TEST(ArtifactPreview, LongTextIsNotWalkedWhole) {
  const std::string huge(8u << 20, 'z');  // 8 MiB string
  const auto text = preview(huge, 30);
  EXPECT_EQ(text, "'" + std::string(28, 'z') + "…");
}

TEST(ArtifactPreview, MalformedBytesAreUnreadable) {
  EXPECT_EQ(artifact_preview(""), "<unreadable artifact>");
  EXPECT_EQ(artifact_preview("\xc1"), "<unreadable artifact>");
  const auto bytes = cf::encode_artifact(std::vector<double>{1, 2, 3});
  EXPECT_EQ(artifact_preview(bytes.substr(0, bytes.size() - 1)), "<unreadable artifact>");
  EXPECT_EQ(artifact_preview(bytes + "x"), "<unreadable artifact>");
  auto lying = bytes;
  lying[3 + 8] = 9;  // extent 9 for a payload of 3 doubles
  EXPECT_EQ(artifact_preview(lying), "<unreadable artifact>");
  auto huge_extent = bytes;
  huge_extent[3 + 8 + 7] = 0x7f;  // extent near 2^63: must not overflow into a plausible size
  EXPECT_EQ(artifact_preview(huge_extent), "<unreadable artifact>");
  auto bad_dtype = bytes;
  bad_dtype[3] = 0;
  EXPECT_EQ(artifact_preview(bad_dtype), "<unreadable artifact>");
  // An array header claiming 2^32-1 elements in five bytes.
  EXPECT_EQ(artifact_preview(std::string("\xdd\xff\xff\xff\xff", 5)), "<unreadable artifact>");
}

TEST(ArtifactPreview, OtherExtensionTypes) {
  EXPECT_EQ(artifact_preview(std::string("\xd5\x05\x01\x02", 4)), "<ext 5: 2 bytes>");
}

}  // namespace
}  // namespace preview_test

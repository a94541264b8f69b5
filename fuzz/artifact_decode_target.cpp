// Artifact bytes from a cache file, decoded as the kinds of types stages pass on. A decode
// either fails with cf::artifact_error or yields a value whose encoding is a fixed point
// (encode, decode, encode gives the same bytes), so nothing decoded is half-formed. The host's
// preview of the same bytes must never fail and must stay within its length.
#include "fuzz_targets.hpp"

#include "cache/artifact_preview.hpp"

#include <curifactory/artifact.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace cf::fuzz {
namespace {

struct Inner {
  std::string label;
  std::vector<double> values;
  std::optional<std::int32_t> count;
};
CF_FIELDS(Inner, label, values, count);

// One of everything the SDK's codecs cover, so seeds of this shape reach all of them.
struct Sample {
  std::int64_t id = 0;
  std::uint8_t small = 0;
  float ratio = 0;
  bool flag = false;
  Inner inner;
  std::map<std::string, cf::Array<float>> arrays;
  std::vector<cf::Blob> blobs;
  std::tuple<bool, std::int16_t, std::string> tag;
  std::pair<std::uint64_t, double> pair;
  std::vector<bool> flags;
  std::array<std::int32_t, 3> triple{};
  std::vector<std::vector<std::int8_t>> rows;
};
CF_FIELDS(Sample, id, small, ratio, flag, inner, arrays, blobs, tag, pair, flags, triple, rows);

template <class T>
void decode_as(std::string_view bytes, const char* type) {
  T value{};
  try {
    value = cf::decode_artifact<T>(bytes);
  } catch (const cf::artifact_error&) {
    return;  // refused, as promised; its text may quote keys from the bytes, newlines and all
  }
  std::string once;
  std::string twice;
  try {
    once = cf::encode_artifact(value);
    twice = cf::encode_artifact(cf::decode_artifact<T>(once));
  } catch (const cf::artifact_error& e) {
    throw Finding(std::string("decoded as ") + type + ", but its re-encoding fails: " + e.what());
  }
  if (once != twice)
    throw Finding(std::string("decoded as ") + type + ", but re-encoding is not a fixed point");
}

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return count;
}

}  // namespace

void artifact_decode(Input input) {
  const std::string_view bytes(reinterpret_cast<const char*>(input.data()), input.size());
  decode_as<Sample>(bytes, "Sample");
  decode_as<std::vector<Inner>>(bytes, "std::vector<Inner>");
  decode_as<std::map<std::int64_t, std::string>>(bytes, "std::map<std::int64_t, std::string>");
  decode_as<cf::Array<double>>(bytes, "cf::Array<double>");
  decode_as<cf::Array<bool>>(bytes, "cf::Array<bool>");
  decode_as<std::vector<std::uint16_t>>(bytes, "std::vector<std::uint16_t>");
  decode_as<std::optional<std::vector<std::string>>>(bytes, "std::optional<std::vector<std::string>>");
  decode_as<double>(bytes, "double");

  for (const std::size_t max_chars : {std::size_t{0}, std::size_t{1}, std::size_t{12}, std::size_t{200}}) {
    const std::string preview = host::artifact_preview(bytes, max_chars);
    if (code_points(preview) > max_chars && preview != "<unreadable artifact>") {
      throw Finding("a preview of at most " + std::to_string(max_chars) + " characters has " +
                    std::to_string(code_points(preview)) + ": " + preview);
    }
  }
}

}  // namespace cf::fuzz

// The `npy` cacher through the real built plugin: every dtype and shape coming back as the same
// typed array bytes, the exact .npy header it writes, the headers numpy writes that it reads,
// and every error for artifacts that are not one typed array and for files it cannot read.
#include "support/cacher_harness.hpp"
#include "support/error_of.hpp"

#include <curifactory/artifact.hpp>

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace cacher_npy_test {

using cf::test::CacherHarness;
using cf::test::error_of;
using cf::test::read_text;

void write_bytes(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

bool ends_with(const std::string& text, const std::string& end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

template <class T>
std::string raw_bytes(const std::vector<T>& values) {
  std::string bytes(values.size() * sizeof(T), '\0');
  if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

// A .npy file as another writer might produce it: `dict` padded to 64 bytes, then `data`.
std::string npy_file(const std::string& dict, const std::string& data, int major = 1) {
  const std::size_t preamble = major == 1 ? 10 : 12;
  std::string header = dict;
  header.append((64 - (preamble + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string file = "\x93NUMPY";
  file += static_cast<char>(major);
  file += '\0';
  for (std::size_t i = 0; i < preamble - 8; ++i) file += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return file + header + data;
}

// Saves `value` and checks the artifact loads back as exactly the bytes the SDK encoded.
template <class T>
void expect_same_bytes(CacherHarness& harness, const T& value) {
  const std::string artifact = cf::encode_artifact(value);
  const auto path = harness.save("npy", artifact, "same");
  EXPECT_EQ(harness.load("npy", path), artifact);
  EXPECT_EQ(cf::decode_artifact<T>(harness.load("npy", path)), value);
}

// The message of a failed save, without the host's "... cacher 'npy' could not save <path>: ".
std::string save_error(CacherHarness& harness, std::string_view artifact, std::string_view options = "") {
  const std::string error = error_of([&] { harness.save("npy", artifact, "bad", options); });
  const std::string prefix = "cacher 'npy' could not save ";
  const std::size_t start = error.find(prefix);
  if (start == std::string::npos) return error;
  const std::size_t colon = error.find(": ", start + prefix.size());
  return colon == std::string::npos ? error : error.substr(colon + 2);
}

// The message of a failed load of `file`, after "<path>: ".
std::string load_error(CacherHarness& harness, const std::string& file) {
  const auto path = harness.folder() / "bad.npy";
  write_bytes(path, file);
  const std::string error = error_of([&] { harness.load("npy", path); });
  const std::string prefix = "cacher 'npy' could not load " + path.string() + ": " + path.string() + ": ";
  return error.rfind(prefix, 0) == 0 ? error.substr(prefix.size()) : error;
}

TEST(CacherNpy, IsRegisteredWithItsExtension) {
  CacherHarness harness;
  EXPECT_STREQ(harness.registry().get("npy").extension, ".npy");
}

TEST(CacherNpy, EveryDtypeRoundTrips) {
  CacherHarness harness;
  expect_same_bytes(harness, std::vector<bool>{true, false, true});
  expect_same_bytes(harness, std::vector<std::int8_t>{-128, 0, 127});
  expect_same_bytes(harness, std::vector<std::uint8_t>{0, 255});
  expect_same_bytes(harness, std::vector<std::int16_t>{-32768, 1, 32767});
  expect_same_bytes(harness, std::vector<std::uint16_t>{0, 65535});
  expect_same_bytes(harness, std::vector<std::int32_t>{std::numeric_limits<std::int32_t>::min(), -1, 2});
  expect_same_bytes(harness, std::vector<std::uint32_t>{0, std::numeric_limits<std::uint32_t>::max()});
  expect_same_bytes(harness, std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::min(), 0,
                                                       std::numeric_limits<std::int64_t>::max()});
  expect_same_bytes(harness, std::vector<std::uint64_t>{0, std::numeric_limits<std::uint64_t>::max()});
  expect_same_bytes(harness, std::vector<float>{0.1f, -0.0f, std::numeric_limits<float>::infinity(),
                                                std::numeric_limits<float>::denorm_min()});
  expect_same_bytes(harness, std::vector<double>{0.1, -0.0, 1e300, std::numeric_limits<double>::denorm_min(),
                                                 -std::numeric_limits<double>::infinity()});
  // NaN bits are kept exactly, payload and sign included (the data is copied, not converted).
  const double odd_nan = std::bit_cast<double>(std::uint64_t{0xfff8000000000123});
  const auto path = harness.save("npy", cf::encode_artifact(std::vector<double>{odd_nan}), "nan");
  EXPECT_EQ(
      std::bit_cast<std::uint64_t>(cf::decode_artifact<std::vector<double>>(harness.load("npy", path))[0]),
      0xfff8000000000123u);
}

TEST(CacherNpy, ShapesRoundTrip) {
  CacherHarness harness;
  expect_same_bytes(harness, cf::Array<double>({}, {3.5}));  // 0-D
  expect_same_bytes(harness, cf::Array<std::int64_t>({}, {-7}));
  expect_same_bytes(harness, cf::Array<std::int32_t>({4}, {1, 2, 3, 4}));
  cf::Array<std::int16_t> cube({2, 3, 4});
  for (std::size_t i = 0; i < cube.data.size(); ++i) cube.data[i] = static_cast<std::int16_t>(i * 100 - 1000);
  expect_same_bytes(harness, cube);
  expect_same_bytes(harness, cf::Array<float>({0}));
  expect_same_bytes(harness, cf::Array<float>({2, 0, 3}));
  expect_same_bytes(harness, std::vector<double>{});
  expect_same_bytes(harness, cf::Array<std::uint8_t>({1, 1, 1, 1, 1, 1, 1, 2}, {9, 8}));  // CF_MAX_DIMS
  expect_same_bytes(harness, cf::Array<bool>({2, 2}, {true, false, false, true}));
}

TEST(CacherNpy, WritesNumpysHeader) {
  CacherHarness harness;
  const cf::Array<double> matrix({2, 3}, {1, 2, 3, 4, 5, 6.5});
  const auto path = harness.save("npy", cf::encode_artifact(matrix));
  const std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
  ASSERT_EQ(dict.size(), 59u);
  const std::string header =
      std::string("\x93NUMPY\x01\x00\x76\x00", 10) + dict + std::string(58, ' ') + "\n";
  ASSERT_EQ(header.size(), 128u);  // the data starts 64-byte aligned
  EXPECT_EQ(read_text(path), header + raw_bytes(matrix.data));

  const auto header_of = [&](const auto& value, const std::string& name) {
    const std::string file = read_text(harness.save("npy", cf::encode_artifact(value), name));
    const std::size_t end = file.find('\n');
    EXPECT_EQ((end + 1) % 64, 0u) << file.substr(0, end);
    const std::size_t close = file.rfind('}', end);
    return file.substr(10, close + 1 - 10);
  };
  EXPECT_EQ(header_of(std::vector<bool>{true}, "bool"),
            "{'descr': '|b1', 'fortran_order': False, 'shape': (1,), }");
  EXPECT_EQ(header_of(std::vector<std::int8_t>{}, "int8"),
            "{'descr': '|i1', 'fortran_order': False, 'shape': (0,), }");
  EXPECT_EQ(header_of(std::vector<std::uint8_t>{1}, "uint8"),
            "{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }");
  EXPECT_EQ(header_of(std::vector<std::int16_t>{1}, "int16"),
            "{'descr': '<i2', 'fortran_order': False, 'shape': (1,), }");
  EXPECT_EQ(header_of(std::vector<std::uint32_t>{1}, "uint32"),
            "{'descr': '<u4', 'fortran_order': False, 'shape': (1,), }");
  EXPECT_EQ(header_of(cf::Array<float>({}, {1}), "float32"),
            "{'descr': '<f4', 'fortran_order': False, 'shape': (), }");
  EXPECT_EQ(header_of(cf::Array<std::uint64_t>({3, 0, 1}), "uint64"),
            "{'descr': '<u8', 'fortran_order': False, 'shape': (3, 0, 1), }");
}

TEST(CacherNpy, LargeArrayRoundTrips) {
  CacherHarness harness;
  cf::Array<double> big({2048, 4096});  // 64 MiB
  for (std::size_t i = 0; i < big.data.size(); ++i) big.data[i] = static_cast<double>(i) * 0.25 - 7.0;
  const auto path = harness.save("npy", cf::encode_artifact(big), "big");
  EXPECT_EQ(std::filesystem::file_size(path), 128u + (std::size_t{64} << 20));
  const auto back = cf::decode_artifact<cf::Array<double>>(harness.load("npy", path));
  EXPECT_EQ(back.shape, big.shape);
  EXPECT_TRUE(back.data == big.data);
}

TEST(CacherNpy, ReadsHeadersNumpyWrites) {
  CacherHarness harness;
  const auto load_file = [&](const std::string& file) {
    const auto path = harness.folder() / "other.npy";
    write_bytes(path, file);
    return harness.load("npy", path);
  };
  const std::vector<float> floats{1.5f, -2, 0, 4};
  // Version 2.0, keys in another order, double quotes, no trailing comma, 'L' suffixes (Python 2).
  EXPECT_EQ(load_file(npy_file("{\"shape\": (2L, 2L), 'fortran_order': False, 'descr': '<f4'}",
                               raw_bytes(floats), 2)),
            cf::encode_artifact(cf::Array<float>({2, 2}, floats)));
  // '|' and '=' byte orders; '>' for a one-byte type, where order cannot matter.
  EXPECT_EQ(
      load_file(npy_file("{'descr': '|f4', 'fortran_order': False, 'shape': (4,), }", raw_bytes(floats))),
      cf::encode_artifact(floats));
  EXPECT_EQ(
      load_file(npy_file("{'descr': '=f4', 'fortran_order': False, 'shape': (4,), }", raw_bytes(floats))),
      cf::encode_artifact(floats));
  EXPECT_EQ(load_file(npy_file("{'descr': '>u1', 'fortran_order': False, 'shape': (2,), }", "\x01\x02")),
            cf::encode_artifact(std::vector<std::uint8_t>{1, 2}));
  EXPECT_EQ(load_file(npy_file("{'descr': '<i1', 'fortran_order': False, 'shape': (), }", "\xff")),
            cf::encode_artifact(cf::Array<std::int8_t>({}, {-1})));
  // Numpy 1.24 pads the header further so it can be rewritten in place; that is just spaces.
  EXPECT_EQ(
      load_file(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }" + std::string(100, ' '),
                         raw_bytes(floats))),
      cf::encode_artifact(floats));
}

TEST(CacherNpy, SavingAnythingButOneTypedArrayIsAnError) {
  CacherHarness harness;
  EXPECT_EQ(save_error(harness, cf::encode_artifact(std::map<std::string, int>{{"a", 1}, {"b", 2}})),
            "npy holds one typed numeric array; this artifact is a map of 2");
  EXPECT_EQ(save_error(harness, cf::encode_artifact(std::string("text"))),
            "npy holds one typed numeric array; this artifact is a string");
  EXPECT_EQ(save_error(harness, cf::encode_artifact(std::vector<std::string>{"a", "b", "c"})),
            "npy holds one typed numeric array; this artifact is an array of 3");
  EXPECT_EQ(save_error(harness, cf::encode_artifact(cf::Blob{{1, 2}})),
            "npy holds one typed numeric array; this artifact is bytes");
  EXPECT_EQ(save_error(harness, cf::encode_artifact(3.5)),
            "npy holds one typed numeric array; this artifact is a float");
  std::string extension;
  {
    cf::Encoder e(&extension);
    e.packer().pack_ext(2, 7);
    e.packer().pack_ext_body("ab", 2);
  }
  EXPECT_EQ(save_error(harness, extension),
            "npy holds one typed numeric array; this artifact is an extension object of type 7");
  std::string malformed;
  {
    cf::Encoder e(&malformed);
    e.packer().pack_ext(8, CF_MSGPACK_TYPED_ARRAY);
    e.packer().pack_ext_body("\x0c\0\0\0\0\0\0\0", 8);
  }
  EXPECT_EQ(save_error(harness, malformed),
            "at the top level: malformed typed array: unknown element type 12");
  EXPECT_EQ(save_error(harness, cf::encode_artifact(std::vector<double>{1}) + "x"),
            "malformed artifact: 1 bytes left after the value");
  EXPECT_EQ(save_error(harness, cf::encode_artifact(std::vector<double>{1}), R"({"compress": true})"),
            "cacher 'npy' has no option 'compress' (options: none)");

  const auto path = harness.save("npy", cf::encode_artifact(std::vector<double>{1}));
  const std::string error = error_of([&] { harness.load("npy", path, R"({"mmap": true})"); });
  EXPECT_TRUE(ends_with(error, ".npy: cacher 'npy' has no option 'mmap' (options: none)")) << error;
}

TEST(CacherNpy, FilesItCannotReadAreClearErrors) {
  CacherHarness harness;
  const auto with = [&](const std::string& dict, const std::string& bytes = std::string(48, '\0')) {
    return load_error(harness, npy_file(dict, bytes));
  };
  EXPECT_EQ(with("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }"),
            "the array is in Fortran order, which the npy cacher does not read; save a C-ordered array "
            "(numpy.ascontiguousarray)");
  EXPECT_EQ(with("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), }"),
            "the data is big-endian ('>f8'), which the npy cacher does not read; save it little-endian "
            "(array.astype('<f8'))");
  EXPECT_EQ(with("{'descr': '|O', 'fortran_order': False, 'shape': (6,), }"),
            "the array holds Python objects (dtype '|O'), which are not numbers");
  EXPECT_EQ(with("{'descr': '<c16', 'fortran_order': False, 'shape': (3,), }"),
            "dtype '<c16' is not supported; the npy cacher reads bool, int8-int64, uint8-uint64, float32 and "
            "float64");
  EXPECT_EQ(with("{'descr': '<f2', 'fortran_order': False, 'shape': (24,), }"),
            "dtype '<f2' is not supported; the npy cacher reads bool, int8-int64, uint8-uint64, float32 and "
            "float64");
  EXPECT_EQ(with("{'descr': '<U4', 'fortran_order': False, 'shape': (3,), }"),
            "dtype '<U4' is not supported; the npy cacher reads bool, int8-int64, uint8-uint64, float32 and "
            "float64");
  EXPECT_EQ(with("{'descr': 'x', 'fortran_order': False, 'shape': (3,), }"),
            "dtype 'x' is not a numpy type string");
  EXPECT_EQ(
      with("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (6,), }"),
      "a structured dtype (descr [...) is not supported; the npy cacher reads arrays of one numeric type");
  EXPECT_EQ(with("{'descr': '<f8', 'shape': (6,), }"), "the header lacks 'fortran_order'");
  EXPECT_EQ(with("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), 'extra': 1}"),
            "unexpected key 'extra' in the header");
  EXPECT_EQ(with("{'descr': '<f8', 'fortran_order': False, 'shape': (6,) 'x'}"),
            "malformed header: expected '}' at character 56 of {'descr': '<f8', 'fortran_order': False, "
            "'shape': (6,) "
            "'x'}");
  EXPECT_EQ(with("{'descr': '<f8', 'fortran_order': maybe, 'shape': (6,)}").substr(0, 53),
            "malformed header: expected True or False at character");
  EXPECT_EQ(with("{'descr': '<f8', 'fortran_order': False, 'shape': (-6,)}").substr(0, 57),
            "malformed header: expected a non-negative integer at char");
  EXPECT_EQ(with("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 6)}"),
            "the array has 9 dimensions (at most 8)");
  EXPECT_EQ(with("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}"),
            "an extent is too large");
  EXPECT_EQ(with("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296)}"),
            "the shape (4294967296, 4294967296) has more elements than memory can hold");
  EXPECT_EQ(with("{'descr': '<f8', 'fortran_order': False, 'shape': (1000, 1000, 1000)}"),
            "float64[1000x1000x1000] is too large for one artifact (MessagePack objects stop at 4 GiB)");
  EXPECT_EQ(with("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", std::string(40, '\0')),
            "truncated .npy file: float64[2x3] needs 48 bytes of data, the file has 40");
  EXPECT_EQ(with("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", std::string(50, '\0')),
            "2 unexpected bytes after the float64[2x3] data (a .npy file ends with its array)");

  EXPECT_EQ(load_error(harness, ""), "not a .npy file (it does not start with \\x93NUMPY)");
  EXPECT_EQ(load_error(harness, "PK\x03\x04 a zip file"),
            "not a .npy file (it does not start with \\x93NUMPY)");
  EXPECT_EQ(load_error(harness, "\x93NUMPY\x01"), "truncated .npy file (it ends inside its preamble)");
  EXPECT_EQ(load_error(harness, std::string("\x93NUMPY\x02\x00\x40\x00", 10)),
            "truncated .npy file (it ends inside its preamble)");
  EXPECT_EQ(load_error(harness, std::string("\x93NUMPY\x03\x00\x40\x00\x00\x00", 12)),
            ".npy format version 3.0 is not supported (the npy cacher reads 1.0 and 2.0)");
  EXPECT_EQ(load_error(harness, std::string("\x93NUMPY\x01\x01\x40\x00", 10)),
            ".npy format version 1.1 is not supported (the npy cacher reads 1.0 and 2.0)");
  EXPECT_EQ(load_error(harness, std::string("\x93NUMPY\x01\x00\x40\x00{'descr'", 17)),
            "truncated .npy file (it ends inside its header)");
  EXPECT_EQ(load_error(harness, std::string("\x93NUMPY\x02\x00\x00\x00\x00\x10", 12)),
            "the .npy header claims 268435456 bytes, which no .npy file has");

  const auto missing = harness.folder() / "missing.npy";
  const std::string error = error_of([&] { harness.load("npy", missing); });
  EXPECT_TRUE(ends_with(error, "missing.npy: cannot be read: No such file or directory")) << error;
}

}  // namespace cacher_npy_test

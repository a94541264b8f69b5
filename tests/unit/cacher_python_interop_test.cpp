// What Python makes of the files the raw, json and npy cachers write, asked of Debian's
// /usr/bin/python3 (with numpy and python3-msgpack): raw through msgpack.unpackb with the typed
// array layout of abi.h, json through json.load, npy through numpy.load. Each script holds the
// values it expects, prints OK or every difference, and exits non-zero on a difference. The
// other direction too: files numpy.save writes, loaded by the npy cacher and decoded by the SDK.
#include "support/cacher_harness.hpp"
#include "support/error_of.hpp"

#include <curifactory/artifact.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cacher_python_interop_test {

using cf::test::CacherHarness;
using cf::test::contains;
using cf::test::error_of;
using cf::test::run_python;
using cf::test::shell_quote;

// Shared by the scripts: check(actual, expected) records every difference, where it is, and
// finish() prints OK or the differences. Types are compared too, so the integer 2 does not
// pass for the float 2.0, nor a float64 array for a float32 one.
const std::string kCompare = R"PY(
import json, math, struct, sys
import numpy as np

problems = []

def check(actual, expected, where='value'):
    if isinstance(expected, np.ndarray):
        if not isinstance(actual, np.ndarray):
            problems.append(f'{where}: expected an array, got {type(actual).__name__} {actual!r}')
        elif actual.dtype != expected.dtype or actual.shape != expected.shape:
            problems.append(f'{where}: expected {expected.dtype}{expected.shape}, got {actual.dtype}{actual.shape}')
        elif not np.array_equal(actual, expected, equal_nan=expected.dtype.kind == 'f'):
            problems.append(f'{where}: expected {expected!r}, got {actual!r}')
        return
    if type(actual) is not type(expected):
        problems.append(f'{where}: expected {type(expected).__name__} {expected!r}, got {type(actual).__name__} {actual!r}')
    elif isinstance(expected, float):
        same = (math.isnan(actual) and math.isnan(expected)) or (
            actual == expected and math.copysign(1, actual) == math.copysign(1, expected))
        if not same:
            problems.append(f'{where}: expected {expected!r}, got {actual!r}')
    elif isinstance(expected, dict):
        if list(actual) != list(expected):
            problems.append(f'{where}: expected keys {list(expected)}, got {list(actual)}')
        for key in expected:
            if key in actual:
                check(actual[key], expected[key], f'{where}[{key!r}]')
    elif isinstance(expected, list):
        if len(actual) != len(expected):
            problems.append(f'{where}: expected {len(expected)} elements, got {len(actual)}')
        for i, (a, e) in enumerate(zip(actual, expected)):
            check(a, e, f'{where}[{i}]')
    elif actual != expected:
        problems.append(f'{where}: expected {expected!r}, got {actual!r}')

def finish():
    print('OK' if not problems else '\n'.join(problems))
    sys.exit(1 if problems else 0)
)PY";

struct Everything {
  std::string name;
  std::string control;
  std::int64_t lowest = 0;
  std::uint64_t highest = 0;
  double score = 0;
  double two = 0;
  double negative_zero = 0;
  double not_a_number = 0;
  double infinite = 0;
  float rate = 0;
  bool flag = false;
  std::optional<int> missing;
  std::vector<double> series;
  cf::Array<std::int32_t> grid;
  cf::Array<bool> mask;
  cf::Array<float> scalar;
  cf::Array<std::uint16_t> empty;
  std::optional<cf::Blob> blob;  // none for json, which has no bytes
  std::map<std::string, std::int64_t> counts;
  std::vector<std::vector<std::string>> words;
};
CF_FIELDS(Everything, name, control, lowest, highest, score, two, negative_zero, not_a_number, infinite, rate,
          flag, missing, series, grid, mask, scalar, empty, blob, counts, words);

Everything everything() {
  using namespace std::string_literals;
  Everything e;
  e.name = "héllo ☃ 😀";
  e.control = "tab\t nl\n nul\0 quote\" bs\\ bell\x07"s;
  e.lowest = std::numeric_limits<std::int64_t>::min();
  e.highest = std::numeric_limits<std::uint64_t>::max();
  e.score = 0.1;
  e.two = 2.0;
  e.negative_zero = -0.0;
  e.not_a_number = std::numeric_limits<double>::quiet_NaN();
  e.infinite = -std::numeric_limits<double>::infinity();
  e.rate = 0.25f;
  e.flag = true;
  e.series = {1.5, -2.0, 1e300};
  e.grid = cf::Array<std::int32_t>({2, 3}, {1, -2, 3, -4, 5, std::numeric_limits<std::int32_t>::min()});
  e.mask = cf::Array<bool>({2, 2}, {true, false, false, true});
  e.scalar = cf::Array<float>({}, {0.5f});
  e.empty = cf::Array<std::uint16_t>({0, 3});
  e.blob = cf::Blob{{0, 1, 255}};
  e.counts = {{"a", -1}, {"b", 2}};
  e.words = {{"x"}, {}, {"y", "z"}};
  return e;
}

// The Python literal of everything(), as each reader should see it, given how it reads typed
// arrays (`arrays`: numpy arrays from raw, nested lists from json) and bytes.
const std::string kExpectedCommon = R"PY(
expected = {
    'name': 'héllo ☃ 😀',
    'control': 'tab\t nl\n nul\0 quote" bs\\ bell\x07',
    'lowest': -9223372036854775808,
    'highest': 18446744073709551615,
    'score': 0.1,
    'two': 2.0,
    'negative_zero': -0.0,
    'not_a_number': float('nan'),
    'infinite': float('-inf'),
    'rate': 0.25,
    'flag': True,
    'missing': None,
    'series': arrays['series'],
    'grid': arrays['grid'],
    'mask': arrays['mask'],
    'scalar': arrays['scalar'],
    'empty': arrays['empty'],
    'blob': blob,
    'counts': {'a': -1, 'b': 2},
    'words': [['x'], [], ['y', 'z']],
}
)PY";

TEST(CacherPythonInterop, PythonReadsRawArtifacts) {
  CacherHarness harness;
  const auto path = harness.save("raw", cf::encode_artifact(everything()), "everything");
  const std::string script = kCompare + R"PY(
import msgpack

DTYPES = {1: '|b1', 2: '|i1', 3: '|u1', 4: '<i2', 5: '<u2', 6: '<i4', 7: '<u4', 8: '<i8', 9: '<u8',
          10: '<f4', 11: '<f8'}

def typed_array(code, data):
    if code != 1:
        return msgpack.ExtType(code, data)
    dtype, ndim = data[0], data[1]
    if data[2:8] != bytes(6):
        problems.append('typed array header: reserved bytes are not zero')
    shape = struct.unpack(f'<{ndim}Q', data[8:8 + 8 * ndim])
    return np.frombuffer(data[8 + 8 * ndim:], dtype=DTYPES[dtype]).reshape(shape)

arrays = {
    'series': np.array([1.5, -2.0, 1e300], dtype='<f8'),
    'grid': np.array([[1, -2, 3], [-4, 5, -2147483648]], dtype='<i4'),
    'mask': np.array([[True, False], [False, True]]),
    'scalar': np.array(0.5, dtype='<f4'),
    'empty': np.zeros((0, 3), dtype='<u2'),
}
blob = b'\x00\x01\xff'
)PY" + kExpectedCommon + R"PY(
with open(sys.argv[1], 'rb') as f:
    check(msgpack.unpackb(f.read(), ext_hook=typed_array, raw=False), expected)
finish()
)PY";
  const auto result = run_python(harness.folder(), script, shell_quote(path.string()));
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out, "OK\n") << result.err;
}

TEST(CacherPythonInterop, PythonReadsJson) {
  CacherHarness harness;
  Everything value = everything();
  value.blob.reset();  // JSON has no bytes
  const auto path = harness.save("json", cf::encode_artifact(value), "everything", R"({"arrays": "lists"})");
  const std::string script = kCompare + R"PY(
arrays = {
    'series': [1.5, -2.0, 1e300],
    'grid': [[1, -2, 3], [-4, 5, -2147483648]],
    'mask': [[True, False], [False, True]],
    'scalar': 0.5,
    'empty': [],
}
blob = None
)PY" + kExpectedCommon + R"PY(
with open(sys.argv[1], encoding='utf-8') as f:
    check(json.load(f), expected)
finish()
)PY";
  const auto result = run_python(harness.folder(), script, shell_quote(path.string()));
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out, "OK\n") << result.err;
}

TEST(CacherPythonInterop, PythonReadsNpy) {
  CacherHarness harness;
  const auto save = [&](const std::string& name, const auto& value) {
    harness.save("npy", cf::encode_artifact(value), name);
  };
  save("bool", std::vector<bool>{true, false, true});
  save("int8", std::vector<std::int8_t>{-128, 0, 127});
  save("uint8", std::vector<std::uint8_t>{0, 255});
  save("int16", std::vector<std::int16_t>{-32768, 32767});
  save("uint16", std::vector<std::uint16_t>{0, 65535});
  save("int32", std::vector<std::int32_t>{std::numeric_limits<std::int32_t>::min(), 7});
  save("uint32", std::vector<std::uint32_t>{0, std::numeric_limits<std::uint32_t>::max()});
  save("int64", std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::min(), -1});
  save("uint64", std::vector<std::uint64_t>{std::numeric_limits<std::uint64_t>::max()});
  save("float32", std::vector<float>{0.1f, -0.0f, std::numeric_limits<float>::infinity()});
  save("float64", std::vector<double>{0.1, std::numeric_limits<double>::quiet_NaN(), 1e300});
  save("matrix", cf::Array<double>({2, 3}, {1, 2, 3, 4, 5, 6.5}));
  save("zero_d", cf::Array<std::int64_t>({}, {-5}));
  save("empty", cf::Array<float>({2, 0, 3}));
  cf::Array<std::int16_t> cube({2, 3, 4});
  for (std::size_t i = 0; i < cube.data.size(); ++i) cube.data[i] = static_cast<std::int16_t>(i * 3 - 20);
  save("cube", cube);

  const std::string script = kCompare + R"PY(
expected = {
    'bool': np.array([True, False, True]),
    'int8': np.array([-128, 0, 127], dtype=np.int8),
    'uint8': np.array([0, 255], dtype=np.uint8),
    'int16': np.array([-32768, 32767], dtype=np.int16),
    'uint16': np.array([0, 65535], dtype=np.uint16),
    'int32': np.array([-2147483648, 7], dtype=np.int32),
    'uint32': np.array([0, 4294967295], dtype=np.uint32),
    'int64': np.array([-9223372036854775808, -1], dtype=np.int64),
    'uint64': np.array([18446744073709551615], dtype=np.uint64),
    'float32': np.array([0.1, -0.0, np.inf], dtype=np.float32),
    'float64': np.array([0.1, np.nan, 1e300]),
    'matrix': np.array([[1, 2, 3], [4, 5, 6.5]]),
    'zero_d': np.array(-5, dtype=np.int64),
    'empty': np.zeros((2, 0, 3), dtype=np.float32),
    'cube': (np.arange(24, dtype=np.int16) * 3 - 20).reshape(2, 3, 4),
}
for name, array in expected.items():
    check(np.load(name + '.npy', allow_pickle=False), array, name)
if np.signbit(np.load('float32.npy')[1]) != True:
    problems.append('float32[1]: -0.0 lost its sign')
with open('matrix.npy', 'rb') as f:
    version = np.lib.format.read_magic(f)
    header = np.lib.format.read_array_header_1_0(f)
    check(version, (1, 0), 'matrix version')
    check(header, ((2, 3), False, np.dtype('<f8')), 'matrix header')
    check(f.tell() % 64, 0, 'matrix data offset')
finish()
)PY";
  const auto result = run_python(harness.folder(), script);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out, "OK\n") << result.err;
}

TEST(CacherPythonInterop, NpyLoadsWhatNumpySaves) {
  CacherHarness harness;
  const std::string script = R"PY(
import numpy as np
np.save('float32.npy', (np.arange(12, dtype=np.float32) / 4 - 1).reshape(3, 4))
np.save('bool.npy', np.array([[True, False, True], [False, False, True]]))
np.save('int64_0d.npy', np.array(-9223372036854775807, dtype=np.int64))
np.save('uint16_3d.npy', np.arange(24, dtype=np.uint16).reshape(2, 3, 4) * 2700)
with open('version2.npy', 'wb') as f:
    np.lib.format.write_array(f, np.array([0.5, -1e-300, np.inf]), version=(2, 0))
np.save('sliced.npy', np.arange(20, dtype=np.int32).reshape(4, 5)[:, 1:3])  # saved C-ordered
np.save('fortran.npy', np.asfortranarray(np.arange(6.0).reshape(2, 3)))
np.save('big_endian.npy', np.arange(3, dtype='>f8'))
np.save('object.npy', np.array([1, 'a'], dtype=object), allow_pickle=True)
np.save('complex.npy', np.array([1 + 2j]))
np.save('structured.npy', np.zeros(2, dtype=[('a', '<f4'), ('b', '<i8')]))
np.save('float16.npy', np.zeros(2, dtype=np.float16))
print('OK')
)PY";
  const auto result = run_python(harness.folder(), script);
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  ASSERT_EQ(result.out, "OK\n") << result.err;

  const auto load = [&](const std::string& name) {
    return harness.load("npy", harness.folder() / (name + ".npy"));
  };
  const auto floats = cf::decode_artifact<cf::Array<float>>(load("float32"));
  EXPECT_EQ(floats.shape, (std::vector<std::size_t>{3, 4}));
  std::vector<float> quarters(12);
  for (std::size_t i = 0; i < quarters.size(); ++i) quarters[i] = static_cast<float>(i) / 4 - 1;
  EXPECT_EQ(floats.data, quarters);

  const auto flags = cf::decode_artifact<cf::Array<bool>>(load("bool"));
  EXPECT_EQ(flags, cf::Array<bool>({2, 3}, {true, false, true, false, false, true}));

  const auto scalar = cf::decode_artifact<cf::Array<std::int64_t>>(load("int64_0d"));
  EXPECT_EQ(scalar, cf::Array<std::int64_t>({}, {-9223372036854775807}));

  const auto cube = cf::decode_artifact<cf::Array<std::uint16_t>>(load("uint16_3d"));
  ASSERT_EQ(cube.shape, (std::vector<std::size_t>{2, 3, 4}));
  for (std::size_t i = 0; i < cube.data.size(); ++i)
    EXPECT_EQ(cube.data[i], static_cast<std::uint16_t>(i * 2700));

  EXPECT_EQ(cf::decode_artifact<std::vector<double>>(load("version2")),
            (std::vector<double>{0.5, -1e-300, std::numeric_limits<double>::infinity()}));
  EXPECT_EQ(cf::decode_artifact<cf::Array<std::int32_t>>(load("sliced")),
            cf::Array<std::int32_t>({4, 2}, {1, 2, 6, 7, 11, 12, 16, 17}));
  // What the cacher loads is the typed array the SDK itself would have encoded.
  EXPECT_EQ(load("bool"),
            cf::encode_artifact(cf::Array<bool>({2, 3}, {true, false, true, false, false, true})));

  const auto error = [&](const std::string& name) { return error_of([&] { load(name); }); };
  EXPECT_TRUE(contains(error("fortran"), "fortran.npy: the array is in Fortran order")) << error("fortran");
  EXPECT_TRUE(contains(error("big_endian"), "big_endian.npy: the data is big-endian ('>f8')"))
      << error("big_endian");
  EXPECT_TRUE(contains(error("object"), "object.npy: the array holds Python objects (dtype '|O')"))
      << error("object");
  EXPECT_TRUE(contains(error("complex"), "complex.npy: dtype '<c16' is not supported")) << error("complex");
  EXPECT_TRUE(
      contains(error("structured"), "structured.npy: a structured dtype (descr [...) is not supported"))
      << error("structured");
  EXPECT_TRUE(contains(error("float16"), "float16.npy: dtype '<f2' is not supported")) << error("float16");
}

}  // namespace cacher_python_interop_test

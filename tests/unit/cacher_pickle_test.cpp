// The pickle cacher through the real plugin, loaded RTLD_LOCAL by the registry as the host does:
// round trips of every artifact value, its option, its errors, and files exchanged with
// Debian's /usr/bin/python3 in both directions.
#include "support/cacher_harness.hpp"
#include "support/error_of.hpp"

#include <curifactory/artifact.hpp>

#include <dlfcn.h>
#include <link.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <future>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace cf::test {
namespace {

struct Layer {
  std::string name;
  Array<float> weights;
  std::vector<std::int64_t> counts;
  std::optional<std::string> note;
  friend bool operator==(const Layer&, const Layer&) = default;
};
CF_FIELDS(Layer, name, weights, counts, note);

struct Model {
  std::vector<Layer> layers;
  std::map<std::string, double> metrics;
  Blob state;
  bool trained = false;
  std::uint64_t seed = 0;
  friend bool operator==(const Model&, const Model&) = default;
};
CF_FIELDS(Model, layers, metrics, state, trained, seed);

Model sample_model() {
  Model model;
  model.layers.push_back(
      {"dense", Array<float>({2, 3}, {0.5f, -1.f, 2.f, 3.25f, 0.f, -0.125f}), {1, -2, 3}, "first"});
  model.layers.push_back({"empty", Array<float>({0, 4}), {}, std::nullopt});
  model.metrics = {{"accuracy", 0.875}, {"loss", 2.0}};
  model.state.bytes = {0, 1, 2, 0xfe, 0xff};
  model.trained = true;
  model.seed = std::numeric_limits<std::uint64_t>::max();
  return model;
}

std::string packed(const std::function<void(msgpack::packer<msgpack::sbuffer>&)>& write) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> packer(buffer);
  write(packer);
  return std::string(buffer.data(), buffer.size());
}

// The MessagePack type of the value stored under `key` in a map artifact.
msgpack::type::object_type type_under(std::string_view artifact, std::string_view key) {
  const auto handle = detail::unpack_artifact(artifact);
  const auto found = Decoder(handle.get()).find(key);
  if (!found) throw std::runtime_error("no key " + std::string(key));
  return found->object().type;
}

class CacherPickle : public ::testing::Test {
 protected:
  // Saves the MessagePack bytes and returns what loading the file gives back.
  std::string through(std::string_view artifact, std::string_view options = "") {
    const auto path = harness.save("pickle", artifact, "value", options);
    return harness.load("pickle", path, options);
  }

  // A value made only of types pickle keeps exactly comes back as the very same bytes.
  template <class T>
  void expect_identical(const T& value) {
    const std::string bytes = encode_artifact(value);
    const std::string back = through(bytes);
    EXPECT_EQ(back, bytes) << type_name_of<T>();
    EXPECT_EQ(decode_artifact<T>(back), value) << type_name_of<T>();
  }

  std::string save_error(std::string_view artifact, std::string_view options = "") {
    return error_of([&] { harness.save("pickle", artifact, "bad", options); });
  }
  std::string load_error(const std::filesystem::path& path, std::string_view options = "") {
    return error_of([&] { harness.load("pickle", path, options); });
  }
  // Runs a script with Debian's Python in the scratch folder, where it writes its pickles.
  void python_writes(const std::string& script) {
    const auto result = run_python(harness.folder(), script);
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  template <class T>
  static std::string type_name_of() {
    return detail::type_name<T>();
  }

  CacherHarness harness;
};

TEST_F(CacherPickle, IsFoundWithItsExtension) {
  ASSERT_TRUE(harness.registry().has("pickle"));
  const cf_cacher_api& pickle = harness.registry().get("pickle");
  EXPECT_STREQ(pickle.name, "pickle");
  EXPECT_STREQ(pickle.extension, ".pkl");
}

TEST_F(CacherPickle, RoundTripsScalars) {
  expect_identical(true);
  expect_identical(false);
  expect_identical(0);
  expect_identical(-1);
  expect_identical(std::numeric_limits<std::int64_t>::min());
  expect_identical(std::numeric_limits<std::int64_t>::max());
  expect_identical(std::numeric_limits<std::uint64_t>::max());
  expect_identical(std::uint64_t{1} << 63);
  expect_identical(1.5);
  expect_identical(1e-300);
  expect_identical(-std::numeric_limits<double>::infinity());
  expect_identical(std::optional<int>());
  // Integral floats stay floats (msgpack-cxx's pack_double would write 2.0 and -0.0 as ints).
  expect_identical(2.0);
  expect_identical(-0.0);
  EXPECT_TRUE(std::signbit(decode_artifact<double>(through(encode_artifact(-0.0)))));
  EXPECT_TRUE(std::isnan(decode_artifact<double>(through(encode_artifact(std::nan(""))))));

  // Python has one float type: a float32 comes back as the same value in a float64.
  const std::map<std::string, float> narrow{{"x", 0.1f}};
  const std::string back = through(encode_artifact(narrow));
  EXPECT_EQ(type_under(back, "x"), msgpack::type::FLOAT64);
  EXPECT_EQ((decode_artifact<std::map<std::string, float>>(back)), narrow);
}

TEST_F(CacherPickle, RoundTripsStringsAndBytes) {
  expect_identical(std::string());
  expect_identical(std::string("plain"));
  expect_identical(std::string("héllo wörld ✓ 漢字 🎉"));
  expect_identical(std::string("nul\0inside", 10));
  Blob every_byte;
  for (int i = 0; i < 256; ++i) every_byte.bytes.push_back(static_cast<std::uint8_t>(i));
  expect_identical(every_byte);
  expect_identical(Blob{});
}

TEST_F(CacherPickle, RoundTripsNestedMapsAndLists) {
  using Nested = std::map<std::string, std::vector<std::map<std::string, std::optional<std::string>>>>;
  expect_identical(Nested{{"a", {{{"x", "1"}, {"y", std::nullopt}}, {}}}, {"b", {}}, {"ünï", {{{"", ""}}}}});
  expect_identical(std::map<std::int64_t, std::string>{{-5, "negative"}, {7, "positive"}});
  expect_identical(std::tuple<int, std::string, std::vector<std::string>>{3, "three", {"a", "b"}});
  expect_identical(std::vector<std::vector<std::string>>{{}, {"x"}, {"y", "z"}});
  expect_identical(std::map<std::string, int>{});
}

TEST_F(CacherPickle, RoundTripsFieldStructs) {
  expect_identical(sample_model());
}

template <class T>
T sample(std::size_t i) {
  if constexpr (std::is_same_v<T, bool>) {
    return i % 3 == 0;
  } else if constexpr (std::is_floating_point_v<T>) {
    const T values[] = {std::numeric_limits<T>::lowest(), std::numeric_limits<T>::max(), T(-0.0),
                        std::numeric_limits<T>::infinity(), T(0.1)};
    return values[i % 5] + (i >= 5 ? T(i) : T(0));
  } else {
    const T values[] = {std::numeric_limits<T>::min(), std::numeric_limits<T>::max(), T(0), T(1), T(42)};
    return values[i % 5];
  }
}

template <class T>
class CacherPickleArrays : public ::testing::Test {};
using Elements = ::testing::Types<bool, std::int8_t, std::uint8_t, std::int16_t, std::uint16_t, std::int32_t,
                                  std::uint32_t, std::int64_t, std::uint64_t, float, double>;
TYPED_TEST_SUITE(CacherPickleArrays, Elements);

TYPED_TEST(CacherPickleArrays, RoundTripEveryShape) {
  CacherHarness harness;
  const std::vector<std::vector<std::size_t>> shapes = {{7}, {},        {2, 3, 4},
                                                        {0}, {2, 0, 3}, {1, 1, 1, 1, 1, 1, 1, 2}};
  for (const auto& shape : shapes) {
    Array<TypeParam> array(shape);
    for (std::size_t i = 0; i < array.data.size(); ++i) array.data[i] = sample<TypeParam>(i);
    const std::string bytes = encode_artifact(array);
    const std::string back = harness.load("pickle", harness.save("pickle", bytes));
    EXPECT_EQ(back, bytes) << detail::type_name<TypeParam>() << " of " << shape.size() << " dimensions";
    EXPECT_EQ(decode_artifact<Array<TypeParam>>(back), array);
  }
}

TEST_F(CacherPickle, ProtocolOptionPicksThePickleProtocol) {
  const auto defaults = run_python(harness.folder(), "import pickle\nprint(pickle.DEFAULT_PROTOCOL)\n");
  ASSERT_EQ(defaults.exit_code, 0) << defaults.err;
  const int default_protocol = std::stoi(defaults.out);

  const Model model = sample_model();
  const std::string bytes = encode_artifact(model);
  for (int protocol = 2; protocol <= 5; ++protocol) {
    const std::string options = R"({"protocol":)" + std::to_string(protocol) + "}";
    const auto path = harness.save("pickle", bytes, "p" + std::to_string(protocol), options);
    const std::string file = read_text(path);
    ASSERT_GE(file.size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(file[0]), 0x80);  // PROTO opcode
    EXPECT_EQ(static_cast<int>(file[1]), protocol);
    EXPECT_EQ(harness.load("pickle", path, options), bytes) << "protocol " << protocol;
  }
  const std::string file = read_text(harness.save("pickle", bytes, "default"));
  EXPECT_EQ(static_cast<int>(file.at(1)), default_protocol);
}

TEST_F(CacherPickle, RejectsUnknownAndBadOptions) {
  const std::string bytes = encode_artifact(1);
  EXPECT_TRUE(contains(save_error(bytes, R"({"level":3})"),
                       "cacher 'pickle' has no option 'level' (options: protocol)"));
  EXPECT_TRUE(contains(save_error(bytes, R"({"protocol":1})"),
                       "cacher 'pickle': option 'protocol' must be between 2 and 5, got 1"));
  EXPECT_TRUE(contains(save_error(bytes, R"({"protocol":6})"),
                       "cacher 'pickle': option 'protocol' must be between 2 and 5, got 6"));
  EXPECT_TRUE(contains(save_error(bytes, R"({"protocol":"5"})"),
                       "cacher 'pickle': option 'protocol' must be an integer, got \"5\""));
  EXPECT_TRUE(contains(save_error(bytes, R"({"protocol":4.5})"), "must be an integer, got 4.5"));
  EXPECT_TRUE(contains(save_error(bytes, R"({"protocol":true})"), "must be an integer, got true"));

  const auto path = harness.save("pickle", bytes);
  EXPECT_TRUE(contains(load_error(path, R"({"level":3})"), "cacher 'pickle' has no option 'level'"));
  EXPECT_TRUE(contains(load_error(path, R"({"protocol":0})"), "must be between 2 and 5, got 0"));
}

TEST_F(CacherPickle, RefusesArtifactsPythonCannotHold) {
  const auto bad_utf8 = [](auto& p) {
    p.pack_str(2);
    p.pack_str_body("\xff\xfe", 2);
  };
  EXPECT_TRUE(
      contains(save_error(packed(bad_utf8)),
               "at the top level: a string that is not valid UTF-8 (UnicodeDecodeError: 'utf-8' codec"));
  EXPECT_TRUE(contains(save_error(packed([&](auto& p) {
                         p.pack_map(1);
                         p.pack(std::string("k"));
                         p.pack_array(2);
                         p.pack(1);
                         bad_utf8(p);
                       })),
                       "at ['k'][1]: a string that is not valid UTF-8"));
  EXPECT_TRUE(contains(save_error(packed([](auto& p) {
                         p.pack_ext(1, 5);
                         p.pack_ext_body("x", 1);
                       })),
                       "at the top level: an extension object of type 5 has no Python form"));
  EXPECT_TRUE(
      contains(save_error(packed([](auto& p) {
                 p.pack_ext(3, CF_MSGPACK_TYPED_ARRAY);
                 p.pack_ext_body("\x0b\x00\x00", 3);
               })),
               "at the top level: malformed typed array: payload of 3 bytes is shorter than its header"));
  std::string bools = encode_artifact(std::vector<bool>{true, false, true});
  bools[bools.size() - 2] = 2;
  EXPECT_TRUE(contains(save_error(bools), "at the top level: element 1 of a bool array is 2"));
  EXPECT_TRUE(contains(save_error(packed([](auto& p) {
                         p.pack_map(2);
                         p.pack(std::string("a"));
                         p.pack(1);
                         p.pack(std::string("a"));
                         p.pack(2);
                       })),
                       "at [key 1]: duplicate key 'a'"));
  EXPECT_TRUE(
      contains(save_error(packed([](auto& p) {
                 p.pack_map(1);
                 p.pack_array(0);
                 p.pack(1);
               })),
               "at [key 0]: a key of type list cannot be a dict key (TypeError: unhashable type: 'list')"));
  EXPECT_TRUE(contains(save_error(encode_artifact(std::string("abc")).substr(0, 2)), "truncated artifact"));
}

TEST_F(CacherPickle, RefusesPythonObjectsWithoutArtifactForm) {
  python_writes(R"(
import datetime, pickle, numpy as np
def save(name, value):
    with open(name + '.pkl', 'wb') as f:
        pickle.dump(value, f)
save('date', {'model': datetime.date(2020, 1, 2)})
save('set', {1, 2})
save('nested', {'a': [1, {'b': complex(1, 2)}]})
save('bigint', [2 ** 70])
save('negative', -(2 ** 63) - 1)
save('float16', np.zeros(3, np.float16))
save('half', np.float16(1))
save('objects', np.array([1, 'x'], dtype=object))
save('masked', np.ma.masked_array([1, 2], [0, 1]))
save('key', {frozenset(): 1})
loop = []
loop.append(loop)
save('loop', loop)
)");
  const auto& folder = harness.folder();
  EXPECT_TRUE(contains(load_error(folder / "date.pkl"),
                       ": at ['model']: a pickled datetime.date has no artifact form"));
  EXPECT_TRUE(
      contains(load_error(folder / "set.pkl"), ": at the top level: a pickled set has no artifact form"));
  EXPECT_TRUE(contains(load_error(folder / "nested.pkl"),
                       ": at ['a'][1]['b']: a pickled complex has no artifact form"));
  EXPECT_TRUE(contains(load_error(folder / "bigint.pkl"),
                       ": at [0]: the 71-bit int does not fit in int64 or uint64"));
  EXPECT_TRUE(contains(load_error(folder / "negative.pkl"),
                       "the 64-bit negative int does not fit in int64 or uint64"));
  EXPECT_TRUE(
      contains(load_error(folder / "float16.pkl"), "a numpy.ndarray of dtype float16 has no artifact form"));
  EXPECT_TRUE(contains(load_error(folder / "half.pkl"), "a pickled numpy.float16 has no artifact form"));
  EXPECT_TRUE(
      contains(load_error(folder / "objects.pkl"), "a numpy.ndarray of dtype object has no artifact form"));
  EXPECT_TRUE(contains(load_error(folder / "masked.pkl"),
                       "a pickled numpy.ma.core.MaskedArray has no artifact form"));
  EXPECT_TRUE(
      contains(load_error(folder / "key.pkl"), ": at [key 0]: a pickled frozenset has no artifact form"));
  EXPECT_TRUE(contains(load_error(folder / "loop.pkl"), "nesting deeper than 1000 levels"));
}

TEST_F(CacherPickle, CorruptAndMissingFilesAreErrors) {
  const auto good = harness.save("pickle", encode_artifact(sample_model()), "good");
  const std::string bytes = read_text(good);
  const auto garbage = harness.folder() / "garbage.pkl";
  const auto empty = harness.folder() / "empty.pkl";
  const auto trailing = harness.folder() / "trailing.pkl";
  std::ofstream(garbage) << "not a pickle";
  std::ofstream(empty) << "";
  std::ofstream(trailing, std::ios::binary) << bytes << "x";
  const auto truncated = harness.folder() / "truncated.pkl";
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);

  const std::string garbage_error = load_error(garbage);
  EXPECT_TRUE(contains(garbage_error, "cacher 'pickle' could not load " + garbage.string() + ": " +
                                          garbage.string() +
                                          ": cannot be unpickled: _pickle.UnpicklingError: "))
      << garbage_error;
  EXPECT_TRUE(contains(load_error(empty), "empty.pkl: cannot be unpickled: EOFError: Ran out of input"));
  EXPECT_TRUE(contains(load_error(truncated), "truncated.pkl: cannot be unpickled: "));
  EXPECT_TRUE(
      contains(load_error(trailing), "trailing.pkl: cannot be unpickled: data after the end of the pickle"));
  EXPECT_TRUE(contains(load_error(harness.folder() / "missing.pkl"),
                       "missing.pkl: cannot be read: No such file or directory"));
  EXPECT_TRUE(contains(error_of([&] {
                         host::save(harness.registry().get("pickle"), harness.folder() / "no" / "x.pkl",
                                    encode_artifact(1), "");
                       }),
                       "no/x.pkl: cannot be created: No such file or directory"));
}

struct Report {
  std::string name;
  Model model;
  Array<double> grid;
  Array<std::int32_t> point;
  std::vector<std::uint8_t> raw;
  std::vector<bool> mask;
  std::vector<std::string> tags;
  std::optional<int> missing;
  std::int64_t offset = 0;
};
CF_FIELDS(Report, name, model, grid, point, raw, mask, tags, missing, offset);

TEST_F(CacherPickle, PythonLoadsWhatTheCacherPickled) {
  Report report{"résumé",
                sample_model(),
                Array<double>({2, 3}, {1, 2, 3, 4, 5, 6.5}),
                Array<std::int32_t>({}, {-7}),
                {1, 2, 255},
                {true, false},
                {"a", "b"},
                std::nullopt,
                -3};
  const auto path = harness.save("pickle", encode_artifact(report));
  const auto result = run_python(harness.folder(), R"(
import pickle, sys
import numpy as np
with open(sys.argv[1], 'rb') as f:
    v = pickle.load(f)
def check(ok, what):
    if not ok:
        print('FAIL', what, repr(v.get(what) if isinstance(v, dict) else v))
        sys.exit(1)
def array(a, dtype, shape, values):
    return type(a) is np.ndarray and a.dtype == np.dtype(dtype) and a.shape == shape and a.tolist() == values
check(type(v) is dict and list(v) == ['name', 'model', 'grid', 'point', 'raw', 'mask', 'tags', 'missing', 'offset'], 'keys')
check(v['name'] == 'résumé', 'name')
check(array(v['grid'], 'float64', (2, 3), [[1, 2, 3], [4, 5, 6.5]]), 'grid')
check(array(v['point'], 'int32', (), -7), 'point')
check(array(v['raw'], 'uint8', (3,), [1, 2, 255]), 'raw')
check(array(v['mask'], 'bool', (2,), [True, False]), 'mask')
check(v['tags'] == ['a', 'b'] and type(v['tags']) is list, 'tags')
check(v['missing'] is None, 'missing')
check(v['offset'] == -3 and type(v['offset']) is int, 'offset')
m = v['model']
check(type(m) is dict and list(m) == ['layers', 'metrics', 'state', 'trained', 'seed'], 'model')
l0, l1 = m['layers']
check(l0['name'] == 'dense' and array(l0['weights'], 'float32', (2, 3), [[0.5, -1, 2], [3.25, 0, -0.125]]), 'model')
check(array(l0['counts'], 'int64', (3,), [1, -2, 3]) and l0['note'] == 'first', 'model')
check(array(l1['weights'], 'float32', (0, 4), []) and array(l1['counts'], 'int64', (0,), []), 'model')
check(l1['note'] is None, 'model')
check(m['metrics'] == {'accuracy': 0.875, 'loss': 2.0} and type(m['metrics']['loss']) is float, 'model')
check(m['state'] == b'\x00\x01\x02\xfe\xff' and type(m['state']) is bytes, 'model')
check(m['trained'] is True and m['seed'] == 2 ** 64 - 1, 'model')
print('OK')
)",
                                 shell_quote(path.string()));
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out, "OK\n") << result.err;
}

struct FromPython {
  Array<float> weights;
  std::tuple<int, std::string, double, std::optional<int>, bool> items;
  std::optional<int> missing;
  Blob payload;
  std::vector<std::int32_t> counts;
  std::vector<std::int64_t> column;
  Array<std::uint16_t> transposed;
  Array<double> zero_d;
  float scalar = 0;
  std::int16_t count = 0;
  bool flag = false;
  std::uint64_t big = 0;
  std::pair<int, int> pair;
  Blob buffer;
  std::map<std::int64_t, std::string> numbered;
  friend bool operator==(const FromPython&, const FromPython&) = default;
};
CF_FIELDS(FromPython, weights, items, missing, payload, counts, column, transposed, zero_d, scalar, count,
          flag, big, pair, buffer, numbered);

TEST_F(CacherPickle, LoadsWhatPythonPickled) {
  python_writes(R"(
import pickle
import numpy as np
value = {
    'weights': np.arange(6, dtype=np.float32).reshape(2, 3) / np.float32(4),
    'items': [1, 'two', 3.5, None, True],
    'missing': None,
    'payload': b'\x00\x01\xff',
    'counts': np.array([1, -2, 3], dtype='>i4'),                      # big-endian
    'column': np.arange(12, dtype=np.int64).reshape(3, 4)[:, 1],      # strided
    'transposed': np.arange(6, dtype=np.uint16).reshape(2, 3).T,     # Fortran order
    'zero_d': np.array(1.5),
    'scalar': np.float32(0.25),
    'count': np.int16(-7),
    'flag': np.bool_(True),
    'big': 2 ** 64 - 1,
    'pair': (1, 2),
    'buffer': bytearray(b'ab'),
    'numbered': {-1: 'minus one', 10: 'ten'},
}
for protocol in (2, 5):
    with open('p%d.pkl' % protocol, 'wb') as f:
        pickle.dump(value, f, protocol=protocol)
)");
  FromPython expected;
  expected.weights = Array<float>({2, 3}, {0, 0.25f, 0.5f, 0.75f, 1, 1.25f});
  expected.items = {1, "two", 3.5, std::nullopt, true};
  expected.payload.bytes = {0, 1, 0xff};
  expected.counts = {1, -2, 3};
  expected.column = {1, 5, 9};
  expected.transposed = Array<std::uint16_t>({3, 2}, {0, 3, 1, 4, 2, 5});
  expected.zero_d = Array<double>({}, {1.5});
  expected.scalar = 0.25f;
  expected.count = -7;
  expected.flag = true;
  expected.big = std::numeric_limits<std::uint64_t>::max();
  expected.pair = {1, 2};
  expected.buffer.bytes = {'a', 'b'};
  expected.numbered = {{-1, "minus one"}, {10, "ten"}};
  for (const char* file : {"p2.pkl", "p5.pkl"}) {
    const std::string artifact = harness.load("pickle", harness.folder() / file);
    EXPECT_EQ(decode_artifact<FromPython>(artifact), expected) << file;
    // numpy scalars keep their width: float32 stays a MessagePack float32.
    EXPECT_EQ(type_under(artifact, "scalar"), msgpack::type::FLOAT32) << file;
  }
}

// The interpreter outlives each call: a call from another thread must find the GIL free.
TEST(CacherPickleThreads, CallsFromAnotherThreadAfterStart) {
  // Shared with the thread, which may outlive the test if it hangs.
  const auto harness = std::make_shared<CacherHarness>();
  const std::string bytes = encode_artifact(sample_model());
  ASSERT_EQ(harness->load("pickle", harness->save("pickle", bytes, "main")), bytes);
  std::promise<std::string> result;
  auto done = result.get_future();
  // Detached: if the GIL were never released the thread would block forever, and the test
  // should fail rather than hang.
  std::thread([harness, bytes, promise = std::move(result)]() mutable {
    try {
      promise.set_value(harness->load("pickle", harness->save("pickle", bytes, "thread")));
    } catch (...) {
      promise.set_exception(std::current_exception());
    }
  }).detach();
  ASSERT_EQ(done.wait_for(std::chrono::seconds(60)), std::future_status::ready) << "the GIL was not released";
  EXPECT_EQ(done.get(), bytes);
}

// The file name of the loaded libpython, or empty when none is loaded.
std::string loaded_libpython() {
  std::string found;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) {
        const std::string_view name = info->dlpi_name != nullptr ? info->dlpi_name : "";
        if (name.find("libpython") == std::string_view::npos) return 0;
        *static_cast<std::string*>(data) = name;
        return 1;
      },
      &found);
  return found;
}

// Run only by CacherPickleProcess below, in a fresh process with a hostile Python environment:
// here Python must not have started before the first call.
TEST(CacherPickleChild, DISABLED_StartsOnFirstCallIsolatedFromTheEnvironment) {
  if (std::getenv("CF_PICKLE_CHILD") == nullptr) GTEST_SKIP() << "run by CacherPickleProcess only";
  CacherHarness harness;
  EXPECT_EQ(loaded_libpython(), "") << "nothing loads libpython before the plugin";
  harness.registry().get("pickle");
  const std::string library = loaded_libpython();
  ASSERT_NE(library, "");
  void* handle = ::dlopen(library.c_str(), RTLD_LAZY | RTLD_NOLOAD);
  ASSERT_NE(handle, nullptr);
  const auto is_initialized = reinterpret_cast<int (*)()>(::dlsym(handle, "Py_IsInitialized"));
  ASSERT_NE(is_initialized, nullptr);
  EXPECT_EQ(is_initialized(), 0) << "loading the plugin must not start Python";

  // numpy imports although PYTHONPATH offers a broken one and PYTHONHOME points nowhere.
  const std::string bytes = encode_artifact(sample_model());
  EXPECT_EQ(harness.load("pickle", harness.save("pickle", bytes)), bytes);
  EXPECT_EQ(is_initialized(), 1);

  // Pickles whose only content is a global, to read the interpreter's own state back.
  const auto global = [&](const std::string& module, const std::string& name) {
    const auto path = harness.folder() / (name + ".pkl");
    std::ofstream(path, std::ios::binary) << "\x80\x04" << 'c' << module << '\n' << name << "\n.";
    return harness.load("pickle", path);
  };
  EXPECT_EQ(decode_artifact<std::string>(global("sys", "prefix")), "/usr");
  EXPECT_EQ(decode_artifact<int>(global("sys", "flags.isolated")), 1);
  EXPECT_EQ(decode_artifact<std::string>(global("numpy", "__file__")).rfind("/usr/lib/python3/", 0), 0u);
  ::dlclose(handle);
}

TEST(CacherPickleProcess, StartsLazilyAndIgnoresPythonEnvironment) {
  const ScratchFolder folder;
  folder.write("fake/numpy/__init__.py", "raise ImportError('the numpy from PYTHONPATH')\n");
  const auto self = std::filesystem::read_symlink("/proc/self/exe");
  const auto result = run_shell(folder.path(), "CF_PICKLE_CHILD=1 PYTHONHOME=/nonexistent PYTHONPATH=" +
                                                   shell_quote((folder.path() / "fake").string()) + " " +
                                                   shell_quote(self.string()) +
                                                   " --gtest_also_run_disabled_tests"
                                                   " --gtest_filter=CacherPickleChild.*");
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(contains(result.out, "[  PASSED  ] 1 test.")) << result.out;
  EXPECT_FALSE(contains(result.out, "SKIPPED")) << result.out;
}

}  // namespace
}  // namespace cf::test

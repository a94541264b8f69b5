// The `npy` cacher: one typed numeric array (a std::vector of numbers, a cf::Array) as a NumPy
// .npy file, so numpy.load reads the cached output directly, and a file numpy.save wrote can be
// loaded as an artifact.
//
// Saving writes format version 1.0: the magic, a header dict such as
//   {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }
// padded with spaces so the data starts at a multiple of 64 bytes, then the typed array's
// elements exactly as the artifact holds them (abi.h's layout is already little-endian and
// row-major, which is what '<' and fortran_order False say). Loading accepts the 1.0 and 2.0
// headers numpy.save writes for the dtypes abi.h has, in little-endian or '|' byte order, and
// streams the data into the artifact without holding the file in memory. Fortran order,
// big-endian data, structured, object and other dtypes are refused with the reason.
//
// No options.
// cacher.hpp first: inside cf::detail it names cf::artifact_output unqualified, which would
// resolve to cf::detail::artifact_output (artifact.hpp's packer stream) if that were declared.
#include <curifactory/cacher.hpp>

#include <curifactory/artifact.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
// Magic, two version bytes, and the 2-byte (version 1.0) or 4-byte (2.0) header length.
constexpr std::size_t kPreambleV1 = kMagic.size() + 2 + 2;
constexpr std::size_t kPreambleV2 = kMagic.size() + 2 + 4;
// numpy refuses headers over 10000 bytes when loading; anything near this is not a .npy file.
constexpr std::size_t kMaxHeader = std::size_t{1} << 20;

[[noreturn]] void fail_io(const std::filesystem::path& path, const char* action) {
  throw std::runtime_error(path.string() + ": " + action + ": " + std::system_category().message(errno));
}

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what);
}

// Closes on every path out, including a failed write.
struct Descriptor {
  explicit Descriptor(int descriptor) : fd(descriptor) {}
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int fd;
};

void write_all(const std::filesystem::path& path, int fd, std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      fail_io(path, "cannot be written");
    }
    bytes = bytes.subspan(static_cast<std::size_t>(written));
  }
}

// Fills `bytes` unless the file ends first; returns how much was read.
std::size_t read_up_to(const std::filesystem::path& path, int fd, std::span<char> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t count = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (count < 0) {
      if (errno == EINTR) continue;
      fail_io(path, "cannot be read");
    }
    if (count == 0) break;
    done += static_cast<std::size_t>(count);
  }
  return done;
}

// numpy's type strings, without the byte order character, indexed by cf_dtype.
constexpr std::array<std::string_view, 12> kTypeCodes = {"",   "b1", "i1", "u1", "i2", "u2",
                                                         "i4", "u4", "i8", "u8", "f4", "f8"};

std::string descr(cf_dtype dtype) {
  // numpy writes '|' for types whose byte order cannot matter.
  return (cf::detail::dtype_size(dtype) == 1 ? "|" : "<") + std::string(kTypeCodes[dtype]);
}

std::string shape_repr(std::span<const std::size_t> shape) {
  std::string text = "(";
  for (std::size_t d = 0; d < shape.size(); ++d) text += (d ? ", " : "") + std::to_string(shape[d]);
  return text + (shape.size() == 1 ? ",)" : ")");  // Python's one-element tuple
}

// ---- save ---------------------------------------------------------------------------------

std::string npy_header(cf_dtype dtype, std::span<const std::size_t> shape) {
  std::string dict =
      "{'descr': '" + descr(dtype) + "', 'fortran_order': False, 'shape': " + shape_repr(shape) + ", }";
  // numpy pads so the data starts 64-byte aligned, which a memory map of the file relies on.
  const std::size_t unpadded = kPreambleV1 + dict.size() + 1;
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict += '\n';
  // At most CF_MAX_DIMS extents of 20 digits: always within version 1.0's 16-bit length.
  std::string header(kMagic);
  header += '\x01';
  header += '\x00';
  header += static_cast<char>(dict.size() & 0xff);
  header += static_cast<char>(dict.size() >> 8);
  return header + dict;
}

void save(const std::filesystem::path& path, std::string_view artifact, const rapidjson::Value& options) {
  cf::check_options("npy", options, {});
  const auto handle = cf::detail::unpack_artifact(artifact);
  const cf::Decoder root(handle.get());
  if (root.kind() != cf::value_kind::typed_array) {
    throw std::runtime_error("npy holds one typed numeric array; this artifact is " + root.describe());
  }
  const cf::TypedArrayView array = root.typed_array();
  const std::string header = npy_header(array.dtype, array.shape);

  Descriptor file{::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)};
  if (file.fd < 0) fail_io(path, "cannot be created");
  write_all(path, file.fd, std::as_bytes(std::span(header)));
  write_all(path, file.fd, array.elements);
  // A write error NFS defers (or a full quota) can show up only when closing.
  const int fd = file.fd;
  file.fd = -1;
  if (::close(fd) != 0) fail_io(path, "cannot be written");
}

// ---- load ---------------------------------------------------------------------------------

struct NpyHeader {
  cf_dtype dtype{};
  std::vector<std::size_t> shape;
  std::size_t count = 0;
};

// Reads the header dict, a Python literal of a fixed shape: {'descr': str, 'fortran_order':
// bool, 'shape': tuple of ints}, keys in any order, optional trailing commas, as numpy's own
// reader accepts.
class HeaderParser {
 public:
  HeaderParser(const std::filesystem::path& path, std::string_view text) : path_(path), text_(text) {}

  NpyHeader parse() {
    std::optional<std::string> type;
    std::optional<bool> fortran_order;
    std::optional<std::vector<std::size_t>> shape;
    expect('{');
    while (!consume('}')) {
      const std::string key = string();
      expect(':');
      if (key == "descr") {
        if (peek() != '\'' && peek() != '"') {
          invalid("a structured dtype (descr " + std::string(1, peek()) +
                  "...) is not supported; the npy cacher reads arrays of one numeric type");
        }
        type = string();
      } else if (key == "fortran_order") {
        fortran_order = boolean();
      } else if (key == "shape") {
        shape = tuple();
      } else {
        invalid("unexpected key '" + key + "' in the header");
      }
      if (!consume(',')) {
        expect('}');
        break;
      }
    }
    skip_space();
    if (position_ != text_.size()) syntax("the end of the header");
    if (!type || !fortran_order || !shape) {
      invalid("the header lacks '" +
              std::string(!type            ? "descr"
                          : !fortran_order ? "fortran_order"
                                           : "shape") +
              "'");
    }
    NpyHeader header;
    header.dtype = dtype(*type);
    if (*fortran_order) {
      invalid(
          "the array is in Fortran order, which the npy cacher does not read; save a C-ordered array "
          "(numpy.ascontiguousarray)");
    }
    if (shape->size() > CF_MAX_DIMS) {
      invalid("the array has " + std::to_string(shape->size()) + " dimensions (at most " +
              std::to_string(CF_MAX_DIMS) + ")");
    }
    header.shape = std::move(*shape);
    const auto count = cf::detail::element_count(header.shape);
    if (!count) invalid("the shape " + shape_repr(header.shape) + " has more elements than memory can hold");
    header.count = *count;
    return header;
  }

 private:
  cf_dtype dtype(const std::string& text) const {
    if (text.size() < 2) invalid("dtype '" + text + "' is not a numpy type string");
    const std::string_view type = std::string_view(text).substr(1);
    for (unsigned dtype = 1; dtype < kTypeCodes.size(); ++dtype) {
      if (type != kTypeCodes[dtype]) continue;
      const bool single_byte = cf::detail::dtype_size(dtype) == 1;
      if (text[0] == '<' || text[0] == '|' || text[0] == '=' || (text[0] == '>' && single_byte)) {
        return static_cast<cf_dtype>(dtype);
      }
      if (text[0] == '>') {
        invalid("the data is big-endian ('" + text + "'), which the npy cacher does not read; save it " +
                "little-endian (array.astype('<" + std::string(type) + "'))");
      }
    }
    if (type == "O") invalid("the array holds Python objects (dtype '" + text + "'), which are not numbers");
    invalid("dtype '" + text +
            "' is not supported; the npy cacher reads bool, int8-int64, uint8-uint64, float32 and float64");
  }

  char peek() {
    skip_space();
    return position_ < text_.size() ? text_[position_] : '\0';
  }
  void skip_space() {
    while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\t' ||
                                        text_[position_] == '\n' || text_[position_] == '\r')) {
      ++position_;
    }
  }
  bool consume(char c) {
    if (peek() != c) return false;
    ++position_;
    return true;
  }
  void expect(char c) {
    if (!consume(c)) syntax(std::string("'") + c + "'");
  }

  std::string string() {
    const char quote = peek();
    if (quote != '\'' && quote != '"') syntax("a quoted string");
    const std::size_t end = text_.find(quote, position_ + 1);
    if (end == std::string_view::npos) syntax("the end of a string");
    std::string value(text_.substr(position_ + 1, end - position_ - 1));
    position_ = end + 1;
    return value;
  }

  bool boolean() {
    skip_space();
    for (const auto& [word, value] : {std::pair{std::string_view("True"), true}, {"False", false}}) {
      if (text_.substr(position_, word.size()) == word) {
        position_ += word.size();
        return value;
      }
    }
    syntax("True or False");
  }

  std::vector<std::size_t> tuple() {
    std::vector<std::size_t> items;
    expect('(');
    while (!consume(')')) {
      items.push_back(integer());
      if (!consume(',')) {
        expect(')');
        break;
      }
    }
    return items;
  }

  std::size_t integer() {
    skip_space();
    std::size_t value = 0;
    const std::size_t start = position_;
    for (; position_ < text_.size() && text_[position_] >= '0' && text_[position_] <= '9'; ++position_) {
      const auto digit = static_cast<std::size_t>(text_[position_] - '0');
      if (value > (std::numeric_limits<std::size_t>::max() - digit) / 10) invalid("an extent is too large");
      value = value * 10 + digit;
    }
    if (position_ == start) syntax("a non-negative integer");
    if (position_ < text_.size() && text_[position_] == 'L') ++position_;  // Python 2's numpy wrote 3L
    return value;
  }

  [[noreturn]] void syntax(const std::string& expected) const {
    constexpr std::size_t kShown = 200;
    std::string_view dict = text_;
    while (!dict.empty() && (dict.back() == ' ' || dict.back() == '\n')) dict.remove_suffix(1);
    std::string shown(dict.substr(0, kShown));
    if (dict.size() > kShown) shown += "...";
    invalid("malformed header: expected " + expected + " at character " + std::to_string(position_ + 1) +
            " of " + shown);
  }
  [[noreturn]] void invalid(const std::string& what) const { fail(path_, what); }

  const std::filesystem::path& path_;
  std::string_view text_;
  std::size_t position_ = 0;
};

std::string describe(const NpyHeader& header) {
  cf::detail::typed_array_header typed;
  typed.dtype = header.dtype;
  typed.ndim = header.shape.size();
  std::copy(header.shape.begin(), header.shape.end(), typed.extents.begin());
  return cf::detail::describe_typed_array(typed);
}

// The MessagePack extension header and abi.h's typed array header for this array.
std::string artifact_prefix(const NpyHeader& header, std::size_t data_size) {
  const std::size_t typed_header = cf::detail::typed_array_fixed_header + 8 * header.shape.size();
  std::string prefix;
  cf::Encoder encoder(&prefix);
  encoder.packer().pack_ext(typed_header + data_size, CF_MSGPACK_TYPED_ARRAY);
  std::array<char, cf::detail::typed_array_fixed_header + 8 * CF_MAX_DIMS> bytes{};
  bytes[0] = static_cast<char>(header.dtype);
  bytes[1] = static_cast<char>(header.shape.size());
  for (std::size_t d = 0; d < header.shape.size(); ++d) {
    const auto extent = static_cast<std::uint64_t>(header.shape[d]);
    std::memcpy(bytes.data() + cf::detail::typed_array_fixed_header + 8 * d, &extent, sizeof extent);
  }
  prefix.append(bytes.data(), typed_header);
  return prefix;
}

void load(const std::filesystem::path& path, const rapidjson::Value& options,
          const cf::artifact_output& out) {
  cf::check_options("npy", options, {});
  Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) fail_io(path, "cannot be read");

  std::array<char, kPreambleV2> preamble{};
  const std::size_t got = read_up_to(path, file.fd, std::span(preamble).first(kPreambleV1));
  if (got < kMagic.size() || std::string_view(preamble.data(), kMagic.size()) != kMagic) {
    fail(path, "not a .npy file (it does not start with \\x93NUMPY)");
  }
  if (got < kPreambleV1) fail(path, "truncated .npy file (it ends inside its preamble)");
  const auto major = static_cast<unsigned char>(preamble[6]);
  const auto minor = static_cast<unsigned char>(preamble[7]);
  if ((major != 1 && major != 2) || minor != 0) {
    fail(path, ".npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                   " is not supported (the npy cacher reads 1.0 and 2.0)");
  }
  const std::size_t preamble_size = major == 1 ? kPreambleV1 : kPreambleV2;
  if (preamble_size > kPreambleV1 &&
      read_up_to(path, file.fd, std::span(preamble).subspan(kPreambleV1)) != kPreambleV2 - kPreambleV1) {
    fail(path, "truncated .npy file (it ends inside its preamble)");
  }
  std::size_t header_size = 0;
  for (std::size_t i = preamble_size; i-- > kPreambleV1 - 2;) {
    header_size = header_size << 8 | static_cast<unsigned char>(preamble[i]);
  }
  if (header_size > kMaxHeader) {
    fail(path, "the .npy header claims " + std::to_string(header_size) + " bytes, which no .npy file has");
  }
  std::string text(header_size, '\0');
  if (read_up_to(path, file.fd, text) != header_size)
    fail(path, "truncated .npy file (it ends inside its header)");
  const NpyHeader header = HeaderParser(path, text).parse();

  const std::size_t element_size = cf::detail::dtype_size(header.dtype);
  const std::size_t typed_header = cf::detail::typed_array_fixed_header + 8 * header.shape.size();
  if (header.count > (std::numeric_limits<std::uint32_t>::max() - typed_header) / element_size) {
    fail(path, describe(header) + " is too large for one artifact (MessagePack objects stop at 4 GiB)");
  }
  const std::size_t data_size = header.count * element_size;
  struct stat info {};
  if (::fstat(file.fd, &info) != 0) fail_io(path, "cannot be read");
  const auto file_size = static_cast<std::size_t>(info.st_size);
  const std::size_t data_start = preamble_size + header_size;
  if (file_size < data_start + data_size) {
    fail(path, "truncated .npy file: " + describe(header) + " needs " + std::to_string(data_size) +
                   " bytes of data, the file has " + std::to_string(file_size - data_start));
  }
  if (file_size > data_start + data_size) {
    fail(path, std::to_string(file_size - data_start - data_size) + " unexpected bytes after the " +
                   describe(header) + " data (a .npy file ends with its array)");
  }

  out.write(artifact_prefix(header, data_size));
  // Pieces of 1 MiB, so the cacher never holds a second copy of a large array.
  std::string piece(std::min(data_size, std::size_t{1} << 20), '\0');
  for (std::size_t left = data_size; left > 0;) {
    const std::size_t count = read_up_to(path, file.fd, std::span(piece).first(std::min(left, piece.size())));
    if (count == 0) fail(path, "truncated .npy file (it ended while its data was read)");
    out.write(std::string_view(piece.data(), count));
    left -= count;
  }
}

}  // namespace

CF_DESCRIPTION("one typed numeric array as a NumPy .npy file (numpy.load reads it)");
CF_CACHER("npy", ".npy", save, load);

// The `zstd` cacher: the artifact's MessagePack bytes as one standard zstd frame, so the file
// also opens with `zstd -d` or Python's zstandard. Both directions stream through 1 MiB
// buffers: saving never builds a second full-size copy of the artifact and loading never
// holds the whole artifact.
#include <curifactory/cacher.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

namespace {

constexpr std::size_t kChunk = std::size_t{1} << 20;
constexpr const char* kName = "zstd";

[[noreturn]] void fail(const std::filesystem::path& path, const char* action) {
  throw std::runtime_error(path.string() + ": " + action + ": " + std::system_category().message(errno));
}

// Closes on every path out, including a failed write.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

struct CCtxFree {
  void operator()(ZSTD_CCtx* cctx) const { ZSTD_freeCCtx(cctx); }
};
struct DCtxFree {
  void operator()(ZSTD_DCtx* dctx) const { ZSTD_freeDCtx(dctx); }
};

// zstd reports errors as special return values; this turns one into an exception naming the
// file, so a failure never passes silently into the next call.
std::size_t checked(std::size_t result, const std::filesystem::path& path, const char* action) {
  if (ZSTD_isError(result))
    throw std::runtime_error(path.string() + ": " + action + ": " + ZSTD_getErrorName(result));
  return result;
}

// The option as the stage wrote it, cut short so a huge value cannot flood the error line;
// escaped to ASCII so the cut cannot split a UTF-8 character.
std::string json_text(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::ASCII<>> writer(buffer);
  value.Accept(writer);
  std::string text(buffer.GetString(), buffer.GetSize());
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

// Integers only: 3.0 or "3" is refused rather than guessed at, like any other mistyped option.
int integer_option(const rapidjson::Value& options, const char* key, int low, int high, int fallback,
                   const char* note = "") {
  const auto it = options.FindMember(key);
  if (it == options.MemberEnd()) return fallback;
  const rapidjson::Value& value = it->value;
  if (!value.IsInt64() || value.GetInt64() < low || value.GetInt64() > high) {
    throw std::runtime_error("cacher '" + std::string(kName) + "' option '" + key +
                             "' must be an integer from " + std::to_string(low) + " to " +
                             std::to_string(high) + note + ", not " + json_text(value));
  }
  return static_cast<int>(value.GetInt64());
}

struct Settings {
  int level;
  int workers;
};

Settings parse_options(const rapidjson::Value& options) {
  cf::check_options(kName, options, {"level", "workers"});
  Settings settings{};
  settings.level = integer_option(options, "level", ZSTD_minCLevel(), ZSTD_maxCLevel(), ZSTD_CLEVEL_DEFAULT);
  // A zstd built without threads reports an upper bound of 0; the default then quietly stays
  // single-threaded, while an explicit request for workers says why it cannot be met.
  const ZSTD_bounds bounds = ZSTD_cParam_getBounds(ZSTD_c_nbWorkers);
  const int most = ZSTD_isError(bounds.error) ? 0 : bounds.upperBound;
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  settings.workers = integer_option(options, "workers", 0, most, std::min(cores, most),
                                    most == 0 ? " (this zstd library has no multithreading)" : "");
  return settings;
}

void write_all(int fd, const char* data, std::size_t size, const std::filesystem::path& path) {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      fail(path, "cannot be written");
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
}

void save(const std::filesystem::path& path, std::string_view artifact, const rapidjson::Value& options) {
  const Settings settings = parse_options(options);
  const std::unique_ptr<ZSTD_CCtx, CCtxFree> cctx(ZSTD_createCCtx());
  if (!cctx) throw std::runtime_error(path.string() + ": cannot allocate a zstd compression context");
  checked(ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, settings.level), path,
          "setting the level");
  // The checksum lets a load tell a damaged file from a good one instead of returning wrong
  // bytes; the content size lets readers such as Python's zstandard size their output.
  checked(ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1), path, "enabling the checksum");
  checked(ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_nbWorkers, settings.workers), path,
          "setting the workers");
  checked(ZSTD_CCtx_setPledgedSrcSize(cctx.get(), artifact.size()), path, "setting the content size");

  Descriptor file{::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)};
  if (file.fd < 0) fail(path, "cannot be created");
  const auto chunk = std::make_unique_for_overwrite<char[]>(kChunk);
  ZSTD_inBuffer input{artifact.data(), artifact.size(), 0};
  // With the whole input given and ZSTD_e_end, each call fills the output chunk as far as it
  // can; a nonzero result means more compressed bytes are still to come.
  for (std::size_t remaining = 1; remaining != 0;) {
    ZSTD_outBuffer output{chunk.get(), kChunk, 0};
    remaining =
        checked(ZSTD_compressStream2(cctx.get(), &output, &input, ZSTD_e_end), path, "cannot be compressed");
    write_all(file.fd, chunk.get(), output.pos, path);
  }
  // A write error NFS defers (or a full quota) can show up only when closing.
  const int fd = file.fd;
  file.fd = -1;
  if (::close(fd) != 0) fail(path, "cannot be written");
}

void load(const std::filesystem::path& path, const rapidjson::Value& options,
          const cf::artifact_output& out) {
  parse_options(options);
  Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) fail(path, "cannot be read");
  const std::unique_ptr<ZSTD_DCtx, DCtxFree> dctx(ZSTD_createDCtx());
  if (!dctx) throw std::runtime_error(path.string() + ": cannot allocate a zstd decompression context");
  const auto compressed = std::make_unique_for_overwrite<char[]>(kChunk);
  const auto decompressed = std::make_unique_for_overwrite<char[]>(kChunk);

  std::size_t total = 0;
  bool frame_done = false;  // at least one frame decoded completely
  std::size_t hint = 0;     // ZSTD_decompressStream's last result: 0 at the end of a frame
  for (;;) {
    const ssize_t count = ::read(file.fd, compressed.get(), kChunk);
    if (count < 0) {
      if (errno == EINTR) continue;
      fail(path, "cannot be read");
    }
    if (count == 0) break;
    total += static_cast<std::size_t>(count);
    ZSTD_inBuffer input{compressed.get(), static_cast<std::size_t>(count), 0};
    // A full output chunk may leave decoded bytes inside zstd, so keep calling until the input
    // is used up and zstd had room to spare.
    for (;;) {
      ZSTD_outBuffer output{decompressed.get(), kChunk, 0};
      hint = ZSTD_decompressStream(dctx.get(), &output, &input);
      if (ZSTD_isError(hint)) {
        if (ZSTD_getErrorCode(hint) == ZSTD_error_prefix_unknown && !frame_done) {
          throw std::runtime_error(path.string() + ": not a zstd file (" + ZSTD_getErrorName(hint) + ")");
        }
        throw std::runtime_error(path.string() + ": corrupt zstd data: " + ZSTD_getErrorName(hint));
      }
      frame_done = frame_done || hint == 0;
      out.write(std::string_view(decompressed.get(), output.pos));
      if (input.pos == input.size && output.pos < output.size) break;
    }
  }
  if (total == 0) throw std::runtime_error(path.string() + ": empty file, not a zstd file");
  // Shorter than the magic number: zstd only asks for more input, which would read as truncation.
  if (!frame_done && total < 4) {
    throw std::runtime_error(path.string() + ": not a zstd file (only " + std::to_string(total) + " bytes)");
  }
  if (hint != 0) throw std::runtime_error(path.string() + ": truncated zstd file (it ends inside a frame)");
}

// The first frame's header records the artifact's size (save pledges it), so a reader can
// reserve it before the decompressed pieces arrive instead of growing as they do.
std::uint64_t load_size(const std::filesystem::path& path, const rapidjson::Value&) {
  Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) return 0;
  constexpr std::size_t kLongestFrameHeader = 18;  // ZSTD_FRAMEHEADERSIZE_MAX, a static-only name
  char header[kLongestFrameHeader];
  const ssize_t count = ::pread(file.fd, header, sizeof header, 0);
  if (count <= 0) return 0;
  const unsigned long long size = ZSTD_getFrameContentSize(header, static_cast<std::size_t>(count));
  return size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR ? 0 : size;
}

}  // namespace

CF_DESCRIPTION("MessagePack bytes as a zstd frame (options: level, default 3; workers, default all cores)");
CF_CACHER_SIZED("zstd", ".msgpack.zst", save, load, load_size);

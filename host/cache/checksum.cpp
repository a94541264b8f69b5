#include "cache/checksum.hpp"

#include "cache/atomic_file.hpp"

#include <xxhash.h>

#include <cstdint>
#include <memory>
#include <new>
#include <stdexcept>

namespace cf::host {
namespace {

constexpr std::size_t kChunkSize = std::size_t{1} << 20;

std::string format(XXH128_hash_t hash) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string text = "xxh3-128:";
  for (const std::uint64_t half : {hash.high64, hash.low64}) {
    for (int shift = 60; shift >= 0; shift -= 4) text += kHex[(half >> shift) & 0xf];
  }
  return text;
}

struct StateDeleter {
  void operator()(XXH3_state_t* state) const { XXH3_freeState(state); }
};

}  // namespace

std::string bytes_checksum(std::string_view bytes) {
  return format(XXH3_128bits(bytes.data(), bytes.size()));
}

std::string file_checksum(const std::filesystem::path& path) {
  const std::unique_ptr<XXH3_state_t, StateDeleter> state(XXH3_createState());
  if (!state) throw std::bad_alloc();
  // Reset and update only fail for a null state or buffer, which would be a bug here.
  if (XXH3_128bits_reset(state.get()) != XXH_OK) throw std::logic_error("XXH3_128bits_reset failed");
  read_file_chunks(path, kChunkSize, [&](std::string_view chunk) {
    if (XXH3_128bits_update(state.get(), chunk.data(), chunk.size()) != XXH_OK) {
      throw std::logic_error("XXH3_128bits_update failed");
    }
  });
  return format(XXH3_128bits_digest(state.get()));
}

}  // namespace cf::host

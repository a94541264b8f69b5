#include "params/param_hash.hpp"

#include "util/error.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdint>

namespace cf::host {
namespace {

using u128 = unsigned __int128;

std::array<unsigned char, 16> md5(std::string_view text) {
  std::array<unsigned char, 16> digest{};
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_md5(), nullptr) != 1 || size != 16) {
    throw UserError("md5 is unavailable from OpenSSL");
  }
  return digest;
}

// A 192-bit accumulator: enough for 2^64 terms of 128 bits each.
struct BigSum {
  u128 low = 0;
  std::uint64_t high = 0;

  void add(u128 term) {
    low += term;
    if (low < term) ++high;
  }
};

void add_terms(const rapidjson::Value& representations, BigSum& sum) {
  if (!representations.IsObject()) throw UserError("malformed hash_representations from the plugin");
  for (auto it = representations.MemberBegin(); it != representations.MemberEnd(); ++it) {
    if (it->value.IsObject()) {
      add_terms(it->value, sum);
      continue;
    }
    if (!it->value.IsString()) throw UserError("malformed hash_representations from the plugin");
    std::string text(it->name.GetString(), it->name.GetStringLength());
    text.append(it->value.GetString(), it->value.GetStringLength());
    u128 term = 0;
    for (unsigned char byte : md5(text)) term = (term << 8) | byte;
    sum.add(term);
  }
}

void append_hex(std::string& out, u128 value, int min_digits) {
  constexpr char digits[] = "0123456789abcdef";
  std::string reversed;
  while (value != 0 || static_cast<int>(reversed.size()) < min_digits) {
    reversed += digits[static_cast<int>(value & 0xf)];
    value >>= 4;
  }
  out.append(reversed.rbegin(), reversed.rend());
}

}  // namespace

std::string md5_hex(std::string_view text) {
  std::string out;
  u128 value = 0;
  for (unsigned char byte : md5(text)) value = (value << 8) | byte;
  append_hex(out, value, 32);
  return out;
}

std::string hash_representations(const rapidjson::Value& representations) {
  BigSum sum;
  add_terms(representations, sum);
  std::string out;
  if (sum.high != 0) {
    append_hex(out, sum.high, 1);
    append_hex(out, sum.low, 32);
  } else {
    append_hex(out, sum.low, 1);
  }
  return out;
}

std::string aggregate_hash(const std::string& own_hash, std::vector<std::string> input_hashes) {
  std::sort(input_hashes.begin(), input_hashes.end());
  std::string key = "['" + (own_hash.empty() ? std::string("None") : own_hash) + "'";
  for (const auto& hash : input_hashes) key += ", '" + hash + "'";
  key += "]";
  return md5_hex(key);
}

}  // namespace cf::host

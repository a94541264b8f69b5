#include "params/hash_ledger.hpp"

namespace cf::host {

void HashLedger::remember(const std::string& hash, const std::string& values_hash) {
  entries_.emplace(hash, values_hash);
}

bool HashLedger::knows(const std::string& hash) const {
  // Entries sort by hash first, so the first entry not below (hash, "") is hash's if it has one.
  const auto it = entries_.lower_bound({hash, std::string()});
  return it != entries_.end() && it->first == hash;
}

std::string HashLedger::resolve(const std::string& carried, const std::string& values_hash) {
  std::string hash = values_hash;
  if (!carried.empty() && carried != values_hash) {
    // One hash can stand for several value sets (two YAML sets given the same explicit hash).
    if (!knows(carried) || entries_.contains({carried, values_hash})) hash = carried;
  }
  remember(hash, values_hash);
  return hash;
}

}  // namespace cf::host

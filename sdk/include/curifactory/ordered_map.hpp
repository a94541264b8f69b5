// cf::ordered_map<V>: a string-keyed map that keeps its keys in the order they were first
// inserted, as a Python dict does. A parameter field of this type reads a YAML or JSON mapping
// in the order its keys were written, writes it back in that order, and hashes as the original
// Curifactory hashes the same dict: {'b': 2, 'a': 1} and {'a': 1, 'b': 2} are different hashes
// there, so they are here. (A std::map field sorts its keys; its hash still follows the order
// of the input it was read from, but a map built or changed in C++ hashes in sorted order.)
//
//   struct Params { cf::ordered_map<double> weights; };   // weights: {b: 2, a: 1} stays b, a
//
// The interface is std::map's for what a parameter struct needs. Lookups are linear, which
// suits the handful of entries a parameter holds; equality compares entries in order, since
// the order is part of the value.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

namespace cf {

template <class V>
class ordered_map {
 public:
  using key_type = std::string;
  using mapped_type = V;
  using value_type = std::pair<const std::string, V>;
  using size_type = std::size_t;
  // A list, so that entries have a const key (as std::map's do) and erasing one keeps the others
  // where they are.
  using iterator = typename std::list<value_type>::iterator;
  using const_iterator = typename std::list<value_type>::const_iterator;

  ordered_map() = default;
  // Like std::map's: a key given twice keeps its first value.
  ordered_map(std::initializer_list<value_type> entries) {
    for (const value_type& entry : entries) insert(entry);
  }

  iterator begin() noexcept { return entries_.begin(); }
  iterator end() noexcept { return entries_.end(); }
  const_iterator begin() const noexcept { return entries_.begin(); }
  const_iterator end() const noexcept { return entries_.end(); }
  const_iterator cbegin() const noexcept { return entries_.cbegin(); }
  const_iterator cend() const noexcept { return entries_.cend(); }

  bool empty() const noexcept { return entries_.empty(); }
  size_type size() const noexcept { return entries_.size(); }
  void clear() noexcept { entries_.clear(); }

  iterator find(std::string_view key) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->first == key) return it;
    }
    return entries_.end();
  }
  const_iterator find(std::string_view key) const {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->first == key) return it;
    }
    return entries_.end();
  }
  bool contains(std::string_view key) const { return find(key) != end(); }
  size_type count(std::string_view key) const { return contains(key) ? 1 : 0; }

  V& at(std::string_view key) {
    const auto it = find(key);
    if (it == end()) throw std::out_of_range("cf::ordered_map::at: no key '" + std::string(key) + "'");
    return it->second;
  }
  const V& at(std::string_view key) const {
    const auto it = find(key);
    if (it == end()) throw std::out_of_range("cf::ordered_map::at: no key '" + std::string(key) + "'");
    return it->second;
  }

  // A missing key is added at the end, with a default value.
  V& operator[](std::string_view key) { return try_emplace(std::string(key)).first->second; }

  // Adds the entry at the end unless the key is there; the bool says whether it was added.
  std::pair<iterator, bool> insert(value_type entry) {
    if (const auto it = find(entry.first); it != end()) return {it, false};
    entries_.push_back(std::move(entry));
    return {std::prev(entries_.end()), true};
  }
  template <class... Args>
  std::pair<iterator, bool> try_emplace(std::string key, Args&&... args) {
    if (const auto it = find(key); it != end()) return {it, false};
    entries_.emplace_back(std::piecewise_construct, std::forward_as_tuple(std::move(key)),
                          std::forward_as_tuple(std::forward<Args>(args)...));
    return {std::prev(entries_.end()), true};
  }
  // A key already there keeps its place and takes the new value, as assigning in a dict does.
  template <class M>
  std::pair<iterator, bool> insert_or_assign(std::string key, M&& value) {
    if (const auto it = find(key); it != end()) {
      it->second = std::forward<M>(value);
      return {it, false};
    }
    entries_.emplace_back(std::move(key), std::forward<M>(value));
    return {std::prev(entries_.end()), true};
  }

  iterator erase(const_iterator position) { return entries_.erase(position); }
  size_type erase(std::string_view key) {
    const auto it = find(key);
    if (it == end()) return 0;
    entries_.erase(it);
    return 1;
  }

  friend bool operator==(const ordered_map&, const ordered_map&) = default;

 private:
  std::list<value_type> entries_;
};

}  // namespace cf

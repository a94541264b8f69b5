// A record is one line of work through an experiment: a parameter set (or none, for an
// aggregate), the state its stages fill, and the records it was made from. The host keeps the
// bookkeeping (graph, hashes, cache decisions); the record here holds the live C++ objects.
#pragma once

#include <curifactory/abi.h>
#include <curifactory/artifact.hpp>
#include <curifactory/detail/host_calls.hpp>
#include <curifactory/params.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeindex>
#include <utility>
#include <vector>

namespace cf {

class Manager;
class Reportable;

// What a stage failure, a misuse of the state or a host refusal throws inside a plugin; the
// SDK's trampolines turn it into the run's error message.
struct stage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace detail {

// One entry of a record's state. Exactly one of three things: a live object, a reference to
// an artifact that stays in the cache until read (lazy), or the placeholder the map pass
// leaves where a stage would have put its output.
struct Slot {
  std::shared_ptr<const void> value;
  std::type_index type = typeid(void);
  std::string type_name;
  bool lazy = false;
  std::uint64_t stage = 0;  // lazy: the host's handle of the producing stage call
  std::size_t output = 0;   // lazy: which of its outputs
  bool mapped = false;

  template <class T>
  static Slot live(std::shared_ptr<const T> object) {
    Slot slot;
    slot.value = std::move(object);
    slot.type = typeid(T);
    slot.type_name = ::cf::detail::type_name<T>();
    return slot;
  }
  static Slot on_disk(std::uint64_t stage, std::size_t output) {
    Slot slot;
    slot.lazy = true;
    slot.stage = stage;
    slot.output = output;
    return slot;
  }
  static Slot placeholder() {
    Slot slot;
    slot.mapped = true;
    return slot;
  }
};

}  // namespace detail

class RecordBase {
 public:
  RecordBase(const RecordBase&) = delete;
  RecordBase& operator=(const RecordBase&) = delete;
  virtual ~RecordBase() = default;

  // The host's number for this record: its position in creation order.
  std::uint64_t id() const { return id_; }
  // The parameter set's name, or "None" for a record without parameters.
  virtual const std::string& name() const = 0;
  // The parameter set's hash, or empty for a record without parameters.
  virtual const std::string& params_hash() const = 0;
  virtual bool has_params() const = 0;

  // The records this one was copied from or aggregates over.
  const std::vector<RecordBase*>& input_records() const { return input_records_; }
  Manager& manager() const { return *manager_; }

  // True when `name` is in the state (live, on disk, or declared in the map pass).
  bool has(std::string_view artifact) const { return state_.find(artifact) != state_.end(); }

  // The state entry `artifact` as T. A lazy entry is read from the cache on every call and not
  // kept, so a large artifact costs memory only while the caller holds it.
  template <class T>
  std::shared_ptr<const T> get_shared(std::string_view artifact) const;
  template <class T>
  T get(std::string_view artifact) const {
    return *get_shared<T>(artifact);
  }

  // Puts a value into the state outside any stage; later stages can take it as an input.
  template <class T>
  void set(std::string_view artifact, T value);

  // Shows `item` in the run's report, under the stage that is running (reportable.hpp).
  void report(const Reportable& item) const;

  // Typed parameters of a record made from ParamSet<P>; throws for another P or none.
  template <class P>
  const P& params_as() const;

  // Where errors point: "record 3 ('ridge_a')".
  std::string describe() const { return "record " + std::to_string(id_) + " ('" + name() + "')"; }

  // Used by stages: the raw state entry, or null.
  const detail::Slot* slot(std::string_view artifact) const {
    const auto it = state_.find(artifact);
    return it == state_.end() ? nullptr : &it->second;
  }
  void put_slot(const std::string& artifact, detail::Slot slot) { state_[artifact] = std::move(slot); }

 protected:
  RecordBase(Manager& manager, std::uint64_t id) : manager_(&manager), id_(id) {}
  void copy_state_from(const RecordBase& source) {
    state_ = source.state_;
    input_records_ = {const_cast<RecordBase*>(&source)};
  }
  friend class Manager;

 private:
  Manager* manager_;
  std::uint64_t id_;
  std::map<std::string, detail::Slot, std::less<>> state_;
  std::vector<RecordBase*> input_records_;
};

template <class P>
class Record final : public RecordBase {
 public:
  const std::string& name() const override { return set_ ? set_->name : none_; }
  const std::string& params_hash() const override { return set_ ? set_->hash : empty_; }
  bool has_params() const override { return set_.has_value(); }

  const P& params() const {
    if (!set_) throw stage_error(describe() + " has no parameters (it is an aggregate record)");
    return set_->params;
  }
  const ParamSet<P>& param_set() const {
    if (!set_) throw stage_error(describe() + " has no parameters (it is an aggregate record)");
    return *set_;
  }

  // A new record that starts from this one's state and stages (Curifactory's make_copy), with
  // the same or other parameters. The copy lists this record as its input record.
  Record& make_copy();
  Record& make_copy(const ParamSet<P>& other);

  Record(Manager& manager, std::uint64_t id, std::optional<ParamSet<P>> set)
      : RecordBase(manager, id), set_(std::move(set)) {}

 private:
  friend class Manager;
  std::optional<ParamSet<P>> set_;
  inline static const std::string none_ = "None";
  inline static const std::string empty_;
};

template <class T>
struct is_record : std::false_type {};
template <class P>
struct is_record<Record<P>> : std::true_type {};

template <class P>
const P& RecordBase::params_as() const {
  const auto* typed = dynamic_cast<const Record<P>*>(this);
  if (typed == nullptr)
    throw stage_error(describe() + " does not hold parameters of type " + detail::type_name<P>());
  return typed->params();
}

}  // namespace cf

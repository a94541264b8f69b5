// The experiment's handle on the host during run(): it makes records, logs, and tells whether
// this is the map pass. Records live as long as the manager (one run() call).
#pragma once

#include <curifactory/abi.h>
#include <curifactory/detail/host_calls.hpp>
#include <curifactory/params.hpp>
#include <curifactory/record.hpp>
#include <curifactory/reportable.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cf {

namespace detail {
// The parameter type of a record made without parameters when nothing says otherwise.
struct no_params {};
inline constexpr auto cf_fields(type_tag<no_params>) {
  return std::tuple<>{};
}

template <class P>
std::string set_json(const ParamSet<P>& set) {
  rapidjson::StringBuffer buffer;
  json_writer w(buffer);
  write_param_set(w, set, true);
  return {buffer.GetString(), buffer.GetSize()};
}

class new_record;
}  // namespace detail

class Manager {
 public:
  explicit Manager(const cf_host_api* host) : host_(host) {}
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  void log(cf_log_level level, std::string_view message) const {
    if (host_ != nullptr && host_->log != nullptr) {
      host_->log(host_->ctx, level, cf_str{message.data(), message.size()});
    }
  }
  void debug(std::string_view message) const { log(CF_LOG_DEBUG, message); }
  void info(std::string_view message) const { log(CF_LOG_INFO, message); }
  void warning(std::string_view message) const { log(CF_LOG_WARNING, message); }
  void error(std::string_view message) const { log(CF_LOG_ERROR, message); }

  // True in the map pass of a DAG run, where stages only declare themselves and the state holds
  // placeholders: code in run() that reads artifacts should wait for the real pass.
  bool mapping() const {
    return host_ != nullptr && host_->struct_size > offsetof(cf_host_api, flags) &&
           (host_->flags & CF_HOST_MAPPING) != 0;
  }

  // A record for one parameter set.
  template <class P>
  Record<P>& record(const ParamSet<P>& set) {
    return add_record<P>(set, nullptr);
  }
  // A record without parameters, typically the target of an aggregate stage. Converts to the
  // Record<P>& the stage takes: `compare(m.record())`.
  detail::new_record record();
  template <class P>
  Record<P>& record() {
    return add_record<P>(std::nullopt, nullptr);
  }

  // Files a reportable under the stage that is running; see reportable.hpp.
  void report(const Reportable& item) const {
    const cf_host_api& h = host();
    if (h.struct_size < offsetof(cf_host_api, report) + sizeof(h.report) || h.report == nullptr) {
      throw stage_error("reportables need a newer `experiment` host");
    }
    if (!current_stage_) {
      throw stage_error("report('" + item.name() +
                        "') outside a stage: reportables belong to the stage that makes them");
    }
    detail::call_host(h.report, h.ctx, *current_stage_, detail::view(item.kind()), detail::view(item.name()),
                      detail::view(item.group()), detail::view(item.payload_json()));
  }

  // SDK internals: the stage call running now, for report().
  std::optional<std::uint64_t> current_stage_;

  // Every record made so far, in creation order.
  const std::vector<RecordBase*>& records() const { return records_; }

  // SDK internals: the host's stage services and artifact reads.
  const cf_host_api& host() const { return detail::engine_host(host_); }
  std::string load_artifact(std::uint64_t stage, std::size_t output) const {
    const cf_host_api& h = host();
    detail::owned_sink out;
    if (h.struct_size >= offsetof(cf_host_api, artifact_size_hint) + sizeof(h.artifact_size_hint) &&
        h.artifact_size_hint != nullptr) {
      std::uint64_t size = 0;
      detail::call_host(h.artifact_size_hint, h.ctx, stage, output, &size);
      detail::reserve_hint(out.text, size);
    }
    detail::call_host(h.artifact_load, h.ctx, stage, output, out.sink());
    return std::move(out.text);
  }

  template <class P>
  Record<P>& add_record(std::optional<ParamSet<P>> set, const Record<P>* copy_of) {
    const cf_host_api& h = host();
    const std::string json = set ? detail::set_json(*set) : std::string();
    std::uint64_t id = 0;
    detail::owned_sink hash;
    if (copy_of != nullptr) {
      detail::call_host(h.record_copy, h.ctx, copy_of->id(), detail::view(json), &id, hash.sink());
    } else {
      detail::call_host(h.record_create, h.ctx, detail::view(json), &id, hash.sink());
    }
    // The host's hash, so a set built or changed inside run() reports the hash it runs under.
    if (set) set->hash = std::move(hash.text);
    auto owned = std::make_unique<Record<P>>(*this, id, std::move(set));
    Record<P>& record = *owned;
    if (copy_of != nullptr) record.copy_state_from(*copy_of);
    records_.push_back(owned.get());
    owned_.push_back(std::move(owned));
    return record;
  }

 private:
  const cf_host_api* host_;
  std::vector<std::unique_ptr<RecordBase>> owned_;
  std::vector<RecordBase*> records_;
};

namespace detail {

// `m.record()`: becomes a Record<P> of whatever parameter type the receiving stage takes.
class new_record {
 public:
  explicit new_record(Manager& manager) : manager_(&manager) {}
  template <class P>
  operator Record<P>&() && {
    return manager_->record<P>();
  }
  operator RecordBase&() && { return manager_->record<no_params>(); }

 private:
  Manager* manager_;
};

}  // namespace detail

inline detail::new_record Manager::record() {
  return detail::new_record(*this);
}

template <class P>
Record<P>& Record<P>::make_copy() {
  return manager().add_record<P>(set_, this);
}

template <class P>
Record<P>& Record<P>::make_copy(const ParamSet<P>& other) {
  return manager().add_record<P>(other, this);
}

template <class T>
std::shared_ptr<const T> RecordBase::get_shared(std::string_view artifact) const {
  const detail::Slot* entry = slot(artifact);
  if (entry == nullptr)
    throw stage_error(describe() + " has no '" + std::string(artifact) + "' in its state");
  if (entry->mapped) {
    throw stage_error("'" + std::string(artifact) + "' of " + describe() +
                      " is not available during the map pass; guard code that reads the state with "
                      "`if (!manager.mapping())`");
  }
  if (entry->lazy)
    return std::make_shared<const T>(
        decode_artifact<T>(manager().load_artifact(entry->stage, entry->output)));
  if (entry->type != typeid(T)) {
    throw stage_error("'" + std::string(artifact) + "' of " + describe() + " holds " + entry->type_name +
                      ", not " + detail::type_name<T>());
  }
  return std::static_pointer_cast<const T>(entry->value);
}

inline void RecordBase::report(const Reportable& item) const {
  manager().report(item);
}

template <class T>
void RecordBase::set(std::string_view artifact, T value) {
  const cf_host_api& h = manager().host();
  detail::call_host(h.record_set, h.ctx, id(), cf_str{artifact.data(), artifact.size()});
  put_slot(std::string(artifact), detail::Slot::live(std::make_shared<const T>(std::move(value))));
}

}  // namespace cf

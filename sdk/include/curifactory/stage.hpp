// Stages: named steps whose inputs come from a record's state and whose outputs go back into
// it, each output cached by a named cacher. A stage is declared once, usually at namespace
// scope, and called on records:
//
//   auto make_data = cf::stage("make_data").outputs("data").cachers("raw")
//       .fn([](cf::Record<Params>& r) { return synthetic(r.params()); });
//   auto fit = cf::stage("fit").inputs("data").outputs("model", "score").cachers("raw", "raw")
//       .fn([](cf::Record<Params>& r, const Dataset& d) { return std::tuple{train(d), 0.9}; });
//   auto compare = cf::aggregate("compare").inputs("score").outputs("ranking").cachers("raw")
//       .fn([](cf::Record<Params>&, const cf::PerRecord<double>& scores) { return rank(scores); });
//
//   fit(make_data(m.record(set)));   compare(m.record());
//
// Inputs arrive typed (deduced from the function's parameters), outputs are returned (a
// std::tuple for several). Every decision (execute, load from cache, skip) is the host's; a
// declaration mistake is reported with the stage's name before run() starts.
#pragma once

#include <curifactory/abi.h>
#include <curifactory/artifact.hpp>
#include <curifactory/detail/host_calls.hpp>
#include <curifactory/detail/option_value.hpp>
#include <curifactory/detail/stage_signature.hpp>
#include <curifactory/json.hpp>
#include <curifactory/manager.hpp>
#include <curifactory/record.hpp>

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace cf {

// An output that stays in the cache until a later stage reads it: `.outputs(cf::lazy("big"))`.
struct lazy {
  explicit lazy(std::string output_name) : name(std::move(output_name)) {}
  std::string name;
};

// A cacher by name with options: `.cachers(cf::cacher("raw").subdir("models"))`.
class cacher {
 public:
  cacher(const char* name) : name_(name == nullptr ? "" : name) {}  // NOLINT: names convert implicitly
  cacher(std::string name) : name_(std::move(name)) {}              // NOLINT
  cacher(std::nullptr_t) {}                                         // NOLINT: no cacher for this output

  // Cache files go to <cache>/<folder>/ instead of <cache>/.
  cacher& subdir(const std::string& folder) & { return option("subdir", folder); }
  cacher&& subdir(const std::string& folder) && { return std::move(subdir(folder)); }
  // Any value with a JSON form, as an error message shows it: `.option("arrays", "lists")`,
  // `.option("level", 9)`, `.option("fail", true)`; see detail/option_value.hpp.
  template <class V>
  cacher& option(const std::string& key, const V& value) & {
    static_assert(detail::is_option_value_v<V>,
                  "cf::cacher::option: this type cannot be a cacher option; give a string, bool, integer, "
                  "floating point number, or a vector, string-keyed map or optional of those");
    if constexpr (detail::is_option_value_v<V>) options_.emplace_back(key, detail::option_json_text(value));
    return *this;
  }
  template <class V>
  cacher&& option(const std::string& key, const V& value) && {
    return std::move(option(key, value));
  }

  const std::string& name() const { return name_; }
  std::string options_json() const {
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    for (const auto& [key, json] : options_) {
      w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
      w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
    }
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
  }

 private:
  std::string name_;
  std::vector<std::pair<std::string, std::string>> options_;
};

// What an aggregate stage receives for one input: the value of every record that has it.
template <class T>
class PerRecord {
 public:
  struct entry {
    const RecordBase& record;
    const T& value;
  };

  void add(const RecordBase& record, std::shared_ptr<const T> value) {
    entries_.push_back(entry{record, *value});
    owned_.push_back(std::move(value));
  }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const entry& operator[](std::size_t i) const { return entries_[i]; }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

 private:
  std::vector<entry> entries_;
  std::vector<std::shared_ptr<const T>> owned_;
};

namespace detail {

struct output_decl {
  std::string name;
  std::string cacher;
  std::string options_json = "{}";
  bool lazy = false;
};

struct stage_decl {
  std::string name;
  bool aggregate = false;
  std::vector<std::string> inputs;
  std::vector<output_decl> outputs;
  bool cachers_given = false;
  bool suppress_missing_inputs = false;
  std::string error;  // a declaration mistake, reported before run() and on every call
};

// Every stage object alive in the plugin, so describe_stages can list those declared at
// namespace scope before run() starts.
inline std::vector<const stage_decl*>& stage_registry() {
  static std::vector<const stage_decl*> registry;
  return registry;
}

class registration {
 public:
  explicit registration(const stage_decl* decl) : decl_(decl) { stage_registry().push_back(decl); }
  registration(const registration&) = delete;
  registration& operator=(const registration&) = delete;
  ~registration() {
    auto& registry = stage_registry();
    registry.erase(std::remove(registry.begin(), registry.end(), decl_), registry.end());
  }

 private:
  const stage_decl* decl_;
};

inline std::string quoted(const std::string& text) {
  return "'" + text + "'";
}

template <class V>
struct is_per_record : std::false_type {};
template <class V>
struct is_per_record<PerRecord<V>> : std::true_type {
  using value_type = V;
};

// Reads input `name` of `record` as V for a stage: a live object of exactly that type, or a
// lazy artifact decoded as V. Null when the record has no such entry.
template <class V>
std::shared_ptr<const V> read_input(const RecordBase& record, const std::string& name,
                                    const stage_decl& decl) {
  const Slot* entry = record.slot(name);
  if (entry == nullptr) return nullptr;
  if (entry->mapped) {
    throw stage_error("stage " + quoted(decl.name) + ": input " + quoted(name) + " of " + record.describe() +
                      " was never produced (its stage did not run)");
  }
  if (entry->lazy) {
    return std::make_shared<const V>(
        decode_artifact<V>(record.manager().load_artifact(entry->stage, entry->output)));
  }
  if (entry->type != typeid(V)) {
    throw stage_error("stage " + quoted(decl.name) + ": input " + quoted(name) + " of " + record.describe() +
                      " holds " + entry->type_name + " but the stage takes " + type_name<V>());
  }
  return std::static_pointer_cast<const V>(entry->value);
}

// One argument of a single-record stage, as the function's parameter type A asks for it.
template <class A>
auto fetch_argument(const RecordBase& record, const std::string& name, const stage_decl& decl) {
  using V = std::remove_cvref_t<A>;
  if constexpr (is_optional<V>::value) {
    auto value = read_input<typename V::value_type>(record, name, decl);
    return value ? std::make_shared<const V>(*value) : std::make_shared<const V>();
  } else {
    auto value = read_input<V>(record, name, decl);
    if (value) return value;
    if (!decl.suppress_missing_inputs) {
      throw stage_error("stage " + quoted(decl.name) + ": " + record.describe() + " has no input " +
                        quoted(name));
    }
    return std::make_shared<const V>();
  }
}

// One argument of an aggregate stage: PerRecord<V> over the records that have the input.
template <class A>
auto fetch_per_record(const std::vector<RecordBase*>& records, const std::string& name,
                      const stage_decl& decl) {
  using V = std::remove_cvref_t<A>;
  static_assert(is_per_record<V>::value, "an aggregate stage takes each input as cf::PerRecord<T>");
  using T = typename is_per_record<V>::value_type;
  auto values = std::make_shared<V>();
  for (const RecordBase* record : records) {
    if (auto value = read_input<T>(*record, name, decl)) values->add(*record, std::move(value));
  }
  return std::shared_ptr<const V>(std::move(values));
}

}  // namespace detail

template <class F>
class Stage {
  using signature = detail::stage_signature<F>;

 public:
  using record_type = typename signature::record_type;

  Stage(detail::stage_decl decl, F fn) : decl_(std::move(decl)), fn_(std::move(fn)), registration_(&decl_) {}
  Stage(const Stage& other) : decl_(other.decl_), fn_(other.fn_), registration_(&decl_) {}
  Stage& operator=(const Stage&) = delete;

  const std::string& name() const { return decl_.name; }

  // A stage runs on one record; an aggregate stage on its target record, reading the inputs of
  // every other record made so far (or of `records` when given). Either returns the record it
  // ran on, with its own type, so calls chain: fit(make_data(m.record(set))).
  template <class R>
  requires std::derived_from<R, record_type> R& operator()(R& record) const {
    if (!decl_.aggregate) {
      call(record, {});
      return record;
    }
    std::vector<RecordBase*> others;
    for (RecordBase* r : record.manager().records()) {
      if (r != &record) others.push_back(r);
    }
    call(record, others);
    return record;
  }
  template <class R>
  requires std::derived_from<R, record_type> R& operator()(R& record,
                                                           const std::vector<RecordBase*>& records) const {
    if (!decl_.aggregate)
      throw stage_error("stage '" + decl_.name + "' is not an aggregate stage: call it on one record");
    call(record, records);
    return record;
  }
  // A record made on the spot by `m.record()`, typically an aggregate's target.
  record_type& operator()(detail::new_record fresh) const {
    record_type& record = std::move(fresh);
    return (*this)(record);
  }
  record_type& operator()(detail::new_record fresh, const std::vector<RecordBase*>& records) const {
    record_type& record = std::move(fresh);
    return (*this)(record, records);
  }

 private:
  record_type& call(record_type& record, const std::vector<RecordBase*>& records) const;
  void run_function(record_type& record, const std::vector<RecordBase*>& records, const cf_host_api& host,
                    const cf_stage_plan& plan, const std::vector<std::uint8_t>& lazy) const;
  template <class T>
  void keep_output(record_type& record, std::size_t index, T&& value, const cf_host_api& host,
                   const cf_stage_plan& plan, const std::vector<std::uint8_t>& lazy) const;
  template <class T>
  void load_output(record_type& record, std::size_t index, const cf_stage_plan& plan,
                   const std::vector<std::uint8_t>& lazy) const;

  detail::stage_decl decl_;
  F fn_;
  detail::registration registration_;
};

template <class F>
auto Stage<F>::call(record_type& record, const std::vector<RecordBase*>& records) const -> record_type& {
  if (!decl_.error.empty()) throw stage_error(decl_.error);
  Manager& manager = record.manager();
  const cf_host_api& host = manager.host();

  std::vector<cf_str> inputs;
  for (const auto& input : decl_.inputs) inputs.push_back(detail::view(input));
  std::vector<cf_output_decl> outputs;
  for (const auto& output : decl_.outputs) {
    outputs.push_back(cf_output_decl{detail::view(output.name), detail::view(output.cacher),
                                     detail::view(output.options_json), output.lazy ? 1u : 0u});
  }
  std::vector<std::uint64_t> record_ids;
  for (const RecordBase* r : records) record_ids.push_back(r->id());
  std::uint32_t flags = 0;
  if (decl_.aggregate) flags |= CF_STAGE_AGGREGATE;
  if (decl_.suppress_missing_inputs) flags |= CF_STAGE_SUPPRESS_MISSING_INPUTS;
  const cf_stage_decl c_decl{sizeof(cf_stage_decl),
                             flags,
                             detail::view(decl_.name),
                             inputs.data(),
                             inputs.size(),
                             outputs.data(),
                             outputs.size(),
                             record_ids.data(),
                             record_ids.size(),
                             sizeof(cf_output_decl)};
  std::vector<std::uint8_t> lazy(outputs.size(), 0);
  cf_stage_plan plan{sizeof(cf_stage_plan), CF_STAGE_MAP, 0, lazy.data()};
  detail::call_host(host.stage_begin, host.ctx, record.id(), &c_decl, &plan);

  switch (plan.action) {
    case CF_STAGE_MAP:
      for (const auto& output : decl_.outputs) record.put_slot(output.name, detail::Slot::placeholder());
      return record;
    case CF_STAGE_SKIP:
      return record;
    case CF_STAGE_LOAD:
    case CF_STAGE_EXECUTE:
      break;
    default:
      throw stage_error("stage '" + decl_.name + "': the host answered an unknown action");
  }

  std::string failure;
  // report() files reportables under this call while its function runs.
  struct current_stage_guard {
    Manager& manager;
    std::optional<std::uint64_t> previous;
    ~current_stage_guard() { manager.current_stage_ = previous; }
  } guard{manager, manager.current_stage_};
  manager.current_stage_ = plan.stage;
  try {
    if (plan.action == CF_STAGE_LOAD) {
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        (load_output<typename signature::template output<I>>(record, I, plan, lazy), ...);
      }
      (std::make_index_sequence<signature::output_count>{});
    } else {
      run_function(record, records, host, plan, lazy);
    }
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown C++ exception";
  }
  detail::call_host(host.stage_end, host.ctx, plan.stage, detail::view(failure));
  if (!failure.empty()) {
    throw stage_error("stage '" + decl_.name + "' failed on " + record.describe() + ": " + failure);
  }
  return record;
}

template <class F>
void Stage<F>::run_function(record_type& record, const std::vector<RecordBase*>& records,
                            const cf_host_api& host, const cf_stage_plan& plan,
                            const std::vector<std::uint8_t>& lazy) const {
  auto arguments = [&]<std::size_t... I>(std::index_sequence<I...>) {
    if constexpr (signature::aggregate_inputs) {
      return std::tuple{detail::fetch_per_record<typename signature::template input<I>>(
          records, decl_.inputs[I], decl_)...};
    } else {
      return std::tuple{
          detail::fetch_argument<typename signature::template input<I>>(record, decl_.inputs[I], decl_)...};
    }
  }
  (std::make_index_sequence<signature::input_count>{});

  auto invoke = [&]() -> decltype(auto) {
    return std::apply(
        [&](const auto&... argument) -> decltype(auto) {
          if constexpr (signature::takes_record) {
            return fn_(record, *argument...);
          } else {
            return fn_(*argument...);
          }
        },
        arguments);
  };

  if constexpr (signature::output_count == 0) {
    invoke();
  } else if constexpr (signature::returns_tuple) {
    auto result = invoke();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (keep_output<typename signature::template output<I>>(record, I, std::get<I>(std::move(result)), host,
                                                           plan, lazy),
       ...);
    }
    (std::make_index_sequence<signature::output_count>{});
  } else {
    keep_output<typename signature::template output<0>>(record, 0, invoke(), host, plan, lazy);
  }
}

template <class F>
template <class T>
void Stage<F>::keep_output(record_type& record, std::size_t index, T&& value, const cf_host_api& host,
                           const cf_stage_plan& plan, const std::vector<std::uint8_t>& lazy) const {
  using V = std::remove_cvref_t<T>;
  const auto& output = decl_.outputs[index];
  auto object = std::make_shared<const V>(std::forward<T>(value));
  if (!output.cacher.empty() || lazy[index] != 0) {
    const std::string bytes = encode_artifact(*object);
    detail::call_host(host.stage_output, host.ctx, plan.stage, index, detail::view(bytes));
  }
  if (lazy[index] != 0) {
    record.put_slot(output.name, detail::Slot::on_disk(plan.stage, index));
  } else {
    record.put_slot(output.name, detail::Slot::live(std::shared_ptr<const V>(std::move(object))));
  }
}

template <class F>
template <class T>
void Stage<F>::load_output(record_type& record, std::size_t index, const cf_stage_plan& plan,
                           const std::vector<std::uint8_t>& lazy) const {
  using V = std::remove_cvref_t<T>;
  const auto& output = decl_.outputs[index];
  if (lazy[index] != 0) {
    record.put_slot(output.name, detail::Slot::on_disk(plan.stage, index));
    return;
  }
  auto object =
      std::make_shared<const V>(decode_artifact<V>(record.manager().load_artifact(plan.stage, index)));
  record.put_slot(output.name, detail::Slot::live(std::shared_ptr<const V>(std::move(object))));
}

// Declares a stage step by step; `.fn(...)` finishes it. Mistakes found here (argument counts,
// cacher counts, names) are kept and reported with the stage's name rather than thrown during
// static initialisation, where an exception would abort the plugin load.
class StageBuilder {
 public:
  StageBuilder(std::string name, bool aggregate) {
    decl_.name = std::move(name);
    decl_.aggregate = aggregate;
  }

  template <class... Names>
  StageBuilder inputs(Names&&... names) const {
    StageBuilder next = *this;
    (next.decl_.inputs.emplace_back(std::forward<Names>(names)), ...);
    return next;
  }

  template <class... Outputs>
  StageBuilder outputs(Outputs&&... outputs) const {
    StageBuilder next = *this;
    (next.add_output(std::forward<Outputs>(outputs)), ...);
    return next;
  }

  // One cacher per output, in order; nullptr for an output that is not cached.
  template <class... Cachers>
  StageBuilder cachers(Cachers&&... cachers) const {
    StageBuilder next = *this;
    next.decl_.cachers_given = true;
    (next.cacher_specs_.emplace_back(std::forward<Cachers>(cachers)), ...);
    return next;
  }

  // A missing input is passed as an empty value (or std::nullopt) instead of failing.
  StageBuilder suppress_missing_inputs() const {
    StageBuilder next = *this;
    next.decl_.suppress_missing_inputs = true;
    return next;
  }

  template <class F>
  Stage<std::decay_t<F>> fn(F&& function) const {
    using signature = detail::stage_signature<std::decay_t<F>>;
    detail::stage_decl decl = decl_;
    for (std::size_t i = 0; i < cacher_specs_.size() && i < decl.outputs.size(); ++i) {
      decl.outputs[i].cacher = cacher_specs_[i].name();
      decl.outputs[i].options_json = cacher_specs_[i].options_json();
    }
    decl.error = check(decl, signature::input_count, signature::output_count, signature::aggregate_inputs);
    return Stage<std::decay_t<F>>(std::move(decl), std::forward<F>(function));
  }

 private:
  void add_output(std::string name) {
    detail::output_decl decl;
    decl.name = std::move(name);
    decl_.outputs.push_back(std::move(decl));
  }
  void add_output(const char* name) { add_output(std::string(name)); }
  void add_output(lazy output) {
    detail::output_decl decl;
    decl.name = std::move(output.name);
    decl.lazy = true;
    decl_.outputs.push_back(std::move(decl));
  }

  std::string check(const detail::stage_decl& decl, std::size_t arguments, std::size_t results,
                    bool aggregate_inputs) const {
    const std::string stage = "stage '" + decl.name + "'";
    auto bad_name = [](const std::string& name) {
      return name.empty() || name.find_first_of("/\\\n\t") != std::string::npos || name == "." ||
             name == "..";
    };
    if (bad_name(decl.name))
      return "a stage needs a name without '/' or control characters, got '" + decl.name + "'";
    for (const auto& output : decl.outputs) {
      if (bad_name(output.name))
        return stage + ": output name '" + output.name + "' cannot be part of a file name";
    }
    if (arguments != decl.inputs.size()) {
      return stage + " declares " + std::to_string(decl.inputs.size()) + " input(s) but its function takes " +
             std::to_string(arguments);
    }
    if (results != decl.outputs.size()) {
      return stage + " declares " + std::to_string(decl.outputs.size()) +
             " output(s) but its function returns " + std::to_string(results) + " value(s)";
    }
    if (decl.cachers_given && cacher_specs_.size() != decl.outputs.size()) {
      return stage + " names " + std::to_string(cacher_specs_.size()) + " cacher(s) for " +
             std::to_string(decl.outputs.size()) + " output(s)";
    }
    if (decl.aggregate != aggregate_inputs && arguments > 0) {
      return decl.aggregate
                 ? stage + " is an aggregate: take each input as cf::PerRecord<T>"
                 : stage + " is not an aggregate: take inputs as plain values, not cf::PerRecord<T>";
    }
    return {};
  }

  detail::stage_decl decl_;
  std::vector<cacher> cacher_specs_;
};

// A stage over one record.
inline StageBuilder stage(std::string name) {
  return StageBuilder(std::move(name), false);
}
// A stage over many records (by default every other record of the run) on a target record.
inline StageBuilder aggregate(std::string name) {
  return StageBuilder(std::move(name), true);
}

namespace detail {

// The JSON of describe_stages: every stage object alive, in declaration order.
inline std::string describe_stages_json() {
  rapidjson::StringBuffer buffer;
  json_writer w(buffer);
  auto string = [&](const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartArray();
  for (const stage_decl* decl : stage_registry()) {
    w.StartObject();
    w.Key("name");
    string(decl->name);
    w.Key("aggregate");
    w.Bool(decl->aggregate);
    w.Key("inputs");
    w.StartArray();
    for (const auto& input : decl->inputs) string(input);
    w.EndArray();
    w.Key("outputs");
    w.StartArray();
    for (const auto& output : decl->outputs) {
      w.StartObject();
      w.Key("name");
      string(output.name);
      w.Key("cacher");
      string(output.cacher);
      w.Key("options");
      w.RawValue(output.options_json.data(), output.options_json.size(), rapidjson::kObjectType);
      w.Key("lazy");
      w.Bool(output.lazy);
      w.EndObject();
    }
    w.EndArray();
    w.Key("error");
    string(decl->error);
    w.EndObject();
  }
  w.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace detail
}  // namespace cf

// What a stage function's signature says: whether it takes the record first (and as which
// Record<P>), the types of its inputs, and its outputs (void: none; std::tuple: several).
#pragma once

#include <curifactory/record.hpp>

#include <cstddef>
#include <tuple>
#include <type_traits>

namespace cf {

template <class T>
class PerRecord;

namespace detail {

template <class F>
struct function_parts : function_parts<decltype(&F::operator())> {};
template <class R, class... A>
struct function_parts<R (*)(A...)> {
  using result = R;
  using arguments = std::tuple<A...>;
};
template <class R, class... A>
struct function_parts<R (*)(A...) noexcept> : function_parts<R (*)(A...)> {};
template <class R, class... A>
struct function_parts<R(A...)> : function_parts<R (*)(A...)> {};
template <class C, class R, class... A>
struct function_parts<R (C::*)(A...)> : function_parts<R (*)(A...)> {};
template <class C, class R, class... A>
struct function_parts<R (C::*)(A...) const> : function_parts<R (*)(A...)> {};
template <class C, class R, class... A>
struct function_parts<R (C::*)(A...) noexcept> : function_parts<R (*)(A...)> {};
template <class C, class R, class... A>
struct function_parts<R (C::*)(A...) const noexcept> : function_parts<R (*)(A...)> {};

template <class T>
struct is_tuple : std::false_type {};
template <class... T>
struct is_tuple<std::tuple<T...>> : std::true_type {};

template <class T>
struct is_per_record_type : std::false_type {};
template <class T>
struct is_per_record_type<PerRecord<T>> : std::true_type {};

template <class Arguments, bool = (std::tuple_size_v<Arguments> > 0)>
struct leading_record {
  static constexpr bool present = false;
  using type = RecordBase;
};
template <class Arguments>
struct leading_record<Arguments, true> {
  using first = std::remove_cvref_t<std::tuple_element_t<0, Arguments>>;
  static constexpr bool present = is_record<first>::value || std::is_same_v<first, RecordBase>;
  using type = std::conditional_t<present, first, RecordBase>;
};

template <std::size_t I, class Result, bool = is_tuple<std::remove_cvref_t<Result>>::value>
struct nth_output {
  using type = Result;
};
template <std::size_t I, class Result>
struct nth_output<I, Result, true> {
  using type = std::tuple_element_t<I, std::remove_cvref_t<Result>>;
};

template <class F>
struct stage_signature {
  using parts = function_parts<F>;
  using arguments = typename parts::arguments;
  using result = typename parts::result;

  static constexpr bool takes_record = leading_record<arguments>::present;
  using record_type = typename leading_record<arguments>::type;
  static constexpr std::size_t input_offset = takes_record ? 1 : 0;
  static constexpr std::size_t input_count = std::tuple_size_v<arguments> - input_offset;
  template <std::size_t I>
  using input = std::tuple_element_t<I + input_offset, arguments>;

  static constexpr bool aggregate_inputs = [] {
    if constexpr (input_count == 0) {
      return false;
    } else {
      return is_per_record_type<std::remove_cvref_t<input<0>>>::value;
    }
  }();

  static constexpr bool returns_tuple = is_tuple<std::remove_cvref_t<result>>::value;
  static constexpr std::size_t output_count = [] {
    if constexpr (std::is_void_v<result>) {
      return std::size_t{0};
    } else if constexpr (returns_tuple) {
      return std::tuple_size_v<std::remove_cvref_t<result>>;
    } else {
      return std::size_t{1};
    }
  }();
  template <std::size_t I>
  using output = typename nth_output<I, result>::type;
};

}  // namespace detail
}  // namespace cf

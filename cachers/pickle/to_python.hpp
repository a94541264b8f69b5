// Saving: an artifact's MessagePack value as the Python objects pickle stores.
#pragma once

#include "pickle/python.hpp"

#include <msgpack.hpp>

namespace cf::pickle {

// map -> dict, array -> list, str -> str, bin -> bytes, integers -> int, floats -> float,
// bool, nil -> None, typed array -> numpy.ndarray of its dtype and shape. Needs the GIL.
// Throws std::runtime_error "at <where>: <problem>" for a value Python cannot hold.
PyRef to_python(const msgpack::object& value);

}  // namespace cf::pickle

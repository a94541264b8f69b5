// Loading: unpickled Python objects back as the artifact's MessagePack value.
#pragma once

#include "pickle/python.hpp"

#include <curifactory/cacher.hpp>

namespace cf::pickle {

// dict -> map, list/tuple -> array, str, bytes/bytearray -> bin, bool, int (within int64 or
// uint64), float -> float64, None -> nil, numpy.ndarray of a bool, integer, float32 or float64
// dtype -> typed array, numpy scalars -> the matching scalar. Writes the encoding to `out` in
// pieces as it goes. Needs the GIL. Throws std::runtime_error "at <where>: <problem>" for
// anything else.
void from_python(PyObject* value, const artifact_output& out);

}  // namespace cf::pickle

// The one header an experiment or parameters file includes.
#pragma once

#include <curifactory/abi.h>
#include <curifactory/experiment.hpp>
#include <curifactory/hash.hpp>
#include <curifactory/json.hpp>
#include <curifactory/params.hpp>
#include <curifactory/python_repr.hpp>
#include <curifactory/reflect.hpp>
#include <curifactory/reportable.hpp>
#include <curifactory/version.hpp>

# Helpers that turn C++ sources into curifactory plugins (MODULE libraries named <name>.so,
# hidden visibility so only the SDK's entry points are exported).
#
#   curifactory_add_experiment(<target> <source>... [OUTPUT_DIRECTORY dir] [OUTPUT_NAME name])
#   curifactory_add_params(<target> <source>... [OUTPUT_DIRECTORY dir] [OUTPUT_NAME name])
#   curifactory_add_cacher(<target> <source>... [OUTPUT_DIRECTORY dir] [OUTPUT_NAME name])
#
# The plugin file is <OUTPUT_DIRECTORY>/<OUTPUT_NAME>.so; OUTPUT_NAME defaults to the target.
# The plugin's metadata lists its sources (as the target has them when the build is generated,
# target_sources added later included), so a run can warn when any of them is newer than it.
# Put experiments in the folder curifactory_config.json names for experiments (default
# experiments/), params in the params folder (default params/), cachers in cachers/.
include_guard(GLOBAL)

function(curifactory_add_plugin target)
  cmake_parse_arguments(PARSE_ARGV 1 CF "" "OUTPUT_DIRECTORY;OUTPUT_NAME" "SOURCES")
  set(sources ${CF_SOURCES} ${CF_UNPARSED_ARGUMENTS})
  if(NOT sources)
    message(FATAL_ERROR "curifactory plugin '${target}': no source files given")
  endif()
  add_library(${target} MODULE ${sources})
  target_link_libraries(${target} PRIVATE Curifactory::sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    SUFFIX ".so"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  # A build id lets a run record exactly which plugin binary produced its artifacts.
  target_link_options(${target} PRIVATE "LINKER:--build-id")
  if(CF_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${CF_OUTPUT_DIRECTORY}")
  endif()
  if(CF_OUTPUT_NAME)
    set_target_properties(${target} PROPERTIES OUTPUT_NAME "${CF_OUTPUT_NAME}")
  endif()
  _curifactory_record_sources(${target})
endfunction()

# One more translation unit in the plugin: a metadata record naming every source of the target,
# one a line, and the folder relative ones are in. Evaluated at generate time, so sources added
# with target_sources after this call count too; the record itself is left out of the list.
function(_curifactory_record_sources target)
  set(record "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${target}.curifactory_sources.cpp")
  set(sources "$<FILTER:$<TARGET_PROPERTY:${target},SOURCES>,EXCLUDE,\\.curifactory_sources\\.cpp$>")
  file(GENERATE OUTPUT "${record}" CONTENT
"// Written by CMake (CurifactoryPlugins.cmake): the sources of plugin target ${target}.
#include <curifactory/detail/metadata.hpp>
CF_DETAIL_METADATA(\"sources\", R\"cf_sources($<JOIN:${sources},\n>)cf_sources\",
                   \"source_dir\", R\"cf_sources($<TARGET_PROPERTY:${target},SOURCE_DIR>)cf_sources\");
" TARGET ${target})
  target_sources(${target} PRIVATE "${record}")
endfunction()

function(curifactory_add_experiment target)
  curifactory_add_plugin(${target} ${ARGN})
endfunction()

function(curifactory_add_params target)
  curifactory_add_plugin(${target} ${ARGN})
endfunction()

function(curifactory_add_cacher target)
  curifactory_add_plugin(${target} ${ARGN})
endfunction()

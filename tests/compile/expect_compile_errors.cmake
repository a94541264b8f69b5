# cmake -DBUILD_DIR=<dir> -DTARGET=<target> -DMESSAGE=<text> -DCOUNT=<n> -P expect_compile_errors.cmake
#
# Builds TARGET, which must fail to compile with exactly COUNT errors, every one of them the
# static assertion MESSAGE: a declaration the SDK refuses is to be explained by the SDK's own
# message, not by a cascade from inside its templates.
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BUILD_DIR}" --target "${TARGET}"
                RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(result EQUAL 0)
  message(FATAL_ERROR "${TARGET} compiled, but it must not:\n${output}")
endif()
# A ';' would split a message in two as a CMake list item.
string(REPLACE ";" "," output "${output}")
string(REGEX MATCHALL "error: [^\n]*" errors "${output}")
list(LENGTH errors total)
set(expected 0)
foreach(error IN LISTS errors)
  string(FIND "${error}" "${MESSAGE}" at)
  if(NOT at EQUAL -1)
    math(EXPR expected "${expected} + 1")
  endif()
endforeach()
if(NOT total EQUAL COUNT OR NOT expected EQUAL COUNT)
  message(FATAL_ERROR "expected ${COUNT} errors, all '${MESSAGE}'; got ${total} errors (${expected} of them that one):\n${output}")
endif()
message(STATUS "${TARGET}: ${COUNT} errors, all '${MESSAGE}'")

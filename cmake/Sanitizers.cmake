# Instrumented builds, applied to every target below the root (host, plugins, cachers, tests),
# since the host dlopens plugins and cachers into its own process.
#
# CURIFACTORY_SANITIZE: AddressSanitizer and UndefinedBehaviorSanitizer, any undefined behaviour
#   fatal (scripts/test.sh --sanitize, build dir build-asan).
# CURIFACTORY_FUZZ: libFuzzer coverage as well, and the fuzz/ executables; needs clang
#   (scripts/fuzz.sh, build dir build-fuzz).
option(CURIFACTORY_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(CURIFACTORY_FUZZ "Build the libFuzzer targets in fuzz/ (needs clang)" OFF)

set(CF_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
if(CURIFACTORY_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CURIFACTORY_FUZZ needs clang for libFuzzer (configure with CC=clang CXX=clang++)")
  endif()
  # Pointer overflow is recoverable here only so fuzz/ubsan_suppressions.txt can pass over
  # RapidJSON 1.1's null + offset (clang checks it, GCC does not); scripts/fuzz.sh still halts on
  # every report the suppressions leave.
  add_compile_options(${CF_SANITIZER_FLAGS} -fsanitize-recover=pointer-overflow -fsanitize=fuzzer-no-link)
  add_link_options(-fsanitize=address,undefined)
  # RapidJSON's iterators compare ambiguously under C++20's reversed operators; clang says so
  # at every FindMember() != MemberEnd(), GCC does not.
  add_compile_options(-Wno-ambiguous-reversed-operator)
elseif(CURIFACTORY_SANITIZE)
  add_compile_options(${CF_SANITIZER_FLAGS})
  add_link_options(-fsanitize=address,undefined)
  # GCC 12's flow analysis sees the sanitizers' added branches and warns about
  # values in std::regex and std::optional that are always set (GCC bug 105562 and kin); the
  # ordinary build keeps the warning.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()

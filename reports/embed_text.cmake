# Writes a C++ source whose function returns a text file's contents as a raw string literal, so
# files like the built-in stylesheet stay editable as themselves yet live inside the library.
#   cmake -DINPUT=<file> -DOUTPUT=<file.cpp> -DHEADER=<header to include> -DNAMESPACE=<ns>
#         -DFUNCTION=<name> -P embed_text.cmake
foreach(required INPUT OUTPUT HEADER NAMESPACE FUNCTION)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "embed_text.cmake: ${required} is not set")
  endif()
endforeach()

file(READ "${INPUT}" text)
set(delimiter "cf_embedded_text")
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains )${delimiter}\", which would end the raw string early")
endif()

set(source "// Generated from ${INPUT} by embed_text.cmake; edit that file instead.\n")
string(APPEND source "#include \"${HEADER}\"\n\nnamespace ${NAMESPACE} {\n\n")
string(APPEND source "std::string_view ${FUNCTION}() {\n  static constexpr std::string_view text = R\"${delimiter}(")
string(APPEND source "${text}")
string(APPEND source ")${delimiter}\";\n  return text;\n}\n\n}  // namespace ${NAMESPACE}\n")

file(WRITE "${OUTPUT}" "${source}")

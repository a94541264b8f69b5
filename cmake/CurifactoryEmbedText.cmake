# curifactory_embed_text(<target> INPUT <file> HEADER <header> NAMESPACE <ns> FUNCTION <name>)
# Compiles text file <file> into <target> as `std::string_view <ns>::<name>()` (declared in
# <header>), regenerated whenever the file changes, so templates and scripts stay editable as
# themselves yet the installed binary needs no data files. Uses reports/embed_text.cmake.
include_guard(GLOBAL)

function(curifactory_embed_text target)
  cmake_parse_arguments(PARSE_ARGV 1 CF "" "INPUT;HEADER;NAMESPACE;FUNCTION" "")
  get_filename_component(input "${CF_INPUT}" ABSOLUTE)
  set(output "${CMAKE_CURRENT_BINARY_DIR}/embedded/${CF_FUNCTION}.cpp")
  set(script "${PROJECT_SOURCE_DIR}/reports/embed_text.cmake")
  add_custom_command(
    OUTPUT "${output}"
    COMMAND "${CMAKE_COMMAND}" -DINPUT=${input} -DOUTPUT=${output} -DHEADER=${CF_HEADER}
            -DNAMESPACE=${CF_NAMESPACE} -DFUNCTION=${CF_FUNCTION} -P "${script}"
    DEPENDS "${input}" "${script}"
    COMMENT "Embedding ${CF_INPUT}")
  target_sources(${target} PRIVATE "${output}")
endfunction()

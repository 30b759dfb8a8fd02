# CTest "example-ruby": runs examples/ruby's minitest suite (lib/avccdb.rb,
# an ffi-gem binding) against the freshly built libavccdb.
# Without ruby, the ffi gem or minitest it prints "skipped: ..." (CTest: skipped).
# Inputs: SRC, WORK, LIB_DIR, SONAME.
find_program(RUBY ruby)
if(NOT RUBY)
  message("skipped: ruby not found (install ruby and ruby-ffi; .ci/run does)")
  return()
endif()
foreach(lib ffi minitest)
  execute_process(COMMAND "${RUBY}" -e "require '${lib}'" RESULT_VARIABLE rc
                  OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    message("skipped: the ruby '${lib}' library is not installed (Debian: ruby-${lib})")
    return()
  endif()
endforeach()
string(REGEX REPLACE "^libavccdb\\.so\\." "" major "${SONAME}")
file(MAKE_DIRECTORY "${WORK}/tmp")
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E env "AVCCDB_LIBRARY=${LIB_DIR}/${SONAME}"
          "AVCCDB_EXPECTED_MAJOR=${major}" "TMPDIR=${WORK}/tmp"
          "${RUBY}" -w -I "${SRC}/lib" "${SRC}/test/test_avccdb.rb" --verbose
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ruby tests failed (${rc})")
endif()

# CTest "example-ruby": builds the avccdb gem (bindings/ruby/avccdb.gemspec),
# installs it into a private gem directory and runs the minitest suite
# (test/run_all.rb) against the installed gem and the freshly built
# libavccdb. Without ruby, the ffi gem or minitest it prints
# "skipped: ..." (CTest: skipped). Inputs: SRC, WORK, LIB_DIR, SONAME.
find_program(RUBY ruby)
find_program(GEM gem)
if(NOT RUBY OR NOT GEM)
  message("skipped: ruby or gem not found (install ruby and ruby-ffi; .ci/run does)")
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
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/tmp" "${WORK}/gems")

# `gem build` must work: the suite then loads the gem it installed, not
# the source tree, so a file missing from the gemspec fails here.
execute_process(COMMAND "${GEM}" build avccdb.gemspec --output "${WORK}/avccdb.gem"
                WORKING_DIRECTORY "${SRC}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gem build failed (${rc})")
endif()
# --ignore-dependencies: ffi comes from the system (ruby-ffi); no network.
execute_process(COMMAND "${GEM}" install --local --ignore-dependencies --no-document
                        --install-dir "${WORK}/gems" "${WORK}/avccdb.gem"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gem install failed (${rc})")
endif()
execute_process(COMMAND "${GEM}" env gempath OUTPUT_VARIABLE system_gems
                OUTPUT_STRIP_TRAILING_WHITESPACE)

execute_process(
  COMMAND "${CMAKE_COMMAND}" -E env "AVCCDB_LIBRARY=${LIB_DIR}/${SONAME}"
          "AVCCDB_EXPECTED_MAJOR=${major}" "TMPDIR=${WORK}/tmp"
          "GEM_PATH=${WORK}/gems:${system_gems}" "AVCCDB_EXPECT_INSTALLED_GEM=${WORK}/gems"
          "${RUBY}" -w "${SRC}/test/run_all.rb" --verbose
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ruby tests failed (${rc})")
endif()

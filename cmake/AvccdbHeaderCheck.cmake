# avccdb_header_declares(<out-var> <header> <function>...)
# Sets <out-var> to TRUE when <header> exists and declares every <function>
# (as "name(" after a space or '*'), else FALSE and <out-var>_MISSING to the
# first missing name. Lets consumers of API that is still landing (the full
# C API, the leveldb_* drop-in) be registered only once it exists, and be
# reported as skipped until then.
function(avccdb_header_declares out header)
  set(${out} FALSE PARENT_SCOPE)
  if(NOT EXISTS "${header}")
    set(${out}_MISSING "${header}" PARENT_SCOPE)
    return()
  endif()
  file(READ "${header}" text)
  foreach(fn IN LISTS ARGN)
    if(NOT text MATCHES "[ *\n]${fn}\\(")
      set(${out}_MISSING "${fn}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${out} TRUE PARENT_SCOPE)
endfunction()

# avccdb_skipped_test(<name> <reason>)
# A CTest case that only says why it cannot run; CTest reports it as skipped.
function(avccdb_skipped_test name reason)
  add_test(NAME ${name} COMMAND "${CMAKE_COMMAND}" -E echo "skipped: ${reason}")
  set_tests_properties(${name} PROPERTIES SKIP_REGULAR_EXPRESSION "skipped: ")
endfunction()

# cmake -DPYTHON=<python3> -DSCRIPT=<verify_proof.py> -DVECTORS=<file.jsonl>
#       -DMUTATE=<n> -P RunProofVectors.cmake [-- <generator command...>]
# Writes the vectors with the generator command, if one follows `--` (called
# with VECTORS as its last argument), then checks them with the Python
# verifier. Fails if either step fails. (See AvccdbProofVectors.cmake.)
foreach(var PYTHON SCRIPT VECTORS MUTATE)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "RunProofVectors.cmake: -D${var}= is required")
  endif()
endforeach()

set(generator "")
set(after_dashes FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  if(after_dashes)
    list(APPEND generator "${CMAKE_ARGV${i}}")
  elseif("${CMAKE_ARGV${i}}" STREQUAL "--")
    set(after_dashes TRUE)
  endif()
endforeach()

list(LENGTH generator n_generator)
if(n_generator GREATER 0)
  get_filename_component(dir "${VECTORS}" DIRECTORY)
  file(MAKE_DIRECTORY "${dir}")
  file(REMOVE "${VECTORS}")
  execute_process(COMMAND ${generator} "${VECTORS}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "vector generator failed (${rc}): ${generator}")
  endif()
endif()
if(NOT EXISTS "${VECTORS}")
  message(FATAL_ERROR "no vector file ${VECTORS}")
endif()

execute_process(COMMAND "${PYTHON}" "${SCRIPT}" vectors "${VECTORS}" --mutate ${MUTATE}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "verify_proof.py vectors ${VECTORS}: exit status ${rc}")
endif()

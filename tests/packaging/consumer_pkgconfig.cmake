# CTests "packaging-pkg-config" and "packaging-pc-reader": compile and link
# consumer/main.c with the flags that avccdb.pc gives, the way a Makefile
# user would (cc main.c $(pkg-config --cflags --libs avccdb)), once against
# the shared library and once statically, and run both.
#
# READER=pkg-config uses the machine's pkg-config (or pkgconf); without one
#   the test prints "skipped: pkg-config not found" and CTest marks it skipped.
# READER=builtin uses pc_reader.cmake (a minimal .pc reader), so a machine
#   without pkg-config still checks the .pc file; where pkg-config exists
#   the two readers must agree.
# Inputs: READER, C_COMPILER, PREFIX, LIBDIR, WORK, SONAME, VERSION,
#         VERSION_MAJOR, VERSION_MINOR.

# Script mode starts with every policy OLD; IN_LIST below needs CMP0057
# (CMake 3.3), which CMake 3.x leaves OLD unless asked.
cmake_policy(SET CMP0057 NEW)
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/pc_reader.cmake")

set(pcdir "${PREFIX}/${LIBDIR}/pkgconfig")
find_program(PKG_CONFIG NAMES pkg-config pkgconf)

# pkg-config's answer for `args`, as a list, or "" when there is no pkg-config.
function(ask_pkg_config out)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E env "PKG_CONFIG_PATH=${pcdir}"
                          PKG_CONFIG_LIBDIR=/nonexistent "${PKG_CONFIG}" ${ARGN} avccdb
                  RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    pk_fail("${PKG_CONFIG} ${ARGN} avccdb failed: ${e}")
  endif()
  separate_arguments(o UNIX_COMMAND "${o}")
  set(${out} "${o}" PARENT_SCOPE)
endfunction()

if(READER STREQUAL "pkg-config")
  if(NOT PKG_CONFIG)
    message("skipped: pkg-config not found (packaging-pc-reader checks avccdb.pc without it)")
    return()
  endif()
  ask_pkg_config(modversion --modversion)
  if(NOT modversion STREQUAL VERSION)
    pk_fail("pkg-config --modversion says '${modversion}', expected ${VERSION}")
  endif()
  ask_pkg_config(cflags --cflags)
  ask_pkg_config(libs --libs)
  ask_pkg_config(static_libs --static --libs)
  message(STATUS "pkg-config (${PKG_CONFIG}): cflags=${cflags} libs=${libs} static=${static_libs}")
elseif(READER STREQUAL "builtin")
  pc_read("${pcdir}/avccdb.pc" FALSE cflags libs)
  pc_read("${pcdir}/avccdb.pc" TRUE cflags static_libs)
  message(STATUS "built-in .pc reader: cflags=${cflags} libs=${libs} static=${static_libs}")
  if(PKG_CONFIG)
    foreach(pair "cflags;--cflags" "libs;--libs" "static_libs;--static;--libs")
      list(GET pair 0 var)
      list(REMOVE_AT pair 0)
      ask_pkg_config(theirs ${pair})
      if(NOT "${${var}}" STREQUAL "${theirs}")
        pk_fail("built-in reader gives '${${var}}' for ${pair}, pkg-config gives '${theirs}'")
      endif()
    endforeach()
    message(STATUS "built-in reader agrees with ${PKG_CONFIG}")
  else()
    message(STATUS "pkg-config not found: only the built-in reader was used")
  endif()
else()
  pk_fail("READER must be pkg-config or builtin")
endif()

if(NOT "-I${PREFIX}/include" IN_LIST cflags)
  pk_fail("cflags lack -I${PREFIX}/include: ${cflags}")
endif()
if(NOT "-lavccdb" IN_LIST libs OR NOT "-L${PREFIX}/${LIBDIR}" IN_LIST libs)
  pk_fail("libs lack -L${PREFIX}/${LIBDIR} -lavccdb: ${libs}")
endif()

set(work "${WORK}/pc-${READER}")
file(REMOVE_RECURSE "${work}")
file(MAKE_DIRECTORY "${work}")
set(src "${CMAKE_CURRENT_LIST_DIR}/consumer/main.c")
set(defs -Wall -Wextra -Werror -DEXPECTED_MAJOR=${VERSION_MAJOR} -DEXPECTED_MINOR=${VERSION_MINOR})

# Shared: the flags exactly as given.
pk_run("${C_COMPILER}" ${defs} ${cflags} "${src}" -o "${work}/consumer" ${libs})
# Static: the --static flags, asking the linker for the archive by name
# (`-l:libavccdb.a`) since libavccdb.so sits beside it.
string(REPLACE "-lavccdb" "-l:libavccdb.a" static_link "${static_libs}")
pk_run("${C_COMPILER}" ${defs} ${cflags} "${src}" -o "${work}/consumer_static" ${static_link})

pk_readelf_dynamic("${work}/consumer" dyn)
if(NOT dyn MATCHES "Shared library: \\[${SONAME}\\]")
  pk_fail("consumer does not record NEEDED ${SONAME}:\n${dyn}")
endif()
pk_readelf_dynamic("${work}/consumer_static" dyn)
if(dyn MATCHES "libavccdb")
  pk_fail("consumer_static depends on a shared libavccdb:\n${dyn}")
endif()

# No RPATH from pkg-config: the loader finds the library via LD_LIBRARY_PATH,
# as it would via ld.so.conf for a system prefix.
pk_run("${CMAKE_COMMAND}" -E env "LD_LIBRARY_PATH=${PREFIX}/${LIBDIR}" "${work}/consumer" "${work}/db"
       OUTPUT_VARIABLE out)
if(NOT out MATCHES "consumer: ok")
  pk_fail("pkg-config consumer did not report ok")
endif()
pk_run("${work}/consumer_static" "${work}/db-static" OUTPUT_VARIABLE out)
if(NOT out MATCHES "consumer: ok")
  pk_fail("static pkg-config consumer did not report ok")
endif()
message(STATUS "pkg-config consumer (${READER}): ok")

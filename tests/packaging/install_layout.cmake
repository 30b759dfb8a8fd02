# CTest "packaging-install": installs the build tree with `cmake --install`
# into PREFIX and checks the layout promised in docs/PACKAGING.md; also a
# DESTDIR staged install and the opt-in leveldb-header component.
# Inputs: CMAKE (the cmake binary), BUILD_DIR, PREFIX, LIBDIR, VERSION,
#         SONAME, REAL_SO, LEVELDB_HEADER_IN_SOURCE, LEVELDB_HEADER_BY_DEFAULT.
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")

file(REMOVE_RECURSE "${PREFIX}")
pk_run("${CMAKE}" --install "${BUILD_DIR}" --prefix "${PREFIX}")

set(lib "${PREFIX}/${LIBDIR}")
foreach(f "bin/avccdb" "include/avccdb.h" "${LIBDIR}/${REAL_SO}" "${LIBDIR}/libavccdb.a"
          "${LIBDIR}/cmake/avccdb/avccdbConfig.cmake"
          "${LIBDIR}/cmake/avccdb/avccdbConfigVersion.cmake"
          "${LIBDIR}/pkgconfig/avccdb.pc")
  if(NOT EXISTS "${PREFIX}/${f}" OR IS_SYMLINK "${PREFIX}/${f}")
    pk_fail("${f} is not installed as a regular file")
  endif()
endforeach()

# The tool is installed, executable, and runs.
pk_run("${PREFIX}/bin/avccdb" --version OUTPUT_VARIABLE tool_version)
if(NOT tool_version MATCHES "^avccdb ${VERSION}")
  pk_fail("bin/avccdb --version printed '${tool_version}'")
endif()

# The installed header is byte-identical to the source one.
file(SHA256 "${PREFIX}/include/avccdb.h" h_installed)
file(SHA256 "${SOURCE_DIR}/include/avccdb.h" h_source)
if(NOT h_installed STREQUAL h_source)
  pk_fail("installed avccdb.h differs from include/avccdb.h")
endif()

# Symlink chain: libavccdb.so -> libavccdb.so.MAJOR -> libavccdb.so.X.Y.Z
foreach(pair "libavccdb.so=${SONAME}" "${SONAME}=${REAL_SO}")
  string(REPLACE "=" ";" pair "${pair}")
  list(GET pair 0 link)
  list(GET pair 1 target)
  if(NOT IS_SYMLINK "${lib}/${link}")
    pk_fail("${LIBDIR}/${link} is not a symlink")
  endif()
  file(READ_SYMLINK "${lib}/${link}" got)
  if(NOT got STREQUAL target)
    pk_fail("${LIBDIR}/${link} points to '${got}', expected '${target}'")
  endif()
endforeach()

pk_readelf_dynamic("${lib}/${REAL_SO}" dyn)
if(NOT dyn MATCHES "Library soname: \\[${SONAME}\\]")
  pk_fail("installed ${REAL_SO} lacks SONAME ${SONAME}:\n${dyn}")
endif()
if(dyn MATCHES "R(UN)?PATH")
  pk_fail("installed ${REAL_SO} carries an RPATH/RUNPATH:\n${dyn}")
endif()

# The static library exports the C API.
find_program(NM nm)
if(NM)
  execute_process(COMMAND "${NM}" -g --defined-only "${lib}/libavccdb.a"
                  OUTPUT_VARIABLE syms ERROR_QUIET)
  if(NOT syms MATCHES " T avccdb_major_version\n")
    pk_fail("libavccdb.a does not define avccdb_major_version")
  endif()
endif()

# pkg-config file names the prefix installed to, not the configure-time one.
file(READ "${lib}/pkgconfig/avccdb.pc" pc)
if(NOT pc MATCHES "(^|\n)prefix=${PREFIX}\n")
  pk_fail("avccdb.pc has the wrong prefix (want ${PREFIX}):\n${pc}")
endif()
if(NOT pc MATCHES "\nVersion: ${VERSION}\n")
  pk_fail("avccdb.pc has the wrong version (want ${VERSION}):\n${pc}")
endif()

# include/leveldb/c.h only when asked for.
if(LEVELDB_HEADER_BY_DEFAULT)
  if(NOT EXISTS "${PREFIX}/include/leveldb/c.h")
    pk_fail("AVCCDB_INSTALL_LEVELDB_HEADER=ON but include/leveldb/c.h is not installed")
  endif()
elseif(EXISTS "${PREFIX}/include/leveldb/c.h")
  pk_fail("include/leveldb/c.h installed although AVCCDB_INSTALL_LEVELDB_HEADER is OFF")
endif()

# Nothing else is installed.
file(GLOB_RECURSE all RELATIVE "${PREFIX}" LIST_DIRECTORIES false "${PREFIX}/*")
list(SORT all)
set(expected "bin/avccdb" "include/avccdb.h" "${LIBDIR}/${REAL_SO}" "${LIBDIR}/${SONAME}"
    "${LIBDIR}/libavccdb.so" "${LIBDIR}/libavccdb.a"
    "${LIBDIR}/cmake/avccdb/avccdbConfig.cmake"
    "${LIBDIR}/cmake/avccdb/avccdbConfigVersion.cmake"
    "${LIBDIR}/pkgconfig/avccdb.pc")
if(LEVELDB_HEADER_BY_DEFAULT)
  list(APPEND expected "include/leveldb/c.h")
endif()
list(SORT expected)
if(NOT all STREQUAL expected)
  pk_fail("installed files differ.\n got: ${all}\nwant: ${expected}")
endif()
message(STATUS "layout ok: ${all}")

# A staged install (DESTDIR) puts files under the stage while every recorded
# path still names the final prefix.
set(stage "${PREFIX}-stage")
file(REMOVE_RECURSE "${stage}")
pk_run("${CMAKE}" -E env "DESTDIR=${stage}"
       "${CMAKE}" --install "${BUILD_DIR}" --prefix /opt/avccdb)
if(NOT EXISTS "${stage}/opt/avccdb/${LIBDIR}/${REAL_SO}")
  pk_fail("DESTDIR install did not stage ${LIBDIR}/${REAL_SO}")
endif()
file(READ "${stage}/opt/avccdb/${LIBDIR}/pkgconfig/avccdb.pc" pc)
if(NOT pc MATCHES "(^|\n)prefix=/opt/avccdb\n")
  pk_fail("staged avccdb.pc should say prefix=/opt/avccdb:\n${pc}")
endif()
file(REMOVE_RECURSE "${stage}")

# The opt-in component installs the leveldb header alone.
if(LEVELDB_HEADER_IN_SOURCE AND NOT LEVELDB_HEADER_BY_DEFAULT)
  set(comp "${PREFIX}-leveldb-header")
  file(REMOVE_RECURSE "${comp}")
  pk_run("${CMAKE}" --install "${BUILD_DIR}" --prefix "${comp}" --component leveldb-header)
  file(GLOB_RECURSE got RELATIVE "${comp}" "${comp}/*")
  if(NOT got STREQUAL "include/leveldb/c.h")
    pk_fail("component leveldb-header installed '${got}', expected include/leveldb/c.h")
  endif()
  file(REMOVE_RECURSE "${comp}")
endif()
message(STATUS "install layout: ok")

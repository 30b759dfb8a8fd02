# Install rules and package files for libavccdb (included from the top-level
# CMakeLists.txt, which defines AVCCDB_LIB_DIR, AVCCDB_REAL_SO, AVCCDB_SONAME).
#
#   cmake --install build --prefix /opt/avccdb
#
# lays out (LIBDIR is GNUInstallDirs' CMAKE_INSTALL_LIBDIR, normally "lib"):
#   bin/avccdb                           the command-line tool (docs/CLI.md)
#   include/avccdb.h
#   include/leveldb/c.h                  only with -DAVCCDB_INSTALL_LEVELDB_HEADER=ON
#   LIBDIR/libavccdb.so.X.Y.Z            the real file (SONAME libavccdb.so.X)
#   LIBDIR/libavccdb.so.X -> libavccdb.so.X.Y.Z
#   LIBDIR/libavccdb.so   -> libavccdb.so.X
#   LIBDIR/libavccdb.a
#   LIBDIR/cmake/avccdb/avccdbConfig.cmake, avccdbConfigVersion.cmake
#   LIBDIR/pkgconfig/avccdb.pc
# docs/PACKAGING.md describes each file and how consumers use it.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

option(AVCCDB_INSTALL_LEVELDB_HEADER
  "Also install include/leveldb/c.h (off by default: it clashes with a system LevelDB)" OFF)

set(AVCCDB_INSTALL_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
set(AVCCDB_INSTALL_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
set(AVCCDB_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/avccdb")
# What a program linking libavccdb.a must add (from `rustc --print
# native-static-libs`; gcc_s and c come with the compiler driver, and util/rt
# are part of libc on current glibc).
set(AVCCDB_STATIC_DEPS_CMAKE "${CMAKE_DL_LIBS};m")
set(AVCCDB_STATIC_DEPS_PC "-lpthread -ldl -lm")

# --- headers -------------------------------------------------------------------
install(FILES "${CMAKE_SOURCE_DIR}/include/avccdb.h"
        DESTINATION "${AVCCDB_INSTALL_INCLUDEDIR}" COMPONENT devel)
# include/leveldb/c.h would overwrite a system LevelDB's header, so it is
# installed only on request: with -DAVCCDB_INSTALL_LEVELDB_HEADER=ON as part
# of the default install, otherwise through its own component
# (cmake --install build --component leveldb-header).
set(AVCCDB_LEVELDB_HEADER "${CMAKE_SOURCE_DIR}/include/leveldb/c.h")
if(AVCCDB_INSTALL_LEVELDB_HEADER)
  if(NOT EXISTS "${AVCCDB_LEVELDB_HEADER}")
    message(FATAL_ERROR "AVCCDB_INSTALL_LEVELDB_HEADER=ON but ${AVCCDB_LEVELDB_HEADER} does not exist")
  endif()
  install(FILES "${AVCCDB_LEVELDB_HEADER}"
          DESTINATION "${AVCCDB_INSTALL_INCLUDEDIR}/leveldb" COMPONENT devel)
elseif(EXISTS "${AVCCDB_LEVELDB_HEADER}")
  install(FILES "${AVCCDB_LEVELDB_HEADER}"
          DESTINATION "${AVCCDB_INSTALL_INCLUDEDIR}/leveldb"
          COMPONENT leveldb-header EXCLUDE_FROM_ALL)
endif()

# --- libraries ---------------------------------------------------------------
# The libraries are built by cargo, not by add_library, so they are installed
# as files; file(INSTALL) recreates the two symlinks as symlinks.
install(FILES "${AVCCDB_LIB_DIR}/${AVCCDB_REAL_SO}"
        DESTINATION "${AVCCDB_INSTALL_LIBDIR}" COMPONENT runtime
        PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
                    GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
install(FILES "${AVCCDB_LIB_DIR}/${AVCCDB_SONAME}"
        DESTINATION "${AVCCDB_INSTALL_LIBDIR}" COMPONENT runtime)
install(FILES "${AVCCDB_LIB_DIR}/libavccdb.so" "${AVCCDB_LIB_DIR}/libavccdb.a"
        DESTINATION "${AVCCDB_INSTALL_LIBDIR}" COMPONENT devel)

# --- the command-line tool ----------------------------------------------------
install(PROGRAMS "${AVCCDB_CLI_BIN}"
        DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT runtime)

# --- CMake package: avccdb::avccdb and avccdb::avccdb_static -------------------
configure_package_config_file(
  "${CMAKE_SOURCE_DIR}/cmake/avccdbConfig.cmake.in"
  "${CMAKE_BINARY_DIR}/package/avccdbConfig.cmake"
  INSTALL_DESTINATION "${AVCCDB_INSTALL_CMAKEDIR}"
  PATH_VARS AVCCDB_INSTALL_INCLUDEDIR AVCCDB_INSTALL_LIBDIR)
# SameMajorVersion mirrors the SONAME: within a major version signatures
# never change (docs/C_API.md, ABI policy).
write_basic_package_version_file(
  "${CMAKE_BINARY_DIR}/package/avccdbConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMajorVersion)
install(FILES "${CMAKE_BINARY_DIR}/package/avccdbConfig.cmake"
              "${CMAKE_BINARY_DIR}/package/avccdbConfigVersion.cmake"
        DESTINATION "${AVCCDB_INSTALL_CMAKEDIR}" COMPONENT devel)

# --- pkg-config ----------------------------------------------------------------
# prefix= must be the prefix actually installed to (`cmake --install --prefix`
# may differ from CMAKE_INSTALL_PREFIX at configure time), so the file is
# configured in two steps: everything but the prefix now, the prefix at
# install time.
set(AVCCDB_PC_PREFIX "@AVCCDB_PC_PREFIX@")
foreach(kind LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${AVCCDB_INSTALL_${kind}}")
    set(AVCCDB_PC_${kind} "${AVCCDB_INSTALL_${kind}}")
  else()
    set(AVCCDB_PC_${kind} "\${prefix}/${AVCCDB_INSTALL_${kind}}")
  endif()
endforeach()
string(REPLACE "\${prefix}" "\${exec_prefix}" AVCCDB_PC_LIBDIR "${AVCCDB_PC_LIBDIR}")
configure_file("${CMAKE_SOURCE_DIR}/cmake/avccdb.pc.in"
               "${CMAKE_BINARY_DIR}/package/avccdb.pc.stage" @ONLY)
install(CODE "
  set(AVCCDB_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  configure_file(\"${CMAKE_BINARY_DIR}/package/avccdb.pc.stage\"
                 \"${CMAKE_BINARY_DIR}/package/pkgconfig/avccdb.pc\" @ONLY)
" COMPONENT devel)
install(FILES "${CMAKE_BINARY_DIR}/package/pkgconfig/avccdb.pc"
        DESTINATION "${AVCCDB_INSTALL_LIBDIR}/pkgconfig" COMPONENT devel)

# CTest "packaging-find-package": configures, builds and runs the separate
# project in consumer/ against the installed tree (find_package(avccdb
# CONFIG)), with the shared and the static imported target. Then moves a
# second install elsewhere and does the same, proving the package files are
# relocatable.
# The moved install also gets the opt-in leveldb-header component (when the
# source tree has include/leveldb/c.h): there a program written for
# libleveldb must build and run too.
# Inputs: CMAKE, GENERATOR, C_COMPILER, BUILD_DIR, PREFIX, WORK, SONAME,
#         LIBDIR, LEVELDB_HEADER_IN_SOURCE, LEVELDB_HEADER_BY_DEFAULT.
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")

function(build_and_run prefix work expect_leveldb)
  file(REMOVE_RECURSE "${work}")
  pk_run("${CMAKE}" -S "${CMAKE_CURRENT_LIST_DIR}/consumer" -B "${work}"
         -G "${GENERATOR}" "-DCMAKE_C_COMPILER=${C_COMPILER}"
         -DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=${prefix}"
         "-DEXPECTED_PREFIX=${prefix}" "-DEXPECT_LEVELDB_HEADER=${expect_leveldb}")
  pk_run("${CMAKE}" --build "${work}")
  pk_run("${work}/consumer" "${work}/db" OUTPUT_VARIABLE out)
  if(NOT out MATCHES "consumer: ok")
    pk_fail("consumer did not report ok")
  endif()
  pk_run("${work}/consumer_static" "${work}/db-static" OUTPUT_VARIABLE out)
  if(NOT out MATCHES "consumer: ok")
    pk_fail("consumer_static did not report ok")
  endif()

  # The shared consumer records the SONAME and finds the installed copy;
  # the static one does not need libavccdb at all.
  pk_readelf_dynamic("${work}/consumer" dyn)
  if(NOT dyn MATCHES "Shared library: \\[${SONAME}\\]")
    pk_fail("consumer does not record NEEDED ${SONAME}:\n${dyn}")
  endif()
  if(NOT dyn MATCHES "R(UN)?PATH[^\n]*${prefix}/${LIBDIR}")
    pk_fail("consumer's build RPATH does not point into ${prefix}/${LIBDIR}:\n${dyn}")
  endif()
  pk_readelf_dynamic("${work}/consumer_static" dyn)
  if(dyn MATCHES "libavccdb")
    pk_fail("consumer_static depends on a shared libavccdb:\n${dyn}")
  endif()
  if(expect_leveldb)
    pk_run("${work}/leveldb_consumer" "${work}/leveldb-db" OUTPUT_VARIABLE out)
    if(NOT out MATCHES "leveldb_consumer: leveldb C API [0-9]+\\.[0-9]+ ok")
      pk_fail("leveldb_consumer did not report ok")
    endif()
    pk_readelf_dynamic("${work}/leveldb_consumer" dyn)
    if(NOT dyn MATCHES "Shared library: \\[${SONAME}\\]" OR dyn MATCHES "libleveldb")
      pk_fail("leveldb_consumer should need ${SONAME} and no libleveldb:\n${dyn}")
    endif()
  endif()
endfunction()

if(LEVELDB_HEADER_BY_DEFAULT)
  set(default_has_leveldb TRUE)
else()
  set(default_has_leveldb FALSE)
endif()
build_and_run("${PREFIX}" "${WORK}/consumer" ${default_has_leveldb})

# Relocation: install elsewhere, move the tree, build against the new place.
set(a "${WORK}/reloc-a")
set(b "${WORK}/reloc-b")
file(REMOVE_RECURSE "${a}" "${b}")
pk_run("${CMAKE}" --install "${BUILD_DIR}" --prefix "${a}")
set(reloc_has_leveldb ${default_has_leveldb})
if(LEVELDB_HEADER_IN_SOURCE AND NOT LEVELDB_HEADER_BY_DEFAULT)
  pk_run("${CMAKE}" --install "${BUILD_DIR}" --prefix "${a}" --component leveldb-header)
  set(reloc_has_leveldb TRUE)
endif()
file(RENAME "${a}" "${b}")
build_and_run("${b}" "${WORK}/consumer-reloc" ${reloc_has_leveldb})
file(REMOVE_RECURSE "${b}")
message(STATUS "find_package consumer: ok")

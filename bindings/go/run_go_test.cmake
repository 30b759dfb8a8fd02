# CTest "example-go": runs `go vet`, `go test` and a `go test -race` subset
# on bindings/go (a cgo package) against the freshly built libavccdb,
# offline: no module downloads (the package has no dependencies), GOPATH
# and GOCACHE under the build directory.
# Without a Go toolchain it prints "skipped: go not found" (CTest: skipped).
# Inputs: SRC, WORK, INCLUDE_DIR, LIB_DIR, C_COMPILER.
find_program(GO go)
if(NOT GO)
  message("skipped: go not found (install golang-go; .ci/run does)")
  return()
endif()
execute_process(COMMAND "${GO}" version OUTPUT_VARIABLE v OUTPUT_STRIP_TRAILING_WHITESPACE)
message(STATUS "${v}")
file(MAKE_DIRECTORY "${WORK}/path" "${WORK}/cache" "${WORK}/tmp")
set(go_env "${CMAKE_COMMAND}" -E env
    "GOPATH=${WORK}/path" "GOCACHE=${WORK}/cache" "GOTMPDIR=${WORK}/tmp"
    "GOFLAGS=-mod=mod" GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local
    GO111MODULE=on CGO_ENABLED=1 "CC=${C_COMPILER}"
    "CGO_CFLAGS=-I${INCLUDE_DIR} -O2"
    "CGO_LDFLAGS=-L${LIB_DIR} -Wl,-rpath,${LIB_DIR}")
function(go_step what)
  execute_process(COMMAND ${go_env} "${GO}" ${ARGN}
                  WORKING_DIRECTORY "${SRC}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc})")
  endif()
endfunction()
go_step("go vet" vet ./...)
execute_process(COMMAND "${GO}" fmt -n ./... OUTPUT_QUIET)
find_program(GOFMT gofmt HINTS "${GO}/..")
if(GOFMT)
  execute_process(COMMAND "${GOFMT}" -l . WORKING_DIRECTORY "${SRC}"
                  OUTPUT_VARIABLE unformatted OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(unformatted)
    message(FATAL_ERROR "gofmt would change: ${unformatted}")
  endif()
endif()
# The whole suite (Example* functions included), then the concurrency
# tests again under the race detector (-short skips the large workloads
# there, keeping CI time down). The race detector needs a 64-bit
# platform it supports; where `go test -race` cannot build, it is skipped.
go_step("go test" test -count=1 -v ./...)
execute_process(COMMAND ${go_env} "${GO}" env GOARCH OUTPUT_VARIABLE arch
                OUTPUT_STRIP_TRAILING_WHITESPACE)
if(arch MATCHES "^(amd64|arm64|ppc64le|s390x)$")
  go_step("go test -race" test -race -short -count=1 -run "Concurrent|Transaction|Snapshot|Close" ./...)
else()
  message(STATUS "race detector not available on ${arch}: race run skipped")
endif()

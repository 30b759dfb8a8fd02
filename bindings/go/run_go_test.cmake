# CTest "example-go": runs `go vet` and `go test` on examples/go (a cgo package) against
# the freshly built libavccdb, offline: no module downloads (the package has
# no dependencies), GOPATH and GOCACHE under the build directory.
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
execute_process(COMMAND ${go_env} "${GO}" vet ./...
                WORKING_DIRECTORY "${SRC}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "go vet failed (${rc})")
endif()
execute_process(COMMAND ${go_env} "${GO}" test -count=1 -v ./...
                WORKING_DIRECTORY "${SRC}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "go test failed (${rc})")
endif()

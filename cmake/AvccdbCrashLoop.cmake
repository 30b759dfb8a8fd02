# The crash loop, short: `scripts/crash-loop.sh 20` (docs/RELIABILITY.md,
# "Crash loop") — 20 rounds of SIGKILLing a writer of synced batches and
# checking the reopened database. It builds examples/crash_loop in the
# source tree's target directory with the dev profile, as `cargo test`
# does (which builds every example anyway, so nothing new is compiled),
# and is RUN_SERIAL as the other cargo users.
# Needs bash on a POSIX system (kill -KILL); reported as skipped elsewhere.

find_program(AVCCDB_BASH bash)
if(UNIX AND AVCCDB_BASH)
  add_test(NAME crash-loop
    COMMAND "${CMAKE_COMMAND}" -E env "CARGO=${CARGO}" CRASH_LOOP_PROFILE=dev
            "${AVCCDB_BASH}" "${CMAKE_SOURCE_DIR}/scripts/crash-loop.sh" 20
            "${CMAKE_BINARY_DIR}/crash-loop"
    WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}")
  set_tests_properties(crash-loop PROPERTIES RUN_SERIAL TRUE TIMEOUT 900)
else()
  avccdb_skipped_test(crash-loop "the crash loop needs bash on a POSIX system")
endif()

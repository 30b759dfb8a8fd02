# Proof test vectors checked by the independent Python verifier
# (scripts/verify_proof.py, written from docs/PROOF_FORMAT.md alone).
#
# avccdb_add_python_vector_test(NAME <test> VECTOR_FILE <path>
#                               [CARGO_EXAMPLE <example> | GENERATOR <target>]
#                               [GENERATOR_ARGS <arg>...] [MUTATE <n>])
#   Registers the CTest case <test>. First the vectors are (re)written by
#   the generator, called with VECTOR_FILE as its last argument:
#     CARGO_EXAMPLE  `cargo run --locked --example <example> -- <args>
#                    <VECTOR_FILE>` in the source tree, like the rust-*
#                    tests (same target directory and dev profile as
#                    `cargo test`, which builds every example anyway), and
#                    RUN_SERIAL as they are;
#     GENERATOR      `<executable target> <args> <VECTOR_FILE>`;
#     neither        VECTOR_FILE must exist already (checked-in vectors).
#   Then `python3 scripts/verify_proof.py vectors <VECTOR_FILE> --mutate <n>`
#   (n defaults to 5) must pass. Reported as skipped without Python 3.

find_package(Python3 COMPONENTS Interpreter)

function(avccdb_add_python_vector_test)
  cmake_parse_arguments(PARSE_ARGV 0 arg ""
    "NAME;VECTOR_FILE;CARGO_EXAMPLE;GENERATOR;MUTATE" "GENERATOR_ARGS")
  if(NOT arg_NAME OR NOT arg_VECTOR_FILE OR (arg_CARGO_EXAMPLE AND arg_GENERATOR))
    message(FATAL_ERROR "avccdb_add_python_vector_test: needs NAME and VECTOR_FILE, "
                        "and at most one of CARGO_EXAMPLE and GENERATOR")
  endif()
  if(NOT DEFINED arg_MUTATE)
    set(arg_MUTATE 5)
  endif()
  if(NOT Python3_Interpreter_FOUND)
    avccdb_skipped_test(${arg_NAME} "no Python 3 interpreter found")
    return()
  endif()
  set(generator "")
  set(timeout 900)
  set(serial FALSE)
  if(arg_CARGO_EXAMPLE)
    set(generator "${CARGO}" run --locked --quiet --example ${arg_CARGO_EXAMPLE} --)
    set(timeout 3600)
    set(serial TRUE)
  elseif(arg_GENERATOR)
    set(generator "$<TARGET_FILE:${arg_GENERATOR}>")
  endif()
  list(LENGTH generator n_generator)
  if(n_generator GREATER 0)
    list(APPEND generator ${arg_GENERATOR_ARGS})
  endif()
  # The generator command follows `--`: the script reads it from CMAKE_ARGV.
  add_test(NAME ${arg_NAME}
    COMMAND "${CMAKE_COMMAND}"
            "-DPYTHON=${Python3_EXECUTABLE}"
            "-DSCRIPT=${CMAKE_SOURCE_DIR}/scripts/verify_proof.py"
            "-DVECTORS=${arg_VECTOR_FILE}" "-DMUTATE=${arg_MUTATE}"
            -P "${CMAKE_SOURCE_DIR}/cmake/RunProofVectors.cmake" -- ${generator}
    WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}")
  set_tests_properties(${arg_NAME} PROPERTIES TIMEOUT ${timeout} RUN_SERIAL ${serial})
endfunction()

# Vectors from synthetic states built with avccdb::merkle alone
# (examples/proof_vectors_synthetic.rs).
avccdb_add_python_vector_test(NAME proof_python_synthetic
  VECTOR_FILE "${CMAKE_BINARY_DIR}/proof-vectors/synthetic.jsonl"
  CARGO_EXAMPLE proof_vectors_synthetic
  MUTATE 5)

# Vectors from the real engine (c-tests/proof_vectors.c) are registered in
# c-tests/CMakeLists.txt, where the generator target is defined.

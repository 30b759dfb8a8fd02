# CTest "bench-smoke*": a tiny db_bench run (1000 keys, then 2 threads) that
# must finish and print one well-formed result line per benchmark, with
# readrandom finding keys. Not a measurement.
# With PROOFS (the avccdb build), also the Merkle proof workloads on 2000
# keys: db_bench checks every proof itself and exits 1 with "PROOF CHECK
# FAILED" when one does not verify or proves another answer than the one
# written, and a run with --tamper_proofs=1 (every proof altered) must fail
# that way. Without PROOFS the proof workloads and flag must be refused.
# Inputs: EXE, DB, PROOFS (0|1).
function(run_bench out)
  execute_process(COMMAND "${EXE}" ${ARGN} "--db=${DB}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
  message("${o}${e}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "db_bench ${ARGN} failed (${rc})")
  endif()
  set(${out} "${o}" PARENT_SCOPE)
endfunction()

run_bench(out --num=1000
  --benchmarks=fillseq,fillsync,fillrandom,overwrite,readrandom,readseq,fillbatch)
foreach(name fillseq fillsync fillrandom overwrite readrandom readseq fillbatch)
  if(NOT out MATCHES "\n${name} +: +[0-9]+\\.[0-9]+ micros/op;")
    message(FATAL_ERROR "no result line for ${name}")
  endif()
endforeach()
if(NOT out MATCHES "readrandom [^\n]*\\(([0-9]+) of 1000 found\\)" OR CMAKE_MATCH_1 LESS 500)
  message(FATAL_ERROR "readrandom after fillrandom+overwrite found too few keys")
endif()

run_bench(out --num=1000 --threads=2 --benchmarks=fillrandom,fillsync,readrandom)
if(NOT out MATCHES "Threads: +2\n" OR NOT out MATCHES "\nfillsync +: " )
  message(FATAL_ERROR "threaded run incomplete")
endif()
# An unknown benchmark name is refused before anything runs.
execute_process(COMMAND "${EXE}" --benchmarks=fillseq,nosuchbench "--db=${DB}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
if(rc EQUAL 0 OR o MATCHES "fillseq +:")
  message(FATAL_ERROR "db_bench accepted an unknown benchmark:\n${o}${e}")
endif()

# Runs db_bench expecting it to fail; the output must match `pattern`.
function(run_bench_failing pattern)
  execute_process(COMMAND "${EXE}" ${ARGN} "--db=${DB}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
  if(rc EQUAL 0 OR NOT "${o}${e}" MATCHES "${pattern}")
    message(FATAL_ERROR "db_bench ${ARGN} should have failed with '${pattern}' (${rc}):\n${o}${e}")
  endif()
endfunction()

# The tail of a proof workload's line; `n` proofs, all verified.
function(check_proof_lines out n)
  foreach(name ${ARGN})
    set(re "\n${name} +: +[0-9]+\\.[0-9]+ micros/op; +[0-9]+ ops/s; ")
    string(APPEND re "proof bytes mean [0-9.]+ p50 [1-9][0-9]* max [1-9][0-9]* ")
    string(APPEND re "\\(${n} of ${n} verified[;)]")
    if(NOT out MATCHES "${re}")
      message(FATAL_ERROR "no well-formed result line for ${name} (${n} proofs)")
    endif()
  endforeach()
endfunction()

if(PROOFS)
  # A 64 KiB write buffer, so that tables are written, hashed and compacted.
  run_bench(out --num=2000 --write_buffer_size=65536
    --benchmarks=fillrandom,provelatest,proveabsent,verifyonly,provehistory,overwrite,provelatest)
  if(NOT out MATCHES "Merkle: +merkle_on_write=1\n")
    message(FATAL_ERROR "merkle_on_write is not 1 by default")
  endif()
  check_proof_lines("${out}" 2000 provelatest proveabsent verifyonly provehistory)
  if(out MATCHES "values not compared")
    message(FATAL_ERROR "a single-threaded run left values uncompared")
  endif()
  # Tables hashed only when a proof first needs them: same answers.
  run_bench(out --num=2000 --write_buffer_size=65536 --merkle_on_write=0
    --benchmarks=fillrandom,provelatest,proveabsent,verifyonly)
  if(NOT out MATCHES "Merkle: +merkle_on_write=0\n")
    message(FATAL_ERROR "--merkle_on_write=0 not applied")
  endif()
  check_proof_lines("${out}" 2000 provelatest proveabsent verifyonly)
  # Two threads proving at once (2 x 2000 proofs).
  run_bench(out --num=2000 --threads=2 --benchmarks=fillrandom,provelatest,proveabsent,verifyonly)
  check_proof_lines("${out}" 4000 provelatest proveabsent verifyonly)
  # A proof that does not verify fails the run.
  foreach(name provelatest proveabsent provehistory)
    run_bench_failing("PROOF CHECK FAILED" --num=2000 --write_buffer_size=65536
      --tamper_proofs=1 --benchmarks=fillrandom,${name})
  endforeach()
  # Proving needs keys written first.
  run_bench_failing("needs keys written" --num=2000 --benchmarks=provelatest)
else()
  # Builds without avccdb.h do not offer the proof workloads or the flag.
  run_bench_failing("unknown benchmark 'provelatest'" --num=100 --benchmarks=provelatest)
  run_bench_failing("unknown flag --merkle_on_write" --num=100 --merkle_on_write=1
    --benchmarks=fillseq)
endif()
file(REMOVE_RECURSE "${DB}")

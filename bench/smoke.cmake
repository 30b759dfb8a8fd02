# CTest "bench-smoke*": a tiny db_bench run (1000 keys, then 2 threads, then
# 2000 keys with a 64 KiB write buffer, 1 MiB cache and bloom filter) that
# must finish and print one well-formed result line per benchmark, with
# readrandom finding keys. Not a measurement.
# With PROOFS (the avccdb build), also the Merkle proof workloads on 2000
# keys: db_bench checks every proof itself and exits 1 with "PROOF CHECK
# FAILED" when one does not verify or proves another answer than the one
# written, and a run with --tamper_proofs=1 (every proof altered) must fail
# that way. Without PROOFS the proof workloads and flag must be refused.
# With VERSIONS (the avccdb build), also fillversions + readversions on
# 5000 puts: db_bench checks every versioned read itself and exits 1 with
# "VERSION CHECK FAILED" on a wrong version or value, which reading a
# database written with other --versions or --value_size must do. Without
# VERSIONS those names and --versions must be refused.
# Every build: --stats_summary=1 prints a well-formed "scale" line after
# each benchmark (exact user bytes written) and one for the whole run.
# Inputs: EXE, DB, PROOFS (0|1), VERSIONS (0|1).
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
# The options every build must apply (RocksDB through its block-based table
# options): a small write buffer (tables written and compacted), cache, filter.
run_bench(out --num=2000 --write_buffer_size=65536 --cache_size=1048576 --bloom_bits=10
  --benchmarks=fillrandom,readrandom)
if(NOT out MATCHES "readrandom [^\n]*\\(([0-9]+) of 2000 found\\)" OR CMAKE_MATCH_1 LESS 1000)
  message(FATAL_ERROR "readrandom with cache and filter options found too few keys")
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

# Scale accounting: 2000 puts of 16 + 100 bytes = 232000 user bytes.
set(io_re "([0-9]+|-) write_amp=([0-9]+\\.[0-9]+|-)")
run_bench(out --num=2000 --stats_summary=1 --benchmarks=fillrandom,readrandom)
set(re "\nscale +: after fillrandom: user_written=232000 io_written=${io_re} ")
string(APPEND re "disk=[1-9][0-9]* live_user=([1-9][0-9]*) space_amp=[0-9]+\\.[0-9]+ peak_rss_kib=[1-9][0-9]*\n")
if(NOT out MATCHES "${re}")
  message(FATAL_ERROR "no well-formed scale line after fillrandom")
endif()
# fillrandom's keys are random: fewer distinct (live) keys than puts.
if(CMAKE_MATCH_3 GREATER_EQUAL 232000 OR NOT CMAKE_MATCH_3 GREATER 116000)
  message(FATAL_ERROR "live user bytes ${CMAKE_MATCH_3} not in (116000, 232000)")
endif()
if(NOT out MATCHES "\nscale +: after readrandom: user_written=0 io_written=")
  message(FATAL_ERROR "no well-formed scale line after readrandom")
endif()
if(NOT out MATCHES "\nscale +: total: user_written=232000 io_written=${io_re} disk=[1-9][0-9]* live_user=")
  message(FATAL_ERROR "no well-formed total scale line")
endif()
# Without --stats_summary only the total line, without the live data.
run_bench(out --num=1000 --benchmarks=fillseq)
if(out MATCHES "scale +: after" OR
   NOT out MATCHES "\nscale +: total: user_written=116000 io_written=${io_re} disk=[1-9][0-9]* peak_rss_kib=")
  message(FATAL_ERROR "scale lines wrong without --stats_summary")
endif()

if(VERSIONS)
  # 5000 puts: 10 versions of 500 keys, all live.
  run_bench(out --num=5000 --versions=10 --write_buffer_size=65536 --stats_summary=1
    --benchmarks=fillversions,readversions)
  if(NOT out MATCHES "\nfillversions +: +[0-9]+\\.[0-9]+ micros/op;" OR
     NOT out MATCHES "\nscale +: after fillversions: user_written=580000 io_written=${io_re} disk=[1-9][0-9]* live_user=580000 ")
    message(FATAL_ERROR "no well-formed fillversions lines")
  endif()
  # Versions asked below the first one written (10) find nothing: 1 in 11.
  if(NOT out MATCHES "\nreadversions +: +[0-9]+\\.[0-9]+ micros/op;[^\n]* \\(([0-9]+) of 5000 found, all checked\\)"
     OR CMAKE_MATCH_1 LESS 4000 OR CMAKE_MATCH_1 GREATER 4900)
    message(FATAL_ERROR "readversions found ${CMAKE_MATCH_1} of 5000 (expected about 10 in 11)")
  endif()
  run_bench(out --num=5000 --threads=2 --write_buffer_size=65536
    --benchmarks=fillversions,readversions)
  if(NOT out MATCHES "\\(([0-9]+) of 10000 found, all checked\\)")
    message(FATAL_ERROR "threaded readversions incomplete")
  endif()
  # The same database read again in a new process, with the same flags.
  run_bench(out --num=5000 --versions=10 --use_existing_db=1 --benchmarks=readversions)
  if(NOT out MATCHES "of 5000 found, all checked\\)")
    message(FATAL_ERROR "readversions on the existing database incomplete")
  endif()
  # Other flags than the writer's: keys 500-999 missing, or other values.
  run_bench_failing("VERSION CHECK FAILED[^\n]*nothing found" --num=5000 --versions=5
    --use_existing_db=1 --benchmarks=readversions)
  run_bench_failing("VERSION CHECK FAILED[^\n]*the value differs" --num=5000 --value_size=90
    --use_existing_db=1 --benchmarks=readversions)
  # readversions needs fillversions, with no other write in between.
  run_bench_failing("needs fillversions" --num=1000 --benchmarks=readversions)
  run_bench_failing("needs fillversions" --num=1000 --benchmarks=fillversions,overwrite,readversions)
else()
  run_bench_failing("unknown benchmark 'fillversions'" --num=100 --benchmarks=fillversions)
  run_bench_failing("unknown flag --versions" --num=100 --versions=3 --benchmarks=fillseq)
endif()

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

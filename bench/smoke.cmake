# CTest "bench-smoke*": a tiny db_bench run (1000 keys, then 2 threads) that
# must finish and print one well-formed result line per benchmark, with
# readrandom finding keys. Not a measurement.
# Inputs: EXE, DB.
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
file(REMOVE_RECURSE "${DB}")

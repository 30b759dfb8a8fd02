# CTest "bench-compare-smoke": scripts/bench_compare.py on tiny runs (not a
# measurement): the comparison table with a row per benchmark and a ratio
# column per peer program built, the A/A mode, and the scale table with
# write/space amplification and peak RSS for every program.
# Inputs: PYTHON, SCRIPT, BUILD (the build directory), DIR (scratch), PEERS
# (the peer programs built: a list of leveldb, rocksdb; may be empty).
function(run_compare out)
  execute_process(COMMAND "${PYTHON}" "${SCRIPT}" --build "${BUILD}" --db-dir "${DIR}" ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
  message("${o}${e}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "bench_compare.py ${ARGN} failed (${rc})")
  endif()
  set(${out} "${o}" PARENT_SCOPE)
endfunction()

cmake_policy(SET CMP0057 NEW) # if(IN_LIST)
string(REPLACE "," ";" PEERS "${PEERS}")
file(MAKE_DIRECTORY "${DIR}")
set(num "[0-9]+\\.[0-9]+")
set(ratio "[0-9]+\\.[0-9]+× \\| [0-9]+\\.[0-9]+–[0-9]+\\.[0-9]+")

run_compare(out --reps 2 --num 500 --threads 1,2 --benchmarks fillrandom,readrandom
            --threaded-benchmarks fillrandom)
foreach(want "load average before" "load average after" "model name" "nproc"
        "/bench/db_bench --benchmarks=fillrandom,readrandom --num=500 --threads=1")
  string(FIND "${out}" "${want}" at)
  if(at LESS 0)
    message(FATAL_ERROR "bench_compare.py output lacks '${want}'")
  endif()
endforeach()
set(peer_cols "")
foreach(p ${PEERS})
  string(APPEND peer_cols " \\| ${num}")
endforeach()
set(mbs_cols "")
foreach(p ${PEERS})
  string(APPEND mbs_cols " \\| ${num}")
endforeach()
set(ratios "")
foreach(p ${PEERS})
  string(APPEND ratios " \\| ${ratio}")
endforeach()
foreach(row "1 \\| fillrandom" "1 \\| readrandom" "2 \\| fillrandom")
  if(NOT out MATCHES "\n\\| ${row} \\| ${num}${peer_cols} \\| ${num}${mbs_cols}${ratios} \\|\n")
    message(FATAL_ERROR "no well-formed row '${row}' for avccdb and peers '${PEERS}'")
  endif()
endforeach()

if("leveldb" IN_LIST PEERS)
  run_compare(out --aa --reps 2 --num 500 --threads 1 --benchmarks fillrandom)
  if(NOT out MATCHES "leveldb-B/leveldb-A" OR
     NOT out MATCHES "\n\\| 1 \\| fillrandom \\| ${num} \\| ${num} \\| ${num} \\| ${num} \\| ${ratio} \\|\n")
    message(FATAL_ERROR "no well-formed A/A table")
  endif()
endif()

run_compare(out --scale 2000,4000 --max-reads 1000)
foreach(n 2,000 4,000)
  foreach(p avccdb ${PEERS})
    # times, write amp, space amp, disk, live, peak RSS
    if(NOT out MATCHES "\n\\| ${n} \\| ${p} \\| ${num} \\| ${num} \\| ${num} \\| ${num} \\| ${num} \\| ${num} \\| ${num} \\| ${num} \\|\n")
      message(FATAL_ERROR "no well-formed scale row for ${p} at ${n} keys")
    endif()
  endforeach()
  foreach(p ${PEERS})
    if(NOT out MATCHES "\n\\| ${n} \\| ${p}/avccdb \\| ")
      message(FATAL_ERROR "no scale ratio row for ${p} at ${n} keys")
    endif()
  endforeach()
endforeach()
file(REMOVE_RECURSE "${DIR}")

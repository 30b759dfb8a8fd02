# frozen_string_literal: true

# Put and get throughput through the Ruby binding; bench/put_get.c runs
# the same workload straight on the C API, so the two lines compare.
#   ruby -Ilib bench/put_get.rb [count] [dir]
# Workload: count puts of 16-byte keys ("%016d", ascending) with 100-byte
# values on a fresh database (default options, no sync), then count gets
# in the order i = (i * 7919 + 13) mod count. Prints ops/s and µs/op.
require "avccdb"
require "tmpdir"

count = Integer(ARGV[0] || 200_000)
dir = ARGV[1] || Dir.mktmpdir("avccdb-bench-rb")
path = File.join(dir, "bench-rb")
Avccdb::DB.destroy(path) if File.exist?(path)
value = ("x" * 100).b
keys = Array.new(count) { |i| format("%016d", i).b }

def report(name, count, seconds)
  printf("ruby %-4s: %10.0f ops/s %8.3f us/op (%d ops)\n", name, count / seconds,
         seconds * 1e6 / count, count)
end

Avccdb::DB.open(path, create_if_missing: true) do |db|
  t0 = Process.clock_gettime(Process::CLOCK_MONOTONIC)
  keys.each { |k| db.put(k, value) }
  t1 = Process.clock_gettime(Process::CLOCK_MONOTONIC)
  report("put", count, t1 - t0)
  missing = 0
  i = 0
  count.times do
    i = (i * 7919 + 13) % count
    missing += 1 unless db.get(keys[i])
  end
  report("get", count, Process.clock_gettime(Process::CLOCK_MONOTONIC) - t1)
  abort "#{missing} keys missing" unless missing.zero?
end
Avccdb::DB.destroy(path)

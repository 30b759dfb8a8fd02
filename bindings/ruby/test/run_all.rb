# frozen_string_literal: true

# Runs every test file of the suite in one process (CTest's entry point):
#   ruby -Ilib test/run_all.rb
Dir[File.join(__dir__, "test_*.rb")].sort.each { |f| require f }

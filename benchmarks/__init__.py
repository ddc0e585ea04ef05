"""Speed and memory benchmarks, run on demand (``make bench``); never part of the tests."""

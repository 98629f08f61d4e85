-- wrk reporter for tests/benchmarks/bench_clinic.py: one machine-readable line at the end.
-- Latencies in microseconds; "status" counts responses that were not 2xx or 3xx.
done = function(summary, latency, requests)
  io.write(string.format(
    "WRK_JSON {\"requests\": %.0f, \"duration_us\": %.0f, \"p50_us\": %.0f, \"p99_us\": %.0f, " ..
    "\"connect\": %.0f, \"read\": %.0f, \"write\": %.0f, \"status\": %.0f, \"timeout\": %.0f}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end

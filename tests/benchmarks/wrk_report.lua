-- wrk reporter for tests/benchmarks/bench_http.py: one machine-readable line at the end.
-- Latencies in microseconds; "status" counts responses that were not 2xx or 3xx; "hits" and
-- "misses" count free-time answers by their X-Free-Times-Cache header (clinic/cache.py),
-- summed over wrk's threads (each thread has a Lua state of its own).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  hits, misses = 0, 0
end

function response(status, headers, body)
  for name, value in pairs(headers) do
    if string.lower(name) == "x-free-times-cache" then
      if value == "hit" then
        hits = hits + 1
      elseif value == "miss" then
        misses = misses + 1
      end
    end
  end
end

done = function(summary, latency, requests)
  local all_hits, all_misses = 0, 0
  for _, thread in ipairs(threads) do
    all_hits = all_hits + thread:get("hits")
    all_misses = all_misses + thread:get("misses")
  end
  io.write(string.format(
    "WRK_JSON {\"requests\": %.0f, \"duration_us\": %.0f, \"p50_us\": %.0f, \"p99_us\": %.0f, " ..
    "\"connect\": %.0f, \"read\": %.0f, \"write\": %.0f, \"status\": %.0f, \"timeout\": %.0f, " ..
    "\"hits\": %.0f, \"misses\": %.0f}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, all_hits, all_misses))
end

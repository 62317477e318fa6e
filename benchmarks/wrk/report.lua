-- Appended to every wrk run of benchmarks/run.py: at the end, print one line the runner parses.
-- wrk's own --latency table has no p95, so the percentiles come from its latency histogram here.
done = function(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'WRK_JSON {"requests":%d,"seconds":%.3f,"rps":%.2f,"mean_ms":%.3f,"p50_ms":%.3f,' ..
    '"p95_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"bytes":%d,"errors":{"connect":%d,' ..
    '"read":%d,"write":%d,"timeout":%d,"status":%d}}\n',
    summary.requests, seconds, summary.requests / seconds, latency.mean / 1000,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.bytes, e.connect, e.read, e.write, e.timeout, e.status))
end

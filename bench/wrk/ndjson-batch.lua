-- wrk script: POST /v1/decisions with an application/x-ndjson batch of BATCH decisions
-- (~600 B each, no requestId: the collector assigns UUIDv7s, so repeats are never duplicates).
-- The key comes from the environment variable DLEDGER_KEY; BATCH (default 1000) sets the batch size.
local batch = tonumber(os.getenv("BATCH") or "1000")
local key = os.getenv("DLEDGER_KEY")
local categories = { "grocery", "fuel", "restaurant", "electronics", "travel", "jewelry" }
local lines = {}
for i = 1, batch do
  lines[i] = string.format(
    '{"model":{"name":"fraud_detector","version":"1.0.0","pipelineVersion":"fraud-features-1"},' ..
    '"input":{"customerId":"customer-%d","amount":%d.%02d,"merchantCategory":"%s","hour":%d,"distanceFromHomeKm":%d,"cardPresent":%s,"transactionsLastHour":%d},' ..
    '"output":{"fraud":%s,"probability":0.%04d},' ..
    '"explanation":{"method":"feature-contribution","attributions":{"amount":0.42,"merchantCategory":-0.05,"hour":0.1,"distanceFromHomeKm":0.2,"cardPresent":-0.3,"transactionsLastHour":0.07}},' ..
    '"actor":{"userId":"scoring-svc","tenant":"emea"},"subject":{"id":"customer-%d"},"latencyMs":1.%d}',
    i, i % 2000, i % 100, categories[(i % #categories) + 1], i % 24, i % 500, (i % 3 == 0) and "false" or "true", i % 7,
    (i % 10 == 0) and "true" or "false", (i * 37) % 10000, i, i % 10)
end
local body = table.concat(lines, "\n") .. "\n"
local headers = { ["Content-Type"] = "application/x-ndjson", ["Authorization"] = "Bearer " .. key }

request = function()
  return wrk.format("POST", "/v1/decisions", headers, body)
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("batch %d decisions; %d batches in %.1f s; non-2xx %d, timeouts %d\n",
    batch, summary.requests, seconds, summary.errors.status, summary.errors.timeout))
  io.write(string.format("decisions/s (2xx batches only) %.0f\n", (summary.requests - summary.errors.status) * batch / seconds))
end

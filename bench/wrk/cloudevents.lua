-- wrk script: KServe inference logger traffic on POST /v1/cloudevents. Each inference is two binary-mode
-- CloudEvents with the same Ce-Id, the request half then the response half (on whichever connection wrk
-- picks, so they may arrive in either order); the first is made durable in the pending-halves journal
-- (202), the second records the pair (200). The key comes from DLEDGER_KEY.
local key = os.getenv("DLEDGER_KEY")
local counter = 0
-- A global, not a local: setup() hands each thread its own value through thread:set, which sets globals.
prefix = ""
local request_body = '{"instances":[[6.8,2.8,4.8,1.4],[6.0,3.4,4.5,1.6]]}'
local response_body = '{"predictions":[1,1]}'

setup = function(thread)
  thread:set("prefix", tostring(math.random(1, 1e9)) .. "-" .. tostring(os.time()))
end

init = function(args)
  -- LuaJIT's math.random is unseeded: without the time, every wrk run (the warm-up, then the
  -- measured one) would send the same Ce-Ids, and the collector rightly answers 409 to the repeats.
  math.randomseed(os.time())
  prefix = prefix .. "-" .. tostring(math.random(1, 1e9))
end

request = function()
  local n = counter
  counter = counter + 1
  local half = (n % 2 == 0) and "request" or "response"
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. key,
    ["Ce-Specversion"] = "1.0",
    ["Ce-Id"] = prefix .. "-" .. tostring(math.floor(n / 2)),
    ["Ce-Source"] = "http://localhost:9081/",
    ["Ce-Type"] = "org.kubeflow.serving.inference." .. half,
    ["Ce-Time"] = "2026-11-23T12:00:00.0789529Z",
    ["Ce-Inferenceservicename"] = "sklearn-iris",
    ["Ce-Namespace"] = "default",
    ["Ce-Component"] = "predictor",
  }
  return wrk.format("POST", "/v1/cloudevents", headers, (half == "request") and request_body or response_body)
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("%d halves in %.1f s; non-2xx %d, timeouts %d; pairs/s %.0f\n",
    summary.requests, seconds, summary.errors.status, summary.errors.timeout, summary.requests / 2 / seconds))
end

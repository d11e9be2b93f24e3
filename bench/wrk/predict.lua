-- wrk script: POST /predict (or /predict-uncaptured) with one of a few realistic transactions,
-- cycling so the ledger sees different subjects and the model different paths.
local bodies = {
  '{"customerId":"customer-1842","amount":1850,"merchantCategory":"electronics","hour":3,"distanceFromHomeKm":420,"cardPresent":false,"transactionsLastHour":6}',
  '{"customerId":"customer-7","amount":23.5,"merchantCategory":"grocery","hour":18,"distanceFromHomeKm":2.1,"cardPresent":true,"transactionsLastHour":0}',
  '{"customerId":"customer-311","amount":129.99,"merchantCategory":"restaurant","hour":21,"distanceFromHomeKm":8.4,"cardPresent":true,"transactionsLastHour":1}',
  '{"customerId":"customer-95","amount":640,"merchantCategory":"online_gaming","hour":1,"distanceFromHomeKm":15,"cardPresent":false,"transactionsLastHour":3}',
  '{"customerId":"customer-2048","amount":54.2,"merchantCategory":"fuel","hour":7,"distanceFromHomeKm":35,"cardPresent":true,"transactionsLastHour":0}',
}
local i = 0

request = function()
  i = i + 1
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["X-User"] = "wrk" }, bodies[(i % #bodies) + 1])
end

-- Count non-2xx answers (wrk only reports them as a total); a failed request must not pass as a fast one.
done = function(summary, latency, requests)
  io.write(string.format("non-2xx or socket errors: %d status, %d connect, %d read, %d write, %d timeout\n",
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end

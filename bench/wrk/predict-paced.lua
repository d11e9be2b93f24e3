-- predict.lua with a pause of DELAY_MS before each request on every connection: with C connections
-- the offered rate is at most C * 1000 / DELAY_MS requests/s (a little less: each request's own
-- latency adds to its connection's cycle). wrk2 is not packaged here; this is how
-- compare-capture.sh offers "half the uncaptured maximum rate" with plain wrk.
dofile(os.getenv("PREDICT_LUA"))
local pause = tonumber(os.getenv("DELAY_MS") or "10")

delay = function()
  return pause
end

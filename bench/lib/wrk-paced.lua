-- wrk script for bench/api-throughput.sh: the same script for every run, so every target pays the same
-- Lua overhead in wrk.
--
-- WRK_RATE > 0: a fixed offered rate (Debian's wrk is wrk 4, which has no -R; that is wrk2). wrk asks delay()
-- before every request of every connection; each thread keeps a schedule of send slots spaced
-- WRK_THREADS/WRK_RATE apart and hands the next free slot to whichever connection asks, so the thread offers
-- WRK_RATE/WRK_THREADS requests a second however many connections it has (connections only bound how many are
-- in flight). A thread that fell behind (slow answers, no free connection) sends its overdue slots at once,
-- as real offered load would. wrk takes delay() in whole milliseconds (it truncates), so a request may leave
-- up to 1 ms before its slot; the slots themselves do not drift, so the average rate holds.
-- Latency is still wrk's: from the moment a request is written to its answer (no coordinated-omission
-- correction as in wrk2), so a stalled server shows as a lower achieved rate rather than as latency.
--
-- Every run ends with one machine-readable line (done() runs once, over all threads):
--   WRK requests=N duration_us=N rps=X p50_us=N p90_us=N p99_us=N max_us=N non2xx=N connect=N read=N write=N timeout=N
-- non2xx is wrk's "Non-2xx or 3xx responses" counter (status > 399).

local rate = tonumber(os.getenv("WRK_RATE") or "0") or 0
local threads = tonumber(os.getenv("WRK_THREADS") or "1") or 1

if rate > 0 then
  -- os.clock() is CPU time and os.time() whole seconds: read CLOCK_MONOTONIC through LuaJIT's FFI.
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } wrk_paced_timespec;
    int clock_gettime(int clk_id, wrk_paced_timespec *tp);
  ]]
  local ts = ffi.new("wrk_paced_timespec")
  local CLOCK_MONOTONIC = 1
  local function now_ms()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end

  local interval = 1000 * threads / rate   -- ms between this thread's requests
  local next_slot = nil

  function delay()
    local now = now_ms()
    if next_slot == nil then next_slot = now end
    local slot = next_slot
    next_slot = next_slot + interval
    local wait = slot - now
    if wait < 0 then wait = 0 end
    return wait
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end

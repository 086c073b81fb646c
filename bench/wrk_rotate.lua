-- wrk script for bench/api_bench.py: rotate over a list of paths, send the given headers,
-- count what came back, and print one JSON line the bench parses.
--
--   wrk -t1 -c8 -d3 -s bench/wrk_rotate.lua http://127.0.0.1:PORT -- PATHS_FILE [HEADER ...]
--
-- PATHS_FILE holds one path per line; each connection's thread takes them in turn. Each
-- HEADER is "Name: value" (e.g. "Accept-Encoding: gzip, deflate, br"). The JSON line starts
-- with "WRK_JSON " and gives the requests, the seconds, wrk's socket errors, the answers by
-- status class, the X-Cache hits and the latency percentiles in microseconds.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   paths = {}
   for line in io.lines(args[1]) do
      if line ~= "" then
         table.insert(paths, line)
      end
   end
   headers = {}
   for i = 2, #args do
      local name, value = args[i]:match("^([^:]+):%s*(.*)$")
      headers[name] = value
   end
   turn = 0
   ok, other, hits = 0, 0, 0
end

function request()
   turn = turn + 1
   return wrk.format("GET", paths[(turn - 1) % #paths + 1], headers)
end

function response(status, response_headers, body)
   if status >= 200 and status < 300 then
      ok = ok + 1
   else
      other = other + 1
   end
   if response_headers["X-Cache"] == "hit" then
      hits = hits + 1
   end
end

function done(summary, latency, requests)
   local counts = { ok = 0, other = 0, hits = 0 }
   for _, thread in ipairs(threads) do
      for name, _ in pairs(counts) do
         counts[name] = counts[name] + thread:get(name)
      end
   end
   local quantiles = {}
   for i = 1, 199 do
      -- 0.5%, 1%, ... 99.5%: enough to merge slices into one distribution afterwards
      table.insert(quantiles, string.format("%d", latency:percentile(i / 2)))
   end
   io.write(string.format(
      'WRK_JSON {"requests": %d, "seconds": %.6f, "connect_errors": %d, "read_errors": %d, '
         .. '"write_errors": %d, "timeouts": %d, "non_2xx": %d, "ok": %d, "hits": %d, '
         .. '"p50_us": %d, "p99_us": %d, "max_us": %d, "quantiles_us": [%s]}\n',
      summary.requests, summary.duration / 1e6, summary.errors.connect, summary.errors.read,
      summary.errors.write, summary.errors.timeout, counts.other, counts.ok, counts.hits,
      latency:percentile(50), latency:percentile(99), latency.max, table.concat(quantiles, ", ")
   ))
end

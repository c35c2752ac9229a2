-- wrk script: POST /v1/sanction-checks for a subject with a dishonest-debtor
-- record, the key from the CREDENCE_KEY environment variable.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("CREDENCE_KEY")
wrk.body = '{"uscc": "91330100799655058B", "matter": "government_procurement", "as_of": "2026-03-02"}'

local errors = 0
response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("non-200: %d\n", summary.errors.status))
end

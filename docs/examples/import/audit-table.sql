-- An audit table of the common shape, as many teams log decisions today, with the awkward rows
-- an import meets: a non-JSON input, a null output, an unreadable time, text that is not UTF-8,
-- metadata that is not an object, and the same request logged twice.
-- sqlite3 audit.db < audit-table.sql
CREATE TABLE audit_log (
    request_id    TEXT NOT NULL,
    timestamp     TEXT NOT NULL,
    model_name    TEXT NOT NULL,
    model_version TEXT NOT NULL,
    input_data    TEXT,
    output_data   TEXT,
    user_id       TEXT,
    latency_ms    REAL,
    metadata      TEXT
);
INSERT INTO audit_log VALUES
  ('r-1001', '2026-11-20 08:00:01.120', 'loan-approval', '2.4.0', '{"income": 52000, "age": 41, "region": "north"}', '{"approved": true, "score": 0.82}', 'analyst_jane', 23.5, '{"endpoint": "/v1/score", "channel": "branch"}'),
  ('r-1002', '2026-11-20 08:00:02.004', 'loan-approval', '2.4.0', 'income=18000;age=23;region=south', '{"approved": false, "score": 0.31}', 'analyst_jane', 19.0, NULL),
  ('r-1003', '2026-11-20 08:00:03.500', 'loan-approval', '2.4.0', '{"income": 61000, "age": 52}', NULL, 'analyst_omar', 21.2, NULL),
  ('r-1004', 'yesterday', 'loan-approval', '2.4.0', '{"income": 30000, "age": 35}', '{"approved": true, "score": 0.66}', NULL, NULL, NULL),
  ('r-1005', '2026-11-20 08:00:05.000', 'loan-approval', '2.4.0', CAST(X'7B226E616D65223A2022E92022207D' AS TEXT), '{"approved": true, "score": 0.71}', 'analyst_omar', 25.0, NULL),
  ('r-1006', '2026-11-20 08:00:06.000', 'loan-approval', '2.4.1', '{"income": 45000, "age": 29}', '{"approved": true, "score": 0.77}', 'analyst_jane', 18.4, '[1, 2]'),
  ('r-1007', '2026-11-20 08:00:07.250', 'loan-approval', '2.4.1', '{"income": 75000, "age": 38, "email": "lee.chan@example.com"}', '{"approved": true, "score": 0.93}', 'analyst_omar', 22.0, '{"endpoint": "/v1/score"}'),
  ('r-1001', '2026-11-20 08:00:09.000', 'loan-approval', '2.4.0', '{"income": 52000, "age": 41, "region": "north"}', '{"approved": true, "score": 0.82}', 'analyst_jane', 23.5, NULL);

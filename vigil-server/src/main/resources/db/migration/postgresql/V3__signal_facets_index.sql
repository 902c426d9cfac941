-- The signals explorer counts facets over the latest matching signals; this index covers that scan
-- (severity, status, rule, tactic by recency) so it never reads the wide signal rows.
CREATE INDEX signals_facets ON signals (last_seen, id, severity, status, rule_id, tactic);

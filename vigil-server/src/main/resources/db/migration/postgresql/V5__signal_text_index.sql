-- Free-text signal search (PostgreSQL dialect; ../sqlite/V5__signal_text_index.sql is the twin and says why).
-- pg_trgm's GIN index answers LIKE '%...%' on search_text from trigrams. pg_trgm ships with PostgreSQL
-- (Debian's postgresql package; "contrib" elsewhere) and is a trusted extension, so a database owner
-- may create it. Where it cannot be created the store still works and the search scans, as before;
-- the notice says why.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm is not available (%): free-text signal search will scan the signals', SQLERRM;
END
$$;

-- The operator class is named with the extension's schema, which need not be the store's.
DO $$
DECLARE
    trgm name;
BEGIN
    SELECT n.nspname INTO trgm FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = 'pg_trgm';
    IF trgm IS NOT NULL THEN
        EXECUTE format('CREATE INDEX signals_search_text ON signals USING gin (search_text %I.gin_trgm_ops)', trgm);
    END IF;
END
$$;

-- Postgres' migration 0015 gives code columns the "C" collation. SQLite
-- compares text byte by byte already (BINARY): nothing to do.
SELECT 1;

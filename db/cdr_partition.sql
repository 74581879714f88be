-- Turn the "cdr" table into one partitioned by month, without touching the
-- writer: it only ever names "cdr" and its columns, and its duplicate check
-- (INSERT ... ON CONFLICT DO NOTHING) works per partition because a replayed
-- record carries the same start_time, which is part of the primary key.
--
--   tools/pg.sh psql DIR -d tandem -f db/cdr_partition.sql   (or psql -f)
--
-- Run it in a quiet hour: it copies the existing rows.  Then create next
-- month's partition ahead of time, e.g. monthly from cron:
--   SELECT cdr_add_month(now() + interval '1 month');
-- Records for a month without a partition land in cdr_default, so the writer
-- never fails for a forgotten month.
BEGIN;
ALTER TABLE cdr RENAME TO cdr_unpartitioned;
ALTER INDEX cdr_pkey RENAME TO cdr_unpartitioned_pkey;
ALTER INDEX cdr_start_time_idx RENAME TO cdr_unpartitioned_start_time_idx;
ALTER INDEX cdr_ingress_trunk_idx RENAME TO cdr_unpartitioned_ingress_trunk_idx;
ALTER INDEX cdr_egress_trunk_idx RENAME TO cdr_unpartitioned_egress_trunk_idx;
ALTER INDEX cdr_calling_in_idx RENAME TO cdr_unpartitioned_calling_in_idx;
ALTER INDEX cdr_called_in_idx RENAME TO cdr_unpartitioned_called_in_idx;
ALTER INDEX cdr_sip_call_id_idx RENAME TO cdr_unpartitioned_sip_call_id_idx;

CREATE TABLE cdr (LIKE cdr_unpartitioned INCLUDING ALL) PARTITION BY RANGE (start_time);
CREATE TABLE cdr_default PARTITION OF cdr DEFAULT;

-- Partition bounds are UTC month starts, whatever the session's zone.
CREATE FUNCTION cdr_add_month(t timestamptz) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	m timestamp := date_trunc('month', t AT TIME ZONE 'UTC');
	name text := 'cdr_' || to_char(m, 'YYYY_MM');
BEGIN
	EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF cdr FOR VALUES FROM (%L) TO (%L)',
		       name, m AT TIME ZONE 'UTC', (m + interval '1 month') AT TIME ZONE 'UTC');
	RETURN name;
END $$;

SELECT cdr_add_month(now() - interval '1 month');
SELECT cdr_add_month(now());
SELECT cdr_add_month(now() + interval '1 month');

INSERT INTO cdr (call_id, start_time, answer_time, end_time, calling_in, calling_in_nai,
		 called_in, called_in_nai, calling_out, calling_out_nai, called_out,
		 called_out_nai, ingress_trunk, egress_trunk, route, cic, opc, dpc, sip_call_id,
		 cause, cause_location, released_by, codec, transcoded, pdd_ms, instance,
		 inserted_at)
SELECT call_id, start_time, answer_time, end_time, calling_in, calling_in_nai, called_in,
       called_in_nai, calling_out, calling_out_nai, called_out, called_out_nai,
       ingress_trunk, egress_trunk, route, cic, opc, dpc, sip_call_id, cause,
       cause_location, released_by, codec, transcoded, pdd_ms, instance, inserted_at
FROM cdr_unpartitioned;
DROP TABLE cdr_unpartitioned;
COMMIT;

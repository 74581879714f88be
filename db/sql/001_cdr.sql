-- Tandem CDR schema, migration 1: one row per call attempt.
--
-- tandemd applies migrations in order at start (and on every reconnect) and
-- records each in cdr_schema_version; a database whose version is newer than
-- the binary knows is refused.  The writer names only the table "cdr" and
-- the columns below, so an operator can turn "cdr" into a table partitioned
-- by month (doc/cdr.md) without changing the writer.

CREATE TABLE cdr_schema_version (
	version integer PRIMARY KEY,
	description text NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cdr (
	-- A replayed record carries the same call id and start time, so the
	-- key below still catches duplicates once start_time is the partition key.
	call_id uuid NOT NULL,
	start_time timestamptz(3) NOT NULL,
	answer_time timestamptz(3),
	end_time timestamptz(3) NOT NULL,
	-- setup: seizure to answer (to release when unanswered); talk: answer to release
	setup_ms integer GENERATED ALWAYS AS (
		(extract(epoch FROM (coalesce(answer_time, end_time) - start_time)) * 1000)::integer) STORED,
	talk_ms integer GENERATED ALWAYS AS (
		coalesce((extract(epoch FROM (end_time - answer_time)) * 1000)::integer, 0)) STORED,
	-- numbers as received on ingress and as sent on egress, with their
	-- Q.763 nature of address (NULL when the side had none, e.g. plain SIP)
	calling_in varchar(64),
	calling_in_nai smallint CHECK (calling_in_nai BETWEEN 0 AND 127),
	called_in varchar(64),
	called_in_nai smallint CHECK (called_in_nai BETWEEN 0 AND 127),
	calling_out varchar(64),
	calling_out_nai smallint CHECK (calling_out_nai BETWEEN 0 AND 127),
	called_out varchar(64),
	called_out_nai smallint CHECK (called_out_nai BETWEEN 0 AND 127),
	ingress_trunk varchar(64),
	egress_trunk varchar(64),
	route varchar(64),
	cic integer CHECK (cic BETWEEN 0 AND 65535),
	opc integer CHECK (opc BETWEEN 0 AND 16777215),
	dpc integer CHECK (dpc BETWEEN 0 AND 16777215),
	sip_call_id varchar(255),
	-- Q.850 cause and location of the release, and which side released first
	cause smallint CHECK (cause BETWEEN 0 AND 127),
	cause_location smallint CHECK (cause_location BETWEEN 0 AND 15),
	released_by varchar(8) CHECK (released_by IN ('calling', 'called', 'tandemd')),
	codec varchar(32),
	transcoded boolean,
	pdd_ms integer CHECK (pdd_ms >= 0),
	instance varchar(64) NOT NULL,
	inserted_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (call_id, start_time),
	CHECK (end_time >= start_time),
	CHECK (answer_time IS NULL OR answer_time BETWEEN start_time AND end_time)
);

-- What billing queries filter on: a time range, alone or with a trunk or a number.
CREATE INDEX cdr_start_time_idx ON cdr (start_time);
CREATE INDEX cdr_ingress_trunk_idx ON cdr (ingress_trunk, start_time);
CREATE INDEX cdr_egress_trunk_idx ON cdr (egress_trunk, start_time);
CREATE INDEX cdr_calling_in_idx ON cdr (calling_in, start_time);
CREATE INDEX cdr_called_in_idx ON cdr (called_in, start_time);
CREATE INDEX cdr_sip_call_id_idx ON cdr (sip_call_id);

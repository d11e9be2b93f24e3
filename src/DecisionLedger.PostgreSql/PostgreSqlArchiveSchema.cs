namespace DecisionLedger.PostgreSql;

/// <summary>
/// Migration 10, the archive part of the schema: the append-only <c>archived_ranges</c> and
/// <c>dropped_partitions</c> tables, the entries trigger that lets exactly one kind of row go (a
/// decision inside a recorded archived range, removed by the sanctioned function), and the two
/// SECURITY DEFINER functions the application role archives through.
/// </summary>
/// <remarks>
/// <para>How the bodies leave. <c>entries</c> is partitioned by month (migration 1), and event entries
/// share the months with decisions but never leave the live store. <c>remove_archived_bodies</c>
/// therefore works per partition the removed range touches:</para>
/// <list type="bullet">
/// <item>a month whose every decision lies in a recorded archived range is <b>swapped</b>: the
/// partition is detached, a fresh partition for the same month is created and given the month's
/// event entries (byte for byte, so their leaves do not change), and the old partition is dropped,
/// which gives its disk space back at once; the swap is logged in <c>dropped_partitions</c>;</item>
/// <item>a month the range covers only in part (it straddles the range's boundary, or holds
/// decisions that are not due yet) keeps its partition: its archived decisions are deleted row by
/// row, which the entries trigger allows only inside this function and only for decisions in a
/// recorded range. When a later run covers the rest of the month, the partition is swapped then.</item>
/// </list>
/// <para>Leaf hashes stay in the level-0 tiles (a range is only recorded when a stored tile holds
/// its last seq), checkpoints and <c>request_ids</c> are never touched, so the tree, its proofs and
/// request-id deduplication are unchanged. Neither function takes a caller's word for anything: the
/// range must end before its <c>archived</c> event entry, inside the stored tiles, and overlap no
/// other range, and removal only touches seqs of a recorded range.</para>
/// </remarks>
internal static class PostgreSqlArchiveSchema
{
    /// <summary>The session setting the removal function sets (transaction-local) while it deletes; the entries trigger checks it.</summary>
    public const string RemovalSetting = "decisionledger.archive_removal";

    /// <summary>The DDL of migration 10 for a quoted schema identifier.</summary>
    public static string Sql(string s)
    {
        string u = s.Trim('"');
        return $$"""
            CREATE TABLE IF NOT EXISTS {{s}}.archived_ranges(
                first_seq bigint PRIMARY KEY,
                last_seq bigint NOT NULL,
                event_seq bigint NOT NULL,
                destination text NOT NULL,
                removed_rows bigint NOT NULL DEFAULT 0,
                recorded_at timestamptz NOT NULL DEFAULT now(),
                CHECK (first_seq >= 0 AND last_seq >= first_seq AND event_seq > last_seq));
            CREATE TABLE IF NOT EXISTS {{s}}.dropped_partitions(
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                partition_name text NOT NULL,
                bounds text NOT NULL,
                first_seq bigint NOT NULL,
                last_seq bigint NOT NULL,
                decisions bigint NOT NULL,
                events_kept bigint NOT NULL,
                dropped_at timestamptz NOT NULL DEFAULT now());
            CREATE OR REPLACE FUNCTION {{s}}.refuse_archived_range_change() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                -- removed_rows only grows (the removal adds what it took); nothing else of a range changes.
                IF TG_OP = 'UPDATE' AND NEW.removed_rows >= OLD.removed_rows
                    AND (to_jsonb(NEW) - 'removed_rows') = (to_jsonb(OLD) - 'removed_rows') THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION 'DecisionLedger: % is append-only; % refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END $f$;
            CREATE OR REPLACE TRIGGER archived_ranges_append_only BEFORE UPDATE OR DELETE ON {{s}}.archived_ranges
                FOR EACH ROW EXECUTE FUNCTION {{s}}.refuse_archived_range_change();
            CREATE OR REPLACE TRIGGER archived_ranges_no_truncate BEFORE TRUNCATE ON {{s}}.archived_ranges
                FOR EACH STATEMENT EXECUTE FUNCTION {{s}}.refuse_change();
            CREATE OR REPLACE TRIGGER dropped_partitions_append_only BEFORE UPDATE OR DELETE ON {{s}}.dropped_partitions
                FOR EACH ROW EXECUTE FUNCTION {{s}}.refuse_change();
            CREATE OR REPLACE TRIGGER dropped_partitions_no_truncate BEFORE TRUNCATE ON {{s}}.dropped_partitions
                FOR EACH STATEMENT EXECUTE FUNCTION {{s}}.refuse_change();
            CREATE OR REPLACE FUNCTION {{s}}.refuse_entry_change() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                -- Erasure clearing an entry's input fingerprint, an index column outside the hashed entry.
                IF TG_OP = 'UPDATE' AND NEW.fingerprint IS NULL
                    AND (to_jsonb(NEW) - 'fingerprint') = (to_jsonb(OLD) - 'fingerprint') THEN
                    RETURN NEW;
                END IF;
                -- Archiving: a decision inside a recorded archived range, deleted by remove_archived_bodies
                -- (which sets the transaction-local flag). Event entries and every other row stay.
                IF TG_OP = 'DELETE' AND OLD.kind = 'decision'
                    AND current_setting('{{RemovalSetting}}', true) = '{{u}}'
                    AND EXISTS (SELECT 1 FROM {{s}}.archived_ranges a WHERE OLD.seq BETWEEN a.first_seq AND a.last_seq) THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION 'DecisionLedger: % is append-only; % refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END $f$;
            CREATE OR REPLACE FUNCTION {{s}}.record_archived_range(p_first bigint, p_last bigint, p_event bigint, p_destination text) RETURNS boolean
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
            DECLARE
                existing record;
                event_kind text;
            BEGIN
                LOCK TABLE {{s}}.archived_ranges IN SHARE ROW EXCLUSIVE MODE;
                SELECT * INTO existing FROM {{s}}.archived_ranges a
                    WHERE a.first_seq <= p_last AND p_first <= a.last_seq ORDER BY a.first_seq LIMIT 1;
                IF FOUND THEN
                    IF existing.first_seq = p_first AND existing.last_seq = p_last AND existing.event_seq = p_event THEN
                        RETURN false;
                    END IF;
                    RAISE EXCEPTION 'DecisionLedger: range: seqs %…% overlap the archived range %…% (archived event seq %); a seq is archived once.',
                        p_first, p_last, existing.first_seq, existing.last_seq, existing.event_seq USING ERRCODE = 'invalid_parameter_value';
                END IF;
                IF p_first < 0 OR p_last < p_first THEN
                    RAISE EXCEPTION 'DecisionLedger: range: first seq % and last seq % do not make a range.', p_first, p_last
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
                SELECT e.kind INTO event_kind FROM {{s}}.entries e WHERE e.seq = p_event;
                IF event_kind IS DISTINCT FROM 'archived' OR p_event <= p_last THEN
                    RAISE EXCEPTION 'DecisionLedger: range.eventSeq: seq % is not an ''archived'' event entry after the range %…%; record the archived event first.',
                        p_event, p_first, p_last USING ERRCODE = 'invalid_parameter_value';
                END IF;
                -- The leaves of removed rows must stay: only seqs inside a stored level-0 tile may leave.
                IF NOT EXISTS (SELECT 1 FROM {{s}}.tiles t WHERE t.level = 0 AND t.idx = p_last / 256) THEN
                    RAISE EXCEPTION 'DecisionLedger: range: seq % lies in no stored level-0 tile, so its leaf would leave with it; archive only seqs under a signed checkpoint''s full tiles.',
                        p_last USING ERRCODE = 'invalid_parameter_value';
                END IF;
                INSERT INTO {{s}}.archived_ranges(first_seq, last_seq, event_seq, destination) VALUES (p_first, p_last, p_event, p_destination);
                RETURN true;
            END $f$;
            REVOKE ALL ON FUNCTION {{s}}.record_archived_range(bigint, bigint, bigint, text) FROM PUBLIC;
            {{RemoveArchivedBodiesSql(s)}}
            DO $g$
            DECLARE
                grantee_name text;
            BEGIN
                -- Roles that already append (granted before this migration) may archive through the functions too.
                FOR grantee_name IN
                    SELECT DISTINCT grantee FROM information_schema.role_table_grants
                    WHERE table_schema = '{{u}}' AND table_name = 'entries' AND privilege_type = 'INSERT'
                        AND grantee <> current_user
                LOOP
                    EXECUTE format('GRANT SELECT ON %I.archived_ranges, %I.dropped_partitions TO %I', '{{u}}', '{{u}}', grantee_name);
                    EXECUTE format('GRANT EXECUTE ON FUNCTION %I.record_archived_range(bigint, bigint, bigint, text) TO %I', '{{u}}', grantee_name);
                    EXECUTE format('GRANT EXECUTE ON FUNCTION %I.remove_archived_bodies(bigint, bigint) TO %I', '{{u}}', grantee_name);
                END LOOP;
            END $g$;
            """;
    }

    /// <summary>
    /// The <c>remove_archived_bodies</c> function (migration 10, replaced by migration 11, which made it
    /// keep the chain keys of the decisions it removes in <c>archived_chain_keys</c>). PL/pgSQL resolves
    /// tables when the function runs, so migration 10 may create it before the table exists.
    /// </summary>
    public static string RemoveArchivedBodiesSql(string s)
    {
        string u = s.Trim('"');
        return $$"""
            CREATE OR REPLACE FUNCTION {{s}}.remove_archived_bodies(p_first bigint, p_last bigint) RETURNS bigint
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
            DECLARE
                covering record;
                parts oid[];
                counts bigint[];
                part_oid oid;
                part_name text;
                part_bounds text;
                retired text;
                uncovered bigint;
                decisions bigint;
                events bigint;
                low bigint;
                high bigint;
                deleted bigint;
                removed bigint := 0;
            BEGIN
                SELECT * INTO covering FROM {{s}}.archived_ranges a WHERE a.first_seq <= p_first AND p_last <= a.last_seq FOR UPDATE;
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'DecisionLedger: firstSeq/lastSeq: no archived range covers seqs %…%; record the range (after its archived event) before removing bodies.',
                        p_first, p_last USING ERRCODE = 'invalid_parameter_value';
                END IF;
                PERFORM set_config('{{RemovalSetting}}', '{{u}}', true);
                DELETE FROM {{s}}.inputs i WHERE i.seq BETWEEN p_first AND p_last
                    AND EXISTS (SELECT 1 FROM {{s}}.entries e WHERE e.seq = i.seq AND e.kind = 'decision');
                -- The chain keys stay (migration 11): the heads map of an entry-format-2 ledger counts every decision, archived or live.
                INSERT INTO {{s}}.archived_chain_keys(seq, subject_id, model)
                    SELECT e.seq, e.subject_id, coalesce(e.model, '') FROM {{s}}.entries e
                    WHERE e.seq BETWEEN p_first AND p_last AND e.kind = 'decision'
                    ON CONFLICT (seq) DO NOTHING;

                -- Whole months: a partition whose every decision is archived is swapped for one holding its events only.
                -- (Collected first: a table cannot be altered while a loop's query over it is open.)
                SELECT array_agg(x.oid ORDER BY x.oid), array_agg(x.n ORDER BY x.oid) INTO parts, counts FROM (
                    SELECT e.tableoid AS oid, count(*) AS n FROM {{s}}.entries e
                    WHERE e.seq BETWEEN p_first AND p_last AND e.kind = 'decision' GROUP BY e.tableoid) x;
                FOR i IN 1 .. coalesce(array_length(parts, 1), 0) LOOP
                    part_oid := parts[i];
                    EXECUTE format(
                        'SELECT count(*) FILTER (WHERE p.kind = ''decision'' AND NOT EXISTS (SELECT 1 FROM %s.archived_ranges a WHERE p.seq BETWEEN a.first_seq AND a.last_seq)), '
                        || 'count(*) FILTER (WHERE p.kind = ''decision''), count(*) FILTER (WHERE p.kind <> ''decision''), '
                        || 'min(p.seq) FILTER (WHERE p.kind = ''decision''), max(p.seq) FILTER (WHERE p.kind = ''decision'') FROM %s p',
                        '{{s}}', part_oid::regclass)
                        INTO uncovered, decisions, events, low, high;
                    CONTINUE WHEN uncovered > 0;
                    SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) INTO part_name, part_bounds FROM pg_class c WHERE c.oid = part_oid;
                    retired := left(part_name, 50) || '_archived';
                    EXECUTE format('ALTER TABLE %s.entries DETACH PARTITION %I.%I', '{{s}}', '{{u}}', part_name);
                    EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', '{{u}}', part_name, retired);
                    EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s.entries %s', '{{u}}', part_name, '{{s}}', part_bounds);
                    EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN body SET STATISTICS 0, ALTER COLUMN leaf_hash SET STATISTICS 0, ALTER COLUMN request_id SET STATISTICS 0',
                        '{{u}}', part_name);
                    EXECUTE format('INSERT INTO %s.entries ({{PostgreSqlSchema.EntryColumns}}) SELECT {{PostgreSqlSchema.EntryColumns}} FROM %I.%I WHERE kind <> ''decision'' ORDER BY seq',
                        '{{s}}', '{{u}}', retired);
                    -- Each range is credited with its own rows (an earlier run's range may still have rows here).
                    EXECUTE format(
                        'UPDATE %s.archived_ranges a SET removed_rows = a.removed_rows + x.n FROM ('
                        || 'SELECT r.first_seq, count(*) AS n FROM %I.%I p JOIN %s.archived_ranges r ON p.seq BETWEEN r.first_seq AND r.last_seq '
                        || 'WHERE p.kind = ''decision'' GROUP BY r.first_seq) x WHERE a.first_seq = x.first_seq',
                        '{{s}}', '{{u}}', retired, '{{s}}');
                    -- The month may still hold decisions of an earlier range: their chain keys stay too.
                    EXECUTE format('INSERT INTO %s.archived_chain_keys(seq, subject_id, model) SELECT seq, subject_id, coalesce(model, '''') FROM %I.%I WHERE kind = ''decision'' ON CONFLICT (seq) DO NOTHING',
                        '{{s}}', '{{u}}', retired);
                    INSERT INTO {{s}}.dropped_partitions(partition_name, bounds, first_seq, last_seq, decisions, events_kept)
                        VALUES (part_name, part_bounds, low, high, decisions, events);
                    EXECUTE format('DROP TABLE %I.%I', '{{u}}', retired);
                    removed := removed + counts[i];
                END LOOP;

                -- Months the ranges cover only in part: the sanctioned row deletion.
                DELETE FROM {{s}}.entries e WHERE e.seq BETWEEN p_first AND p_last AND e.kind = 'decision';
                GET DIAGNOSTICS deleted = ROW_COUNT;
                UPDATE {{s}}.archived_ranges SET removed_rows = removed_rows + deleted WHERE first_seq = covering.first_seq;
                RETURN removed + deleted;
            END $f$;
            REVOKE ALL ON FUNCTION {{s}}.remove_archived_bodies(bigint, bigint) FROM PUBLIC;
            """;
    }
}

using System.Text.RegularExpressions;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// The ledger's tables in PostgreSQL, as an ordered list of migrations, and the names the store
/// and the migrator share.
/// </summary>
/// <remarks>
/// Layout, and why:
/// <list type="bullet">
/// <item><c>entries</c> is partitioned by month on <c>ts</c> so retention detaches or drops whole
/// months instead of deleting rows. A unique index on a partitioned table must contain the
/// partition key, so neither <c>seq</c> nor <c>request_id</c> can be unique there on its own.</item>
/// <item><c>request_ids</c> (not partitioned) makes both unique across the whole ledger: its
/// primary key is the request id and <c>seq</c> has its own unique index. It also answers
/// "does this request id exist" and "what is the next seq" from small indexes, and keeps
/// deduplicating request ids after old partitions are dropped.</item>
/// <item>Each query filter leads an index ending in <c>seq</c> (model+version+seq, user+seq,
/// tenant+seq, subject+seq), so "newest first, LIMIT n" walks one index backwards per partition;
/// fingerprints are random 64-character hex, so they get a hash index (4-byte keys, no
/// page splits) instead of a b-tree.</item>
/// <item>Row triggers refuse UPDATE and DELETE on entries, request ids, tiles and checkpoints
/// even for the owner (one exception since migration 5: erasure, through the SECURITY DEFINER
/// function <c>erase_input_traces</c>, clears an entry's input fingerprint, which no hash
/// covers); statement triggers refuse TRUNCATE. The application role is further
/// limited by its grants (see <see cref="PostgreSqlLedgerMigrator"/>).</item>
/// <item>The indexed text columns (model, version, user, tenant, subject, request id) use the
/// "C" collation (migration 3): the ledger only compares them for equality, and under the
/// database's locale every b-tree insert compared them with <c>strcoll</c>, which made the
/// model, user, tenant and subject indexes cost more server CPU than the rest of the append
/// together. Equality means the same under every deterministic collation, so no query changes.</item>
/// <item>Entry bodies, leaf hashes, entry request ids and stored inputs have no planner statistics
/// (migration 4): no query filters on them in SQL, and auto-ANALYZE of a growing partition spent
/// a fifth of the server's CPU sorting their ~1 KB values.</item>
/// <item><c>subjects</c> (migration 7) maps a clear subject id to the random ref entry-v2 rows carry
/// in their subject column; erasure deletes the row, after which nothing in the ledger links the
/// person to an entry. Its rows are written in the append's transaction.</item>
/// <item><c>checkpoint_attestations</c> (migration 8) keeps what outsiders said about a signed
/// checkpoint (witness cosignatures, RFC 3161 tokens), append-only like the checkpoints, one per
/// (tree size, kind, source).</item>
/// <item><c>field_paths</c> is the field catalog for <c>--where</c> (model, path), filled in each
/// append's transaction and backfilled from stored entries by the migration that creates it.</item>
/// <item><c>archived_ranges</c> and <c>dropped_partitions</c> (migration 10) record what archiving moved
/// out; the entries trigger then lets exactly those decision rows go, and a month whose decisions are
/// all archived is swapped for a partition holding its event entries only (see <see cref="PostgreSqlArchiveSchema"/>).</item>
/// <item>Partitions are created by <c>ensure_entry_partitions</c>, a SECURITY DEFINER function
/// owned by the owner role: the application role may call it but cannot create tables.</item>
/// </list>
/// </remarks>
internal static partial class PostgreSqlSchema
{
    /// <summary>The default schema (namespace) the ledger's tables live in.</summary>
    public const string DefaultSchema = "decisionledger";

    /// <summary>The columns every entry query selects, in the order <see cref="PostgreSqlRows.ReadEntry"/> reads them.</summary>
    public const string EntryColumns =
        "seq, request_id, ts, model, version, user_id, tenant, subject_id, fingerprint, kind, leaf_hash, body";

    /// <summary>Every migration, in order; the last one's version is the version this code reads and writes.</summary>
    public static readonly IReadOnlyList<PostgreSqlMigration> Migrations =
    [
        new(1, "ledger tables, monthly entry partitions, append-only triggers", s => $$"""
            CREATE TABLE IF NOT EXISTS {{s}}.entries(
                seq bigint NOT NULL,
                request_id text NOT NULL,
                ts timestamptz NOT NULL,
                model text,
                version text,
                user_id text,
                tenant text,
                subject_id text,
                fingerprint text,
                kind text NOT NULL,
                leaf_hash bytea NOT NULL,
                body bytea NOT NULL,
                PRIMARY KEY (seq, ts)) PARTITION BY RANGE (ts);
            CREATE INDEX IF NOT EXISTS ix_entries_model ON {{s}}.entries(model, version, seq);
            CREATE INDEX IF NOT EXISTS ix_entries_user ON {{s}}.entries(user_id, seq);
            CREATE INDEX IF NOT EXISTS ix_entries_tenant ON {{s}}.entries(tenant, seq);
            CREATE INDEX IF NOT EXISTS ix_entries_subject ON {{s}}.entries(subject_id, seq);
            CREATE INDEX IF NOT EXISTS ix_entries_fingerprint ON {{s}}.entries USING hash (fingerprint);
            CREATE INDEX IF NOT EXISTS ix_entries_ts ON {{s}}.entries(ts);
            CREATE INDEX IF NOT EXISTS ix_entries_event_kind ON {{s}}.entries(kind, seq) WHERE kind <> 'decision';
            CREATE TABLE IF NOT EXISTS {{s}}.request_ids(
                request_id text PRIMARY KEY,
                seq bigint NOT NULL UNIQUE,
                ts timestamptz NOT NULL);
            CREATE TABLE IF NOT EXISTS {{s}}.inputs(
                seq bigint PRIMARY KEY,
                salt bytea,
                input bytea);
            CREATE TABLE IF NOT EXISTS {{s}}.subject_keys(
                subject_id text PRIMARY KEY,
                wrapped_key bytea NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE IF NOT EXISTS {{s}}.tiles(
                level integer NOT NULL,
                idx bigint NOT NULL,
                data bytea NOT NULL,
                PRIMARY KEY (level, idx));
            CREATE TABLE IF NOT EXISTS {{s}}.checkpoints(
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                tree_size bigint NOT NULL,
                root bytea NOT NULL,
                note text NOT NULL,
                created_at timestamptz NOT NULL);
            CREATE OR REPLACE FUNCTION {{s}}.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                RAISE EXCEPTION 'DecisionLedger: % is append-only; % refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END $f$;
            CREATE OR REPLACE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON {{s}}.entries
                FOR EACH ROW EXECUTE FUNCTION {{s}}.refuse_change();
            CREATE OR REPLACE TRIGGER entries_no_truncate BEFORE TRUNCATE ON {{s}}.entries
                FOR EACH STATEMENT EXECUTE FUNCTION {{s}}.refuse_change();
            CREATE OR REPLACE TRIGGER request_ids_append_only BEFORE UPDATE OR DELETE ON {{s}}.request_ids
                FOR EACH ROW EXECUTE FUNCTION {{s}}.refuse_change();
            CREATE OR REPLACE TRIGGER request_ids_no_truncate BEFORE TRUNCATE ON {{s}}.request_ids
                FOR EACH STATEMENT EXECUTE FUNCTION {{s}}.refuse_change();
            CREATE OR REPLACE TRIGGER tiles_append_only BEFORE UPDATE OR DELETE ON {{s}}.tiles
                FOR EACH ROW EXECUTE FUNCTION {{s}}.refuse_change();
            CREATE OR REPLACE TRIGGER tiles_no_truncate BEFORE TRUNCATE ON {{s}}.tiles
                FOR EACH STATEMENT EXECUTE FUNCTION {{s}}.refuse_change();
            CREATE OR REPLACE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON {{s}}.checkpoints
                FOR EACH ROW EXECUTE FUNCTION {{s}}.refuse_change();
            CREATE OR REPLACE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON {{s}}.checkpoints
                FOR EACH STATEMENT EXECUTE FUNCTION {{s}}.refuse_change();
            CREATE OR REPLACE FUNCTION {{s}}.ensure_entry_partitions(from_ts timestamptz, to_ts timestamptz) RETURNS integer
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
            DECLARE
                month_start timestamp := date_trunc('month', from_ts AT TIME ZONE 'UTC');
                last_month timestamp := date_trunc('month', to_ts AT TIME ZONE 'UTC');
                partition_name text;
                created integer := 0;
            BEGIN
                IF last_month - month_start > interval '25 years' THEN
                    RAISE EXCEPTION 'DecisionLedger: refusing to create partitions from % to %: more than 25 years apart', from_ts, to_ts
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
                WHILE month_start <= last_month LOOP
                    partition_name := 'entries_' || to_char(month_start, 'YYYYMM');
                    IF to_regclass(format('%I.%I', '{{s.Trim('"')}}', partition_name)) IS NULL THEN
                        EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.entries FOR VALUES FROM (%L) TO (%L)',
                            '{{s.Trim('"')}}', partition_name, '{{s.Trim('"')}}',
                            (month_start AT TIME ZONE 'UTC')::text, ((month_start + interval '1 month') AT TIME ZONE 'UTC')::text);
                        created := created + 1;
                    END IF;
                    month_start := month_start + interval '1 month';
                END LOOP;
                RETURN created;
            END $f$;
            REVOKE ALL ON FUNCTION {{s}}.ensure_entry_partitions(timestamptz, timestamptz) FROM PUBLIC;
            """),
        new(2, "field catalog (field_paths) for --where, backfilled from stored entries", s => $$"""
            CREATE TABLE IF NOT EXISTS {{s}}.field_paths(
                model text NOT NULL,
                path text NOT NULL,
                PRIMARY KEY (model, path));
            DO $g$
            DECLARE
                grantee_name text;
            BEGIN
                -- Roles that already append (granted before this table existed) may fill the catalog too.
                FOR grantee_name IN
                    SELECT DISTINCT grantee FROM information_schema.role_table_grants
                    WHERE table_schema = '{{s.Trim('"')}}' AND table_name = 'entries' AND privilege_type = 'INSERT'
                        AND grantee <> current_user
                LOOP
                    EXECUTE format('GRANT SELECT, INSERT ON %I.field_paths TO %I', '{{s.Trim('"')}}', grantee_name);
                END LOOP;
            END $g$;
            """, PostgreSqlFieldCatalog.BackfillAsync),
        new(3, "byte-order (\"C\") collation on the indexed text columns: index maintenance without locale comparisons", s => $$"""
            ALTER TABLE {{s}}.entries
                ALTER COLUMN model TYPE text COLLATE "C",
                ALTER COLUMN version TYPE text COLLATE "C",
                ALTER COLUMN user_id TYPE text COLLATE "C",
                ALTER COLUMN tenant TYPE text COLLATE "C",
                ALTER COLUMN subject_id TYPE text COLLATE "C";
            ALTER TABLE {{s}}.request_ids ALTER COLUMN request_id TYPE text COLLATE "C";
            """),
        new(4, "no planner statistics on entry bodies, hashes and stored inputs (auto-ANALYZE sorted ~1 KB values no query filters on)", s => $$"""
            ALTER TABLE {{s}}.entries
                ALTER COLUMN body SET STATISTICS 0,
                ALTER COLUMN leaf_hash SET STATISTICS 0,
                ALTER COLUMN request_id SET STATISTICS 0;
            ALTER TABLE {{s}}.inputs
                ALTER COLUMN salt SET STATISTICS 0,
                ALTER COLUMN input SET STATISTICS 0;
            CREATE OR REPLACE FUNCTION {{s}}.ensure_entry_partitions(from_ts timestamptz, to_ts timestamptz) RETURNS integer
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
            DECLARE
                month_start timestamp := date_trunc('month', from_ts AT TIME ZONE 'UTC');
                last_month timestamp := date_trunc('month', to_ts AT TIME ZONE 'UTC');
                partition_name text;
                created integer := 0;
            BEGIN
                IF last_month - month_start > interval '25 years' THEN
                    RAISE EXCEPTION 'DecisionLedger: refusing to create partitions from % to %: more than 25 years apart', from_ts, to_ts
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
                WHILE month_start <= last_month LOOP
                    partition_name := 'entries_' || to_char(month_start, 'YYYYMM');
                    IF to_regclass(format('%I.%I', '{{s.Trim('"')}}', partition_name)) IS NULL THEN
                        EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.entries FOR VALUES FROM (%L) TO (%L)',
                            '{{s.Trim('"')}}', partition_name, '{{s.Trim('"')}}',
                            (month_start AT TIME ZONE 'UTC')::text, ((month_start + interval '1 month') AT TIME ZONE 'UTC')::text);
                        -- A new partition does not inherit the parent's statistics targets.
                        EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN body SET STATISTICS 0, ALTER COLUMN leaf_hash SET STATISTICS 0, ALTER COLUMN request_id SET STATISTICS 0',
                            '{{s.Trim('"')}}', partition_name);
                        created := created + 1;
                    END IF;
                    month_start := month_start + interval '1 month';
                END LOOP;
                RETURN created;
            END $f$;
            """),
        new(5, "erasure clears input fingerprints and forgets catalog paths only erased inputs held (erase_input_traces)", s => $$"""
            CREATE OR REPLACE FUNCTION {{s}}.refuse_entry_change() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                -- The one change an entry row allows: erasure clearing its input fingerprint, an
                -- index column outside the hashed entry. Every other column must stay as it was.
                IF TG_OP = 'UPDATE' AND NEW.fingerprint IS NULL
                    AND (to_jsonb(NEW) - 'fingerprint') = (to_jsonb(OLD) - 'fingerprint') THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION 'DecisionLedger: % is append-only; % refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END $f$;
            CREATE OR REPLACE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON {{s}}.entries
                FOR EACH ROW EXECUTE FUNCTION {{s}}.refuse_entry_change();
            CREATE OR REPLACE FUNCTION {{s}}.erase_input_traces(erased_seqs bigint[], forget_models text[], forget_paths text[]) RETURNS integer
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
            DECLARE
                cleared integer;
            BEGIN
                UPDATE {{s}}.entries SET fingerprint = NULL WHERE seq = ANY(erased_seqs) AND fingerprint IS NOT NULL;
                GET DIAGNOSTICS cleared = ROW_COUNT;
                DELETE FROM {{s}}.field_paths f USING unnest(forget_models, forget_paths) AS p(model, path)
                    WHERE f.model = p.model AND f.path = p.path;
                RETURN cleared;
            END $f$;
            REVOKE ALL ON FUNCTION {{s}}.erase_input_traces(bigint[], text[], text[]) FROM PUBLIC;
            DO $g$
            DECLARE
                grantee_name text;
            BEGIN
                -- Roles that already erase inputs (granted before this function existed) may clear their traces too.
                FOR grantee_name IN
                    SELECT DISTINCT grantee FROM information_schema.role_table_grants
                    WHERE table_schema = '{{s.Trim('"')}}' AND table_name = 'inputs' AND privilege_type = 'DELETE'
                        AND grantee <> current_user
                LOOP
                    EXECUTE format('GRANT EXECUTE ON FUNCTION %I.erase_input_traces(bigint[], text[], text[]) TO %I', '{{s.Trim('"')}}', grantee_name);
                END LOOP;
            END $g$;
            """),
        new(6, "clean_close: the tree size the last recorder closed the ledger cleanly at, so a tail appended later without a checkpoint is reported as entry-uncovered", s => $$"""
            CREATE TABLE IF NOT EXISTS {{s}}.clean_close(
                id integer PRIMARY KEY CHECK (id = 0),
                tree_size bigint NOT NULL);
            DO $g$
            DECLARE
                grantee_name text;
            BEGIN
                -- Roles that already append (granted before this table existed) record and clear the fact too.
                FOR grantee_name IN
                    SELECT DISTINCT grantee FROM information_schema.role_table_grants
                    WHERE table_schema = '{{s.Trim('"')}}' AND table_name = 'entries' AND privilege_type = 'INSERT'
                        AND grantee <> current_user
                LOOP
                    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I.clean_close TO %I', '{{s.Trim('"')}}', grantee_name);
                END LOOP;
            END $g$;
            """),
        new(7, "subjects: the entry-v2 mapping from a clear subject id to the random ref its entries carry, deleted by erasure", s => $$"""
            CREATE TABLE IF NOT EXISTS {{s}}.subjects(
                subject_id text COLLATE "C" PRIMARY KEY,
                ref text COLLATE "C" NOT NULL UNIQUE,
                created_at timestamptz NOT NULL DEFAULT now());
            DO $g$
            DECLARE
                grantee_name text;
            BEGIN
                -- Roles that already keep subject keys (granted before this table existed) keep and erase mappings too.
                FOR grantee_name IN
                    SELECT DISTINCT grantee FROM information_schema.role_table_grants
                    WHERE table_schema = '{{s.Trim('"')}}' AND table_name = 'subject_keys' AND privilege_type = 'DELETE'
                        AND grantee <> current_user
                LOOP
                    EXECUTE format('GRANT SELECT, INSERT, DELETE ON %I.subjects TO %I', '{{s.Trim('"')}}', grantee_name);
                END LOOP;
            END $g$;
            """),
        new(8, "checkpoint_attestations: witness cosignatures and time-stamp tokens of signed checkpoints, append-only", s => $$"""
            CREATE TABLE IF NOT EXISTS {{s}}.checkpoint_attestations(
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                tree_size bigint NOT NULL,
                root bytea NOT NULL,
                kind smallint NOT NULL,
                source text COLLATE "C" NOT NULL,
                value bytea NOT NULL,
                obtained_at timestamptz NOT NULL,
                UNIQUE (tree_size, kind, source));
            CREATE OR REPLACE TRIGGER checkpoint_attestations_append_only BEFORE UPDATE OR DELETE ON {{s}}.checkpoint_attestations
                FOR EACH ROW EXECUTE FUNCTION {{s}}.refuse_change();
            CREATE OR REPLACE TRIGGER checkpoint_attestations_no_truncate BEFORE TRUNCATE ON {{s}}.checkpoint_attestations
                FOR EACH STATEMENT EXECUTE FUNCTION {{s}}.refuse_change();
            DO $g$
            DECLARE
                grantee_name text;
            BEGIN
                -- Roles that already store checkpoints (granted before this table existed) store their attestations too.
                FOR grantee_name IN
                    SELECT DISTINCT grantee FROM information_schema.role_table_grants
                    WHERE table_schema = '{{s.Trim('"')}}' AND table_name = 'checkpoints' AND privilege_type = 'INSERT'
                        AND grantee <> current_user
                LOOP
                    EXECUTE format('GRANT SELECT, INSERT ON %I.checkpoint_attestations TO %I', '{{s.Trim('"')}}', grantee_name);
                    EXECUTE format('GRANT USAGE ON SEQUENCE %I.checkpoint_attestations_id_seq TO %I', '{{s.Trim('"')}}', grantee_name);
                END LOOP;
            END $g$;
            """),
        new(10, "archiving: archived_ranges and dropped_partitions, the sanctioned removal of archived decision rows (whole months swapped and dropped, the rest deleted row by row) through record_archived_range and remove_archived_bodies", PostgreSqlArchiveSchema.Sql),
        new(11, "archived_chain_keys: the subject and model of every archived decision, kept by remove_archived_bodies so the chain heads of an entry-format-2 ledger still count it", PostgreSqlArchivedChainKeysSchema.Sql),
    ];

    /// <summary>The schema version this code reads and writes.</summary>
    public static int Version => Migrations[^1].Version;

    /// <summary>Returns the schema name quoted as an identifier.</summary>
    /// <exception cref="ArgumentException">The name is not a plain lowercase identifier.</exception>
    public static string Quote(string schema)
    {
        Validate(schema, nameof(schema));
        return "\"" + schema + "\"";
    }

    /// <summary>Checks a schema or role name is a plain lowercase identifier (so quoting it is trivial and safe).</summary>
    /// <exception cref="ArgumentException">The name is empty, too long, or has other characters.</exception>
    public static void Validate(string name, string field)
    {
        if (string.IsNullOrEmpty(name) || !Identifier().IsMatch(name))
        {
            throw new ArgumentException(
                $"{field}: '{name}' is not a valid PostgreSQL name here; use 1 to 63 characters a-z, 0-9 or '_', starting with a letter or '_' (e.g. 'decisionledger').",
                field);
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}

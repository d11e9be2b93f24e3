namespace DecisionLedger.PostgreSql;

/// <summary>
/// Migration 11: <c>archived_chain_keys</c>, the subject and model of every decision
/// <c>remove_archived_bodies</c> removed, written by that function in the removal's transaction.
/// </summary>
/// <remarks>
/// The chain heads of an entry-format-2 ledger (last seq and count per subject and per model) are read
/// from the store by the recorder when it starts, and by completeness proofs. Before this migration they
/// were read from <c>entries</c> alone, so after archiving the next recorder committed a <c>heads</c>
/// entry and <c>prev</c> links that left the archived decisions out, and verification failed. The table
/// is append-only. Keys of decisions archived before the migration are not recovered: that only matters
/// for an entry-format-2 ledger that archived before upgrading.
/// </remarks>
internal static class PostgreSqlArchivedChainKeysSchema
{
    /// <summary>The DDL of migration 11 for a quoted schema identifier.</summary>
    public static string Sql(string s)
    {
        string u = s.Trim('"');
        return $$"""
            CREATE TABLE IF NOT EXISTS {{s}}.archived_chain_keys(
                seq bigint PRIMARY KEY,
                subject_id text COLLATE "C",
                model text COLLATE "C" NOT NULL);
            CREATE OR REPLACE TRIGGER archived_chain_keys_append_only BEFORE UPDATE OR DELETE ON {{s}}.archived_chain_keys
                FOR EACH ROW EXECUTE FUNCTION {{s}}.refuse_change();
            CREATE OR REPLACE TRIGGER archived_chain_keys_no_truncate BEFORE TRUNCATE ON {{s}}.archived_chain_keys
                FOR EACH STATEMENT EXECUTE FUNCTION {{s}}.refuse_change();
            {{PostgreSqlArchiveSchema.RemoveArchivedBodiesSql(s)}}
            DO $g$
            DECLARE
                grantee_name text;
            BEGIN
                -- Roles that already archive (granted before this table existed) read the chain keys too.
                FOR grantee_name IN
                    SELECT DISTINCT grantee FROM information_schema.role_table_grants
                    WHERE table_schema = '{{u}}' AND table_name = 'archived_ranges' AND privilege_type = 'SELECT'
                        AND grantee <> current_user
                LOOP
                    EXECUTE format('GRANT SELECT ON %I.archived_chain_keys TO %I', '{{u}}', grantee_name);
                END LOOP;
            END $g$;
            """;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DecisionLedger.Checkpoints;
using DecisionLedger.Erasure;
using DecisionLedger.Cli.Output;
using DecisionLedger.Hashing;
using DecisionLedger.Ledger;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;
using Spectre.Console;

namespace DecisionLedger.Cli.Commands;

/// <summary><c>show ID|--seq N</c>: one decision with its explanation, redactions, stored input and proof status.</summary>
internal sealed class ShowCommand(CommandContext context)
{
    private readonly Argument<string?> _id = new("ID")
    {
        Description = "The decision's requestId.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<long?> _seq = new("--seq") { Description = "The entry's seq instead of its requestId.", HelpName = "N" };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("show", "Show one decision with its explanation, redactions, stored input and proof status.") { _id, _seq };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        string? id = parsed.GetValue(_id);
        long? seq = parsed.GetValue(_seq);
        if ((id is null) == (seq is null))
        {
            throw new CliException(ExitCodes.BadInput, "ID: pass either a requestId or --seq N (exactly one of them).");
        }

        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: false, cancellationToken);
        await using Archiving.ArchiveBackedLedgerStore store = await ArchiveView.OpenAsync(session, cancellationToken);
        try
        {
            return await ShowAsync(parsed, session, store, id, seq, cancellationToken);
        }
        catch (Archiving.ArchiveIntegrityException e)
        {
            throw ArchiveView.Untrusted(e);
        }
    }

    // The store is the archive view: an archived seq is read from its archive file, its proof from the live tiles.
    private async Task<int> ShowAsync(ParseResult parsed, LedgerSession session, ILedgerStore store, string? id, long? seq, CancellationToken cancellationToken)
    {
        StoredEntry entry = (seq is { } s
                ? await store.GetEntryAsync(s, cancellationToken)
                : await store.FindByRequestIdAsync(id!, cancellationToken))
            ?? throw new CliException(ExitCodes.BadInput, seq is { } missing
                ? (ArchiveView.ExpiredMessage(store, missing) is { } expired ? $"--seq: {expired}" : $"--seq: no entry {seq} in {session.Directory.Path}; the ledger holds seq 0 to {await session.Store.GetSizeAsync(cancellationToken) - 1}.")
                : NoSuchRequestId(id!, session.Directory.Path));

        StoredInput? input = await store.GetInputAsync(entry.Seq, cancellationToken);
        bool encrypted = false;
        if (input is not null && Encryption.InputEncryption.IsEncrypted(input.Input))
        {
            input = await DecryptAsync(session, entry, input, cancellationToken);
            encrypted = input is null;
        }
        bool isDecision = string.Equals(entry.Columns.Kind, EntryColumns.DecisionKind, StringComparison.Ordinal);
        long? erasedAt = input is null && isDecision && entry.Columns.SubjectId is { } subject
            ? await SubjectEraser.FindErasureAsync(store, subject, entry.Seq, cancellationToken)
            : null;

        ProofStatus proof = await CheckProofAsync(session, store, entry, cancellationToken);

        if (context.Json(parsed))
        {
            await JsonOutput.WriteAsync(context.Environment.Out, json => WriteJson(json, entry, input, encrypted, erasedAt, proof), cancellationToken);
        }
        else
        {
            WriteHuman(HumanConsole.Create(context.Environment), entry, input, encrypted, erasedAt, proof);
        }

        return proof.State == ProofState.Failed ? ExitCodes.VerificationFailed : ExitCodes.Ok;
    }

    // A bare integer is far more often a seq someone read off 'query' or the demo than a requestId.
    private static string NoSuchRequestId(string id, string ledgerPath) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long seq)
            ? $"ID: no decision with requestId '{id}' in {ledgerPath}; did you mean --seq {seq}? (show takes a requestId unless --seq is given)"
            : $"ID: no decision with requestId '{id}' in {ledgerPath}; check the id, or use 'dledger query' to find it.";

    // Null when no master key is set or the subject's key is gone: the input stays encrypted.
    private static async Task<StoredInput?> DecryptAsync(LedgerSession session, StoredEntry entry, StoredInput input, CancellationToken cancellationToken)
    {
        if (Encryption.MasterKey.FromEnvironment() is not { } master || entry.Columns.SubjectId is not { } subject)
        {
            return null;
        }

        IReadOnlyDictionary<string, byte[]> keys = await session.Store.GetSubjectKeysAsync([subject], cancellationToken);
        if (!keys.TryGetValue(subject, out byte[]? wrapped))
        {
            return null;
        }

        return Encryption.InputEncryption.TryDecrypt(master.Unwrap(subject, wrapped), input, out StoredInput? plain)
            ? plain
            : throw new CliException(ExitCodes.VerificationFailed, $"--seq {entry.Seq}: the encrypted stored input does not decrypt under the key of subject '{subject}': it was altered or moved from another entry.");
    }

    private static async Task<ProofStatus> CheckProofAsync(LedgerSession session, ILedgerStore store, StoredEntry entry, CancellationToken cancellationToken)
    {
        Sha256Hash leaf = MerkleHasher.HashLeaf(entry.CanonicalBytes);
        if (leaf != entry.LeafHash)
        {
            return new ProofStatus(ProofState.Failed, null, null, null, "the entry's content does not match its stored leaf hash (content changed)");
        }

        StoredCheckpoint? latest = await session.Store.GetLatestCheckpointAsync(cancellationToken);
        if (latest is null || entry.Seq >= latest.TreeSize)
        {
            return new ProofStatus(ProofState.NotCheckpointed, null, null, null, "not yet checkpointed");
        }

        Checkpoint checkpoint;
        try
        {
            checkpoint = CheckpointNote.Open(latest.SignedNote, session.Verifier, session.Origin);
        }
        catch (NoteVerificationException exception)
        {
            return new ProofStatus(ProofState.Failed, latest.TreeSize, null, null, $"the checkpoint of size {latest.TreeSize} does not verify: {exception.Message}");
        }

        using var prover = new LedgerProver(store);
        InclusionProof proof = await prover.ProveInclusionAsync(entry.Seq, checkpoint.Size, cancellationToken);
        bool verified = proof.LeafHash == leaf && proof.Verify(checkpoint.RootHash);
        return verified
            ? new ProofStatus(ProofState.Verified, checkpoint.Size, checkpoint.RootHash, proof, $"included in checkpoint of size {checkpoint.Size}; inclusion proof verified against the signed root")
            : new ProofStatus(ProofState.Failed, checkpoint.Size, checkpoint.RootHash, proof, $"the inclusion proof does not reach the signed root of checkpoint {checkpoint.Size}");
    }

    private static void WriteJson(Utf8JsonWriter json, StoredEntry entry, StoredInput? input, bool encrypted, long? erasedAt, ProofStatus proof)
    {
        json.WriteStartObject();
        json.WriteNumber("seq", entry.Seq);
        json.WriteString("requestId", entry.Columns.RequestId);
        json.WriteString("leafHash", entry.LeafHash.ToBase64());
        json.WritePropertyName("entry");
        json.WriteRawValue(entry.CanonicalBytes, skipInputValidation: false);
        json.WriteString("kind", entry.Columns.Kind);
        json.WriteBoolean("inputHeld", input is not null || encrypted);
        json.WriteBoolean("inputEncrypted", encrypted);
        if (erasedAt is { } erasureSeq)
        {
            json.WriteNumber("inputErasedAt", erasureSeq);
        }

        if (input is not null)
        {
            json.WriteString("salt", Convert.ToBase64String(input.Salt));
            json.WritePropertyName("input");
            json.WriteRawValue(input.Input, skipInputValidation: false);
        }
        else
        {
            json.WriteNull("input");
        }

        json.WriteStartObject("proof");
        json.WriteString("status", proof.State switch
        {
            ProofState.Verified => "verified",
            ProofState.NotCheckpointed => "not-checkpointed",
            _ => "failed",
        });
        json.WriteString("detail", proof.Detail);
        if (proof.TreeSize is { } size)
        {
            json.WriteNumber("treeSize", size);
        }

        if (proof.Root is { } root)
        {
            json.WriteString("rootHash", root.ToBase64());
        }

        if (proof.Inclusion is { } inclusion)
        {
            json.WritePropertyName("inclusion");
            ProofCommand.WriteInclusion(json, inclusion);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteHuman(IAnsiConsole console, StoredEntry entry, StoredInput? input, bool encrypted, long? erasedAt, ProofStatus proof)
    {
        using JsonDocument document = JsonDocument.Parse(entry.CanonicalBytes);
        JsonElement root = document.RootElement;
        if (!string.Equals(entry.Columns.Kind, EntryColumns.DecisionKind, StringComparison.Ordinal))
        {
            console.WriteLine($"Ledger event seq {entry.Seq} ({entry.Columns.Kind})  requestId {entry.Columns.RequestId}");
            console.WriteLine($"  subject    {entry.Columns.SubjectId ?? "-"}");
            console.WriteLine($"  leaf hash  {entry.LeafHash.ToBase64()}");
            console.WriteLine();
            console.WriteLine("Entry (canonical JSON, as stored):");
            console.WriteLine(JsonOutput.Pretty(entry.CanonicalBytes));
            console.WriteLine();
            console.WriteLine($"Proof: {proof.Detail}");
            return;
        }

        console.WriteLine($"Decision seq {entry.Seq}  requestId {entry.Columns.RequestId}");
        console.WriteLine($"  model      {entry.Columns.ModelName} {entry.Columns.ModelVersion}");
        console.WriteLine($"  timestamp  {entry.Columns.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)}");
        console.WriteLine($"  actor      {entry.Columns.UserId ?? "-"} ({entry.Columns.Tenant ?? "no tenant"})");
        console.WriteLine($"  subject    {entry.Columns.SubjectId ?? "-"}");
        console.WriteLine($"  leaf hash  {entry.LeafHash.ToBase64()}");
        console.WriteLine();
        console.WriteLine("Entry (canonical JSON, as stored):");
        console.WriteLine(JsonOutput.Pretty(entry.CanonicalBytes));

        if (root.TryGetProperty("explanation", out JsonElement explanation) && explanation.ValueKind == JsonValueKind.Object)
        {
            string method = explanation.TryGetProperty("method", out JsonElement m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "unspecified";
            string baseValue = explanation.TryGetProperty("baseValue", out JsonElement b) && b.ValueKind == JsonValueKind.Number ? b.GetRawText() : "-";
            console.WriteLine();
            console.WriteLine($"Explanation: {method}, base value {baseValue}");
            if (explanation.TryGetProperty("attributions", out JsonElement attributions) && attributions.ValueKind == JsonValueKind.Object)
            {
                var table = new Table().AddColumn("feature").AddColumn(new TableColumn("attribution").RightAligned());
                foreach (JsonProperty attribution in attributions.EnumerateObject().OrderByDescending(a => Math.Abs(a.Value.GetDouble())))
                {
                    table.AddRow(Markup.Escape(attribution.Name), attribution.Value.GetRawText());
                }

                console.Write(table);
            }
        }

        console.WriteLine();
        if (root.TryGetProperty("redactions", out JsonElement redactions) && redactions.ValueKind == JsonValueKind.Array && redactions.GetArrayLength() > 0)
        {
            console.WriteLine("Redactions applied before hashing:");
            foreach (JsonElement redaction in redactions.EnumerateArray())
            {
                console.WriteLine($"  {Field(redaction, "path")}  rule {Field(redaction, "rule")}  operator {Field(redaction, "operator")}");
            }
        }
        else
        {
            console.WriteLine("Redactions: none");
        }

        console.WriteLine();
        if (encrypted)
        {
            console.WriteLine($"Stored input: encrypted; set {Encryption.MasterKey.EnvironmentVariable} to show it");
        }
        else if (input is null && erasedAt is { } erasureSeq)
        {
            console.WriteLine($"Stored input: input erased (seq {erasureSeq}); the entry keeps only its salted digest, which can no longer be checked");
        }
        else if (input is null)
        {
            console.WriteLine("Stored input: not held (the entry keeps only its salted digest)");
        }
        else
        {
            console.WriteLine($"Stored input (salt {Convert.ToBase64String(input.Salt)}):");
            console.WriteLine(JsonOutput.Pretty(input.Input));
        }

        console.WriteLine();
        console.WriteLine($"Proof: {proof.Detail}");
        if (proof.Root is { } rootHash)
        {
            console.WriteLine($"  signed root {rootHash.ToBase64()}");
        }
    }

    private static string Field(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) ? value.ToString() : "-";
}

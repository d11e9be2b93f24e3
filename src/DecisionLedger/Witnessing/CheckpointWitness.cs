using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Witnessing;

/// <summary>
/// The decisions of a C2SP tlog-witness (c2sp.org/tlog-witness): checks an <c>add-checkpoint</c>
/// request against the logs it knows and the checkpoint it last cosigned, and cosigns it or
/// answers with the status code the spec gives for each failure.
/// </summary>
/// <remarks>Thread-safe: concurrent requests for one origin are serialized by the state store's compare-and-swap.</remarks>
public sealed class CheckpointWitness
{
    private const string PlainText = "text/plain; charset=utf-8";
    private const string SizeContentType = "text/x.tlog.size";

    private readonly WitnessSigner _signer;
    private readonly Dictionary<string, NoteVerifier[]> _logsByOrigin;
    private readonly Dictionary<string, string> _originsByHash;
    private readonly IWitnessStateStore _state;
    private readonly TimeProvider _time;

    /// <summary>Creates a witness.</summary>
    /// <param name="signer">The witness's key.</param>
    /// <param name="logs">The log keys it witnesses; each key's name is the log's origin.</param>
    /// <param name="state">Where the latest cosigned checkpoint per origin is kept.</param>
    /// <param name="time">The clock for cosignature timestamps.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public CheckpointWitness(WitnessSigner signer, IEnumerable<NoteVerifier> logs, IWitnessStateStore state, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(logs);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(time);
        _signer = signer;
        _state = state;
        _time = time;
        _logsByOrigin = logs.GroupBy(l => l.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        _originsByHash = _logsByOrigin.Keys.ToDictionary(OriginHash, o => o, StringComparer.Ordinal);
    }

    /// <summary>The lowercase hex SHA-256 of an origin: the path segment of the monitoring endpoint.</summary>
    /// <param name="origin">The log origin.</param>
    /// <returns>64 lowercase hex digits.</returns>
    public static string OriginHash(string origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(origin)));
    }

    /// <summary>Handles one <c>add-checkpoint</c> request body.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="cancellationToken">Cancels the state read or write.</param>
    /// <returns>
    /// 200 with the cosignature line; 400 for a malformed body or an old size above the checkpoint
    /// size; 404 for an unknown origin; 403 when no trusted log signature verifies; 409 (body: the
    /// witness's size) when the old size is not the size it last cosigned; 422 when the consistency
    /// proof does not verify, a same-size checkpoint has another root (a fork), or a size-0
    /// checkpoint has a non-empty root.
    /// </returns>
    public async ValueTask<WitnessResponse> AddCheckpointAsync(string body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        AddCheckpointRequest request;
        SignedNote note;
        Checkpoint checkpoint;
        try
        {
            request = AddCheckpointRequest.Parse(body);
            note = SignedNoteFormat.Parse(request.CheckpointNote);
            checkpoint = Checkpoint.ParseBody(note.Text);
        }
        catch (FormatException e)
        {
            return Text(400, $"The add-checkpoint request is malformed: {e.Message}");
        }

        if (!_logsByOrigin.TryGetValue(checkpoint.Origin, out NoteVerifier[]? logKeys))
        {
            return Text(404, $"This witness does not know the log '{checkpoint.Origin}'.");
        }

        try
        {
            SignedNoteFormat.Open(request.CheckpointNote, logKeys);
        }
        catch (NoteVerificationException e)
        {
            return Text(403, $"The checkpoint is not signed by a trusted key of '{checkpoint.Origin}': {e.Message}");
        }

        if (request.OldSize > checkpoint.Size)
        {
            return Text(400, $"The old size {request.OldSize} is larger than the checkpoint size {checkpoint.Size}.");
        }

        WitnessedCheckpoint? latest = await _state.GetLatestAsync(checkpoint.Origin, cancellationToken).ConfigureAwait(false);
        if (request.OldSize != (latest?.Size ?? 0))
        {
            return SizeConflict(latest);
        }

        if (Inconsistency(request, checkpoint, latest) is { } problem)
        {
            return Text(422, problem);
        }

        string cosignature = _signer.Cosign(note.Text, _time.GetUtcNow());
        var next = new WitnessedCheckpoint(checkpoint.Origin, checkpoint.Size, checkpoint.RootHash, request.CheckpointNote + cosignature);
        if (!await _state.TryAdvanceAsync(latest, next, cancellationToken).ConfigureAwait(false))
        {
            // Another request advanced the log between our read and our write; the client must
            // retry from the size that request left, which is what 409 tells it.
            return SizeConflict(await _state.GetLatestAsync(checkpoint.Origin, cancellationToken).ConfigureAwait(false));
        }

        return new WitnessResponse(200, cosignature, PlainText);
    }

    /// <summary>The latest cosigned checkpoint of the log whose origin hashes to <paramref name="originHash"/>, for monitors.</summary>
    /// <param name="originHash">Lowercase hex SHA-256 of the origin.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>200 with the cosigned note, or 404 when the log is unknown or was never cosigned.</returns>
    public async ValueTask<WitnessResponse> GetCheckpointAsync(string originHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(originHash);
        if (!_originsByHash.TryGetValue(originHash, out string? origin))
        {
            return Text(404, "This witness knows no log whose origin hashes to that value.");
        }

        WitnessedCheckpoint? latest = await _state.GetLatestAsync(origin, cancellationToken).ConfigureAwait(false);
        return latest is null
            ? Text(404, $"This witness has not cosigned a checkpoint of '{origin}' yet.")
            : new WitnessResponse(200, latest.CosignedNote, PlainText);
    }

    private static string? Inconsistency(AddCheckpointRequest request, Checkpoint checkpoint, WitnessedCheckpoint? latest)
    {
        if (checkpoint.Size == 0 && checkpoint.RootHash != MerkleHasher.EmptyRoot)
        {
            return "A checkpoint of size 0 must have the root hash of the empty tree.";
        }

        if (request.OldSize == 0)
        {
            return request.ConsistencyProof.Count == 0
                ? null
                : $"The consistency proof must be empty when the old size is 0; it has {request.ConsistencyProof.Count} lines.";
        }

        Sha256Hash oldRoot = latest!.RootHash;
        if (request.OldSize == checkpoint.Size)
        {
            if (oldRoot != checkpoint.RootHash)
            {
                return $"The checkpoint has the size {checkpoint.Size} this witness already cosigned, but a different root hash ({checkpoint.RootHash.ToBase64()} instead of {oldRoot.ToBase64()}): the log has forked.";
            }

            return request.ConsistencyProof.Count == 0
                ? null
                : $"The consistency proof must be empty when the old size equals the checkpoint size; it has {request.ConsistencyProof.Count} lines.";
        }

        return MerkleProofVerifier.VerifyConsistency(request.OldSize, checkpoint.Size, oldRoot, checkpoint.RootHash, request.ConsistencyProof)
            ? null
            : $"The consistency proof from size {request.OldSize} to {checkpoint.Size} does not verify against the root this witness cosigned at size {request.OldSize}.";
    }

    private static WitnessResponse SizeConflict(WitnessedCheckpoint? latest) =>
        new(409, (latest?.Size ?? 0).ToString(CultureInfo.InvariantCulture) + "\n", SizeContentType);

    private static WitnessResponse Text(int status, string message) => new(status, message + "\n", PlainText);
}

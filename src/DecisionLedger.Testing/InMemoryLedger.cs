using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Verification;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Testing;

/// <summary>
/// A whole ledger in memory for a unit test: an <see cref="InMemoryLedgerStore"/>, a signing key and a
/// fingerprint key derived from a seed, and a recorder on them in one call. What a test records can be
/// read back from <see cref="Store"/> and verified with <see cref="VerifyAsync"/>.
/// </summary>
/// <remarks>
/// Keys come from <see cref="SeededRandomSource"/>, so the same seed gives the same keys, checkpoints and
/// hashes in every run (pass a <c>FakeTimeProvider</c> to <see cref="StartRecorderAsync"/> for fixed
/// timestamps too). Never use these keys outside tests: anyone with the seed can sign.
/// </remarks>
public sealed class InMemoryLedger
{
    /// <summary>The origin line checkpoints carry unless another is given.</summary>
    public const string DefaultOrigin = "decisionledger.test/ledger";

    private readonly int _seed;
    private int _recordersStarted;

    /// <summary>Creates an empty ledger with keys derived from <paramref name="seed"/>.</summary>
    /// <param name="seed">Derives the signing and fingerprint keys, salts and request ids; default 42.</param>
    /// <param name="origin">The checkpoint origin, a single non-empty line; default <see cref="DefaultOrigin"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="origin"/> is empty or spans lines.</exception>
    public InMemoryLedger(int seed = 42, string origin = DefaultOrigin)
    {
        if (string.IsNullOrWhiteSpace(origin) || origin.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException($"origin: '{origin}' is not a non-empty single line such as '{DefaultOrigin}'.", nameof(origin));
        }

        _seed = seed;
        Origin = origin;
        var random = new SeededRandomSource(seed);
        Signer = Ed25519NoteSigner.Generate(origin, random);
        byte[] fingerprintKey = new byte[32];
        random.Fill(fingerprintKey);
        Fingerprinter = new InputFingerprinter(fingerprintKey);
    }

    /// <summary>The store every recorder of this ledger writes.</summary>
    public InMemoryLedgerStore Store { get; } = new();

    /// <summary>The checkpoint origin.</summary>
    public string Origin { get; }

    /// <summary>The ledger's checkpoint signer.</summary>
    public Ed25519NoteSigner Signer { get; }

    /// <summary>Checks this ledger's checkpoints: what an auditor holds.</summary>
    public NoteVerifier Verifier => Signer.Verifier;

    /// <summary>The input fingerprinter (HMAC key) of this ledger.</summary>
    public InputFingerprinter Fingerprinter { get; }

    /// <summary>
    /// Starts a recorder on <see cref="Store"/>, as a service would at start-up. Dispose it to flush and sign
    /// a final checkpoint; a second recorder started afterwards continues the same ledger.
    /// </summary>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>. Pass a <c>FakeTimeProvider</c> for fixed timestamps.</param>
    /// <param name="options">Recorder options; default <see cref="LedgerOptions"/> with <see cref="Origin"/>. Their origin must equal <see cref="Origin"/>.</param>
    /// <param name="loggerFactory">Logging, for example a <see cref="ListLoggerProvider"/>; default none.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The running recorder.</returns>
    /// <exception cref="ArgumentException"><paramref name="options"/> names another origin, or an option is invalid.</exception>
    public ValueTask<DecisionRecorder> StartRecorderAsync(
        TimeProvider? timeProvider = null,
        LedgerOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        // No linger by default: under a FakeTimeProvider a commit waiting for company would wait forever.
        options ??= new LedgerOptions { Origin = Origin, CommitLinger = TimeSpan.Zero };
        if (!string.Equals(options.Origin, Origin, StringComparison.Ordinal))
        {
            throw new ArgumentException($"options.Origin: '{options.Origin}' differs from this ledger's origin '{Origin}'; its checkpoints would not verify. Leave it unset or pass the same origin.", nameof(options));
        }

        // Each recorder gets its own seeded source: the same seed again would assign the request ids of the
        // previous recorder, which the ledger already holds. Still deterministic: the n-th start of a seed.
        var random = new SeededRandomSource(unchecked(_seed + (Interlocked.Increment(ref _recordersStarted) * 7919)));
        return DecisionRecorder.StartAsync(
            Store.Reopen(), Signer, Fingerprinter, options, timeProvider, random, loggerFactory, meterFactory: null, cancellationToken);
    }

    /// <summary>Verifies everything recorded so far: every entry, input, checkpoint signature and the tree between them.</summary>
    /// <param name="options">What to check; default everything.</param>
    /// <param name="cancellationToken">Cancels the verification.</param>
    /// <returns>The report; <see cref="VerificationReport.Passed"/> is true for an untouched ledger.</returns>
    public ValueTask<VerificationReport> VerifyAsync(VerificationOptions? options = null, CancellationToken cancellationToken = default) =>
        new LedgerVerifier().VerifyAsync(Store, Verifier, Origin, options, progress: null, cancellationToken);
}

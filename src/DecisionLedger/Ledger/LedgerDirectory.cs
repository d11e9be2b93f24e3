using System.Text.Json;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;
using DecisionLedger.Redaction;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Ledger;

/// <summary>
/// A ledger on disk: one directory holding the database, the signing key, the fingerprint
/// key and the configuration. Secret files are created with mode 0600.
/// </summary>
public sealed class LedgerDirectory
{
    /// <summary>The configuration file's name.</summary>
    public const string ConfigFileName = "ledger.json";

    /// <summary>The signer key file's name (the C2SP note signer key string).</summary>
    public const string SigningKeyFileName = "signing.key";

    /// <summary>The fingerprint key file's name (base64 of 32 random bytes).</summary>
    public const string FingerprintKeyFileName = "fingerprint.key";

    /// <summary>The redaction key file's name (base64 of 32 random bytes; keys the hash operator).</summary>
    public const string RedactionKeyFileName = "redaction.key";

    /// <summary>The optional redaction policy file's name; without it, privacy by default applies.</summary>
    public const string RedactionPolicyFileName = "redaction.json";

    /// <summary>The embedded SQLite database's file name.</summary>
    public const string DatabaseFileName = "ledger.db";

    private LedgerDirectory(string path, LedgerConfig config, Ed25519NoteSigner signer, byte[] fingerprintKey, byte[] redactionKey)
    {
        Path = path;
        Config = config;
        Signer = signer;
        FingerprintKey = fingerprintKey;
        RedactionKey = redactionKey;
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>The ledger's configuration (origin, format version).</summary>
    public LedgerConfig Config { get; }

    /// <summary>Signs the ledger's checkpoints.</summary>
    public Ed25519NoteSigner Signer { get; }

    /// <summary>The verifier key string auditors use: <c>name+keyid+base64key</c>.</summary>
    public string VerifierKey => Signer.VerifierKey;

    /// <summary>The HMAC key of input fingerprints.</summary>
    public byte[] FingerprintKey { get; }

    /// <summary>The HMAC key of the redaction hash operator (equal values stay joinable within this ledger).</summary>
    public byte[] RedactionKey { get; }

    /// <summary>The path of the redaction policy file (which may not exist).</summary>
    public string RedactionPolicyPath => System.IO.Path.Combine(Path, RedactionPolicyFileName);

    /// <summary>The path of the embedded database file.</summary>
    public string DatabasePath => System.IO.Path.Combine(Path, DatabaseFileName);

    /// <summary>Returns true when <paramref name="path"/> holds a ledger configuration.</summary>
    public static bool Exists(string path) => File.Exists(System.IO.Path.Combine(path, ConfigFileName));

    /// <summary>Creates a new ledger directory with a fresh Ed25519 key and fingerprint key.</summary>
    /// <param name="path">The directory; created if missing, must not already hold a ledger.</param>
    /// <param name="origin">The checkpoint origin, e.g. <c>decisionledger.example/fraud</c>.</param>
    /// <param name="random">Key material; default the OS CSPRNG.</param>
    /// <param name="encryptInputs">Whether recorders on this ledger encrypt stored inputs (<see cref="LedgerConfig.EncryptInputs"/>); default false.</param>
    /// <exception cref="ArgumentException">The origin is empty or not a single line.</exception>
    /// <exception cref="IOException">The path already holds a ledger, or cannot be written.</exception>
    public static LedgerDirectory Create(string path, string origin, IRandomSource? random = null, bool encryptInputs = false) =>
        Create(path, new LedgerConfig { Origin = origin, EncryptInputs = encryptInputs }, random);

    /// <summary>Creates a new ledger directory with a fresh Ed25519 key and fingerprint key, configured by <paramref name="config"/>.</summary>
    /// <param name="path">The directory; created if missing, must not already hold a ledger.</param>
    /// <param name="config">The origin, input encryption and entry format (<see cref="LedgerConfig.EntryFormat"/>); its layout version is ignored (the current one is written).</param>
    /// <param name="random">Key material; default the OS CSPRNG.</param>
    /// <exception cref="ArgumentException">The origin is empty or not a single line, or the entry format is not 1 or 2.</exception>
    /// <exception cref="IOException">The path already holds a ledger, or cannot be written.</exception>
    public static LedgerDirectory Create(string path, LedgerConfig config, IRandomSource? random)
    {
        ArgumentNullException.ThrowIfNull(config);
        string origin = config.Origin;
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(origin) || origin.Any(char.IsControl) || origin.Contains(' ', StringComparison.Ordinal))
        {
            throw new ArgumentException($"origin: '{origin}' is not a valid origin; use a non-empty name without spaces, such as 'decisionledger.example/fraud'.", nameof(config));
        }

        RequireEntryFormat(config.EntryFormat, "entryFormat");
        random ??= CryptographicRandomSource.Instance;
        string full = System.IO.Path.GetFullPath(path);
        if (Exists(full))
        {
            throw new IOException($"{full} already holds a ledger ({ConfigFileName} exists); choose another --ledger directory.");
        }

        CreateOwnerOnlyDirectory(full);
        var signer = Ed25519NoteSigner.Generate(KeyNameFor(origin), random);
        byte[] fingerprintKey = new byte[32];
        random.Fill(fingerprintKey);
        config = config with { FormatVersion = LedgerConfig.CurrentFormatVersion };

        WriteSecret(System.IO.Path.Combine(full, SigningKeyFileName), signer.SignerKey + "\n");
        WriteSecret(System.IO.Path.Combine(full, FingerprintKeyFileName), Convert.ToBase64String(fingerprintKey) + "\n");
        byte[] redactionKey = NewRedactionKey(full, random);
        WriteSecret(System.IO.Path.Combine(full, ConfigFileName), JsonSerializer.Serialize(config, LedgerConfigJsonContext.Default.LedgerConfig) + "\n");
        return new LedgerDirectory(full, config, signer, fingerprintKey, redactionKey);
    }

    /// <summary>Opens an existing ledger directory.</summary>
    /// <exception cref="DirectoryNotFoundException">There is no ledger at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">A file of the ledger is malformed.</exception>
    public static LedgerDirectory Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = System.IO.Path.GetFullPath(path);
        if (!Exists(full))
        {
            throw new DirectoryNotFoundException($"{full} holds no ledger ({ConfigFileName} missing); run 'dledger init --origin NAME --ledger {path}' first.");
        }

        LedgerConfig config;
        try
        {
            config = JsonSerializer.Deserialize(File.ReadAllText(System.IO.Path.Combine(full, ConfigFileName)), LedgerConfigJsonContext.Default.LedgerConfig)
                ?? throw new InvalidDataException("empty");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{System.IO.Path.Combine(full, ConfigFileName)}: not valid JSON ({ex.Message}).", ex);
        }

        RequireEntryFormat(config.EntryFormat, $"{System.IO.Path.Combine(full, ConfigFileName)}: entryFormat", data: true);
        Ed25519NoteSigner signer;
        try
        {
            signer = Ed25519NoteSigner.Parse(File.ReadAllText(System.IO.Path.Combine(full, SigningKeyFileName)).Trim());
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException($"{System.IO.Path.Combine(full, SigningKeyFileName)}: not a signer key ({ex.Message}).", ex);
        }

        byte[] fingerprintKey;
        try
        {
            fingerprintKey = Convert.FromBase64String(File.ReadAllText(System.IO.Path.Combine(full, FingerprintKeyFileName)).Trim());
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException($"{System.IO.Path.Combine(full, FingerprintKeyFileName)}: not base64 ({ex.Message}).", ex);
        }

        string redactionKeyPath = System.IO.Path.Combine(full, RedactionKeyFileName);
        byte[] redactionKey;
        try
        {
            // Ledgers made before redaction existed get their key on first open.
            redactionKey = File.Exists(redactionKeyPath)
                ? Convert.FromBase64String(File.ReadAllText(redactionKeyPath).Trim())
                : NewRedactionKey(full, CryptographicRandomSource.Instance);
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException($"{redactionKeyPath}: not base64 ({ex.Message}).", ex);
        }

        return new LedgerDirectory(full, config, signer, fingerprintKey, redactionKey);
    }

    /// <summary>Creates the fingerprinter for this ledger's key.</summary>
    public InputFingerprinter CreateFingerprinter() => new(FingerprintKey);

    /// <summary>
    /// Creates the ledger's redactor: the policy in <c>redaction.json</c> when present, otherwise
    /// privacy by default (every built-in detector, replace with a tag).
    /// </summary>
    /// <param name="logger">Where an explicit opt-out is logged.</param>
    /// <exception cref="RedactionPolicyException">The policy file is invalid (the message names the rule).</exception>
    public IRedactor CreateRedactor(ILogger? logger = null) =>
        RedactorFactory.Create(
            new RedactionOptions { PolicyFile = File.Exists(RedactionPolicyPath) ? RedactionPolicyPath : null },
            RedactionKey,
            logger);

    private static void RequireEntryFormat(int entryFormat, string field, bool data = false)
    {
        if (entryFormat is 1 or 2)
        {
            return;
        }

        string message = $"{field}: must be 1 (v1 entries) or 2 (v2 entries: pseudonymous subjects, chained history); got {entryFormat}.";
        throw data ? new InvalidDataException(message) : new ArgumentException(message, nameof(entryFormat));
    }

    private static byte[] NewRedactionKey(string directory, IRandomSource random)
    {
        byte[] key = new byte[32];
        random.Fill(key);
        WriteSecret(System.IO.Path.Combine(directory, RedactionKeyFileName), Convert.ToBase64String(key) + "\n");
        return key;
    }

    // Note key names may not contain '+' or spaces; the origin usually qualifies.
    private static string KeyNameFor(string origin) => origin.Replace('+', '-');

    // A directory created here is 0700: the database, its WAL and the keys are nobody else's
    // business, not even their names. A directory that already existed keeps the mode its owner chose.
    private static void CreateOwnerOnlyDirectory(string path)
    {
        if (OperatingSystem.IsWindows() || Directory.Exists(path))
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static void WriteSecret(string path, string contents)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(contents);
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DecisionLedger.Server.Auth;

/// <summary>
/// The collector's API keys in <c>api-keys.json</c> of the ledger directory. Keys are
/// <c>dl_&lt;id&gt;_&lt;secret&gt;</c>; only their SHA-256 is stored. The file is re-read when it
/// changes, so <c>dledger keys create|revoke</c> take effect on a running collector.
/// </summary>
public sealed class ApiKeyStore
{
    /// <summary>The key file's name inside the ledger directory.</summary>
    public const string FileName = "api-keys.json";

    private const string Prefix = "dl_";
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private (DateTime WriteTime, long Length) _loadedStamp;
    private Dictionary<string, ApiKeyRecord> _byId = new(StringComparer.Ordinal);

    /// <summary>Creates a store over <c>api-keys.json</c> in <paramref name="ledgerDirectory"/>; the file need not exist yet.</summary>
    /// <param name="ledgerDirectory">The ledger directory.</param>
    /// <param name="timeProvider">The clock of creation and revocation times; default the system clock.</param>
    public ApiKeyStore(string ledgerDirectory, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(ledgerDirectory);
        FilePath = Path.Combine(ledgerDirectory, FileName);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The key file's full path.</summary>
    public string FilePath { get; }

    /// <summary>Creates a key with <paramref name="role"/> and stores its hash.</summary>
    /// <param name="role">What the key may do.</param>
    /// <param name="name">A label for people (who holds the key); optional.</param>
    /// <returns>The key, which is shown only this once, and its record.</returns>
    public CreatedApiKey Create(ApiKeyRole role, string? name = null)
    {
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        string secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        string key = Prefix + id + "_" + secret;
        var record = new ApiKeyRecord(id, string.IsNullOrWhiteSpace(name) ? null : name, ApiKeyRoles.Name(role), Hash(key), _time.GetUtcNow(), null);
        lock (_gate)
        {
            List<ApiKeyRecord> keys = ReadFile();
            keys.Add(record);
            WriteFile(keys);
        }

        return new CreatedApiKey(key, record);
    }

    /// <summary>Revokes key <paramref name="id"/>; a revoked key is refused with 401 from then on.</summary>
    /// <param name="id">The key id (as printed by <c>keys list</c>), or the whole key.</param>
    /// <returns>The revoked record, or null when no key has that id. Revoking twice keeps the first time.</returns>
    public ApiKeyRecord? Revoke(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (TrySplit(id, out string keyId, out _))
        {
            id = keyId;
        }

        lock (_gate)
        {
            List<ApiKeyRecord> keys = ReadFile();
            int index = keys.FindIndex(k => string.Equals(k.Id, id, StringComparison.Ordinal));
            if (index < 0)
            {
                return null;
            }

            if (keys[index].Revoked is null)
            {
                keys[index] = keys[index] with { Revoked = _time.GetUtcNow() };
                WriteFile(keys);
            }

            return keys[index];
        }
    }

    /// <summary>Every key ever created, revoked ones included, oldest first.</summary>
    public IReadOnlyList<ApiKeyRecord> List()
    {
        lock (_gate)
        {
            return ReadFile();
        }
    }

    /// <summary>Finds the caller presenting <paramref name="key"/>.</summary>
    /// <param name="key">The key from the request; may be null.</param>
    /// <returns>The caller, or null for a missing, malformed, unknown or revoked key.</returns>
    internal ApiCaller? Authenticate(string? key)
    {
        if (key is null || !TrySplit(key, out string id, out _))
        {
            return null;
        }

        ApiKeyRecord? record;
        lock (_gate)
        {
            ReloadIfChanged();
            _byId.TryGetValue(id, out record);
        }

        if (record is null || record.Revoked is not null)
        {
            return null;
        }

        byte[] expected = Convert.FromHexString(record.Hash);
        byte[] actual = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            return null;
        }

        return new ApiCaller(record.Id, record.Name, ApiKeyRoles.Parse(record.Role));
    }

    /// <summary>The id part of a presented key, for logs; null when it has no <c>dl_&lt;id&gt;_</c> shape.</summary>
    /// <param name="key">The presented key; may be null.</param>
    public static string? IdOf(string? key) => key is not null && TrySplit(key, out string id, out _) ? id : null;

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static bool TrySplit(string key, out string id, out string secret)
    {
        id = secret = string.Empty;
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        int separator = key.IndexOf('_', Prefix.Length);
        if (separator <= Prefix.Length || separator == key.Length - 1)
        {
            return false;
        }

        id = key[Prefix.Length..separator];
        secret = key[(separator + 1)..];
        return true;
    }

    private void ReloadIfChanged()
    {
        var info = new FileInfo(FilePath);
        (DateTime, long) stamp = info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
        if (stamp == _loadedStamp && _byId.Count > 0)
        {
            return;
        }

        _byId = ReadFile().ToDictionary(k => k.Id, StringComparer.Ordinal);
        _loadedStamp = stamp;
    }

    private List<ApiKeyRecord> ReadFile()
    {
        if (!File.Exists(FilePath))
        {
            return [];
        }

        byte[] bytes = File.ReadAllBytes(FilePath);
        try
        {
            return JsonSerializer.Deserialize(bytes, ApiKeyJsonContext.Default.ApiKeyFile)?.Keys ?? [];
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{FilePath}: not a valid key file ({exception.Message}); restore it from a backup or delete it and create new keys.", exception);
        }
    }

    private void WriteFile(List<ApiKeyRecord> keys)
    {
        // Write a sibling and rename it over the file, so a reader never sees half a file.
        string temp = FilePath + ".tmp";
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(new ApiKeyFile(keys), ApiKeyJsonContext.Default.ApiKeyFile);
        var streamOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            streamOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, streamOptions))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, FilePath, overwrite: true);
        _loadedStamp = default;
    }
}

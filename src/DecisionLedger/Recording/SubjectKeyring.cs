using System.Security.Cryptography;
using DecisionLedger.Encryption;
using DecisionLedger.Randomness;
using DecisionLedger.Storage;

namespace DecisionLedger.Recording;

/// <summary>
/// The per-subject input keys of <see cref="LedgerOptions.EncryptInputs"/>: for a batch, loads
/// each subject's wrapped key from the store, creates (and stores) the missing ones, and unwraps
/// them into AES-GCM ciphers with the master key. Erasing a subject deletes its wrapped key, so
/// every input stored under it becomes unreadable.
/// </summary>
internal sealed class SubjectKeyring(ILedgerStore store, MasterKey masterKey, IRandomSource random, StoreRetry retry)
{
    /// <summary>The ciphers of every subject of <paramref name="requests"/>; the caller disposes them (<see cref="Dispose"/>).</summary>
    /// <exception cref="LedgerStoreException">The store failed under the retry rule.</exception>
    public async Task<Dictionary<string, AesGcm>> LoadAsync(IReadOnlyList<EntryRequest> requests)
    {
        var subjects = new HashSet<string>(StringComparer.Ordinal);
        foreach (EntryRequest request in requests)
        {
            if (request.SubjectId is { } subject)
            {
                subjects.Add(subject);
            }
        }

        var ciphers = new Dictionary<string, AesGcm>(subjects.Count, StringComparer.Ordinal);
        if (subjects.Count == 0)
        {
            return ciphers;
        }

        IReadOnlyDictionary<string, byte[]> wrapped = await retry.RunAsync(ct => store.GetSubjectKeysAsync(subjects, ct)).ConfigureAwait(false);
        if (wrapped.Count < subjects.Count)
        {
            wrapped = await CreateMissingAsync(subjects, wrapped).ConfigureAwait(false);
        }

        try
        {
            foreach ((string subject, byte[] key) in wrapped)
            {
                byte[] plain = masterKey.Unwrap(subject, key);
                ciphers[subject] = new AesGcm(plain, 16);
                CryptographicOperations.ZeroMemory(plain);
            }
        }
        catch
        {
            Dispose(ciphers);
            throw;
        }

        return ciphers;
    }

    public static void Dispose(Dictionary<string, AesGcm>? ciphers)
    {
        if (ciphers is null)
        {
            return;
        }

        foreach (AesGcm cipher in ciphers.Values)
        {
            cipher.Dispose();
        }
    }

    // Another writer may create the same subject's key at the same moment: the store keeps the
    // first one stored and returns it, so both agree.
    private async Task<IReadOnlyDictionary<string, byte[]>> CreateMissingAsync(HashSet<string> subjects, IReadOnlyDictionary<string, byte[]> wrapped)
    {
        var candidates = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        byte[] fresh = new byte[MasterKey.KeySize];
        try
        {
            foreach (string subject in subjects)
            {
                if (!wrapped.ContainsKey(subject))
                {
                    random.Fill(fresh);
                    candidates[subject] = masterKey.Wrap(subject, fresh, random);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fresh);
        }

        IReadOnlyDictionary<string, byte[]> created = await retry.RunAsync(ct => store.GetOrCreateSubjectKeysAsync(candidates, ct)).ConfigureAwait(false);
        var all = new Dictionary<string, byte[]>(wrapped, StringComparer.Ordinal);
        foreach ((string subject, byte[] key) in created)
        {
            all[subject] = key;
        }

        return all;
    }
}

using DecisionLedger.Encryption;
using DecisionLedger.Randomness;
using DecisionLedger.Redaction;

namespace DecisionLedger.Recording;

/// <summary>What <see cref="DecisionRecorder.StartAsync"/> checks and defaults before it opens the store.</summary>
internal static class RecorderStartup
{
    /// <summary>Validates the options, including the master key encryption needs.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static void Validate(LedgerOptions options)
    {
        options.Validate();
        if (options.EncryptInputs && options.MasterKey is null && MasterKey.FromEnvironment() is null)
        {
            throw new ArgumentException($"LedgerOptions.MasterKey: required when EncryptInputs is on; set it, or the environment variable {MasterKey.EnvironmentVariable} (base64 of 32 random bytes).");
        }
    }

    /// <summary>The redactor used when the caller passes none: <see cref="RedactionPolicy.PrivacyByDefault"/>.</summary>
    public static IRedactor DefaultRedactor(IRandomSource random)
    {
        // The default policy only tags; the hash operator's key is never used, so a fresh one is fine.
        byte[] unusedKey = new byte[PolicyRedactor.MinimumKeyLength];
        random.Fill(unusedKey);
        return new PolicyRedactor(RedactionPolicy.PrivacyByDefault, unusedKey);
    }
}

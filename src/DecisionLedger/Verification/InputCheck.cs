using DecisionLedger.Hashing;

namespace DecisionLedger.Verification;

/// <summary>
/// A plaintext stored input checked in parallel against the <c>inputDigest</c> of the entry filed
/// under the same <c>seq</c> in its page. The ordered merge uses it only when that is the digest it
/// would check against itself; otherwise (a tampered page) it checks the input again.
/// </summary>
/// <param name="Expected">The digest checked against, or null when nothing was checked ahead.</param>
/// <param name="Matches">Whether the input, salted, hashes to <paramref name="Expected"/>.</param>
/// <param name="Found">What it hashes to.</param>
internal readonly record struct InputCheck(Sha256Hash? Expected, bool Matches, Sha256Hash Found);

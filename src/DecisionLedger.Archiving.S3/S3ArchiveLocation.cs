namespace DecisionLedger.Archiving.S3;

/// <summary>Where an S3 archive lives: a bucket and a key prefix, written <c>s3://bucket/prefix</c>.</summary>
public sealed record S3ArchiveLocation
{
    /// <summary>The URI scheme of an S3 archive.</summary>
    public const string Scheme = "s3://";

    /// <summary>Creates a location.</summary>
    /// <param name="bucket">The bucket name (3 to 63 characters: lowercase letters, digits, dots and hyphens).</param>
    /// <param name="prefix">The key prefix without leading or trailing slashes; empty for the bucket's root.</param>
    /// <exception cref="ArgumentException">The bucket name or the prefix is not valid.</exception>
    public S3ArchiveLocation(string bucket, string prefix)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        ArgumentNullException.ThrowIfNull(prefix);
        if (BucketProblem(bucket) is { } problem)
        {
            throw new ArgumentException($"bucket '{bucket}': {problem}", nameof(bucket));
        }

        string trimmed = prefix.Trim('/');
        if (trimmed.Contains("//", StringComparison.Ordinal) || trimmed.Split('/').Any(part => part is "." or ".."))
        {
            throw new ArgumentException($"prefix '{prefix}': empty, '.' or '..' path segments are not allowed in an archive prefix.", nameof(prefix));
        }

        Bucket = bucket;
        Prefix = trimmed;
    }

    /// <summary>The bucket name.</summary>
    public string Bucket { get; }

    /// <summary>The key prefix, without leading or trailing slashes; empty for the bucket's root.</summary>
    public string Prefix { get; }

    /// <summary>True when <paramref name="text"/> starts with <c>s3://</c> (case-insensitive).</summary>
    /// <param name="text">A destination as a user wrote it.</param>
    public static bool IsS3(string text) => text is not null && text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>s3://bucket</c> or <c>s3://bucket/prefix/…</c>.</summary>
    /// <param name="text">The URI.</param>
    /// <param name="field">The option or setting the URI came from, named in the error (e.g. <c>--to</c>).</param>
    /// <returns>The location.</returns>
    /// <exception cref="FormatException">Not an <c>s3://</c> URI, or no valid bucket name; the message names <paramref name="field"/>.</exception>
    public static S3ArchiveLocation Parse(string text, string field = "destination")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!IsS3(text))
        {
            throw new FormatException($"{field}: '{text}' is not an S3 location; write s3://bucket/prefix.");
        }

        string rest = text[Scheme.Length..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string bucket = slash < 0 ? rest : rest[..slash];
        string prefix = slash < 0 ? "" : rest[(slash + 1)..];
        if (bucket.Length == 0)
        {
            throw new FormatException($"{field}: '{text}' names no bucket; write s3://bucket/prefix.");
        }

        try
        {
            return new S3ArchiveLocation(bucket, prefix);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{field}: '{text}': {e.Message.Split(" (Parameter", 2)[0]}", e);
        }
    }

    /// <summary>The object key of <paramref name="path"/>, a relative '/'-separated archive path.</summary>
    /// <param name="path">The archive path.</param>
    public string KeyOf(string path) => Prefix.Length == 0 ? path : $"{Prefix}/{path}";

    /// <summary>The location as a URI, <c>s3://bucket/prefix</c>.</summary>
    public override string ToString() => Prefix.Length == 0 ? $"{Scheme}{Bucket}" : $"{Scheme}{Bucket}/{Prefix}";

    // The S3 bucket naming rules (general purpose buckets), so a typo is caught before a request is signed.
    private static string? BucketProblem(string bucket)
    {
        if (bucket.Length is < 3 or > 63)
        {
            return "a bucket name has 3 to 63 characters";
        }

        if (!bucket.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-'))
        {
            return "a bucket name holds only lowercase letters, digits, dots and hyphens";
        }

        if (!char.IsAsciiLetterOrDigit(bucket[0]) || !char.IsAsciiLetterOrDigit(bucket[^1]))
        {
            return "a bucket name starts and ends with a letter or digit";
        }

        return bucket.Contains("..", StringComparison.Ordinal) ? "a bucket name has no two adjacent dots" : null;
    }
}

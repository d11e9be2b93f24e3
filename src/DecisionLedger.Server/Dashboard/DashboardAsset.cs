namespace DecisionLedger.Server.Dashboard;

/// <summary>One embedded dashboard file.</summary>
/// <param name="Content">The file's bytes.</param>
/// <param name="ContentType">Its media type.</param>
/// <param name="ETag">A strong validator: a prefix of the content's SHA-256.</param>
internal sealed record DashboardAsset(byte[] Content, string ContentType, string ETag);

namespace DecisionLedger.Decisions;

/// <summary>
/// Bounds on what <see cref="DecisionParser"/> accepts, so one hostile or buggy caller cannot
/// exhaust memory or stack. Every default is stated here and in the property docs.
/// </summary>
/// <remarks>
/// A parser copies the values when it is constructed; changing a <see cref="DecisionLimits"/>
/// afterwards does not affect parsers already built from it.
/// </remarks>
public sealed class DecisionLimits
{
    /// <summary>The default <see cref="MaxPayloadBytes"/>: 1 MiB (1,048,576 bytes).</summary>
    public const int DefaultMaxPayloadBytes = 1_048_576;

    /// <summary>The default <see cref="MaxDepth"/>: 32 nesting levels.</summary>
    public const int DefaultMaxDepth = 32;

    /// <summary>The upper bound on <see cref="MaxDepth"/>: 256 levels.</summary>
    /// <remarks>Validation of free-form objects recurses once per level; this keeps the stack small.</remarks>
    public const int DepthCeiling = 256;

    /// <summary>The default <see cref="MaxStringLength"/>: 65,536 UTF-16 characters.</summary>
    public const int DefaultMaxStringLength = 65_536;

    /// <summary>The default <see cref="MaxRequestIdLength"/>: 128 characters.</summary>
    public const int DefaultMaxRequestIdLength = 128;

    /// <summary>The default <see cref="MaxAttributions"/>: 1,024 features.</summary>
    public const int DefaultMaxAttributions = 1024;

    /// <summary>The largest decision accepted, in UTF-8 bytes, checked before any parsing. Default 1,048,576 (1 MiB).</summary>
    public int MaxPayloadBytes { get; set; } = DefaultMaxPayloadBytes;

    /// <summary>
    /// The deepest nesting of objects and arrays accepted, counting the decision object itself as
    /// level 1. Default 32; at most <see cref="DepthCeiling"/> (256).
    /// </summary>
    public int MaxDepth { get; set; } = DefaultMaxDepth;

    /// <summary>
    /// The longest string accepted anywhere in a decision — values and property names, in
    /// <c>input</c>, <c>output</c> and <c>metadata</c> too — counted in UTF-16 characters
    /// (<see cref="string.Length"/>) after unescaping. Default 65,536.
    /// </summary>
    public int MaxStringLength { get; set; } = DefaultMaxStringLength;

    /// <summary>The longest <c>requestId</c> accepted, in characters. Default 128.</summary>
    public int MaxRequestIdLength { get; set; } = DefaultMaxRequestIdLength;

    /// <summary>The most entries accepted in <c>explanation.attributions</c>. Default 1,024.</summary>
    public int MaxAttributions { get; set; } = DefaultMaxAttributions;

    /// <summary>Checks that every limit is usable.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is zero or negative, or <see cref="MaxDepth"/> exceeds <see cref="DepthCeiling"/>.</exception>
    public void Validate()
    {
        RequirePositive(MaxPayloadBytes, nameof(MaxPayloadBytes));
        RequirePositive(MaxDepth, nameof(MaxDepth));
        RequirePositive(MaxStringLength, nameof(MaxStringLength));
        RequirePositive(MaxRequestIdLength, nameof(MaxRequestIdLength));
        RequirePositive(MaxAttributions, nameof(MaxAttributions));
        if (MaxDepth > DepthCeiling)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxDepth), MaxDepth, $"DecisionLimits.MaxDepth must be at most {DepthCeiling}.");
        }
    }

    private static void RequirePositive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"DecisionLimits.{name} must be positive.");
        }
    }
}

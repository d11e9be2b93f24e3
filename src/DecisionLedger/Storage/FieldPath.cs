using System.Text;

namespace DecisionLedger.Storage;

/// <summary>
/// A validated path to a field of a decision, such as <c>output.label</c> or <c>input.amount</c>:
/// a root (<see cref="Roots"/>) followed by field names. The strict grammar is what makes it safe
/// to hand a store: every name matches <c>[A-Za-z_][A-Za-z0-9_-]*</c>, so the JSON path a store
/// binds (<see cref="ToJsonPath"/>) can hold no quote, bracket or SQL.
/// </summary>
public sealed class FieldPath : IEquatable<FieldPath>
{
    /// <summary>The most names a path holds, root included.</summary>
    public const int MaxDepth = 8;

    /// <summary>The longest field name accepted.</summary>
    public const int MaxNameLength = 64;

    /// <summary>The input root: the decision's stored input (held plaintext inputs only).</summary>
    public const string InputRoot = "input";

    /// <summary>
    /// The roots a path may start with. <c>input</c> is the stored input; the others are fields of
    /// the entry itself. <c>latencyMs</c> is a leaf and takes no further names; the others need one.
    /// </summary>
    public static readonly IReadOnlyList<string> Roots = [InputRoot, "output", "explanation", "metadata", "model", "latencyMs"];

    private FieldPath(string text, IReadOnlyList<string> names)
    {
        Text = text;
        Names = names;
    }

    /// <summary>The path as written, e.g. <c>output.label</c>.</summary>
    public string Text { get; }

    /// <summary>The names, root first.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The root name (<c>input</c>, <c>output</c>, …).</summary>
    public string Root => Names[0];

    /// <summary>True when the path reads the stored input rather than the entry.</summary>
    public bool IsInput => string.Equals(Root, InputRoot, StringComparison.Ordinal);

    /// <summary>Parses and validates a dotted path.</summary>
    /// <param name="text">The path, e.g. <c>output.label</c>.</param>
    /// <returns>The path.</returns>
    /// <exception cref="FormatException">The path breaks the grammar; the message says where and why.</exception>
    public static FieldPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? problem = Validate(text, out string[] names);
        return problem is null ? new FieldPath(text, names) : throw new FormatException($"field path \"{text}\": {problem}");
    }

    /// <summary>Tries to parse a dotted path.</summary>
    /// <param name="text">The path.</param>
    /// <param name="path">The path, when valid.</param>
    /// <param name="problem">Why the path is invalid, when it is.</param>
    /// <returns>True when valid.</returns>
    public static bool TryParse(string text, out FieldPath? path, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        problem = Validate(text, out string[] names);
        path = problem is null ? new FieldPath(text, names) : null;
        return path is not null;
    }

    /// <summary>True when <paramref name="name"/> is a field name the grammar accepts.</summary>
    /// <param name="name">One field name (no dots).</param>
    public static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxNameLength || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The SQLite/PostgreSQL-style JSON path of the field inside its document (the entry, or the
    /// input for <c>input.</c> paths), every name quoted: <c>output.label</c> → <c>$."output"."label"</c>,
    /// <c>input.amount</c> → <c>$."amount"</c>. Safe to bind: names hold no quote.
    /// </summary>
    public string ToJsonPath()
    {
        var builder = new StringBuilder("$");
        for (int i = IsInput ? 1 : 0; i < Names.Count; i++)
        {
            builder.Append(".\"").Append(Names[i]).Append('"');
        }

        return builder.ToString();
    }

    /// <inheritdoc />
    public bool Equals(FieldPath? other) => other is not null && string.Equals(Text, other.Text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FieldPath);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);

    /// <inheritdoc />
    public override string ToString() => Text;

    private static string? Validate(string text, out string[] names)
    {
        names = text.Split('.');
        if (text.Length == 0)
        {
            return "it is empty";
        }

        string root = names[0];
        if (!Roots.Contains(root, StringComparer.Ordinal))
        {
            return $"it must start with {RootList()}";
        }

        bool leafRoot = string.Equals(root, "latencyMs", StringComparison.Ordinal);
        if (leafRoot && names.Length > 1)
        {
            return "latencyMs is a number and has no fields";
        }

        if (!leafRoot && names.Length == 1)
        {
            return $"name a field after \"{root}.\", e.g. {root}.label";
        }

        if (names.Length > MaxDepth)
        {
            return $"it has {names.Length} names; at most {MaxDepth} are allowed";
        }

        for (int i = 1; i < names.Length; i++)
        {
            if (names[i].Length == 0)
            {
                return "it has an empty field name (two dots in a row, or a dot at the end)";
            }

            if (!IsValidName(names[i]))
            {
                return $"the field name \"{names[i]}\" is not allowed; names are letters, digits, '_' and '-', start with a letter or '_', and are at most {MaxNameLength} characters";
            }
        }

        return null;
    }

    /// <summary>The roots as the messages list them: <c>input., output., … or latencyMs</c>.</summary>
    internal static string RootList() => "input., output., explanation., metadata., model. or latencyMs";
}

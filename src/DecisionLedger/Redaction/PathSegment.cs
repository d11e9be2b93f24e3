namespace DecisionLedger.Redaction;

/// <summary>One step of a <see cref="JsonPathSelector"/>: a member name, every member/element, or one array index; optionally at any depth.</summary>
/// <param name="Name">The member name, or <see langword="null"/> for a wildcard or an index.</param>
/// <param name="Index">The array index, or -1.</param>
/// <param name="Recursive">Whether the step may match at any depth below the previous one (<c>..</c>).</param>
internal readonly record struct PathSegment(string? Name, int Index, bool Recursive)
{
    public bool IsWildcard => Name is null && Index < 0;

    public bool MatchesMember(string name) => IsWildcard || string.Equals(Name, name, StringComparison.Ordinal);

    public bool MatchesMember(System.Text.Json.JsonProperty property) => IsWildcard || (Name is not null && property.NameEquals(Name));

    public bool MatchesIndex(int index) => IsWildcard || (Name is null && Index == index);
}

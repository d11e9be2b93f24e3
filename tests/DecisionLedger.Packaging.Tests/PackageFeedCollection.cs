namespace DecisionLedger.Packaging.Tests;

/// <summary>Every packaging test shares one pack of src/ (and one tool install): packing is the slow part.</summary>
[CollectionDefinition(Name)]
public sealed class PackageFeedCollection : ICollectionFixture<PackageFeedFixture>
{
    public const string Name = "package feed";
}

namespace DecisionLedger.Server.Dashboard;

/// <summary>One model of the ledger as <see cref="ModelCatalog"/> saw it.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Versions">Its versions, in the order they first appear in the ledger.</param>
/// <param name="Decisions">How many decision entries name it.</param>
/// <param name="First">The earliest decision timestamp.</param>
/// <param name="Last">The latest decision timestamp.</param>
internal sealed record ModelSummary(string Name, IReadOnlyList<string> Versions, long Decisions, DateTimeOffset First, DateTimeOffset Last);

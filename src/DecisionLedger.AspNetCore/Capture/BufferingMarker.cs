namespace DecisionLedger.AspNetCore.Capture;

/// <summary>Endpoint metadata noting that the request delegate already enables body buffering.</summary>
internal sealed class BufferingMarker
{
    public static readonly BufferingMarker Instance = new();
}

using Microsoft.AspNetCore.Http;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>How one endpoint (or route group) records its decisions; set in <c>RecordDecisions(name, version, o => …)</c>.</summary>
public sealed class DecisionCaptureOptions
{
    /// <summary>
    /// The share of successful decisions recorded, from 0 to 1. Default 1 (all). Failures and
    /// requests matching <see cref="AlwaysRecord"/> are always recorded; the number sampled out is
    /// written to the ledger periodically as a <c>decisionledger.sampling</c> decision.
    /// </summary>
    public double SampleRate { get; set; } = 1.0;

    /// <summary>Forces recording of a request whatever <see cref="SampleRate"/> says (evaluated after the endpoint ran). Default null.</summary>
    public Func<HttpContext, bool>? AlwaysRecord { get; set; }

    /// <summary>
    /// What the response waits for: the decision accepted into the recorder's queue
    /// (<see cref="CaptureDurability.Enqueued"/>, the default) or durable in the ledger
    /// (<see cref="CaptureDurability.Committed"/>). See docs/capture.md for what a crash can lose under each.
    /// </summary>
    public CaptureDurability Durability { get; set; } = CaptureDurability.Enqueued;

    /// <summary>
    /// What happens when the decision cannot be accepted (queue still full after <see cref="RecordTimeout"/>,
    /// recorder stopped or failed, Redis unreachable) or, with <see cref="CaptureDurability.Committed"/>,
    /// cannot be committed: the result is withheld with a 503 (<see cref="LedgerFailureMode.FailClosed"/>,
    /// the default) or served with an alarm (<see cref="LedgerFailureMode.ProceedAndAlarm"/>).
    /// </summary>
    public LedgerFailureMode OnLedgerFailure { get; set; } = LedgerFailureMode.FailClosed;

    /// <summary>
    /// How long the response may wait before the wait counts as a ledger failure: for room in a full
    /// queue (<see cref="CaptureDurability.Enqueued"/>), for the commit (<see cref="CaptureDurability.Committed"/>),
    /// or for the buffer's acknowledgement. Default 2 seconds.
    /// </summary>
    public TimeSpan RecordTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Selects the data subject's id from the request and its parsed JSON input (a
    /// <see cref="System.Text.Json.JsonElement"/>, boxed). Default null: no subject unless
    /// <see cref="IDecisionContext.Subject"/> is set.
    /// </summary>
    public Func<HttpContext, object?, string?>? SubjectSelector { get; set; }

    /// <summary>A request header naming the user when the request is not authenticated, e.g. <c>X-User</c>. Default null.</summary>
    public string? UserHeader { get; set; }

    /// <summary>A request header naming the tenant, e.g. <c>X-Tenant</c>. Checked before <see cref="TenantClaim"/>. Default null.</summary>
    public string? TenantHeader { get; set; }

    /// <summary>A claim of the user naming the tenant, e.g. <c>tid</c>. Default null.</summary>
    public string? TenantClaim { get; set; }

    /// <summary>The feature pipeline version recorded with every decision. Default null.</summary>
    public string? PipelineVersion { get; set; }

    /// <summary>The model artifact digest recorded with every decision. Default null.</summary>
    public string? ArtifactDigest { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        if (double.IsNaN(SampleRate) || SampleRate is < 0 or > 1)
        {
            throw new ArgumentException($"DecisionCaptureOptions.SampleRate: must be between 0 and 1; got {SampleRate}.");
        }

        if (RecordTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"DecisionCaptureOptions.RecordTimeout: must be positive; got {RecordTimeout}.");
        }

        if (!Enum.IsDefined(OnLedgerFailure))
        {
            throw new ArgumentException($"DecisionCaptureOptions.OnLedgerFailure: unknown mode {(int)OnLedgerFailure}; use FailClosed or ProceedAndAlarm.");
        }

        if (!Enum.IsDefined(Durability))
        {
            throw new ArgumentException($"DecisionCaptureOptions.Durability: unknown value {(int)Durability}; use Enqueued or Committed.");
        }
    }
}

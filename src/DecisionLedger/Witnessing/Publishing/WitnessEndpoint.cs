namespace DecisionLedger.Witnessing.Publishing;

/// <summary>A witness of the policy and the submission prefix it is reached at.</summary>
/// <param name="Witness">The witness as the policy names it.</param>
/// <param name="SubmissionPrefix">The prefix the ledger POSTs <c>add-checkpoint</c> under.</param>
public sealed record WitnessEndpoint(PolicyWitness Witness, Uri SubmissionPrefix)
{
    /// <summary>The <c>add-checkpoint</c> URL: the prefix with <c>/add-checkpoint</c> appended.</summary>
    public Uri AddCheckpointUrl => new(SubmissionPrefix.AbsoluteUri.TrimEnd('/') + "/add-checkpoint");
}

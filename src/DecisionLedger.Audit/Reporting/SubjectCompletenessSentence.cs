using System.Globalization;

namespace DecisionLedger.Reporting;

/// <summary>The one plain sentence the text and HTML subject reports state about their own completeness.</summary>
internal static class SubjectCompletenessSentence
{
    /// <summary>What is proven, or why nothing is; null on an entry format 1 ledger (the report says nothing).</summary>
    public static string? For(SubjectReport report)
    {
        if (report.Completeness is not { } c)
        {
            return null;
        }

        string since = ReportFormatting.When(c.SwitchedAt);
        return c.Outcome switch
        {
            SubjectCompletenessOutcome.Proven => Proven(report, c, since),
            SubjectCompletenessOutcome.SubjectUnknown =>
                $"The ledger cannot prove this list is complete: it has recorded no decision about you since {since}, when it started keeping the links that prove completeness, and decisions recorded before then carry no such links.",
            SubjectCompletenessOutcome.CheckpointBeforeSwitch =>
                $"The ledger cannot prove this list is complete yet: the checkpoint below was signed before {since}, when it started keeping the links that prove completeness; ask again once it has signed a newer checkpoint.",
            _ => $"WARNING: the ledger could not prove that this list is complete ({c.Reason?.TrimEnd('.')}). Decisions about you may be missing; the ledger's operator must run 'dledger verify'.",
        };
    }

    private static string Proven(SubjectReport report, SubjectCompleteness c, string since)
    {
        long found = c.Result!.Found;
        string count = found.ToString(CultureInfo.InvariantCulture);
        string proven = found switch
        {
            0 => $"No decision about you was recorded between {since} and the checkpoint below; the ledger proves none is missing.",
            1 => $"The 1 decision about you recorded since {since} is listed; the ledger proves none is missing.",
            _ => $"All {count} decisions about you recorded since {since} are listed; the ledger proves none is missing.",
        };
        long earlier = report.DecisionCount - found;
        return earlier <= 0
            ? proven
            : proven + $" The {(earlier == 1 ? "other decision listed was" : $"other {earlier.ToString(CultureInfo.InvariantCulture)} decisions listed were")} recorded before then, without the links that prove completeness.";
    }
}

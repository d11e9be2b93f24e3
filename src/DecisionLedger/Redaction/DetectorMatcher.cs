using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace DecisionLedger.Redaction;

/// <summary>
/// Runs a profile's detectors over one string: collects validated matches, keeps the longest of overlapping
/// ones, and rewrites the string with their operators. Shared by <see cref="RedactionWalker"/> and
/// <c>CanonicalRedactor</c> so both find exactly the same values. One instance per walker, reused.
/// </summary>
internal sealed class DetectorMatcher
{
    private static readonly Comparison<Candidate> s_byLengthThenStart = static (a, b) =>
        a.Length != b.Length ? b.Length.CompareTo(a.Length) : a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Detector.CompareTo(b.Detector);

    private static readonly Comparison<Candidate> s_byStart = static (a, b) => a.Start.CompareTo(b.Start);

    private readonly List<Candidate> _candidates = [];
    private readonly List<Candidate> _accepted = [];
    private readonly StringBuilder _text = new();

    public static bool AnyMayMatch(CompiledProfile profile, in TextStats stats)
    {
        foreach (DetectorRule detector in profile.Detectors)
        {
            if (detector.MayMatch(stats))
            {
                return true;
            }
        }

        return false;
    }

    public void Clear()
    {
        _candidates.Clear();
        _accepted.Clear();
    }

    /// <summary>Collects validated matches, then keeps the longest of overlapping ones; true if any redacts. A pattern timeout names <paramref name="section"/>.</summary>
    public bool FindMatches(CompiledProfile profile, string text, in TextStats stats, string section)
    {
        _candidates.Clear();
        _accepted.Clear();
        DetectorRule[] detectors = profile.Detectors;
        for (int d = 0; d < detectors.Length; d++)
        {
            DetectorRule detector = detectors[d];
            if (!detector.MayMatch(stats))
            {
                continue;
            }

            try
            {
                foreach (ValueMatch match in detector.Pattern.EnumerateMatches(text))
                {
                    if (match.Length == 0)
                    {
                        continue;
                    }

                    bool valid = BuiltInDetectors.IsValid(detector.Kind, text.AsSpan(match.Index, match.Length));
                    if (valid || detector.ShieldsWhenInvalid)
                    {
                        _candidates.Add(new Candidate(match.Index, match.Length, valid ? d : -1));
                    }
                }

                // International numbers with separators (+44 20 7946 0958): candidate spans validated by libphonenumber.
                if (detector.Kind == RedactionDetector.Phone)
                {
                    InternationalPhoneNumbers.Find(text, (Candidates: _candidates, Detector: d), static (state, start, length) => state.Candidates.Add(new Candidate(start, length, state.Detector)));
                }
            }
            catch (RegexMatchTimeoutException e)
            {
                throw new RedactionException(
                    detector.Action.Rule,
                    string.Create(CultureInfo.InvariantCulture, $"redaction rule '{detector.Action.Rule}' exceeded its {e.MatchTimeout.TotalMilliseconds:0.###} ms match timeout on a string in '{section}'; simplify the pattern (avoid nested quantifiers such as (a+)+) or raise RedactionOptions.RegexTimeout. The decision must not be recorded unredacted."),
                    e);
            }
        }

        if (_candidates.Count == 0)
        {
            return false;
        }

        if (_candidates.Count > 1)
        {
            _candidates.Sort(s_byLengthThenStart);
        }

        bool redacts = false;
        foreach (Candidate candidate in _candidates)
        {
            bool overlaps = false;
            foreach (Candidate taken in _accepted)
            {
                if (candidate.Start < taken.End && taken.Start < candidate.End)
                {
                    overlaps = true;
                    break;
                }
            }

            if (!overlaps)
            {
                _accepted.Add(candidate);
                redacts |= candidate.Detector >= 0;
            }
        }

        return redacts;
    }

    /// <summary>
    /// The text with the matches of the last <see cref="FindMatches"/> replaced; <paramref name="fired"/> receives
    /// each action applied, once per rule, in the order of the matches.
    /// </summary>
    public string Rewrite(CompiledProfile profile, string text, byte[] key, List<RedactionAction> fired)
    {
        if (_accepted.Count > 1)
        {
            _accepted.Sort(s_byStart);
        }

        _text.Clear();
        int position = 0;
        foreach (Candidate candidate in _accepted)
        {
            if (candidate.Detector < 0)
            {
                continue;
            }

            DetectorRule detector = profile.Detectors[candidate.Detector];
            ReadOnlySpan<char> match = text.AsSpan(candidate.Start, candidate.Length);
            _text.Append(text, position, candidate.Start - position);
            string hashInput = detector.Action.Operator == RedactionOperator.Hash ? BuiltInDetectors.Normalize(detector.Kind, match) : string.Empty;
            _text.Append(detector.Action.Apply(match, hashInput, key));
            position = candidate.End;
            AddOnce(fired, detector.Action);
        }

        _text.Append(text, position, text.Length - position);
        return _text.ToString();
    }

    // Two detectors may share a rule (the halves of "ip"); a string records each rule once.
    private static void AddOnce(List<RedactionAction> fired, RedactionAction action)
    {
        foreach (RedactionAction existing in fired)
        {
            if (ReferenceEquals(existing.Rule, action.Rule))
            {
                return;
            }
        }

        fired.Add(action);
    }
}

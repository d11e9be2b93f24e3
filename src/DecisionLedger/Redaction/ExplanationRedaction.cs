using DecisionLedger.Decisions;

namespace DecisionLedger.Redaction;

/// <summary>
/// Redaction of a decision's typed <see cref="Explanation"/> under a <see cref="RedactionWalker"/>: selectors
/// and detectors apply to <c>method</c>; the numbers the model computed (<c>baseValue</c>, each attribution)
/// change only by <c>drop</c> (see <see cref="RedactionRule"/> remarks).
/// </summary>
internal static class ExplanationRedaction
{
    /// <summary>
    /// Scans (<paramref name="write"/> false: stops at the first hit, builds nothing) or redacts the explanation
    /// under <paramref name="walker"/>'s profile, whose root selector states are the first <paramref name="rootCount"/>.
    /// </summary>
    public static (bool Hit, Explanation? Redacted) Visit(RedactionWalker walker, Explanation explanation, int rootCount, bool write)
    {
        ref SelectorStates states = ref walker.States;
        CompiledProfile profile = walker.Profile;
        walker.Section = "explanation";
        int mark = states.Top;
        int count = states.StepName(0, rootCount, "explanation");
        int forced = states.Selected(mark, count);
        bool hit = false;
        string? method = explanation.Method;
        double? baseValue = explanation.BaseValue;
        IReadOnlyDictionary<string, double>? attributions = explanation.Attributions;
        try
        {
            if (method is not null)
            {
                int m = states.Top;
                int rule = forced >= 0 ? forced : states.Selected(m, states.StepName(mark, count, "method"));
                states.Top = m;
                if (rule >= 0)
                {
                    if (!write)
                    {
                        return (true, null);
                    }

                    hit = true;
                    RedactionAction action = profile.Selectors[rule].Action;
                    walker.Record("explanation.method", action);
                    method = action.Operator == RedactionOperator.Drop ? null : action.Apply(method, method, walker.Key);
                }
                else if (profile.Detectors.Length != 0)
                {
                    TextStats stats = TextStats.Of(method.AsSpan());
                    if (walker.AnyMayMatch(stats) && walker.FindMatches(method, stats))
                    {
                        if (!write)
                        {
                            return (true, null);
                        }

                        hit = true;
                        method = walker.Rewrite(method, "explanation.method");
                    }
                }
            }

            if (count == 0)
            {
                return (hit, hit ? explanation with { Method = method } : explanation);
            }

            // Numbers computed by the model: only drop changes them (see RedactionRule remarks).
            if (baseValue is not null)
            {
                int m = states.Top;
                int rule = forced >= 0 ? forced : states.Selected(m, states.StepName(mark, count, "baseValue"));
                states.Top = m;
                if (rule >= 0 && profile.Selectors[rule].Action.Operator == RedactionOperator.Drop)
                {
                    if (!write)
                    {
                        return (true, null);
                    }

                    hit = true;
                    walker.Record("explanation.baseValue", profile.Selectors[rule].Action);
                    baseValue = null;
                }
            }

            if (attributions is not null)
            {
                int m = states.Top;
                int attributionCount = states.StepName(mark, count, "attributions");
                int rule = forced >= 0 ? forced : states.Selected(m, attributionCount);
                if (rule >= 0 && profile.Selectors[rule].Action.Operator == RedactionOperator.Drop)
                {
                    if (!write)
                    {
                        return (true, null);
                    }

                    hit = true;
                    walker.Record("explanation.attributions", profile.Selectors[rule].Action);
                    attributions = null;
                }
                else if (rule < 0 && attributionCount > 0)
                {
                    Dictionary<string, double>? kept = null;
                    foreach ((string feature, double value) in attributions)
                    {
                        int f = states.Top;
                        int featureRule = states.Selected(f, states.StepName(m, attributionCount, feature));
                        states.Top = f;
                        if (featureRule >= 0 && profile.Selectors[featureRule].Action.Operator == RedactionOperator.Drop)
                        {
                            if (!write)
                            {
                                return (true, null);
                            }

                            hit = true;
                            kept ??= new Dictionary<string, double>(attributions, StringComparer.Ordinal);
                            kept.Remove(feature);
                            walker.Record(JsonPaths.Child("explanation.attributions", feature), profile.Selectors[featureRule].Action);
                        }
                    }

                    if (kept is not null)
                    {
                        attributions = kept;
                    }
                }

                states.Top = m;
            }

            return (hit, hit ? new Explanation { Method = method, BaseValue = baseValue, Attributions = attributions } : explanation);
        }
        finally
        {
            states.Top = mark;
        }
    }
}

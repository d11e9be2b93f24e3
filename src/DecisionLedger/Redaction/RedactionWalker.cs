using System.Text.Json;
using DecisionLedger.Entries;
using DecisionLedger.Decisions;

namespace DecisionLedger.Redaction;

/// <summary>
/// Walks one decision for one <see cref="CompiledProfile"/>. A first pass only scans (no writer, no paths, no
/// allocation once warm) and stops at the first hit; only when something fires does a second pass write
/// redacted copies of the sections that need them with a <see cref="Utf8JsonWriter"/> over the original
/// elements. One instance per thread, reused.
/// </summary>
/// <remarks>
/// The walker holds what one walk shares (profile, key, <see cref="SelectorStates"/>, detectors, what fired);
/// <see cref="JsonSectionRedaction"/> visits the free-form sections and <see cref="ExplanationRedaction"/> the
/// typed explanation.
/// </remarks>
internal sealed class RedactionWalker
{
    [ThreadStatic]
    private static RedactionWalker? t_cached;

    private readonly DetectorMatcher _matcher = new();
    private readonly List<RedactionAction> _fired = [];
    private readonly JsonSectionRedaction _sections;
    private SelectorStates _states = new();
    private CompiledProfile _profile = null!;
    private byte[] _key = null!;
    private string _section = string.Empty;
    private List<AppliedRedaction>? _applied;

    private RedactionWalker()
    {
        _sections = new JsonSectionRedaction(this);
    }

    /// <summary>The live selector states, shared with <see cref="ExplanationRedaction"/>.</summary>
    public ref SelectorStates States => ref _states;

    /// <summary>The profile being applied.</summary>
    public CompiledProfile Profile => _profile;

    /// <summary>The key of the keyed operators.</summary>
    public byte[] Key => _key;

    /// <summary>The section being walked, for detectors scoped to sections.</summary>
    public string Section
    {
        get => _section;
        set => _section = value;
    }

    public static RedactionResult Redact(Decision decision, CompiledProfile profile, byte[] key)
    {
        RedactionWalker walker = Rent(profile, key, applied: null);
        try
        {
            return walker.Run(decision);
        }
        finally
        {
            Return(walker);
        }
    }

    /// <summary>Whether <paramref name="profile"/> changes anything in <paramref name="decision"/>: the allocation-free scan alone.</summary>
    public static bool Fires(Decision decision, CompiledProfile profile)
    {
        RedactionWalker walker = Rent(profile, key: null!, applied: null);
        try
        {
            int rootCount = walker._states.Start(profile.Selectors);
            return walker._sections.Scan("input", decision.Input, rootCount)
                || walker._sections.Scan("output", decision.Output, rootCount)
                || (decision.Metadata is { } metadata && walker._sections.Scan("metadata", metadata, rootCount))
                || (decision.Explanation is { } explanation && ExplanationRedaction.Visit(walker, explanation, rootCount, write: false).Hit);
        }
        finally
        {
            Return(walker);
        }
    }

    /// <summary>Applies <paramref name="profile"/> to an explanation, appending what fired to <paramref name="applied"/>; the same explanation when nothing did.</summary>
    public static Explanation RedactExplanation(Explanation explanation, CompiledProfile profile, byte[] key, List<AppliedRedaction> applied)
    {
        RedactionWalker walker = Rent(profile, key, applied);
        try
        {
            int rootCount = walker._states.Start(profile.Selectors);
            (bool changed, Explanation? redacted) = ExplanationRedaction.Visit(walker, explanation, rootCount, write: true);
            return changed ? redacted! : explanation;
        }
        finally
        {
            Return(walker);
        }
    }

    private static RedactionWalker Rent(CompiledProfile profile, byte[] key, List<AppliedRedaction>? applied)
    {
        RedactionWalker walker = t_cached ?? new RedactionWalker();
        t_cached = null;
        walker._profile = profile;
        walker._key = key;
        walker._applied = applied;
        return walker;
    }

    private static void Return(RedactionWalker walker)
    {
        walker._profile = null!;
        walker._applied = null;
        walker._states.Clear();
        walker._sections.Clear();
        walker._matcher.Clear();
        walker._fired.Clear();
        t_cached = walker;
    }

    private RedactionResult Run(Decision decision)
    {
        int rootCount = _states.Start(_profile.Selectors);
        bool hit = _sections.Scan("input", decision.Input, rootCount)
            || _sections.Scan("output", decision.Output, rootCount)
            || (decision.Metadata is { } scanMetadata && _sections.Scan("metadata", scanMetadata, rootCount))
            || (decision.Explanation is { } scanExplanation && ExplanationRedaction.Visit(this, scanExplanation, rootCount, write: false).Hit);
        if (!hit)
        {
            return new RedactionResult(decision, []);
        }

        _applied = [];
        JsonElement input = _sections.Rewrite("input", decision.Input, rootCount);
        JsonElement output = _sections.Rewrite("output", decision.Output, rootCount);
        JsonElement? metadata = decision.Metadata is { } md ? _sections.Rewrite("metadata", md, rootCount) : null;
        Explanation? explanation = decision.Explanation;
        if (explanation is not null)
        {
            (bool changed, Explanation? redacted) = ExplanationRedaction.Visit(this, explanation, rootCount, write: true);
            if (changed)
            {
                explanation = redacted;
            }
        }

        var result = decision with { Input = input, Output = output, Metadata = metadata, Explanation = explanation };
        return new RedactionResult(result, _applied);
    }

    /// <summary>Whether any detector may match text of these <paramref name="stats"/> (the cheap pre-check).</summary>
    public bool AnyMayMatch(in TextStats stats) => DetectorMatcher.AnyMayMatch(_profile, stats);

    /// <summary>Whether the detectors find anything in <paramref name="text"/> within the current section.</summary>
    public bool FindMatches(string text, in TextStats stats) => _matcher.FindMatches(_profile, text, stats, _section);

    /// <summary>Rewrites what the detectors found in <paramref name="text"/>, recording each at <paramref name="path"/>.</summary>
    public string Rewrite(string text, string path)
    {
        _fired.Clear();
        string rewritten = _matcher.Rewrite(_profile, text, _key, _fired);
        foreach (RedactionAction action in _fired)
        {
            Record(path, action);
        }

        return rewritten;
    }

    /// <summary>Records an applied redaction, when this walk records them.</summary>
    public void Record(string path, RedactionAction action) =>
        _applied?.Add(new AppliedRedaction(path, action.Rule, action.OperatorName));
}

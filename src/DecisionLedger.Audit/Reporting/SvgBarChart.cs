using System.Globalization;
using System.Net;
using System.Text;

namespace DecisionLedger.Reporting;

/// <summary>
/// Renders a horizontal bar chart as inline SVG (no script, no external resource), every label
/// HTML-escaped, bars scaled to the largest value. Only the first <see cref="MaxBars"/> bars are drawn;
/// the table beside the chart holds every value.
/// </summary>
internal static class SvgBarChart
{
    /// <summary>The most bars drawn (60).</summary>
    public const int MaxBars = 60;

    private const int Width = 720;
    private const int LabelWidth = 240;
    private const int ValueWidth = 90;
    private const int RowHeight = 22;

    /// <summary>The chart as an <c>&lt;svg&gt;</c> element, or an empty string when there is nothing to draw.</summary>
    /// <param name="title">The accessible title.</param>
    /// <param name="bars">Label and value of each bar, in display order.</param>
    /// <param name="format">Formats a value for its label beside the bar.</param>
    public static string Render(string title, IReadOnlyList<(string Label, double Value)> bars, Func<double, string> format)
    {
        int count = Math.Min(bars.Count, MaxBars);
        if (count == 0)
        {
            return string.Empty;
        }

        double max = Math.Max(bars.Take(count).Max(b => b.Value), double.Epsilon);
        int height = count * RowHeight;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\">");
        svg.Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>");
        int barSpace = Width - LabelWidth - ValueWidth;
        for (int i = 0; i < count; i++)
        {
            (string label, double value) = bars[i];
            int y = i * RowHeight;
            double width = Math.Max(value / max * barSpace, value > 0 ? 1 : 0);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth - 6}\" y=\"{y + 15}\" text-anchor=\"end\" font-size=\"12\">{WebUtility.HtmlEncode(Shorten(label))}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{LabelWidth}\" y=\"{y + 3}\" width=\"{width:0.##}\" height=\"{RowHeight - 6}\" fill=\"#4a7ab8\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth + width + 4:0.##}\" y=\"{y + 15}\" font-size=\"12\">{WebUtility.HtmlEncode(format(value))}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Shorten(string label) => label.Length <= 36 ? label : label[..35] + "…";
}

using System.Globalization;
using System.Text;

namespace DecisionLedger.Reporting;

/// <summary>
/// Builds one RFC 4180 CSV record: fields separated by commas, a field quoted (inner quotes doubled)
/// when it holds a comma, quote, CR or LF, the record ended by CRLF. Text that a spreadsheet would
/// run as a formula (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR) is prefixed with
/// an apostrophe (OWASP "CSV injection"); numbers the report computed are written as they are.
/// </summary>
internal sealed class CsvRow
{
    private readonly StringBuilder _line = new();
    private bool _first = true;

    /// <summary>Adds a text field; null is an empty field.</summary>
    public CsvRow Text(string? value)
    {
        Separate();
        if (string.IsNullOrEmpty(value))
        {
            return this;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") >= 0)
        {
            _line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        else
        {
            _line.Append(value);
        }

        return this;
    }

    /// <summary>Adds a time as RFC 3339 UTC; null is an empty field.</summary>
    public CsvRow Time(DateTimeOffset? value) => Text(value is { } t ? ReportFormatting.Rfc3339(t) : null);

    /// <summary>Adds a whole number.</summary>
    public CsvRow Number(long value)
    {
        Separate();
        _line.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>Adds a real number in round-trip form.</summary>
    public CsvRow Number(double value)
    {
        Separate();
        _line.Append(value.ToString("R", CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>Adds an empty field.</summary>
    public CsvRow Empty() => Text(null);

    /// <summary>The record, CRLF-terminated.</summary>
    public override string ToString() => _line.ToString() + "\r\n";

    private void Separate()
    {
        if (_first)
        {
            _first = false;
        }
        else
        {
            _line.Append(',');
        }
    }
}

namespace DecisionLedger.Redaction;

/// <summary>A detector that finds personal data inside string values, wherever they are.</summary>
public enum RedactionDetector
{
    /// <summary>E-mail addresses (<c>jane.doe@example.com</c>). Default tag <c>[EMAIL]</c>.</summary>
    Email,

    /// <summary>
    /// Phone numbers: E.164 (<c>+4915123456789</c>) and North American forms (<c>(555) 123-4567</c>,
    /// <c>555-123-4567</c>, <c>+1 555 123 4567</c>). Default tag <c>[PHONE]</c>.
    /// </summary>
    Phone,

    /// <summary>US social security numbers <c>123-45-6789</c>, excluding areas 000, 666 and 9xx, group 00 and serial 0000. Default tag <c>[SSN]</c>.</summary>
    Ssn,

    /// <summary>Payment cards: 13–19 digits, optionally separated by spaces or dashes, that pass the Luhn check. Default tag <c>[CARD]</c>.</summary>
    Card,

    /// <summary>IBANs, with or without spaces, that pass the ISO 13616 mod-97 check. Default tag <c>[IBAN]</c>.</summary>
    Iban,

    /// <summary>IPv4 addresses with every octet 0–255. Default tag <c>[IP]</c>.</summary>
    IPv4,

    /// <summary>IPv6 addresses (candidates confirmed by <see cref="System.Net.IPAddress.TryParse(string, out System.Net.IPAddress)"/>). Default tag <c>[IP]</c>.</summary>
    IPv6,

    /// <summary>Both <see cref="IPv4"/> and <see cref="IPv6"/>. Default tag <c>[IP]</c>.</summary>
    Ip,

    /// <summary>A custom regular expression (<see cref="RedactionRule.Pattern"/>), run with a match timeout. Default tag <c>[REDACTED]</c>.</summary>
    Regex,
}

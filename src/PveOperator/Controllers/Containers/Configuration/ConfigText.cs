using System.Globalization;

namespace PveOperator.Controllers;

/// <summary>PVE's config value forms: booleans as 0/1, lists split on PVE's separators, property strings written back.</summary>
internal static class ConfigText
{
    public static string Flag(bool value) => value ? "1" : "0";

    /// <summary>PVE's boolean text (1, 0, true, yes, on ...); <paramref name="absent"/> when the key is not set.</summary>
    public static bool Bool(string? text, bool absent = false) =>
        text is null ? absent : text.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "on";

    public static string Show(bool value) => value ? "true" : "false";

    public static string Show(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A list value as PVE splits it (commas, semicolons, whitespace).</summary>
    public static IEnumerable<string> Items(string? text) =>
        (text ?? "").Split([',', ';', ' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static bool SameNumber(string? desired, string? actual, string absent) =>
        decimal.TryParse(desired, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d)
        && decimal.TryParse(actual ?? absent, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var a)
        && d == a;

    /// <summary>A property string as PVE prints it: the first key first (name for netN), then the others alphabetically.</summary>
    public static string Join(IReadOnlyDictionary<string, string> pairs, string? first = null) =>
        string.Join(',', pairs
            .OrderBy(p => p.Key == first ? 0 : 1)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));

    /// <summary>"10s", "1m30s", "2h" in whole seconds.</summary>
    public static int? Seconds(string? duration)
    {
        if (string.IsNullOrEmpty(duration))
        {
            return null;
        }

        var total = 0;
        var number = 0;
        var any = false;
        foreach (var c in duration)
        {
            if (char.IsAsciiDigit(c))
            {
                number = (number * 10) + (c - '0');
                any = true;
                continue;
            }

            total += c switch { 'h' => number * 3600, 'm' => number * 60, 's' => number, _ => 0 };
            number = 0;
        }

        return any ? total + number : null;
    }
}

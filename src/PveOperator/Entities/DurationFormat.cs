using System.Globalization;
using System.Text.RegularExpressions;

namespace PveOperator.Entities;

/// <summary>Durations as Kubernetes users write them (Go's format): "30s", "1m30s", "500ms", "1.5h".</summary>
public static partial class DurationFormat
{
    [GeneratedRegex(@"^(?:(?<value>[0-9]+(?:\.[0-9]+)?)(?<unit>ms|s|m|h))+$")]
    private static partial Regex DurationPattern();

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var match = DurationPattern().Match(text.Trim());
        if (!match.Success)
        {
            return false;
        }

        double milliseconds = 0;
        for (var i = 0; i < match.Groups["value"].Captures.Count; i++)
        {
            var value = double.Parse(match.Groups["value"].Captures[i].Value, CultureInfo.InvariantCulture);
            milliseconds += match.Groups["unit"].Captures[i].Value switch
            {
                "ms" => value,
                "s" => value * 1_000,
                "m" => value * 60_000,
                _ => value * 3_600_000,
            };
        }

        duration = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    public static string Format(TimeSpan duration)
    {
        if (duration.TotalMilliseconds < 1_000 || duration.Milliseconds != 0)
        {
            return $"{(long)duration.TotalMilliseconds}ms";
        }

        var parts = new List<string>();
        if (duration.Hours + (duration.Days * 24) > 0)
        {
            parts.Add($"{(long)duration.TotalHours}h");
        }

        if (duration.Minutes > 0)
        {
            parts.Add($"{duration.Minutes}m");
        }

        if (duration.Seconds > 0)
        {
            parts.Add($"{duration.Seconds}s");
        }

        return string.Concat(parts);
    }
}

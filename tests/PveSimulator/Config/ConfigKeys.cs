using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PveSimulator.Config;

/// <summary>What pve-container's schema says about config keys: their JSON types and families.</summary>
internal static partial class ConfigKeys
{
    // Keys typed integer or boolean: parse_pct_config turns them into numbers. "number" keys (cpulimit) stay text.
    private static readonly HashSet<string> NumericKeys = new(StringComparer.Ordinal)
    {
        "cores", "cpuunits", "memory", "swap", "onboot", "protection", "template", "unprivileged", "console", "tty", "debug",
    };

    public static bool IsNet(string key) => NetKeyPattern().IsMatch(key);

    public static bool IsMountPoint(string key) => MountPointKeyPattern().IsMatch(key);

    public static bool IsUnused(string key) => UnusedKeyPattern().IsMatch(key);

    public static bool IsDisk(string key) => key == "rootfs" || IsMountPoint(key);

    /// <summary>A config value as GET config answers it.</summary>
    public static JsonNode ToJson(string key, string value) =>
        NumericKeys.Contains(key) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? JsonValue.Create(number)
            : JsonValue.Create(value);

    /// <summary>The value part of "volume,opt=..": the first element when it has no '='.</summary>
    public static string? Volume(string diskValue)
    {
        var first = diskValue.Split(',')[0];
        return first.StartsWith("volume=", StringComparison.Ordinal) ? first["volume=".Length..] : first.Contains('=', StringComparison.Ordinal) ? null : first;
    }

    public static string? Option(string propertyString, string name)
    {
        foreach (var part in propertyString.Split(','))
        {
            var equals = part.IndexOf('=');
            if (equals > 0 && part[..equals] == name)
            {
                return part[(equals + 1)..];
            }
        }

        return null;
    }

    /// <summary>Replaces or adds one option of a property string, keeping the others' order.</summary>
    public static string WithOption(string propertyString, string name, string value)
    {
        var parts = propertyString.Split(',').ToList();
        var index = parts.FindIndex(p => p.StartsWith(name + "=", StringComparison.Ordinal));
        if (index >= 0)
        {
            parts[index] = $"{name}={value}";
        }
        else
        {
            parts.Add($"{name}={value}");
        }

        return string.Join(',', parts);
    }

    /// <summary>PVE's disk size ("8G", "512M", "1T", bare bytes) in bytes; null when unreadable.</summary>
    public static long? ParseSize(string? size)
    {
        var match = size is null ? Match.Empty : SizePattern().Match(size);
        if (!match.Success)
        {
            return null;
        }

        var number = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
        var factor = match.Groups["u"].Value switch
        {
            "K" => 1L << 10,
            "M" => 1L << 20,
            "G" => 1L << 30,
            "T" => 1L << 40,
            _ => 1L,
        };
        return (long)(number * factor);
    }

    /// <summary>format_size: the largest unit that divides the size exactly.</summary>
    public static string FormatSize(long bytes)
    {
        foreach (var (unit, factor) in new[] { ("T", 1L << 40), ("G", 1L << 30), ("M", 1L << 20), ("K", 1L << 10) })
        {
            if (bytes % factor == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{bytes / factor}{unit}");
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^net\d+$")]
    private static partial Regex NetKeyPattern();

    [GeneratedRegex(@"^mp\d+$")]
    private static partial Regex MountPointKeyPattern();

    [GeneratedRegex(@"^unused\d+$")]
    private static partial Regex UnusedKeyPattern();

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)(?<u>[KMGT]?)$")]
    private static partial Regex SizePattern();
}

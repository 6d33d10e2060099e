using System.Globalization;
using System.Text.RegularExpressions;

namespace PveOperator.Controllers;

/// <summary>
/// Sizes as the spec writes them (Kubernetes binary quantities: 512Mi, 16Gi) and as PVE does (size=8G in a volume
/// string, MiB for memory and swap; K/M/G/T are powers of 1024 and a bare number is bytes).
/// </summary>
internal static partial class PveSize
{
    private const long Mebi = 1024L * 1024;

    /// <summary>"512Mi", "16Gi", "1Ti" or "0" in bytes; null for anything else (the schema allows nothing else).</summary>
    public static long? QuantityBytes(string? quantity)
    {
        if (quantity is null)
        {
            return null;
        }

        if (quantity == "0")
        {
            return 0;
        }

        var match = QuantityPattern().Match(quantity);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        return number * Multiplier(match.Groups[2].Value[0]);
    }

    /// <summary>PVE's size text ("8G", "512M", "10737418240", "1.5T") in bytes; null when unreadable.</summary>
    public static long? PveBytes(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var match = PvePattern().Match(text);
        if (!match.Success || !decimal.TryParse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        var unit = match.Groups[2].Value;
        return (long)(number * (unit.Length == 0 ? 1 : Multiplier(unit[0])));
    }

    public static long? QuantityMebibytes(string? quantity) => QuantityBytes(quantity) is { } bytes ? bytes / Mebi : null;

    /// <summary>Bytes as the spec would write them: the largest binary unit that divides them ("16Gi", "1536Mi").</summary>
    public static string Format(long bytes)
    {
        if (bytes == 0)
        {
            return "0";
        }

        foreach (var (unit, size) in new[] { ("Ti", Mebi * 1024 * 1024), ("Gi", Mebi * 1024), ("Mi", Mebi), ("Ki", 1024L) })
        {
            if (bytes % size == 0)
            {
                return (bytes / size).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    public static string FormatMebibytes(long mebibytes) => Format(mebibytes * Mebi);

    /// <summary>An absolute size for PUT .../resize and for new volumes: whole GiB ("16G"), else MiB.</summary>
    public static string ForResize(long bytes) =>
        bytes % (Mebi * 1024) == 0
            ? (bytes / (Mebi * 1024)).ToString(CultureInfo.InvariantCulture) + "G"
            : ((bytes + Mebi - 1) / Mebi).ToString(CultureInfo.InvariantCulture) + "M";

    /// <summary>The N of a new volume "STORAGE:N", in GiB (the schema allows whole Gi and Ti only).</summary>
    public static long Gibibytes(long bytes) => bytes / (Mebi * 1024);

    private static long Multiplier(char unit) => char.ToUpperInvariant(unit) switch
    {
        'K' => 1024L,
        'M' => Mebi,
        'G' => Mebi * 1024,
        'T' => Mebi * 1024 * 1024,
        _ => 1,
    };

    [GeneratedRegex(@"^([0-9]{1,12})(Ki|Mi|Gi|Ti)$")]
    private static partial Regex QuantityPattern();

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)([KMGT]?)$")]
    private static partial Regex PvePattern();
}

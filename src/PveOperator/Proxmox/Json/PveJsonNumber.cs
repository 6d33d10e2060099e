using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PveOperator.Proxmox;

/// <summary>
/// Shared reading rules for PVE's loosely typed numbers: Perl emits a scalar as a JSON string whenever it was
/// last used as a string (vmid before pve-container 5.0.10, cpulimit, pressure stats), so every numeric
/// converter accepts both shapes.
/// </summary>
internal static class PveJsonNumber
{
    public static long ReadInt64(ref Utf8JsonReader reader, Type typeToConvert)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out var whole))
                {
                    return whole;
                }
                return ToIntegral(reader.GetDouble(), typeToConvert);
            case JsonTokenType.String:
                var text = reader.GetString()!.Trim();
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
                {
                    return parsed;
                }
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var fractional))
                {
                    return ToIntegral(fractional, typeToConvert);
                }
                throw new JsonException($"Cannot read \"{text}\" as {typeToConvert.Name}.");
            case JsonTokenType.True:
                return 1;
            case JsonTokenType.False:
                return 0;
            default:
                throw new JsonException($"Cannot read a JSON {reader.TokenType} as {typeToConvert.Name}.");
        }
    }

    public static double ReadDouble(ref Utf8JsonReader reader, Type typeToConvert)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.GetDouble();
            case JsonTokenType.String:
                var text = reader.GetString()!.Trim();
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
                {
                    return parsed;
                }
                throw new JsonException($"Cannot read \"{text}\" as {typeToConvert.Name}.");
            case JsonTokenType.True:
                return 1;
            case JsonTokenType.False:
                return 0;
            default:
                throw new JsonException($"Cannot read a JSON {reader.TokenType} as {typeToConvert.Name}.");
        }
    }

    /// <summary>The raw text of a number token, exactly as the server wrote it.</summary>
    public static string RawText(ref Utf8JsonReader reader) =>
        reader.HasValueSequence
            ? Encoding.UTF8.GetString(reader.ValueSequence)
            : Encoding.UTF8.GetString(reader.ValueSpan);

    private static long ToIntegral(double value, Type typeToConvert)
    {
        // A fractional value in an integer field means our model is wrong, not the server: fail loudly.
        if (Math.Abs(value % 1) > 0 || value > long.MaxValue || value < long.MinValue)
        {
            throw new JsonException($"Cannot read {value.ToString(CultureInfo.InvariantCulture)} as {typeToConvert.Name}.");
        }
        return (long)value;
    }
}

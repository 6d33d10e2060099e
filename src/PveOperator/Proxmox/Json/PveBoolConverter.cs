using System.Text.Json;
using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>
/// Reads PVE booleans: the API writes them as <c>0</c>/<c>1</c> numbers, sometimes as strings, and JSON
/// <c>true</c>/<c>false</c> also occur; property strings use yes/no and on/off as well.
/// </summary>
public sealed class PveBoolConverter : JsonConverter<bool>
{
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.Number:
                return reader.GetDouble() != 0;
            case JsonTokenType.String:
                var text = reader.GetString()!;
                return TryParse(text, out var parsed)
                    ? parsed
                    : throw new JsonException($"Cannot read \"{text}\" as a boolean.");
            default:
                throw new JsonException($"Cannot read a JSON {reader.TokenType} as a boolean.");
        }
    }

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value ? 1 : 0);

    /// <summary>PVE's boolean spellings (JSONSchema.pm's parse_boolean plus the empty string as false).</summary>
    public static bool TryParse(string? text, out bool value)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "1" or "true" or "yes" or "on":
                value = true;
                return true;
            case "0" or "false" or "no" or "off" or "":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }
}

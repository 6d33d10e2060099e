using System.Text.Json;
using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>Reads an int written by PVE as a number (<c>106</c>) or as a string (<c>"106"</c>).</summary>
public sealed class PveIntConverter : JsonConverter<int>
{
    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = PveJsonNumber.ReadInt64(ref reader, typeToConvert);
        if (value is < int.MinValue or > int.MaxValue)
        {
            throw new JsonException($"{value} does not fit in Int32.");
        }
        return (int)value;
    }

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value);
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>Reads a double written by PVE as a number or as a string (<c>"0.00"</c> load averages and pressure stats).</summary>
public sealed class PveDoubleConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        PveJsonNumber.ReadDouble(ref reader, typeToConvert);

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value);
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>Reads a long written by PVE as a number or as a string (byte counters, uptimes, timestamps).</summary>
public sealed class PveLongConverter : JsonConverter<long>
{
    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        PveJsonNumber.ReadInt64(ref reader, typeToConvert);

    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value);
}

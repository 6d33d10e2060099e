using System.Text.Json;
using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>A UPID travels as its raw string.</summary>
public sealed class UpidJsonConverter : JsonConverter<Upid>
{
    public override Upid Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String
            ? reader.GetString()
            : throw new JsonException($"A UPID must be a JSON string, not {reader.TokenType}.");
        return Upid.TryParse(text, out var upid) ? upid : throw new JsonException($"Not a PVE task id (UPID): \"{text}\".");
    }

    public override void Write(Utf8JsonWriter writer, Upid value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Raw);
}

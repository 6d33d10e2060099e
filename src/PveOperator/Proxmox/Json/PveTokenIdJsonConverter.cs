using System.Text.Json;
using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>A token id travels as its string form.</summary>
public sealed class PveTokenIdJsonConverter : JsonConverter<PveTokenId>
{
    public override PveTokenId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        PveTokenId.TryParse(reader.GetString(), out var tokenId)
            ? tokenId
            : throw new JsonException("Invalid PVE token id: expected USER@REALM!TOKENNAME.");

    public override void Write(Utf8JsonWriter writer, PveTokenId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}

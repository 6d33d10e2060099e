using System.Text.Json;
using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>
/// Writes a <see cref="PveSecret"/> as "***" so serialized settings (status, logs, dumps) never carry it.
/// Reading accepts a plain string, for settings files; a round trip therefore loses the secret, on purpose.
/// </summary>
public sealed class PveSecretJsonConverter : JsonConverter<PveSecret>
{
    public override PveSecret Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? new PveSecret(reader.GetString()!)
            : throw new JsonException("A PVE secret must be a JSON string.");

    public override void Write(Utf8JsonWriter writer, PveSecret value, JsonSerializerOptions options) =>
        writer.WriteStringValue(PveSecret.Redacted);
}

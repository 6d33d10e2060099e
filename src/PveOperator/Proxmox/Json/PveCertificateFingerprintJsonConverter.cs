using System.Text.Json;
using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>A fingerprint travels as its normalized "AB:CD:..." string.</summary>
public sealed class PveCertificateFingerprintJsonConverter : JsonConverter<PveCertificateFingerprint>
{
    public override PveCertificateFingerprint Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        PveCertificateFingerprint.TryParse(reader.GetString(), out var fingerprint)
            ? fingerprint
            : throw new JsonException("Invalid SHA-256 certificate fingerprint.");

    public override void Write(Utf8JsonWriter writer, PveCertificateFingerprint value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Normalized);
}

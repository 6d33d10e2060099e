using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

public sealed class ProviderTlsSpec
{
    [Description("Accept any server certificate. Only for tests: prefer caBundle or fingerprint.")]
    [JsonPropertyName("insecureSkipVerify")]
    public bool? InsecureSkipVerify { get; set; }

    [StringLength(65536)]
    [RegularExpression(@"^\s*-----BEGIN CERTIFICATE-----[\s\S]*-----END CERTIFICATE-----\s*$")]
    [Description("PEM certificate(s) of the CA that signed the PVE server's certificate; only these are trusted.")]
    [JsonPropertyName("caBundle")]
    public string? CaBundle { get; set; }

    [StringLength(95)]
    [RegularExpression(@"^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$")]
    [Description("SHA-256 fingerprint of the server certificate as the PVE GUI shows it (AB:CD:...); pins that certificate.")]
    [JsonPropertyName("fingerprint")]
    public string? Fingerprint { get; set; }
}

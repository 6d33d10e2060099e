using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("How the PVE server's certificate is checked; at most one of insecureSkipVerify, caBundle and fingerprint.")]
[ValidationRule(
    "(has(self.insecureSkipVerify) && self.insecureSkipVerify ? 1 : 0) + (has(self.caBundle) ? 1 : 0) + (has(self.fingerprint) ? 1 : 0) <= 1",
    "set at most one of insecureSkipVerify, caBundle and fingerprint: each is a different way to trust the PVE server's certificate")]
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

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("How the operator reaches the PVE API and how often it observes it.")]
public sealed class ProxmoxProviderSpec
{
    [Required]
    [RegularExpression(@"^https://([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?/?$")]
    [Description("Base URL of the PVE API, e.g. https://pve.example.com:8006 (without /api2/json).")]
    [JsonPropertyName("url")]
    public string Url { get; set; } = "";

    [Required]
    [RegularExpression(@"^[^\s@!]+@[^\s@!]+![A-Za-z][A-Za-z0-9._-]*$")]
    [Description("API token id, USER@REALM!TOKENNAME, e.g. operator@pve!k8s.")]
    [JsonPropertyName("tokenId")]
    public string TokenId { get; set; } = "";

    [Required]
    [Description("The Secret key that holds the API token's secret (a UUID).")]
    [JsonPropertyName("secretRef")]
    public SecretKeyReference SecretRef { get; set; } = new();

    [Description("How the PVE server's certificate is checked. Verification is on unless insecureSkipVerify is set.")]
    [JsonPropertyName("tls")]
    public ProviderTlsSpec? Tls { get; set; }

    [RegularExpression(@"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$")]
    [DefaultValue("30s")]
    [Description("How often nodes and containers are observed, as a duration such as 30s or 1m. Default 30s.")]
    [JsonPropertyName("syncInterval")]
    public string? SyncInterval { get; set; }
}

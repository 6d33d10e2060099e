using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[OneOfRequired("tokenId", "secretRef")]
[OneOfRequired("passwordAuth")]
[Description("How the operator reaches the PVE API and how often it observes it.")]
public sealed class ProxmoxProviderSpec
{
    [Required]
    [StringLength(2048)]
    [RegularExpression(@"^https://([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?/?$")]
    [Description("Base URL of the PVE API, e.g. https://pve.example.com:8006 (without /api2/json).")]
    [JsonPropertyName("url")]
    public string Url { get; set; } = "";

    [StringLength(128)]
    [RegularExpression(@"^[^\s@!]+@[^\s@!]+![A-Za-z][A-Za-z0-9._-]*$")]
    [Description("API token id, USER@REALM!TOKENNAME, e.g. operator@pve!k8s. Exactly one of tokenId (with secretRef) and passwordAuth.")]
    [JsonPropertyName("tokenId")]
    public string? TokenId { get; set; }

    [Description("The Secret key that holds the API token's secret (a UUID). The Secret must be in the operator's namespace and carry the label pve-operator.io/credentials: \"true\".")]
    [JsonPropertyName("secretRef")]
    public SecretKeyReference? SecretRef { get; set; }

    [Description("Log in with a user name and password (a ticket) instead of an API token, e.g. for root@pam, which alone may set some container features. Users with a second factor cannot be used.")]
    [JsonPropertyName("passwordAuth")]
    public PasswordAuthSpec? PasswordAuth { get; set; }

    [Description("Which namespaces' LxcContainers may use this provider. Omitted: every namespace.")]
    [JsonPropertyName("allowedNamespaces")]
    public AllowedNamespaces? AllowedNamespaces { get; set; }

    [Description("How the PVE server's certificate is checked. Verification is on unless insecureSkipVerify is set.")]
    [JsonPropertyName("tls")]
    public ProviderTlsSpec? Tls { get; set; }

    [Description("Where VMIDs come from for LxcContainers created without spec.vmid. Omitted: PVE's next free id (GET /cluster/nextid).")]
    [JsonPropertyName("vmidRange")]
    public VmidRange? VmidRange { get; set; }

    [StringLength(32, MinimumLength = 2)]
    [RegularExpression(SyncIntervalPattern)]
    [DefaultValue("30s")]
    [Description("How often nodes and containers are observed, as a duration such as 30s or 1m, between 5s and 24h. Default 30s.")]
    [JsonPropertyName("syncInterval")]
    public string? SyncInterval { get; set; }

    /// <summary>A Go duration whose hours have at most two digits, so days and years are refused up front; the 5 s to 24 h bound is checked at run time.</summary>
    public const string SyncIntervalPattern = @"^([0-9]{1,2}(\.[0-9]+)?h)?([0-9]{1,4}(\.[0-9]+)?m)?([0-9]{1,5}(\.[0-9]+)?s)?([0-9]{1,8}ms)?$";

    public static readonly TimeSpan MinSyncInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxSyncInterval = TimeSpan.FromHours(24);
}

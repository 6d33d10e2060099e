using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("A key in a Secret of the resource's own namespace.")]
public sealed class LocalSecretKeyReference
{
    [Required]
    [StringLength(253, MinimumLength = 1)]
    [RegularExpression(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    [Description("Name of the Secret. It must carry the label pve-operator.io/credentials: \"true\".")]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [DefaultValue("password")]
    [StringLength(253, MinimumLength = 1)]
    [RegularExpression(@"^[-._a-zA-Z0-9]+$")]
    [Description("Key in the Secret's data. Default \"password\".")]
    [JsonPropertyName("key")]
    public string? Key { get; set; }
}

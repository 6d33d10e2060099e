using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("A key in a Secret.")]
public sealed class SecretKeyReference
{
    [Required]
    [StringLength(63, MinimumLength = 1)]
    [RegularExpression(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    [Description("Namespace of the Secret.")]
    [JsonPropertyName("namespace")]
    public string Namespace { get; set; } = "";

    [Required]
    [StringLength(253, MinimumLength = 1)]
    [RegularExpression(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    [Description("Name of the Secret.")]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [DefaultValue("secret")]
    [StringLength(253, MinimumLength = 1)]
    [RegularExpression(@"^[-._a-zA-Z0-9]+$")]
    [Description("Key in the Secret's data. Default \"secret\".")]
    [JsonPropertyName("key")]
    public string? Key { get; set; }
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("A reference to a ProxmoxProvider by name.")]
public sealed class ProviderReference
{
    [Required]
    [StringLength(253, MinimumLength = 1)]
    [RegularExpression(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    [Description("Name of the ProxmoxProvider.")]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

public sealed class LabelSelectorRequirement
{
    [Required]
    [StringLength(317, MinimumLength = 1)]
    [Description("The label key.")]
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    [Required]
    [Description("In, NotIn, Exists or DoesNotExist.")]
    [JsonPropertyName("operator")]
    public LabelSelectorOperator Operator { get; set; }

    [MaxItems(64)]
    [ItemStringLength(63)]
    [Description("Values for In and NotIn; empty for Exists and DoesNotExist.")]
    [JsonPropertyName("values")]
    public List<string>? Values { get; set; }
}

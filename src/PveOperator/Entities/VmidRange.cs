using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[ValidationRule("self.min <= self.max", "vmidRange.min must not be above vmidRange.max")]
[Description("The VMIDs the operator allocates from for containers created without spec.vmid.")]
public sealed class VmidRange
{
    [Required]
    [Range(100, 999999999)]
    [Description("The lowest VMID to allocate.")]
    [JsonPropertyName("min")]
    public int Min { get; set; }

    [Required]
    [Range(100, 999999999)]
    [Description("The highest VMID to allocate.")]
    [JsonPropertyName("max")]
    public int Max { get; set; }
}

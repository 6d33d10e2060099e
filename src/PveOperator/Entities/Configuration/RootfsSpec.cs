using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("The root disk.")]
public sealed class RootfsSpec
{
    [StringLength(9, MinimumLength = 3)]
    [RegularExpression(ConfigurationPatterns.DiskSize)]
    [ValidationRule(ConfigurationPatterns.GrowOnlyRule,
        "rootfs.size cannot shrink: Proxmox VE can only grow a disk. Keep the old size, or create a new container with a smaller disk")]
    [Description("Size in whole Gi or Ti, e.g. 16Gi. Grow only: PVE cannot shrink a disk (a smaller size is refused, reason CannotShrink). Grown online with a resize task.")]
    [JsonPropertyName("size")]
    public string? Size { get; set; }
}

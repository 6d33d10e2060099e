using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("A volume mounted into the container (PVE mpN). A new one is created on its storage; a mount point removed from the list is detached (PVE keeps its volume as unusedN).")]
public sealed class MountPointSpec
{
    [Required]
    [StringLength(5, MinimumLength = 3)]
    [RegularExpression(ConfigurationPatterns.MountPointName)]
    [Description("The PVE key, mp0 to mp255: identifies the mount point.")]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [StringLength(64, MinimumLength = 1)]
    [RegularExpression(ConfigurationPatterns.StorageId)]
    [Description("The storage a new volume is allocated on, e.g. local-lvm. Used only when the mount point is created; an existing volume stays where it is.")]
    [JsonPropertyName("storage")]
    public string? Storage { get; set; }

    [Required]
    [StringLength(9, MinimumLength = 3)]
    [RegularExpression(ConfigurationPatterns.DiskSize)]
    [ValidationRule(ConfigurationPatterns.GrowOnlyRule,
        "a mount point's size cannot shrink: Proxmox VE can only grow a disk. Keep the old size, or add a new mount point")]
    [Description("Size in whole Gi or Ti, e.g. 32Gi. Grow only: a smaller size is refused (reason CannotShrink).")]
    [JsonPropertyName("size")]
    public string Size { get; set; } = "";

    [Required]
    [StringLength(255, MinimumLength = 1)]
    [RegularExpression(ConfigurationPatterns.MountPath)]
    [Description("Where the volume is mounted inside the container, e.g. /data. A change is applied at the next start.")]
    [JsonPropertyName("path")]
    public string Path { get; set; } = "";

    [Description("Include the volume in vzdump backups (PVE backup). Applied at the next start on a running container.")]
    [JsonPropertyName("backup")]
    public bool? Backup { get; set; }

    [Description("Mount read-only (PVE ro). Applied at the next start on a running container.")]
    [JsonPropertyName("readOnly")]
    public bool? ReadOnly { get; set; }
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("The container (usually a template) a new container is cloned from.")]
public sealed class CloneSource
{
    [Required]
    [Range(100, 999999999)]
    [Description("The VMID of the container to clone, in the same provider.")]
    [JsonPropertyName("vmid")]
    public int Vmid { get; set; }

    [Description("true: a full copy of every disk; false: a linked clone, which PVE allows only from a template. Omitted: PVE's default (linked from a template, full otherwise).")]
    [JsonPropertyName("full")]
    public bool? Full { get; set; }
}

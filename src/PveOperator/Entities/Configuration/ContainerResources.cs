using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("CPU and memory. Every field is applied at once on a running container (cores by PVE's next CPU rebalance).")]
public sealed class ContainerResources
{
    [Range(1, 8192)]
    [Description("CPU cores the container may use (PVE cores).")]
    [JsonPropertyName("cores")]
    public int? Cores { get; set; }

    [StringLength(7, MinimumLength = 1)]
    [RegularExpression(@"^(0|[1-9][0-9]{0,3})(\.[0-9]{1,2})?$")]
    [Description("CPU time limit in cores, e.g. \"1.5\"; \"0\" means no limit (PVE cpulimit).")]
    [JsonPropertyName("cpuLimit")]
    public string? CpuLimit { get; set; }

    [Range(1, 500000)]
    [Description("Relative CPU weight against other containers (PVE cpuunits; PVE's default is 100 on cgroup v2).")]
    [JsonPropertyName("cpuUnits")]
    public int? CpuUnits { get; set; }

    [StringLength(12, MinimumLength = 2)]
    [RegularExpression(ConfigurationPatterns.Memory)]
    [Description("Memory as a Kubernetes quantity in Mi, Gi or Ti, e.g. 1Gi (PVE memory, in MiB).")]
    [JsonPropertyName("memory")]
    public string? Memory { get; set; }

    [StringLength(12, MinimumLength = 1)]
    [RegularExpression(ConfigurationPatterns.Swap)]
    [Description("Swap as a Kubernetes quantity in Mi, Gi or Ti, e.g. 512Mi, or 0 (PVE swap, in MiB).")]
    [JsonPropertyName("swap")]
    public string? Swap { get; set; }
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("Boot order and delays when the node starts and stops its guests (PVE startup).")]
public sealed class StartupSpec
{
    [Range(0, 100000)]
    [Description("Start order: lower starts first, and stops last.")]
    [JsonPropertyName("order")]
    public int? Order { get; set; }

    [StringLength(20, MinimumLength = 2)]
    [RegularExpression(ConfigurationPatterns.Duration)]
    [Description("Wait after starting this container before starting the next, e.g. 10s (whole seconds).")]
    [JsonPropertyName("upDelay")]
    public string? UpDelay { get; set; }

    [StringLength(20, MinimumLength = 2)]
    [RegularExpression(ConfigurationPatterns.Duration)]
    [Description("Time this container is given to shut down before the node moves on, e.g. 30s (whole seconds).")]
    [JsonPropertyName("downDelay")]
    public string? DownDelay { get; set; }
}

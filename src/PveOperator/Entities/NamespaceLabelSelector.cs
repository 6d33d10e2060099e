using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

/// <summary>A Kubernetes label selector on namespaces: every matchLabels entry and every expression must hold.</summary>
public sealed class NamespaceLabelSelector
{
    [MaxProperties(64)]
    [Description("Labels the namespace must carry with exactly these values.")]
    [JsonPropertyName("matchLabels")]
    public Dictionary<string, string>? MatchLabels { get; set; }

    [MaxItems(64)]
    [Description("Label requirements, all of which must hold.")]
    [JsonPropertyName("matchExpressions")]
    public List<LabelSelectorRequirement>? MatchExpressions { get; set; }
}

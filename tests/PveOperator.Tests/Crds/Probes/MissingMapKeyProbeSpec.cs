using System.ComponentModel;
using System.Text.Json.Serialization;
using PveOperator.Entities;

namespace PveOperator.Tests.Crds.Probes;

[Description("A map list keyed by a field its items do not have.")]
internal sealed class MissingMapKeyProbeSpec
{
    [ListType(ListType.Map, "id")]
    [Description("Keyed by a missing field.")]
    [JsonPropertyName("nodes")]
    public List<ProviderNodeStatus>? Nodes { get; set; }
}

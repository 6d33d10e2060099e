using System.ComponentModel;
using System.Text.Json.Serialization;
using PveOperator.Entities;

namespace PveOperator.Tests.Crds.Probes;

[Description("A list type on a field that is no list.")]
internal sealed class ListOnScalarProbeSpec
{
    [ListType(ListType.Set)]
    [Description("Not a list.")]
    [JsonPropertyName("name")]
    public string? Name { get; set; }
}

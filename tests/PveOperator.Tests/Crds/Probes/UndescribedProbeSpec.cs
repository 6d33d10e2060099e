using System.ComponentModel;
using System.Text.Json.Serialization;

namespace PveOperator.Tests.Crds.Probes;

[Description("A field without a description.")]
internal sealed class UndescribedProbeSpec
{
    [JsonPropertyName("mystery")]
    public string? Mystery { get; set; }
}

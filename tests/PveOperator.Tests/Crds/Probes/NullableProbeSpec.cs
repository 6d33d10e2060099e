using System.ComponentModel;
using System.Text.Json.Serialization;
using PveOperator.Entities;

namespace PveOperator.Tests.Crds.Probes;

[Description("Two optional fields, one where null means something.")]
internal sealed class NullableProbeSpec
{
    [Description("Omitted or set.")]
    [JsonPropertyName("plain")]
    public string? Plain { get; set; }

    [AcceptsNull]
    [Description("Null clears it.")]
    [JsonPropertyName("clearable")]
    public string? Clearable { get; set; }
}

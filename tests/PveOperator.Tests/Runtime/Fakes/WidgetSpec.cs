using System.Text.Json.Serialization;

namespace PveOperator.Tests.Runtime.Fakes;

internal sealed class WidgetSpec
{
    [JsonPropertyName("size")]
    public int Size { get; set; }
}

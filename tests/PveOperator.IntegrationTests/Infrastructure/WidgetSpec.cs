using System.Text.Json.Serialization;

namespace PveOperator.IntegrationTests.Infrastructure;

internal sealed class WidgetSpec
{
    [JsonPropertyName("size")]
    public int Size { get; set; }

    [JsonPropertyName("secretName")]
    public string? SecretName { get; set; }
}

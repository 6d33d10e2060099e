using System.Text.Json.Serialization;

namespace PveOperator.Entities;

/// <summary>A PVE task the operator started and has not yet seen end.</summary>
public sealed class PendingTaskStatus
{
    [JsonPropertyName("upid")]
    public string Upid { get; set; } = "";

    /// <summary>start, shutdown or stop.</summary>
    [JsonPropertyName("action")]
    public string Action { get; set; } = "";

    [JsonPropertyName("startedAt")]
    public DateTime StartedAt { get; set; }
}

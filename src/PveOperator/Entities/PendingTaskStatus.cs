using System.ComponentModel;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("A PVE task the operator started and has not yet seen end.")]
public sealed class PendingTaskStatus
{
    [Description("The task's UPID, as PVE names it.")]
    [JsonPropertyName("upid")]
    public string Upid { get; set; } = "";

    [Description("What the task does: start, shutdown or stop.")]
    [JsonPropertyName("action")]
    public string Action { get; set; } = "";

    [Description("When the operator started the task.")]
    [JsonPropertyName("startedAt")]
    public DateTime StartedAt { get; set; }
}

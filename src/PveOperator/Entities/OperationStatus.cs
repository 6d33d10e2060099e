using System.ComponentModel;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

/// <summary>
/// The PVE operation the operator sent and has not yet seen end. Written before the request whose outcome could be
/// lost, so that a restarted operator resumes from it instead of sending the request again.
/// </summary>
[Description("The PVE operation the operator sent and has not seen end yet; a restarted operator resumes from it.")]
public sealed class OperationStatus
{
    [Description("What was asked of PVE: start, shutdown, create, clone, destroy, resize, restart or migrate.")]
    [JsonPropertyName("type")]
    public OperationType Type { get; set; }

    [Description("The PVE task id (UPID) of the operation, once PVE has answered.")]
    [JsonPropertyName("upid")]
    public string? Upid { get; set; }

    [Description("When the operator sent the request.")]
    [JsonPropertyName("startedAt")]
    public DateTime StartedAt { get; set; }

    [Description("The node the operation's container is on (for a create or clone: where it will be).")]
    [JsonPropertyName("node")]
    public string? Node { get; set; }

    [Description("The storage whose allocation slot a create, clone or destroy holds.")]
    [JsonPropertyName("storage")]
    public string? Storage { get; set; }

    [Description("The disk a resize grows (rootfs, mpN).")]
    [JsonPropertyName("disk")]
    public string? Disk { get; set; }

    [Description("The node a migration moves the container to.")]
    [JsonPropertyName("target")]
    public string? Target { get; set; }

    [Description("The spec generation the operation was sent for.")]
    [JsonPropertyName("generation")]
    public long Generation { get; set; }
}

using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>GET /nodes/{node}/tasks/{upid}/status. There is no end time in it (only the task list has one).</summary>
public sealed record PveTaskStatus
{
    public const string RunningStatus = "running";
    public const string StoppedStatus = "stopped";

    [JsonPropertyName("upid")]
    public string Upid { get; init; } = "";

    [JsonPropertyName("node")]
    public string Node { get; init; } = "";

    [JsonPropertyName("pid")]
    public long Pid { get; init; }

    [JsonPropertyName("pstart")]
    public long PStart { get; init; }

    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("starttime")]
    public long StartTime { get; init; }

    [JsonPropertyName("type")]
    public string Type { get; init; } = "";

    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary>For a task started by a token this is the owning user; the token name is in <see cref="TokenId"/>.</summary>
    [JsonPropertyName("user")]
    public string User { get; init; } = "";

    [JsonPropertyName("tokenid")]
    public string? TokenId { get; init; }

    /// <summary>running or stopped.</summary>
    [JsonPropertyName("status")]
    public string Status { get; init; } = "";

    /// <summary>Present once stopped: OK, WARNINGS: n, or the error text.</summary>
    [JsonPropertyName("exitstatus")]
    public string? ExitStatus { get; init; }

    [JsonIgnore]
    public PveTaskState State =>
        Status != StoppedStatus ? PveTaskState.Running
        : PveTaskExitStatus.IsSuccess(ExitStatus) ? PveTaskState.Succeeded
        : PveTaskState.Failed;

    [JsonIgnore]
    public bool IsRunning => State == PveTaskState.Running;

    [JsonIgnore]
    public bool Succeeded => State == PveTaskState.Succeeded;

    /// <summary>Why the task failed; null unless <see cref="State"/> is Failed.</summary>
    [JsonIgnore]
    public string? FailureText =>
        State == PveTaskState.Failed ? (string.IsNullOrWhiteSpace(ExitStatus) ? "task stopped without an exit status" : ExitStatus.Trim()) : null;

    /// <summary>
    /// What the failure means, from its text: <see cref="PveErrorKind.Locked"/> for "CT is locked (...)" or "can't lock
    /// file", <see cref="PveErrorKind.NotFound"/> for a missing config, otherwise Other; null unless Failed.
    /// </summary>
    [JsonIgnore]
    public PveErrorKind? FailureKind => FailureText is { } text ? PveErrorClassifier.ClassifyTaskFailure(text) : null;

    /// <summary>The n of a <c>WARNINGS: n</c> success.</summary>
    [JsonIgnore]
    public int Warnings => PveTaskExitStatus.WarningCount(ExitStatus);
}

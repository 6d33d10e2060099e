namespace PveOperator.Controllers;

/// <summary>What GET /nodes/{node}/tasks/{upid}/status said of the pending operation's task.</summary>
internal abstract record TaskObservation
{
    private TaskObservation()
    {
    }

    /// <summary>Still running, <paramref name="SincePost"/> after the request.</summary>
    public sealed record Running(TimeSpan SincePost) : TaskObservation;

    /// <summary>Ended, well or not (<paramref name="FailureText"/> is PVE's exit status then).</summary>
    public sealed record Ended(bool Succeeded, string? FailureText, TimeSpan SincePost) : TaskObservation;

    /// <summary>PVE does not know the task ("no such task"): a rebooted node, or a front end that mangled the UPID.</summary>
    public sealed record Unknown : TaskObservation;

    /// <summary>The recorded UPID cannot be parsed: nothing to poll.</summary>
    public sealed record Unparsable : TaskObservation;
}

namespace PveOperator.Runtime;

/// <summary>
/// What a reconciler wants to happen to its key next, as in controller-runtime's <c>Result</c>.
/// </summary>
internal readonly record struct ReconcileResult
{
    private ReconcileResult(RequeueMode mode, TimeSpan delay)
    {
        Mode = mode;
        Delay = delay;
    }

    public RequeueMode Mode { get; }

    /// <summary>The delay of <see cref="RequeueMode.After"/>; zero otherwise.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Nothing more to do until the object (or something mapped to it) changes.</summary>
    public static ReconcileResult Done { get; } = new(RequeueMode.None, TimeSpan.Zero);

    /// <summary>Try again with the key's growing backoff, without counting it as an error.</summary>
    public static ReconcileResult Requeue { get; } = new(RequeueMode.WithBackoff, TimeSpan.Zero);

    /// <summary>Try again after a fixed delay (e.g. polling an external system); resets the backoff.</summary>
    public static ReconcileResult RequeueAfter(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new ReconcileResult(RequeueMode.After, delay);
    }

    public override string ToString() => Mode switch
    {
        RequeueMode.None => "Done",
        RequeueMode.WithBackoff => "Requeue",
        _ => $"RequeueAfter({Delay})",
    };
}

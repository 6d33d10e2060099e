namespace PveOperator.Runtime;

internal sealed record EventRecorderOptions
{
    /// <summary>Shown as the event's source (<c>kubectl describe</c>: "From").</summary>
    public string Component { get; init; } = "pve-operator";

    /// <summary>Which replica reported it; the host name by default.</summary>
    public string Instance { get; init; } = Environment.MachineName;

    /// <summary>
    /// An event identical to one recorded less than this long ago (same object, type, reason and
    /// message) raises that event's count instead of creating another.
    /// </summary>
    public TimeSpan AggregationWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How many distinct recent events are remembered for aggregation (least recently used go first).</summary>
    public int MaxTrackedEvents { get; init; } = 4096;
}

namespace PveSimulator.Admin;

/// <summary>The whole fault set of POST /_sim/faults; it replaces what was set before.</summary>
internal sealed record FaultSpec
{
    public IReadOnlyList<ErrorRateSpec>? ErrorRates { get; init; }
    public double AddedLatencyMs { get; init; }
    public double DropConnectionRate { get; init; }
    public int? Seed { get; init; }

    public void ApplyTo(FaultInjection faults)
    {
        faults.Clear();
        if (Seed is { } seed)
        {
            faults.UseSeed(seed);
        }

        foreach (var rule in ErrorRates ?? [])
        {
            faults.SetErrorRate(rule.Method, rule.Template, rule.Rate, rule.StatusCode, rule.ReasonPhrase);
        }

        faults.AddedLatency = TimeSpan.FromMilliseconds(AddedLatencyMs);
        faults.DropConnectionRate = DropConnectionRate;
    }
}

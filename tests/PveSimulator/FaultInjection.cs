namespace PveSimulator;

/// <summary>Faults applied to incoming requests; all off by default.</summary>
public sealed class FaultInjection
{
    /// <summary>Fails this share (0..1) of matching requests with the status (500, 595 or 596). Method null = any, template null = any.</summary>
    public void SetErrorRate(string? method, string? template, double rate, int statusCode) => throw new NotImplementedException();
    /// <summary>Adds latency to every request.</summary>
    public TimeSpan AddedLatency { get; set; }
    /// <summary>Share (0..1) of requests whose connection is dropped without an answer.</summary>
    public double DropConnectionRate { get; set; }
    public void Clear() => throw new NotImplementedException();
}

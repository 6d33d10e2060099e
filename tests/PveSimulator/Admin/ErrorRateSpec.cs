namespace PveSimulator.Admin;

/// <summary>One error-rate rule of POST /_sim/faults; see <see cref="FaultInjection.SetErrorRate(string?, string?, double, int, string?)"/>.</summary>
internal sealed record ErrorRateSpec(string? Method, string? Template, double Rate, int StatusCode, string? ReasonPhrase = null);

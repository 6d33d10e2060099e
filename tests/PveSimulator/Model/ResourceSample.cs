namespace PveSimulator.Model;

/// <summary>
/// What pvestatd last wrote to the RRD for a guest. /cluster/resources takes status, name and template from
/// here, which is why it lags behind the real state by up to one refresh interval.
/// </summary>
internal sealed record ResourceSample(bool Running, string Name, bool Template, double MaxCpu, long MaxMemBytes, long MaxDiskBytes, long UptimeSeconds);

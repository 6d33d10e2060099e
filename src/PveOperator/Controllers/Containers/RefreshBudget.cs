namespace PveOperator.Controllers;

/// <summary>
/// The per-provider budget of slow periodic reads (addresses, configs): each container is read every interval, or
/// less often when the provider's containers would otherwise cost more than the budget's reads a minute, so that
/// steady-state PVE load stays constant in the number of containers.
/// </summary>
internal static class RefreshBudget
{
    public static TimeSpan Every(TimeSpan interval, int perMinute, int containers)
    {
        if (interval <= TimeSpan.Zero || perMinute <= 0)
        {
            return interval;
        }

        var spread = TimeSpan.FromMinutes(containers / (double)perMinute);
        return spread > interval ? spread : interval;
    }

    /// <summary>Up to 10% earlier, so that a thousand containers read together do not read together forever.</summary>
    public static TimeSpan Jitter(TimeSpan delay, double sample) =>
        delay <= TimeSpan.Zero ? TimeSpan.Zero : delay - TimeSpan.FromTicks((long)(delay.Ticks * 0.1 * sample));
}

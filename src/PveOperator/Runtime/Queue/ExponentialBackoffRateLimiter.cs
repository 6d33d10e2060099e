namespace PveOperator.Runtime;

/// <summary>
/// Per-item exponential backoff: baseDelay * 2^failures, capped at maxDelay. The defaults are
/// controller-runtime's (5 ms up to 1000 s).
/// </summary>
internal sealed class ExponentialBackoffRateLimiter<T>(TimeSpan baseDelay, TimeSpan maxDelay) : IRateLimiter<T>
    where T : notnull
{
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(5);
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(1000);

    private readonly Dictionary<T, int> failures = [];
    private readonly Lock gate = new();

    public ExponentialBackoffRateLimiter()
        : this(DefaultBaseDelay, DefaultMaxDelay)
    {
    }

    public TimeSpan When(T item)
    {
        int exponent;
        lock (gate)
        {
            failures.TryGetValue(item, out exponent);
            failures[item] = exponent + 1;
        }

        // Computed in double so that a long run of failures cannot overflow before the cap applies.
        var delayTicks = baseDelay.Ticks * Math.Pow(2, exponent);
        return delayTicks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)delayTicks);
    }

    public void Forget(T item)
    {
        lock (gate)
        {
            failures.Remove(item);
        }
    }

    public int NumRequeues(T item)
    {
        lock (gate)
        {
            return failures.GetValueOrDefault(item);
        }
    }
}

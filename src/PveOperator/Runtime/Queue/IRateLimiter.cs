namespace PveOperator.Runtime;

/// <summary>How long an item waits before its next retry (client-go's <c>RateLimiter</c>).</summary>
internal interface IRateLimiter<in T>
{
    /// <summary>The delay before the item's next try; counts one more failure.</summary>
    TimeSpan When(T item);

    /// <summary>The item succeeded: its next failure starts from the base delay again.</summary>
    void Forget(T item);

    /// <summary>How many failures the item has had since it was last forgotten.</summary>
    int NumRequeues(T item);
}

namespace PveOperator.Runtime;

/// <summary>Timing of an informer's list/watch loop.</summary>
internal sealed record InformerOptions
{
    /// <summary>
    /// How long the server keeps one watch open; each watch picks a random length between this and
    /// twice this, like client-go, so that many watches do not reconnect together.
    /// </summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>First wait before re-listing after a failure; doubles per failure in a row.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A watch that ends sooner than this without a single event counts as a failure.</summary>
    public TimeSpan MinWatchDuration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Tests only: holds each watch event this long before the cache sees it, so that a test can make the cache lag
    /// behind the API server (and the operator's own writes) deterministically. Zero (the default) adds nothing.
    /// </summary>
    public TimeSpan WatchEventDelay { get; init; }
}

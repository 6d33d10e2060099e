using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PveOperator.Runtime;
using PveOperator.Tests.Runtime.Fakes;

namespace PveOperator.Tests.Runtime;

/// <summary>The test hook that makes an informer's cache lag the API server (InformerOptions.WatchEventDelay).</summary>
public sealed class LaggingListWatchTests : IAsyncDisposable
{
    private static readonly TimeSpan Lag = TimeSpan.FromSeconds(5);

    private readonly FakeListWatch server = new();
    private readonly FakeTimeProvider clock = new();
    private readonly CancellationTokenSource stop = new();
    private readonly EntityInformer<Widget> informer;
    private Task running = Task.CompletedTask;

    public LaggingListWatchTests()
    {
        informer = new EntityInformer<Widget>(server, NullLogger.Instance, clock, new InformerOptions { WatchEventDelay = Lag });
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await running.WaitAsync(Eventually.DefaultTimeout);
        stop.Dispose();
    }

    [Fact]
    public async Task Watch_events_reach_the_cache_only_after_the_delay_and_in_order()
    {
        server.Create("a", 1);
        running = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal(1, informer.Cache.Get("default/a")!.Spec.Size);

        await Eventually.TrueAsync(() => server.OpenWatches == 1, "the watch is open");

        server.Update("a", 2);
        // The lag counts from when the event was taken in: the clock moves only after that (a busy CI machine may take a while).
        await Eventually.TrueAsync(() => server.Consumed == 1, "the watch took the first update in");
        await Eventually.ConsistentlyAsync(() => informer.Cache.Get("default/a")!.Spec.Size == 1, "the cache lags", Eventually.BriefWhile);
        clock.Advance(TimeSpan.FromSeconds(2));
        server.Update("a", 3);
        await Eventually.TrueAsync(() => server.Consumed == 2, "the watch took the second update in");
        await Eventually.ConsistentlyAsync(() => informer.Cache.Get("default/a")!.Spec.Size == 1, "the cache lags", Eventually.BriefWhile);

        clock.Advance(TimeSpan.FromSeconds(3));
        await Eventually.TrueAsync(() => informer.Cache.Get("default/a")!.Spec.Size == 2, "the first update arrives after the delay");
        await Eventually.ConsistentlyAsync(() => informer.Cache.Get("default/a")!.Spec.Size == 2, "the second one is still held", Eventually.BriefWhile);

        clock.Advance(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(() => informer.Cache.Get("default/a")!.Spec.Size == 3, "the second update arrives its own delay after it came");
    }

    [Fact]
    public async Task A_failing_watch_still_fails_after_the_events_it_delivered()
    {
        server.Create("a", 1);
        running = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.DefaultTimeout);
        await Eventually.TrueAsync(() => server.OpenWatches == 1, "the watch is open");

        server.FailWatches(new InvalidOperationException("connection reset"));

        // The informer re-lists after its backoff (800 ms by default), on the fake clock.
        await Eventually.TrueAsync(() =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(500));
            return server.ListCalls >= 2;
        }, "the failure reached the informer, which listed again");
    }
}

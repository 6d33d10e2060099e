using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using PveOperator.Runtime;
using PveOperator.Tests.Runtime.Fakes;

namespace PveOperator.Tests.Runtime;

public sealed class EntityInformerTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly FakeListWatch server = new();
    private readonly EntityInformer<Widget> informer;
    private readonly ConcurrentQueue<EntityEvent<Widget>> events = new();
    private readonly CancellationTokenSource stop = new();
    private Task? running;

    public EntityInformerTests()
    {
        informer = new EntityInformer<Widget>(
            server,
            NullLogger.Instance,
            options: new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(5) });
        informer.AddHandler(events.Enqueue);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (running is not null)
        {
            await running.WaitAsync(Timeout);
        }

        stop.Dispose();
    }

    [Fact]
    public async Task The_first_list_fills_the_cache_and_reports_additions()
    {
        server.Create("a", 1);
        server.Create("b", 2);

        await StartAsync();

        Assert.True(informer.HasSynced);
        Assert.Equal(2, informer.Cache.Count);
        Assert.Equal(1, informer.Cache.Get("default/a")!.Spec.Size);
        Assert.Equal(["Added default/a", "Added default/b"], Describe().Order());
    }

    [Fact]
    public async Task Watch_events_update_the_cache_and_reach_handlers()
    {
        server.Create("a", 1);
        await StartAsync();
        events.Clear();

        server.Update("a", 5);
        server.Create("b");
        server.Delete("a");

        await Eventually.TrueAsync(() => events.Count == 3);
        Assert.Equal(["Modified default/a", "Added default/b", "Deleted default/a"], Describe());
        var modified = events.First();
        Assert.Equal(1, modified.Previous!.Spec.Size);
        Assert.Equal(5, modified.Entity.Spec.Size);
        Assert.Null(informer.Cache.Get("default/a"));
        Assert.NotNull(informer.Cache.Get("default/b"));
    }

    [Fact]
    public async Task A_watch_closed_by_the_server_resumes_from_the_newest_bookmark_without_a_relist()
    {
        server.Create("a");
        await StartAsync();

        server.Bookmark();
        await Eventually.TrueAsync(() => informer.ResourceVersion == "102");
        server.CloseWatches();

        await Eventually.TrueAsync(() => server.WatchedFrom.Count == 2);
        Assert.Equal(["101", "102"], server.WatchedFrom);
        Assert.Equal(1, server.ListCalls);
    }

    [Fact]
    public async Task Gone_relists_and_reports_every_change_missed_while_disconnected()
    {
        server.Create("kept", 1);
        server.Create("changed", 1);
        server.Create("removed", 1);
        await StartAsync();
        events.Clear();

        // Changes the informer never hears about, then history compacted: the next watch gets 410.
        server.WriteSilently(s =>
        {
            s.Update("changed", 2);
            s.Delete("removed");
            s.Create("added", 3);
        });
        server.CloseWatches();

        await Eventually.TrueAsync(() => events.Count == 3);
        Assert.Equal(2, server.ListCalls);
        Assert.Equal(["Added default/added", "Deleted default/removed", "Modified default/changed"], Describe().Order());
        Assert.Equal(2, informer.Cache.Get("default/changed")!.Spec.Size);
        Assert.Equal(["default/added", "default/changed", "default/kept"], informer.Cache.Keys().Order());
    }

    [Fact]
    public async Task A_failing_watch_relists_with_backoff_until_it_works_again()
    {
        server.Create("a");
        await StartAsync();

        server.FailWatches(new HttpRequestException("connection reset"));
        await Eventually.TrueAsync(() => server.ListCalls >= 3);
        server.FailWatches(null);
        server.Update("a", 7);

        await Eventually.TrueAsync(() => informer.Cache.Get("default/a")!.Spec.Size == 7);
    }

    [Fact]
    public async Task A_failing_handler_does_not_stop_the_informer()
    {
        informer.AddHandler(_ => throw new InvalidOperationException("handler bug"));
        await StartAsync();

        server.Create("a");
        server.Create("b");

        await Eventually.TrueAsync(() => informer.Cache.Count == 2 && events.Count == 2);
    }

    [Fact]
    public async Task Indexes_follow_changes()
    {
        informer.Cache.AddIndex("size", w => [w.Spec.Size.ToString()]);
        server.Create("a", 1);
        server.Create("b", 1);
        await StartAsync();

        Assert.Equal(["default/a", "default/b"], informer.Cache.KeysByIndex("size", "1").Order());

        server.Update("a", 2);
        await Eventually.TrueAsync(() => informer.Cache.KeysByIndex("size", "2").Count == 1);
        Assert.Equal(["default/b"], informer.Cache.KeysByIndex("size", "1"));
        Assert.Empty(informer.Cache.ByIndex("size", "3"));
    }

    [Fact]
    public async Task Cancellation_stops_the_watch()
    {
        await StartAsync();
        await Eventually.TrueAsync(() => server.OpenWatches == 1);

        await stop.CancelAsync();
        await running!.WaitAsync(Timeout);

        Assert.Equal(0, server.OpenWatches);
    }

    [Fact]
    public async Task The_event_of_an_own_write_drops_its_record_and_a_deletion_drops_any()
    {
        var created = server.Create("a", 1);
        await StartAsync();
        var next = long.Parse(created.Metadata.ResourceVersion) + 1;
        var written = Widget.Named("a");
        written.Metadata.ResourceVersion = next.ToString();
        informer.OwnWrites.Record(written);
        Assert.Equal(1, informer.OwnWrites.Count);

        server.TouchStatus("a");

        await Eventually.TrueAsync(() => informer.OwnWrites.Count == 0, "the write's event dropped the record");

        written.Metadata.ResourceVersion = (next + 10).ToString();
        informer.OwnWrites.Record(written);
        server.Delete("a");

        await Eventually.TrueAsync(() => informer.OwnWrites.Count == 0, "the deletion dropped the record");
        Assert.Null(informer.OwnWrites.Read("default/a").Entity);
    }

    private async Task StartAsync()
    {
        running = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    private List<string> Describe() => [.. events.Select(e => $"{e.Type} {EntityKey.Of(e.Entity)}")];
}

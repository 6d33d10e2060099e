using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.Runtime;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Runtime;

[Collection(ControlPlaneCollection.Name)]
public sealed class InformerRecoveryTests(ControlPlaneFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private const int ChangesWhileDisconnected = 5;

    private readonly ILoggerFactory loggerFactory = LoggerFactory.Create(builder =>
        builder.SetMinimumLevel(LogLevel.Debug).AddProvider(new TestOutputLoggerProvider(output)));

    private string ns = string.Empty;

    public async Task InitializeAsync() => ns = await cluster.CreateNamespaceAsync();

    public async Task DisposeAsync()
    {
        await cluster.Client.RemoveAllWidgetsAsync(ns);
        loggerFactory.Dispose();
    }

    [Fact]
    public async Task A_watch_closed_by_the_server_resumes_without_a_relist_and_misses_nothing()
    {
        var client = cluster.Client;
        await client.CreateAsync(Widget.New(ns, "a", 1));
        var listWatch = new InterruptibleListWatch<Widget>(ListWatches.CustomResources<Widget>(client, ns));
        var informer = new EntityInformer<Widget>(
            listWatch, loggerFactory.CreateLogger("Informer"), options: new InformerOptions { MinWatchDuration = TimeSpan.Zero });
        using var stop = new CancellationTokenSource();
        var running = informer.RunAsync(stop.Token);
        try
        {
            await Eventually.CompletesAsync(informer.WaitForSyncAsync(CancellationToken.None), "the informer synced");

            listWatch.Disconnect();
            await client.ResizeAsync(ns, "a", 2);
            await client.CreateAsync(Widget.New(ns, "b", 3));
            listWatch.Reconnect();

            await Eventually.TrueAsync(
                () => informer.Cache.Get($"{ns}/a")?.Spec.Size == 2 && informer.Cache.Get($"{ns}/b") is not null,
                "the changes made while disconnected arrive");
            Assert.Equal(1, listWatch.Lists);
            Assert.Empty(listWatch.WatchFailures);
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    [Fact]
    public async Task A_watch_answered_with_Gone_relists_and_reports_every_change_missed_meanwhile()
    {
        var client = cluster.Client;
        await client.CreateAsync(Widget.New(ns, "kept", 1));
        await client.CreateAsync(Widget.New(ns, "changed", 1));
        await client.CreateAsync(Widget.New(ns, "removed", 1));
        var listWatch = new InterruptibleListWatch<Widget>(ListWatches.CustomResources<Widget>(client, ns));
        var informer = new EntityInformer<Widget>(
            listWatch,
            loggerFactory.CreateLogger("Informer"),
            options: new InformerOptions { MinWatchDuration = TimeSpan.Zero });
        var events = new ConcurrentQueue<EntityEvent<Widget>>();
        informer.AddHandler(events.Enqueue);
        using var stop = new CancellationTokenSource();
        var running = informer.RunAsync(stop.Token);
        try
        {
            await Eventually.CompletesAsync(informer.WaitForSyncAsync(CancellationToken.None), "the informer synced");
            events.Clear();

            listWatch.Disconnect();
            for (var size = 2; size < 2 + ChangesWhileDisconnected; size++)
            {
                await client.ResizeAsync(ns, "changed", size);
            }

            await client.DeleteWidgetAsync(ns, "removed");
            await client.CreateAsync(Widget.New(ns, "added", 7));
            listWatch.Reconnect(asIfDisconnectedForLong: true);

            await Eventually.TrueAsync(() => events.Count >= 3, "the re-list reports three changes");
            Assert.Contains(listWatch.WatchFailures, ApiErrors.IsGone);
            Assert.Equal(2, listWatch.Lists);
            Assert.Equal(
                ["Added default/added", "Deleted default/removed", "Modified default/changed"],
                events.Select(e => $"{e.Type} default/{e.Entity.Metadata.Name}").Order());
            Assert.Equal(ChangesWhileDisconnected + 1, informer.Cache.Get($"{ns}/changed")!.Spec.Size);
            Assert.Equal(["added", "changed", "kept"], informer.Cache.List().Select(w => w.Metadata.Name).Order());

            // And it keeps watching from the re-list.
            await client.ResizeAsync(ns, "kept", 42);
            await Eventually.TrueAsync(() => informer.Cache.Get($"{ns}/kept")!.Spec.Size == 42, "a later change arrives by watch");
            Assert.Equal(2, listWatch.Lists);
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }
}

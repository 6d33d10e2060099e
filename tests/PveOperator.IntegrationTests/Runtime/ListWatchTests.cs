using k8s;
using k8s.Models;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.Runtime;

namespace PveOperator.IntegrationTests.Runtime;

[Collection(ControlPlaneCollection.Name)]
public sealed class ListWatchTests(ControlPlaneFixture cluster) : IAsyncLifetime
{
    private string ns = string.Empty;

    public async Task InitializeAsync() => ns = await cluster.CreateNamespaceAsync();

    public Task DisposeAsync() => cluster.Client.RemoveAllWidgetsAsync(ns);

    [Fact]
    public async Task Lists_then_watches_custom_resources_from_the_lists_resourceVersion()
    {
        await cluster.Client.CreateAsync(Widget.New(ns, "a", 1));
        var listWatch = ListWatches.CustomResources<Widget>(cluster.Client, ns);

        var snapshot = await listWatch.ListAsync(CancellationToken.None);
        Assert.Equal("a", Assert.Single(snapshot.Items).Metadata.Name);
        Assert.NotEmpty(snapshot.ResourceVersion);

        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<string>();
        var watching = Task.Run(async () =>
        {
            await foreach (var change in listWatch.WatchAsync(snapshot.ResourceVersion, TimeSpan.FromSeconds(30), cancellation.Token))
            {
                seen.Add($"{change.Type} {change.Object.Metadata.Name} {change.Object.Spec.Size}");
                if (change.Type == WatchEventType.Deleted)
                {
                    return;
                }
            }
        });
        await cluster.Client.CreateAsync(Widget.New(ns, "b", 2));
        await cluster.Client.ResizeAsync(ns, "b", 3);
        await cluster.Client.DeleteWidgetAsync(ns, "b");

        await watching.WaitAsync(cancellation.Token);
        Assert.Equal(["Added b 2", "Modified b 3", "Deleted b 3"], seen);
    }

    [Fact]
    public async Task A_watch_without_events_ends_normally_when_the_server_times_it_out()
    {
        var listWatch = ListWatches.CustomResources<Widget>(cluster.Client, ns);
        var snapshot = await listWatch.ListAsync(CancellationToken.None);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<WatchEventType>();

        await foreach (var change in listWatch.WatchAsync(snapshot.ResourceVersion, TimeSpan.FromSeconds(1), cancellation.Token))
        {
            seen.Add(change.Type);
        }

        Assert.All(seen, type => Assert.Equal(WatchEventType.Bookmark, type));
    }

    [Fact]
    public async Task Lists_every_page()
    {
        for (var i = 0; i < 5; i++)
        {
            await cluster.Client.CreateAsync(Widget.New(ns, $"w{i}"));
        }

        var operations = cluster.Client.CustomObjects;
        var pageRequests = 0;
        var listWatch = new KubernetesListWatch<Widget, EntityList<Widget>>(
            (request, cancellationToken) =>
            {
                pageRequests++;
                return operations.ListNamespacedCustomObjectWithHttpMessagesAsync<EntityList<Widget>>(
                    TestCrds.Group, "v1", ns, "widgets", continueParameter: request.Continue, limit: request.Limit,
                    watch: request.Watch, cancellationToken: cancellationToken);
            },
            pageSize: 2);

        var snapshot = await listWatch.ListAsync(CancellationToken.None);

        Assert.Equal(5, snapshot.Items.Count);
        Assert.Equal(3, pageRequests);
    }

    [Fact]
    public async Task A_watch_from_a_resourceVersion_the_server_no_longer_has_throws_Gone()
    {
        var listWatch = ListWatches.CustomResources<Widget>(cluster.Client, ns);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var _ in listWatch.WatchAsync("1", TimeSpan.FromSeconds(30), cancellation.Token))
            {
            }
        });

        Assert.True(ApiErrors.IsGone(failure), $"expected 410 Gone, got {failure}");
    }

    [Fact]
    public async Task Lists_and_watches_cluster_scoped_custom_resources()
    {
        var name = $"gadget-{Guid.NewGuid():N}"[..20];
        var listWatch = ListWatches.CustomResources<Gadget>(cluster.Client);
        var snapshot = await listWatch.ListAsync(CancellationToken.None);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            var watching = Task.Run(async () =>
            {
                await foreach (var change in listWatch.WatchAsync(snapshot.ResourceVersion, TimeSpan.FromSeconds(30), cancellation.Token))
                {
                    if (change.Type == WatchEventType.Added && change.Object.Metadata.Name == name)
                    {
                        return change.Object;
                    }
                }

                return null;
            });
            await cluster.Client.CreateAsync(Gadget.New(name, 4));

            var added = await watching.WaitAsync(cancellation.Token);
            Assert.Equal(4, added!.Spec.Size);
            Assert.Contains(name, (await listWatch.ListAsync(CancellationToken.None)).Items.Select(g => g.Metadata.Name));
        }
        finally
        {
            await cluster.Client.RemoveGadgetAsync(name);
        }
    }

    [Fact]
    public async Task Lists_and_watches_secrets()
    {
        var listWatch = ListWatches.Secrets(cluster.Client, ns);
        var snapshot = await listWatch.ListAsync(CancellationToken.None);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var watching = Task.Run(async () =>
        {
            await foreach (var change in listWatch.WatchAsync(snapshot.ResourceVersion, TimeSpan.FromSeconds(30), cancellation.Token))
            {
                if (change.Type == WatchEventType.Modified)
                {
                    return change.Object;
                }
            }

            return null;
        });

        await cluster.Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "token" }, StringData = new Dictionary<string, string> { ["t"] = "1" } }, ns);
        await cluster.Client.CoreV1.PatchNamespacedSecretAsync(
            new V1Patch("""{"stringData":{"t":"2"}}""", V1Patch.PatchType.MergePatch), "token", ns);

        var modified = await watching.WaitAsync(cancellation.Token);
        Assert.Equal("2"u8.ToArray(), modified!.Data["t"]);
    }
}

using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.Runtime;

namespace PveOperator.IntegrationTests.Runtime;

[Collection(ControlPlaneCollection.Name)]
public sealed class EventRecorderTests(ControlPlaneFixture cluster) : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private string ns = string.Empty;

    private IKubernetes Client => cluster.Client;

    public async Task InitializeAsync() => ns = await cluster.CreateNamespaceAsync();

    public Task DisposeAsync() => Client.RemoveAllWidgetsAsync(ns);

    [Fact]
    public async Task Identical_events_are_aggregated_into_one_with_a_count()
    {
        var widget = await Client.CreateAsync(Widget.New(ns, "a"));
        var recorder = NewRecorder();

        await recorder.WarningAsync(widget, "StartFailed", "node pve1 is offline");
        clock.Advance(TimeSpan.FromSeconds(30));
        await recorder.WarningAsync(widget, "StartFailed", "node pve1 is offline");
        clock.Advance(TimeSpan.FromSeconds(30));
        await recorder.WarningAsync(widget, "StartFailed", "node pve1 is offline");
        await recorder.NormalAsync(widget, "Started", "container 101 running");

        var events = await EventsAboutAsync(ns, "a");
        Assert.Equal(2, events.Count);
        var failed = events.Single(e => e.Reason == "StartFailed");
        Assert.Equal(3, failed.Count);
        Assert.Equal("Warning", failed.Type);
        Assert.Equal("node pve1 is offline", failed.Message);
        Assert.Equal(TimeSpan.FromMinutes(1), failed.LastTimestamp - failed.FirstTimestamp);
        Assert.Equal("Widget", failed.InvolvedObject.Kind);
        Assert.Equal($"{TestCrds.Group}/v1", failed.InvolvedObject.ApiVersion);
        Assert.Equal(widget.Metadata.Uid, failed.InvolvedObject.Uid);
        Assert.Equal("test-operator", failed.Source.Component);
        var started = events.Single(e => e.Reason == "Started");
        Assert.Equal(1, started.Count);
        Assert.Equal("Normal", started.Type);
    }

    [Fact]
    public async Task An_event_after_the_aggregation_window_is_a_new_event()
    {
        var widget = await Client.CreateAsync(Widget.New(ns, "a"));
        var recorder = NewRecorder();

        await recorder.NormalAsync(widget, "Synced", "ok");
        clock.Advance(TimeSpan.FromMinutes(11));
        await recorder.NormalAsync(widget, "Synced", "ok");

        var events = await EventsAboutAsync(ns, "a");
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(1, e.Count));
    }

    [Fact]
    public async Task Events_about_cluster_scoped_objects_go_to_the_default_namespace()
    {
        var name = $"gadget-{Guid.NewGuid():N}"[..20];
        try
        {
            var gadget = await Client.CreateAsync(Gadget.New(name));
            var recorder = NewRecorder();

            await recorder.NormalAsync(gadget, "Connected", "PVE 8.2 cluster 'lab' with 3 nodes");
            await recorder.NormalAsync(gadget, "Connected", "PVE 8.2 cluster 'lab' with 3 nodes");

            var created = Assert.Single(await EventsAboutAsync("default", name));
            Assert.Equal(2, created.Count);
            Assert.Null(created.InvolvedObject.NamespaceProperty);
            Assert.Equal("Gadget", created.InvolvedObject.Kind);
        }
        finally
        {
            await Client.RemoveGadgetAsync(name);
        }
    }

    [Fact]
    public async Task An_aggregated_event_that_was_deleted_is_created_again()
    {
        var widget = await Client.CreateAsync(Widget.New(ns, "a"));
        var recorder = NewRecorder();
        await recorder.NormalAsync(widget, "Synced", "ok");
        var first = Assert.Single(await EventsAboutAsync(ns, "a"));

        // Events expire (TTL); deleting plays that.
        await Client.CoreV1.DeleteNamespacedEventAsync(first.Metadata.Name, ns);
        await recorder.NormalAsync(widget, "Synced", "ok");

        var again = Assert.Single(await EventsAboutAsync(ns, "a"));
        Assert.NotEqual(first.Metadata.Name, again.Metadata.Name);
        Assert.Equal(1, again.Count);
    }

    private EventRecorder NewRecorder() =>
        new(Client, NullLogger<EventRecorder>.Instance, new EventRecorderOptions { Component = "test-operator" }, clock);

    private async Task<IList<Corev1Event>> EventsAboutAsync(string eventNamespace, string name)
    {
        var list = await Client.CoreV1.ListNamespacedEventAsync(eventNamespace, fieldSelector: $"involvedObject.name={name}");
        return list.Items;
    }
}

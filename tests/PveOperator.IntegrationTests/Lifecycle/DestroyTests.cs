using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using PveSimulator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Lifecycle;

/// <summary>deletionPolicy Delete on containers the resource owns: shut down, destroyed with purge, finalizer released; protection holds it.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class DestroyTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    private async Task<(PveSimulatorServer Simulator, string Provider)> StartAsync()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var provider = await harness.CreateProviderAsync(simulator);
        await harness.WaitForProviderAsync(provider, "True");
        return (simulator, provider);
    }

    private async Task<int> CreateRunningAsync(string provider, string name, int vmid)
    {
        await CreateResourceAsync(harness, provider, name, FromTemplate(more: s =>
        {
            s.Vmid = vmid;
            s.DeletionPolicy = DeletionPolicy.Delete;
            s.Shutdown = new ShutdownSpec { TimeoutSeconds = 10, ForceStop = true };
        }));
        await harness.WaitForContainerAsync(name, IsReadyRunning, $"{name} is created and running", TimeSpan.FromSeconds(30));
        return vmid;
    }

    [Fact]
    public async Task Deleting_a_resource_destroys_the_container_it_created_after_shutting_it_down()
    {
        var (simulator, provider) = await StartAsync();
        var vmid = await CreateRunningAsync(provider, "doomed", 400);
        Assert.True(simulator.Cluster.GetContainer(vmid)!.Running);

        await harness.DeleteContainerAsync("doomed");
        await WaitGoneAsync(harness, "doomed");

        Assert.Null(simulator.Cluster.GetContainer(vmid));
        Assert.Equal(1, simulator.Counters.PowerActions(vmid, "shutdown"));
        Assert.Equal(1, simulator.Counters.LifecycleRequests(vmid, "destroy"));
        Assert.Equal(1, simulator.Counters.LifecycleRequests(vmid, "destroy+purge"));
        Assert.Equal(1, simulator.Counters.LifecycleRequests(vmid, "destroy+destroy-unreferenced-disks"));
        Assert.Equal(1, simulator.Counters.Tasks("vzdestroy"));
        Assert.Equal(0, simulator.Counters.FailedTasks("vzdestroy"));
        var destroyed = await WaitForEventAsync(harness, "doomed", "Normal", Reasons.Destroyed);
        Assert.Contains(vmid.ToString(System.Globalization.CultureInfo.InvariantCulture), destroyed.Message);
    }

    [Fact]
    public async Task A_container_that_is_already_gone_counts_as_destroyed()
    {
        var (simulator, provider) = await StartAsync();
        var vmid = await CreateRunningAsync(provider, "vanished", 410);

        // Someone destroys it in the PVE GUI first.
        simulator.Cluster.RemoveContainer(vmid);
        simulator.Cluster.RefreshResources();
        await harness.DeleteContainerAsync("vanished");
        await WaitGoneAsync(harness, "vanished");

        Assert.Equal(0, simulator.Counters.LifecycleRequests(vmid, "destroy"));
        Assert.Equal(0, simulator.Counters.PowerActions(vmid, "shutdown"));
        Assert.Empty(await EventsAsync(harness, "vanished", "Warning", Reasons.NotOwned));
    }

    [Fact]
    public async Task A_protected_container_is_Protected_and_keeps_its_finalizer_until_protection_is_turned_off()
    {
        var (simulator, provider) = await StartAsync();
        var vmid = await CreateRunningAsync(provider, "guarded", 420);
        simulator.Cluster.UpdateContainer(vmid, ct => ct.Protection = true);

        await harness.DeleteContainerAsync("guarded");
        var stalled = await WaitForStalledAsync(harness, "guarded", Reasons.Protected);
        Assert.NotNull(stalled.Metadata.DeletionTimestamp);
        Assert.NotEmpty(stalled.Metadata.Finalizers ?? []);
        Assert.Contains("protection", Condition(stalled, ConditionTypes.Ready)!.Message, StringComparison.OrdinalIgnoreCase);
        var warning = await WaitForEventAsync(harness, "guarded", "Warning", Reasons.Protected);
        Assert.Contains(vmid.ToString(System.Globalization.CultureInfo.InvariantCulture), warning.Message);

        // The finalizer holds and the container stays, running: a protected container is not taken down for a destroy PVE will refuse.
        await Eventually.ConsistentlyAsync(async () => await harness.ContainerExistsAsync("guarded") && simulator.Cluster.GetContainer(vmid) is { Running: true },
            "the resource and its running container stay while protection is on", TimeSpan.FromSeconds(4));
        Assert.Equal(0, simulator.Counters.PowerActions(vmid, "shutdown") + simulator.Counters.PowerActions(vmid, "stop"));
        Assert.Equal(0, simulator.Counters.Tasks("vzdestroy"));

        // Protection off: the deletion goes through.
        simulator.Cluster.UpdateContainer(vmid, ct => ct.Protection = false);
        await WaitGoneAsync(harness, "guarded", TimeSpan.FromSeconds(40));
        Assert.Null(simulator.Cluster.GetContainer(vmid));
        await WaitForEventAsync(harness, "guarded", "Normal", Reasons.Destroyed);
    }
}

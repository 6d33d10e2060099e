using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Configuration.ConfigurationKit;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Configuration;

/// <summary>spec.resources: applied in place, stopped or running, without a restart.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ResourcesConfigTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output, Settings());

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Cores_cpu_limit_cpu_units_memory_and_swap_are_applied_in_place_on_a_stopped_and_a_running_container()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var stoppedCt = Existing(310, running: false);
        var runningCt = Existing(311, running: true);
        simulator.Cluster.AddContainer(stoppedCt);
        simulator.Cluster.AddContainer(runningCt);
        var provider = await harness.CreateProviderAsync(simulator);
        static void Resources(LxcContainerSpec s) =>
            s.Resources = new ContainerResources { Cores = 2, CpuLimit = "1.5", CpuUnits = 200, Memory = "1536Mi", Swap = "256Mi" };

        var stopped = await AdoptAsync(harness, provider, stoppedCt, Resources);
        var running = await AdoptAsync(harness, provider, runningCt, Resources);
        await WaitInSyncAsync(harness, stopped);
        var synced = await WaitInSyncAsync(harness, running);

        foreach (var vmid in new[] { 310, 311 })
        {
            Assert.Equal(("2", "1.5", "200", "1536", "256"),
                (Current(simulator, vmid, "cores"), Current(simulator, vmid, "cpulimit"), Current(simulator, vmid, "cpuunits"), Current(simulator, vmid, "memory"), Current(simulator, vmid, "swap")));
        }

        // All of these are hot keys in PVE: nothing waits for a restart, and none is sent.
        Assert.True(simulator.Cluster.GetContainer(311)!.Running);
        Assert.False(simulator.Cluster.GetContainer(310)!.Running);
        Assert.Equal(0, simulator.Counters.PowerActions(311, "reboot") + simulator.Counters.PowerActions(311, "shutdown") + simulator.Counters.PowerActions(311, "stop"));
        Assert.True(Has(synced, ConditionTypes.RestartRequired, "False", NothingPending), "RestartRequired=False (NothingPending)");
        Assert.Empty(synced.Status.PendingChanges ?? []);
        var applied = await WaitForEventAsync(harness, running, "Normal", "ConfigApplied");
        Assert.Contains("memory", applied.Message, StringComparison.Ordinal);
    }
}

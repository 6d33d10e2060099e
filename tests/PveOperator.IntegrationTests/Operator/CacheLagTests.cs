using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveSimulator;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Operator;

/// <summary>
/// Reconciles read the informer's cache, which can lag the operator's own status writes (a busy API server, a slow
/// watch). Here every watch event reaches the operator's caches <see cref="CacheLag"/> late, longer than a power task
/// runs: the reconcile that follows the one that sent an action sees the cache without the status.operation it wrote.
/// Deciding on that copy would send the action again.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class CacheLagTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan CacheLag = TimeSpan.FromSeconds(3);

    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output, cacheLag: CacheLag);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task No_power_action_is_sent_twice_while_the_cache_lags_behind_the_operators_own_status_writes()
    {
        var simulator = await harness.StartSimulatorAsync(new SimulatorOptions
        {
            // Shorter than the lag, and far longer than the task poll: PVE still shows the container stopped while the
            // cache still shows the status from before the start was recorded.
            TaskDuration = TimeSpan.FromSeconds(2),
            ResourcesRefreshInterval = TimeSpan.FromMilliseconds(500),
        });
        simulator.Cluster.AddContainer(new SimContainer { Vmid = 131, Node = "pve1", Name = "ct131", Running = false });
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await harness.CreateContainerAsync(provider, 131);

        await harness.WaitForContainerAsync(name, "True", Reasons.Running, TimeSpan.FromSeconds(60));
        Assert.Equal(1, simulator.Counters.PowerActions(131, "start"));

        await harness.PatchContainerSpecAsync(name, new { powerState = "Stopped" });
        await harness.WaitForContainerAsync(name, "True", Reasons.Stopped, TimeSpan.FromSeconds(60));
        Assert.Equal(1, simulator.Counters.PowerActions(131, "shutdown"));

        // Until every write of the operator has reached its cache and been reconciled on.
        await Eventually.ConsistentlyAsync(
            () => simulator.Counters.PowerActions(131, "start") == 1 && simulator.Counters.PowerActions(131, "shutdown") == 1
                && simulator.Counters.PowerActions(131, "stop") == 0,
            "one start and one shutdown, nothing sent again", CacheLag * 2);

        // The lag did bite: reconciles decided on the operator's own writes while the cache was behind them.
        string log;
        lock (harness.Log)
        {
            log = harness.Log.ToString();
        }

        Assert.Contains("the cache is behind our own write of " + harness.Namespace + "/" + name, log, StringComparison.Ordinal);
    }
}

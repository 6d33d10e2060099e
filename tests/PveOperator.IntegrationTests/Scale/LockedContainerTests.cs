using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using PveSimulator;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Scale;

/// <summary>
/// A container locked by a long backup, on the real API server: the operator waits on the lock the cluster snapshot
/// shows instead of polling status/current, says when the lock looks stale, and acts once it is gone.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class LockedContainerTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private const string StatusCurrent = "GET /nodes/{node}/lxc/{vmid}/status/current";
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() =>
        harness = await OperatorHarness.StartAsync(controlPlane, output, OperatorHarness.FastSettings with { LockStaleAfter = TimeSpan.FromSeconds(6) });

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task A_backup_lock_is_waited_on_without_polling_then_reported_stale_once_and_the_start_follows_its_end()
    {
        var simulator = await harness.StartSimulatorAsync(new SimulatorOptions { ResourcesRefreshInterval = TimeSpan.FromMilliseconds(500) });
        simulator.Cluster.AddContainer(new SimContainer { Vmid = 131, Node = "pve1", Name = "ct131", Running = false, Lock = "backup" });
        var provider = await harness.CreateProviderAsync(simulator);
        var web = await harness.CreateContainerAsync(provider, 131, PowerState.Running, name: "backed-up");

        await harness.WaitForContainerAsync(web, "False", Reasons.Locked);
        var polled = simulator.Counters.Get(StatusCurrent);
        // While the lock lasts: no status/current, whatever the lock retry says (1 s here).
        await Eventually.ConsistentlyAsync(() => simulator.Counters.Get(StatusCurrent) == polled,
            "no status/current while the snapshot shows the lock", TimeSpan.FromSeconds(4));

        var stale = await harness.WaitForContainerAsync(web, c => ConditionList.Find(c.Status?.Conditions, ConditionTypes.Stalled) is { Status: "True", Reason: Reasons.Locked },
            "the lock reported stale", TimeSpan.FromSeconds(20));
        Assert.Contains("pct unlock 131", ConditionList.Find(stale.Status.Conditions, ConditionTypes.Ready)!.Message);
        Assert.Equal(0, simulator.Counters.PowerActions(131, "start"));
        // The Warning follows the status write the wait above saw.
        async Task<int> LockedWarningsAsync() =>
            (await harness.EventsForAsync(web)).Where(e => e.Type == "Warning" && e.Reason == Reasons.Locked).Sum(e => e.Count ?? 1);
        await Eventually.TrueAsync(async () => await LockedWarningsAsync() > 0, "a Warning says the lock looks stale");
        Assert.Equal(polled, simulator.Counters.Get(StatusCurrent));

        simulator.Cluster.SetLock(131, null);
        await harness.WaitForContainerAsync(web, "True", Reasons.Running, TimeSpan.FromSeconds(30));
        Assert.Equal(1, simulator.Counters.PowerActions(131, "start"));
        // Once for the whole stale stretch, not once per lock retry.
        Assert.Equal(1, await LockedWarningsAsync());
    }
}

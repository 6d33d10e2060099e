using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveSimulator;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Operator;

/// <summary>
/// The three defects the observe → plan → act reshaping fixed, on the real API server: two resources for one container,
/// a Stop-deletion of a container that is gone, and a task PVE does not know.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ContainerClaimAndDeletionTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    private static SimContainer Container(int vmid, string node, bool running) => new()
    {
        Vmid = vmid,
        Node = node,
        Name = $"ct{vmid}",
        Running = running,
        Net = { ["net0"] = $"name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:{vmid % 100:D2}:02,ip=192.168.7.{vmid % 200}/24,type=veth" },
    };

    [Fact]
    public async Task A_second_resource_for_one_container_is_a_conflict_that_sends_nothing_and_takes_over_when_the_first_goes()
    {
        var simulator = await harness.StartSimulatorAsync(new SimulatorOptions { ResourcesRefreshInterval = TimeSpan.FromMilliseconds(500) });
        simulator.Cluster.AddContainer(Container(121, "pve1", running: true));
        var provider = await harness.CreateProviderAsync(simulator);
        var web = await harness.CreateContainerAsync(provider, 121, PowerState.Running, name: "web");
        await harness.WaitForContainerAsync(web, "True", Reasons.Running);

        var twin = await harness.CreateContainerAsync(provider, 121, PowerState.Stopped, name: "web-twin");
        var conflicted = await harness.WaitForContainerAsync(twin, "False", Reasons.Conflict);
        Assert.Equal("True", ConditionList.Find(conflicted.Status.Conditions, ConditionTypes.Stalled)?.Status);
        Assert.Contains($"LxcContainer {harness.Namespace}/web", ConditionList.Find(conflicted.Status.Conditions, ConditionTypes.Ready)!.Message);

        // The holder is converged and costs nothing; the twin must not cost anything either: no request names CT 121.
        var before = simulator.Counters.ContainerRequests(121);
        await Eventually.ConsistentlyAsync(() => simulator.Counters.ContainerRequests(121) == before && simulator.Cluster.GetContainer(121)!.Running,
            "no request about CT 121 while the twin is in conflict", TimeSpan.FromSeconds(4));
        Assert.Equal(0, simulator.Counters.PowerActions(121, "shutdown"));
        Assert.Equal("True", ConditionList.Find((await harness.GetContainerAsync(web)).Status.Conditions, ConditionTypes.Ready)?.Status);
        var warnings = (await harness.EventsForAsync(twin)).Where(e => e.Reason == Reasons.Conflict && e.Type == "Warning").ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("web", warning.Message);

        // The holder goes (Orphan: the container stays as it is); the twin takes over and drives it to its own spec.
        await harness.DeleteContainerAsync(web);
        var taken = await harness.WaitForContainerAsync(twin, "True", Reasons.Stopped, TimeSpan.FromSeconds(30));
        Assert.False(taken.Status.Running);
        Assert.Equal(1, simulator.Counters.PowerActions(121, "shutdown"));
    }

    [Fact]
    public async Task Stop_deletion_of_a_container_that_vanished_completes_with_a_normal_event()
    {
        var simulator = await harness.StartSimulatorAsync(new SimulatorOptions { ResourcesRefreshInterval = TimeSpan.FromMilliseconds(500) });
        simulator.Cluster.AddContainer(Container(122, "pve1", running: true));
        simulator.Cluster.AddContainer(Container(123, "pve2", running: true));
        var provider = await harness.CreateProviderAsync(simulator);
        var gone = await harness.CreateContainerAsync(provider, 122, customize: s => s.DeletionPolicy = DeletionPolicy.Stop, name: "gone");
        var pinned = await harness.CreateContainerAsync(provider, 123, customize: s =>
        {
            s.DeletionPolicy = DeletionPolicy.Stop;
            s.Node = "pve2";
        }, name: "pinned");
        await harness.WaitForContainerAsync(gone, "True", Reasons.Running);
        await harness.WaitForContainerAsync(pinned, "True", Reasons.Running);

        // Someone destroys CT 122 in PVE, and CT 123 is destroyed on its pinned node.
        simulator.Cluster.RemoveContainer(122);
        simulator.Cluster.RemoveContainer(123);
        simulator.Cluster.RefreshResources();
        await harness.DeleteContainerAsync(gone);
        await harness.DeleteContainerAsync(pinned);

        await Eventually.TrueAsync(async () => !await harness.ContainerExistsAsync(gone) && !await harness.ContainerExistsAsync(pinned),
            "both resources are gone", TimeSpan.FromSeconds(20));
        Assert.Contains(await harness.EventsForAsync(gone), e => e.Type == "Normal" && e.Reason == Reasons.NotFound && e.Message.Contains("nothing left to stop"));
        Assert.Contains(await harness.EventsForAsync(pinned), e => e.Type == "Normal" && e.Reason == Reasons.NotFound && e.Message.Contains("nothing left to stop"));
        Assert.Equal(0, simulator.Counters.PowerActions(122, "shutdown") + simulator.Counters.PowerActions(123, "shutdown"));
    }

    [Fact]
    public async Task A_task_pve_does_not_know_is_observed_and_backed_off_not_resent_at_once()
    {
        var simulator = await harness.StartSimulatorAsync(new SimulatorOptions
        {
            TaskDuration = TimeSpan.FromMilliseconds(200),
            ResourcesRefreshInterval = TimeSpan.FromMilliseconds(500),
        });
        // Its start task fails, so the container never runs; and PVE answers "no such task" for every UPID.
        var ct = Container(124, "pve1", running: false);
        ct.StartFailure = "startup for container '124' failed";
        simulator.Cluster.AddContainer(ct);
        simulator.Faults.ForgetTasks = true;
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await harness.CreateContainerAsync(provider, 124);

        await Eventually.TrueAsync(() => simulator.Counters.PowerActions(124, "start") >= 2, "a second start after the hold", TimeSpan.FromSeconds(20));
        var observing = await harness.WaitForContainerAsync(name, "False", Reasons.Observing);
        Assert.Contains("unknown", ConditionList.Find(observing.Status.Conditions, ConditionTypes.Ready)!.Message);

        // Fast settings: a 3 s hold and a backoff doubling from 1 s. Resending at once would make about 10 starts a
        // second; the third start waits out the hold again, so within 2.5 s of the second no more than one follows.
        var sent = simulator.Counters.PowerActions(124, "start");
        await Eventually.ConsistentlyAsync(() => simulator.Counters.PowerActions(124, "start") <= sent + 1,
            "at most one more start while the unknown outcome is held", TimeSpan.FromSeconds(2.5));
    }
}

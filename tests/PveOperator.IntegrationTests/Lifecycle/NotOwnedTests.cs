using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using PveSimulator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Lifecycle;

/// <summary>
/// A container without this resource's owner mark is never destroyed, whatever deletionPolicy says: the mark is read
/// from PVE at deletion time, not remembered (CAPMOX destroyed healthy VMs because a reused VMID was trusted).
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class NotOwnedTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    private async Task<PveSimulatorServer> StartAsync(params int[] vmids)
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        foreach (var vmid in vmids)
        {
            simulator.Cluster.AddContainer(HandMadeContainer(vmid, "pve1", running: true, description: $"web server {vmid}\nset up by hand"));
        }

        return simulator;
    }

    /// <summary>Adopts the CT with deletionPolicy Delete and waits until the operator wrote this resource's mark into its description.</summary>
    private async Task<V1Alpha1LxcContainer> AdoptAsync(PveSimulatorServer simulator, string provider, string name, int vmid)
    {
        await CreateResourceAsync(harness, provider, name, s =>
        {
            s.Vmid = vmid;
            s.DeletionPolicy = DeletionPolicy.Delete;
        });
        var adopted = await harness.WaitForContainerAsync(name, IsReadyRunning, $"{name} adopted CT {vmid}");
        await Eventually.TrueAsync(() => simulator.Cluster.GetContainer(vmid)!.Description?.Contains(OwnerMark(adopted), StringComparison.Ordinal) == true,
            $"the owner mark of {name} is written into CT {vmid}'s description", TimeSpan.FromSeconds(20));
        // The description's own lines are kept.
        Assert.StartsWith($"web server {vmid}\nset up by hand", simulator.Cluster.GetContainer(vmid)!.Description);
        Assert.Equal(0, simulator.Counters.Tasks("vzcreate"));
        return adopted;
    }

    private async Task AssertLeftAloneAsync(PveSimulatorServer simulator, string name, int vmid)
    {
        await WaitGoneAsync(harness, name);
        var warning = await WaitForEventAsync(harness, name, "Warning", Reasons.NotOwned);
        Assert.Contains(vmid.ToString(System.Globalization.CultureInfo.InvariantCulture), warning.Message);
        var ct = simulator.Cluster.GetContainer(vmid);
        Assert.NotNull(ct);
        Assert.True(ct.Running, $"CT {vmid} is left running");
        Assert.Equal(0, simulator.Counters.LifecycleRequests(vmid, "destroy"));
        Assert.Equal(0, simulator.Counters.PowerActions(vmid, "shutdown") + simulator.Counters.PowerActions(vmid, "stop"));
        Assert.Equal(0, simulator.Counters.Get("DELETE /nodes/{node}/lxc/{vmid}"));
    }

    [Fact]
    public async Task A_container_whose_mark_names_another_resource_at_deletion_time_is_left_running_with_a_NotOwned_warning()
    {
        var simulator = await StartAsync(170, 171);
        var provider = await harness.CreateProviderAsync(simulator);
        await AdoptAsync(simulator, provider, "adopter-a", 170);
        var second = await AdoptAsync(simulator, provider, "adopter-b", 171);
        Assert.NotEqual("7f1e2d3c-0000-4000-8000-000000000171", second.Metadata.Uid);

        // Behind the operator's back, right before the deletions: CT 170 is now claimed by a resource of another namespace,
        // CT 171 by one with this very name but another UID (a deleted and re-created resource, or a second cluster).
        simulator.Cluster.UpdateContainer(170, ct => ct.Description = "web server 170\npve-operator.io/owner=other-team/web uid=0d5c8f8e-5b1c-4c55-9b55-3f8d1f6c2a10");
        simulator.Cluster.UpdateContainer(171, ct => ct.Description = $"web server 171\npve-operator.io/owner={harness.Namespace}/adopter-b uid=7f1e2d3c-0000-4000-8000-000000000171");
        await harness.DeleteContainerAsync("adopter-a");
        await harness.DeleteContainerAsync("adopter-b");

        await AssertLeftAloneAsync(simulator, "adopter-a", 170);
        await AssertLeftAloneAsync(simulator, "adopter-b", 171);
        Assert.Contains("other-team/web", simulator.Cluster.GetContainer(170)!.Description);
    }

    [Fact]
    public async Task A_container_whose_mark_was_removed_while_no_operator_ran_is_left_running_with_a_NotOwned_warning()
    {
        var simulator = await StartAsync(172);
        var provider = await harness.CreateProviderAsync(simulator);
        await AdoptAsync(simulator, provider, "adopter-c", 172);

        // The deletion is requested while the operator is down (the finalizer keeps the resource), and meanwhile someone
        // removes the mark in PVE: the restarted operator must read it again, not trust what it once wrote.
        await harness.StopOperatorAsync();
        await harness.DeleteContainerAsync("adopter-c");
        simulator.Cluster.UpdateContainer(172, ct => ct.Description = "web server 172\nset up by hand");
        Assert.True(await harness.ContainerExistsAsync("adopter-c"));
        await harness.RestartOperatorAsync();

        await AssertLeftAloneAsync(simulator, "adopter-c", 172);
        Assert.Equal("web server 172\nset up by hand", simulator.Cluster.GetContainer(172)!.Description);
    }
}

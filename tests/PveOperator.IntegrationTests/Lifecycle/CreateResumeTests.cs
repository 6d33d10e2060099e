using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Lifecycle;

/// <summary>An operator restarted while a create runs resumes from status.operation: one create, the vmid it recorded.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class CreateResumeTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task An_operator_restarted_in_the_middle_of_a_create_resumes_it_without_a_second_create()
    {
        // The disk allocation alone takes 8 s: the vzcreate task is still running across the restart.
        var simulator = await harness.StartSimulatorAsync(Options() with { StorageAllocationDuration = TimeSpan.FromSeconds(8) }, "pve1", "pve2");
        var provider = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.VmidRange = new VmidRange { Min = 500, Max = 599 });
        var name = await CreateResourceAsync(harness, provider, "survivor", FromTemplate());

        var sent = await harness.WaitForContainerAsync(name, c => c.Status?.Operation is { Type: OperationType.Create, Upid: { } },
            "the create's UPID is recorded in status.operation");
        var upid = sent.Status.Operation!.Upid!;
        Assert.Equal(500, sent.Status.Vmid);
        Assert.Contains(":vzcreate:500:", upid);

        await harness.StopOperatorAsync();
        // The premise: the task is still running in PVE while no operator runs.
        Assert.Equal("create", simulator.Cluster.GetContainer(500)?.Lock);
        Assert.Equal(1, simulator.Counters.LifecycleRequests(500, "create"));

        await harness.RestartOperatorAsync();
        var ready = await harness.WaitForContainerAsync(name, c => IsReadyRunning(c),
            "the restarted operator saw the create through and started the CT", TimeSpan.FromSeconds(40));

        Assert.Equal(500, ready.Status.Vmid);
        Assert.Null(ready.Status.Operation);
        Assert.Equal(1, simulator.Counters.LifecycleRequests(500, "create"));
        Assert.Equal(1, simulator.Counters.Get("POST /nodes/{node}/lxc"));
        Assert.Equal(1, simulator.Counters.Tasks("vzcreate"));
        Assert.Equal(0, simulator.Counters.FailedTasks("vzcreate"));
        // No second container under another allocated id, and the one there is ours.
        Assert.Equal([500], simulator.Cluster.Containers.Select(c => c.Vmid).ToArray());
        var ct = simulator.Cluster.GetContainer(500)!;
        Assert.True(ct.Running);
        Assert.Equal("survivor", ct.Name);
        Assert.Contains(OwnerMark(ready), ct.Description ?? "");
        // The restarted operator asked PVE about the recorded task rather than starting over.
        Assert.True(simulator.Counters.Get("GET /nodes/{node}/tasks/{upid}/status") >= 1);
    }
}

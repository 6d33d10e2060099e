using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using PveSimulator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Lifecycle;

/// <summary>Creates the operator must not do: a user-given vmid that is someone else's container, a template that is not there.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class CreateRefusalTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task A_given_vmid_that_exists_without_our_mark_is_AlreadyExists_and_is_neither_created_touched_nor_destroyed()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        simulator.Cluster.AddContainer(HandMadeContainer(150, "pve1", running: false, description: "billing database, do not touch"));
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await CreateResourceAsync(harness, provider, "clash", FromTemplate(more: s =>
        {
            s.Vmid = 150;
            s.DeletionPolicy = DeletionPolicy.Delete;
        }));

        var stalled = await WaitForStalledAsync(harness, name, Reasons.AlreadyExists);
        Assert.Contains("150", Condition(stalled, ConditionTypes.Ready)!.Message);
        // Nothing created, no mark written, not started although powerState says Running.
        await Eventually.ConsistentlyAsync(() => Writes(simulator).Count == 0 && !simulator.Cluster.GetContainer(150)!.Running,
            "no write to PVE and CT 150 still stopped", TimeSpan.FromSeconds(3));
        Assert.Equal(0, simulator.Counters.LifecycleRequests(150, "create"));
        Assert.Equal(0, simulator.Counters.Tasks("vzcreate"));
        Assert.Equal("billing database, do not touch", simulator.Cluster.GetContainer(150)!.Description);

        // Deleting the resource (deletionPolicy Delete) must not destroy what it never owned.
        await harness.DeleteContainerAsync(name);
        await WaitGoneAsync(harness, name);
        Assert.NotNull(simulator.Cluster.GetContainer(150));
        Assert.Equal(0, simulator.Counters.LifecycleRequests(150, "destroy"));
        Assert.Empty(Writes(simulator));
    }

    [Fact]
    public async Task A_missing_template_is_TemplateNotFound_listing_the_storage_templates_and_proceeds_once_it_is_uploaded()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var local = simulator.Cluster.FindStorage("local")!;
        var alpine = new SimTemplateVolume("alpine-3.20-default_20240908_amd64.tar.xz", 3_000_000);
        simulator.Cluster.AddStorage(local with { Templates = [.. local.Templates, alpine] });
        var provider = await harness.CreateProviderAsync(simulator);
        const string missing = "local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst";
        var name = await CreateResourceAsync(harness, provider, "wrong-image", FromTemplate(template: missing, more: s => s.Vmid = 160));

        var stalled = await WaitForStalledAsync(harness, name, Reasons.TemplateNotFound);
        var message = Condition(stalled, ConditionTypes.Ready)!.Message;
        Assert.Contains(missing, message);
        Assert.Contains(DebianTemplate, message);
        Assert.Contains("local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz", message);

        // No container is left behind, and the create is not retried in a loop.
        await Eventually.ConsistentlyAsync(() => simulator.Cluster.GetContainer(160) is null && simulator.Counters.LifecycleRequests(160, "create") <= 1,
            "no CT 160 and at most one create", TimeSpan.FromSeconds(3));
        Assert.Equal(0, simulator.Counters.PowerActions(160, "start"));

        // The admin uploads the template: the resource gets on with it without being touched.
        simulator.Cluster.AddStorage(local with
        {
            Templates = [.. local.Templates, alpine, new SimTemplateVolume("ubuntu-24.04-standard_24.04-2_amd64.tar.zst", 140_000_000)],
        });
        var ready = await harness.WaitForContainerAsync(name, IsReadyRunning, "the CT is created once the template exists", TimeSpan.FromSeconds(40));
        Assert.Equal(160, ready.Status.Vmid);
        Assert.Equal("ubuntu", simulator.Cluster.GetContainer(160)!.ConfigValue("ostype"));
        Assert.Equal(0, simulator.Counters.FailedTasks("vzstart"));
    }

    [Fact]
    public async Task A_full_vmid_range_is_VmidRangeExhausted_and_creates_nothing()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        simulator.Cluster.AddContainer(HandMadeContainer(600, "pve1", running: false));
        simulator.Cluster.AddContainer(HandMadeContainer(601, "pve2", running: false));
        var provider = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.VmidRange = new VmidRange { Min = 600, Max = 601 });
        var name = await CreateResourceAsync(harness, provider, "no-room", FromTemplate());

        var stalled = await WaitForStalledAsync(harness, name, Reasons.VmidRangeExhausted);
        Assert.Contains("600", Condition(stalled, ConditionTypes.Ready)!.Message);
        Assert.Null(stalled.Status.Vmid);
        await Eventually.ConsistentlyAsync(() => Writes(simulator).Count == 0, "no write to PVE", TimeSpan.FromSeconds(2));
        Assert.Equal(2, simulator.Cluster.Containers.Count);
    }

    [Fact]
    public async Task A_clone_of_a_vmid_that_does_not_exist_is_CloneSourceNotFound_and_sends_no_clone()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await CreateResourceAsync(harness, provider, "orphan-clone", s =>
        {
            s.Vmid = 230;
            s.Create = new ContainerCreateSpec { Clone = new CloneSource { Vmid = 9999 } };
        });

        var stalled = await WaitForStalledAsync(harness, name, Reasons.CloneSourceNotFound);
        Assert.Contains("9999", Condition(stalled, ConditionTypes.Ready)!.Message);
        await Eventually.ConsistentlyAsync(() => Writes(simulator).Count == 0 && simulator.Cluster.Containers.Count == 0,
            "no clone request and no container", TimeSpan.FromSeconds(2));
    }
}
